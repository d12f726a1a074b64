// Experiment: CartPole-v1, NFQ (Riedmiller 2005: refit an MLP on every transition each iteration) for 30 iterations (one greedy episode each) × 3 seeds: evaluation return and the transitions it needed.
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainNFQ, nfqDefaults, type NFQConfig } from "../rl/agents/NFQ.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...nfqDefaults,
  iterations: 30,
  hidden: [32, 32],
  epochsPerIteration: 100,
  seeds: 3,
  target: 475,
};

/**
 * NFQ on CartPole-v1 with `config` (overridden by `budget`, e.g. a tiny run in tests) for `seeds` seeds from
 * `opts.seed`. Writes curves.json and returns.svg; metrics as rlRun.runSeeds documents, plus
 * `envStepsPerSeed` (NFQ collects whole episodes, so the transitions differ by seed). `lr` overrides the
 * learning rate.
 */
export function runCartpoleNFQ(opts: ExperimentOptions, budget: Partial<NFQConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }), ...budget };
  const envSteps: number[] = [];
  const result = runSeeds("cartpole-nfq", opts, seeds, target, (seed) => {
    const run = trainNFQ(() => make("CartPole-v1") as Env<number[], number>, { ...agentConfig, seed }, opts.log);
    envSteps.push(run.envSteps);
    return run;
  });
  return { ...result, envStepsPerSeed: envSteps };
}

export const experiment: Experiment = {
  name: "cartpole-nfq",
  description: "CartPole-v1, NFQ (Riedmiller 2005: refit an MLP on every transition each iteration) for 30 iterations (one greedy episode each) × 3 seeds: evaluation return and the transitions it needed",
  chapter: "deep RL",
  options: {
    iterations: { description: "NFQ iterations (each: one greedy episode, then a refit on all transitions)", default: config.iterations },
    epochsPerIteration: { description: "full-batch optimizer steps per refit", default: config.epochsPerIteration },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the optimizer's learning rate", default: config.learningRate, kind: "positive" },
    evalEpisodes: { description: "greedy evaluation episodes after training", default: config.evalEpisodes },
  },
  quick: { iterations: 2, epochsPerIteration: 5, seeds: 1, evalEpisodes: 1 },
  config,
  run: (opts) => runCartpoleNFQ(opts, givenOptions(opts.params, ["iterations", "epochsPerIteration", "seeds", "evalEpisodes"])),
};
