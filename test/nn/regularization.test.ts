import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { ones, randn, tensor } from "../../src/ops/creation.js";
import { Generator, manualSeed } from "../../src/random/Generator.js";
import * as nn from "../../src/nn/index.js";

function withGrad(values: number[], grad: number[]): nn.Parameter {
  const p = new nn.Parameter(tensor(values, { dtype: "float64" }));
  p.grad = tensor(grad, { dtype: "float64" });
  return p;
}

describe("weight penalties and gradient clipping", () => {
  it("l1Penalty = Σ|θ|, l2Penalty = Σθ², both differentiable", () => {
    const a = new nn.Parameter(tensor([1, -2], { dtype: "float64" })), b = new nn.Parameter(tensor([[3]], { dtype: "float64" }));
    expect(nn.l1Penalty([a, b]).item()).toBe(6);
    const l2 = nn.l2Penalty([a, b]);
    expect(l2.item()).toBe(14);
    l2.backward();
    expect(a.grad!.toList()).toEqual([2, -4]); // d(Σθ²)/dθ = 2θ
  });

  it("clipGradNorm_ returns the total norm and rescales to maxNorm/(norm + 1e-6) when it is exceeded", () => {
    const p = withGrad([0, 0], [3, 0]), q = withGrad([0], [4]);
    const total = nn.clipGradNorm_([p, q], 1);
    expect(total).toBe(5); // √(3² + 4²)
    const c = 1 / (5 + 1e-6);
    expect(p.grad!.toList()[0]).toBeCloseTo(3 * c, 15);
    expect(q.grad!.toList()[0]).toBeCloseTo(4 * c, 15);
    // Below the threshold nothing changes.
    const r = withGrad([0], [0.5]);
    expect(nn.clipGradNorm_([r], 1)).toBe(0.5);
    expect(r.grad!.item()).toBe(0.5);
  });

  it("clipGradNorm_ supports the 1-norm and the ∞-norm", () => {
    expect(nn.clipGradNorm_([withGrad([0, 0], [3, -4])], 100, 1)).toBe(7);
    const p = withGrad([0, 0], [3, -4]);
    expect(nn.clipGradNorm_([p], 2, Infinity)).toBe(4);
    expect(p.grad!.toList()[1]).toBeCloseTo((-4 * 2) / (4 + 1e-6), 15);
  });

  it("clipGradValue_ clamps every gradient element", () => {
    const p = withGrad([0, 0, 0], [-3, 0.2, 9]);
    nn.clipGradValue_([p], 1);
    expect(p.grad!.toList()).toEqual([-1, 0.2, 1]);
  });
});

describe("Dropout", () => {
  it("keeps each element with probability 1 − p and scales survivors by 1/(1 − p)", () => {
    const d = new nn.Dropout(0.3, { generator: new Generator(1) });
    const y = d.call(ones([100000], { dtype: "float64" })).toList();
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-15)).toBe(true);
    // Kept fraction is Binomial(n, 0.7)/n with standard error √(0.21/n) ≈ 0.00145; allow 5 of them.
    expect(Math.abs(kept.length / y.length - 0.7)).toBeLessThan(5 * Math.sqrt(0.21 / 1e5));
  });

  it("is the identity in eval mode, zero for p = 1, and reproducible from a seed", () => {
    const x = randn([50], { dtype: "float64" });
    expect(new nn.Dropout(0.5).eval().call(x)).toBe(x);
    expect(new nn.Dropout(1).call(x).toList().every((v) => v === 0)).toBe(true);
    manualSeed(9);
    const a = new nn.Dropout(0.5).call(x).toList();
    manualSeed(9);
    expect(new nn.Dropout(0.5).call(x).toList()).toEqual(a);
    expect(() => new nn.Dropout(1.5)).toThrow(/Dropout: probability p must be in \[0, 1\], got 1.5/);
  });

  it("passes the gradient through the same mask", () => {
    const x = new nn.Parameter(ones([1000], { dtype: "float64" }));
    const y = new nn.Dropout(0.5, { generator: new Generator(2) }).call(x);
    y.sum().backward();
    expect(x.grad!.toList()).toEqual(y.toList()); // dy/dx = mask/(1 − p) = y/x with x = 1
  });
});

describe("mcDropoutPredict", () => {
  class Net extends nn.Module {
    fc = new nn.Linear(4, 3, { dtype: "float64" });
    bn = new nn.BatchNorm1d(3, { dtype: "float64" });
    drop = new nn.Dropout(0.5);
    forward(x: Tensor): Tensor {
      return this.drop.call(this.bn.call(this.fc.call(x)));
    }
  }

  it("averages stochastic passes with dropout on and batch norm in eval, then restores the modes", () => {
    manualSeed(4);
    const net = new Net();
    const x = randn([2, 4], { dtype: "float64" });
    const runningBefore = net.bn.runningMean!.toList();
    const { mean, variance } = nn.mcDropoutPredict(net, x, 400);
    // BatchNorm in eval: running stats untouched, and the deterministic output is the eval output z.
    expect(net.bn.runningMean!.toList()).toEqual(runningBefore);
    expect(net.training && net.bn.training && net.drop.training).toBe(true);
    net.eval();
    const z = net.call(x).toList();
    // Each sample is z·B/(1 − p) with B ~ Bernoulli(1/2): mean z, variance z²·p/(1 − p) = z².
    // With T = 400 the sample mean has standard error |z|/20; allow 5 of them (and 50% on the variance).
    mean.toList().forEach((m, i) => expect(Math.abs(m - z[i]!)).toBeLessThanOrEqual((5 * Math.abs(z[i]!)) / 20 + 1e-12));
    variance.toList().forEach((v, i) => expect(Math.abs(v - z[i]! ** 2)).toBeLessThanOrEqual(0.5 * z[i]! ** 2 + 1e-12));
  });

  it("has zero variance for a model without dropout", () => {
    const fc = new nn.Linear(3, 2, { dtype: "float64" });
    const { variance } = nn.mcDropoutPredict(fc, randn([4, 3], { dtype: "float64" }), 5);
    // Identical samples: only the rounding of their mean (sum/5) separates them from it.
    expect(Math.max(...variance.toList())).toBeLessThan(1e-28);
  });
});

describe("shape layers", () => {
  it("Flatten keeps the batch dim; Unflatten splits one dim; Identity passes through", () => {
    const x = randn([2, 3, 4]);
    expect(new nn.Flatten().call(x).shape).toEqual([2, 12]);
    expect(new nn.Flatten(0, 1).call(x).shape).toEqual([6, 4]);
    expect(new nn.Unflatten(1, [2, -1]).call(randn([5, 12])).shape).toEqual([5, 2, 6]);
    expect(() => new nn.Unflatten(1, [5, 3]).call(randn([5, 12]))).toThrow(/Unflatten: dim 1 of size 12 cannot be split into \[5, 3\]/);
    expect(new nn.Identity().call(x)).toBe(x);
  });
});
