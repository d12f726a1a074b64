// Argument checks shared by the public ops: every shape, size, dim, index and dtype a caller passes is
// checked at run time (plain JavaScript bypasses the types), with an error that names the op called.
import { allocate, dtypes, type DType, type TypedArray } from "./dtype.js";
import { fmtShape } from "./shape.js";

/** A short, unambiguous rendering of a bad argument for error messages: `2.5`, `"1"`, `NaN`, `undefined`. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "function") return "a function";
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** An integer (a JS number with no fractional part), else an error `op: what must be an integer, got …`. */
export function checkInt(op: string, what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new Error(`${op}: ${what} must be an integer, got ${describe(value)}`);
  }
  return value;
}

/** A non-negative integer size or count. */
export function checkSize(op: string, what: string, value: unknown): number {
  const n = checkInt(op, what, value);
  if (n < 0) throw new Error(`${op}: ${what} must be non-negative, got ${n}`);
  return n;
}

/** A finite number (NaN and ±∞ refused). */
export function checkFinite(op: string, what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${op}: ${what} must be a finite number, got ${describe(value)}`);
  return value;
}

/** A number (any value, NaN and ±∞ included). */
export function checkNumber(op: string, what: string, value: unknown): number {
  if (typeof value !== "number") throw new Error(`${op}: ${what} must be a number, got ${describe(value)}`);
  return value;
}

/** A copy of `shape` once every entry is a non-negative integer (or -1 where `allowInfer`). */
export function checkShape(op: string, shape: unknown, options: { allowInfer?: boolean; what?: string } = {}): number[] {
  const what = options.what ?? "shape";
  if (!Array.isArray(shape)) throw new Error(`${op}: ${what} must be an array of integers, got ${describe(shape)}`);
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const s: unknown = shape[i];
    const bad = typeof s !== "number" || !Number.isInteger(s) || s < (options.allowInfer ? -1 : 0);
    if (bad) {
      const shown = shape.map((v: unknown) => (typeof v === "number" ? String(v) : describe(v))).join(",");
      const rule = options.allowInfer ? "integers ≥ 0, or -1" : "non-negative integers";
      throw new Error(`${op}: invalid ${what} [${shown}] (entry ${i} is ${describe(s)}; sizes must be ${rule})`);
    }
    out.push(s as number);
  }
  return out;
}

/** A dtype name this library has (own entries only: "toString" or "float16" are refused by name). */
export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype !== "string" || !(dtypes as readonly string[]).includes(dtype)) {
    throw new Error(`${op}: unknown dtype ${describe(dtype)} (expected one of ${dtypes.join(", ")})`);
  }
  return dtype as DType;
}

/** `allocate(dtype, product of shape)` with an error naming the op and shape when it cannot be had. */
export function allocateFor(op: string, dtype: DType, shape: readonly number[]): TypedArray {
  let n = 1;
  for (const s of shape) n *= s;
  if (n > MAX_ELEMENTS) {
    throw new Error(`${op}: shape ${fmtShape(shape)} has ${n} elements, more than one tensor can hold here (${MAX_ELEMENTS})`);
  }
  try {
    return allocate(dtype, n);
  } catch (e) {
    throw new Error(`${op}: cannot allocate a ${dtype} tensor of shape ${fmtShape(shape)} (${n} elements): ${(e as Error).message}`);
  }
}

/** The most elements a JavaScript typed array may have (2³² − 1 would overflow 32-bit index math in kernels). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Integer indices from a plain JS array: each must be an integer in [-size, size) (negative counts
 * from the end, as PyTorch). Nothing is coerced: `1.5`, `"1"`, `NaN` and `2**32 + 1` are errors.
 */
export function indexArray(op: string, index: readonly unknown[], size: number, dim: number): Int32Array {
  const out = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const k: unknown = index[i];
    if (typeof k !== "number" || !Number.isInteger(k)) {
      throw new Error(`${op}: index entries must be integers, got ${describe(k)} at position ${i}`);
    }
    if (k < -size || k >= size) throw new Error(`${op}: index ${k} is out of bounds for dimension ${dim} with size ${size}`);
    out[i] = k;
  }
  return out;
}
