// Off-policy Monte Carlo control with weighted importance sampling (Sutton & Barto 2nd ed., Section 5.7).

import type { Env } from "../Env.js";
import { type ControlConfig, type ControlResult, controlResult, epsilonAt, makeQ, setup, startEpisode } from "./common.js";
import { argmax, epsilonGreedyRow } from "./policies.js";

/**
 * Off-policy MC control, http://incompleteideas.net/book/RLbook2020.pdf#page=133 : the target policy
 * π is greedy w.r.t. Q; episodes come from the soft behaviour policy b = ε-greedy(Q) (fixed during
 * an episode, ε = `epsilon`, default 0.1; ε = 1 is the uniform random policy). Backwards through
 * each episode, with weighted importance sampling:
 *
 *   G ← γG + R_{t+1};  C(S,A) ← C(S,A) + W;  Q(S,A) ← Q(S,A) + W/C(S,A) [G − Q(S,A)];
 *   stop if A ≠ π(S);  W ← W / b(A|S).
 *
 * `alpha` is ignored (the step sizes are W/C). Learning only from the greedy tails of episodes can
 * stall with optimistic initial values: an untried action keeps a higher Q than every tried one, so
 * it stays the target's choice and tails that would update it never count. Start Q below the
 * returns you expect (`initialQ`, e.g. −50 for −1-per-step tasks) when rewards are negative.
 */
export function offPolicyMcControl<Obs>(env: Env<Obs, number>, cfg: ControlConfig<Obs>): ControlResult & { C: number[][] } {
  const st = setup(env, cfg, "offPolicyMcControl");
  const { nS, nA, gamma, rng } = st;
  const Q = makeQ(nS, nA, cfg.initialQ);
  const C = makeQ(nS, nA, 0);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    const epsilon = epsilonAt(cfg.epsilon, episode, "offPolicyMcControl");
    if (epsilon === 0) throw new Error("offPolicyMcControl: the behaviour policy must be soft (epsilon > 0)");
    let [, s] = startEpisode(env, episode, st);
    const states: number[] = [];
    const actions: number[] = [];
    const rewards: number[] = [];
    const behaviourProbs: number[] = [];
    for (;;) {
      // Q changes only after the episode, so b stays fixed while the episode runs.
      const probs = epsilonGreedyRow(Q[s]!, epsilon);
      const a = rng.categorical(probs);
      const [obs, reward, terminated, truncated] = env.step(a);
      states.push(s);
      actions.push(a);
      rewards.push(reward);
      behaviourProbs.push(probs[a]!);
      if (terminated || truncated || states.length >= st.maxSteps) break;
      s = st.states.index(obs);
    }
    let G = 0;
    let W = 1;
    for (let t = states.length - 1; t >= 0; t--) {
      G = gamma * G + rewards[t]!;
      const x = states[t]!;
      const a = actions[t]!;
      C[x]![a]! += W;
      Q[x]![a]! += (W / C[x]![a]!) * (G - Q[x]![a]!);
      if (a !== argmax(Q[x]!)) break;
      W /= behaviourProbs[t]!;
    }
    const total = rewards.reduce((p, q) => p + q, 0);
    episodeReturns.push(total);
    episodeLengths.push(states.length);
    cfg.onEpisode?.(episode, total, states.length);
  }
  return { ...controlResult(Q, episodeReturns, episodeLengths), C };
}
