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

/**
 * Converts `x` to `dtype` (`x.to(dtype)` in PyTorch); returns `x` itself when it already has that dtype.
 * Differentiable for float targets.
 */
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

/**
 * Elementwise `a + alpha·b` with broadcasting and PyTorch type promotion (`torch.add`); either operand may be
 * a number. Bool tensors add as logical or.
 */
export function add(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  return binary("add", a, scaled(b, options?.alpha));
}
/**
 * Elementwise `a − alpha·b` with broadcasting and type promotion (`torch.sub`); either operand may be a
 * number.
 */
export function sub(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  return binary("sub", a, scaled(b, options?.alpha));
}
/** alpha·b for add/sub's `alpha` option (a plain number when b is one). */
function scaled(b: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined) return b;
  return b instanceof Tensor ? mul(b, alpha) : Number(b) * alpha;
}
/**
 * Elementwise product `a · b` with broadcasting and type promotion (`torch.mul`); bool tensors multiply as
 * logical and.
 */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary("mul", a, b);
/** Elementwise true division `a / b` (`torch.div`): integer operands divide as float32. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary("div", a, b);
/** Elementwise power `a ** b` with broadcasting and type promotion (`torch.pow`). */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary("pow", a, b);
/** Elementwise maximum of `a` and `b` with broadcasting (`torch.maximum`). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary("maximum", a, b);
/** Elementwise minimum of `a` and `b` with broadcasting (`torch.minimum`). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary("minimum", a, b);

/** Elementwise negation `−x` (`torch.neg`); bool tensors are rejected (use `logicalNot`). */
export const neg = (x: Tensor): Tensor => unary("neg", x);
/** Elementwise absolute value `|x|` (`torch.abs`). */
export const abs = (x: Tensor): Tensor => unary("abs", x);
/** Elementwise `eˣ` (`torch.exp`); integer inputs give float32. */
export const exp = (x: Tensor): Tensor => unary("exp", x);
/** Elementwise natural logarithm (`torch.log`); integer inputs give float32. */
export const log = (x: Tensor): Tensor => unary("log", x);
/** Elementwise `log(1 + x)`, accurate for small `x` (`torch.log1p`). */
export const log1p = (x: Tensor): Tensor => unary("log1p", x);
/** Elementwise `eˣ − 1`, accurate for small `x` (`torch.expm1`). */
export const expm1 = (x: Tensor): Tensor => unary("expm1", x);
/** Elementwise square root (`torch.sqrt`); integer inputs give float32. */
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
/** Elementwise reciprocal square root `1/√x` (`torch.rsqrt`). */
export const rsqrt = (x: Tensor): Tensor => unary("rsqrt", x);
/** Elementwise sine (`torch.sin`). */
export const sin = (x: Tensor): Tensor => unary("sin", x);
/** Elementwise cosine (`torch.cos`). */
export const cos = (x: Tensor): Tensor => unary("cos", x);
/** Elementwise hyperbolic tangent (`torch.tanh`). */
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
/** Elementwise logistic sigmoid `1 / (1 + e⁻ˣ)` (`torch.sigmoid`). */
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
/** Elementwise rectifier `max(x, 0)` (`torch.relu`). */
export const relu = (x: Tensor): Tensor => unary("relu", x);
/** Elementwise sign: −1, 0 or 1 (`torch.sign`). */
export const sign = (x: Tensor): Tensor => unary("sign", x);
/** Elementwise floor (`torch.floor`); integer tensors are returned unchanged. */
export const floor = (x: Tensor): Tensor => unary("floor", x);
/** Elementwise ceiling (`torch.ceil`); integer tensors are returned unchanged. */
export const ceil = (x: Tensor): Tensor => unary("ceil", x);
/**
 * Elementwise rounding to the nearest integer, halves to even as in `torch.round`; integer tensors are
 * returned unchanged.
 */
export const round = (x: Tensor): Tensor => unary("round", x);
/** Elementwise Gauss error function (`torch.erf`). */
export const erf = (x: Tensor): Tensor => unary("erf", x);
/** Elementwise square `x · x` (`torch.square`). */
export const square = (x: Tensor): Tensor => mul(x, x);
/** Elementwise reciprocal `1 / x` (`torch.reciprocal`). */
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

/** Elementwise `a == b` as a bool tensor, with broadcasting (`torch.eq`). */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare("eq", a, b);
/** Elementwise `a != b` as a bool tensor, with broadcasting (`torch.ne`). */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare("ne", a, b);
/** Elementwise `a < b` as a bool tensor, with broadcasting (`torch.lt`). */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare("lt", a, b);
/** Elementwise `a <= b` as a bool tensor, with broadcasting (`torch.le`). */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare("le", a, b);
/** Elementwise `a > b` as a bool tensor, with broadcasting (`torch.gt`). */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare("gt", a, b);
/** Elementwise `a >= b` as a bool tensor, with broadcasting (`torch.ge`). */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare("ge", a, b);
/** Elementwise logical and of the operands' truth values, as a bool tensor (`torch.logical_and`). */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare("logicalAnd", a, b);
/** Elementwise logical or of the operands' truth values, as a bool tensor (`torch.logical_or`). */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare("logicalOr", a, b);
/** Elementwise logical exclusive or of the operands' truth values, as a bool tensor (`torch.logical_xor`). */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => compare("logicalXor", a, b);
/**
 * Elementwise logical not of `x`'s truth values (nonzero is true), as a bool tensor (`torch.logical_not`).
 */
export const logicalNot = (x: Tensor): Tensor => apply("logicalNot", [x], {});
