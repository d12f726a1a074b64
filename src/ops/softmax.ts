// Numerically stable softmax and log-softmax, as composites of primitives (no backward code).
import type { Tensor } from "../tensor/Tensor.js";
import { normalizeDim } from "../tensor/shape.js";
import { exp, sub } from "./elementwise.js";
import { logsumexp } from "./reduce.js";

/** log softmax(x) = x − logsumexp(x) along `dim`. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("logSoftmax", dim, x.ndim);
  return sub(x, logsumexp(x, { dim: d, keepdim: true }));
}

/** softmax(x) = exp(x − logsumexp(x)), stable for large |x|. */
export function softmax(x: Tensor, dim: number): Tensor {
  return exp(logSoftmax(x, dim));
}
