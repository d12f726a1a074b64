// Evaluation of a fixed policy: N episodes from seeded resets, mean ± standard deviation of the returns.

import type { Env } from "./Env.js";
import { checkSeed } from "./seeding.js";

/**
 * Options of {@link evaluatePolicy}: the number of episodes, the seed of the first and the step cap per
 * episode.
 */
export interface EvaluateOptions {
  /** Episodes to run (default 10). */
  episodes?: number;
  /** Episode i starts from `reset({ seed: seed + i })` (default 0), so evaluations are reproducible. */
  seed?: number;
  /** Stop an episode after this many steps even if the env does not truncate it (default 100,000). */
  maxSteps?: number;
}

/**
 * What {@link evaluatePolicy} returns: the mean and standard deviation of the undiscounted returns, and every
 * episode's return and length.
 */
export interface EvaluationResult {
  /** Mean undiscounted return over the episodes. */
  mean: number;
  /** Population standard deviation of the returns (NumPy's `np.std`, as rl-baselines3-zoo reports). */
  std: number;
  returns: number[];
  lengths: number[];
}

/**
 * Runs `policy` (usually deterministic: the greedy action, the Gaussian mean) for `episodes` episodes on
 * `env`, each reset with its own seed, and reports the returns. The policy is called with each observation.
 *
 * ```ts
 * const { mean, std } = evaluatePolicy(make("CartPole-v1"), (obs) => agent.act(obs), { episodes: 10 });
 * ```
 */
export function evaluatePolicy<Obs, Act>(env: Env<Obs, Act>, policy: (observation: Obs) => Act, options: EvaluateOptions = {}): EvaluationResult {
  const episodes = options.episodes ?? 10;
  const seed = checkSeed(options.seed ?? 0, "evaluatePolicy");
  const maxSteps = options.maxSteps ?? 100_000;
  if (!Number.isInteger(episodes) || episodes <= 0) throw new Error(`evaluatePolicy: episodes must be a positive integer, got ${episodes}`);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < episodes; i++) {
    let [obs] = env.reset({ seed: checkSeed(seed + i, "evaluatePolicy", `seed + ${i}`) });
    let total = 0;
    let steps = 0;
    for (;;) {
      const [next, reward, terminated, truncated] = env.step(policy(obs));
      total += reward;
      steps++;
      obs = next;
      if (terminated || truncated || steps >= maxSteps) break;
    }
    returns.push(total);
    lengths.push(steps);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / episodes);
  return { mean, std, returns, lengths };
}
