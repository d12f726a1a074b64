// Monte Carlo control: exploring starts (MC ES) or on-policy first-visit ε-soft (Sutton & Barto 2nd ed., 5.3–5.4).

import type { Env } from "../Env.js";
import { checkStepSize, type ControlConfig, type ControlResult, controlResult, epsilonAt, epsilonGreedyAction, makeQ, setup, startEpisode } from "./common.js";

/**
 * Options of {@link mcControl}: those of every control method plus exploring starts (Monte Carlo ES) with
 * their start states, and an optional constant step size.
 */
export interface McControlConfig<Obs> extends ControlConfig<Obs> {
  /**
   * Monte Carlo ES (Section 5.3): each episode starts from a uniformly drawn state of `startStates`
   * (via `reset({ options: { state } })`) with a uniformly random first action, then acts greedily.
   * Default false: on-policy first-visit MC control with an ε-greedy (ε-soft) policy (Section 5.4).
   */
  exploringStarts?: boolean;
  /** Start states for exploring starts (observations the env accepts as `options.state`). */
  startStates?: readonly Obs[];
  /** Constant step size; default: sample averages of the returns (as in the book's boxes). */
  alpha?: number;
}

/**
 * First-visit Monte Carlo control, http://incompleteideas.net/book/RLbook2020.pdf#page=121 (ES) and
 * #page=123 (ε-soft): after each episode, Q(S_t, A_t) moves to the average of the returns that
 * followed the first visit to (S_t, A_t); the policy is (ε-)greedy w.r.t. Q.
 * `epsilon` is ignored with exploring starts (the policy is greedy; ties are broken at random).
 */
export function mcControl<Obs>(env: Env<Obs, number>, cfg: McControlConfig<Obs>): ControlResult & { visits: number[][] } {
  const st = setup(env, cfg, "mcControl");
  const { nS, nA, gamma, rng } = st;
  const exploringStarts = cfg.exploringStarts ?? false;
  const startStates = cfg.startStates ?? [];
  if (exploringStarts && startStates.length === 0) {
    throw new Error("mcControl: exploringStarts needs cfg.startStates, the states an episode may start from (e.g. Blackjack.decisionStates())");
  }
  if (cfg.alpha !== undefined) checkStepSize(cfg.alpha, "mcControl");
  const Q = makeQ(nS, nA, cfg.initialQ);
  const visits = makeQ(nS, nA, 0);
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  for (let episode = 0; episode < cfg.episodes; episode++) {
    const epsilon = exploringStarts ? 0 : epsilonAt(cfg.epsilon, episode, "mcControl");
    const start = exploringStarts ? { state: startStates[rng.randint(0, startStates.length)] } : undefined;
    let [, s] = startEpisode(env, episode, st, start);
    const states: number[] = [];
    const actions: number[] = [];
    const rewards: number[] = [];
    for (;;) {
      const a = exploringStarts && states.length === 0 ? rng.randint(0, nA) : epsilonGreedyAction(Q[s]!, epsilon, rng);
      const [obs, reward, terminated, truncated] = env.step(a);
      states.push(s);
      actions.push(a);
      rewards.push(reward);
      if (terminated || truncated || states.length >= st.maxSteps) break;
      s = st.states.index(obs);
    }
    // The first time each (s, a) pair occurs, keyed s·nA + a.
    const firstTime = new Map<number, number>();
    states.forEach((x, t) => firstTime.has(x * nA + actions[t]!) || firstTime.set(x * nA + actions[t]!, t));
    let G = 0;
    for (let t = states.length - 1; t >= 0; t--) {
      G = gamma * G + rewards[t]!;
      const x = states[t]!;
      const a = actions[t]!;
      if (firstTime.get(x * nA + a) !== t) continue;
      visits[x]![a]!++;
      Q[x]![a]! += (cfg.alpha ?? 1 / visits[x]![a]!) * (G - Q[x]![a]!);
    }
    const total = rewards.reduce((p, q) => p + q, 0);
    episodeReturns.push(total);
    episodeLengths.push(states.length);
    cfg.onEpisode?.(episode, total, states.length);
  }
  return { ...controlResult(Q, episodeReturns, episodeLengths), visits };
}
