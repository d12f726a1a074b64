// Monte-Carlo estimators of ∇_θ E_{z ~ q_θ}[f(z)]: score function (REINFORCE, with or without a baseline) and reparameterization (Gumbel-softmax included).
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { runBackward } from "../autograd/backward.js";
import { enableGrad, noGrad } from "../autograd/engine.js";
import { onesLike, zerosLike } from "../ops/creation.js";
import type { Distribution } from "../distributions/Distribution.js";
import type { Generator } from "../random/Generator.js";

/** Builds q_θ from its parameters (each a tensor that requires grad). */
export type DistributionFactory = (...params: Tensor[]) => Distribution;

/**
 * Options of the gradient estimators ({@link scoreFunctionGradient}, {@link reparameterizationGradient}): the
 * number of samples per estimate and the random generator.
 */
export interface EstimatorOptions {
  /** Draws z₁ … z_S per estimate (default 1; the leave-one-out baseline needs ≥ 2). */
  samples?: number;
  generator?: Generator;
}

/**
 * Score-function (likelihood-ratio, REINFORCE; Williams 1992) estimate
 * ∇_θ E[f(z)] = E[f(z) ∇_θ log q_θ(z)] ≈ (1/S) Σᵢ (f(zᵢ) − bᵢ) ∇_θ log q_θ(zᵢ).
 * It needs only log q's gradient, so it works for discrete z and non-differentiable f. With
 * `baseline: true`, bᵢ is the leave-one-out mean of the other samples' f (Kool, van Hoof & Welling
 * 2019): independent of zᵢ, so the estimate stays unbiased while its variance drops. `f` maps a batch
 * of samples [S, …] to their values [S].
 */
export function scoreFunctionGradient(q: DistributionFactory, f: (z: Tensor) => Tensor, params: Tensor[], options: EstimatorOptions & { baseline?: boolean } = {}): Tensor[] {
  const op = "scoreFunctionGradient";
  const samples = checkSamples(op, options.samples, options.baseline ? 2 : 1);
  checkParams(op, params);
  return enableGrad(() => {
    const dist = q(...params);
    const z = noGrad(() => dist.sample([samples], { generator: options.generator }));
    const values = noGrad(() => checkValues(op, f(z), samples));
    let weights = values;
    if (options.baseline) weights = values.sub(values.sum().sub(values).div(samples - 1)); // f(zᵢ) − mean_{j≠i} f(zⱼ)
    const logQ = dist.logProb(z).reshape([samples, -1]).sum(1); // (S,): a joint log-density over the batch
    return gradients(op, logQ.mul(weights).mean(), params);
  });
}

/**
 * Reparameterization (pathwise) estimate ∇_θ E[f(z)] ≈ (1/S) Σᵢ ∇_θ f(g_θ(εᵢ)) with z = g_θ(ε) drawn by
 * `rsample` (Kingma & Welling 2014; Rezende et al. 2014). For a `RelaxedOneHotCategorical` q this is
 * the Gumbel-softmax / Concrete estimator (Jang, Gu & Poole 2017; Maddison, Mnih & Teh 2017): low
 * variance, but biased for the discrete distribution it relaxes.
 */
export function reparameterizationGradient(q: DistributionFactory, f: (z: Tensor) => Tensor, params: Tensor[], options: EstimatorOptions = {}): Tensor[] {
  const op = "reparameterizationGradient";
  const samples = checkSamples(op, options.samples, 1);
  checkParams(op, params);
  return enableGrad(() => {
    const dist = q(...params);
    if (!dist.hasRsample) throw new Error(`${op}: ${dist.constructor.name} has no rsample; use scoreFunctionGradient (or a relaxed distribution)`);
    const z = dist.rsample([samples], { generator: options.generator });
    return gradients(op, checkValues(op, f(z), samples).mean(), params);
  });
}

function gradients(op: string, objective: Tensor, params: Tensor[]): Tensor[] {
  if (!objective.requiresGrad) return params.map((p) => zerosLike(p));
  const g = runBackward([objective], [onesLike(objective)], { targets: params, allowUnused: true });
  return g.map((gi, i) => (gi ?? zerosLike(params[i]!)).detach());
}

function checkSamples(op: string, samples: unknown, min: number): number {
  const s = samples ?? Math.max(1, min);
  if (typeof s !== "number" || !Number.isInteger(s) || s < min) throw new Error(`${op}: samples must be an integer ≥ ${min}, got ${describe(s)}`);
  return s;
}

function checkParams(op: string, params: unknown): void {
  if (!Array.isArray(params) || params.length === 0 || !params.every((p) => p instanceof Tensor && p.requiresGrad)) {
    throw new Error(`${op}: params must be a non-empty array of tensors that require grad`);
  }
}

function checkValues(op: string, values: unknown, samples: number): Tensor {
  if (!(values instanceof Tensor) || values.ndim !== 1 || values.shape[0] !== samples) {
    throw new Error(`${op}: f must return one value per sample, shape [${samples}], got ${values instanceof Tensor ? fmtShape(values.shape) : describe(values)}`);
  }
  return values;
}
