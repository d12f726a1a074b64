// Reductions over any set of dims (with keepdim), built on the sum/prod/max/min primitives.
import { Tensor, type DimArg, type ReduceOptions } from "../tensor/Tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, normalizeDim, normalizeDims, reducedShape, shapesEqual } from "../tensor/shape.js";
import { zeros } from "./creation.js";
import { apply } from "../autograd/engine.js";
import type { ReducePrim } from "../autograd/prims.js";
import { abs, add, cast, div, exp, log, mul, pow, sqrt, sub, eq, maximum, minimum } from "./elementwise.js";
import { gather, where as whereScalar } from "./indexing.js";
import { describe } from "../tensor/validate.js";
import { reshape } from "./movement.js";
import { noGrad } from "../autograd/engine.js";

/** A dim (or list of dims) given positionally, or the options object. */
export type DimOrOptions = DimArg | ReduceOptions;

function isOptionsObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
}

/**
 * PyTorch's call forms of a reduction — `f()`, `f(dim)`, `f([d0, d1])`, `f(dim, keepdim)`, and
 * `f({ dim, keepdim, ... })` — as one options object. Anything else (a string dim, a keepdim that is
 * not a boolean, an unknown option name) is an error naming `op`, never a different reduction.
 */
export function reduceArgs<O extends ReduceOptions>(op: string, dimOrOptions: DimOrOptions | O | undefined, keepdim: unknown, allowed: readonly string[] = []): O {
  if (dimOrOptions === undefined) {
    if (keepdim !== undefined && typeof keepdim !== "boolean") throw new Error(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
    return (keepdim === undefined ? {} : { keepdim }) as O;
  }
  if (isOptionsObject(dimOrOptions)) {
    if (keepdim !== undefined) throw new Error(`${op}: pass keepdim inside the options object, not after it`);
    for (const key of Object.keys(dimOrOptions)) {
      if (key !== "dim" && key !== "keepdim" && !allowed.includes(key)) {
        throw new Error(`${op}: unknown option ${JSON.stringify(key)} (expected ${["dim", "keepdim", ...allowed].join(", ")})`);
      }
    }
    const o = dimOrOptions as O;
    if (o.keepdim !== undefined && typeof o.keepdim !== "boolean") throw new Error(`${op}: keepdim must be a boolean, got ${describe(o.keepdim)}`);
    return o;
  }
  if (typeof dimOrOptions !== "number" && !Array.isArray(dimOrOptions)) {
    throw new Error(`${op}: dim must be an integer, a list of integers or an options object, got ${describe(dimOrOptions)}`);
  }
  if (keepdim !== undefined && typeof keepdim !== "boolean") throw new Error(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
  return { dim: dimOrOptions, keepdim: keepdim as boolean | undefined } as O;
}

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor as input, got ${describe(x)}`);
}

function reduce(prim: ReducePrim, x: Tensor, options: ReduceOptions = {}): Tensor {
  checkTensor(prim, x);
  const dims = normalizeDims(prim, options.dim, x.ndim);
  if ((prim === "max" || prim === "min") && x.size === 0 && (dims.length === x.ndim || dims.some((d) => x.shape[d] === 0))) {
    throw new Error(`${prim}: cannot reduce over an empty dimension (shape ${fmtShape(x.shape)}) — the result has no identity`);
  }
  if (x.dtype === "bool" && (prim === "sum" || prim === "prod")) x = cast(x, "int32");
  return apply(prim, [x], { dims, keepdim: options.keepdim ?? false });
}

/**
 * Sum over `dim` (all dims by default), PyTorch's forms:
 * ```ts
 * x.sum();            // every element
 * x.sum(1);           // over dim 1
 * x.sum([0, 1], true) // over dims 0 and 1, keeping them as size 1
 * x.sum({ dim: -1, keepdim: true });
 * ```
 */
export function sum(x: Tensor, dim?: DimOrOptions, keepdim?: boolean): Tensor {
  return reduce("sum", x, reduceArgs("sum", dim, keepdim));
}
/** Product over `dim` (all dims by default), with the same argument forms as {@link sum} (`torch.prod`). */
export function prod(x: Tensor, dim?: DimOrOptions, keepdim?: boolean): Tensor {
  return reduce("prod", x, reduceArgs("prod", dim, keepdim));
}
/** Largest values over `dim`, ties sharing the gradient (PyTorch's `amax`). */
export function amax(x: Tensor, dim?: DimOrOptions, keepdim?: boolean): Tensor {
  return reduce("max", x, reduceArgs("amax", dim, keepdim));
}
/** Smallest values over `dim`, ties sharing the gradient (PyTorch's `amin`). */
export function amin(x: Tensor, dim?: DimOrOptions, keepdim?: boolean): Tensor {
  return reduce("min", x, reduceArgs("amin", dim, keepdim));
}

/** What `max(x, dim)` / `min(x, dim)` return: PyTorch's named tuple (values, indices). */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/**
 * PyTorch's `max`: the largest element (`x.max()`), the elementwise maximum of two tensors
 * (`x.max(y)`), or along a dim the values with their int32 indices:
 * ```ts
 * const { values, indices } = x.max(1);  // as torch.max(x, 1)
 * ```
 * Along a dim the gradient goes to the returned index (as PyTorch); `amax` splits it among ties.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean): Tensor | ValuesIndices {
  return extremum("max", x, dim, keepdim);
}
/**
 * PyTorch's `min`: the smallest element (`x.min()`), the elementwise minimum of two tensors (`x.min(y)`), or
 * along a dim the values with their int32 indices (`{ values, indices }`), the gradient going to the returned
 * index.
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean): Tensor | ValuesIndices {
  return extremum("min", x, dim, keepdim);
}

function extremum(op: "max" | "min", x: Tensor, dim: unknown, keepdim: unknown): Tensor | ValuesIndices {
  checkTensor(op, x);
  if (dim instanceof Tensor) {
    if (keepdim !== undefined) throw new Error(`${op}: keepdim has no meaning for the elementwise ${op} of two tensors`);
    return op === "max" ? maximum(x, dim) : minimum(x, dim);
  }
  if (dim === undefined) {
    if (keepdim !== undefined) throw new Error(`${op}: keepdim needs a dim (use amax/amin for a full reduction that keeps dims)`);
    return reduce(op, x, {});
  }
  const o = reduceArgs<ReduceOptions>(op, dim as DimOrOptions, keepdim);
  if (o.dim === undefined) return reduce(op, x, o);
  if (typeof o.dim !== "number") throw new Error(`${op}: dim must be one integer when returning indices, got ${describe(o.dim)} (use amax/amin over several dims)`);
  if (x.size === 0) throw new Error(`${op}: cannot reduce over an empty dimension (shape ${fmtShape(x.shape)})`);
  const d = normalizeDim(op, o.dim, x.ndim);
  const kd = o.keepdim ?? false;
  if (x.ndim === 0) return { values: x, indices: zeros([], { dtype: "int32" }) };
  const indices = argReduce(op === "max" ? "argmax" : "argmin", x, { dim: d, keepdim: true });
  // values = x at the indices, so the gradient reaches exactly the returned position (PyTorch).
  const values = gather(x, d, indices);
  if (kd) return { values, indices };
  const shape = x.shape.filter((_, i) => i !== d);
  return { values: reshape(values, shape), indices: reshape(indices, shape) };
}

function countOf(op: string, x: Tensor, options: ReduceOptions = {}): number {
  const dims = normalizeDims(op, options.dim, x.ndim);
  return dims.reduce((n, d) => n * (x.shape[d] ?? 1), 1);
}

/**
 * Arithmetic mean over `dim` (all dims by default), with the same argument forms as {@link sum}
 * (`torch.mean`); `x` must be floating point.
 */
export function mean(x: Tensor, dim?: DimOrOptions, keepdim?: boolean): Tensor {
  checkTensor("mean", x);
  const options = reduceArgs("mean", dim, keepdim);
  if (!isFloating(x.dtype)) {
    throw new Error(`mean: input dtype must be floating point, got ${x.dtype}; cast with .float() first`);
  }
  const n = countOf("mean", x, options);
  return div(sum(x, options), n);
}

/**
 * Options of {@link variance} (`var`) and {@link std}: the dims to reduce, `keepdim`, and the
 * degrees-of-freedom correction.
 */
export interface VarOptions extends ReduceOptions {
  /** Bessel's correction (divide by N − 1); default true, like PyTorch. */
  unbiased?: boolean;
  /** Degrees-of-freedom correction; overrides `unbiased`. */
  correction?: number;
}

const varOptionNames = ["unbiased", "correction"] as const;

/**
 * Variance over `dim` with Bessel's correction by default: `x.var()`, `x.var(1)`,
 * `x.var(1, { keepdim: true, correction: 0 })`, `x.var({ dim: 1, unbiased: false })`.
 */
export function variance(x: Tensor, dim?: DimOrOptions | VarOptions, options?: boolean | VarOptions): Tensor {
  return varianceOf("var", x, dim, options);
}

function varArgs(op: string, dim: DimOrOptions | VarOptions | undefined, more: boolean | VarOptions | undefined): VarOptions {
  if (isOptionsObject(more)) {
    if (isOptionsObject(dim)) throw new Error(`${op}: pass one options object`);
    const extra = reduceArgs<VarOptions>(op, more as VarOptions, undefined, varOptionNames);
    if (extra.dim !== undefined) throw new Error(`${op}: dim is given twice`);
    return { ...extra, dim: dim as DimArg | undefined };
  }
  return reduceArgs<VarOptions>(op, dim, more, varOptionNames);
}

function varianceOf(op: string, x: Tensor, dim: DimOrOptions | VarOptions | undefined, more: boolean | VarOptions | undefined): Tensor {
  checkTensor(op, x);
  const options = varArgs(op, dim, more);
  if (!isFloating(x.dtype)) throw new Error(`${op}: input dtype must be floating point, got ${x.dtype}`);
  if (options.unbiased !== undefined && typeof options.unbiased !== "boolean") throw new Error(`${op}: unbiased must be a boolean, got ${describe(options.unbiased)}`);
  if (options.correction !== undefined && (typeof options.correction !== "number" || !Number.isFinite(options.correction))) {
    throw new Error(`${op}: correction must be a number, got ${describe(options.correction)}`);
  }
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const n = countOf(op, x, options);
  const mu = mean(x, { dim: options.dim, keepdim: true });
  const d = sub(x, mu);
  return div(sum(mul(d, d), { dim: options.dim, keepdim: options.keepdim }), Math.max(n - correction, 0));
}

/** Standard deviation: the same call forms as `var`. */
export function std(x: Tensor, dim?: DimOrOptions | VarOptions, options?: boolean | VarOptions): Tensor {
  return sqrtZeroSafe(varianceOf("std", x, dim, options));
}

/** √x whose derivative is 0 (not ∞·0 = NaN) where x = 0, as PyTorch's std/norm backward. */
function sqrtZeroSafe(x: Tensor): Tensor {
  const isZero = eq(x, 0);
  return whereScalar(isZero, 0, sqrt(whereScalar(isZero, 1, x)));
}

/** Index of the largest element: over everything (`x.argmax()`, flat index) or along `dim` (`x.argmax(1)`). */
export function argmax(x: Tensor, dim?: number | { dim?: number; keepdim?: boolean }, keepdim?: boolean): Tensor {
  checkTensor("argmax", x);
  return argReduce("argmax", x, argArgs("argmax", dim, keepdim));
}
/**
 * Index of the smallest element: over everything (`x.argmin()`, flat index) or along `dim` (`x.argmin(1)`),
 * as int32 (`torch.argmin`).
 */
export function argmin(x: Tensor, dim?: number | { dim?: number; keepdim?: boolean }, keepdim?: boolean): Tensor {
  checkTensor("argmin", x);
  return argReduce("argmin", x, argArgs("argmin", dim, keepdim));
}
function argArgs(op: string, dim: unknown, keepdim: unknown): { dim?: number; keepdim?: boolean } {
  const o = reduceArgs<ReduceOptions>(op, dim as DimOrOptions | undefined, keepdim);
  if (o.dim !== undefined && typeof o.dim !== "number") throw new Error(`${op}: dim must be one integer, got ${describe(o.dim)}`);
  return o as { dim?: number; keepdim?: boolean };
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
export function logsumexp(x: Tensor, dim?: DimOrOptions, keepdim?: boolean): Tensor {
  checkTensor("logsumexp", x);
  const options = reduceArgs("logsumexp", dim, keepdim);
  const dims = normalizeDims("logsumexp", options.dim, x.ndim);
  const m = noGrad(() => {
    // Over an empty dim the sum is 0 and the result −∞; no shift is needed (or possible).
    if (x.size === 0) return zeros(reducedShape(x.shape, dims, true), { dtype: x.dtype });
    const mx = amax(x, options.dim, true);
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

/**
 * Vector p-norm over `dim` (all elements by default): p = 2 (default), 1, ∞, or any p > 0. PyTorch's
 * order: `x.norm()`, `x.norm(1)`, `x.norm(2, 1)`, `x.norm(2, 1, true)`, or `x.norm({ p, dim, keepdim })`.
 */
export function norm(x: Tensor, p?: number | (ReduceOptions & { p?: number }), dim?: DimArg, keepdim?: boolean): Tensor {
  checkTensor("norm", x);
  let options: ReduceOptions & { p?: number };
  if (isOptionsObject(p)) {
    if (dim !== undefined || keepdim !== undefined) throw new Error("norm: pass dim and keepdim inside the options object");
    options = reduceArgs<ReduceOptions & { p?: number }>("norm", p, undefined, ["p"]);
  } else options = { ...reduceArgs<ReduceOptions>("norm", dim, keepdim), p: p as number | undefined };
  const order = options.p ?? 2;
  if (typeof order !== "number" || Number.isNaN(order)) throw new Error(`norm: p must be a number, got ${describe(order)}`);
  countOf("norm", x, options);
  const o = { dim: options.dim, keepdim: options.keepdim };
  if (order === 2) return sqrtZeroSafe(sum(mul(x, x), o));
  if (order === 1) return sum(abs(x), o);
  if (order === Infinity) return amax(abs(x), o);
  if (!(order > 0)) throw new Error(`norm: p must be positive, got ${order}`);
  return pow(sum(pow(abs(x), order), o), 1 / order);
}

/** Cumulative sum along `dim` (`torch.cumsum`); bool inputs are summed as int32. */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor("cumsum", x);
  if (x.ndim === 0) {
    normalizeDim("cumsum", dim, 0);
    return x;
  }
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
