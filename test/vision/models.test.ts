// vision.models against torchvision (test/fixtures/vision/make_models_fixture.py): parameter counts,
// state-dict keys and shapes, per-layer output shapes, and equal float64 outputs from PyTorch's weights.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { deserialize } from "../../src/io/safetensors.js";
import { Generator } from "../../src/random/Generator.js";
import type { AnyModule } from "../../src/nn/Module.js";
import * as models from "../../src/vision/models/index.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/vision");
interface Row { type: string; depth: number; params: number | null; outputShape: number[] }
const fixture = JSON.parse(readFileSync(join(dir, "models.json"), "utf8")) as {
  counts: Record<string, number>;
  keys: Record<string, [string, number[]][]>;
  rows: Record<string, Row[]>;
};
const weights = deserialize(new Uint8Array(readFileSync(join(dir, "models.safetensors")))).tensors;

const paramCount = (m: AnyModule) => [...m.parameters()].reduce((n, p) => n + p.size, 0);
const keysShapes = (m: AnyModule) => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]);
const generator = () => new Generator(0);

/** The small nets of the fixture, built in float64. */
const small: Record<string, () => AnyModule> = {
  lenet5: () => new models.LeNet5({ dtype: "float64", generator: generator() }),
  resnet_basic_cifar: () => new models.ResNet(models.BasicBlock, [2, 1, 1, 1], { widths: [4, 8, 8, 16], numClasses: 10, stem: "cifar", dtype: "float64", generator: generator() }),
  resnet_bottleneck: () => new models.ResNet(models.Bottleneck, [1, 2, 1, 1], { widths: [4, 4, 8, 8], numClasses: 7, dtype: "float64", generator: generator() }),
  densenet_cifar: () => new models.DenseNet({ growthRate: 4, blockConfig: [2, 3], numInitFeatures: 8, bnSize: 2, numClasses: 10, inChannels: 1, stem: "cifar", dtype: "float64", generator: generator() }),
  vgg_bn_cifar: () => new models.VGG([8, "M", 16, "M", 16, 16, "M"], { numClasses: 10, batchNorm: true, poolSize: 1, hidden: 32, dtype: "float64", generator: generator() }),
};

/**
 * PyTorch's class names where deepscript's differ: torchvision's private DenseNet classes, and
 * DenseNet's `features`, a Sequential of named children in PyTorch, a NamedSequential here.
 */
const torchType = (t: string, depth: number, model: string) =>
  model.startsWith("densenet") && depth === 1 && t === "Sequential"
    ? "NamedSequential"
    : ({ _DenseLayer: "DenseLayer", _DenseBlock: "DenseBlock", _Transition: "Transition" } as Record<string, string>)[t] ?? t;

const maxAbsDiff = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.toList() as number[], y = b.toList() as number[];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

function loadCase(name: string): AnyModule {
  const model = small[name]!();
  const prefix = `${name}/state/`;
  const state = Object.fromEntries(Object.entries(weights).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  model.loadStateDict(state);
  return model;
}

describe("vision.models: parameter counts and keys equal torchvision's", () => {
  it("LeNet-5 has 61,706 parameters with PyTorch's keys", () => {
    const net = new models.LeNet5();
    expect(paramCount(net)).toBe(fixture.counts.lenet5);
    expect(paramCount(net)).toBe(61_706);
    expect(keysShapes(net)).toEqual(fixture.keys.lenet5);
  });

  it("resnet18 for 28×28 grayscale (3×3 stem, no max-pool): torchvision's keys, shapes and 11,172,810 parameters", () => {
    const net = models.resnet18({ inChannels: 1, numClasses: 10, stem: "cifar" });
    expect(keysShapes(net)).toEqual(fixture.keys.resnet18_cifar_1ch_10);
    expect(paramCount(net)).toBe(fixture.counts.resnet18_cifar_1ch_10);
  }, 30_000);

  it("DenseNet-BC (depth 100, k = 12) for 32×32: torchvision's keys and shapes, 769,210 parameters", () => {
    const net = models.densenetBC({ depth: 100, growthRate: 12 });
    expect(keysShapes(net)).toEqual(fixture.keys.densenet_bc_100_12);
    expect(paramCount(net)).toBe(fixture.counts.densenet_bc_100_12);
  }, 30_000);

  it("VGG-11 with batch norm for 32×32 (pool 1, hidden 512): torchvision's keys and shapes", () => {
    const net = models.vgg11({ numClasses: 10, batchNorm: true, poolSize: 1, hidden: 512 });
    expect(keysShapes(net)).toEqual(fixture.keys.vgg11_bn_cifar);
    expect(paramCount(net)).toBe(fixture.counts.vgg11_bn_cifar);
  }, 30_000);

  it("the small test nets have the parameter counts of their PyTorch twins", () => {
    for (const name of Object.keys(small)) expect(paramCount(small[name]!()), name).toBe(fixture.counts[`small_${name}`]);
  });
});

describe("vision.models: forward shapes and summary()", () => {
  for (const name of Object.keys(small)) {
    it(`${name}: summary rows (type, depth, output shape, parameters) equal PyTorch's forward-hook records`, () => {
      const rows = fixture.rows[name]!;
      const model = small[name]!();
      const s = models.summary(model, weights[`${name}/input`]!.shape, { dtype: "float64" });
      expect(s.rows.map((r) => [r.type, r.depth, r.outputShape, r.params])).toEqual(rows.map((r) => [torchType(r.type, r.depth, name), r.depth, r.outputShape, r.params]));
      expect(s.totalParams).toBe(fixture.counts[`small_${name}`]);
      expect(model.training).toBe(true); // summary restores the mode
    });
  }

  it("prints torchinfo's table", () => {
    const table = String(models.summary(new models.LeNet5(), [1, 1, 28, 28]));
    const lines = table.split("\n");
    expect(lines[0]).toBe("=".repeat(90));
    expect(lines[1]).toBe("Layer (type:depth-idx)                   Output Shape              Param #");
    expect(lines[3]).toBe("LeNet5                                   [1, 10]                   --");
    expect(lines[4]).toBe("├─Conv2d: 1-1                            [1, 6, 28, 28]            156");
    expect(lines).toContain("├─Linear: 1-7                            [1, 120]                  48,120");
    expect(lines).toContain("Total params: 61,706");
    expect(lines).toContain("Non-trainable params: 0");
  });

  it("nested rows are drawn as a tree with per-depth indices", () => {
    const table = String(models.summary(small.resnet_basic_cifar!(), [1, 3, 32, 32], { dtype: "float64" }));
    const lines = table.split("\n");
    expect(lines).toContain("├─Sequential: 1-5                        [1, 4, 32, 32]            --");
    expect(lines).toContain("│    └─BasicBlock: 2-1                   [1, 4, 32, 32]            --");
    expect(lines).toContain("│    │    └─Conv2d: 3-1                  [1, 4, 32, 32]            144");
  });

  it("frozen parameters are counted as non-trainable", () => {
    const net = small.resnet_basic_cifar!() as models.ResNet;
    net.layer1.requiresGrad_(false);
    const s = models.summary(net, [1, 3, 32, 32], { dtype: "float64" });
    const frozen = [...net.layer1.parameters()].reduce((n, p) => n + p.size, 0);
    expect(s.nonTrainableParams).toBe(frozen);
    expect(s.trainableParams + frozen).toBe(s.totalParams);
  });
});

describe("vision.models: PyTorch weights give PyTorch's outputs (float64)", () => {
  for (const name of Object.keys(small)) {
    it(`${name}: eval-mode output${name === "vgg_bn_cifar" ? "" : ", train-mode output and updated running variances"}`, () => {
      const model = loadCase(name);
      const x = weights[`${name}/input`]!;
      model.eval();
      expect(maxAbsDiff(model.call(x) as Tensor, weights[`${name}/output_eval`]!)).toBeLessThan(1e-10);
      if (name === "vgg_bn_cifar") return;
      model.train();
      expect(maxAbsDiff(model.call(x) as Tensor, weights[`${name}/output_train`]!)).toBeLessThan(1e-10);
      for (const [k, v] of Object.entries(model.stateDict())) {
        const expected = weights[`${name}/after_train/${k}`];
        if (expected !== undefined) expect(maxAbsDiff(v, expected), k).toBeLessThan(1e-12);
      }
    });
  }
});

describe("vision.models: argument checks", () => {
  it("errors name the model and the option", () => {
    expect(() => new models.ResNet(models.BasicBlock, [2, 2, 2])).toThrow(/ResNet: layers must be a list of 4 integers/);
    expect(() => models.resnet18({ stem: "tiny" as "cifar" })).toThrow(/ResNet: stem must be "imagenet" or "cifar", got "tiny"/);
    expect(() => models.resnet18({ numclasses: 10 } as object)).toThrow(/ResNet: unknown option "numclasses"/);
    expect(() => models.densenetBC({ depth: 50 })).toThrow(/densenetBC: depth must be 6n \+ 4/);
    expect(() => new models.VGG([])).toThrow(/VGG: config must be a list/);
    expect(() => new models.LeNet5({ imageSize: 30 as 28 })).toThrow(/LeNet5: imageSize must be 28 or 32, got 30/);
  });

  it("a wrong input channel count is an error naming the first convolution", () => {
    const net = small.resnet_basic_cifar!();
    expect(() => net.call(weights["densenet_cifar/input"]!)).toThrow(/Conv2d|conv2d/);
  });
});
