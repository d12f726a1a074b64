// Experiment: CartPole-v1, PPO (rl-baselines3-zoo hyperparameters: 8 envs × 32 steps, 20 epochs, GAE 0.8) for 100,000 steps × 3 seeds: evaluation return (target ≥ 475).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainPPO, ppoDefaults, type PPOConfig } from "../rl/agents/PPO.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...ppoDefaults,
  totalTimesteps: 100_000,
  numEnvs: 8,
  numSteps: 32,
  numMinibatches: 1,
  updateEpochs: 20,
  gaeLambda: 0.8,
  gamma: 0.98,
  entCoef: 0,
  learningRate: 1e-3,
  clipVloss: false,
  seeds: 3,
  target: 475,
};

/**
 * PPO on CartPole-v1 with `config` (overridden by `budget`, e.g. a tiny run in tests) for `seeds` seeds
 * from `opts.seed`. Writes curves.json and returns.svg; metrics as rlRun.runSeeds documents.
 * `epochs` is unused; `lr` overrides the learning rate.
 */
export function runCartpolePPO(opts: ExperimentOptions, budget: Partial<PPOConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }), ...budget };
  return runSeeds("cartpole-ppo", opts, seeds, target, (seed) => trainPPO(() => make("CartPole-v1") as Env<number[], number>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "cartpole-ppo",
  description: "CartPole-v1, PPO (rl-baselines3-zoo hyperparameters: 8 envs × 32 steps, 20 epochs, GAE 0.8) for 100,000 steps × 3 seeds: evaluation return (target ≥ 475)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per training run", default: config.totalTimesteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the optimizer's learning rate", default: config.learningRate, kind: "positive" },
    evalEpisodes: { description: "greedy evaluation episodes after training", default: config.evalEpisodes },
  },
  quick: { totalTimesteps: 512, seeds: 1, evalEpisodes: 1 },
  config,
  run: (opts) => runCartpolePPO(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "evalEpisodes"])),
};
