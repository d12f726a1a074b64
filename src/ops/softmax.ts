// Numerically stable softmax and log-softmax, as composites of primitives (no backward code).
import type { Tensor } from "../tensor/Tensor.js";
import { normalizeDim } from "../tensor/shape.js";
import { div, exp, log, sub } from "./elementwise.js";
import { max, sum } from "./reduce.js";
import { noGrad } from "./../autograd/engine.js";
import { zeros } from "./creation.js";
import { where } from "./indexing.js";
import { abs, eq } from "./elementwise.js";

/** max over `dim` (kept), treated as a constant shift; 0 where it is ±∞ or the dim is empty. */
function shift(x: Tensor, dim: number): Tensor {
  return noGrad(() => {
    if (x.size === 0) return zeros(x.shape.map((s, i) => (i === dim ? 1 : s)), { dtype: x.dtype });
    const m = max(x, { dim, keepdim: true });
    return where(eq(abs(m), Infinity), 0, m);
  });
}

/** log softmax(x) = (x − m) − log Σ exp(x − m) along `dim`, m = max(x): no rounding of a large logsumexp. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("logSoftmax", dim, x.ndim);
  const z = sub(x, shift(x, d));
  return sub(z, log(sum(exp(z), { dim: d, keepdim: true })));
}

/** softmax(x) = exp(x − m) / Σ exp(x − m), stable for large |x|. */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("softmax", dim, x.ndim);
  const e = exp(sub(x, shift(x, d)));
  return div(e, sum(e, { dim: d, keepdim: true }));
}
