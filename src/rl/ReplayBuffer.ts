// Experience replay for off-policy agents: a uniform ring buffer and a prioritized one (sum-tree, α/β).
//
// Uniform replay: Mnih et al. 2015 (DQN), https://doi.org/10.1038/nature14236.
// Prioritized replay: Schaul et al. 2016, https://arxiv.org/abs/1511.05952 — transition i is drawn with
// P(i) = p_i^α / Σ_k p_k^α (proportional variant, p_i = |δ_i| + ε) and its loss weighted by the importance
// weight w_i = (N · P(i))^−β / max_j w_j, with β annealed towards 1 over training.

import { Generator } from "../random/Generator.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor/Tensor.js";
import { SumTree } from "./SumTree.js";

/** One transition. `discount` multiplies the bootstrap value: γ for one step, γⁿ for an n-step transition. */
export interface ReplayTransition {
  observation: ArrayLike<number>;
  /** A class index (discrete actions) or a vector (continuous actions). */
  action: number | ArrayLike<number>;
  reward: number;
  nextObservation: ArrayLike<number>;
  /** True when `nextObservation` is terminal (no bootstrap); false on time-limit truncation. */
  terminated: boolean;
  discount: number;
}

/** A sampled batch: B rows each. */
export interface ReplayBatch {
  observations: Tensor; // (B, obsDim) float32
  actions: Tensor; // (B,) int32 for discrete actions, (B, actDim) float32 for continuous ones
  rewards: Tensor; // (B,)
  nextObservations: Tensor; // (B, obsDim)
  terminated: Tensor; // (B,) 1 where terminal, else 0
  discounts: Tensor; // (B,)
  /** Buffer slots of the rows (for `updatePriorities`). */
  indices: Int32Array;
  /** Importance-sampling weights (B,): all ones for uniform replay. */
  weights: Tensor;
}

/**
 * Options of {@link ReplayBuffer}: the observation size, the action size (0 for discrete actions) and the
 * owner named in error messages.
 */
export interface ReplayBufferOptions {
  /** Size of an observation vector. */
  observationSize: number;
  /** `0` for discrete actions (one class index per transition), else the size of an action vector. */
  actionSize?: number;
  /** Who owns the buffer, for error messages (e.g. "DQN"). */
  owner?: string;
}

/** A ring buffer of `capacity` transitions; once full, each new one overwrites the oldest. */
export class ReplayBuffer {
  readonly capacity: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly owner: string;
  protected readonly observations: Float32Array;
  protected readonly nextObservations: Float32Array;
  protected readonly actions: Float32Array | Int32Array;
  protected readonly rewards: Float32Array;
  protected readonly terminatedFlags: Float32Array;
  protected readonly discounts: Float32Array;
  /** Next slot to write. */
  protected position = 0;
  /** Transitions held (≤ capacity). */
  size = 0;

  constructor(capacity: number, options: ReplayBufferOptions) {
    const owner = options.owner ?? this.constructor.name;
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`${owner}: replay buffer capacity must be a positive integer, got ${capacity}`);
    const { observationSize } = options;
    const actionSize = options.actionSize ?? 0;
    if (!Number.isInteger(observationSize) || observationSize <= 0) throw new Error(`${owner}: observationSize must be a positive integer, got ${observationSize}`);
    if (!Number.isInteger(actionSize) || actionSize < 0) throw new Error(`${owner}: actionSize must be 0 (discrete) or a positive integer, got ${actionSize}`);
    this.capacity = capacity;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    this.owner = owner;
    this.observations = new Float32Array(capacity * observationSize);
    this.nextObservations = new Float32Array(capacity * observationSize);
    this.actions = actionSize === 0 ? new Int32Array(capacity) : new Float32Array(capacity * actionSize);
    this.rewards = new Float32Array(capacity);
    this.terminatedFlags = new Float32Array(capacity);
    this.discounts = new Float32Array(capacity);
  }

  /** Stores a transition; returns its slot. */
  add(t: ReplayTransition): number {
    const d = this.observationSize;
    if (t.observation.length !== d || t.nextObservation.length !== d) {
      throw new Error(`${this.owner}: replay buffer holds observations of size ${d}, got ${t.observation.length} and ${t.nextObservation.length}`);
    }
    const i = this.position;
    for (let k = 0; k < d; k++) {
      this.observations[i * d + k] = t.observation[k]!;
      this.nextObservations[i * d + k] = t.nextObservation[k]!;
    }
    if (this.actionSize === 0) {
      if (typeof t.action !== "number" || !Number.isInteger(t.action)) throw new Error(`${this.owner}: replay buffer holds discrete actions, got ${String(t.action)}`);
      this.actions[i] = t.action;
    } else {
      const a = t.action;
      if (typeof a === "number" || a.length !== this.actionSize) throw new Error(`${this.owner}: replay buffer holds actions of size ${this.actionSize}, got ${String(a)}`);
      for (let k = 0; k < this.actionSize; k++) this.actions[i * this.actionSize + k] = a[k]!;
    }
    this.rewards[i] = t.reward;
    this.terminatedFlags[i] = t.terminated ? 1 : 0;
    this.discounts[i] = t.discount;
    this.position = (i + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    return i;
  }

  /** `batchSize` transitions drawn uniformly with replacement. */
  sample(batchSize: number, generator: Generator): ReplayBatch {
    this.checkBatch(batchSize);
    const indices = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) indices[b] = generator.randint(0, this.size);
    return this.gather(indices, new Float32Array(batchSize).fill(1));
  }

  protected checkBatch(batchSize: number): void {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${this.owner}: batch size must be a positive integer, got ${batchSize}`);
    if (this.size < batchSize) {
      throw new Error(`${this.owner}: the replay buffer holds ${this.size} transitions, fewer than the batch size ${batchSize}; collect more steps before sampling (learningStarts ≥ batchSize)`);
    }
  }

  /** The rows at `indices` as tensors. */
  protected gather(indices: Int32Array, weights: Float32Array): ReplayBatch {
    const B = indices.length;
    const d = this.observationSize;
    const a = this.actionSize;
    const obs = new Float32Array(B * d);
    const next = new Float32Array(B * d);
    const actions = a === 0 ? new Int32Array(B) : new Float32Array(B * a);
    const rewards = new Float32Array(B);
    const terminated = new Float32Array(B);
    const discounts = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const i = indices[b]!;
      obs.set(this.observations.subarray(i * d, (i + 1) * d), b * d);
      next.set(this.nextObservations.subarray(i * d, (i + 1) * d), b * d);
      if (a === 0) actions[b] = this.actions[i]!;
      else (actions as Float32Array).set((this.actions as Float32Array).subarray(i * a, (i + 1) * a), b * a);
      rewards[b] = this.rewards[i]!;
      terminated[b] = this.terminatedFlags[i]!;
      discounts[b] = this.discounts[i]!;
    }
    return {
      observations: tensor(obs, { shape: [B, d] }),
      actions: a === 0 ? tensor(actions) : tensor(actions, { shape: [B, a] }),
      rewards: tensor(rewards),
      nextObservations: tensor(next, { shape: [B, d] }),
      terminated: tensor(terminated),
      discounts: tensor(discounts),
      indices,
      weights: tensor(weights),
    };
  }
}

/**
 * Options of {@link PrioritizedReplayBuffer} (Schaul et al. 2016): those of {@link ReplayBufferOptions} plus
 * the priority exponent α and the floor ε added to |δ|.
 */
export interface PrioritizedReplayOptions extends ReplayBufferOptions {
  /** How strongly priorities skew sampling: 0 is uniform, 1 fully proportional (default 0.6, the paper's). */
  alpha?: number;
  /** Added to |δ| so no transition gets probability 0 (default 1e-6). */
  epsilon?: number;
}

/**
 * Proportional prioritized replay. New transitions get the largest priority seen so far, so each is
 * replayed at least once soon; `updatePriorities(indices, tdErrors)` sets p_i = (|δ_i| + ε)^α after a
 * learning step. `sample(B, generator, beta)` draws by stratified sampling (one draw from each of B equal
 * slices of the total priority, as the paper's appendix) and normalizes the weights by the batch's largest.
 */
export class PrioritizedReplayBuffer extends ReplayBuffer {
  readonly alpha: number;
  readonly epsilon: number;
  private readonly tree: SumTree;
  private maxPriority = 1;

  constructor(capacity: number, options: PrioritizedReplayOptions) {
    super(capacity, options);
    this.alpha = options.alpha ?? 0.6;
    this.epsilon = options.epsilon ?? 1e-6;
    if (!(this.alpha >= 0)) throw new Error(`${this.owner}: prioritized replay alpha must be ≥ 0, got ${this.alpha}`);
    if (!(this.epsilon > 0)) throw new Error(`${this.owner}: prioritized replay epsilon must be > 0, got ${this.epsilon}`);
    this.tree = new SumTree(capacity);
  }

  override add(t: ReplayTransition): number {
    const i = super.add(t);
    this.tree.set(i, this.maxPriority);
    return i;
  }

  /** Sampling probability of slot i: p_i^α / Σ p^α. */
  probability(index: number): number {
    return this.tree.get(index) / this.tree.total;
  }

  override sample(batchSize: number, generator: Generator, beta = 0.4): ReplayBatch {
    this.checkBatch(batchSize);
    if (!(beta >= 0 && beta <= 1)) throw new Error(`${this.owner}: prioritized replay beta must be in [0, 1], got ${beta}`);
    const total = this.tree.total;
    const segment = total / batchSize;
    const indices = new Int32Array(batchSize);
    const weights = new Float32Array(batchSize);
    let maxWeight = 0;
    for (let b = 0; b < batchSize; b++) {
      const i = this.tree.find(segment * (b + generator.random()));
      indices[b] = i;
      const w = (this.size * (this.tree.get(i) / total)) ** -beta;
      weights[b] = w;
      maxWeight = Math.max(maxWeight, w);
    }
    for (let b = 0; b < batchSize; b++) weights[b] = weights[b]! / maxWeight;
    return this.gather(indices, weights);
  }

  /** Sets p_i = (|δ_i| + ε)^α for the sampled slots after a learning step. */
  updatePriorities(indices: ArrayLike<number>, tdErrors: ArrayLike<number>): void {
    if (indices.length !== tdErrors.length) throw new Error(`${this.owner}: updatePriorities got ${indices.length} indices and ${tdErrors.length} TD errors`);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new Error(`${this.owner}: updatePriorities index ${i} is not a filled slot (buffer holds ${this.size})`);
      const delta = tdErrors[k]!;
      if (!Number.isFinite(delta)) throw new Error(`${this.owner}: updatePriorities got a non-finite TD error ${delta} for slot ${i}`);
      const p = (Math.abs(delta) + this.epsilon) ** this.alpha;
      this.tree.set(i, p);
      this.maxPriority = Math.max(this.maxPriority, p);
    }
  }
}

/** `start` → `end` linearly over `duration` steps, then `end` (ε-greedy schedules, PER's β annealing). */
export function linearSchedule(start: number, end: number, duration: number, step: number): number {
  if (duration <= 0) return end;
  return start + (end - start) * Math.min(1, Math.max(0, step / duration));
}
