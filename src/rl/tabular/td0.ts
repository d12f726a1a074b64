// Tabular TD(0) prediction (Sutton 1988; Sutton & Barto 2nd ed., Section 6.1).

import type { Env } from "../Env.js";
import { actFrom, checkStepSize, type EpisodeConfig, type PolicyLike, type PredictionResult, setup, startEpisode } from "./common.js";

/**
 * Options of {@link td0}: those of every episodic learner plus the step size α and the initial state values.
 */
export interface TdConfig<Obs> extends EpisodeConfig<Obs> {
  /** Step size α (default 0.1). */
  alpha?: number;
  /** Initial state values (default 0 everywhere; Example 6.2 starts at 0.5). */
  initialV?: number | ArrayLike<number>;
}

export function initialValues(nS: number, initialV: number | ArrayLike<number> | undefined, context: string): number[] {
  if (initialV === undefined || typeof initialV === "number") return new Array<number>(nS).fill(initialV ?? 0);
  if (initialV.length !== nS) throw new Error(`${context}: initialV has ${initialV.length} entries, expected ${nS}`);
  return Array.from(initialV);
}

/**
 * TD(0), http://incompleteideas.net/book/RLbook2020.pdf#page=142 :
 *
 *   V(S) ← V(S) + α [R + γ V(S') − V(S)],  with V(terminal) = 0.
 */
export function td0<Obs>(env: Env<Obs, number>, policy: PolicyLike<Obs>, cfg: TdConfig<Obs>): PredictionResult<Obs> {
  const st = setup(env, cfg, "td0");
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "td0");
  const V = initialValues(st.nS, cfg.initialV, "td0");
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    let [obs, s] = startEpisode(env, episode, st);
    let total = 0;
    let t = 0;
    for (;;) {
      const [obs2, reward, terminated, truncated] = env.step(actFrom(policy, s, obs, st.rng));
      const s2 = st.states.index(obs2);
      V[s]! += alpha * (reward + (terminated ? 0 : st.gamma * V[s2]!) - V[s]!);
      total += reward;
      t++;
      if (terminated || truncated || t >= st.maxSteps) break;
      [obs, s] = [obs2, s2];
    }
    episodeReturns.push(total);
    episodeLengths.push(t);
    cfg.onEpisode?.(episode, total, t);
  }
  return { V, policy, episodeReturns, episodeLengths };
}
