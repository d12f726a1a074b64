// The one place where optimizers get derivatives they were not given: autograd for tensor objectives, else finite differences.

import { grad, hessian } from "../autograd/functional.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { GradientFn, HessianFn, ObjectiveFn } from "./types.js";

/** An objective written with deepscript tensor ops: x of shape [n] (float64) ↦ a one-element tensor. */
export type TensorObjective = (x: Tensor) => Tensor;

/**
 * Objective, gradient and Hessian of a tensor-valued objective, by reverse-mode autograd in float64
 * (`grad(f)`, `hessian(f)` = jacobian(grad(f)) from src/autograd/functional.ts). Exact up to rounding.
 * ```ts
 * // Rosenbrock with tensor ops: Σ 100(x_{i+1} − xᵢ²)² + (1 − xᵢ)²
 * const rosen = (x: Tensor) => {
 *   const head = x.narrow(0, 0, x.shape[0]! - 1), tail = x.narrow(0, 1, x.shape[0]! - 1);
 *   return tail.sub(head.square()).square().mul(100).add(head.neg().add(1).square()).sum();
 * };
 * const { fn, jac, hess } = fromTensorFn(rosen);
 * minimize(fn, [-1.2, 1], { method: "newton", jac, hess });
 * ```
 */
export function fromTensorFn(f: TensorObjective): { fn: ObjectiveFn; jac: GradientFn; hess: HessianFn } {
  const toTensor = (x: Float64Array): Tensor => tensor(Float64Array.from(x), { dtype: "float64" });
  const df = grad(f);
  const d2f = hessian(f);
  const asF64 = (t: Tensor, op: string): Float64Array => {
    if (t.dtype !== "float64") throw new Error(`${op}: expected a float64 result, got ${t.dtype} (write the objective in float64 ops)`);
    return t.dataSync() as Float64Array;
  };
  return {
    fn: (x) => {
      const out = f(toTensor(x));
      if (out.size !== 1) throw new Error(`fromTensorFn: the objective must return one value, got shape [${out.shape.join(", ")}]`);
      return out.item();
    },
    jac: (x) => asF64(df(toTensor(x)), "fromTensorFn gradient"),
    hess: (x) => asF64(d2f(toTensor(x)), "fromTensorFn Hessian"),
  };
}

/**
 * Gradient of a plain-number objective, used by `minimize` when no `jac` is given. Plain JS arithmetic
 * cannot be traced by autograd, so this is **central finite differences** (accurate to about 1e-10
 * relative, 2n evaluations of `fn`). For exact derivatives, write the objective with tensor ops and
 * pass the `jac`/`hess` from `fromTensorFn`.
 */
export function gradientOf(fn: ObjectiveFn): GradientFn {
  return (x) => centralDifferenceGradient(fn, x);
}

/**
 * Hessian of a plain-number objective (see `gradientOf`): central differences of `jac` when a gradient
 * is known (symmetrized, about 1e-6 relative), otherwise second differences of `fn` itself.
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
