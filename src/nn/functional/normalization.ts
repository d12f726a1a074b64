// Stateless group and instance normalization (batch and layer normalization are in layers.ts).
import { Tensor } from "../../tensor/Tensor.js";
import { fmtShape, numel } from "../../tensor/shape.js";
import { checkFinite, checkInt, describe } from "../../tensor/validate.js";
import * as E from "../../ops/elementwise.js";
import { mean, variance } from "../../ops/reduce.js";
import { noGrad } from "../../autograd/engine.js";

/** γ or β must be a (C) tensor (or absent). */
function checkAffine(op: string, what: string, t: Tensor | null | undefined, C: number, x: Tensor): void {
  if (t === null || t === undefined) return;
  if (!(t instanceof Tensor) || t.ndim !== 1 || t.shape[0] !== C) {
    throw new Error(`${op}: ${what} must be a (${C}) tensor for input ${fmtShape(x.shape)}, got ${t instanceof Tensor ? fmtShape(t.shape) : describe(t)}`);
  }
}

/** γ and β applied per channel (dim 1). */
function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  const perChannel = y.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, …)
  if (weight) y = E.mul(y, weight.reshape(perChannel));
  if (bias) y = E.add(y, bias.reshape(perChannel));
  return y;
}

/** Options of {@link groupNorm}: the per-channel affine weight and bias (γ, β) and ε. */
export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Group normalization (Wu & He 2018, arXiv:1803.08494): the C channels of (N, C, *) are split into
 * `numGroups` groups, each sample's group is normalized by its own mean and biased variance, then
 * γ and β are applied per channel. PyTorch's `F.group_norm`.
 */
export function groupNorm(x: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  const op = "groupNorm";
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor as input, got ${describe(x)}`);
  if (x.ndim < 2) throw new Error(`${op}: expected an input (N, C, *) with at least 2 dims, got ${fmtShape(x.shape)}`);
  checkInt(op, "numGroups", numGroups);
  if (numGroups <= 0) throw new Error(`${op}: numGroups must be positive, got ${numGroups}`);
  const [N, C] = x.shape as [number, number];
  if (C % numGroups !== 0) {
    throw new Error(`${op}: the ${C} channels of input ${fmtShape(x.shape)} cannot be split into ${numGroups} groups (${C} is not divisible by ${numGroups})`);
  }
  checkAffine(op, "weight", options.weight, C, x);
  checkAffine(op, "bias", options.bias, C, x);
  const eps = checkFinite(op, "eps", options.eps ?? 1e-5);
  const grouped = x.reshape(N, numGroups, numel(x.shape) / Math.max(1, N * numGroups)); // (N, G, C/G·spatial)
  const mu = mean(grouped, 2, true);
  const var_ = variance(grouped, 2, { keepdim: true, correction: 0 });
  const y = E.div(E.sub(grouped, mu), E.sqrt(E.add(var_, eps))).reshape(x.shape);
  return affine(y, options.weight, options.bias);
}

/**
 * Options of {@link instanceNorm}: running statistics, the affine weight and bias (γ, β), whether to
 * normalize with each instance's own statistics, momentum and ε.
 */
export interface InstanceNormOptions {
  /** Running mean and variance (C): updated in place when normalizing with the input's statistics. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalize with each instance's own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** running ← (1 − momentum)·running + momentum·(statistic averaged over the batch); default 0.1. */
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalization (Ulyanov et al. 2016, arXiv:1607.08022): each (sample, channel) of (N, C, *)
 * is normalized over its spatial dims with its own mean and biased variance. The running statistics
 * move towards the batch average of the instances' mean and unbiased variance, as PyTorch's
 * `F.instance_norm`.
 */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  const op = "instanceNorm";
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor as input, got ${describe(x)}`);
  if (x.ndim < 3) throw new Error(`${op}: expected an input (N, C, *) with at least one spatial dim, got ${fmtShape(x.shape)}`);
  const C = x.shape[1]!;
  checkAffine(op, "weight", options.weight, C, x);
  checkAffine(op, "bias", options.bias, C, x);
  checkAffine(op, "runningMean", options.runningMean, C, x);
  checkAffine(op, "runningVar", options.runningVar, C, x);
  const eps = checkFinite(op, "eps", options.eps ?? 1e-5);
  const dims = Array.from({ length: x.ndim - 2 }, (_, i) => i + 2);
  const n = numel(x.shape.slice(2));
  let mu: Tensor, var_: Tensor;
  if (options.useInputStats ?? true) {
    if (n <= 1) throw new Error(`${op}: expected more than 1 spatial element per channel when using the input's statistics, got input ${fmtShape(x.shape)}`);
    mu = mean(x, dims, true); // (N, C, 1, …)
    var_ = variance(x, dims, { keepdim: true, correction: 0 });
    const momentum = checkFinite(op, "momentum", options.momentum ?? 0.1);
    const { runningMean, runningVar } = options;
    noGrad(() => {
      if (runningMean) runningMean.copy_(E.add(E.mul(runningMean, 1 - momentum), E.mul(mean(mu.reshape(x.shape[0]!, C), 0), momentum)));
      if (runningVar) {
        const unbiased = E.mul(mean(var_.reshape(x.shape[0]!, C), 0), n / (n - 1));
        runningVar.copy_(E.add(E.mul(runningVar, 1 - momentum), E.mul(unbiased, momentum)));
      }
    });
  } else {
    if (!options.runningMean || !options.runningVar) throw new Error(`${op}: useInputStats: false needs runningMean and runningVar`);
    const perChannel = x.shape.map((s, i) => (i === 1 ? s : 1));
    mu = options.runningMean.reshape(perChannel);
    var_ = options.runningVar.reshape(perChannel);
  }
  const y = E.div(E.sub(x, mu), E.sqrt(E.add(var_, eps)));
  return affine(y, options.weight, options.bias);
}
