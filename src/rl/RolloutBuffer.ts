// RolloutBuffer: T steps of E environments collected by an on-policy agent (A2C, PPO), with GAE(λ).

import type { Generator } from "../random/Generator.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor/Tensor.js";
import { gae } from "./returns.js";

/**
 * Options of {@link RolloutBuffer}: steps per rollout, number of environments, observation size and action
 * size (0 for discrete actions).
 */
export interface RolloutBufferOptions {
  numSteps: number;
  numEnvs: number;
  observationSize: number;
  /** 0 for discrete actions, else the size of an action vector. */
  actionSize?: number;
}

/** Flattened (T·E) rows of a rollout as tensors. */
export interface RolloutBatch {
  observations: Tensor; // (N, obsDim)
  actions: Tensor; // (N,) int32 or (N, actDim) float32
  logProbs: Tensor; // (N,)
  values: Tensor; // (N,)
  advantages: Tensor; // (N,)
  returns: Tensor; // (N,)
}

/**
 * Fill step t with `store(t, ...)` for t = 0..T−1, then `computeAdvantages(lastValues, γ, λ)`; `batch()`
 * gives every row, `minibatches(k, generator)` k disjoint shuffled index sets covering all rows.
 * Rows are laid out (T, E): step t of env e is row t·E + e.
 */
export class RolloutBuffer {
  readonly numSteps: number;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array | Int32Array;
  readonly logProbs: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;
  readonly values: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;

  constructor(options: RolloutBufferOptions) {
    const { numSteps, numEnvs, observationSize } = options;
    const actionSize = options.actionSize ?? 0;
    for (const [name, v] of [["numSteps", numSteps], ["numEnvs", numEnvs], ["observationSize", observationSize]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`RolloutBuffer: ${name} must be a positive integer, got ${v}`);
    }
    this.numSteps = numSteps;
    this.numEnvs = numEnvs;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    const n = numSteps * numEnvs;
    this.observations = new Float32Array(n * observationSize);
    this.actions = actionSize === 0 ? new Int32Array(n) : new Float32Array(n * actionSize);
    this.logProbs = new Float32Array(n);
    this.rewards = new Float32Array(n);
    this.dones = new Float32Array(n);
    this.values = new Float32Array(n);
    this.advantages = new Float32Array(n);
    this.returns = new Float32Array(n);
  }

  get size(): number {
    return this.numSteps * this.numEnvs;
  }

  /**
   * Step t of env e: the observation acted on, the action, its log-probability and value estimate, the
   * reward received and whether the episode ended after this step.
   */
  store(t: number, e: number, observation: ArrayLike<number>, action: number | ArrayLike<number>, logProb: number, value: number, reward: number, done: boolean): void {
    const i = t * this.numEnvs + e;
    const d = this.observationSize;
    for (let k = 0; k < d; k++) this.observations[i * d + k] = observation[k]!;
    if (this.actionSize === 0) this.actions[i] = action as number;
    else for (let k = 0; k < this.actionSize; k++) this.actions[i * this.actionSize + k] = (action as ArrayLike<number>)[k]!;
    this.logProbs[i] = logProb;
    this.values[i] = value;
    this.rewards[i] = reward;
    this.dones[i] = done ? 1 : 0;
  }

  computeAdvantages(lastValues: ArrayLike<number>, gamma: number, lambda: number): void {
    const { advantages, returns } = gae({ rewards: this.rewards, values: this.values, dones: this.dones, lastValues, gamma, lambda });
    this.advantages = advantages;
    this.returns = returns;
  }

  /** The rows at `indices` (all rows when omitted). */
  batch(indices?: ArrayLike<number>): RolloutBatch {
    const rows = indices ?? Array.from({ length: this.size }, (_, i) => i);
    const N = rows.length;
    const d = this.observationSize;
    const a = this.actionSize;
    const obs = new Float32Array(N * d);
    const actions = a === 0 ? new Int32Array(N) : new Float32Array(N * a);
    const pick = (src: Float32Array) => Float32Array.from({ length: N }, (_, r) => src[rows[r]!]!);
    for (let r = 0; r < N; r++) {
      const i = rows[r]!;
      obs.set(this.observations.subarray(i * d, (i + 1) * d), r * d);
      if (a === 0) actions[r] = this.actions[i]!;
      else (actions as Float32Array).set((this.actions as Float32Array).subarray(i * a, (i + 1) * a), r * a);
    }
    return {
      observations: tensor(obs, { shape: [N, d] }),
      actions: a === 0 ? tensor(actions) : tensor(actions, { shape: [N, a] }),
      logProbs: tensor(pick(this.logProbs)),
      values: tensor(pick(this.values)),
      advantages: tensor(pick(this.advantages)),
      returns: tensor(pick(this.returns)),
    };
  }

  /** A fresh shuffle of all rows cut into `count` equal minibatches (the row count must divide evenly). */
  minibatches(count: number, generator: Generator): number[][] {
    if (!Number.isInteger(count) || count <= 0 || this.size % count !== 0) {
      throw new Error(`RolloutBuffer.minibatches: ${count} minibatches do not divide ${this.size} rows evenly`);
    }
    const order = generator.permutation(this.size);
    const m = this.size / count;
    return Array.from({ length: count }, (_, k) => order.slice(k * m, (k + 1) * m));
  }
}
