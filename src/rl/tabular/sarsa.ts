// SARSA: on-policy TD control (Sutton & Barto 2nd ed., Section 6.4).

import type { Env } from "../Env.js";
import { checkStepSize, type ControlConfig, type ControlResult, controlResult, epsilonAt, epsilonGreedyAction, makeQ, setup, startEpisode } from "./common.js";

/**
 * SARSA, http://incompleteideas.net/book/RLbook2020.pdf#page=151 :
 *
 *   Q(S, A) ← Q(S, A) + α [R + γ Q(S', A') − Q(S, A)],  A' ~ ε-greedy(Q)(S'),
 *
 * with Q(S', ·) = 0 when S' is terminal. On a truncated episode the last step still bootstraps.
 *
 * ```ts
 * const { Q, policy, episodeReturns } = sarsa(make("CliffWalking-v0"), { episodes: 500, alpha: 0.5, epsilon: 0.1 });
 * ```
 */
export function sarsa<Obs>(env: Env<Obs, number>, cfg: ControlConfig<Obs>): ControlResult {
  const st = setup(env, cfg, "sarsa");
  const { nS, nA, gamma, rng } = st;
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "sarsa");
  const Q = makeQ(nS, nA, cfg.initialQ);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    const epsilon = epsilonAt(cfg.epsilon, episode, "sarsa");
    let [, s] = startEpisode(env, episode, st);
    let a = epsilonGreedyAction(Q[s]!, epsilon, rng);
    let total = 0;
    let t = 0;
    for (;;) {
      const [obs, reward, terminated, truncated] = env.step(a);
      const s2 = st.states.index(obs);
      const a2 = epsilonGreedyAction(Q[s2]!, epsilon, rng);
      const target = reward + (terminated ? 0 : gamma * Q[s2]![a2]!);
      Q[s]![a]! += alpha * (target - Q[s]![a]!);
      total += reward;
      t++;
      if (terminated || truncated || t >= st.maxSteps) break;
      s = s2;
      a = a2;
    }
    episodeReturns.push(total);
    episodeLengths.push(t);
    cfg.onEpisode?.(episode, total, t);
  }
  return controlResult(Q, episodeReturns, episodeLengths);
}
