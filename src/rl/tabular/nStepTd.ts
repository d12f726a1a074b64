// n-step TD prediction (Sutton & Barto 2nd ed., Section 7.1).

import type { Env } from "../Env.js";
import { actFrom, checkStepSize, type PolicyLike, type PredictionResult, setup, startEpisode } from "./common.js";
import { initialValues, type TdConfig } from "./td0.js";

/**
 * n-step TD, http://incompleteideas.net/book/RLbook2020.pdf#page=166 : at time τ = t − n + 1,
 *
 *   G = Σ_{i=τ+1}^{min(τ+n, T)} γ^{i−τ−1} R_i  (+ γ^n V(S_{τ+n}) if τ + n < T),
 *   V(S_τ) ← V(S_τ) + α [G − V(S_τ)].
 *
 * n = 1 is TD(0); n ≥ episode length is constant-α Monte Carlo. A truncated (not terminated)
 * episode bootstraps from its last state.
 */
export function nStepTd<Obs>(env: Env<Obs, number>, policy: PolicyLike<Obs>, cfg: TdConfig<Obs> & { n: number }): PredictionResult<Obs> {
  const st = setup(env, cfg, "nStepTd");
  const { n } = cfg;
  if (!Number.isInteger(n) || n < 1) throw new Error(`nStepTd: n must be a positive integer, got ${n}`);
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "nStepTd");
  const gamma = st.gamma;
  const V = initialValues(st.nS, cfg.initialV, "nStepTd");
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    let [obs, s] = startEpisode(env, episode, st);
    // states[t] = S_t, rewards[t] = R_t (rewards[0] unused), as in the book's indexing.
    const states = [s];
    const rewards = [0];
    let T = Infinity;
    let bootstrapAtEnd = false;
    let total = 0;
    for (let t = 0; ; t++) {
      if (t < T) {
        const [obs2, reward, terminated, truncated] = env.step(actFrom(policy, s, obs, st.rng));
        [obs, s] = [obs2, st.states.index(obs2)];
        states.push(s);
        rewards.push(reward);
        total += reward;
        if (terminated || truncated || t + 1 >= st.maxSteps) {
          T = t + 1;
          bootstrapAtEnd = !terminated;
        }
      }
      const tau = t - n + 1;
      if (tau >= 0) {
        let G = 0;
        const end = Math.min(tau + n, T);
        for (let i = end; i > tau; i--) G = rewards[i]! + gamma * G;
        if (tau + n < T || bootstrapAtEnd) G += gamma ** (end - tau) * V[states[end]!]!;
        V[states[tau]!]! += alpha * (G - V[states[tau]!]!);
      }
      if (tau === T - 1) break;
    }
    episodeReturns.push(total);
    episodeLengths.push(T);
    cfg.onEpisode?.(episode, total, T);
  }
  return { V, policy, episodeReturns, episodeLengths };
}
