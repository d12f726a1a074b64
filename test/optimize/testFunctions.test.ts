import { describe, expect, it } from "vitest";
import { centralDifferenceGradient } from "../../src/optimize/autodiff.js";
import { eigh } from "../../src/optimize/linalg.js";
import { minimize } from "../../src/optimize/minimize.js";
import { ackley, beale, logisticRegression, quadratic, rastrigin, rosenbrock, sphere, type TestProblem } from "../../src/optimize/testFunctions.js";
import { Generator } from "../../src/random/Generator.js";
import { scipyRef } from "./fixtures.js";

/** Relative agreement of two vectors in the max norm. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num = Math.max(num, Math.abs(a[i]! - b[i]!)); den = Math.max(den, Math.abs(b[i]!)); }
  return num / Math.max(den, 1e-300);
}

describe("optimize/testFunctions", () => {
  it("Rosenbrock value, gradient and Hessian equal scipy.optimize.rosen / rosen_der / rosen_hess (fixture)", () => {
    for (const ref of scipyRef.rosen_values) {
      const p = rosenbrock(ref.x.length);
      const x = Float64Array.from(ref.x);
      expect(p.fn(x)).toBeCloseTo(ref.f, 10);
      expect(relErr(p.grad(x), ref.grad)).toBeLessThan(1e-14);
      expect(relErr(p.hess(x), ref.hess)).toBeLessThan(1e-14);
    }
  });

  it("every analytic gradient and Hessian agrees with central differences at random points", () => {
    const g = new Generator(11);
    const problems: TestProblem[] = [sphere(4), rosenbrock(5), rastrigin(3), ackley(4), beale(), quadratic(5, 100, { seed: 2 })];
    for (const p of problems) {
      for (let trial = 0; trial < 3; trial++) {
        const x = Float64Array.from({ length: p.n }, () => g.uniform(-1.5, 1.5));
        expect(relErr(p.grad(x), centralDifferenceGradient(p.fn, x)), `${p.name} gradient`).toBeLessThan(1e-6);
        // Hessian column j ≈ central difference of the analytic gradient along e_j.
        const h = p.hess(x);
        for (let j = 0; j < p.n; j++) {
          const col = centralDifferenceGradient((z) => p.grad(z)[j]!, x);
          const exact = Array.from({ length: p.n }, (_, i) => h[i * p.n + j]!);
          expect(relErr(exact, col), `${p.name} Hessian column ${j}`).toBeLessThan(1e-5);
        }
      }
    }
  });

  it("known minima: f(x*) = f* and ∇f(x*) = 0", () => {
    for (const p of [sphere(3), rosenbrock(4), rastrigin(5), beale()]) {
      expect(p.fn(p.xmin)).toBeCloseTo(p.fmin, 14);
      for (const gi of p.grad(p.xmin)) expect(Math.abs(gi)).toBeLessThan(1e-12);
    }
    expect(ackley(3).fn(new Float64Array(3))).toBeCloseTo(0, 14);
  });

  it("the ill-conditioned quadratic has eigenvalues geometric from 1 to κ, so cond(A) = κ", () => {
    const q = quadratic(6, 1e4, { seed: 7 });
    const { values } = eigh(q.A, 6);
    for (let i = 0; i < 6; i++) expect(values[i]!).toBeCloseTo(1e4 ** (i / 5), 7);
    expect(values[5]! / values[0]!).toBeCloseTo(1e4, 6);
    expect(() => quadratic(3, 0.5)).toThrow(/condition number must be ≥ 1, got 0.5/);
  });

  it("logistic-regression loss, gradient and Hessian match numpy (fixture), and Newton finds scipy's minimizer", () => {
    const L = scipyRef.logistic;
    const p = logisticRegression(Float64Array.from(L.X), L.y, { l2: L.l2 });
    const w0 = Float64Array.from(L.w0);
    expect(p.fn(w0)).toBeCloseTo(L.loss_w0, 13);
    expect(relErr(p.grad(w0), L.grad_w0)).toBeLessThan(1e-12);
    expect(relErr(p.hess(w0), L.hess_w0)).toBeLessThan(1e-12);
    const r = minimize(p.fn, new Float64Array(p.n), { method: "newton", jac: p.grad, hess: p.hess, tol: 1e-12 });
    expect(relErr(r.x, L.w_star)).toBeLessThan(1e-8);
    expect(r.fun).toBeCloseTo(L.loss_star, 12);
    expect(() => logisticRegression(new Float64Array(4), [0, 2])).toThrow(/label y\[1\] = 2, expected 0 or 1/);
  });
});
