// Nonlinear conjugate gradient: Fletcher–Reeves and Polak–Ribière+ with a strong-Wolfe (or exact) line search.

import { MESSAGES, point, resolveCommon, result, type CommonOptions } from "./common.js";
import { lineSearch, type LineSearchKind } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import { initialStep } from "./quasiNewton.js";
import type { OptimizeResult, TrajectoryPoint } from "./types.js";
import { dot, norm2, vecNorm } from "./vector.js";

export interface ConjugateGradientOptions extends CommonOptions {
  /** "PR+" (default) or "FR". */
  beta?: "PR+" | "FR";
  lineSearch?: LineSearchKind;
  c1?: number;
  /** Curvature constant; default 0.1 (N&W §5.2: FR needs c₂ < ½ to guarantee descent). */
  c2?: number;
  /** Restart with steepest descent every this many iterations. Default n. */
  restartEvery?: number;
}

/**
 * pₖ₊₁ = −∇fₖ₊₁ + βₖ₊₁ pₖ with (Nocedal & Wright 2nd ed., §5.2)
 * - Fletcher–Reeves (eq. 5.41a): β = ∇fₖ₊₁ᵀ∇fₖ₊₁ / ∇fₖᵀ∇fₖ
 * - Polak–Ribière+ (eqs. 5.44–5.45): β = max(0, ∇fₖ₊₁ᵀ(∇fₖ₊₁ − ∇fₖ) / ∇fₖᵀ∇fₖ)
 * On a strictly convex quadratic with an exact line search both reduce to linear CG and reach the
 * minimizer in at most n iterations (N&W Theorem 5.2). A direction that is not a descent direction is
 * replaced by −∇f.
 */
export function conjugateGradient(obj: Objective, x0: Float64Array, opts: ConjugateGradientOptions = {}): OptimizeResult {
  const { tol, norm, maxIter } = resolveCommon(opts, obj.n);
  const kind = opts.lineSearch ?? "strong-wolfe";
  const formula = opts.beta ?? "PR+";
  if (formula !== "PR+" && formula !== "FR") throw new Error(`conjugateGradient: beta must be "PR+" or "FR", got "${String(formula)}"`);
  const restartEvery = opts.restartEvery ?? obj.n;
  let x = Float64Array.from(x0);
  let f = obj.value(x);
  let g = obj.gradient(x);
  let p = g.map((v) => -v);
  let fPrev = f + norm2(g) / 2;
  const trajectory: TrajectoryPoint[] = [point(x, f, obj.nfev)];
  for (let k = 0; k < maxIter; k++) {
    if (vecNorm(g, norm) <= tol) return result(obj, { x, fun: f, grad: g, nit: k }, true, MESSAGES.converged, trajectory);
    let slope = dot(g, p);
    if (!(slope < 0)) {
      p = g.map((v) => -v);
      slope = dot(g, p);
    }
    const ls = lineSearch(kind, obj, x, p, f, g, { alpha0: initialStep(f, fPrev, slope), c1: opts.c1, c2: opts.c2 ?? 0.1 });
    if (!ls.success) return result(obj, { x, fun: f, grad: g, nit: k }, false, MESSAGES.lineSearch, trajectory);
    const xn = x.map((v, i) => v + ls.alpha * p[i]!);
    const gn = ls.grad ?? obj.gradient(xn);
    const gg = dot(g, g);
    let beta = formula === "FR" ? dot(gn, gn) / gg : Math.max(0, (dot(gn, gn) - dot(gn, g)) / gg);
    if ((k + 1) % restartEvery === 0) beta = 0;
    p = gn.map((v, i) => -v + beta * p[i]!);
    fPrev = f;
    x = xn;
    f = ls.fun;
    g = gn;
    trajectory.push(point(x, f, obj.nfev));
    if (opts.callback?.({ iteration: k + 1, x, fun: f, grad: g, stepSize: ls.alpha })) {
      return result(obj, { x, fun: f, grad: g, nit: k + 1 }, false, MESSAGES.callback, trajectory);
    }
  }
  const done = vecNorm(g, norm) <= tol;
  return result(obj, { x, fun: f, grad: g, nit: maxIter }, done, done ? MESSAGES.converged : MESSAGES.maxIter, trajectory);
}
