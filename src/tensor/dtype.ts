// Data types, their storage arrays, and PyTorch's type-promotion rules.

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
