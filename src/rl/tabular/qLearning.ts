// Q-learning: off-policy TD control (Watkins 1989; Sutton & Barto 2nd ed., Section 6.5).

import type { Env } from "../Env.js";
import { checkStepSize, type ControlConfig, type ControlResult, controlResult, epsilonAt, epsilonGreedyAction, makeQ, setup, startEpisode } from "./common.js";

/**
 * Q-learning, http://incompleteideas.net/book/RLbook2020.pdf#page=153 :
 *
 *   Q(S, A) ← Q(S, A) + α [R + γ max_a Q(S', a) − Q(S, A)],  A ~ ε-greedy(Q)(S).
 */
export function qLearning<Obs>(env: Env<Obs, number>, cfg: ControlConfig<Obs>): ControlResult {
  const st = setup(env, cfg, "qLearning");
  const { nS, nA, gamma, rng } = st;
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "qLearning");
  const Q = makeQ(nS, nA, cfg.initialQ);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    const epsilon = epsilonAt(cfg.epsilon, episode, "qLearning");
    let [, s] = startEpisode(env, episode, st);
    let total = 0;
    let t = 0;
    for (;;) {
      const a = epsilonGreedyAction(Q[s]!, epsilon, rng);
      const [obs, reward, terminated, truncated] = env.step(a);
      const s2 = st.states.index(obs);
      const target = reward + (terminated ? 0 : gamma * Math.max(...Q[s2]!));
      Q[s]![a]! += alpha * (target - Q[s]![a]!);
      total += reward;
      t++;
      if (terminated || truncated || t >= st.maxSteps) break;
      s = s2;
    }
    episodeReturns.push(total);
    episodeLengths.push(t);
    cfg.onEpisode?.(episode, total, t);
  }
  return controlResult(Q, episodeReturns, episodeLengths);
}
