// Running mean/std statistics and Gymnasium's NormalizeObservation and NormalizeReward wrappers.
//
// Reference: gymnasium/wrappers/stateful_observation.py, stateful_reward.py and utils.RunningMeanStd,
// which merge batches with the parallel algorithm of Chan, Golub & LeVeque (1979),
// https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Parallel_algorithm .

import type { Env, Info, ResetOptions, StepResult } from "./Env.js";
import { Box } from "./spaces.js";
import { Wrapper } from "./wrappers.js";

/**
 * Mean and (population) variance of a stream of vectors of `size` numbers. As Gymnasium's, it starts from
 * a pseudo-observation of weight `epsilon` (1e-4) with mean 0 and variance 1, so early variances stay > 0.
 */
export class RunningMeanStd {
  readonly size: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(size: number, epsilon = 1e-4) {
    if (!Number.isInteger(size) || size <= 0) throw new Error(`RunningMeanStd: size must be a positive integer, got ${size}`);
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Merges a batch of vectors (each of `size` numbers) into the statistics. */
  update(batch: ArrayLike<number>[]): void {
    const n = batch.length;
    if (n === 0) return;
    for (const x of batch) {
      if (x.length !== this.size) throw new Error(`RunningMeanStd.update: expected vectors of ${this.size} numbers, got ${x.length}`);
    }
    const total = this.count + n;
    for (let k = 0; k < this.size; k++) {
      let batchMean = 0;
      for (const x of batch) batchMean += x[k]!;
      batchMean /= n;
      let batchM2 = 0;
      for (const x of batch) batchM2 += (x[k]! - batchMean) ** 2;
      const delta = batchMean - this.mean[k]!;
      const m2 = this.var[k]! * this.count + batchM2 + (delta * delta * this.count * n) / total;
      this.mean[k] = this.mean[k]! + (delta * n) / total;
      this.var[k] = m2 / total;
    }
    this.count = total;
  }

  /** (x − mean) / √(var + epsilon), element by element. */
  normalize(x: ArrayLike<number>, epsilon = 1e-8): number[] {
    return Array.from({ length: this.size }, (_, k) => (x[k]! - this.mean[k]!) / Math.sqrt(this.var[k]! + epsilon));
  }
}

/**
 * Gymnasium's `NormalizeObservation`: each observation is (obs − μ) / √(σ² + 1e-8) with running
 * statistics that include it. Set `updateRunningMean = false` to freeze them (evaluation).
 */
export class NormalizeObservation<Act> extends Wrapper<number[], Act> {
  readonly rms: RunningMeanStd;
  updateRunningMean = true;
  private readonly space: Box;

  constructor(env: Env<number[], Act>, options: { epsilon?: number } = {}) {
    super(env);
    if (!(env.observationSpace instanceof Box)) {
      throw new Error(`NormalizeObservation: the observation space must be a Box, got ${String(env.observationSpace)}`);
    }
    this.rms = new RunningMeanStd(env.observationSpace.size);
    this.space = new Box(-Infinity, Infinity, env.observationSpace.shape);
    this.epsilon = options.epsilon ?? 1e-8;
  }

  private readonly epsilon: number;

  override get observationSpace(): Box {
    return this.space;
  }

  private transform(obs: number[]): number[] {
    if (this.updateRunningMean) this.rms.update([obs]);
    return this.rms.normalize(obs, this.epsilon);
  }

  override reset(options?: ResetOptions): [number[], Info] {
    const [obs, info] = this.env.reset(options);
    return [this.transform(obs), info];
  }

  override step(action: Act): StepResult<number[]> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    return [this.transform(obs), reward, terminated, truncated, info];
  }
}

/**
 * Gymnasium's `NormalizeReward`: keeps the discounted return G ← γ G (1 − terminated) + r, tracks its
 * running variance, and returns r / √(Var[G] + 1e-8) (the scale only; the mean is not subtracted).
 */
export class NormalizeReward<Obs, Act> extends Wrapper<Obs, Act> {
  readonly rms = new RunningMeanStd(1);
  readonly gamma: number;
  readonly epsilon: number;
  updateRunningMean = true;
  private discountedReward = 0;

  constructor(env: Env<Obs, Act>, options: { gamma?: number; epsilon?: number } = {}) {
    super(env);
    this.gamma = options.gamma ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.gamma >= 0 && this.gamma <= 1)) throw new Error(`NormalizeReward: gamma must be in [0, 1], got ${this.gamma}`);
  }

  override step(action: Act): StepResult<Obs> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    this.discountedReward = this.discountedReward * this.gamma * (terminated ? 0 : 1) + reward;
    if (this.updateRunningMean) this.rms.update([[this.discountedReward]]);
    return [obs, reward / Math.sqrt(this.rms.var[0]! + this.epsilon), terminated, truncated, info];
  }
}
