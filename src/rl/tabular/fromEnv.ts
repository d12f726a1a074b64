// Extracts the tabular model { nS, nA, P } from an environment (looking through wrappers).

import type { Env, TabularMDP, Transition } from "../Env.js";
import { unwrapped } from "../wrappers.js";

function hasModel(env: object): env is { P: Transition[][][]; nS?: number; nA?: number } {
  return "P" in env && Array.isArray((env as { P: unknown }).P);
}

/**
 * The `{ nS, nA, P }` of an environment that exposes a tabular model `P[s][a] = [{ prob, next,
 * reward, done }]` (grid worlds, CliffWalking, FrozenLake, Jack's car rental, ...), also through
 * wrappers such as `TimeLimit` (Gymnasium's `env.unwrapped.P`).
 */
export function fromEnv(env: Env<unknown, unknown> | object): TabularMDP {
  const inner = unwrapped(env);
  const name = (env as { id?: string }).id ?? inner.constructor.name;
  if (!hasModel(inner)) throw new Error(`tabular.fromEnv: environment ${name} exposes no tabular model P`);
  const P = inner.P;
  const nS = inner.nS ?? P.length;
  const nA = inner.nA ?? P[0]?.length ?? 0;
  if (P.length !== nS) throw new Error(`tabular.fromEnv: ${name}.P has ${P.length} states but nS=${nS}`);
  P.forEach((row, s) => {
    if (row.length !== nA) throw new Error(`tabular.fromEnv: ${name}.P[${s}] has ${row.length} actions, expected nA=${nA}`);
  });
  return { nS, nA, P };
}

/** Throws unless every P[s][a] is a probability distribution over valid next states. */
export function validateMDP(mdp: TabularMDP, context = "validateMDP"): void {
  const { nS, nA, P } = mdp;
  if (P.length !== nS) throw new Error(`${context}: P has ${P.length} states, expected nS=${nS}`);
  for (let s = 0; s < nS; s++) {
    if (P[s]!.length !== nA) throw new Error(`${context}: P[${s}] has ${P[s]!.length} actions, expected nA=${nA}`);
    for (let a = 0; a < nA; a++) {
      let total = 0;
      for (const t of P[s]![a]!) {
        if (!(t.prob >= 0)) throw new Error(`${context}: P[${s}][${a}] has probability ${t.prob}`);
        if (!Number.isInteger(t.next) || t.next < 0 || t.next >= nS) throw new Error(`${context}: P[${s}][${a}] leads to state ${t.next}, outside 0..${nS - 1}`);
        total += t.prob;
      }
      if (Math.abs(total - 1) > 1e-9) throw new Error(`${context}: P[${s}][${a}] probabilities sum to ${total}, expected 1`);
    }
  }
}
