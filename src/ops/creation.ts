// Creating tensors: from JS values, filled, ranges, identity, and seeded random draws.
import { Tensor } from "../tensor/Tensor.js";
import { allocate, dtypeOfArray, isFloating, type DType, type TypedArray } from "../tensor/dtype.js";
import { contiguousStrides, fmtShape, numel } from "../tensor/shape.js";
import { defaultGenerator, type Generator } from "../random/Generator.js";
import { denseValues } from "../backend/cpu/strided.js";
import { currentPlacement, onHost, placementLike } from "../backend/placement.js";
import { allocateFor, checkDType, checkFinite, checkInt, checkShape, checkSize, describe } from "../tensor/validate.js";

/**
 * Options of the tensor factories: the result's `dtype` (each factory documents its default) and whether it
 * `requiresGrad`.
 */
export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
/**
 * Options of the random factories: those of {@link CreateOptions} plus the {@link Generator} to draw from
 * (the seeded default generator when omitted).
 */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/** A number, a boolean, or a (possibly nested) array of them: the JS values {@link tensor} accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** The finished factory result: placed on the active device (see setBackend) and marked requiresGrad if asked. */
function finish(t: Tensor, options: CreateOptions, op: string, like?: Tensor): Tensor {
  const placement = like === undefined ? currentPlacement() : placementLike(like.storage.device);
  if (placement !== null) t = new Tensor(placement.upload(op, t), t.shape, t.strides, t.offset, t.dtype);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * `x` on the active device: a host tensor is uploaded (a contiguous copy, cut from the autograd graph)
 * while the webgpu backend is active; otherwise, and for a tensor already there, `x` itself.
 * ```ts fragment
 * await ds.setBackend("webgpu");
 * const y = ds.toDevice(xMadeEarlier); // now usable with tensors made under webgpu
 * ```
 */
export function toDevice(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`toDevice: expected a Tensor, got ${describe(x)}`);
  x.assertLive("toDevice");
  const placement = currentPlacement();
  if (placement === null || x.storage.device !== null) return x;
  return new Tensor(placement.upload("toDevice", x), x.shape, contiguousStrides(x.shape), 0, x.dtype);
}

/**
 * A tensor over `data` (values library code computed in JavaScript: masks, positional tables, dropout
 * masks), placed where a factory would put it (the active device), or where `like` lives when given;
 * `op` names the caller in errors (float64 on WebGPU). Writing into a factory's `storage.data` instead
 * would write nothing on a device, whose values live in a GPU buffer.
 */
export function fromHost(op: string, data: TypedArray, shape: readonly number[], dtype: DType, like?: Tensor): Tensor {
  return finish(Tensor.fromData(data, shape.slice(), dtype), {}, op, like);
}

/** Nesting deeper than this is refused (a tensor of more dimensions would be unusable anyway). */
const MAX_NDIM = 64;

/**
 * Infers shape and flattens nested arrays without recursion, with an error naming the first ragged
 * position, a nesting deeper than MAX_NDIM, or an array that contains itself.
 */
function flattenNested(value: NestedArray): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  const chain = new Set<unknown>();
  let v: unknown = value;
  while (Array.isArray(v)) {
    if (chain.has(v)) throw new Error(`tensor: the nested array contains itself at depth ${shape.length}`);
    if (shape.length === MAX_NDIM) throw new Error(`tensor: nested arrays deeper than ${MAX_NDIM} levels are not supported`);
    chain.add(v);
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const flat: (number | boolean)[] = [];
  const where = (stack: { node: unknown[]; i: number }[]): string => `[${stack.map((f) => f.i).join(",")}]`;
  if (shape.length === 0) {
    if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`tensor: expected a number, boolean or (nested) array, got ${describe(value)}`);
    return { shape, flat: [value] };
  }
  // Depth-first walk with an explicit stack (positions are the indices on the way down).
  const stack: { node: unknown[]; i: number }[] = [{ node: value as unknown[], i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i === top.node.length) {
      stack.pop();
      if (stack.length > 0) stack[stack.length - 1]!.i++;
      continue;
    }
    const child: unknown = top.node[top.i];
    if (stack.length === shape.length) {
      if (Array.isArray(child)) throw new Error(`tensor: ragged nested array at index ${where(stack)} (expected shape ${fmtShape(shape)})`);
      if (typeof child !== "number" && typeof child !== "boolean") {
        throw new Error(`tensor: element at ${where(stack)} is ${describe(child)}, expected a number or boolean`);
      }
      flat.push(child);
      top.i++;
      continue;
    }
    if (!Array.isArray(child) || child.length !== shape[stack.length]) {
      throw new Error(`tensor: ragged nested array at index ${where(stack)} (expected shape ${fmtShape(shape)})`);
    }
    if (stack.some((f) => f.node === child)) throw new Error(`tensor: the nested array contains itself at index ${where(stack)}`);
    stack.push({ node: child, i: 0 });
  }
  return { shape, flat };
}

/**
 * Converts one JS value for storage in `dtype` as PyTorch does: bool is `v != 0`; int32 truncates
 * toward zero but refuses values it cannot hold (NaN, ±∞, beyond ±2³¹) instead of wrapping around.
 */
function convertValue(v: number | boolean, dtype: DType, at: () => string): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (dtype === "bool") return v !== 0 ? 1 : 0;
  if (dtype === "int32") {
    const t = Math.trunc(v);
    if (!(t >= -2147483648 && t <= 2147483647)) throw new Error(`tensor: value ${v}${at()} cannot be converted to int32 without overflow`);
    return t;
  }
  return v;
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
  const shapeOpt = options.shape === undefined ? undefined : checkShape("tensor", options.shape);
  const dtOpt = options.dtype === undefined ? undefined : checkDType("tensor", options.dtype);
  if (ArrayBuffer.isView(value)) {
    if (!(value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array)) {
      throw new Error(`tensor: unsupported typed array ${(value as { constructor: { name: string } }).constructor.name} (use Float32Array, Float64Array, Int32Array or Uint8Array)`);
    }
    const src = value as TypedArray;
    const shape = shapeOpt ?? [src.length];
    if (numel(shape) !== src.length) {
      throw new Error(`tensor: shape ${fmtShape(shape)} does not match the ${src.length} values given`);
    }
    const dt = dtOpt ?? dtypeOfArray(src);
    const data = allocate(dt, src.length);
    if (dt === dtypeOfArray(src) || dt === "float32" || dt === "float64") data.set(src as ArrayLike<number> as never);
    else for (let i = 0; i < src.length; i++) data[i] = convertValue(src[i]!, dt, () => ` at position ${i}`);
    return finish(Tensor.fromData(data, shape, dt), options, "tensor");
  }
  const { shape, flat } = flattenNested(value as NestedArray);
  const allBool = flat.length > 0 && flat.every((v) => typeof v === "boolean");
  const dt = dtOpt ?? (allBool ? "bool" : "float32");
  const data = allocate(dt, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = convertValue(flat[i]!, dt, () => ` at flat position ${i}`);
  const finalShape = shapeOpt ?? shape;
  if (numel(finalShape) !== flat.length) throw new Error(`tensor: shape ${fmtShape(finalShape)} does not match ${flat.length} values`);
  return finish(Tensor.fromData(data, finalShape, dt), options, "tensor");
}

/** The tensor of `shape` filled with `value`, for full/zeros/ones/... under the caller's name `op`. */
function filled(op: string, shape: unknown, value: unknown, options: CreateOptions, defaultDType?: DType, like?: Tensor): Tensor {
  const s = checkShape(op, shape);
  if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`${op}: fill value must be a number or boolean, got ${describe(value)}`);
  const dt = options.dtype !== undefined ? checkDType(op, options.dtype) : defaultDType ?? (typeof value === "boolean" ? "bool" : "float32");
  const data = allocateFor(op, dt, s);
  const v = typeof value === "boolean" ? (value ? 1 : 0) : dt === "bool" ? (value !== 0 ? 1 : 0) : value;
  if (dt === "int32" && !(Math.trunc(v) >= -2147483648 && Math.trunc(v) <= 2147483647)) {
    throw new Error(`${op}: fill value ${v} cannot be converted to int32 without overflow`);
  }
  if (v !== 0) data.fill(v);
  return finish(Tensor.fromData(data, s, dt), options, op, like);
}

/** A tensor of `shape` filled with `value` (`torch.full`); float32 by default, bool for a boolean `value`. */
export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  return filled("full", shape, value, options);
}
/** A tensor of `shape` filled with zeros (`torch.zeros`), float32 unless `options.dtype` says otherwise. */
export const zeros = (shape: readonly number[], options: CreateOptions = {}): Tensor => filled("zeros", shape, 0, options);
/** A tensor of `shape` filled with ones (`torch.ones`), float32 unless `options.dtype` says otherwise. */
export const ones = (shape: readonly number[], options: CreateOptions = {}): Tensor => filled("ones", shape, 1, options);
/** Zeros with `x`'s shape and (unless `options.dtype` is given) dtype (`torch.zeros_like`). */
export const zerosLike = (x: Tensor, options: CreateOptions = {}): Tensor => filled("zerosLike", likeShape("zerosLike", x), 0, options, x.dtype, x);
/** Ones with `x`'s shape and (unless `options.dtype` is given) dtype (`torch.ones_like`). */
export const onesLike = (x: Tensor, options: CreateOptions = {}): Tensor => filled("onesLike", likeShape("onesLike", x), 1, options, x.dtype, x);
/**
 * A tensor with `x`'s shape and (unless `options.dtype` is given) dtype, filled with `value`
 * (`torch.full_like`).
 */
export const fullLike = (x: Tensor, value: number, options: CreateOptions = {}): Tensor =>
  filled("fullLike", likeShape("fullLike", x), value, options, x.dtype, x);

function likeShape(op: string, x: unknown): number[] {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${describe(x)}`);
  return [...x.shape];
}

/** Values start, start+step, ... < end (like torch.arange); int32 when all arguments are integers. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const [name, v] of [["start", start], ["end", end], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`arange: unsupported range ${describe(start)} -> ${describe(end)} with step ${describe(step)} (${name} must be a finite number)`);
  }
  if (step === 0) throw new Error("arange: step must be nonzero");
  if ((end - start) * step < 0) throw new Error(`arange: the bounds ${start} -> ${end} are inconsistent with the sign of step ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dt = options.dtype !== undefined ? checkDType("arange", options.dtype) : [start, end, step].every(Number.isInteger) ? "int32" : "float32";
  const data = allocateFor("arange", dt, [n]);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(Tensor.fromData(data, [n], dt), options, "arange");
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included (`torch.linspace`); float32 by default.
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  checkSize("linspace", "steps", steps);
  if (typeof start !== "number" || typeof end !== "number") throw new Error(`linspace: start and end must be numbers, got ${describe(start)} and ${describe(end)}`);
  const dt = options.dtype !== undefined ? checkDType("linspace", options.dtype) : "float32";
  const data = allocateFor("linspace", dt, [steps]);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric formula (as PyTorch): the first half counts from start, the second half back from end.
  const half = Math.floor(steps / 2);
  if (steps === 1) data[0] = start;
  else for (let i = 0; i < steps; i++) data[i] = i < half ? start + h * i : end - h * (steps - 1 - i);
  return finish(Tensor.fromData(data, [steps], dt), options, "linspace");
}

/**
 * The `n`×`m` identity matrix: ones on the main diagonal, zeros elsewhere (`torch.eye`); `m` defaults to `n`.
 */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkSize("eye", "n", n);
  checkSize("eye", "m", m);
  const t = onHost(() => filled("eye", [n, m], 0, { dtype: options.dtype }));
  for (let i = 0; i < Math.min(n, m); i++) t.storage.data[i * m + i] = 1;
  return finish(t, options, "eye");
}

function randomDType(op: string, options: RandomOptions, dflt: DType, floatOnly: boolean): DType {
  const dt = options.dtype !== undefined ? checkDType(op, options.dtype) : dflt;
  if (floatOnly && !isFloating(dt)) throw new Error(`${op}: dtype must be floating point, got ${dt}`);
  return dt;
}

/** Uniform [0, 1) samples from the seeded generator (`manualSeed` or `options.generator`). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkShape("rand", shape);
  const g = options.generator ?? defaultGenerator;
  const dt = randomDType("rand", options, "float32", true);
  const data = allocateFor("rand", dt, s);
  for (let i = 0; i < data.length; i++) {
    let u = g.random();
    // Rounding to float32 may give exactly 1; keep the interval half-open.
    if (dt === "float32" && Math.fround(u) >= 1) u = 0.99999994;
    data[i] = u;
  }
  return finish(Tensor.fromData(data, s, dt), options, "rand");
}

/** Standard normal samples from the seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkShape("randn", shape);
  const g = options.generator ?? defaultGenerator;
  const dt = randomDType("randn", options, "float32", true);
  const data = allocateFor("randn", dt, s);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return finish(Tensor.fromData(data, s, dt), options, "randn");
}

/** Integers uniform in [low, high), dtype int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkInt("randint", "low", low);
  checkInt("randint", "high", high);
  if (low >= high) throw new Error(`randint: low (${low}) must be less than high (${high})`);
  const s = checkShape("randint", shape);
  const g = options.generator ?? defaultGenerator;
  const dt = randomDType("randint", options, "int32", false);
  if (dt === "int32" && (low < -(2 ** 31) || high > 2 ** 31)) throw new Error(`randint: the range [${low}, ${high}) does not fit int32`);
  if (high - low > 2 ** 53) throw new Error(`randint: the range [${low}, ${high}) is wider than 2^53`);
  const data = allocateFor("randint", dt, s);
  for (let i = 0; i < data.length; i++) data[i] = g.randint(low, high);
  return finish(Tensor.fromData(data, s, dt), options, "randint");
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkSize("randperm", "n", n);
  const g = options.generator ?? defaultGenerator;
  const dt = randomDType("randperm", options, "int32", false);
  const data = allocateFor("randperm", dt, [n]);
  data.set(g.permutation(n));
  return finish(Tensor.fromData(data, [n], dt), options, "randperm");
}

/**
 * Uniform [0, 1) samples with `x`'s shape and (unless `options.dtype` is given) dtype (`torch.rand_like`).
 */
export const randLike = (x: Tensor, options: RandomOptions = {}): Tensor => rand(x.shape, { dtype: x.dtype, ...options });
/**
 * Standard normal samples with `x`'s shape and (unless `options.dtype` is given) dtype (`torch.randn_like`).
 */
export const randnLike = (x: Tensor, options: RandomOptions = {}): Tensor => randn(x.shape, { dtype: x.dtype, ...options });
/**
 * Integers uniform in [`low`, `high`) with `x`'s shape and (unless `options.dtype` is given) dtype
 * (`torch.randint_like`).
 */
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
