// Samplers are right in distribution: with fixed seeds and bounded sample counts, sample means and
// variances lie within 4 standard errors of the exact moments, and Kolmogorov–Smirnov and chi-square
// statistics stay below their 0.1 % critical values. Same seed, same samples.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { erf } from "../../src/backend/cpu/elementwise.js";

const D = ds.distributions;
const gen = (seed: number): { generator: ds.Generator } => ({ generator: new ds.Generator(seed) });

/** Mean and variance of xs, with the standard error of each (the latter from the sample's fourth moment). */
function moments(xs: ArrayLike<number>): { mean: number; variance: number; seMean: number; seVariance: number } {
  const n = xs.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i]!;
  mean /= n;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i]! - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return { mean, variance: (m2 * n) / (n - 1), seMean: Math.sqrt(m2 / n), seVariance: Math.sqrt((m4 - m2 * m2) / n) };
}

function expectMoments(xs: ArrayLike<number>, mean: number, variance: number, what: string): void {
  const m = moments(xs);
  expect(Math.abs(m.mean - mean), `${what}: sample mean ${m.mean} vs ${mean} (4 SE = ${4 * m.seMean})`).toBeLessThanOrEqual(4 * m.seMean);
  expect(Math.abs(m.variance - variance), `${what}: sample variance ${m.variance} vs ${variance} (4 SE = ${4 * m.seVariance})`).toBeLessThanOrEqual(4 * m.seVariance);
}

/** Kolmogorov–Smirnov: sup |F_n − F| must stay below the 0.1 % critical value 1.95/√n. */
function expectKS(xs: ArrayLike<number>, cdf: (x: number) => number, what: string): void {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  expect(d, `${what}: KS statistic ${d} over ${n} samples`).toBeLessThan(1.95 / Math.sqrt(n));
}

/** Pearson's chi-square over the given cells (the last collects the remaining mass) against the 0.1 % critical value. */
function expectChiSquare(values: ArrayLike<number>, probs: number[], what: string): void {
  const n = values.length, k = probs.length;
  const counts = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < n; i++) counts[Math.min(values[i]!, k)]!++;
  const expected = [...probs.map((p) => p * n), (1 - probs.reduce((a, b) => a + b, 0)) * n];
  let chi2 = 0, cells = 0;
  for (let j = 0; j <= k; j++) {
    if (expected[j]! < 1e-9) {
      expect(counts[j], `${what}: impossible cell ${j}`).toBe(0);
      continue;
    }
    chi2 += (counts[j]! - expected[j]!) ** 2 / expected[j]!;
    cells++;
  }
  const df = cells - 1;
  // Wilson–Hilferty: the 99.9 % quantile of χ²(df), z = 3.0902
  const critical = df * (1 - 2 / (9 * df) + 3.0902 * Math.sqrt(2 / (9 * df))) ** 3;
  expect(chi2, `${what}: chi-square ${chi2} with ${df} degrees of freedom`).toBeLessThan(critical);
}

const values = (t: Tensor): number[] => t.toList();
const N = 20000;

describe("continuous samplers", () => {
  it("Normal: moments and KS", () => {
    const xs = values(new D.Normal(1.5, 2, {}).sample([N], gen(1)));
    expectMoments(xs, 1.5, 4, "Normal(1.5, 2)");
    expectKS(xs, (x) => 0.5 * (1 + erf((x - 1.5) / (2 * Math.SQRT2))), "Normal(1.5, 2)");
  });

  it("Gamma by Marsaglia–Tsang, and its α < 1 boost: moments and KS against closed-form CDFs", () => {
    const cases: [number, number, (x: number) => number][] = [
      [0.5, 2, (x) => erf(Math.sqrt(2 * x))], // Gamma(½, 2): P(½, 2x) = erf(√(2x))
      [2, 1, (x) => 1 - Math.exp(-x) * (1 + x)],
      [1, 3, (x) => 1 - Math.exp(-3 * x)],
    ];
    for (const [a, b, cdf] of cases) {
      const xs = values(new D.Gamma(a, b).sample([N], gen(2)));
      expectMoments(xs, a / b, a / (b * b), `Gamma(${a}, ${b})`);
      expectKS(xs, cdf, `Gamma(${a}, ${b})`);
    }
    // large shape and a very small one (the boost): moments only
    expectMoments(values(new D.Gamma(250, 0.5).sample([N], gen(3))), 500, 1000, "Gamma(250, 0.5)");
    expectMoments(values(new D.Gamma(0.05, 1).sample([N], gen(4))), 0.05, 0.05, "Gamma(0.05, 1)");
  });

  it("Beta from two Gammas: moments and KS", () => {
    const beta23 = values(new D.Beta(2, 3).sample([N], gen(5)));
    expectMoments(beta23, 0.4, 6 / (25 * 6), "Beta(2, 3)");
    // I_x(2, 3) = Σ_{j=2..4} C(4, j) x^j (1 − x)^(4−j)
    expectKS(beta23, (x) => 6 * x * x * (1 - x) ** 2 + 4 * x ** 3 * (1 - x) + x ** 4, "Beta(2, 3)");
    expectKS(values(new D.Beta(0.5, 0.5).sample([N], gen(6))), (x) => (2 / Math.PI) * Math.asin(Math.sqrt(x)), "Beta(½, ½)");
  });

  it("Dirichlet: each component is Beta(αᵢ, α₀ − αᵢ), and samples lie on the simplex", () => {
    const alpha = [2, 1, 2];
    const xs = new D.Dirichlet(ds.tensor(alpha)).sample([N], gen(7));
    const sums = values(xs.sum(-1));
    expect(Math.max(...sums.map((s) => Math.abs(s - 1)))).toBeLessThan(1e-6);
    const first = values(xs.select(-1, 0)), second = values(xs.select(-1, 1));
    expectKS(first, (x) => 6 * x * x * (1 - x) ** 2 + 4 * x ** 3 * (1 - x) + x ** 4, "Dirichlet x₀ ~ Beta(2, 3)");
    expectMoments(second, 0.2, (1 * 4) / (25 * 6), "Dirichlet x₁ ~ Beta(1, 4)");
  });

  it("Uniform, Laplace and Exponential: KS against their CDFs", () => {
    expectKS(values(new D.Uniform(-1, 3).sample([N], gen(8))), (x) => (x + 1) / 4, "Uniform(−1, 3)");
    const lap = values(new D.Laplace(0.5, 2).sample([N], gen(9)));
    expectMoments(lap, 0.5, 8, "Laplace(0.5, 2)");
    expectKS(lap, (x) => (x < 0.5 ? 0.5 * Math.exp((x - 0.5) / 2) : 1 - 0.5 * Math.exp(-(x - 0.5) / 2)), "Laplace(0.5, 2)");
    const exp = values(new D.Exponential(2.5).sample([N], gen(10)));
    expectMoments(exp, 0.4, 0.16, "Exponential(2.5)");
    expectKS(exp, (x) => 1 - Math.exp(-2.5 * x), "Exponential(2.5)");
  });

  it("MultivariateNormal: sample mean and covariance", () => {
    const cov = [[2, 0.8, -0.3], [0.8, 1, 0.2], [-0.3, 0.2, 0.5]];
    const xs = new D.MultivariateNormal(ds.tensor([1, -2, 0.5]), ds.tensor(cov)).sample([N], gen(11)).double();
    const loc = [1, -2, 0.5];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j <= i; j++) {
        // the product of centred coordinates has mean Σᵢⱼ
        const prod = values(xs.select(1, i).sub(loc[i]!).mul(xs.select(1, j).sub(loc[j]!)));
        const m = moments(prod);
        expect(Math.abs(m.mean - cov[i]![j]!), `cov[${i}][${j}]`).toBeLessThanOrEqual(4 * m.seMean);
      }
      const m = moments(values(xs.select(1, i)));
      expect(Math.abs(m.mean - loc[i]!)).toBeLessThanOrEqual(4 * m.seMean);
    }
  });
});

describe("discrete samplers", () => {
  const poissonPmf = (rate: number, k: number): number => Math.exp(k * Math.log(rate) - rate - ds.lgamma(ds.tensor(k + 1, { dtype: "float64" })).item());

  it("Poisson by Knuth (λ < 10) and PTRS (λ ≥ 10): chi-square and moments", () => {
    for (const [rate, seed] of [[3.5, 12], [40, 13], [800, 14]] as const) {
      const xs = values(new D.Poisson(rate).sample([N], gen(seed)));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      expectMoments(xs, rate, rate, `Poisson(${rate})`);
      if (rate < 100) {
        const kmax = Math.ceil(rate + 6 * Math.sqrt(rate));
        expectChiSquare(xs, Array.from({ length: kmax }, (_, k) => poissonPmf(rate, k)), `Poisson(${rate})`);
      }
    }
    expect(values(new D.Poisson(0).sample([5], gen(1)))).toEqual([0, 0, 0, 0, 0]);
  });

  it("Bernoulli and Categorical: frequencies (chi-square)", () => {
    const b = values(new D.Bernoulli(0.3).sample([N], gen(15)));
    expectChiSquare(b, [0.7, 0.3], "Bernoulli(0.3)");
    const probs = [0.1, 0.5, 0.15, 0.25];
    const c = values(new D.Categorical(ds.tensor(probs)).sample([N], gen(16)));
    expectChiSquare(c, probs, "Categorical");
    // unnormalized probabilities in a batch: the second row is [0, 1, 3]/4
    const batch = new D.Categorical(ds.tensor([[1, 1, 1], [0, 1, 3]])).sample([N], gen(17));
    expect(batch.shape).toEqual([N, 2]);
    expectChiSquare(values(batch.select(1, 1)), [0, 0.25, 0.75], "Categorical row 2");
  });

  it("OneHotCategorical: one-hot rows with the class frequencies of probs", () => {
    const xs = new D.OneHotCategorical(ds.tensor([0.2, 0.3, 0.5])).sample([N], gen(18));
    expect(xs.shape).toEqual([N, 3]);
    expect(values(xs.sum(-1)).every((s) => s === 1)).toBe(true);
    expectChiSquare(values(xs.argmax(-1)), [0.2, 0.3, 0.5], "OneHotCategorical");
  });

  it("RelaxedBernoulli: P(sample > ½) = p at any temperature", () => {
    for (const t of [0.1, 1, 5]) {
      const xs = values(new D.RelaxedBernoulli(t, 0.3).sample([N], gen(19)));
      expect(xs.every((x) => x > 0 && x < 1)).toBe(true);
      expectChiSquare(xs.map((x) => (x > 0.5 ? 1 : 0)), [0.7, 0.3], `RelaxedBernoulli(T=${t})`);
    }
  });

  it("RelaxedOneHotCategorical: the argmax follows Categorical(probs) (Gumbel-max), samples on the simplex", () => {
    const probs = [0.1, 0.6, 0.3];
    const xs = new D.RelaxedOneHotCategorical(2, ds.tensor(probs)).sample([N], gen(20));
    expect(Math.max(...values(xs.sum(-1)).map((s) => Math.abs(s - 1)))).toBeLessThan(1e-5);
    expectChiSquare(values(xs.argmax(-1)), probs, "RelaxedOneHotCategorical argmax");
  });
});

describe("shapes and seeds", () => {
  it("samples have shape sampleShape + batchShape + eventShape", () => {
    expect(new D.Normal(ds.zeros([2, 3]), 1).sample([4, 5]).shape).toEqual([4, 5, 2, 3]);
    expect(new D.Dirichlet(ds.ones([2, 3])).sample([4]).shape).toEqual([4, 2, 3]);
    expect(new D.MultivariateNormal(ds.zeros([3]), ds.eye(3)).sample().shape).toEqual([3]);
    expect(new D.Categorical(ds.ones([2, 5])).sample([3]).shape).toEqual([3, 2]);
    expect(new D.Categorical(ds.ones([2, 5])).sample([3]).dtype).toBe("int32");
    expect(new D.Independent(new D.Normal(ds.zeros([2, 3]), 1), 1).sample([4]).shape).toEqual([4, 2, 3]);
    expect(new D.Normal(ds.zeros([2], { dtype: "float64" }), 1).sample().dtype).toBe("float64");
  });

  it("same seed, same samples: per-call generators and the default generator (manualSeed)", () => {
    const dists = [
      new D.Normal(0, 1), new D.Gamma(0.7, 1), new D.Beta(2, 0.5), new D.Dirichlet(ds.tensor([1, 2, 3])),
      new D.Poisson(ds.tensor([2, 50])), new D.Categorical(ds.tensor([0.2, 0.8])), new D.Bernoulli(0.4),
      new D.RelaxedOneHotCategorical(0.5, ds.tensor([0.2, 0.8])), new D.Laplace(0, 1), new D.MultivariateNormal(ds.zeros([2]), ds.eye(2)),
    ];
    for (const d of dists) {
      expect(values(d.sample([50], gen(42))), d.name).toEqual(values(d.sample([50], gen(42))));
      ds.manualSeed(7);
      const a = values(d.sample([50]));
      ds.manualSeed(7);
      expect(values(d.sample([50])), d.name).toEqual(a);
      expect(values(d.sample([50], gen(43))), d.name).not.toEqual(values(d.sample([50], gen(42))));
    }
  });
});
