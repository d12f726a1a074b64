// Regularization helpers: weight penalties, gradient clipping and Monte Carlo dropout prediction.
import { peekGrad } from "../tensor/recycle.js";
import type { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import * as E from "../ops/elementwise.js";
import { zeros } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { max, mean, sum, variance } from "../ops/reduce.js";
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

/**
 * Rescales the gradients of `params` in place so that their joint `normType`-norm is at most `maxNorm`
 * (Pascanu et al. 2013, arXiv:1211.5063): g ← g·min(1, maxNorm/(‖g‖ + 1e-6)). Returns the total norm
 * before clipping, as PyTorch's `clip_grad_norm_`.
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  // peekGrad: these read and rescale the gradients in place without keeping them (see recycle.ts)
  const grads = [...params].map((p) => peekGrad(p)).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  return noGrad(() => {
    let total: number;
    if (normType === Infinity) total = Math.max(...grads.map((g) => max(E.abs(g)).item()));
    else {
      if (!(normType > 0)) throw new Error(`clipGradNorm_: normType must be positive or Infinity, got ${normType}`);
      let s = 0;
      for (const g of grads) s += sum(E.pow(E.abs(g), normType)).item();
      total = Math.pow(s, 1 / normType);
    }
    const coef = Math.min(1, maxNorm / (total + 1e-6));
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** Clamps every gradient of `params` into [−clipValue, clipValue] in place. */
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
