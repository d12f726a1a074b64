import { describe, expect, it } from "vitest";
import { minimize } from "../../src/optimize/minimize.js";
import { bfgsUpdate, dfpUpdate, sr1Update } from "../../src/optimize/quasiNewton.js";
import { twoLoop } from "../../src/optimize/lbfgs.js";
import { stepSize } from "../../src/optimize/gradientDescent.js";
import { quadratic, rosenbrock, type TestProblem } from "../../src/optimize/testFunctions.js";
import type { IterationInfo } from "../../src/optimize/types.js";
import { dot, matVec, norm2, normInf } from "../../src/optimize/vector.js";
import { Generator } from "../../src/random/Generator.js";
import { scipyRef } from "./fixtures.js";

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));

describe("minimize: BFGS against scipy 1.10 (fixture from test/fixtures/optimize/scipy_reference.py)", () => {
  // Acceptance: same problem, same start, same gtol on the max-norm of the gradient; our iteration and
  // function-evaluation counts must be within a factor 1.5 of scipy's (either way).
  for (const name of ["rosen2", "rosen5"]) {
    it(`${name}: reaches ‖∇f‖ < 1e-5 with nit and nfev within 1.5× of scipy.optimize.minimize(method="BFGS")`, () => {
      const ref = scipyRef.runs[`${name}_bfgs`]!;
      const p = rosenbrock(ref.x0.length);
      const r = minimize(p.fn, ref.x0, { method: "bfgs", jac: p.grad, tol: ref.gtol, norm: "inf" });
      expect(r.success).toBe(true);
      expect(normInf(r.grad)).toBeLessThan(1e-5);
      expect(norm2(p.grad(r.x))).toBeLessThan(1e-5);
      expect(dist(r.x, ref.x)).toBeLessThan(1e-5);
      for (const [ours, theirs] of [[r.nit, ref.nit], [r.nfev, ref.nfev], [r.ngev, ref.njev!]] as const) {
        expect(ours).toBeLessThanOrEqual(1.5 * theirs);
        expect(ours).toBeGreaterThanOrEqual(theirs / 1.5);
      }
    });
  }

  it("L-BFGS needs about as many iterations and evaluations as scipy's L-BFGS-B (within 1.5×)", () => {
    for (const name of ["rosen2", "rosen5"]) {
      const ref = scipyRef.runs[`${name}_lbfgsb`]!;
      const p = rosenbrock(ref.x0.length);
      const r = minimize(p.fn, ref.x0, { method: "l-bfgs", jac: p.grad, memory: 10 });
      expect(r.success).toBe(true);
      expect(dist(r.x, p.xmin)).toBeLessThan(1e-4);
      expect(r.nit).toBeLessThanOrEqual(1.5 * ref.nit);
      expect(r.nfev).toBeLessThanOrEqual(1.5 * ref.nfev);
    }
  });

  it("Nelder–Mead reproduces scipy's iterates exactly: same nit, nfev and final simplex vertex", () => {
    for (const name of ["rosen2", "rosen5"]) {
      const ref = scipyRef.runs[`${name}_neldermead`]!;
      const p = rosenbrock(ref.x0.length);
      const r = minimize(p.fn, ref.x0, { method: "nelder-mead" });
      expect(r.nit).toBe(ref.nit);
      expect(r.nfev).toBe(ref.nfev);
      expect(dist(r.x, ref.x)).toBeLessThan(1e-12);
      expect(r.ngev).toBe(0);
    }
  });
});

describe("minimize: every method solves 2-D Rosenbrock from (−1.2, 1)", () => {
  const p = rosenbrock(2);
  const cases: [Parameters<typeof minimize>[2], number][] = [
    [{ method: "bfgs" }, 1e-5], [{ method: "dfp" }, 1e-5], [{ method: "sr1" }, 1e-5], [{ method: "l-bfgs" }, 1e-5],
    [{ method: "cg", beta: "PR+" }, 1e-5], [{ method: "cg", beta: "FR", maxIter: 5000 }, 1e-4], [{ method: "newton" }, 1e-5],
    [{ method: "newton", modification: "levenberg" }, 1e-5], [{ method: "newton", lineSearch: "strong-wolfe" }, 1e-5],
    [{ method: "bfgs", lineSearch: "backtracking" }, 1e-5], [{ method: "nelder-mead", xatol: 1e-8, fatol: 1e-12 }, 1e-5],
    [{ method: "momentum", lr: 1e-3, momentum: 0.9, maxIter: 20000, tol: 1e-6 }, 1e-4],
    [{ method: "nesterov", lr: 1e-3, momentum: 0.9, maxIter: 20000, tol: 1e-6 }, 1e-4],
    [{ method: "gradient-descent", lineSearch: "strong-wolfe", maxIter: 20000, tol: 1e-6 }, 1e-4],
    [{ method: "cma-es", sigma0: 0.5, seed: 3, ftarget: 1e-14 }, 1e-5],
  ];
  for (const [opts, tol] of cases) {
    it(`${JSON.stringify(opts)}`, () => {
      const r = minimize(p.fn, [-1.2, 1], { jac: p.grad, hess: p.hess, ...opts });
      expect(r.success, r.message).toBe(true);
      expect(dist(r.x, p.xmin)).toBeLessThan(tol);
      // Gradient methods record the start; Nelder–Mead its best vertex, CMA-ES the mean after each generation.
      if (opts!.method !== "nelder-mead" && opts!.method !== "cma-es") expect(r.trajectory[0]!.x).toEqual(Float64Array.of(-1.2, 1));
      expect(r.trajectory.at(-1)!.nfev).toBeLessThanOrEqual(r.nfev);
    });
  }
});

describe("Newton's method", () => {
  // f(x) = Σ(e^{xᵢ} − xᵢ) + ½xᵀQx is strictly convex and not quadratic; ∇f(0) = 0 so x* = 0 exactly.
  const Q = Float64Array.of(2, 0.5, 0, 0.5, 1, 0.3, 0, 0.3, 1.5);
  const convex: TestProblem = {
    name: "exp+quadratic", n: 3, xmin: new Float64Array(3), fmin: 3,
    fn: (x) => x.reduce((s, v) => s + Math.exp(v) - v, 0) + 0.5 * dot(x, matVec(Q, x)),
    grad: (x) => { const qx = matVec(Q, x); return x.map((v, i) => Math.exp(v) - 1 + qx[i]!); },
    hess: (x) => Q.map((v, k) => (k % 4 === 0 ? v + Math.exp(x[k / 4]!) : v)),
  };

  it("converges quadratically on a strictly convex function: e_{k+1}/e_k² stays bounded while e_k → 0", () => {
    const errors: number[] = [];
    const r = minimize(convex.fn, [1, -1, 0.8], {
      method: "newton", jac: convex.grad, hess: convex.hess, tol: 1e-15,
      callback: (info) => { errors.push(norm2(info.x)); },
    });
    expect(dist(r.x, convex.xmin)).toBeLessThan(1e-14);
    // Bound near x*: e_{k+1} ≤ (M / 2μ) e_k² with μ = λ_min(∇²f) ≥ λ_min(Q) + e^{−‖x‖∞} and M the
    // Lipschitz constant of ∇²f (|e^{xᵢ}| ≤ e^{‖x‖∞}); for ‖x‖ ≤ 0.5 this is ≤ e^{0.5}/(2·(0.70 + e^{−0.5})) < 0.64.
    const ratios: number[] = [];
    for (let k = 0; k + 1 < errors.length; k++) {
      if (errors[k]! < 0.5 && errors[k + 1]! > 1e-13) ratios.push(errors[k + 1]! / errors[k]! ** 2);
    }
    expect(ratios.length).toBeGreaterThanOrEqual(2);
    for (const q of ratios) expect(q).toBeLessThan(0.64);
    // …whereas the linear rate e_{k+1}/e_k goes to 0 (superlinear).
    expect(errors.at(-1)! / errors.at(-2)!).toBeLessThan(1e-3);
  });

  it("escapes a saddle: with an indefinite Hessian the eigenvalue-modified step still descends", () => {
    // f = x² − y² + y⁴/4: saddle at 0, minima (0, ±√2) with f = −1. Pure Newton from (0.5, 0.01) jumps to the saddle.
    const f = (p: Float64Array) => p[0]! ** 2 - p[1]! ** 2 + p[1]! ** 4 / 4;
    const g = (p: Float64Array) => Float64Array.of(2 * p[0]!, -2 * p[1]! + p[1]! ** 3);
    const h = (p: Float64Array) => Float64Array.of(2, 0, 0, -2 + 3 * p[1]! ** 2);
    for (const modification of ["eigen", "levenberg"] as const) {
      const r = minimize(f, [0.5, 0.01], { method: "newton", jac: g, hess: h, modification, tol: 1e-10 });
      expect(r.success).toBe(true);
      expect(dist(r.x, [0, Math.SQRT2])).toBeLessThan(1e-6);
      expect(r.fun).toBeCloseTo(-1, 10);
    }
  });
});

describe("quasi-Newton updates satisfy the secant equation H_{k+1} y_k = s_k (N&W eqs. 6.15–6.25)", () => {
  for (const method of ["bfgs", "dfp", "sr1"] as const) {
    it(`${method}: at every iteration on Rosenbrock-4D and an ill-conditioned quadratic`, () => {
      for (const p of [rosenbrock(4), quadratic(5, 1e3, { seed: 9 })]) {
        let prev: { x: Float64Array; g: Float64Array } = { x: Float64Array.from(p.n === 4 ? [-1.2, 1, -1.2, 1] : [1, 1, 1, 1, 1]), g: new Float64Array(0) };
        prev.g = p.grad(prev.x);
        let checked = 0;
        const callback = (info: IterationInfo) => {
          const s = info.x.map((v, i) => v - prev.x[i]!);
          const y = info.grad.map((v, i) => v - prev.g[i]!);
          expect(info.updateSkipped).toBe(false);
          const hy = matVec(info.invHessian!, y);
          expect(dist(hy, s) / norm2(s)).toBeLessThan(1e-7);
          prev = { x: Float64Array.from(info.x), g: Float64Array.from(info.grad) };
          checked++;
        };
        const r = minimize(p.fn, prev.x, { method, jac: p.grad, callback, maxIter: 40 });
        expect(checked).toBe(r.nit);
        expect(checked).toBeGreaterThan(3);
      }
    });
  }

  it("the pure update rules give H⁺y = s and symmetric H⁺ for random data with yᵀs > 0", () => {
    const g = new Generator(5);
    const n = 6;
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++) h[i * n + i] = 1 + i;
    const s = Float64Array.from({ length: n }, () => g.normal());
    const y = s.map((v) => v + 0.3 * g.normal());
    expect(dot(y, s)).toBeGreaterThan(0);
    for (const update of [bfgsUpdate, dfpUpdate, sr1Update]) {
      const hp = update(h, s, y)!;
      expect(dist(matVec(hp, y), s)).toBeLessThan(1e-10);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(hp[i * n + j]).toBeCloseTo(hp[j * n + i]!, 12);
    }
    expect(bfgsUpdate(h, s, s.map((v) => -v))).toBeNull(); // yᵀs < 0: BFGS/DFP refuse
    expect(dfpUpdate(h, s, s.map((v) => -v))).toBeNull();
  });

  it("the L-BFGS two-loop product satisfies the secant equation for the newest pair", () => {
    const g = new Generator(8);
    const pairs = Array.from({ length: 4 }, () => {
      const s = Float64Array.from({ length: 5 }, () => g.normal());
      const y = s.map((v) => 2 * v + 0.2 * g.normal());
      return { s, y, rho: 1 / dot(y, s) };
    });
    const last = pairs.at(-1)!;
    expect(dist(twoLoop(last.y, pairs), last.s)).toBeLessThan(1e-12);
  });
});

describe("first-order methods on ill-conditioned quadratics", () => {
  const kappa = 100;
  const q = quadratic(6, kappa, { seed: 3 });
  const x0 = [1, -1, 2, 0.5, -0.3, 1];
  const errorsOf = (opts: Parameters<typeof minimize>[2]) => {
    const errs: number[] = [dist(x0, q.xmin)];
    minimize(q.fn, x0, { jac: q.grad, tol: 0, maxIter: 150, ...opts, callback: (i) => { errs.push(dist(i.x, q.xmin)); } });
    return errs;
  };

  it("gradient descent with α = 2/(μ + L) contracts the error by (κ − 1)/(κ + 1) per step, and no better", () => {
    const rate = (kappa - 1) / (kappa + 1);
    const errs = errorsOf({ method: "gradient-descent", lr: 2 / (1 + kappa) });
    for (let k = 0; k + 1 < errs.length; k++) expect(errs[k + 1]!).toBeLessThanOrEqual(rate * errs[k]! * (1 + 1e-12));
    expect((errs[150]! / errs[0]!) ** (1 / 150)).toBeGreaterThan(0.97 * rate);
  });

  it("heavy ball with Polyak's parameters reaches the rate (√κ − 1)/(√κ + 1) (Polyak 1964)", () => {
    const sk = Math.sqrt(kappa);
    const hb = errorsOf({ method: "momentum", lr: 4 / (1 + sk) ** 2, momentum: ((sk - 1) / (sk + 1)) ** 2 });
    // Every 2×2 block of the iteration matrix has spectral radius √β = (√κ − 1)/(√κ + 1); the extreme
    // eigenvalues give Jordan blocks, hence a polynomial factor that the 6% margin over 100 steps absorbs.
    expect((hb[100]! / hb[0]!) ** (1 / 100)).toBeLessThan(1.06 * ((sk - 1) / (sk + 1)));
  });

  it("Nesterov with α = 1/L, β = (√κ − 1)/(√κ + 1) meets its bound ‖eₖ‖² ≤ (κ + 1)(1 − 1/√κ)ᵏ‖e₀‖²", () => {
    // Nesterov, Introductory Lectures on Convex Optimization (2004), Thm 2.2.3 with scheme (2.2.19):
    // f(xₖ) − f* ≤ (1 − √(μ/L))ᵏ (f(x₀) − f* + μ/2‖e₀‖²), and μ/2‖e‖² ≤ f − f* ≤ L/2‖e‖² (μ = 1, L = κ).
    const sk = Math.sqrt(kappa);
    const nes = errorsOf({ method: "nesterov", lr: 1 / kappa, momentum: (sk - 1) / (sk + 1) });
    for (let k = 1; k < nes.length; k++) expect(nes[k]! ** 2).toBeLessThanOrEqual((kappa + 1) * (1 - 1 / sk) ** k * nes[0]! ** 2);
    const gd = errorsOf({ method: "gradient-descent", lr: 2 / (1 + kappa) });
    expect(nes[100]!).toBeLessThan(0.01 * gd[100]!);
  });

  it("steepest descent with exact line search makes consecutive gradients orthogonal", () => {
    const grads: Float64Array[] = [];
    minimize(q.fn, x0, { method: "gradient-descent", jac: q.grad, lineSearch: "exact", maxIter: 10, tol: 0, callback: (i) => { grads.push(i.grad); } });
    for (let k = 0; k + 1 < grads.length; k++) expect(Math.abs(dot(grads[k]!, grads[k + 1]!)) / (norm2(grads[k]!) * norm2(grads[k + 1]!))).toBeLessThan(1e-6);
  });

  it("nonlinear CG (FR and PR+) with exact line search terminates in at most n steps on a quadratic (N&W Thm 5.2)", () => {
    for (const beta of ["FR", "PR+"] as const) {
      const tol = 1e-7 * normInf(q.grad(Float64Array.from(x0)));
      const r = minimize(q.fn, x0, { method: "cg", beta, jac: q.grad, lineSearch: "exact", tol, restartEvery: 100 });
      expect(r.success).toBe(true);
      expect(r.nit).toBeLessThanOrEqual(q.n);
    }
  });

  it("step schedules: α₀/(1 + βt) and α₀γᵗ, and decaying GD still converges on a quadratic", () => {
    expect(stepSize("inverse-time", 0.5, 0.1, 10)).toBeCloseTo(0.25, 15);
    expect(stepSize("exponential", 0.5, 0.9, 3)).toBeCloseTo(0.5 * 0.729, 15);
    expect(stepSize((t) => 1 / (t + 1), 0, undefined, 3)).toBe(0.25);
    const r = minimize(q.fn, x0, { method: "gradient-descent", jac: q.grad, lr: 0.019, schedule: "inverse-time", decay: 1e-3, maxIter: 5000, tol: 1e-8 });
    expect(r.success).toBe(true);
  });
});

describe("gradient descent with noise escapes a saddle point", () => {
  // f = x² − y²/2 + y⁴/4: ∇f(0, 0) = 0 (a saddle); minima (0, ±1) with f = −1/4.
  const f = (p: Float64Array) => p[0]! ** 2 - p[1]! ** 2 / 2 + p[1]! ** 4 / 4;
  const g = (p: Float64Array) => Float64Array.of(2 * p[0]!, -p[1]! + p[1]! ** 3);

  it("plain GD started at the saddle stays there; noisy GD reaches a minimum", () => {
    const plain = minimize(f, [0, 0], { method: "gradient-descent", jac: g, lr: 0.1 });
    expect(Array.from(plain.x)).toEqual([0, 0]);
    expect(plain.nit).toBe(0);
    for (const seed of [1, 2, 3]) {
      const noisy = minimize(f, [0, 0], { method: "gradient-descent", jac: g, lr: 0.1, noise: 0.05, seed, maxIter: 400 });
      expect(Math.abs(Math.abs(noisy.x[1]!) - 1)).toBeLessThan(0.1);
      expect(noisy.fun).toBeLessThan(-0.24);
    }
  });
});

describe("minimize: derivatives, validation", () => {
  it("without jac/hess it falls back to finite differences (./autodiff.ts) and still converges", () => {
    const p = rosenbrock(3);
    for (const method of ["bfgs", "newton", "l-bfgs"] as const) {
      const r = minimize(p.fn, [-1, 1.5, 0.5], { method, tol: 1e-6 });
      expect(r.success, method).toBe(true);
      expect(dist(r.x, p.xmin)).toBeLessThan(1e-4);
    }
  });

  it("rejects bad input with errors that name the operation and the value", () => {
    const p = rosenbrock(2);
    expect(() => minimize(p.fn, [Number.NaN, 1])).toThrow(/minimize: x0\[0\] is NaN/);
    expect(() => minimize(p.fn, [1, 1], { method: "cma-es" })).toThrow(/needs sigma0/);
    expect(() => minimize(p.fn, [1, 1], { method: "adam" as never })).toThrow(/unknown method "adam"/);
    expect(() => minimize(p.fn, [1, 1], { jac: () => new Float64Array(3) })).toThrow(/bfgs: gradient has length 3, expected 2/);
    expect(() => minimize(() => Number.NaN, [1, 1])).toThrow(/bfgs: objective returned NaN/);
  });
});
