// Elementwise ops with NumPy broadcasting and PyTorch type promotion.
import { Tensor, type Scalar, type TensorLike } from "../tensor/Tensor.js";
import { allocate, isFloating, promoteTypes, promoteWithScalar, type DType } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { apply } from "../autograd/engine.js";
import type { BinaryPrim, ComparePrim, UnaryPrim } from "../autograd/prims.js";
import { where } from "./indexing.js";
import { describe } from "../tensor/validate.js";

/** A 0-d tensor holding `value` with `dtype`. */
export function scalarTensor(value: Scalar, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  return Tensor.fromData(data, [], dtype);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return apply("cast", [x], { dtype });
}

/** Converts both operands to tensors of the promoted dtype (scalars never upcast within their kind). */
function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  for (const v of [a, b]) {
    if (!(v instanceof Tensor) && typeof v !== "number" && typeof v !== "boolean") {
      throw new Error(`${op}: operands must be tensors, numbers or booleans, got ${describe(v)}${Array.isArray(v) ? " (wrap arrays with ds.tensor)" : ""}`);
    }
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    const dt = promoteTensors(a, b);
    return [cast(a, dt), cast(b, dt)];
  }
  if (a instanceof Tensor) {
    const dt = promoteWithScalar(a.dtype, b as Scalar);
    return [cast(a, dt), scalarTensor(b as Scalar, dt)];
  }
  if (b instanceof Tensor) {
    const dt = promoteWithScalar(b.dtype, a as Scalar);
    return [scalarTensor(a as Scalar, dt), cast(b, dt)];
  }
  throw new Error(`${op}: at least one operand must be a tensor`);
}

/**
 * Result dtype of two tensors (PyTorch): a 0-d tensor does not upcast a dimensioned one within its
 * category (bool < integer < float); from a higher category it sets the dtype.
 */
export function promoteTensors(a: Tensor, b: Tensor): DType {
  const aScalar = a.ndim === 0, bScalar = b.ndim === 0;
  if (aScalar === bScalar) return promoteTypes(a.dtype, b.dtype);
  const [dimensioned, zeroDim] = aScalar ? [b, a] : [a, b];
  return category(zeroDim.dtype) > category(dimensioned.dtype) ? zeroDim.dtype : dimensioned.dtype;
}
function category(dtype: DType): number {
  return dtype === "bool" ? 0 : dtype === "int32" ? 1 : 2;
}

/** Bool arithmetic stays bool as in PyTorch: + and max are "or", · and min are "and". */
const boolOps: Partial<Record<BinaryPrim, ComparePrim>> = { add: "logicalOr", maximum: "logicalOr", mul: "logicalAnd", minimum: "logicalAnd" };

function binary(prim: BinaryPrim, a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = operands(prim, a, b);
  if (x.dtype === "bool") {
    const logical = boolOps[prim];
    if (logical) return apply(logical, [x, y], {});
    if (prim === "sub") throw new Error("sub: subtraction of two bool tensors is not supported; use logicalXor (or cast to int32)");
    x = cast(x, "int32");
    y = cast(y, "int32");
  }
  if (prim === "div" && !isFloating(x.dtype)) {
    // True division: integers divide as floats (PyTorch's default float dtype).
    x = cast(x, "float32");
    y = cast(y, "float32");
  }
  broadcastShapes(prim, x.shape, y.shape);
  return apply(prim, [x, y], {});
}

function compare(prim: ComparePrim, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(prim, a, b);
  broadcastShapes(prim, x.shape, y.shape);
  return apply(prim, [x, y], {});
}

const floatOnly = new Set<UnaryPrim>(["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf"]);

function unary(prim: UnaryPrim, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${prim}: expected a Tensor, got ${describe(x)}`);
  if (prim === "neg" && x.dtype === "bool") {
    throw new Error("neg: negation of a bool tensor is not supported; to invert a mask use logicalNot");
  }
  if (!isFloating(x.dtype)) {
    if (floatOnly.has(prim)) x = cast(x, "float32");
    else if (prim === "floor" || prim === "ceil" || prim === "round") return x;
    else if (x.dtype === "bool") x = cast(x, "int32");
  }
  return apply(prim, [x], {});
}

export function add(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  return binary("add", a, scaled(b, options?.alpha));
}
export function sub(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  return binary("sub", a, scaled(b, options?.alpha));
}
/** alpha·b for add/sub's `alpha` option (a plain number when b is one). */
function scaled(b: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined) return b;
  return b instanceof Tensor ? mul(b, alpha) : Number(b) * alpha;
}
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary("mul", a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary("div", a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary("pow", a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary("minimum", a, b);

export const neg = (x: Tensor): Tensor => unary("neg", x);
export const abs = (x: Tensor): Tensor => unary("abs", x);
export const exp = (x: Tensor): Tensor => unary("exp", x);
export const log = (x: Tensor): Tensor => unary("log", x);
export const log1p = (x: Tensor): Tensor => unary("log1p", x);
export const expm1 = (x: Tensor): Tensor => unary("expm1", x);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
export const rsqrt = (x: Tensor): Tensor => unary("rsqrt", x);
export const sin = (x: Tensor): Tensor => unary("sin", x);
export const cos = (x: Tensor): Tensor => unary("cos", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
export const relu = (x: Tensor): Tensor => unary("relu", x);
export const sign = (x: Tensor): Tensor => unary("sign", x);
export const floor = (x: Tensor): Tensor => unary("floor", x);
export const ceil = (x: Tensor): Tensor => unary("ceil", x);
export const round = (x: Tensor): Tensor => unary("round", x);
export const erf = (x: Tensor): Tensor => unary("erf", x);
export const square = (x: Tensor): Tensor => mul(x, x);
export const reciprocal = (x: Tensor): Tensor => div(1, x);

/** Clamps into [min, max]; either bound may be omitted. d/dx is 1 inside the bounds (inclusive), 0 outside. */
export function clamp(x: Tensor, options: { min?: number; max?: number }): Tensor {
  const { min, max } = options;
  if (min === undefined && max === undefined) throw new Error("clamp: at least one of min or max must be given");
  if (min !== undefined && max !== undefined && min > max) {
    throw new Error(`clamp: min (${min}) must not exceed max (${max})`);
  }
  // The same values with and without grad mode; where() routes the gradient (1 inside the range,
  // bounds included, as PyTorch; 0 outside) without multiplying a mask by ±∞ or NaN.
  let inside: Tensor | null = null;
  let y = x;
  if (min !== undefined) {
    inside = ge(x, min);
    y = maximum(y, min);
  }
  if (max !== undefined) {
    const le_ = le(x, max);
    inside = inside ? logicalAnd(inside, le_) : le_;
    y = minimum(y, max);
  }
  if (!x.requiresGrad) return y;
  return where(inside!, x, y.detach());
}

export const eq = (a: TensorLike, b: TensorLike): Tensor => compare("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare("ge", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare("logicalOr", a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => compare("logicalXor", a, b);
export const logicalNot = (x: Tensor): Tensor => apply("logicalNot", [x], {});
