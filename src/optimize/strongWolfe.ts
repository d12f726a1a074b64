// Line search for the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6, cubic-interpolating zoom).

import { LineFunction, type LineSearchOptions, type LineSearchResult } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import { dot } from "./vector.js";

/**
 * Finds α with
 *   f(x + αd) ≤ f(x) + c₁ α ∇f(x)ᵀd            (sufficient decrease)
 *   |∇f(x + αd)ᵀd| ≤ c₂ |∇f(x)ᵀd|               (strong curvature)
 * Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), Alg. 3.5 (bracketing, doubling the
 * step like scipy's `line_search_wolfe2`) and Alg. 3.6 (zoom). The zoom's trial step is the minimizer
 * of the cubic through both bracket ends (N&W eq. 3.59) when both slopes are known, else of the
 * quadratic through φ(lo), φ'(lo), φ(hi); a trial closer than 10% of the bracket to either end is
 * replaced by bisection, which guarantees the bracket shrinks.
 *
 * Like scipy, φ' is evaluated only once sufficient decrease holds, so `nfev ≥ ngev`.
 */
export function strongWolfe(
  obj: Objective,
  x: Float64Array,
  d: Float64Array,
  f0: number,
  g0: Float64Array,
  opts: LineSearchOptions = {},
): LineSearchResult {
  const c1 = opts.c1 ?? 1e-4;
  const c2 = opts.c2 ?? 0.9;
  const alphaMax = opts.alphaMax ?? 1e100;
  const maxIter = opts.maxIter ?? 30;
  if (!(0 < c1 && c1 < c2 && c2 < 1)) {
    throw new Error(`strongWolfe: need 0 < c1 < c2 < 1, got c1=${c1}, c2=${c2}`);
  }
  const dphi0 = dot(g0, d);
  if (!(dphi0 < 0)) {
    throw new Error(`strongWolfe: d is not a descent direction (∇fᵀd = ${dphi0}, must be < 0)`);
  }
  const line = new LineFunction(obj, x, d);
  const armijo = (a: number, fa: number): boolean => fa <= f0 + c1 * a * dphi0;
  const curvature = (da: number): boolean => Math.abs(da) <= -c2 * dphi0;

  // A bracket end: step, φ, and φ' when it was evaluated.
  interface End { a: number; f: number; df: number | undefined }

  const zoom = (lo: End, hi: End): LineSearchResult => {
    for (let j = 0; j < maxIter; j++) {
      const width = hi.a - lo.a;
      let a = interpolate(lo, hi);
      const left = Math.min(lo.a, hi.a), right = Math.max(lo.a, hi.a);
      const margin = 0.1 * Math.abs(width);
      if (!Number.isFinite(a) || a < left + margin || a > right - margin) a = lo.a + 0.5 * width;
      if (a === lo.a || a === hi.a) break; // the bracket has collapsed to adjacent floats
      const fa = line.phi(a);
      if (!armijo(a, fa) || fa >= lo.f) {
        hi = { a, f: fa, df: undefined };
        continue;
      }
      const da = line.dphi(a);
      if (curvature(da)) return { alpha: a, fun: fa, grad: line.lastGrad!, success: true };
      if (da * (hi.a - lo.a) >= 0) hi = lo;
      lo = { a, f: fa, df: da };
    }
    // No Wolfe point found: report the best step seen (lo always satisfies sufficient decrease).
    return lo.a > 0
      ? { alpha: lo.a, fun: lo.f, grad: undefined, success: false }
      : { alpha: 0, fun: f0, grad: undefined, success: false };
  };

  let prev: End = { a: 0, f: f0, df: dphi0 };
  let a = Math.min(opts.alpha0 ?? 1, alphaMax);
  for (let i = 0; i < maxIter; i++) {
    const fa = line.phi(a);
    if (!armijo(a, fa) || (i > 0 && fa >= prev.f)) {
      return zoom(prev, { a, f: fa, df: undefined });
    }
    const da = line.dphi(a);
    if (curvature(da)) return { alpha: a, fun: fa, grad: line.lastGrad!, success: true };
    const cur: End = { a, f: fa, df: da };
    if (da >= 0) return zoom(cur, prev);
    if (a >= alphaMax) break;
    prev = cur;
    a = Math.min(2 * a, alphaMax);
  }
  return prev.a > 0
    ? { alpha: prev.a, fun: prev.f, success: false }
    : { alpha: 0, fun: f0, success: false };
}

/** Minimizer of the cubic (both slopes known, N&W eq. 3.59) or quadratic interpolant on [lo, hi]. */
function interpolate(lo: { a: number; f: number; df: number | undefined }, hi: { a: number; f: number; df: number | undefined }): number {
  const dlo = lo.df!;
  if (hi.df !== undefined) {
    const d1 = dlo + hi.df - (3 * (lo.f - hi.f)) / (lo.a - hi.a);
    const rad = d1 * d1 - dlo * hi.df;
    if (rad >= 0) {
      const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(rad);
      return hi.a - (hi.a - lo.a) * ((hi.df + d2 - d1) / (hi.df - dlo + 2 * d2));
    }
  }
  // q(α) = φ(lo) + φ'(lo)(α − lo) + B(α − lo)², B from φ(hi).
  const da = hi.a - lo.a;
  const b = (hi.f - lo.f - dlo * da) / (da * da);
  return b > 0 ? lo.a - dlo / (2 * b) : Number.NaN;
}
