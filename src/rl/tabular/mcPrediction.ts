// Monte Carlo prediction, first-visit or every-visit (Sutton & Barto 2nd ed., Section 5.1).

import type { Env } from "../Env.js";
import { actFrom, checkStepSize, type EpisodeConfig, type PolicyLike, type PredictionResult, setup, startEpisode } from "./common.js";

/**
 * Options of {@link mcPrediction}: those of every episodic learner plus first-visit or every-visit averaging
 * and an optional constant step size.
 */
export interface McPredictionConfig<Obs> extends EpisodeConfig<Obs> {
  /** Average only the first visit to a state in each episode (default true) or every visit. */
  firstVisit?: boolean;
  /** Constant step size (constant-α MC, eq. 6.1); default: sample averages. */
  alpha?: number;
}

/**
 * First-visit / every-visit MC prediction, http://incompleteideas.net/book/RLbook2020.pdf#page=114 :
 * V(s) is the average of the returns G_t = R_{t+1} + γ G_{t+1} that follow visits to s.
 * Also returns `visits[s]`, the number of returns averaged into V(s).
 */
export function mcPrediction<Obs>(
  env: Env<Obs, number>,
  policy: PolicyLike<Obs>,
  cfg: McPredictionConfig<Obs>,
): PredictionResult<Obs> & { visits: number[] } {
  const st = setup(env, cfg, "mcPrediction");
  const firstVisit = cfg.firstVisit ?? true;
  if (cfg.alpha !== undefined) checkStepSize(cfg.alpha, "mcPrediction");
  const V = new Array<number>(st.nS).fill(0);
  const visits = new Array<number>(st.nS).fill(0);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    let [obs, s] = startEpisode(env, episode, st);
    const states: number[] = [];
    const rewards: number[] = [];
    for (;;) {
      const [obs2, reward, terminated, truncated] = env.step(actFrom(policy, s, obs, st.rng));
      states.push(s);
      rewards.push(reward);
      if (terminated || truncated || states.length >= st.maxSteps) break;
      [obs, s] = [obs2, st.states.index(obs2)];
    }
    // firstTime[s] = the first time step at which s occurs in this episode.
    const firstTime = new Map<number, number>();
    states.forEach((x, t) => firstTime.has(x) || firstTime.set(x, t));
    let G = 0;
    for (let t = states.length - 1; t >= 0; t--) {
      G = st.gamma * G + rewards[t]!;
      const x = states[t]!;
      if (firstVisit && firstTime.get(x) !== t) continue;
      visits[x]!++;
      V[x]! += (cfg.alpha ?? 1 / visits[x]!) * (G - V[x]!);
    }
    const total = rewards.reduce((a, b) => a + b, 0);
    episodeReturns.push(total);
    episodeLengths.push(states.length);
    cfg.onEpisode?.(episode, total, states.length);
  }
  return { V, policy, episodeReturns, episodeLengths, visits };
}
