// Activation functions as composites of primitives (their gradients come from the primitives' rows).
import type { Tensor } from "../../tensor/Tensor.js";
import * as E from "../../ops/elementwise.js";
import { where } from "../../ops/indexing.js";
import { apply } from "../../autograd/engine.js";
import { isFloating } from "../../tensor/dtype.js";
import { logSoftmax as logSoftmaxOp, softmax as softmaxOp } from "../../ops/softmax.js";

/** Elementwise logistic sigmoid `1 / (1 + e⁻ˣ)` (`torch.nn.functional.sigmoid`). */
export const sigmoid = (x: Tensor): Tensor => E.sigmoid(x);
/** Elementwise hyperbolic tangent (`torch.nn.functional.tanh`). */
export const tanh = (x: Tensor): Tensor => E.tanh(x);
/** Elementwise rectifier `max(x, 0)` (`torch.nn.functional.relu`). */
export const relu = (x: Tensor): Tensor => E.relu(x);

/** x for x > 0, slope·x otherwise (gradient `slope` at 0, as PyTorch). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(E.gt(x, 0), x, E.mul(x, negativeSlope));
}

/** ELU (Clevert et al. 2015, arXiv:1511.07289): x for x > 0, α(eˣ − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  // expm1 of x masked to ≤ 0 keeps the unused branch finite for large x (no 0·∞ in the gradient).
  const positive = E.gt(x, 0);
  return where(positive, x, E.mul(E.expm1(where(positive, 0, x)), alpha));
}

/** SELU constants from Klambauer et al. (2017), arXiv:1706.02515, eq. (14). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
/** SELU's scale λ from Klambauer et al. (2017), arXiv:1706.02515, eq. (14). */
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** SELU: scale · elu(x, α) with the self-normalizing constants. */
export function selu(x: Tensor): Tensor {
  return E.mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/**
 * GELU (Hendrycks & Gimpel 2016, arXiv:1606.08415): x·Φ(x) = ½x(1 + erf(x/√2)) exactly, or with
 * `approximate: "tanh"` ½x(1 + tanh(√(2/π)(x + 0.044715x³))). The exact form of a floating tensor is one
 * fused primitive (forward and gradient each one pass); the composite above is its test oracle.
 */
export function gelu(x: Tensor, options: { approximate?: "none" | "tanh" } = {}): Tensor {
  if ((options.approximate ?? "none") === "tanh") {
    const inner = E.mul(E.add(x, E.mul(E.mul(E.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return E.mul(E.mul(x, 0.5), E.add(E.tanh(inner), 1));
  }
  if (isFloating(x.dtype)) return apply("gelu", [x], {});
  return E.mul(E.mul(x, 0.5), E.add(E.erf(E.mul(x, Math.SQRT1_2)), 1));
}

/**
 * SiLU / Swish (Ramachandran et al. 2017, arXiv:1710.05941): x·σ(βx). β = 1 is SiLU; β → ∞ tends to
 * ReLU and β = 0 gives x/2.
 */
export function silu(x: Tensor, beta = 1): Tensor {
  return E.mul(x, E.sigmoid(beta === 1 ? x : E.mul(x, beta)));
}
/** Swish (Ramachandran et al. 2017): the same function as {@link silu}, x·σ(βx). */
export const swish = silu;

/**
 * Softplus: (1/β)·log(1 + e^(βx)), and x itself where βx > threshold (as PyTorch, for stability).
 */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = options.beta ?? 1, threshold = options.threshold ?? 20;
  const bx = E.mul(x, beta);
  // Mask before exp so the branch `where` discards stays finite (no 0·∞ = NaN in its gradient).
  const linear = E.gt(bx, threshold);
  const soft = E.div(E.log1p(E.exp(where(linear, threshold, bx))), beta);
  return where(linear, x, soft);
}

/**
 * Softmax over `dim` (default the last): exp(x) normalized to sum to 1 along it
 * (`torch.nn.functional.softmax`).
 */
export const softmax = (x: Tensor, dim = -1): Tensor => softmaxOp(x, dim);
/**
 * Log-softmax over `dim` (default the last), computed stably (`torch.nn.functional.log_softmax`).
 */
export const logSoftmax = (x: Tensor, dim = -1): Tensor => logSoftmaxOp(x, dim);

/** max(min(x, maxVal), minVal); the gradient is 1 strictly inside (minVal, maxVal), 0 on the bounds (as PyTorch). */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  const y = E.clamp(x, { min: minVal, max: maxVal });
  if (!x.requiresGrad) return y;
  return where(E.logicalAnd(E.gt(x, minVal), E.lt(x, maxVal)), x, y.detach());
}
