// Reductions over any set of dims (with keepdim), built on the sum/prod/max/min primitives.
import { Tensor, type ReduceOptions } from "../tensor/Tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, normalizeDim, normalizeDims, reducedShape, shapesEqual } from "../tensor/shape.js";
import { zeros } from "./creation.js";
import { apply } from "../autograd/engine.js";
import type { ReducePrim } from "../autograd/prims.js";
import { abs, add, cast, div, exp, log, mul, pow, sqrt, sub, eq } from "./elementwise.js";
import { where as whereScalar } from "./indexing.js";
import { reshape } from "./movement.js";
import { noGrad } from "../autograd/engine.js";

function reduce(prim: ReducePrim, x: Tensor, options: ReduceOptions = {}): Tensor {
  const dims = normalizeDims(prim, options.dim, x.ndim);
  if ((prim === "max" || prim === "min") && x.size === 0 && (dims.length === x.ndim || dims.some((d) => x.shape[d] === 0))) {
    throw new Error(`${prim}: cannot reduce over an empty dimension (shape ${fmtShape(x.shape)}) — the result has no identity`);
  }
  if (x.dtype === "bool" && (prim === "sum" || prim === "prod")) x = cast(x, "int32");
  return apply(prim, [x], { dims, keepdim: options.keepdim ?? false });
}

export const sum = (x: Tensor, options?: ReduceOptions): Tensor => reduce("sum", x, options);
export const prod = (x: Tensor, options?: ReduceOptions): Tensor => reduce("prod", x, options);
export const max = (x: Tensor, options?: ReduceOptions): Tensor => reduce("max", x, options);
export const min = (x: Tensor, options?: ReduceOptions): Tensor => reduce("min", x, options);

function countOf(op: string, x: Tensor, options: ReduceOptions = {}): number {
  const dims = normalizeDims(op, options.dim, x.ndim);
  return dims.reduce((n, d) => n * (x.shape[d] ?? 1), 1);
}

export function mean(x: Tensor, options?: ReduceOptions): Tensor {
  if (!isFloating(x.dtype)) {
    throw new Error(`mean: input dtype must be floating point, got ${x.dtype}; cast with .float() first`);
  }
  const n = countOf("mean", x, options);
  return div(sum(x, options), n);
}

export interface VarOptions extends ReduceOptions {
  /** Bessel's correction (divide by N − 1); default true, like PyTorch. */
  unbiased?: boolean;
  /** Degrees-of-freedom correction; overrides `unbiased`. */
  correction?: number;
}

export function variance(x: Tensor, options: VarOptions = {}): Tensor {
  if (!isFloating(x.dtype)) throw new Error(`var: input dtype must be floating point, got ${x.dtype}`);
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const n = countOf("var", x, options);
  const mu = mean(x, { dim: options.dim, keepdim: true });
  const d = sub(x, mu);
  return div(sum(mul(d, d), { dim: options.dim, keepdim: options.keepdim }), Math.max(n - correction, 0));
}

export function std(x: Tensor, options: VarOptions = {}): Tensor {
  if (!isFloating(x.dtype)) throw new Error(`std: input dtype must be floating point, got ${x.dtype}`);
  countOf("std", x, options);
  return sqrtZeroSafe(variance(x, options));
}

/** √x whose derivative is 0 (not ∞·0 = NaN) where x = 0, as PyTorch's std/norm backward. */
function sqrtZeroSafe(x: Tensor): Tensor {
  const isZero = eq(x, 0);
  return whereScalar(isZero, 0, sqrt(whereScalar(isZero, 1, x)));
}

export function argmax(x: Tensor, options: { dim?: number; keepdim?: boolean } = {}): Tensor {
  return argReduce("argmax", x, options);
}
export function argmin(x: Tensor, options: { dim?: number; keepdim?: boolean } = {}): Tensor {
  return argReduce("argmin", x, options);
}
function argReduce(prim: "argmax" | "argmin", x: Tensor, options: { dim?: number; keepdim?: boolean }): Tensor {
  if (x.size === 0) throw new Error(`${prim}: cannot reduce an empty tensor (shape ${fmtShape(x.shape)})`);
  if (options.dim === undefined) {
    const flat = reshape(x, [x.size]);
    const r = apply(prim, [flat], { dim: 0, keepdim: false });
    return options.keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  const dim = normalizeDim(prim, options.dim, x.ndim);
  if (x.ndim === 0) return reshape(apply(prim, [reshape(x, [1])], { dim: 0, keepdim: false }), []);
  return apply(prim, [x], { dim, keepdim: options.keepdim ?? false });
}

/** log Σ exp(x) computed stably as m + log Σ exp(x − m) with m = max(x) (treated as a constant). */
export function logsumexp(x: Tensor, options: ReduceOptions): Tensor {
  const dims = normalizeDims("logsumexp", options.dim, x.ndim);
  const m = noGrad(() => {
    // Over an empty dim the sum is 0 and the result −∞; no shift is needed (or possible).
    if (x.size === 0) return zeros(reducedShape(x.shape, dims, true), { dtype: x.dtype });
    const mx = max(x, { dim: options.dim, keepdim: true });
    // An all −∞ (or +∞) slice would give NaN from ∞ − ∞; shift by 0 there instead.
    return whereInfinite(mx);
  });
  const s = log(sum(exp(sub(x, m)), { dim: options.dim, keepdim: true }));
  const out = add(s, m);
  if (options.keepdim) return out;
  return reshape(out, x.shape.filter((_, i) => !dims.includes(i)));
}

function whereInfinite(m: Tensor): Tensor {
  const finite = eq(abs(m), Infinity);
  return whereScalar(finite, 0, m);
}

/** Vector p-norm over `dim` (all elements by default): p = 2 (default), 1, ∞, or any p > 0. */
export function norm(x: Tensor, options: ReduceOptions & { p?: number } = {}): Tensor {
  const p = options.p ?? 2;
  if (typeof p !== "number" || Number.isNaN(p)) throw new Error(`norm: p must be a number, got ${String(p)}`);
  countOf("norm", x, options);
  const o = { dim: options.dim, keepdim: options.keepdim };
  if (p === 2) return sqrtZeroSafe(sum(mul(x, x), o));
  if (p === 1) return sum(abs(x), o);
  if (p === Infinity) return max(abs(x), o);
  if (!(p > 0)) throw new Error(`norm: p must be positive, got ${p}`);
  return pow(sum(pow(abs(x), p), o), 1 / p);
}

export function cumsum(x: Tensor, dim: number): Tensor {
  if (x.ndim === 0) return x;
  if (x.dtype === "bool") x = cast(x, "int32");
  return apply("cumsum", [x], { dim: normalizeDim("cumsum", dim, x.ndim), reverse: false });
}

export function all(x: Tensor): boolean {
  const d = x.dataSync();
  for (let i = 0; i < d.length; i++) if (d[i] === 0) return false;
  return true;
}
export function any(x: Tensor): boolean {
  const d = x.dataSync();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return true;
  return false;
}

/** Sums `g` down to `shape` (undoes broadcasting): leading dims, then dims that were 1. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s = dims.length > 0 ? apply("sum", [g], { dims, keepdim: true }) : g;
  return reshape(s, shape);
}
