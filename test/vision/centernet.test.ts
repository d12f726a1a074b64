// vision.models.CenterNet: targets, focal loss and L1 against CenterNet's own code (test/fixtures/vision/centernet.py, PyTorch/numpy),
// a target heatmap worked out by hand, gradcheck of the loss in float64, decoding of a heatmap with known peaks, and the model's shapes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { Generator } from "../../src/random/Generator.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import {
  CenterNet, centerNetDecode, centerNetFocalLoss, centerNetLoss, centerNetTargets, gaussianRadius,
} from "../../src/vision/models/index.js";

interface Fixture {
  shape: [number, number, number, number]; maxObjects: number; stride: number; boxes: number[][][]; classes: number[][];
  heatmap: number[]; size: number[]; offset: number[]; index: number[]; mask: number[];
  logits: number[]; sizePred: number[]; offsetPred: number[];
  focal: number; sizeL1: number; offsetL1: number; total: number; gradLogits: number[]; gradSize: number[]; emptyFocal: number;
  radius: { h: number[]; w: number[]; r: number[] };
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/vision/centernet.json", import.meta.url), "utf8")) as Fixture;
const [B, C, H, W] = fx.shape;
const f64 = (data: number[], shape: number[]): Tensor => tensor(Float64Array.from(data), { shape, dtype: "float64" });
const closeAll = (actual: ArrayLike<number>, expected: number[], digits = 10): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]!).toBeCloseTo(e, digits));
};
const fixtureTargets = () => centerNetTargets(
  fx.boxes.map((boxes, b) => ({ boxes, classes: fx.classes[b]! })),
  { numClasses: C, height: H, width: W, stride: fx.stride, maxObjects: fx.maxObjects, dtype: "float64" },
);

describe("targets", () => {
  it("CornerNet's radius equals CenterNet's gaussian_radius", () => {
    fx.radius.r.forEach((r, i) => expect(gaussianRadius(fx.radius.h[i]!, fx.radius.w[i]!)).toBeCloseTo(r, 12));
  });

  it("heatmap, sizes, offsets, indices and mask equal CenterNet's ctdet targets", () => {
    const t = fixtureTargets();
    closeAll(t.heatmap.dataSync(), fx.heatmap, 12);
    closeAll(t.size.dataSync(), fx.size, 12);
    closeAll(t.offset.dataSync(), fx.offset, 12);
    expect(Array.from(t.index.dataSync())).toEqual(fx.index);
    expect(Array.from(t.mask.dataSync())).toEqual(fx.mask);
  });

  it("a 40×40-pixel box at stride 4 splats the Gaussian worked out by hand", () => {
    // Box [8, 8, 48, 48] → cells [2, 2, 12, 12]: h = w = 10, centre (7, 7), offset (0, 0).
    // CornerNet's third root (the smallest): a = 4·0.7 = 2.8, b = −2·0.7·20 = −28, c = (0.7 − 1)·100 = −30,
    // r = (28 + √(784 + 4·2.8·30)) / 2 = (−28 + √1120) / 2 = 2.733 → radius 2, σ = (2·2 + 1) / 6 = 5/6, 1/(2σ²) = 18/25 = 0.72.
    const t = centerNetTargets([{ boxes: [[8, 8, 48, 48]], classes: [1] }], { numClasses: 2, height: 16, width: 16, dtype: "float64" });
    const heat = t.heatmap.dataSync();
    const at = (c: number, y: number, x: number): number => heat[(c * 16 + y) * 16 + x]!;
    expect(at(1, 7, 7)).toBe(1);
    expect(at(1, 7, 8)).toBeCloseTo(Math.exp(-0.72), 14);
    expect(at(1, 8, 8)).toBeCloseTo(Math.exp(-1.44), 14);
    expect(at(1, 7, 9)).toBeCloseTo(Math.exp(-2.88), 14);
    expect(at(1, 9, 5)).toBeCloseTo(Math.exp(-5.76), 14);
    expect(at(1, 7, 10)).toBe(0); // outside the 5×5 window
    expect(at(0, 7, 7)).toBe(0); // other class
    expect(Array.from(t.size.dataSync())).toEqual([10, 10]);
    expect(Array.from(t.offset.dataSync())).toEqual([0, 0]);
    expect(Array.from(t.index.dataSync())).toEqual([7 * 16 + 7]);
  });
});

describe("loss", () => {
  it("focal loss, size and offset L1 and their gradients equal CenterNet's _neg_loss and RegL1Loss", () => {
    const logits = f64(fx.logits, [B, C, H, W]).requiresGrad_();
    const size = f64(fx.sizePred, [B, 2, H, W]).requiresGrad_();
    const offset = f64(fx.offsetPred, [B, 2, H, W]);
    const l = centerNetLoss({ heatmap: logits, size, offset }, fixtureTargets());
    expect(l.heatmap.item()).toBeCloseTo(fx.focal, 10);
    expect(l.size.item()).toBeCloseTo(fx.sizeL1, 10);
    expect(l.offset.item()).toBeCloseTo(fx.offsetL1, 10);
    expect(l.loss.item()).toBeCloseTo(fx.total, 10);
    l.loss.backward();
    closeAll(logits.grad!.dataSync(), fx.gradLogits, 10);
    closeAll(size.grad!.dataSync(), fx.gradSize, 10);
  });

  it("names the mismatched shapes", () => {
    const t = fixtureTargets();
    const logits = f64(fx.logits, [B, C, H, W]);
    expect(() => centerNetFocalLoss(logits, t.heatmap.slice(1, 0, 2))).toThrow(/centerNetFocalLoss: logits \[2, 3, 6, 5\] and target \[2, 2, 6, 5\]/);
    expect(() => centerNetLoss({ heatmap: logits, size: logits, offset: logits }, t)).toThrow(/centerNetRegL1: target must be \[2, 3, 3\], got \[2, 3, 2\]/);
  });

  it("without objects the focal loss is the negative part alone", () => {
    const zero = f64(new Array(B * C * H * W).fill(0), [B, C, H, W]);
    expect(centerNetFocalLoss(f64(fx.logits, [B, C, H, W]), zero).item()).toBeCloseTo(fx.emptyFocal, 10);
  });

  it("passes gradcheck in float64 (logits, sizes and offsets)", () => {
    const g = new Generator(1);
    const targets = centerNetTargets([{ boxes: [[1, 2, 9, 11]], classes: [1] }, { boxes: [[4, 0, 15, 6], [0, 8, 6, 16]], classes: [0, 0] }], { numClasses: 2, height: 4, width: 4, dtype: "float64" });
    const rand = (shape: number[], scale: number) => tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal() * scale), { shape, dtype: "float64" }).requiresGrad_();
    const inputs = [rand([2, 2, 4, 4], 1.5), rand([2, 2, 4, 4], 2), rand([2, 2, 4, 4], 1)];
    expect(gradcheck((hm, sz, off) => centerNetLoss({ heatmap: hm!, size: sz!, offset: off! }, targets).loss, inputs)).toBe(true);
  });
});

describe("decoding", () => {
  // A 2-class 8×8 heatmap (probabilities; logits = log(p / (1 − p))): class 0 peaks 0.9 at (y 2, x 3) beside 0.8 at (2, 4),
  // which the 3×3 max-pool suppresses; class 1 peaks 0.7 at (5, 1); everything else 0.01.
  const prob = new Float64Array(2 * 64).fill(0.01);
  prob[2 * 8 + 3] = 0.9;
  prob[2 * 8 + 4] = 0.8;
  prob[64 + 5 * 8 + 1] = 0.7;
  const heatmap = tensor(prob.map((p) => Math.log(p / (1 - p))), { shape: [1, 2, 8, 8], dtype: "float64" });
  const size = new Float64Array(2 * 64), offset = new Float64Array(2 * 64);
  size[2 * 8 + 3] = 4; size[64 + 2 * 8 + 3] = 2; offset[2 * 8 + 3] = 0.25; offset[64 + 2 * 8 + 3] = 0.5; // (w, h) = (4, 2), offset (0.25, 0.5)
  size[5 * 8 + 1] = 3; size[64 + 5 * 8 + 1] = 3; // (3, 3) at (5, 1), no offset
  size[7 * 8 + 7] = -1; // a negative width where nothing peaks above 0.01: decoded as width 0
  const output = { heatmap, size: tensor(size, { shape: [1, 2, 8, 8], dtype: "float64" }), offset: tensor(offset, { shape: [1, 2, 8, 8], dtype: "float64" }) };

  it("finds the two peaks, highest first, as COCO results in input pixels", () => {
    const dets = centerNetDecode(output, { imageIds: [42], categoryIds: [3, 7], k: 2 });
    expect(dets.length).toBe(2);
    // Centre (3.25, 2.5) cells, size (4, 2): x1 = (3.25 − 2)·4 = 5, y1 = (2.5 − 1)·4 = 6, w = 16, h = 8.
    expect(dets[0]!.image_id).toBe(42);
    expect(dets[0]!.category_id).toBe(3);
    closeAll(dets[0]!.bbox, [5, 6, 16, 8], 12);
    expect(dets[0]!.score).toBeCloseTo(0.9, 12);
    // Centre (1, 5), size (3, 3): x1 = (1 − 1.5)·4 = −2 → clipped to 0, x2 = 2.5·4 = 10; y1 = 3.5·4 = 14, h = 12.
    expect(dets[1]!.category_id).toBe(7);
    closeAll(dets[1]!.bbox, [0, 14, 10, 12], 12);
    expect(dets[1]!.score).toBeCloseTo(0.7, 12);
  });

  it("suppresses the 0.8 cell beside the 0.9 peak; what follows are 0.01 plateau cells; scoreThreshold cuts them", () => {
    const dets = centerNetDecode(output, { imageIds: [1], k: 5 });
    expect(dets.map((d) => d.score.toFixed(2))).toEqual(["0.90", "0.70", "0.01", "0.01", "0.01"]);
    expect(centerNetDecode(output, { imageIds: [1], k: 100, scoreThreshold: 0.05 }).length).toBe(2);
    // Cell (7, 7) of class 0: centre (7, 7) cells, size (max(0, −1), 0) → the empty box at 28, 28.
    const corner = centerNetDecode(output, { imageIds: [1], k: 200 }).filter((d) => d.category_id === 1 && d.bbox[0] === 28 && d.bbox[1] === 28);
    expect(corner.map((d) => d.bbox)).toEqual([[28, 28, 0, 0]]);
  });
});

describe("model", () => {
  it("maps [B, 3, 32, 32] to heatmap logits [B, 4, 8, 8] and sizes / offsets [B, 2, 8, 8]", () => {
    const net = new CenterNet({ numClasses: 4, width: 8, generator: new Generator(0) });
    net.eval();
    const out = net.call(tensor(new Float32Array(2 * 3 * 32 * 32).fill(0.5), { shape: [2, 3, 32, 32] }));
    expect(out.heatmap.shape).toEqual([2, 4, 8, 8]);
    expect(out.size.shape).toEqual([2, 2, 8, 8]);
    expect(out.offset.shape).toEqual([2, 2, 8, 8]);
    expect(() => new CenterNet({ numClasses: 0 })).toThrow(/numClasses must be a positive integer/);
  });
});
