// Visualization helpers against torchvision's make_grid, a PyTorch saliency map and scikit-learn's
// confusion_matrix (test/fixtures/vision/make_visualize_fixture.py); PNG bytes decoded back with zlib.
import { readFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { deserialize } from "../../src/io/safetensors.js";
import * as nn from "../../src/nn/index.js";
import { LeNet5 } from "../../src/vision/models/index.js";
import { saliency, makeGrid, filterGrid, confusionMatrix, confusionMatrixImage, imagePng } from "../../src/vision/visualize.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/vision");
const fixture = JSON.parse(readFileSync(join(dir, "visualize.json"), "utf8")) as {
  grids: { name: string; input: number[]; inputShape: number[]; options: Record<string, unknown>; output: number[]; outputShape: number[] }[];
  saliency: { target: number[]; map: number[]; shape: number[]; class3: number[] };
  confusion: { pred: number[]; true: number[]; matrix: number[][] };
};
const maxDiff = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

describe("makeGrid equals torchvision.utils.make_grid", () => {
  for (const g of fixture.grids) {
    it(g.name, () => {
      const o = g.options as { nrow?: number; padding?: number; normalize?: boolean; scale_each?: boolean; pad_value?: number; value_range?: [number, number] };
      const grid = makeGrid(tensor(g.input, { dtype: "float64", shape: g.inputShape }), {
        nrow: o.nrow, padding: o.padding, normalize: o.normalize, scaleEach: o.scale_each, padValue: o.pad_value, valueRange: o.value_range,
      });
      expect(grid.shape).toEqual(g.outputShape);
      expect(maxDiff(grid.toList() as number[], g.output)).toBeLessThan(1e-12);
    });
  }

  it("filterGrid shows each filter scaled to [0, 1] by its own range", () => {
    const w = tensor([[[[0, 1], [2, 3]]], [[[-1, -1], [-1, 1]]]], { dtype: "float64" }); // (2, 1, 2, 2)
    const grid = filterGrid(w, { padding: 0 });
    expect(grid.shape).toEqual([3, 2, 4]);
    expect((grid.toList() as number[]).slice(0, 8)).toEqual([0, 1 / 3, 0, 0, 2 / 3, 1, 0, 1]);
    expect(() => filterGrid(tensor([1, 2]))).toThrow(/filterGrid: expected a 2-D convolution weight \(out, in, kH, kW\), got \[2\]/);
  });
});

describe("saliency", () => {
  const w = deserialize(new Uint8Array(readFileSync(join(dir, "models.safetensors")))).tensors;
  const net = () => {
    const m = new LeNet5({ dtype: "float64" });
    m.loadStateDict(Object.fromEntries(Object.entries(w).filter(([k]) => k.startsWith("lenet5/state/")).map(([k, v]) => [k.slice(13), v])));
    return m.eval();
  };

  it("equals PyTorch's |∂ score / ∂ input| maxed over channels, for the predicted class and for a given class", () => {
    const model = net();
    const x = w["lenet5/input"]!;
    const map = saliency(model, x);
    expect(map.shape).toEqual(fixture.saliency.shape);
    expect(maxDiff(map.toList() as number[], fixture.saliency.map)).toBeLessThan(1e-12);
    expect(maxDiff(saliency(model, x, 3).toList() as number[], fixture.saliency.class3)).toBeLessThan(1e-12);
    expect(maxDiff(saliency(model, x, fixture.saliency.target).toList() as number[], fixture.saliency.map)).toBeLessThan(1e-12);
    for (const p of model.parameters()) expect(p.grad).toBeNull(); // parameter gradients untouched
  });

  it("of a linear model is |W[c]| per pixel (max over channels)", () => {
    const lin = new nn.Sequential(new nn.Flatten(), new nn.Linear(2 * 1 * 2, 3, { dtype: "float64" }));
    const weight = [[1, -2, 3, -4], [0.5, 0, -0.5, 2], [0, 0, 0, 1]];
    lin.loadStateDict({ "1.weight": tensor(weight, { dtype: "float64" }), "1.bias": tensor([0, 0, 0], { dtype: "float64" }) });
    const map = saliency(lin, tensor([[[[1, 1]], [[1, 1]]]], { dtype: "float64" }), 1); // (1, 2, 1, 2)
    expect(map.toList()).toEqual([Math.max(0.5, 0.5), Math.max(0, 2)]);
  });

  it("checks its arguments", () => {
    expect(() => saliency(net(), tensor([1, 2]))).toThrow(/saliency: input must be an \(N, C, H, W\) tensor, got \[2\]/);
    expect(() => saliency(net(), w["lenet5/input"]!, [1])).toThrow(/saliency: expected 2 target classes \(one per input\), got 1/);
    expect(() => saliency(net(), w["lenet5/input"]!, 10)).toThrow(/saliency: target 0 must be a class index in \[0, 10\), got 10/);
  });
});

describe("confusion matrix", () => {
  it("equals scikit-learn's confusion_matrix (rows: true class, columns: prediction)", () => {
    const m = confusionMatrix(fixture.confusion.pred, fixture.confusion.true, 4);
    expect(m.dtype).toBe("int32");
    expect(m.toList()).toEqual(fixture.confusion.matrix.flat());
  });

  it("as an image: each cell's colour interpolates white → #08306b by its share of the row", () => {
    const img = confusionMatrixImage(tensor([[3, 1], [0, 0]], { dtype: "int32" }), { cellSize: 4 });
    expect(img.shape).toEqual([3, 8, 8]);
    const px = (c: number, y: number, x: number) => (img.toList() as number[])[(c * 8 + y) * 8 + x]!;
    const mix = (v: number, dark: number) => Math.fround(1 + (dark / 255 - 1) * v);
    expect([px(0, 0, 0), px(1, 0, 0), px(2, 0, 0)]).toEqual([mix(0.75, 8), mix(0.75, 48), mix(0.75, 107)]);
    expect([px(0, 1, 5), px(1, 1, 5), px(2, 1, 5)]).toEqual([mix(0.25, 8), mix(0.25, 48), mix(0.25, 107)]);
    expect(px(0, 5, 1)).toBe(1); // an empty row stays white
    expect(px(0, 3, 0)).toBe(0.75); // cell border
  });

  it("rejects out-of-range classes and unequal lengths", () => {
    expect(() => confusionMatrix([0, 4], [0, 1], 4)).toThrow(/confusionMatrix: prediction 1 must be a class index in \[0, 4\), got 4/);
    expect(() => confusionMatrix([0], [0, 1], 4)).toThrow(/confusionMatrix: 1 predictions but 2 targets/);
  });
});

describe("imagePng", () => {
  it("writes a PNG whose decoded rows are the image's bytes (×255, truncated)", () => {
    const img = tensor([[[0, 0.5], [1, 0.25]]]); // (1, 2, 2): gray, shown as RGB
    for (const png of [imagePng(img), imagePng(img, { deflate: (d) => deflateSync(d) })]) {
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const view = new DataView(png.buffer, png.byteOffset);
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([2, 2]); // IHDR width, height
      const idatLength = view.getUint32(33);
      const raw = inflateSync(png.subarray(41, 41 + idatLength));
      // each row: filter byte 0, then RGB triples
      expect([...raw]).toEqual([0, 0, 0, 0, 127, 127, 127, 0, 255, 255, 255, 63, 63, 63]);
    }
  });
});

describe("node.savePng", () => {
  it("writes a zlib-compressed PNG file, creating folders", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { savePng } = await import("../../src/node/index.js");
    const path = join(mkdtempSync(join(tmpdir(), "ds-png-")), "a", "grid.png");
    const img = confusionMatrixImage(tensor([[5, 0], [1, 4]], { dtype: "int32" }), { cellSize: 32 });
    expect(savePng(path, img)).toBe(path);
    const bytes = readFileSync(path);
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    expect(bytes.length).toBeLessThan(imagePng(img).length / 10); // compressed, unlike the stored-block default
  });
});
