// Creating tensors: from JS values, filled, ranges, identity, and seeded random draws.
import { Tensor } from "../tensor/Tensor.js";
import { allocate, dtypeOfArray, isFloating, type DType, type TypedArray } from "../tensor/dtype.js";
import { fmtShape, numel } from "../tensor/shape.js";
import { defaultGenerator, type Generator } from "../random/Generator.js";
import { denseValues } from "../backend/cpu/strided.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

export type NestedArray = number | boolean | NestedArray[];

function finish(t: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Infers shape and flattens nested arrays, with an error naming the first ragged position. */
function flattenNested(value: NestedArray): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let v: NestedArray = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  const flat: (number | boolean)[] = [];
  const walk = (node: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new Error(`tensor: ragged nested array at index [${path.join(",")}] (expected shape ${fmtShape(shape)})`);
      if (typeof node !== "number" && typeof node !== "boolean") {
        throw new Error(`tensor: element at [${path.join(",")}] is ${typeof node}, expected a number or boolean`);
      }
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array at index [${path.join(",")}] (expected shape ${fmtShape(shape)})`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i]!, depth + 1, [...path, i]);
  };
  walk(value, 0, []);
  return { shape, flat };
}

/**
 * Creates a tensor from nested arrays, a TypedArray (with `shape` option) or a scalar. The dtype is
 * float32 for numbers (PyTorch's default; integers too, unless dtype says otherwise), bool for booleans,
 * and the array's own dtype for TypedArrays.
 * ```ts
 * ds.tensor([[1, 2], [3, 4]]);                         // float32, shape [2, 2]
 * ds.tensor([0, 2, 1], { dtype: "int32" });            // class labels
 * ds.tensor(new Float64Array(6), { shape: [2, 3] });   // float64, no nesting needed
 * ```
 */
export function tensor(value: NestedArray | TypedArray | readonly number[], options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(value)) {
    const src = value as TypedArray;
    const shape = options.shape ?? [src.length];
    if (numel(shape) !== src.length) {
      throw new Error(`tensor: shape ${fmtShape(shape)} does not match the ${src.length} values given`);
    }
    const dt = options.dtype ?? dtypeOfArray(src);
    const data = allocate(dt, src.length);
    data.set(src as ArrayLike<number> as never);
    return finish(Tensor.fromData(data, shape, dt), options);
  }
  const { shape, flat } = flattenNested(value as NestedArray);
  const allBool = flat.length > 0 && flat.every((v) => typeof v === "boolean");
  const dt = options.dtype ?? (allBool ? "bool" : "float32");
  const data = allocate(dt, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    data[i] = typeof v === "boolean" ? (v ? 1 : 0) : dt === "bool" ? (v !== 0 ? 1 : 0) : v;
  }
  const finalShape = options.shape ?? shape;
  if (numel(finalShape) !== flat.length) throw new Error(`tensor: shape ${fmtShape(finalShape)} does not match ${flat.length} values`);
  return finish(Tensor.fromData(data, finalShape, dt), options);
}

function checkShape(op: string, shape: readonly number[]): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: invalid shape ${fmtShape(shape)} (sizes must be non-negative integers)`);
  }
}

export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  checkShape("full", shape);
  const dt = options.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  const data = allocate(dt, numel(shape));
  data.fill(typeof value === "boolean" ? (value ? 1 : 0) : value);
  return finish(Tensor.fromData(data, [...shape], dt), options);
}
export const zeros = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 0, options);
export const ones = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 1, options);
export const zerosLike = (x: Tensor, options: CreateOptions = {}): Tensor => full(x.shape, 0, { dtype: x.dtype, ...options });
export const onesLike = (x: Tensor, options: CreateOptions = {}): Tensor => full(x.shape, 1, { dtype: x.dtype, ...options });
export const fullLike = (x: Tensor, value: number, options: CreateOptions = {}): Tensor =>
  full(x.shape, value, { dtype: x.dtype, ...options });

/** Values start, start+step, ... < end (like torch.arange); int32 when all arguments are integers. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new Error("arange: step must be nonzero");
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dt = options.dtype ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32");
  const data = allocate(dt, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(Tensor.fromData(data, [n], dt), options);
}

export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dt = options.dtype ?? "float32";
  const data = allocate(dt, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric formula (as PyTorch): the first half counts from start, the second half back from end.
  const half = Math.floor(steps / 2);
  if (steps === 1) data[0] = start;
  else for (let i = 0; i < steps; i++) data[i] = i < half ? start + h * i : end - h * (steps - 1 - i);
  return finish(Tensor.fromData(data, [steps], dt), options);
}

export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  const t = zeros([n, m], options);
  for (let i = 0; i < Math.min(n, m); i++) t.storage.data[i * m + i] = 1;
  return t;
}

/** Uniform [0, 1) samples from the seeded generator (`manualSeed` or `options.generator`). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkShape("rand", shape);
  const g = options.generator ?? defaultGenerator;
  const dt = options.dtype ?? "float32";
  if (!isFloating(dt)) throw new Error(`rand: dtype must be floating point, got ${dt}`);
  const data = allocate(dt, numel(shape));
  for (let i = 0; i < data.length; i++) {
    let u = g.random();
    // Rounding to float32 may give exactly 1; keep the interval half-open.
    if (dt === "float32" && Math.fround(u) >= 1) u = 0.99999994;
    data[i] = u;
  }
  return finish(Tensor.fromData(data, [...shape], dt), options);
}

/** Standard normal samples from the seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkShape("randn", shape);
  const g = options.generator ?? defaultGenerator;
  const dt = options.dtype ?? "float32";
  if (!isFloating(dt)) throw new Error(`randn: dtype must be floating point, got ${dt}`);
  const data = allocate(dt, numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return finish(Tensor.fromData(data, [...shape], dt), options);
}

/** Integers uniform in [low, high), dtype int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkShape("randint", shape);
  const g = options.generator ?? defaultGenerator;
  const dt = options.dtype ?? "int32";
  const data = allocate(dt, numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.randint(low, high);
  return finish(Tensor.fromData(data, [...shape], dt), options);
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  return Tensor.fromData(Int32Array.from(g.permutation(n)), [n], options.dtype ?? "int32");
}

export const randLike = (x: Tensor, options: RandomOptions = {}): Tensor => rand(x.shape, { dtype: x.dtype, ...options });
export const randnLike = (x: Tensor, options: RandomOptions = {}): Tensor => randn(x.shape, { dtype: x.dtype, ...options });
export const randintLike = (x: Tensor, low: number, high: number, options: RandomOptions = {}): Tensor =>
  randint(low, high, x.shape, { dtype: x.dtype, ...options });

/** Nested JS arrays of a tensor's values (numbers; booleans for bool tensors). */
export function toNested(x: Tensor): unknown {
  const vals = denseValues(x);
  const conv = x.dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
  if (x.ndim === 0) return conv(vals[0]!);
  let pos = 0;
  const build = (d: number): unknown[] => {
    const n = x.shape[d]!;
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(d === x.ndim - 1 ? conv(vals[pos++]!) : build(d + 1));
    return out;
  };
  return build(0);
}
