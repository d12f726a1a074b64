// Expected SARSA (van Seijen et al. 2009; Sutton & Barto 2nd ed., Section 6.6).

import type { Env } from "../Env.js";
import { checkStepSize, type ControlConfig, type ControlResult, controlResult, epsilonAt, epsilonGreedyAction, makeQ, setup, startEpisode } from "./common.js";
import { epsilonGreedyRow } from "./policies.js";

/**
 * Expected SARSA, http://incompleteideas.net/book/RLbook2020.pdf#page=155 : the SARSA target with the
 * expectation over the next action under the ε-greedy target policy π instead of a sample,
 *
 *   Q(S, A) ← Q(S, A) + α [R + γ Σ_a π(a|S') Q(S', a) − Q(S, A)].
 *
 * `targetEpsilon` (default: the behaviour ε) makes it off-policy; 0 gives Q-learning's target.
 */
export function expectedSarsa<Obs>(env: Env<Obs, number>, cfg: ControlConfig<Obs> & { targetEpsilon?: number }): ControlResult {
  const st = setup(env, cfg, "expectedSarsa");
  const { nS, nA, gamma, rng } = st;
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "expectedSarsa");
  const Q = makeQ(nS, nA, cfg.initialQ);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    const epsilon = epsilonAt(cfg.epsilon, episode, "expectedSarsa");
    const targetEpsilon = cfg.targetEpsilon ?? epsilon;
    let [, s] = startEpisode(env, episode, st);
    let total = 0;
    let t = 0;
    for (;;) {
      const a = epsilonGreedyAction(Q[s]!, epsilon, rng);
      const [obs, reward, terminated, truncated] = env.step(a);
      const s2 = st.states.index(obs);
      let expected = 0;
      if (!terminated) {
        const probs = epsilonGreedyRow(Q[s2]!, targetEpsilon);
        for (let b = 0; b < nA; b++) expected += probs[b]! * Q[s2]![b]!;
      }
      Q[s]![a]! += alpha * (reward + gamma * expected - Q[s]![a]!);
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
