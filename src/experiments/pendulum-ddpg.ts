// Experiment: Pendulum-v1, DDPG (CleanRL hyperparameters, 256-256 ReLU, learning after 1,000 random steps) for 20,000 steps × 3 seeds: evaluation return (target ≥ -250).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainDDPG, ddpgDefaults, type DDPGConfig } from "../rl/agents/DDPG.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...ddpgDefaults,
  totalTimesteps: 20_000,
  seeds: 3,
  target: -250,
};

/**
 * DDPG on Pendulum-v1 with `config` (overridden by `budget`) for `seeds` seeds from `opts.seed`. Writes
 * curves.json and returns.svg; metrics as rlRun.runSeeds documents. `epochs` is unused; `lr` overrides learningRate.
 */
export function runPendulumDDPG(opts: ExperimentOptions, budget: Partial<DDPGConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }), ...budget };
  return runSeeds("pendulum-ddpg", opts, seeds, target, (seed) => trainDDPG(() => make("Pendulum-v1") as Env<number[], number[]>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "pendulum-ddpg",
  description: "Pendulum-v1, DDPG (CleanRL hyperparameters, 256-256 ReLU, learning after 1,000 random steps) for 20,000 steps × 3 seeds: evaluation return (target ≥ -250)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per training run", default: config.totalTimesteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the optimizer's learning rate", default: config.learningRate, kind: "positive" },
    evalEpisodes: { description: "greedy evaluation episodes after training", default: config.evalEpisodes },
  },
  quick: { totalTimesteps: 512, seeds: 1, evalEpisodes: 1 },
  config,
  run: (opts) => runPendulumDDPG(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "evalEpisodes"])),
};
