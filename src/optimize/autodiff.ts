// The one place where optimizers get derivatives they were not given: today central differences, later autograd.

import type { GradientFn, HessianFn, ObjectiveFn } from "./types.js";

/**
 * Adapter from an objective on Float64Array to its gradient and Hessian.
 *
 * STATUS: deepscript's autograd core (`grad`, `hessian` from src/index.ts) does not exist yet, so both
 * functions below fall back to **central finite differences** (accurate to about 1e-10 relative for
 * the gradient, 1e-6 for the Hessian, and each costs 2n resp. O(n²) evaluations of `fn`). Once the
 * core lands, replace the bodies with
 * `x => grad(t => fn(t))(tensor(x, { dtype: "float64" })).dataSync()` and the `hessian` analogue —
 * this requires `fn` to be written with tensor ops, so the finite-difference path stays as the
 * fallback for plain-number objectives.
 */
export function gradientOf(fn: ObjectiveFn): GradientFn {
  return (x) => centralDifferenceGradient(fn, x);
}

/**
 * Hessian of `fn`: central differences of `jac` when a gradient is known (symmetrized), otherwise
 * second differences of `fn` itself. See the STATUS note on `gradientOf`.
 */
export function hessianOf(fn: ObjectiveFn, jac?: GradientFn): HessianFn {
  return (x) => (jac ? differenceOfGradient(jac, x) : secondDifferenceHessian(fn, x));
}

/** Step for central differences: h = ε^(1/3)·max(1, |xᵢ|) balances truncation O(h²) and rounding O(ε/h). */
function step(xi: number, power: number): number {
  return Math.pow(Number.EPSILON, power) * Math.max(1, Math.abs(xi));
}

/** ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h. */
export function centralDifferenceGradient(fn: ObjectiveFn, x: Float64Array): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  const xp = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const h = step(x[i]!, 1 / 3);
    xp[i] = x[i]! + h;
    const fp = fn(xp);
    xp[i] = x[i]! - h;
    const fm = fn(xp);
    xp[i] = x[i]!;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Hᵢⱼ ≈ (∂ⱼ gᵢ + ∂ᵢ gⱼ)/2 with ∂ⱼ g ≈ (g(x + h eⱼ) − g(x − h eⱼ)) / 2h. */
function differenceOfGradient(jac: GradientFn, x: Float64Array): Float64Array {
  const n = x.length;
  const h2 = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  for (let j = 0; j < n; j++) {
    const h = step(x[j]!, 1 / 3);
    xp[j] = x[j]! + h;
    const gp = jac(xp);
    xp[j] = x[j]! - h;
    const gm = jac(xp);
    xp[j] = x[j]!;
    for (let i = 0; i < n; i++) h2[i * n + j] = (gp[i]! - gm[i]!) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (h2[i * n + j]! + h2[j * n + i]!);
      h2[i * n + j] = s;
      h2[j * n + i] = s;
    }
  }
  return h2;
}

/** Hᵢⱼ ≈ [f(x+hᵢ+hⱼ) − f(x+hᵢ−hⱼ) − f(x−hᵢ+hⱼ) + f(x−hᵢ−hⱼ)] / 4hᵢhⱼ (diagonal: [f(x+2h) − 2f(x) + f(x−2h)]/4h²). */
function secondDifferenceHessian(fn: ObjectiveFn, x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  const hs = Array.from(x, (xi) => step(xi, 1 / 4));
  const at = (i: number, di: number, j: number, dj: number): number => {
    xp[i] = xp[i]! + di;
    xp[j] = xp[j]! + dj;
    const v = fn(xp);
    xp[i] = x[i]!;
    xp[j] = x[j]!;
    return v;
  };
  const f0 = fn(x);
  for (let i = 0; i < n; i++) {
    const hi = hs[i]!;
    out[i * n + i] = (at(i, 2 * hi, i, 0) - 2 * f0 + at(i, -2 * hi, i, 0)) / (4 * hi * hi);
    for (let j = i + 1; j < n; j++) {
      const hj = hs[j]!;
      const v = (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}
