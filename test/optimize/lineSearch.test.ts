import { describe, expect, it } from "vitest";
import { backtracking } from "../../src/optimize/backtracking.js";
import { exactLineSearch } from "../../src/optimize/exactLineSearch.js";
import { Objective } from "../../src/optimize/objective.js";
import { strongWolfe } from "../../src/optimize/strongWolfe.js";
import { quadratic, rosenbrock } from "../../src/optimize/testFunctions.js";
import { dot, matVec } from "../../src/optimize/vector.js";
import { scipyRef } from "./fixtures.js";

const rosen = rosenbrock(2);
const objective = (p = rosen) => new Objective("test", p.fn, p.n, { jac: p.grad, hess: p.hess });
const at = (x: Float64Array, a: number, d: Float64Array) => x.map((v, i) => v + a * d[i]!);

describe("strong Wolfe line search (Nocedal & Wright Alg. 3.5/3.6)", () => {
  // Starts and directions where the first trial fails in different ways: too long (zoom), too short (expand).
  const cases: [number[], number[] | "steepest"][] = [
    [[-1.2, 1], "steepest"], [[0, 0], "steepest"], [[-1.2, 1], [1, 0]], [[2, 2], "steepest"], [[0.5, -0.3], [0.01, 0.02]],
  ];
  for (const c2 of [0.9, 0.1]) {
    it(`returns a step satisfying both strong Wolfe conditions (c1 = 1e-4, c2 = ${c2})`, () => {
      for (const [x0, dir] of cases) {
        const x = Float64Array.from(x0);
        const g0 = rosen.grad(x);
        const d = dir === "steepest" ? g0.map((v) => -v) : Float64Array.from(dir);
        const f0 = rosen.fn(x);
        const r = strongWolfe(objective(), x, d, f0, g0, { c1: 1e-4, c2 });
        expect(r.success).toBe(true);
        const xa = at(x, r.alpha, d);
        expect(r.fun).toBe(rosen.fn(xa));
        expect(r.fun).toBeLessThanOrEqual(f0 + 1e-4 * r.alpha * dot(g0, d));
        expect(Math.abs(dot(rosen.grad(xa), d))).toBeLessThanOrEqual(c2 * Math.abs(dot(g0, d)));
        expect(Array.from(r.grad!)).toEqual(Array.from(rosen.grad(xa)));
      }
    });
  }

  it("accepts the unit Newton step on a quadratic at once (one evaluation)", () => {
    const q = quadratic(4, 50, { seed: 1 });
    const x = Float64Array.of(1, -2, 3, 0.5);
    const g = q.grad(x);
    const d = x.map((v, i) => q.xmin[i]! - v); // the Newton step on a quadratic
    const obj = objective(q);
    const r = strongWolfe(obj, x, d, q.fn(x), g, { alpha0: 1 });
    expect(r.alpha).toBe(1);
    expect(obj.nfev).toBe(1);
  });

  it("refuses an ascent direction with an actionable error", () => {
    const x = Float64Array.of(-1.2, 1);
    const g = rosen.grad(x);
    expect(() => strongWolfe(objective(), x, g, rosen.fn(x), g)).toThrow(/strongWolfe: d is not a descent direction/);
  });
});

describe("backtracking (Armijo) line search", () => {
  it("returns the largest α = 2⁻ᵏ that gives sufficient decrease", () => {
    const x = Float64Array.of(-1.2, 1);
    const g = rosen.grad(x);
    const d = g.map((v) => -v);
    const f0 = rosen.fn(x);
    const r = backtracking(objective(), x, d, f0, g, { c1: 1e-4 });
    const armijo = (a: number) => rosen.fn(at(x, a, d)) <= f0 + 1e-4 * a * dot(g, d);
    expect(r.success).toBe(true);
    expect(Number.isInteger(Math.log2(r.alpha))).toBe(true);
    expect(armijo(r.alpha)).toBe(true);
    expect(armijo(2 * r.alpha)).toBe(false);
  });
});

describe("exact line search (bracketing + Brent)", () => {
  it("finds α* = −∇fᵀd / dᵀAd on a quadratic", () => {
    const q = quadratic(5, 1000, { seed: 4 });
    const x = Float64Array.of(1, 2, -1, 0.5, 3);
    const g = q.grad(x);
    const d = g.map((v) => -v);
    const alphaStar = -dot(g, d) / dot(d, matVec(q.A, d));
    const r = exactLineSearch(objective(q), x, d, q.fn(x));
    expect(r.success).toBe(true);
    expect(Math.abs(r.alpha - alphaStar) / alphaStar).toBeLessThan(1e-8);
  });

  it("matches scipy.optimize.brent along steepest descent on Rosenbrock (fixture)", () => {
    const ref = scipyRef.brent_rosen_steepest;
    const x = Float64Array.from(ref.x), d = Float64Array.from(ref.d);
    const r = exactLineSearch(objective(), x, d, rosen.fn(x), { alpha0: 1e-4 });
    expect(Math.abs(r.alpha - ref.alpha) / ref.alpha).toBeLessThan(1e-7);
    expect(r.fun).toBeCloseTo(ref.phi, 10);
  });
});
