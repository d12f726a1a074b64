// Soft (maximum-entropy) Q-learning: the soft Bellman backup with a log-sum-exp over next actions.

import type { Env } from "../Env.js";
import { checkStepSize, type ControlConfig, type ControlResult, makeQ, setup, startEpisode } from "./common.js";
import { logSumExp, softmax, softmaxRow } from "./policies.js";

/**
 * Soft Q-learning (Haarnoja et al. 2017, https://arxiv.org/abs/1702.08165, Section 2; the tabular
 * "G-learning" of Fox, Pakman & Tishby 2016, https://arxiv.org/abs/1512.08562). With temperature τ,
 *
 *   Q(S, A) ← Q(S, A) + α [R + γ τ log Σ_a exp(Q(S', a) / τ) − Q(S, A)],
 *
 * which converges to the optimal soft values of the entropy-regularized objective
 * E[Σ γ^t (r_t + τ H(π(·|s_t)))]; its optimal policy is the Boltzmann policy π(a|s) ∝ exp(Q(s,a)/τ),
 * which is also the behaviour policy here. As τ → 0 the backup becomes Q-learning's max.
 */
export function softQLearning<Obs>(
  env: Env<Obs, number>,
  cfg: Omit<ControlConfig<Obs>, "epsilon"> & { temperature?: number },
): ControlResult {
  const st = setup(env, cfg, "softQLearning");
  const { nS, nA, gamma, rng } = st;
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "softQLearning");
  const tau = cfg.temperature ?? 1;
  if (!(tau > 0)) throw new Error(`softQLearning: temperature must be positive, got ${tau}`);
  const Q = makeQ(nS, nA, cfg.initialQ);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    let [, s] = startEpisode(env, episode, st);
    let total = 0;
    let t = 0;
    for (;;) {
      const a = rng.categorical(softmaxRow(Q[s]!, tau));
      const [obs, reward, terminated, truncated] = env.step(a);
      const s2 = st.states.index(obs);
      const target = reward + (terminated ? 0 : gamma * logSumExp(Q[s2]!, tau));
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
  return { Q, policy: softmax(Q, tau), episodeReturns, episodeLengths };
}
