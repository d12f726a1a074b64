// Softmax and log-softmax: one fused, numerically stable primitive (logSoftmax); softmax = exp of it.
import type { Tensor } from "../tensor/Tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { normalizeDim } from "../tensor/shape.js";
import { apply } from "../autograd/engine.js";
import { cast, exp, log, sub } from "./elementwise.js";
import { amax, sum } from "./reduce.js";
import { noGrad } from "../autograd/engine.js";
import { zeros } from "./creation.js";

/** log softmax(x) = (x − m) − log Σ exp(x − m) along `dim`, m = max(x): stable for large |x|. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("logSoftmax", dim, x.ndim);
  return apply("logSoftmax", [isFloating(x.dtype) ? x : cast(x, "float32")], { dim: d });
}

/**
 * softmax(x) = exp(log softmax(x)) along `dim`.
 * ```ts
 * ds.tensor([[1, 2, 3]]).softmax(1); // tensor([[0.0900, 0.2447, 0.6652]])
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  normalizeDim("softmax", dim, x.ndim);
  return exp(logSoftmax(x, dim));
}

/**
 * The same function written with primitives only — the oracle the fused primitive is tested against
 * (and what it replaced: 7 passes over the data instead of 3).
 */
export function logSoftmaxComposite(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("logSoftmax", dim, x.ndim);
  const m = noGrad(() => {
    if (x.size === 0) return zeros(x.shape.map((s, i) => (i === d ? 1 : s)), { dtype: x.dtype });
    // An infinite max makes the line NaN (∞ − ∞), as in PyTorch.
    return amax(x, d, true);
  });
  const z = sub(x, m);
  return sub(z, log(sum(exp(z), { dim: d, keepdim: true })));
}
