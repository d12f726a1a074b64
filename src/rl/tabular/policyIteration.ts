// Policy improvement and policy iteration (Sutton & Barto Section 4.3).

import type { TabularMDP } from "../Env.js";
import { actionValue, checkGamma } from "./bellman.js";
import { evaluatePolicyExact, policyEvaluation } from "./policyEvaluation.js";
import { argmaxAll, deterministicPolicy, type Policy, type TieBreak } from "./policies.js";

/**
 * Options of {@link policyImprovement}: the discount, how greedy ties are broken and their tolerance, and the
 * previous policy to keep where it is still greedy.
 */
export interface PolicyImprovementOptions {
  gamma?: number;
  /** "first" (default): a deterministic policy; "uniform": equal probability on all greedy actions. */
  ties?: TieBreak;
  /** Action values within this of the best count as ties (default 1e-9). */
  tolerance?: number;
  /**
   * The policy being improved: where its action is among the greedy ones it is kept, so policy
   * iteration cannot flip forever between equally good policies (the bug of Exercise 4.4).
   */
  previous?: Policy;
}

/** π'(s) = argmax_a Σ_{s'} p(s'|s,a)[r + γV(s')] (Sutton & Barto eq. 4.9). */
export function policyImprovement(mdp: TabularMDP, V: ArrayLike<number>, options: PolicyImprovementOptions = {}): Policy {
  const { gamma = 1, ties = "first", tolerance = 1e-9, previous } = options;
  checkGamma(gamma, "policyImprovement");
  return Array.from({ length: mdp.nS }, (_, s) => {
    const q = Array.from({ length: mdp.nA }, (_, a) => actionValue(mdp, s, a, V, gamma));
    const winners = argmaxAll(q, tolerance);
    const probs = new Array<number>(mdp.nA).fill(0);
    const kept = previous?.[s]?.findIndex((p) => p === 1) ?? -1;
    if (ties === "uniform") for (const a of winners) probs[a] = 1 / winners.length;
    else probs[kept >= 0 && winners.includes(kept) ? kept : winners[0]!] = 1;
    return probs;
  });
}

/**
 * Options of {@link policyIteration}: the discount, the evaluation threshold and method (iterative or exact),
 * the starting policy, an iteration limit and a per-iteration callback.
 */
export interface PolicyIterationOptions {
  /** Discount γ (default 0.9). */
  gamma?: number;
  /** θ of each iterative evaluation (default 1e-8). */
  theta?: number;
  /** "iterative" (default): in-place sweeps started from the previous V, as in the book; "exact": linear solve. */
  evaluation?: "iterative" | "exact";
  /** Starting policy (default: always action 0). */
  initialPolicy?: Policy;
  /** Safety limit on improvement steps (default 1000). */
  maxIterations?: number;
  /** Called after evaluating each policy π_k (k = 0, 1, ...), with its value. */
  onIteration?: (policy: Policy, V: number[], k: number) => void;
}

/**
 * What {@link policyIteration} returns: the optimal values and policy, every intermediate policy and its
 * value, and the number of iterations.
 */
export interface PolicyIterationResult {
  V: number[];
  policy: Policy;
  /** π_0, π_1, ..., π_* (the last equals `policy`). */
  policies: Policy[];
  /** v_{π_0}, v_{π_1}, ... */
  values: number[][];
  iterations: number;
}

/**
 * Policy iteration, Sutton & Barto (2nd ed., 2018), Section 4.3: evaluate π, make it greedy w.r.t.
 * v_π, repeat until the policy is stable (then it is optimal).
 */
export function policyIteration(mdp: TabularMDP, options: PolicyIterationOptions = {}): PolicyIterationResult {
  const { gamma = 0.9, theta = 1e-8, evaluation = "iterative", maxIterations = 1000, onIteration } = options;
  checkGamma(gamma, "policyIteration");
  let policy = options.initialPolicy ?? deterministicPolicy(new Array<number>(mdp.nS).fill(0), mdp.nA);
  const policies: Policy[] = [policy];
  const values: number[][] = [];
  let V: number[] | undefined;
  for (let k = 0; k < maxIterations; k++) {
    V =
      evaluation === "exact"
        ? evaluatePolicyExact(mdp, policy, { gamma })
        : policyEvaluation(mdp, policy, { gamma, theta, inPlace: true, ...(V ? { initialV: V } : {}) }).V;
    values.push(V);
    onIteration?.(policy, V, k);
    const improved = policyImprovement(mdp, V, { gamma, previous: policy });
    const stable = improved.every((row, s) => row.every((p, a) => p === policy[s]![a]));
    if (stable) return { V, policy, policies, values, iterations: k };
    policy = improved;
    policies.push(policy);
  }
  throw new Error(`policyIteration: the policy was still changing after ${maxIterations} improvements`);
}
