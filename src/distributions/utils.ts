// Helpers shared by the distributions: parameter broadcasting, probability/logit conversions, xlogy.
import { Tensor } from "../tensor/Tensor.js";
import { isFloating, promoteTypes, type DType } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { describe } from "../tensor/validate.js";
import * as E from "../ops/elementwise.js";
import { scalarTensor } from "../ops/elementwise.js";
import { expand } from "../ops/movement.js";
import { where } from "../ops/indexing.js";
import { logSoftmax } from "../ops/softmax.js";

/** A parameter: a tensor, or a number (which takes the other parameters' dtype). */
export type Param = Tensor | number;

/** Machine epsilon and the smallest normal number of a float dtype (torch.finfo). */
export function finfo(dtype: DType): { eps: number; tiny: number; max: number } {
  return dtype === "float64"
    ? { eps: 2.220446049250313e-16, tiny: 2.2250738585072014e-308, max: 1.7976931348623157e308 }
    : { eps: 1.1920928955078125e-7, tiny: 1.1754943508222875e-38, max: 3.4028234663852886e38 };
}

/**
 * Tensors of one float dtype and one broadcast shape from tensors and numbers (PyTorch's broadcast_all):
 * numbers take the tensors' dtype (float32 when all are numbers); integer tensors become float32.
 */
export function broadcastAll(op: string, params: Record<string, Param>): Tensor[] {
  const names = Object.keys(params);
  let dtype: DType | null = null;
  for (const name of names) {
    const v = params[name];
    if (v instanceof Tensor) {
      const dt = isFloating(v.dtype) ? v.dtype : "float32";
      dtype = dtype === null ? dt : promoteTypes(dtype, dt);
    } else if (typeof v !== "number") {
      throw new Error(`${op}: parameter ${name} must be a Tensor or a number, got ${describe(v)}`);
    }
  }
  const dt = dtype ?? "float32";
  const tensors = names.map((name) => {
    const v = params[name]!;
    return v instanceof Tensor ? E.cast(v, dt) : scalarTensor(v, dt);
  });
  const shape = broadcastShapes(op, ...tensors.map((t) => t.shape));
  return tensors.map((t) => (t.ndim === shape.length && t.shape.every((s, i) => s === shape[i]) ? t : expand(t, shape)));
}

/** One parameter as a float tensor. */
export function asTensor(op: string, name: string, value: Param): Tensor {
  return broadcastAll(op, { [name]: value })[0]!;
}

/** Sums the `n` rightmost dims. */
export function sumRightmost(x: Tensor, n: number): Tensor {
  if (n === 0) return x;
  return x.sum(Array.from({ length: n }, (_, i) => x.ndim - n + i));
}

/** Probabilities clamped into [eps, 1 − eps] (PyTorch's clamp_probs). */
export function clampProbs(probs: Tensor): Tensor {
  const { eps } = finfo(probs.dtype);
  return E.clamp(probs, { min: eps, max: 1 - eps });
}

/** log-odds of `probs` (binary), or log-probabilities along the last dim (PyTorch's probs_to_logits). */
export function probsToLogits(probs: Tensor, isBinary = false): Tensor {
  const clamped = clampProbs(probs);
  return isBinary ? E.sub(E.log(clamped), E.log1p(E.neg(clamped))) : E.log(clamped);
}

/** σ(logits) (binary), or softmax along the last dim (PyTorch's logits_to_probs). */
export function logitsToProbs(logits: Tensor, isBinary = false): Tensor {
  return isBinary ? E.sigmoid(logits) : E.exp(logSoftmax(logits, -1));
}

/**
 * x·log y, and 0 where x = 0 (even where y = 0), with PyTorch's gradients: d/dx = log y (0 where
 * x = y = 0), d/dy = x/y.
 */
export function xlogy(x: Tensor | number, y: Tensor): Tensor {
  if (typeof x === "number") return x === 0 ? E.mul(y, 0) : E.mul(E.log(y), x);
  const bothZero = E.logicalAnd(E.eq(x, 0), E.eq(y, 0));
  return E.mul(x, E.log(where(bothZero, 1, y)));
}

/**
 * softplus(x) = log(1 + eˣ) to full precision everywhere (no linear cut-off): x + log1p(e⁻ˣ) for x > 0,
 * log1p(eˣ) otherwise, each branch fed only its own inputs so that neither overflows (nor its gradient).
 */
export function softplus(x: Tensor): Tensor {
  const isPositive = E.gt(x, 0);
  const pos = where(isPositive, x, 0), nonpos = where(isPositive, 0, x);
  return where(isPositive, E.add(pos, E.log1p(E.exp(E.neg(pos)))), E.log1p(E.exp(nonpos)));
}

/** The probs-or-logits parameterization of discrete distributions: exactly one of the two. */
export interface ProbsOrLogits {
  probs?: Param;
  logits?: Param;
}

/** Reads `new D(probs)` or `new D({ probs })` / `new D({ logits })`; exactly one must be given. */
export function probsOrLogits(op: string, arg: Param | ProbsOrLogits | undefined): { probs: Param; logits?: undefined } | { logits: Param; probs?: undefined } {
  if (arg instanceof Tensor || typeof arg === "number") return { probs: arg };
  if (arg === null || typeof arg !== "object") throw new Error(`${op}: expected probs (a Tensor or number) or { probs } or { logits }, got ${describe(arg)}`);
  const hasProbs = arg.probs !== undefined, hasLogits = arg.logits !== undefined;
  if (hasProbs === hasLogits) throw new Error(`${op}: give exactly one of probs or logits${hasProbs ? ", not both" : ""}`);
  return hasProbs ? { probs: arg.probs! } : { logits: arg.logits! };
}
