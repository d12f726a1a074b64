// The random walk of Sutton & Barto Example 6.2 (5 states) and Example 7.1 (19 states) as a two-action MDP.

import type { TabularMDP, Transition } from "../../Env.js";
import { TabularEnv, uniformOver } from "./TabularEnv.js";

/**
 * Options of {@link RandomWalk} (Sutton & Barto, Examples 6.2 and 7.1): the number of nonterminal states and
 * the reward at the left end.
 */
export interface RandomWalkOptions {
  /** Nonterminal states in the chain (default 5: A..E of Example 6.2; Example 7.1 uses 19). */
  nStates?: number;
  /** Reward on leaving at the left end (default 0; Example 7.1 uses −1). The right end always gives +1. */
  leftReward?: number;
}

/**
 * Sutton & Barto (2nd ed., 2018), Example 6.2 (http://incompleteideas.net/book/RLbook2020.pdf#page=147)
 * and Example 7.1.
 *
 * - States (Discrete(nStates + 2)): 0 and nStates + 1 are the terminal ends; 1..nStates the chain
 *   (A..E for 5 states). Episodes start in the centre state, (nStates + 1) / 2 rounded up.
 * - Actions (Discrete(2)): 0 left, 1 right, deterministic. The book's walk is the equiprobable
 *   policy [0.5, 0.5]; under it v(i) = L + (1 − L)·i/(nStates + 1) with L the left reward
 *   (1/6, ..., 5/6 for Example 6.2).
 * - Reward +1 on entering the right end, `leftReward` on entering the left end, 0 otherwise.
 */
export class RandomWalk extends TabularEnv {
  readonly nStates: number;

  constructor(options: RandomWalkOptions = {}) {
    const nStates = options.nStates ?? 5;
    if (!Number.isInteger(nStates) || nStates < 1) throw new Error(`RandomWalk: nStates must be a positive integer, got ${nStates}`);
    const model = randomWalkModel(nStates, options.leftReward ?? 0);
    super("RandomWalk", model, uniformOver(model.nS, [Math.ceil((nStates + 1) / 2)]));
    this.nStates = nStates;
  }

  /** v_π(s) of the equiprobable policy, from the closed form above (0 at the terminal ends). */
  static trueValues(nStates = 5, leftReward = 0): number[] {
    return Array.from({ length: nStates + 2 }, (_, i) =>
      i === 0 || i === nStates + 1 ? 0 : leftReward + ((1 - leftReward) * i) / (nStates + 1),
    );
  }
}

function randomWalkModel(nStates: number, leftReward: number): TabularMDP {
  const right = nStates + 1;
  const P: Transition[][][] = [];
  for (let s = 0; s <= right; s++) {
    if (s === 0 || s === right) {
      P.push([0, 1].map(() => [{ prob: 1, next: s, reward: 0, done: true }]));
      continue;
    }
    P.push(
      [s - 1, s + 1].map((next) => [
        { prob: 1, next, reward: next === right ? 1 : next === 0 ? leftReward : 0, done: next === 0 || next === right },
      ]),
    );
  }
  return { nS: nStates + 2, nA: 2, P };
}
