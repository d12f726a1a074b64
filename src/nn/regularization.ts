// Regularization helpers: weight penalties, gradient clipping and Monte Carlo dropout prediction.
import { peekGrad } from "../tensor/recycle.js";
import type { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import * as E from "../ops/elementwise.js";
import { tensor, zeros } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { mean, norm, sum, variance } from "../ops/reduce.js";
import type { AnyModule, Module } from "./Module.js";
import { Dropout } from "./Dropout.js";

/** Σ |θ| over all parameters (add λ·l1Penalty to a loss for L1 / lasso regularization). */
export function l1Penalty(params: Iterable<Tensor>): Tensor {
  let total: Tensor | null = null;
  for (const p of params) total = total === null ? sum(E.abs(p)) : E.add(total, sum(E.abs(p)));
  return total ?? zeros([]);
}

/** Σ θ² over all parameters (no ½; add (λ/2)·l2Penalty for the textbook weight-decay term). */
export function l2Penalty(params: Iterable<Tensor>): Tensor {
  let total: Tensor | null = null;
  for (const p of params) total = total === null ? sum(E.mul(p, p)) : E.add(total, sum(E.mul(p, p)));
  return total ?? zeros([]);
}

/** Keyword arguments of `clipGradNorm_` (PyTorch's `norm_type`, `error_if_nonfinite`, `foreach`). */
export interface ClipGradNormOptions {
  /** The p of the p-norm (positive, or Infinity for the max-norm); default 2. */
  normType?: number;
  /** Throw instead of scaling when the total norm is NaN or ±Infinity; default false. */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; has no effect (there is one implementation). */
  foreach?: boolean;
}

/**
 * Rescales the gradients of `params` in place so that their joint `normType`-norm is at most `maxNorm`
 * (Pascanu et al. 2013, arXiv:1211.5063): g ← g·min(1, maxNorm/(‖g‖ + 1e-6)). Returns the total norm
 * before clipping, as PyTorch's `clip_grad_norm_`, computed the same way: the norm of the per-gradient
 * norms, in the gradients' dtype. As in PyTorch, the scaling is applied whatever the norm: a NaN norm
 * makes every gradient NaN and an infinite one zeroes the finite entries, so a non-finite gradient is
 * never silently passed on as if it had been clipped; `errorIfNonfinite: true` throws instead (before
 * touching any gradient). `normType` may also be given inside the options object.
 *
 * With gradients on the webgpu backend the norm is computed and applied on the GPU without reading it
 * back (a readback would wait for the GPU every step): the return value is then NaN, and
 * `errorIfNonfinite: true` is an error (it needs the value on the host).
 */
export function clipGradNorm_(
  params: Iterable<Tensor>,
  maxNorm: number,
  normType: number | ClipGradNormOptions = 2,
  options: ClipGradNormOptions = {},
): number {
  if (typeof normType === "object" && normType !== null) {
    options = normType;
    normType = options.normType ?? 2;
  } else if (options.normType !== undefined) {
    throw new Error("clipGradNorm_: normType given both positionally and in the options object");
  }
  const p = normType;
  const errorIfNonfinite = options.errorIfNonfinite ?? false;
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) throw new Error(`clipGradNorm_: maxNorm must be a non-negative number, got ${String(maxNorm)}`);
  if (typeof p !== "number" || !(p > 0)) throw new Error(`clipGradNorm_: normType must be positive or Infinity, got ${String(p)}`);
  if (typeof errorIfNonfinite !== "boolean") throw new Error(`clipGradNorm_: errorIfNonfinite must be a boolean, got ${JSON.stringify(errorIfNonfinite)}`);
  // peekGrad: these read and rescale the gradients in place without keeping them (see recycle.ts)
  const grads = [...params].map((param) => peekGrad(param)).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  if (grads.some((g) => g.storage.device !== null)) {
    if (errorIfNonfinite) throw new Error("clipGradNorm_: errorIfNonfinite needs the norm on the host, which would wait for the GPU each step; it is not supported with gradients on the webgpu backend");
    noGrad(() => {
      // ‖stack([‖g₁‖, …, ‖gₙ‖])‖ and g ← g·min(maxNorm/(total + 1e-6), 1), all on the device (NaN stays NaN)
      const total = norm(stack(grads.map((g) => norm(g, { p }))), { p });
      const coef = E.minimum(E.div(maxNorm, E.add(total, 1e-6)), 1);
      for (const g of grads) g.mul_(coef);
    });
    return NaN;
  }
  return noGrad(() => {
    grads.forEach((g, i) => {
      if (p === Infinity && g.numel() === 0) throw new Error(`clipGradNorm_: cannot take the ∞-norm of an empty gradient (parameter ${i}, shape [${g.shape.join(", ")}])`);
    });
    // PyTorch: ‖stack([‖g₁‖, …, ‖gₙ‖])‖ in the promoted dtype, so float32 gradients overflow as in PyTorch.
    const dtype = grads.some((g) => g.dtype === "float64") ? "float64" : "float32";
    const round = dtype === "float32" ? Math.fround : (v: number) => v;
    const perGradient = grads.map((g) => norm(g, { p }).item());
    const total = norm(tensor(perGradient, { dtype }), { p }).item();
    if (errorIfNonfinite && !Number.isFinite(total)) {
      throw new Error(
        `clipGradNorm_: the total ${p === Infinity ? "∞" : p}-norm of the gradients is ${total}, which is non-finite, so it cannot be ` +
          "clipped; pass { errorIfNonfinite: false } to scale the gradients by it anyway",
      );
    }
    // coef = min(maxNorm/(total + 1e-6), 1), rounded as PyTorch's 0-dim tensor arithmetic; NaN stays NaN.
    const coef = round(maxNorm / round(total + 1e-6));
    const clamped = coef > 1 ? 1 : coef;
    if (clamped !== 1) for (const g of grads) g.mul_(clamped);
    return total;
  });
}

/** Clamps every gradient of `params` into [−clipValue, clipValue] in place; ±Infinity become the bounds and NaN stays NaN, as in PyTorch. */
export function clipGradValue_(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue_: clipValue must be non-negative, got ${clipValue}`);
  noGrad(() => {
    for (const p of params) peekGrad(p)?.clamp_({ min: -clipValue, max: clipValue });
  });
}

/**
 * Monte Carlo dropout (Gal & Ghahramani 2016, arXiv:1506.02142): `samples` stochastic forward passes
 * with dropout layers active and everything else (batch norm, …) in evaluation mode. Returns the
 * predictive mean and the (population, 1/T) variance of the samples; the model's modes are restored.
 */
export function mcDropoutPredict(model: Module<[Tensor], Tensor>, x: Tensor, samples: number): { mean: Tensor; variance: Tensor } {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`mcDropoutPredict: samples must be a positive integer, got ${samples}`);
  const modes = new Map<AnyModule, boolean>();
  for (const m of model.modules()) modes.set(m, m.training);
  try {
    model.eval();
    for (const m of model.modules()) if (m instanceof Dropout) m.training = true;
    return noGrad(() => {
      const ys = stack(Array.from({ length: samples }, () => model.call(x)), 0); // (T, …)
      return { mean: mean(ys, { dim: 0 }), variance: variance(ys, { dim: 0, correction: 0 }) };
    });
  } finally {
    for (const [m, mode] of modes) m.training = mode;
  }
}
