// Experiment: CartPole-v1, TRPO (2 envs × 512 steps, δ = 0.01, 10 CG iterations with Fisher-vector products by hvp) for 200,000 steps × 3 seeds: evaluation return (target ≥ 475).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainTRPO, trpoDefaults, type TRPOConfig } from "../rl/agents/TRPO.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...trpoDefaults,
  totalTimesteps: 200_000,
  seeds: 3,
  target: 475,
};

/**
 * TRPO on CartPole-v1 with `config` (overridden by `budget`, e.g. a tiny run in tests) for `seeds` seeds
 * from `opts.seed`. Writes curves.json and returns.svg; metrics as rlRun.runSeeds documents.
 * `epochs` is unused; `lr` overrides the critic's learning rate.
 */
export function runCartpoleTRPO(opts: ExperimentOptions, budget: Partial<TRPOConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { criticLearningRate: opts.lr }), ...budget };
  return runSeeds("cartpole-trpo", opts, seeds, target, (seed) => trainTRPO(() => make("CartPole-v1") as Env<number[], number>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "cartpole-trpo",
  description: "CartPole-v1, TRPO (2 envs × 512 steps, δ = 0.01, conjugate gradient on Fisher-vector products) for 200,000 steps × 3 seeds: evaluation return (target ≥ 475)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per training run", default: config.totalTimesteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the critic's (value network's) learning rate", default: config.criticLearningRate, kind: "positive" },
    evalEpisodes: { description: "greedy evaluation episodes after training", default: config.evalEpisodes },
  },
  quick: { totalTimesteps: 512, seeds: 1, evalEpisodes: 1 },
  config,
  run: (opts) => runCartpoleTRPO(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "evalEpisodes"])),
};
