// Policy evaluation: iterative sweeps (two-array or in place) and the exact linear solve (I − γP_π)V = r_π.

import type { TabularMDP } from "../Env.js";
import { actionValue, checkGamma } from "./bellman.js";
import { type Policy, validatePolicy } from "./policies.js";

/**
 * Options of {@link policyEvaluation}: the discount, the stopping threshold θ, in-place or two-array sweeps,
 * a sweep limit, the starting values and a per-sweep callback.
 */
export interface PolicyEvaluationOptions {
  /** Discount γ (default 1, as in Example 4.1). */
  gamma?: number;
  /** Stop when the largest change in a sweep is below θ (default 1e-8). */
  theta?: number;
  /**
   * Update V in place during a sweep (the book's boxed algorithm, usually faster) or, when false,
   * compute V_{k+1} entirely from V_k (the sequence V_k printed in Figure 4.1). Default true.
   */
  inPlace?: boolean;
  /** Stop after this many sweeps even if not converged (default: no limit). */
  maxSweeps?: number;
  /** Starting values V_0 (default zeros). */
  initialV?: ArrayLike<number>;
  /** Called after every sweep k = 1, 2, ... with a copy of V_k. */
  onSweep?: (V: number[], sweep: number) => void;
}

/**
 * What {@link policyEvaluation} returns: the state values V, the number of sweeps, and the last sweep's
 * largest change.
 */
export interface PolicyEvaluationResult {
  V: number[];
  sweeps: number;
  /** The last sweep's largest change. */
  delta: number;
}

/**
 * Iterative policy evaluation, Sutton & Barto (2nd ed., 2018), Section 4.1:
 * V(s) ← Σ_a π(a|s) Σ_{s'} p(s'|s,a) [r + γ V(s')], swept over all states until the largest change < θ.
 */
export function policyEvaluation(mdp: TabularMDP, policy: Policy, options: PolicyEvaluationOptions = {}): PolicyEvaluationResult {
  const { gamma = 1, theta = 1e-8, inPlace = true, maxSweeps = Infinity, onSweep } = options;
  checkGamma(gamma, "policyEvaluation");
  validatePolicy(policy, mdp.nS, mdp.nA, "policyEvaluation");
  let V = options.initialV ? Float64Array.from(options.initialV) : new Float64Array(mdp.nS);
  if (V.length !== mdp.nS) throw new Error(`policyEvaluation: initialV has ${V.length} entries, expected nS=${mdp.nS}`);
  let sweeps = 0;
  let delta = Infinity;
  while (sweeps < maxSweeps && delta >= theta) {
    const next = inPlace ? V : new Float64Array(mdp.nS);
    delta = 0;
    for (let s = 0; s < mdp.nS; s++) {
      let v = 0;
      const probs = policy[s]!;
      for (let a = 0; a < mdp.nA; a++) if (probs[a]! > 0) v += probs[a]! * actionValue(mdp, s, a, V, gamma);
      delta = Math.max(delta, Math.abs(v - V[s]!));
      next[s] = v;
    }
    V = next;
    sweeps++;
    onSweep?.(Array.from(V), sweeps);
    if (!Number.isFinite(delta)) throw new Error(`policyEvaluation: values diverged at sweep ${sweeps} (γ=${gamma}; does the policy ever terminate?)`);
  }
  return { V: Array.from(V), sweeps, delta };
}

/**
 * Exact v_π: solves the Bellman equation (I − γ P_π) V = r_π (Sutton & Barto eq. 4.4 as a linear
 * system) by Gaussian elimination with partial pivoting in float64. Terminating transitions do not
 * bootstrap. With γ = 1 the policy must reach termination from every state, or the system is singular.
 */
export function evaluatePolicyExact(mdp: TabularMDP, policy: Policy, options: { gamma?: number } = {}): number[] {
  const gamma = options.gamma ?? 1;
  checkGamma(gamma, "evaluatePolicyExact");
  validatePolicy(policy, mdp.nS, mdp.nA, "evaluatePolicyExact");
  const n = mdp.nS;
  // Augmented matrix [A | b], row-major, (n, n + 1).
  const width = n + 1;
  const M = new Float64Array(n * width);
  for (let s = 0; s < n; s++) {
    M[s * width + s] = 1;
    for (let a = 0; a < mdp.nA; a++) {
      const pa = policy[s]![a]!;
      if (pa === 0) continue;
      for (const t of mdp.P[s]![a]!) {
        M[s * width + n] += pa * t.prob * t.reward;
        if (!t.done) M[s * width + t.next] -= gamma * pa * t.prob;
      }
    }
  }
  return solveLinearSystem(M, n, "evaluatePolicyExact");
}

/** Solves the augmented (n, n+1) system in place; returns x. */
export function solveLinearSystem(M: Float64Array, n: number, context: string): number[] {
  const width = n + 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r * width + col]!) > Math.abs(M[pivot * width + col]!)) pivot = r;
    if (Math.abs(M[pivot * width + col]!) < 1e-12) {
      throw new Error(`${context}: the system (I − γP_π)V = r_π is singular at state ${col} (with γ = 1 the policy must terminate from every state)`);
    }
    if (pivot !== col) {
      for (let k = col; k < width; k++) {
        const tmp = M[col * width + k]!;
        M[col * width + k] = M[pivot * width + k]!;
        M[pivot * width + k] = tmp;
      }
    }
    const inv = 1 / M[col * width + col]!;
    for (let r = col + 1; r < n; r++) {
      const f = M[r * width + col]! * inv;
      if (f === 0) continue;
      for (let k = col; k < width; k++) M[r * width + k] -= f * M[col * width + k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = M[r * width + n]!;
    for (let k = r + 1; k < n; k++) v -= M[r * width + k]! * x[k]!;
    x[r] = v / M[r * width + r]!;
  }
  return x;
}
