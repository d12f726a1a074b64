// Double Q-learning (van Hasselt 2010; Sutton & Barto 2nd ed., Section 6.7).

import type { Env } from "../Env.js";
import { checkStepSize, type ControlConfig, type ControlResult, controlResult, epsilonAt, epsilonGreedyAction, makeQ, setup, startEpisode } from "./common.js";
import { argmaxRandom } from "./policies.js";

/**
 * Double Q-learning, http://incompleteideas.net/book/RLbook2020.pdf#page=158 (van Hasselt, NeurIPS 2010,
 * https://papers.nips.cc/paper/3964-double-q-learning). Two tables; with probability ½ each step
 *
 *   Q1(S, A) ← Q1(S, A) + α [R + γ Q2(S', argmax_a Q1(S', a)) − Q1(S, A)]
 *
 * (else the same with 1 and 2 swapped), acting ε-greedily on Q1 + Q2. Decoupling the choice of the
 * maximizing action from its evaluation removes Q-learning's maximization bias (Figure 6.5).
 * The returned Q is (Q1 + Q2) / 2.
 */
export function doubleQLearning<Obs>(env: Env<Obs, number>, cfg: ControlConfig<Obs>): ControlResult & { Q1: number[][]; Q2: number[][] } {
  const st = setup(env, cfg, "doubleQLearning");
  const { nS, nA, gamma, rng } = st;
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "doubleQLearning");
  const Q1 = makeQ(nS, nA, cfg.initialQ);
  const Q2 = makeQ(nS, nA, cfg.initialQ);
  const sum = new Array<number>(nA);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    const epsilon = epsilonAt(cfg.epsilon, episode, "doubleQLearning");
    let [, s] = startEpisode(env, episode, st);
    let total = 0;
    let t = 0;
    for (;;) {
      for (let b = 0; b < nA; b++) sum[b] = Q1[s]![b]! + Q2[s]![b]!;
      const a = epsilonGreedyAction(sum, epsilon, rng);
      const [obs, reward, terminated, truncated] = env.step(a);
      const s2 = st.states.index(obs);
      const [update, evaluate] = rng.random() < 0.5 ? [Q1, Q2] : [Q2, Q1];
      const target = reward + (terminated ? 0 : gamma * evaluate[s2]![argmaxRandom(update[s2]!, rng)]!);
      update[s]![a]! += alpha * (target - update[s]![a]!);
      total += reward;
      t++;
      if (terminated || truncated || t >= st.maxSteps) break;
      s = s2;
    }
    episodeReturns.push(total);
    episodeLengths.push(t);
    cfg.onEpisode?.(episode, total, t);
  }
  const Q = Q1.map((row, s) => row.map((q, a) => (q + Q2[s]![a]!) / 2));
  return { ...controlResult(Q, episodeReturns, episodeLengths), Q1, Q2 };
}
