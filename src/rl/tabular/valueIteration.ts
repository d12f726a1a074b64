// Value iteration on V and on Q (Sutton & Barto Section 4.4): Bellman optimality backups until the values settle.

import type { TabularMDP } from "../Env.js";
import { actionValue, checkGamma, qFromV } from "./bellman.js";
import { greedy, type Policy, type TieBreak } from "./policies.js";

/**
 * Options of {@link valueIteration} and {@link qValueIteration}: the discount, the stopping threshold θ, a
 * sweep limit, greedy tie-breaking and a per-sweep callback.
 */
export interface ValueIterationOptions {
  /** Discount γ (default 0.9). */
  gamma?: number;
  /** Stop when the largest change in a sweep is below θ (default 1e-10). */
  theta?: number;
  /** Stop after this many sweeps even if not converged (default 100000). */
  maxSweeps?: number;
  /** Greedy policy ties: "first" (default) or "uniform" over all optimal actions. */
  ties?: TieBreak;
  /** Called after every sweep with a copy of V. */
  onSweep?: (V: number[], sweep: number) => void;
}

/**
 * What {@link valueIteration} and {@link qValueIteration} return: the optimal state and action values, a
 * greedy policy and the number of sweeps.
 */
export interface ValueIterationResult {
  V: number[];
  Q: number[][];
  /** Greedy w.r.t. Q (optimal actions within 1e-9 count as ties). */
  policy: Policy;
  sweeps: number;
}

/**
 * Value iteration, Sutton & Barto (2nd ed., 2018), Section 4.4:
 * V(s) ← max_a Σ_{s'} p(s'|s,a) [r + γ V(s')], in place, until the largest change is below θ.
 */
export function valueIteration(mdp: TabularMDP, options: ValueIterationOptions = {}): ValueIterationResult {
  const { gamma = 0.9, theta = 1e-10, maxSweeps = 100_000, onSweep } = options;
  checkGamma(gamma, "valueIteration");
  const V = new Float64Array(mdp.nS);
  let sweeps = 0;
  let delta = Infinity;
  while (delta >= theta && sweeps < maxSweeps) {
    delta = 0;
    for (let s = 0; s < mdp.nS; s++) {
      let best = -Infinity;
      for (let a = 0; a < mdp.nA; a++) best = Math.max(best, actionValue(mdp, s, a, V, gamma));
      delta = Math.max(delta, Math.abs(best - V[s]!));
      V[s] = best;
    }
    sweeps++;
    onSweep?.(Array.from(V), sweeps);
    if (!Number.isFinite(delta)) throw new Error(`valueIteration: values diverged at sweep ${sweeps} (γ=${gamma})`);
  }
  const Q = qFromV(mdp, V, gamma);
  return { V: Array.from(V), Q, policy: greedy(Q, { ties: options.ties ?? "first", tolerance: 1e-9 }), sweeps };
}

/**
 * Q-value iteration: Q(s,a) ← Σ_{s'} p(s'|s,a) [r + γ max_{a'} Q(s',a')] — the Bellman optimality
 * equation for q_* (Sutton & Barto eq. 3.20), swept in place until the largest change is below θ.
 */
export function qValueIteration(mdp: TabularMDP, options: ValueIterationOptions = {}): ValueIterationResult {
  const { gamma = 0.9, theta = 1e-10, maxSweeps = 100_000, onSweep } = options;
  checkGamma(gamma, "qValueIteration");
  const Q = Array.from({ length: mdp.nS }, () => new Float64Array(mdp.nA));
  // maxQ[s] caches max_a Q(s, a), refreshed as each state's row changes.
  const maxQ = new Float64Array(mdp.nS);
  let sweeps = 0;
  let delta = Infinity;
  while (delta >= theta && sweeps < maxSweeps) {
    delta = 0;
    for (let s = 0; s < mdp.nS; s++) {
      const row = Q[s]!;
      for (let a = 0; a < mdp.nA; a++) {
        let q = 0;
        for (const t of mdp.P[s]![a]!) q += t.prob * (t.reward + (t.done ? 0 : gamma * maxQ[t.next]!));
        delta = Math.max(delta, Math.abs(q - row[a]!));
        row[a] = q;
      }
      maxQ[s] = Math.max(...row);
    }
    sweeps++;
    onSweep?.(Array.from(maxQ), sweeps);
    if (!Number.isFinite(delta)) throw new Error(`qValueIteration: values diverged at sweep ${sweeps} (γ=${gamma})`);
  }
  const Qs = Q.map((row) => Array.from(row));
  return { V: Array.from(maxQ), Q: Qs, policy: greedy(Qs, { ties: options.ties ?? "first", tolerance: 1e-9 }), sweeps };
}
