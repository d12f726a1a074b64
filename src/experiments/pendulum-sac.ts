// Experiment: Pendulum-v1, SAC (CleanRL hyperparameters with automatic entropy tuning, 256-256 ReLU, learning after 1,000 random steps) for 20,000 steps × 3 seeds: evaluation return (target ≥ -200).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainSAC, sacDefaults, type SACConfig } from "../rl/agents/SAC.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...sacDefaults,
  totalTimesteps: 20_000,
  seeds: 3,
  target: -200,
};

/**
 * SAC on Pendulum-v1 with `config` (overridden by `budget`) for `seeds` seeds from `opts.seed`. Writes
 * curves.json and returns.svg; metrics as rlRun.runSeeds documents. `epochs` is unused; `lr` overrides qLearningRate.
 */
export function runPendulumSAC(opts: ExperimentOptions, budget: Partial<SACConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { qLearningRate: opts.lr }), ...budget };
  return runSeeds("pendulum-sac", opts, seeds, target, (seed) => trainSAC(() => make("Pendulum-v1") as Env<number[], number[]>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "pendulum-sac",
  description: "Pendulum-v1, SAC (CleanRL hyperparameters with automatic entropy tuning, 256-256 ReLU, learning after 1,000 random steps) for 20,000 steps × 3 seeds: evaluation return (target ≥ -200)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per training run", default: config.totalTimesteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the Q-networks' learning rate", default: config.qLearningRate, kind: "positive" },
    evalEpisodes: { description: "greedy evaluation episodes after training", default: config.evalEpisodes },
  },
  quick: { totalTimesteps: 512, seeds: 1, evalEpisodes: 1 },
  config,
  run: (opts) => runPendulumSAC(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "evalEpisodes"])),
};
