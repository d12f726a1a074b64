// Quasi-Newton methods with inverse-Hessian updates: BFGS, DFP and SR1, on a strong-Wolfe line search.

import { MESSAGES, point, resolveCommon, result, type CommonOptions } from "./common.js";
import { lineSearch, type LineSearchKind } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import type { OptimizeResult, TrajectoryPoint } from "./types.js";
import { dot, eye, matVec, norm2, vecNorm } from "./vector.js";

export type QuasiNewtonUpdate = "bfgs" | "dfp" | "sr1";

export interface QuasiNewtonOptions extends CommonOptions {
  /** Default "strong-wolfe" with c₁ = 1e-4, c₂ = 0.9, as scipy's BFGS. */
  lineSearch?: LineSearchKind;
  c1?: number;
  c2?: number;
  /**
   * Scale H₀ = I to H₀ = (yᵀs / yᵀy) I before the first update (N&W eq. 6.20). Default false, as in
   * scipy 1.10's BFGS, so that iteration counts are comparable.
   */
  scaleInitial?: boolean;
  /** SR1 skips its update when |(s − Hy)ᵀy| < r‖y‖‖s − Hy‖ (N&W eq. 6.26). Default r = 1e-8. */
  sr1SkipTolerance?: number;
}

/**
 * Updates of the inverse-Hessian approximation H ≈ (∇²f)⁻¹ from the step s = xₖ₊₁ − xₖ and the gradient
 * change y = ∇fₖ₊₁ − ∇fₖ. All three satisfy the secant equation Hₖ₊₁ y = s. N&W 2nd ed., chapter 6:
 * - BFGS (eq. 6.17): H⁺ = (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs
 * - DFP  (eq. 6.15, as inverse update): H⁺ = H − HyyᵀH / yᵀHy + ssᵀ / yᵀs
 * - SR1  (eq. 6.25): H⁺ = H + (s − Hy)(s − Hy)ᵀ / (s − Hy)ᵀy
 * Each returns a new matrix, or `null` when the update is skipped (yᵀs ≤ 0 for BFGS/DFP, which a
 * Wolfe line search rules out; the SR1 denominator test otherwise).
 */
export function bfgsUpdate(h: Float64Array, s: Float64Array, y: Float64Array): Float64Array | null {
  const n = s.length;
  const ys = dot(y, s);
  if (!(ys > 0)) return null;
  const rho = 1 / ys;
  const hy = matVec(h, y); // H y (H symmetric, so yᵀH = (Hy)ᵀ)
  const yhy = dot(y, hy);
  // Expanded: H⁺ = H − ρ(Hy sᵀ + s (Hy)ᵀ) + (ρ² yᵀHy + ρ) ssᵀ.
  const out = new Float64Array(n * n);
  const c = rho * rho * yhy + rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = h[i * n + j]! - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + c * s[i]! * s[j]!;
    }
  }
  return out;
}

/**
 * DFP update of the inverse-Hessian approximation (N&W eq. 6.15): H⁺ = H − HyyᵀH / yᵀHy + ssᵀ / yᵀs; `null`
 * (skip) when yᵀs ≤ 0.
 */
export function dfpUpdate(h: Float64Array, s: Float64Array, y: Float64Array): Float64Array | null {
  const n = s.length;
  const ys = dot(y, s);
  if (!(ys > 0)) return null;
  const hy = matVec(h, y);
  const yhy = dot(y, hy);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = h[i * n + j]! - (hy[i]! * hy[j]!) / yhy + (s[i]! * s[j]!) / ys;
    }
  }
  return out;
}

/**
 * SR1 update of the inverse-Hessian approximation (N&W eq. 6.25): H⁺ = H + (s − Hy)(s − Hy)ᵀ / (s − Hy)ᵀy;
 * `null` (skip) when the denominator is below `r`‖y‖‖s − Hy‖ (eq. 6.26).
 */
export function sr1Update(h: Float64Array, s: Float64Array, y: Float64Array, r = 1e-8): Float64Array | null {
  const n = s.length;
  const hy = matVec(h, y);
  const u = s.map((si, i) => si - hy[i]!); // s − Hy
  const denom = dot(u, y);
  if (Math.abs(denom) < r * norm2(y) * norm2(u) || denom === 0) return null;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = h[i * n + j]! + (u[i]! * u[j]!) / denom;
  }
  return out;
}

/**
 * scipy's first trial step for a line search (`line_search_wolfe1`): α₁ = min(1, 1.01·2(fₖ − fₖ₋₁)/φ'(0)),
 * i.e. the step that would repeat the last decrease on a quadratic model; 1 when that is negative.
 * Before the first iteration scipy sets fₖ₋₁ = f₀ + ‖∇f₀‖/2, aiming at a first step of length ~1.
 */
export function initialStep(f: number, fPrev: number, slope: number): number {
  if (!Number.isFinite(fPrev) || slope === 0) return 1;
  const a = Math.min(1, (1.01 * 2 * (f - fPrev)) / slope);
  return a < 0 || !Number.isFinite(a) ? 1 : a;
}

/**
 * The quasi-Newton iteration (N&W Alg. 6.1): p = −H∇f, x ← x + αp with α from a (strong Wolfe) line
 * search, then H ← update(H, s, y). SR1 can make H indefinite; when p is then not a descent direction
 * the iteration resets H = I for that step. The callback receives Hₖ₊₁ (`invHessian`).
 */
export function quasiNewton(obj: Objective, x0: Float64Array, update: QuasiNewtonUpdate, opts: QuasiNewtonOptions = {}): OptimizeResult {
  const { tol, norm, maxIter } = resolveCommon(opts, obj.n);
  const n = obj.n;
  const kind = opts.lineSearch ?? "strong-wolfe";
  const rule = update === "bfgs" ? bfgsUpdate : update === "dfp" ? dfpUpdate : update === "sr1" ? (h: Float64Array, s: Float64Array, y: Float64Array) => sr1Update(h, s, y, opts.sr1SkipTolerance) : null;
  if (!rule) throw new Error(`quasiNewton: unknown update "${String(update)}" (use "bfgs", "dfp" or "sr1")`);
  let x = Float64Array.from(x0);
  let f = obj.value(x);
  let g = obj.gradient(x);
  let h = eye(n);
  let fPrev = f + norm2(g) / 2;
  const trajectory: TrajectoryPoint[] = [point(x, f, obj.nfev)];
  for (let k = 0; k < maxIter; k++) {
    if (vecNorm(g, norm) <= tol) return result(obj, { x, fun: f, grad: g, nit: k }, true, MESSAGES.converged, trajectory);
    let p = matVec(h, g).map((v) => -v);
    if (!(dot(p, g) < 0)) {
      h = eye(n);
      p = g.map((v) => -v);
    }
    const slope = dot(g, p);
    const ls = lineSearch(kind, obj, x, p, f, g, { alpha0: initialStep(f, fPrev, slope), c1: opts.c1, c2: opts.c2 });
    if (!ls.success) return result(obj, { x, fun: f, grad: g, nit: k }, false, MESSAGES.lineSearch, trajectory);
    const s = p.map((v) => ls.alpha * v);
    const xn = x.map((v, i) => v + s[i]!);
    const gn = ls.grad ?? obj.gradient(xn);
    const y = gn.map((v, i) => v - g[i]!);
    fPrev = f;
    x = xn;
    f = ls.fun;
    g = gn;
    trajectory.push(point(x, f, obj.nfev));
    if (k === 0 && opts.scaleInitial) {
      const gamma = dot(y, s) / dot(y, y);
      if (gamma > 0) h = eye(n).map((v) => v * gamma);
    }
    const updated = rule(h, s, y);
    if (updated) h = updated;
    if (opts.callback?.({ iteration: k + 1, x, fun: f, grad: g, stepSize: ls.alpha, invHessian: h, updateSkipped: !updated })) {
      return result(obj, { x, fun: f, grad: g, nit: k + 1 }, false, MESSAGES.callback, trajectory);
    }
  }
  const done = vecNorm(g, norm) <= tol;
  return result(obj, { x, fun: f, grad: g, nit: maxIter }, done, done ? MESSAGES.converged : MESSAGES.maxIter, trajectory);
}
