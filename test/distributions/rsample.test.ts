// rsample gradients: exact by formula for location-scale families, gradcheck for every reparameterized
// sampler at a fixed random stream, and unbiased implicit gradients for Gamma, Beta and Dirichlet
// (the Monte Carlo mean of ∂x/∂θ equals ∂E[x]/∂θ within 4 standard errors).
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const D = ds.distributions;
const f64 = (v: number[] | number[][], requiresGrad = true): Tensor => ds.tensor(v, { dtype: "float64", requiresGrad });
/** A function of the parameters that redraws with the same stream every call (so finite differences see one ε). */
const fixedStream = (seed: number) => ({ generator: new ds.Generator(seed) });

describe("Normal and MultivariateNormal rsample gradients, exact by formula", () => {
  it("Normal: x = loc + scale·ε gives ∂Σx/∂loc = n and ∂Σx/∂scale = Σε", () => {
    const loc = f64([0.5, -1]), scale = f64([2, 0.3]);
    const x = new D.Normal(loc, scale).rsample([7], fixedStream(3));
    x.sum().backward();
    const eps = x.detach().sub(loc.detach()).div(scale.detach());
    expect(loc.grad!.toList()).toEqual([7, 7]);
    const want = eps.sum(0).toList();
    scale.grad!.toList().forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
  });

  it("MultivariateNormal: x = loc + L ε gives ∂(w·x)/∂L = tril(Σₛ w εᵀ)", () => {
    const loc = f64([1, 2, 3]);
    const L = f64([[1.5, 0, 0], [0.3, 0.8, 0], [-0.2, 0.4, 1.1]]);
    const x = new D.MultivariateNormal(loc, { scaleTril: L }).rsample([5], fixedStream(4)); // (5, 3)
    const w = ds.tensor([[1, -2, 0.5]], { dtype: "float64" });
    x.mul(w).sum().backward();
    // ε = L⁻¹ (x − loc), recovered from the samples
    const eps = ds.linalg.solve(L.detach(), x.detach().sub(loc.detach()).t()); // (3, 5)
    const want = w.t().matmul(eps.sum(1, true).t()).toList(); // (3, 3): w εᵀ summed over samples
    const got = L.grad!.toList();
    for (let i = 0; i < 9; i++) expect(got[i]!).toBeCloseTo(want[i]!, 12);
    expect(loc.grad!.toList()).toEqual([5, -10, 2.5]);
  });
});

describe("rsample passes gradcheck at a fixed random stream", () => {
  const check = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void => {
    expect(ds.gradcheck(fn, inputs)).toBe(true);
  };
  it("Normal", () => check((l, s) => new D.Normal(l, s).rsample([4], fixedStream(1)), [f64([0.1, -0.4]), f64([1.2, 0.7])]));
  it("MultivariateNormal through the Cholesky factor of A Aᵀ + I", () => {
    const eye = ds.eye(3, 3, { dtype: "float64" });
    check((l, a) => new D.MultivariateNormal(l, a.matmul(a.t()).add(eye)).rsample([4], fixedStream(2)), [f64([0.1, -0.4, 2]), f64([[0.5, 0.1, 0], [0.2, -0.3, 0.4], [0, 0.6, 0.1]])]);
  });
  it("MultivariateNormal through a precision matrix", () => {
    const eye = ds.eye(2, 2, { dtype: "float64" });
    check((a) => new D.MultivariateNormal(ds.zeros([2], { dtype: "float64" }), { precisionMatrix: a.matmul(a.t()).add(eye) }).rsample([3], fixedStream(3)), [f64([[0.5, 0.1], [0.2, -0.3]])]);
  });
  it("Laplace", () => check((l, s) => new D.Laplace(l, s).rsample([4], fixedStream(4)), [f64([0.1, -0.4]), f64([1.2, 0.7])]));
  it("Uniform", () => check((lo, hi) => new D.Uniform(lo, hi).rsample([4], fixedStream(5)), [f64([0.1, -0.4]), f64([1.2, 0.7])]));
  it("Exponential", () => check((r) => new D.Exponential(r).rsample([4], fixedStream(6)), [f64([0.5, 2])]));
  it("RelaxedBernoulli (temperature and logits)", () =>
    check((t, l) => new D.RelaxedBernoulli(t, { logits: l }).rsample([4], fixedStream(7)), [f64([0.8]), f64([0.3, -1.2])]));
  it("RelaxedOneHotCategorical (temperature and logits)", () =>
    check((t, l) => new D.RelaxedOneHotCategorical(t, { logits: l }).rsample([3], fixedStream(8)), [f64(0.9 as never), f64([0.3, -1.2, 0.5])]));
  it("Independent(Normal)", () =>
    check((l, s) => new D.Independent(new D.Normal(l, s), 1).rsample([2], fixedStream(9)), [f64([0.1, -0.4]), f64([1.2, 0.7])]));
});

/** Mean and standard error of per-sample values. */
function meanSe(xs: number[]): { mean: number; se: number } {
  const n = xs.length, mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n) };
}

/** One leaf per sample (n copies of the parameter) so that the gradient of Σ f(xᵢ) is the per-sample ∂f(xᵢ)/∂θ. */
const copies = (value: number, n: number): Tensor => ds.full([n], value, { dtype: "float64", requiresGrad: true });

describe("implicit reparameterization gradients are unbiased (8000 samples, 4 standard errors)", () => {
  const n = 8000;
  const expectUnbiased = (perSample: number[], exact: number, what: string): void => {
    const { mean, se } = meanSe(perSample);
    expect(Math.abs(mean - exact), `${what}: ${mean} ± ${se} vs ${exact}`).toBeLessThanOrEqual(4 * se);
  };

  it("Gamma: ∂E[x]/∂α = 1/β and ∂E[log x]/∂α = ψ′(α), for α below and above 1", () => {
    for (const [alpha, rate] of [[0.4, 2], [3.5, 0.5]] as const) {
      const a = copies(alpha, n);
      new D.Gamma(a, rate).rsample([], fixedStream(10)).sum().backward();
      expectUnbiased(a.grad!.toList(), 1 / rate, `Gamma(${alpha}, ${rate}) E[x]`);
      const b = copies(alpha, n);
      new D.Gamma(b, rate).rsample([], fixedStream(11)).log().sum().backward();
      expectUnbiased(b.grad!.toList(), ds.polygamma(1, ds.tensor(alpha, { dtype: "float64" })).item(), `Gamma(${alpha}, ${rate}) E[log x]`);
    }
  });

  it("Gamma: ∂E[x]/∂β = −α/β²", () => {
    const r = copies(2, n);
    new D.Gamma(1.5, r).rsample([], fixedStream(12)).sum().backward();
    expectUnbiased(r.grad!.toList(), -1.5 / 4, "Gamma rate");
  });

  it("Beta: ∂E[x]/∂a = b/(a + b)² and ∂E[x]/∂b = −a/(a + b)²", () => {
    const a = copies(0.7, n), b = copies(2.5, n);
    new D.Beta(a, b).rsample([], fixedStream(13)).sum().backward();
    expectUnbiased(a.grad!.toList(), 2.5 / 3.2 ** 2, "Beta d/da");
    expectUnbiased(b.grad!.toList(), -0.7 / 3.2 ** 2, "Beta d/db");
  });

  it("Dirichlet: ∂E[xᵢ]/∂αⱼ = (δᵢⱼ α₀ − αᵢ)/α₀²", () => {
    const alpha = [0.6, 2, 1.4], a0 = 4;
    const c = ds.tensor(Array.from({ length: n }, () => alpha), { dtype: "float64", requiresGrad: true }); // (n, 3)
    new D.Dirichlet(c).rsample([], fixedStream(14)).select(-1, 0).sum().backward();
    const g = c.grad!;
    for (let j = 0; j < 3; j++) {
      expectUnbiased(g.select(1, j).toList(), ((j === 0 ? a0 : 0) - alpha[0]!) / a0 ** 2, `Dirichlet dE[x₀]/dα${j}`);
    }
  });
});

describe("hasRsample", () => {
  it("is true for reparameterizable distributions, and rsample of the others says to use sample()", () => {
    const yes = [new D.Normal(0, 1), new D.Gamma(1, 1), new D.Beta(1, 1), new D.Dirichlet(ds.ones([2])), new D.Uniform(0, 1), new D.Laplace(0, 1),
      new D.Exponential(1), new D.MultivariateNormal(ds.zeros([2]), ds.eye(2)), new D.RelaxedBernoulli(1, 0.5), new D.RelaxedOneHotCategorical(1, ds.ones([2]))];
    for (const d of yes) expect(d.hasRsample, d.name).toBe(true);
    const no = [new D.Bernoulli(0.5), new D.Categorical(ds.ones([3])), new D.OneHotCategorical(ds.ones([3])), new D.Poisson(2)];
    for (const d of no) {
      expect(d.hasRsample, d.name).toBe(false);
      expect(() => d.rsample()).toThrow(`${d.name}.rsample: ${d.name} has no reparameterized sampler (hasRsample is false); use sample(), which carries no gradient`);
    }
    expect(new D.Independent(new D.Bernoulli(ds.ones([2]).mul(0.5)), 1).hasRsample).toBe(false);
  });

  it("sample() carries no gradient", () => {
    const loc = f64([0.5]);
    expect(new D.Normal(loc, 1).sample([3]).requiresGrad).toBe(false);
    expect(new D.Normal(loc, 1).rsample([3]).requiresGrad).toBe(true);
  });
});
