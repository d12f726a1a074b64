// Tabular policies as per-state action probabilities (number[][]): greedy, ε-greedy, softmax, uniform, sampling.

import type { Generator } from "../../random/Generator.js";

/** A tabular policy: `policy[s][a]` = π(a | s); each row sums to 1. */
export type Policy = number[][];

/** Greedy ties: "first" keeps the lowest-numbered best action, "uniform" splits the probability among all best actions. */
export type TieBreak = "first" | "uniform";

/** The actions whose value is within `tolerance` of the row's maximum, in increasing order. */
export function argmaxAll(values: ArrayLike<number>, tolerance = 0): number[] {
  let best = -Infinity;
  for (let a = 0; a < values.length; a++) if (values[a]! > best) best = values[a]!;
  const winners: number[] = [];
  for (let a = 0; a < values.length; a++) if (values[a]! >= best - tolerance) winners.push(a);
  return winners;
}

/** The lowest-numbered best action. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let a = 1; a < values.length; a++) if (values[a]! > values[best]!) best = a;
  return best;
}

/** A best action, ties broken uniformly at random (so equal initial values do not bias learning). */
export function argmaxRandom(values: ArrayLike<number>, rng: Generator): number {
  const winners = argmaxAll(values);
  return winners.length === 1 ? winners[0]! : winners[rng.randint(0, winners.length)]!;
}

/** π(a|s) = 1/|A| everywhere: the equiprobable random policy. */
export function uniformPolicy(nS: number, nA: number): Policy {
  return Array.from({ length: nS }, () => new Array<number>(nA).fill(1 / nA));
}

/** The deterministic policy that takes `actions[s]` in state s. */
export function deterministicPolicy(actions: ArrayLike<number>, nA: number): Policy {
  return Array.from(actions, (a) => {
    const row = new Array<number>(nA).fill(0);
    row[a] = 1;
    return row;
  });
}

/** Greedy policy w.r.t. action values `Q[s][a]`; `tolerance` decides what counts as a tie. */
export function greedy(Q: ArrayLike<number>[], options: { ties?: TieBreak; tolerance?: number } = {}): Policy {
  const ties = options.ties ?? "first";
  return Array.from(Q, (row) => {
    const probs = new Array<number>(row.length).fill(0);
    const winners = argmaxAll(row, options.tolerance ?? 0);
    if (ties === "first") probs[winners[0]!] = 1;
    else for (const a of winners) probs[a] = 1 / winners.length;
    return probs;
  });
}

/**
 * ε-greedy w.r.t. Q: every action gets ε/|A|, the greedy actions share the remaining 1 − ε
 * (Sutton & Barto 2nd ed., Section 5.4).
 */
export function epsilonGreedy(Q: ArrayLike<number>[], epsilon: number): Policy {
  if (!(epsilon >= 0 && epsilon <= 1)) throw new Error(`epsilonGreedy: epsilon must lie in [0, 1], got ${epsilon}`);
  return Array.from(Q, (row) => epsilonGreedyRow(row, epsilon));
}

/** One state's ε-greedy action probabilities. */
export function epsilonGreedyRow(row: ArrayLike<number>, epsilon: number): number[] {
  const nA = row.length;
  const winners = argmaxAll(row);
  const probs = new Array<number>(nA).fill(epsilon / nA);
  for (const a of winners) probs[a]! += (1 - epsilon) / winners.length;
  return probs;
}

/** Boltzmann (softmax) policy π(a|s) ∝ exp(Q[s][a] / τ), computed stably (max subtracted). */
export function softmax(Q: ArrayLike<number>[], temperature: number): Policy {
  if (!(temperature > 0)) throw new Error(`softmax: temperature must be positive, got ${temperature}`);
  return Array.from(Q, (row) => softmaxRow(row, temperature));
}

/** One state's softmax probabilities. */
export function softmaxRow(row: ArrayLike<number>, temperature: number): number[] {
  let max = -Infinity;
  for (let a = 0; a < row.length; a++) max = Math.max(max, row[a]!);
  const exps = Array.from(row, (q) => Math.exp((q - max) / temperature));
  const total = exps.reduce((x, y) => x + y, 0);
  return exps.map((e) => e / total);
}

/** τ·log Σ_a exp(q_a / τ), the soft maximum, computed stably. Tends to max_a q_a as τ → 0. */
export function logSumExp(row: ArrayLike<number>, temperature = 1): number {
  let max = -Infinity;
  for (let a = 0; a < row.length; a++) max = Math.max(max, row[a]!);
  if (max === -Infinity) return -Infinity;
  let total = 0;
  for (let a = 0; a < row.length; a++) total += Math.exp((row[a]! - max) / temperature);
  return max + temperature * Math.log(total);
}

/** Draws an action from one state's probabilities. */
export function sampleAction(probs: ArrayLike<number>, rng: Generator): number {
  return rng.categorical(probs);
}

/** Checks a policy's shape and that each row is a probability distribution. */
export function validatePolicy(policy: Policy, nS: number, nA: number, context: string): void {
  if (policy.length !== nS) throw new Error(`${context}: policy has ${policy.length} rows, expected nS=${nS}`);
  policy.forEach((row, s) => {
    if (row.length !== nA) throw new Error(`${context}: policy[${s}] has ${row.length} entries, expected nA=${nA}`);
    let total = 0;
    for (const p of row) {
      if (!(p >= 0)) throw new Error(`${context}: policy[${s}] has a negative or NaN probability ${p}`);
      total += p;
    }
    if (Math.abs(total - 1) > 1e-6) throw new Error(`${context}: policy[${s}] sums to ${total}, expected 1`);
  });
}
