// Data types, their storage arrays, and PyTorch's type-promotion rules.
import { markOwnedF32, takePlainF32 } from "./recycle.js";

/**
 * The element types a tensor can have (PyTorch's `torch.float32`, `torch.float64`, `torch.int32`,
 * `torch.bool`).
 */
export type DType = "float32" | "float64" | "int32" | "bool";

/** Every supported {@link DType}: float32, float64, int32, bool. */
export const dtypes: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** The TypedArray that stores each dtype (bool is one byte per element, 0 or 1). */
export interface StorageOf {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}
/**
 * The typed arrays tensor storage uses: Float32Array, Float64Array, Int32Array, or Uint8Array for bool (0 or
 * 1).
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

/** Node's Buffer, when present (feature-detected: the core imports no Node module). */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafe(bytes: number): Uint8Array } }).Buffer;
/** From this many bytes, uninitialized arrays come from Buffer.allocUnsafe (below 4 KiB Node serves them from a shared pool). */
const UNINITIALIZED_MIN_BYTES = 8192;

/**
 * Like allocate() but with arbitrary contents, for outputs whose every element the caller writes. In Node,
 * arrays from 8 KiB on then skip the zero fill (and the fresh pages it touches): filling a new array by
 * `set` took 1.9 vs 3.1 µs at 8 KiB, 2.7 vs 3.4 at 32 KiB and 73 vs 239 µs at 1 MiB against
 * `new Float32Array` (measured on the 2-core dev machine). Elsewhere (browsers) it is allocate().
 */
export function allocateUninitialized(dtype: DType, size: number): TypedArray {
  if (dtype === "float32") {
    // A disposed tensor's array of this length, if there is one (see src/tensor/recycle.ts).
    const reused = takePlainF32(size);
    if (reused !== undefined) return reused;
  }
  const Ctor = ARRAY_TYPES[dtype];
  const bytes = size * Ctor.BYTES_PER_ELEMENT;
  let out: TypedArray;
  if (nodeBuffer === undefined || bytes < UNINITIALIZED_MIN_BYTES) out = allocate(dtype, size);
  else {
    const b = nodeBuffer.allocUnsafe(bytes);
    out = b.byteOffset % 8 === 0 ? new Ctor(b.buffer as ArrayBuffer, b.byteOffset, size) : allocate(dtype, size);
  }
  if (dtype === "float32") markOwnedF32(out as Float32Array);
  return out;
}

const ARRAY_TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/** Whether `dtype` is a floating-point type (float32 or float64), as `torch.is_floating_point`. */
export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Promotion of two tensor dtypes (PyTorch: bool < int < float32 < float64). */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/** Kind of a JS scalar operand, for PyTorch's "scalars do not upcast within their category" rule. */
export function scalarKind(value: number | boolean): DType {
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int32" : "float32";
}

/**
 * dtype of `tensor op scalar`: a scalar only changes the result's category (bool → int → float);
 * within a category the tensor's dtype wins (float64 tensor + 1.5 → float64, int32 + 2 → int32,
 * int32 + 1.5 → float32), as in PyTorch.
 */
export function promoteWithScalar(tensorDtype: DType, value: number | boolean): DType {
  const kind = scalarKind(value);
  if (rank[kind] <= rank[tensorDtype]) return tensorDtype;
  if (isFloating(tensorDtype)) return tensorDtype;
  return kind === "float32" ? "float32" : kind; // the default float dtype
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}
