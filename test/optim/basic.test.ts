import { describe, expect, it } from "vitest";
import { tensor, zeros } from "../../src/ops/creation.js";
import { Generator } from "../../src/random/Generator.js";
import { Parameter } from "../../src/nn/Parameter.js";
import * as optim from "../../src/optim/index.js";

describe("optim basics", () => {
  it("SGD on f(θ) = ½‖θ‖² follows θ_t = (1 − lr)ᵗ θ₀ (analytic)", () => {
    const p = new Parameter(tensor([1, -2], { dtype: "float64" }));
    const opt = new optim.SGD([p], { lr: 0.1 });
    for (let t = 0; t < 5; t++) {
      opt.zeroGrad();
      p.mul(p).sum().mul(0.5).backward();
      opt.step();
    }
    expect(p.toList()[0]).toBeCloseTo(Math.pow(0.9, 5), 14);
    expect(p.toList()[1]).toBeCloseTo(-2 * Math.pow(0.9, 5), 14);
  });

  it("step(closure) returns the closure's loss and zeroGrad({ setToNone: false }) zeroes", () => {
    const p = new Parameter(tensor([3], { dtype: "float64" }));
    const opt = new optim.Adam([p], { lr: 0.1 });
    const loss = opt.step(() => {
      opt.zeroGrad({ setToNone: false });
      const l = p.mul(p).sum();
      l.backward();
      return l.item();
    });
    expect(loss).toBe(9);
    // Adam's first step moves every coordinate by lr·sign(g) (up to eps): m̂/√v̂ = g/|g|.
    expect(p.item()).toBeCloseTo(2.9, 6);
    opt.zeroGrad({ setToNone: false });
    expect(p.grad!.item()).toBe(0);
  });
});

describe("lr schedulers accept every optimizer", () => {
  it("StepLR drives SGD and Adam group learning rates", () => {
    const p = new Parameter(tensor([1]));
    const sgd = new optim.SGD([p], { lr: 1 });
    const s = new optim.lrScheduler.StepLR(sgd, { stepSize: 2, gamma: 0.5 });
    s.step();
    s.step();
    expect(sgd.paramGroups[0]!.lr).toBe(0.5);
    const adam = new optim.AdamHD([new Parameter(tensor([1]))], { lr: 0.1 });
    new optim.lrScheduler.ReduceLROnPlateau(adam).step(1);
  });
});

describe("SGD annealed gradient noise (Neelakantan et al. 2015)", () => {
  it("adds N(0, η/(1 + t)^γ) to the gradient at step t", () => {
    const n = 20000;
    const p = new Parameter(zeros([n], { dtype: "float64" }));
    const opt = new optim.SGD([p], { lr: 1, noiseEta: 0.3, noiseGamma: 0.55, generator: new Generator(3) });
    for (let t = 0; t < 10; t++) {
      const before = p.toList();
      opt.zeroGrad();
      p.mul(0).sum().backward(); // zero true gradient: the step is exactly −noise
      opt.step();
      if (t !== 0 && t !== 9) continue;
      const d = p.toList().map((v, i) => before[i]! - v);
      const mean = d.reduce((s, v) => s + v, 0) / n;
      const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
      const sigma2 = 0.3 / Math.pow(1 + t, 0.55);
      // Sample variance of n normals has standard error σ²√(2/(n − 1)); allow 5 of them.
      expect(Math.abs(variance - sigma2)).toBeLessThan(5 * sigma2 * Math.sqrt(2 / (n - 1)));
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(sigma2 / n));
    }
  });
});

describe("Optimizer API", () => {
  it("param groups override defaults; zeroGrad covers every group; bad arguments are named", () => {
    const a = new Parameter(tensor([1], { dtype: "float64" })), b = new Parameter(tensor([1], { dtype: "float64" }));
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    a.mul(b).sum().backward();
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 15); // 1 − 0.1·b
    expect(b.item()).toBeCloseTo(0.5, 15); // 1 − 0.5·a₀
    opt.zeroGrad();
    expect(a.grad === null && b.grad === null).toBe(true);
    expect(() => new optim.SGD([a], { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum > 0/);
    expect(() => new optim.Adam([a], { betas: [1, 0.9] })).toThrow(/Adam: invalid beta1 1/);
    expect(() => new optim.SGD([a, a], { lr: 1 })).toThrow(/appears in more than one group/);
    expect(() => new optim.SGD([a.mul(2)], { lr: 1 })).toThrow(/can only optimize leaf tensors/);
  });

  it("skips parameters without gradients and exposes per-parameter state by tensor", () => {
    const a = new Parameter(tensor([1], { dtype: "float64" })), b = new Parameter(tensor([2], { dtype: "float64" }));
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.mul(3).sum().backward();
    opt.step();
    expect(b.item()).toBe(2);
    expect(opt.state.get(a)!.step).toBe(1);
    expect(opt.state.has(b)).toBe(false);
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(["0"]);
    expect(sd.paramGroups[0]).toMatchObject({ lr: 0.1, betas: [0.9, 0.999], params: [0, 1] });
  });
});
