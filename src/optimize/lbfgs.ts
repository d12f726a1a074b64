// Limited-memory BFGS: the inverse-Hessian product from the last m (s, y) pairs by the two-loop recursion.

import { MESSAGES, point, resolveCommon, result, type CommonOptions } from "./common.js";
import { lineSearch, type LineSearchKind } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import { initialStep } from "./quasiNewton.js";
import type { OptimizeResult, TrajectoryPoint } from "./types.js";
import { dot, norm2, vecNorm } from "./vector.js";

export interface LbfgsOptions extends CommonOptions {
  /** Number of stored pairs m. Default 10 (scipy's L-BFGS-B uses 10). */
  memory?: number;
  lineSearch?: LineSearchKind;
  c1?: number;
  c2?: number;
}

/**
 * r = Hₖ q by the two-loop recursion (Nocedal & Wright 2nd ed., Alg. 7.4), with H⁰ = γI,
 * γ = sᵀy / yᵀy of the newest pair (eq. 7.20). `pairs` are ordered oldest first.
 */
export function twoLoop(q: Float64Array, pairs: { s: Float64Array; y: Float64Array; rho: number }[]): Float64Array {
  const r = Float64Array.from(q);
  const alphas = new Float64Array(pairs.length);
  for (let i = pairs.length - 1; i >= 0; i--) {
    const { s, y, rho } = pairs[i]!;
    const a = rho * dot(s, r);
    alphas[i] = a;
    for (let j = 0; j < r.length; j++) r[j] = r[j]! - a * y[j]!;
  }
  if (pairs.length > 0) {
    const { s, y } = pairs[pairs.length - 1]!;
    const gamma = dot(s, y) / dot(y, y);
    for (let j = 0; j < r.length; j++) r[j] = r[j]! * gamma;
  }
  for (let i = 0; i < pairs.length; i++) {
    const { s, y, rho } = pairs[i]!;
    const b = rho * dot(y, r);
    for (let j = 0; j < r.length; j++) r[j] = r[j]! + s[j]! * (alphas[i]! - b);
  }
  return r;
}

/** L-BFGS (Liu & Nocedal, "On the limited memory BFGS method for large scale optimization", Math. Prog. 45, 1989; N&W Alg. 7.5). */
export function lbfgs(obj: Objective, x0: Float64Array, opts: LbfgsOptions = {}): OptimizeResult {
  const { tol, norm, maxIter } = resolveCommon(opts, obj.n);
  const m = opts.memory ?? 10;
  if (!Number.isInteger(m) || m < 1) throw new Error(`lbfgs: memory must be a positive integer, got ${m}`);
  const kind = opts.lineSearch ?? "strong-wolfe";
  let x = Float64Array.from(x0);
  let f = obj.value(x);
  let g = obj.gradient(x);
  let fPrev = f + norm2(g) / 2;
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const trajectory: TrajectoryPoint[] = [point(x, f, obj.nfev)];
  for (let k = 0; k < maxIter; k++) {
    if (vecNorm(g, norm) <= tol) return result(obj, { x, fun: f, grad: g, nit: k }, true, MESSAGES.converged, trajectory);
    const p = twoLoop(g, pairs).map((v) => -v);
    const slope = dot(g, p);
    const ls = lineSearch(kind, obj, x, p, f, g, { alpha0: pairs.length > 0 ? 1 : initialStep(f, fPrev, slope), c1: opts.c1, c2: opts.c2 });
    if (!ls.success) return result(obj, { x, fun: f, grad: g, nit: k }, false, MESSAGES.lineSearch, trajectory);
    const s = p.map((v) => ls.alpha * v);
    const xn = x.map((v, i) => v + s[i]!);
    const gn = ls.grad ?? obj.gradient(xn);
    const y = gn.map((v, i) => v - g[i]!);
    const ys = dot(y, s);
    if (ys > 1e-10 * norm2(y) * norm2(s)) {
      pairs.push({ s, y, rho: 1 / ys });
      if (pairs.length > m) pairs.shift();
    }
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
