// Experiment: CartPole-v1, DQN (rl-baselines3-zoo hyperparameters, 256-256 ReLU) for 50,000 steps × 3 seeds: evaluation return (target ≥ 475).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainDQN, dqnDefaults, type DQNConfig } from "../rl/agents/DQN.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...dqnDefaults,
  totalTimesteps: 50_000,
  seeds: 3,
  target: 475,
};

/**
 * DQN on CartPole-v1 with `config` (overridden by `budget`, e.g. a tiny run in tests) for `seeds` seeds
 * from `opts.seed`. Writes curves.json and returns.svg; metrics as rlRun.runSeeds documents.
 * `epochs` is unused; `lr` overrides the learning rate.
 */
export function runCartpoleDQN(opts: ExperimentOptions, budget: Partial<DQNConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }), ...budget };
  return runSeeds("cartpole-dqn", opts, seeds, target, (seed) => trainDQN(() => make("CartPole-v1") as Env<number[], number>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "cartpole-dqn",
  description: "CartPole-v1, DQN (rl-baselines3-zoo hyperparameters, 256-256 ReLU) for 50,000 steps × 3 seeds: evaluation return (target ≥ 475)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per training run", default: config.totalTimesteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the optimizer's learning rate", default: config.learningRate, kind: "positive" },
    evalEpisodes: { description: "greedy evaluation episodes after training", default: config.evalEpisodes },
  },
  quick: { totalTimesteps: 512, seeds: 1, evalEpisodes: 1 },
  config,
  run: (opts) => runCartpoleDQN(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "evalEpisodes"])),
};
