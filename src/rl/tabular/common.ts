// Shared pieces of the model-free tabular learners: state indexing, configs, results, seeding, ε-greedy choice.

import type { Env, Space } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Discrete, MultiDiscrete, Tuple, formatValue } from "../spaces.js";
import { argmaxRandom, greedy, type Policy } from "./policies.js";

/** Maps observations to table rows 0..n−1 (and back). */
export interface StateIndexer<Obs> {
  n: number;
  index(obs: Obs): number;
  decode(s: number): Obs;
}

/**
 * The indexer of a finite observation space: `Discrete` (obs − start), and `Tuple`s of `Discrete`
 * or a `MultiDiscrete` in mixed radix, last component fastest — e.g. Blackjack's
 * Tuple(Discrete(32), Discrete(11), Discrete(2)) maps [sum, dealer, ace] to (sum·11 + dealer)·2 + ace.
 */
export function stateIndexer<Obs>(space: Space<Obs>): StateIndexer<Obs> {
  if (space instanceof Discrete) {
    const { n, start } = space;
    return {
      n,
      index: (obs) => {
        const v = obs as unknown as number;
        if (!space.contains(v)) throw new Error(`stateIndexer: observation ${formatValue(obs)} is not in ${String(space)}`);
        return v - start;
      },
      decode: (s) => (s + start) as unknown as Obs,
    };
  }
  let sizes: number[];
  let starts: number[];
  if (space instanceof MultiDiscrete) {
    sizes = [...space.nvec];
    starts = [...space.start];
  } else if (space instanceof Tuple && space.spaces.every((s: unknown) => s instanceof Discrete)) {
    const parts = space.spaces as readonly Discrete[];
    sizes = parts.map((d) => d.n);
    starts = parts.map((d) => d.start);
  } else {
    throw new Error(`stateIndexer: cannot index observations of ${String(space)}; pass cfg.states with your own { n, index, decode }`);
  }
  const n = sizes.reduce((a, b) => a * b, 1);
  return {
    n,
    index: (obs) => {
      if (!space.contains(obs)) throw new Error(`stateIndexer: observation ${formatValue(obs)} is not in ${String(space)}`);
      const parts = obs as unknown as ArrayLike<number>;
      let s = 0;
      for (let i = 0; i < sizes.length; i++) s = s * sizes[i]! + (parts[i]! - starts[i]!);
      return s;
    },
    decode: (s) => {
      const parts = new Array<number>(sizes.length);
      for (let i = sizes.length - 1; i >= 0; i--) {
        parts[i] = (s % sizes[i]!) + starts[i]!;
        s = Math.floor(s / sizes[i]!);
      }
      return parts as unknown as Obs;
    },
  };
}

/** Options every episodic learner takes. */
export interface EpisodeConfig<Obs> {
  /** Number of episodes to run. */
  episodes: number;
  /** Discount γ (default 1: the book's episodic examples are undiscounted). */
  gamma?: number;
  /** Seeds the environment (first reset) and the learner's own random choices (default 0). */
  seed?: number;
  /** Cut an episode off after this many steps, as if truncated (default: none; use a TimeLimit for continuing tasks). */
  maxEpisodeSteps?: number;
  /** State indexing; default from the observation space (Discrete, Tuple of Discrete, MultiDiscrete). */
  states?: StateIndexer<Obs>;
  /** Called after every episode with its undiscounted return and length. */
  onEpisode?: (episode: number, episodeReturn: number, length: number) => void;
}

/** Options of the control methods (SARSA, Q-learning, MC control, ...). */
export interface ControlConfig<Obs> extends EpisodeConfig<Obs> {
  /** Step size α (default 0.1). */
  alpha?: number;
  /** Exploration ε of the ε-greedy behaviour policy, fixed or per episode (default 0.1). */
  epsilon?: number | ((episode: number) => number);
  /** Initial action values (default 0; optimistic values encourage exploration). */
  initialQ?: number;
}

/**
 * What the tabular control methods return: the learned action values Q, the resulting policy, and every
 * training episode's return and length.
 */
export interface ControlResult {
  /** Learned action values Q[s][a]. */
  Q: number[][];
  /** The greedy policy w.r.t. Q (for soft Q-learning: the Boltzmann policy). */
  policy: Policy;
  /** Undiscounted return of every episode, as experienced while learning. */
  episodeReturns: number[];
  episodeLengths: number[];
}

/** A policy to evaluate: a table π[s][a] or a function of the state index (and observation). */
export type PolicyLike<Obs> = Policy | ((s: number, obs: Obs, rng: Generator) => number);

/**
 * What the tabular prediction methods return: the estimated state values V, the evaluated policy, and every
 * episode's return and length.
 */
export interface PredictionResult<Obs> {
  /** Estimated state values V[s]. */
  V: number[];
  /** The policy that was evaluated. */
  policy: PolicyLike<Obs>;
  episodeReturns: number[];
  episodeLengths: number[];
}

/** Resolved common settings: indexer, sizes, generators. */
export interface Setup<Obs> {
  states: StateIndexer<Obs>;
  nS: number;
  nA: number;
  gamma: number;
  rng: Generator;
  envSeed: number;
  maxSteps: number;
}

export function setup<Obs>(env: Env<Obs, number>, cfg: EpisodeConfig<Obs>, context: string): Setup<Obs> {
  if (!Number.isInteger(cfg.episodes) || cfg.episodes < 0) throw new Error(`${context}: episodes must be a non-negative integer, got ${cfg.episodes}`);
  const gamma = cfg.gamma ?? 1;
  if (!(gamma >= 0 && gamma <= 1)) throw new Error(`${context}: gamma must lie in [0, 1], got ${gamma}`);
  if (!(env.actionSpace instanceof Discrete) || env.actionSpace.start !== 0) {
    throw new Error(`${context}: needs a Discrete(n) action space starting at 0, got ${String(env.actionSpace)}`);
  }
  const states = cfg.states ?? stateIndexer(env.observationSpace);
  // One seed, split so that the environment's and the learner's streams are independent.
  const seeder = new Generator(cfg.seed ?? 0);
  const envSeed = seeder.randint(0, 2 ** 31);
  const rng = new Generator(seeder.randint(0, 2 ** 31));
  return { states, nS: states.n, nA: env.actionSpace.n, gamma, rng, envSeed, maxSteps: cfg.maxEpisodeSteps ?? Infinity };
}

/** Resets the environment (seeded on the first episode) and returns the observation and its index. */
export function startEpisode<Obs>(env: Env<Obs, number>, episode: number, st: Setup<Obs>, options?: Record<string, unknown>): [Obs, number] {
  const [obs] = env.reset({ ...(episode === 0 ? { seed: st.envSeed } : {}), ...(options ? { options } : {}) });
  return [obs, st.states.index(obs)];
}

export function checkStepSize(alpha: number, context: string): void {
  if (!(alpha > 0 && alpha <= 1)) throw new Error(`${context}: alpha must lie in (0, 1], got ${alpha}`);
}

export function epsilonAt(epsilon: ControlConfig<unknown>["epsilon"], episode: number, context: string): number {
  const e = typeof epsilon === "function" ? epsilon(episode) : epsilon ?? 0.1;
  if (!(e >= 0 && e <= 1)) throw new Error(`${context}: epsilon must lie in [0, 1], got ${e} at episode ${episode}`);
  return e;
}

/** ε-greedy action: random with probability ε, else a greedy action with ties broken at random. */
export function epsilonGreedyAction(row: ArrayLike<number>, epsilon: number, rng: Generator): number {
  if (epsilon > 0 && rng.random() < epsilon) return rng.randint(0, row.length);
  return argmaxRandom(row, rng);
}

export function makeQ(nS: number, nA: number, initial = 0): number[][] {
  return Array.from({ length: nS }, () => new Array<number>(nA).fill(initial));
}

/** Action from a PolicyLike. */
export function actFrom<Obs>(policy: PolicyLike<Obs>, s: number, obs: Obs, rng: Generator): number {
  return typeof policy === "function" ? policy(s, obs, rng) : rng.categorical(policy[s]!);
}

export function controlResult(Q: number[][], episodeReturns: number[], episodeLengths: number[]): ControlResult {
  return { Q, policy: greedy(Q), episodeReturns, episodeLengths };
}
