// Newton's method with a Hessian modification when ∇²f is not positive definite, and a line search.

import { MESSAGES, point, resolveCommon, result, type CommonOptions } from "./common.js";
import { cholesky, choleskySolve, eigh } from "./linalg.js";
import { lineSearch, type LineSearchKind } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import type { OptimizeResult, TrajectoryPoint } from "./types.js";
import { vecNorm } from "./vector.js";

export interface NewtonOptions extends CommonOptions {
  /**
   * What to do when Cholesky of ∇²f fails (not positive definite):
   * - "eigen" (default): B = Q diag(max(|λᵢ|, δ)) Qᵀ — eigenvalues reflected and floored, so a negative
   *   curvature direction becomes a descent direction (N&W §3.4; "saddle-free Newton" of Dauphin et al.,
   *   NeurIPS 2014);
   * - "levenberg": B = ∇²f + τI with τ doubled until Cholesky succeeds (N&W Alg. 3.3).
   */
  modification?: "eigen" | "levenberg";
  /** Default "backtracking" from α = 1, so that full Newton steps are taken near the solution. */
  lineSearch?: LineSearchKind;
}

/**
 * Newton's method: solve B p = −∇f(x) with B = ∇²f(x) (modified if needed), x ← x + αp.
 * Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), §3.3–3.4. Near a minimizer with positive
 * definite, Lipschitz Hessian, the full step α = 1 is accepted and convergence is quadratic:
 * ‖xₖ₊₁ − x*‖ ≤ C‖xₖ − x*‖² (N&W Theorem 3.5).
 */
export function newton(obj: Objective, x0: Float64Array, opts: NewtonOptions = {}): OptimizeResult {
  const { tol, norm, maxIter } = resolveCommon(opts, obj.n);
  const n = obj.n;
  const kind = opts.lineSearch ?? "backtracking";
  let x = Float64Array.from(x0);
  let f = obj.value(x);
  let g = obj.gradient(x);
  const trajectory: TrajectoryPoint[] = [point(x, f, obj.nfev)];
  for (let k = 0; k < maxIter; k++) {
    if (vecNorm(g, norm) <= tol) return result(obj, { x, fun: f, grad: g, nit: k }, true, MESSAGES.converged, trajectory);
    const h = obj.hessian(x);
    const minusG = g.map((v) => -v);
    const p = newtonDirection(h, n, minusG, opts.modification ?? "eigen");
    const ls = lineSearch(kind, obj, x, p, f, g, { alpha0: 1 });
    if (!ls.success) return result(obj, { x, fun: f, grad: g, nit: k }, false, MESSAGES.lineSearch, trajectory);
    const xn = new Float64Array(n);
    for (let i = 0; i < n; i++) xn[i] = x[i]! + ls.alpha * p[i]!;
    x = xn;
    f = ls.fun;
    g = ls.grad ?? obj.gradient(x);
    trajectory.push(point(x, f, obj.nfev));
    if (opts.callback?.({ iteration: k + 1, x, fun: f, grad: g, stepSize: ls.alpha })) {
      return result(obj, { x, fun: f, grad: g, nit: k + 1 }, false, MESSAGES.callback, trajectory);
    }
  }
  const done = vecNorm(g, norm) <= tol;
  return result(obj, { x, fun: f, grad: g, nit: maxIter }, done, done ? MESSAGES.converged : MESSAGES.maxIter, trajectory);
}

/** Solves B p = rhs with B = H when H is positive definite, else the modified Hessian. */
export function newtonDirection(h: Float64Array, n: number, rhs: Float64Array, modification: "eigen" | "levenberg"): Float64Array {
  const l = cholesky(h, n);
  if (l) return choleskySolve(l, n, rhs);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(h[i]!));
  if (modification === "eigen") {
    const { values, vectors } = eigh(h, n);
    const delta = 1e-8 * Math.max(1, scale);
    // p = Q diag(1/max(|λ|, δ)) Qᵀ rhs
    const p = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += vectors[i * n + k]! * rhs[i]!;
      c /= Math.max(Math.abs(values[k]!), delta);
      for (let i = 0; i < n; i++) p[i] = p[i]! + c * vectors[i * n + k]!;
    }
    return p;
  }
  if (modification === "levenberg") {
    // N&W Alg. 3.3 (Cholesky with added multiple of the identity), β = 1e-3·scale.
    const beta = 1e-3 * Math.max(1, scale);
    let minDiag = Infinity;
    for (let i = 0; i < n; i++) minDiag = Math.min(minDiag, h[i * n + i]!);
    let tau = minDiag > 0 ? beta : -minDiag + beta;
    for (let attempt = 0; attempt < 200; attempt++) {
      const shifted = Float64Array.from(h);
      for (let i = 0; i < n; i++) shifted[i * n + i] = shifted[i * n + i]! + tau;
      const ls = cholesky(shifted, n);
      if (ls) return choleskySolve(ls, n, rhs);
      tau = Math.max(2 * tau, beta);
    }
    throw new Error(`newton: Levenberg shift did not make the Hessian positive definite (τ reached ${tau})`);
  }
  throw new Error(`newton: unknown Hessian modification "${String(modification)}" (use "eigen" or "levenberg")`);
}
