// The interface of a k-armed bandit learner: pick an arm, then learn from the reward it paid.

import type { Generator } from "../../random/Generator.js";

/** A learner for one bandit problem (fresh per run). */
export interface BanditAgent {
  /** Chooses an arm 0..k−1. */
  select(): number;
  /** Learns from the reward the chosen arm paid. */
  update(action: number, reward: number): void;
  /** Current action-value estimates (or preferences, for the gradient bandit). */
  readonly values: readonly number[];
}

/** Builds a fresh agent for a k-armed problem; `rng` drives its random choices. */
export type BanditAgentFactory = (k: number, rng: Generator) => BanditAgent;

/** A best arm, ties broken uniformly at random (so equal estimates do not favour low indices). */
export function argmaxTiesRandom(values: readonly number[], rng: Generator): number {
  let best = -Infinity;
  let count = 0;
  let choice = 0;
  for (let a = 0; a < values.length; a++) {
    const v = values[a]!;
    if (v > best) {
      best = v;
      count = 1;
      choice = a;
    } else if (v === best) {
      // Reservoir sampling over the tied arms: each keeps probability 1/count.
      count++;
      if (rng.randint(0, count) === 0) choice = a;
    }
  }
  return choice;
}
