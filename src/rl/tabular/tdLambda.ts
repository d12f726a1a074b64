// Tabular TD(λ) with accumulating or replacing eligibility traces (Sutton & Barto 2nd ed., Section 12.2).

import type { Env } from "../Env.js";
import { actFrom, checkStepSize, type PolicyLike, type PredictionResult, setup, startEpisode } from "./common.js";
import { initialValues, type TdConfig } from "./td0.js";

/**
 * Options of {@link tdLambda}: those of {@link td0} plus the trace decay λ and the trace type (accumulating
 * or replacing).
 */
export interface TdLambdaConfig<Obs> extends TdConfig<Obs> {
  /** Trace decay λ ∈ [0, 1] (λ = 0 is TD(0); λ = 1 is every-visit MC, offline). */
  lambda: number;
  /** "accumulating" (default): e(S) += 1; "replacing": e(S) = 1 (Singh & Sutton 1996). */
  traces?: "accumulating" | "replacing";
}

/**
 * Backward-view TD(λ), http://incompleteideas.net/book/RLbook2020.pdf#page=315 (tabular case):
 *
 *   e ← γλ e;  e(S) ← e(S) + 1  (or 1);  δ = R + γ V(S') − V(S);  V ← V + α δ e,
 *
 * with V(terminal) = 0 and traces cleared at the start of each episode.
 */
export function tdLambda<Obs>(env: Env<Obs, number>, policy: PolicyLike<Obs>, cfg: TdLambdaConfig<Obs>): PredictionResult<Obs> {
  const st = setup(env, cfg, "tdLambda");
  const { lambda, traces = "accumulating" } = cfg;
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`tdLambda: lambda must lie in [0, 1], got ${lambda}`);
  const alpha = cfg.alpha ?? 0.1;
  checkStepSize(alpha, "tdLambda");
  const V = initialValues(st.nS, cfg.initialV, "tdLambda");
  const e = new Float64Array(st.nS);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    e.fill(0);
    let [obs, s] = startEpisode(env, episode, st);
    let total = 0;
    let t = 0;
    for (;;) {
      const [obs2, reward, terminated, truncated] = env.step(actFrom(policy, s, obs, st.rng));
      const s2 = st.states.index(obs2);
      const decay = st.gamma * lambda;
      for (let i = 0; i < st.nS; i++) e[i]! *= decay;
      e[s] = traces === "replacing" ? 1 : e[s]! + 1;
      const delta = reward + (terminated ? 0 : st.gamma * V[s2]!) - V[s]!;
      for (let i = 0; i < st.nS; i++) if (e[i] !== 0) V[i]! += alpha * delta * e[i]!;
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
