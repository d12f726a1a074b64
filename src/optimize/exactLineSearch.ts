// "Exact" line search: minimizes φ(α) = f(x + αd) over α ≥ 0 by bracketing then Brent's method.

import { LineFunction, type LineSearchOptions, type LineSearchResult } from "./lineSearch.js";
import type { Objective } from "./objective.js";

/**
 * Minimizes φ(α) = f(x + αd) over α > 0 to relative tolerance `tol` (default 1e-10): expands a
 * bracket a < b < c with φ(b) < φ(a), φ(c) by golden-ratio steps, then runs Brent's method.
 * Then (unless `refine` is false) up to four secant steps on φ'(α) = 0 polish the step using gradients.
 * For a quadratic f = ½xᵀAx − bᵀx this returns α* = −∇fᵀd / dᵀAd to near machine precision.
 */
export function exactLineSearch(
  obj: Objective,
  x: Float64Array,
  d: Float64Array,
  f0: number,
  opts: LineSearchOptions & { tol?: number; refine?: boolean } = {},
): LineSearchResult {
  const line = new LineFunction(obj, x, d);
  const phi = (a: number): number => line.phi(a);
  const bracket = bracketMinimum(phi, 0, opts.alpha0 ?? 1, f0, opts.maxIter ?? 60);
  if (!bracket) return { alpha: 0, fun: f0, success: false };
  const { x: alpha, fx } = brent(phi, bracket, opts.tol ?? 1e-10, 200);
  if (!(fx <= f0)) return { alpha: 0, fun: f0, success: false };
  if (opts.refine === false) return { alpha, fun: fx, success: true };
  // Brent sees only function values, which are flat near a minimum, so it pins α down to about √ε
  // relative. Secant steps on φ'(α) = 0 sharpen that to near machine precision (one step is exact on a
  // quadratic) — conjugate-gradient methods lose conjugacy from errors of that size.
  let a0 = alpha, d0 = line.dphi(a0), g0 = line.lastGrad!;
  let best = { a: a0, d: d0, g: g0 };
  let a1 = a0 * (1 + 1e-6) + 1e-300, d1 = line.dphi(a1);
  for (let i = 0; i < 4 && d1 !== d0; i++) {
    const a2 = a1 - (d1 * (a1 - a0)) / (d1 - d0);
    if (!(a2 > 0) || !Number.isFinite(a2) || a2 === a1) break;
    a0 = a1; d0 = d1;
    a1 = a2; d1 = line.dphi(a1);
    if (Math.abs(d1) < Math.abs(best.d)) best = { a: a1, d: d1, g: line.lastGrad! };
  }
  if (best.a === alpha) return { alpha, fun: fx, grad: best.g, success: true };
  // f is flat to rounding there, so the polished step may evaluate a hair higher; allow that noise.
  const fBest = line.phi(best.a);
  return fBest <= fx + 1e3 * Number.EPSILON * Math.max(Math.abs(f0), Math.abs(fx)) ? { alpha: best.a, fun: fBest, grad: best.g, success: true } : { alpha, fun: fx, success: true };
}

const GOLD = 1.618033988749895; // (1 + √5)/2

/** A bracketing triple a < b < c (or a > b > c) with f(b) ≤ f(a) and f(b) ≤ f(c). */
export interface Bracket { a: number; b: number; c: number; fa: number; fb: number; fc: number }

/**
 * Downhill golden-ratio expansion from [a, b] (Press et al., Numerical Recipes, 3rd ed., §10.1,
 * without the parabolic extrapolation). If f(b) > f(a) the step is shrunk instead, so that the
 * bracket stays on the α > a side (a line search never steps backwards).
 */
export function bracketMinimum(
  f: (a: number) => number,
  a: number,
  b: number,
  fa: number,
  maxIter: number,
): Bracket | null {
  let fb = f(b);
  // Shrink until the first trial is downhill.
  let shrinks = 0;
  while (!(fb < fa) && shrinks < maxIter) {
    const c = b, fc = fb;
    b = a + (b - a) / GOLD / GOLD;
    fb = f(b);
    shrinks++;
    if (fb < fa) return { a, b, c, fa, fb, fc };
  }
  if (!(fb < fa)) return null;
  let c = b + GOLD * (b - a);
  let fc = f(c);
  for (let i = 0; i < maxIter && fc < fb; i++) {
    a = b; fa = fb;
    b = c; fb = fc;
    c = b + GOLD * (b - a);
    fc = f(c);
  }
  if (fc < fb) return null; // still descending: unbounded below along d within the budget
  return { a, b, c, fa, fb, fc };
}

/**
 * Brent's method: golden-section search accelerated by parabolic interpolation.
 * R. P. Brent, Algorithms for Minimization without Derivatives (1973), ch. 5; the control flow follows
 * Press et al., Numerical Recipes, 3rd ed., §10.3 (`Brent::minimize`) and scipy's `optimize.brent`.
 */
export function brent(
  f: (a: number) => number,
  br: Bracket,
  tol: number,
  maxIter: number,
): { x: number; fx: number; iterations: number } {
  const CGOLD = 0.3819660112501051; // 2 − φ
  const ZEPS = 1e-21;
  let a = Math.min(br.a, br.c), b = Math.max(br.a, br.c);
  let x = br.b, w = br.b, v = br.b;
  let fx = br.fb, fw = br.fb, fv = br.fb;
  let d = 0, e = 0;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const xm = 0.5 * (a + b);
    const tol1 = tol * Math.abs(x) + ZEPS;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      // Parabola through (v, fv), (w, fw), (x, fx).
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const eTemp = e;
      e = d;
      if (!(Math.abs(p) >= Math.abs(0.5 * q * eTemp) || p <= q * (a - x) || p >= q * (b - x))) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = x >= xm ? a - x : b - x;
      d = CGOLD * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) a = x; else b = x;
      v = w; fv = fw;
      w = x; fw = fx;
      x = u; fx = fu;
    } else {
      if (u < x) a = u; else b = u;
      if (fu <= fw || w === x) {
        v = w; fv = fw;
        w = u; fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u; fv = fu;
      }
    }
  }
  return { x, fx, iterations: iter };
}
