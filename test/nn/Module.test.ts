import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor, zeros, ones, randn } from "../../src/ops/creation.js";
import { manualSeed } from "../../src/random/Generator.js";
import * as nn from "../../src/nn/index.js";

class MLP extends nn.Module {
  fc1 = new nn.Linear(3, 4);
  act = new nn.ReLU();
  fc2 = new nn.Linear(4, 2);
  blocks = [new nn.Linear(2, 2, { bias: false })];
  scale = new nn.Parameter(ones([1]));
  cache: Tensor = zeros([1]); // a plain tensor field: neither parameter nor buffer
  constructor() {
    super();
    this.registerBuffer("steps", zeros([]));
  }
  forward(x: Tensor): Tensor {
    return this.blocks[0]!.call(this.fc2.call(this.act.call(this.fc1.call(x)))).mul(this.scale);
  }
}

describe("nn.Module", () => {
  it("finds parameters, children and buffers by reflection with PyTorch-style dotted names", () => {
    const m = new MLP();
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "blocks.0.weight"]);
    expect([...m.namedChildren()].map(([n]) => n)).toEqual(["fc1", "act", "fc2", "blocks.0"]);
    expect([...m.namedModules()].map(([n]) => n)).toEqual(["", "fc1", "act", "fc2", "blocks.0"]);
    expect(Object.keys(m.stateDict())).toEqual(["scale", "steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "blocks.0.weight"]);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(["steps"]);
  });

  it("Sequential names its children 0, 1, … and chains forward", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    seq.loadStateDict({
      "0.weight": tensor([[1, 0], [0, 1], [1, 1]]),
      "0.bias": tensor([0, 0, -10]),
      "2.weight": tensor([[1, 2, 3]]),
      "2.bias": tensor([0.5]),
    });
    // relu([1, -2, -11]) = [1, 0, 0] → 1·1 + 0.5
    expect(seq.call(tensor([[1, -2]])).toList()).toEqual([1.5]);
  });

  it("ModuleList and ModuleDict expose their items as children", () => {
    const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 1)]);
    const dict = new nn.ModuleDict({ enc: new nn.Linear(1, 2), dec: new nn.Linear(2, 1) });
    expect(Object.keys(list.stateDict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    expect(Object.keys(dict.stateDict())).toEqual(["enc.weight", "enc.bias", "dec.weight", "dec.bias"]);
    expect(dict.get("dec").outFeatures).toBe(1);
  });

  it("loadStateDict copies in place and reports missing, unexpected and mis-shaped keys", () => {
    const m = new nn.Linear(2, 1);
    const w = m.weight;
    m.loadStateDict({ weight: tensor([[1, 2]]), bias: tensor([3]) });
    expect(m.weight).toBe(w);
    expect(w.toList()).toEqual([1, 2]);
    expect(() => m.loadStateDict({ weight: tensor([[1, 2]]) })).toThrow(/missing keys: "bias"/);
    expect(() => m.loadStateDict({ weight: tensor([[1, 2]]), bias: tensor([3]), extra: tensor([1]) })).toThrow(/unexpected keys: "extra"/);
    expect(() => m.loadStateDict({ weight: tensor([[1, 2, 3]]), bias: tensor([3]) })).toThrow(/size mismatch for "weight": expected shape \[1,2\], got \[1,3\]/);
    const r = m.loadStateDict({ bias: tensor([7]), extra: tensor([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ["weight"], unexpectedKeys: ["extra"] });
    expect(m.bias!.toList()).toEqual([7]);
  });

  it("train/eval propagate, zeroGrad clears gradients, to(float64) converts parameters and buffers", () => {
    manualSeed(0);
    const m = new MLP();
    m.eval();
    expect([...m.modules()].every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.fc1.training).toBe(true);
    m.call(randn([5, 3])).sum().backward();
    expect(m.fc1.weight.grad).not.toBeNull();
    m.zeroGrad();
    expect([...m.parameters()].every((p) => p.grad === null)).toBe(true);
    m.double();
    expect([...m.parameters()].every((p) => p.dtype === "float64" && p.requiresGrad)).toBe(true);
    expect(m.stateDict()["steps"]!.dtype).toBe("float64");
    expect(m.call(randn([2, 3], { dtype: "float64" })).dtype).toBe("float64");
  });
});
