import { describe, expect, it } from "vitest";
import { runAskTell } from "../../src/optimize/askTell.js";
import { CMAES, cmaes, cmaesParameters } from "../../src/optimize/CMAES.js";
import { CrossEntropyMethod } from "../../src/optimize/CrossEntropyMethod.js";
import { GaussianES } from "../../src/optimize/GaussianES.js";
import { minimize } from "../../src/optimize/minimize.js";
import { NaturalES, fitnessShaping } from "../../src/optimize/NaturalES.js";
import { rastrigin, rosenbrock, sphere } from "../../src/optimize/testFunctions.js";

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2; };

describe("CMA-ES default parameters", () => {
  it("equal the formulas of Hansen's tutorial (arXiv:1604.00772, Table 1) for n = 2 and n = 10", () => {
    for (const n of [2, 10]) {
      // Written out independently of the implementation:
      const lambda = 4 + Math.floor(3 * Math.log(n)); // n = 2: 6, n = 10: 10
      const mu = Math.floor(lambda / 2);
      const wPrime = Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
      const pos = wPrime.slice(0, mu), neg = wPrime.slice(mu);
      const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
      const muEff = sum(pos) ** 2 / sum(pos.map((w) => w * w));
      const muEffNeg = sum(neg) ** 2 / sum(neg.map((w) => w * w));
      const cSigma = (muEff + 2) / (n + muEff + 5);
      const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
      const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
      const c1 = 2 / ((n + 1.3) ** 2 + muEff);
      const cMu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
      const negScale = Math.min(1 + c1 / cMu, 1 + (2 * muEffNeg) / (muEff + 2), (1 - c1 - cMu) / (n * cMu)) / Math.abs(sum(neg));

      const p = cmaesParameters(n);
      expect(p.lambda).toBe(n === 2 ? 6 : 10);
      expect(p.mu).toBe(n === 2 ? 3 : 5);
      expect(p.muEff).toBeCloseTo(muEff, 14);
      expect(p.cSigma).toBeCloseTo(cSigma, 14);
      expect(p.dSigma).toBeCloseTo(dSigma, 14);
      expect(p.cC).toBeCloseTo(cC, 14);
      expect(p.c1).toBeCloseTo(c1, 14);
      expect(p.cMu).toBeCloseTo(cMu, 14);
      expect(p.chiN).toBeCloseTo(Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)), 14);
      for (let i = 0; i < lambda; i++) expect(p.weights[i]!).toBeCloseTo(i < mu ? wPrime[i]! / sum(pos) : wPrime[i]! * negScale, 14);
      expect(sum(Array.from(p.weights.slice(0, mu)))).toBeCloseTo(1, 14);
    }
  });

  it("match the strategies pycma announces, e.g. '(5_w,10)-aCMA-ES (mu_w=3.2,w_1=45%) in dimension 10'", () => {
    // Banner lines printed in pycma's own doctests (cma/evolution_strategy.py, cma/test.py,
    // github.com/CMA-ES/pycma): (μ_w, λ), μ_eff to one decimal and w₁ as a truncated percentage.
    const banners: [number, number, number, number, number][] = [
      // n, mu, lambda, mu_w, w_1 %
      [3, 3, 7, 2.3, 58], [4, 4, 8, 2.6, 52], [7, 4, 9, 2.8, 49], [10, 5, 10, 3.2, 45],
    ];
    for (const [n, mu, lambda, muW, w1] of banners) {
      const p = cmaesParameters(n);
      expect([p.mu, p.lambda]).toEqual([mu, lambda]);
      expect(Math.round(p.muEff * 10) / 10).toBe(muW);
      expect(Math.floor(100 * p.weights[0]!)).toBe(w1);
    }
    const p22 = cmaesParameters(22); // "(6_w,13)-aCMA-ES" in dimension 22
    expect([p22.mu, p22.lambda]).toEqual([6, 13]);
  });
});

describe("CMA-ES on Rosenbrock", () => {
  it("10-D from the origin with σ₀ = 0.5 reaches f < 1e-10 in a median ≤ 8000 evaluations over 10 seeds (pycma reference)", () => {
    // Reference: pycma has no published median for exactly this setting (and pycma is not installed
    // here). Its own doctests assert, for 10-D Rosenbrock with default aCMA-ES, "res[2] < 8000 # evaluations"
    // to reach f < 1e-12 from x0 = 0.1, σ0 = 0.3 (cma.fmin docstring), and "< 6500 # typically < 5500"
    // to reach 1e-8 with TPA step-size control (cma/sigma_adaptation.py). We hold our median to the
    // 8000 bound, which is tighter than 1.5× either of pycma's typical figures (1.5 × 5500 = 8250).
    // A run that ends in Rosenbrock's local minimum (f ≈ 3.99 near x₁ = −1; pycma's docs note the same
    // for single runs) counts as infinitely many evaluations, so the median bound also requires ≥ 6/10 successes.
    const p = rosenbrock(10);
    const evals: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const r = minimize(p.fn, new Float64Array(10), { method: "cma-es", sigma0: 0.5, seed, ftarget: 1e-10 });
      evals.push(r.fun < 1e-10 ? r.nfev : Infinity);
    }
    expect(median(evals)).toBeLessThanOrEqual(8000);
  });

  it("is reproducible: same seed, same population; the ask/tell protocol is enforced", () => {
    const a = new CMAES([0, 0, 0], { sigma0: 0.5, seed: 4 }), b = new CMAES([0, 0, 0], { sigma0: 0.5, seed: 4 });
    const f = rosenbrock(3).fn;
    for (let g = 0; g < 5; g++) {
      const xa = a.ask(), xb = b.ask();
      expect(xa).toEqual(xb);
      a.tell(xa.map(f));
      b.tell(xb.map(f));
    }
    expect(a.mean).toEqual(b.mean);
    expect(() => a.tell([1, 2])).toThrow(/CMAES.tell: call ask\(\) first/);
    a.ask();
    expect(() => a.tell([1, 2])).toThrow(/CMAES.tell: got 2 fitness values for a population of 7/);
    expect(() => new CMAES([0], { sigma0: 0 })).toThrow(/sigma0 must be > 0, got 0/);
  });

  it("batch evaluation sees whole populations and gives the same run as one-by-one evaluation", () => {
    const p = rosenbrock(4);
    const sizes: number[] = [];
    const batched = cmaes(p.fn, [0, 0, 0, 0], { sigma0: 0.5, seed: 2, ftarget: 1e-8, batch: (pop) => { sizes.push(pop.length); return pop.map(p.fn); } });
    const plain = cmaes(p.fn, [0, 0, 0, 0], { sigma0: 0.5, seed: 2, ftarget: 1e-8 });
    expect(new Set(sizes)).toEqual(new Set([8]));
    expect(batched.nfev).toBe(plain.nfev);
    expect(batched.x).toEqual(plain.x);
  });

  it("IPOP restarts (doubling λ) find the global minimum of 5-D Rastrigin", () => {
    const p = rastrigin(5);
    for (const seed of [0, 1]) {
      const r = cmaes(p.fn, new Float64Array(5).fill(3), { sigma0: 2, seed, restarts: 8, ftarget: 1e-8, maxEvals: 1e5 });
      expect(r.fun).toBeLessThan(1e-8);
    }
  });
});

describe("other evolution strategies (ask/tell)", () => {
  const p = sphere(5);
  const x0 = new Float64Array(5).fill(2);

  it("fitness shaping utilities sum to zero and decrease with rank (Wierstra et al. 2014)", () => {
    for (const lambda of [4, 10, 15]) {
      const u = fitnessShaping(lambda);
      expect(u.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 14);
      for (let k = 1; k < lambda; k++) expect(u[k]!).toBeLessThanOrEqual(u[k - 1]!);
      expect(u[0]!).toBeGreaterThan(0);
    }
  });

  it("natural ES with antithetic samples draws mirrored pairs and converges on the sphere", () => {
    const es = new NaturalES(x0, { sigma0: 1, seed: 1 });
    const pop = es.ask();
    expect(pop.length % 2).toBe(0);
    for (let k = 0; k < pop.length; k += 2) for (let i = 0; i < 5; i++) expect(pop[k]![i]! + pop[k + 1]![i]!).toBeCloseTo(4, 12);
    es.tell(pop.map(p.fn));
    for (const seed of [1, 2, 3]) {
      const r = runAskTell(new NaturalES(x0, { sigma0: 1, seed }), p.fn, { maxEvals: 5000, ftarget: 1e-10 });
      expect(r.fun).toBeLessThan(1e-10);
    }
  });

  it("the self-adaptive Gaussian ES converges on the sphere", () => {
    for (const seed of [1, 2, 3]) {
      const r = runAskTell(new GaussianES(x0, { sigma0: 1, seed, popsize: 12 }), p.fn, { maxEvals: 5000, ftarget: 1e-10 });
      expect(r.fun).toBeLessThan(1e-10);
    }
  });

  it("CEM collapses prematurely without extra noise (Szita & Lőrincz 2006) and gets close with it", () => {
    for (const seed of [1, 2]) {
      const plain = runAskTell(new CrossEntropyMethod(x0, { sigma0: 1, seed, popsize: 20 }), p.fn, { maxEvals: 20000, ftarget: 1e-6 });
      expect(plain.message).toBe("stopped: tolx");
      expect(plain.fun).toBeGreaterThan(0.1);
      const noisy = runAskTell(new CrossEntropyMethod(x0, { sigma0: 1, seed, popsize: 20, extraNoise: 0.1 }), p.fn, { maxEvals: 20000 });
      expect(noisy.fun).toBeLessThan(1e-4);
    }
  });

  it("CEM with a box keeps every sample inside it and finds the constrained minimum of the sphere on the boundary", () => {
    // min Σ x² over x ∈ [1, 2] × [−3, −0.5] × [−1, 1] is at (1, −0.5, 0) (each coordinate's bound nearest 0).
    const cem = new CrossEntropyMethod([1.5, -2, 0.5], { sigma0: 1, seed: 3, popsize: 30, lower: [1, -3, -1], upper: [2, -0.5, 1] });
    for (let g = 0; g < 60; g++) {
      const pop = cem.ask();
      for (const x of pop) {
        expect(x[0]).toBeGreaterThanOrEqual(1); expect(x[0]).toBeLessThanOrEqual(2);
        expect(x[1]).toBeGreaterThanOrEqual(-3); expect(x[1]).toBeLessThanOrEqual(-0.5);
        expect(x[2]).toBeGreaterThanOrEqual(-1); expect(x[2]).toBeLessThanOrEqual(1);
      }
      cem.tell(pop.map((x) => x.reduce((s, v) => s + v * v, 0)));
    }
    expect(cem.mean[0]).toBeCloseTo(1, 3);
    expect(cem.mean[1]).toBeCloseTo(-0.5, 3);
    expect(Math.abs(cem.mean[2]!)).toBeLessThan(1e-3);
  });

  it("CEM rejects bounds of the wrong length or an empty box, naming the method", () => {
    expect(() => new CrossEntropyMethod([0, 0], { sigma0: 1, lower: [0, 0, 0] })).toThrow(/CrossEntropyMethod: lower must be a number or 2 numbers \(one per coordinate\), got 3 values/);
    expect(() => new CrossEntropyMethod([0, 0], { sigma0: 1, lower: 1, upper: [2, 1] })).toThrow(/CrossEntropyMethod: lower\[1\] = 1 must be below upper\[1\] = 1/);
  });
});
