// One-step Bellman backups on a tabular model: q(s, a) from V, and Q for every state-action pair.

import type { TabularMDP } from "../Env.js";

/**
 * q(s, a) = Σ_{s'} p(s' | s, a) [r + γ V(s')], with V(s') taken as 0 after a terminating transition
 * (Sutton & Barto 2nd ed., eq. 4.6).
 */
export function actionValue(mdp: TabularMDP, s: number, a: number, V: ArrayLike<number>, gamma: number): number {
  let q = 0;
  for (const t of mdp.P[s]![a]!) q += t.prob * (t.reward + (t.done ? 0 : gamma * V[t.next]!));
  return q;
}

/** Q[s][a] = actionValue(s, a) for every pair. */
export function qFromV(mdp: TabularMDP, V: ArrayLike<number>, gamma: number): number[][] {
  return Array.from({ length: mdp.nS }, (_, s) => Array.from({ length: mdp.nA }, (_, a) => actionValue(mdp, s, a, V, gamma)));
}

export function checkGamma(gamma: number, context: string): void {
  if (!(gamma >= 0 && gamma <= 1)) throw new Error(`${context}: gamma must lie in [0, 1], got ${gamma}`);
}
