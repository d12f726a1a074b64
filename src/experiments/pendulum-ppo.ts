// Experiment: Pendulum-v1, PPO (rl-baselines3-zoo hyperparameters: 4 envs × 1024 steps, 10 epochs of 64-row minibatches, γ 0.9, lr 1e-3; observation normalization instead of gSDE) for 200,000 steps × 3 seeds: evaluation return (target ≥ -250).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainPPO, ppoDefaults, type PPOConfig } from "../rl/agents/PPO.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

/**
 * rl-baselines3-zoo's hyperparams/ppo.yml for Pendulum-v1 (n_envs 4, n_steps 1024, gae_lambda 0.95, gamma 0.9,
 * n_epochs 10, ent_coef 0, learning_rate 1e-3, clip_range 0.2, SB3's batch_size 64 → 64 minibatches, constant
 * learning rate, no value clipping), with a state-independent Gaussian instead of gSDE (use_sde) and SB3
 * VecNormalize-style observation normalization in its place.
 */
export const config = {
  ...ppoDefaults,
  totalTimesteps: 200_000,
  numEnvs: 4,
  numSteps: 1024,
  numMinibatches: 64,
  updateEpochs: 10,
  gaeLambda: 0.95,
  gamma: 0.9,
  entCoef: 0,
  learningRate: 1e-3,
  clipCoef: 0.2,
  annealLr: false,
  clipVloss: false,
  normalizeObservations: true,
  seeds: 3,
  target: -250,
};

/**
 * PPO on Pendulum-v1 with `config` (overridden by `budget`) for `seeds` seeds from `opts.seed`. Writes
 * curves.json and returns.svg; metrics as rlRun.runSeeds documents. `epochs` is unused; `lr` overrides the learning rate.
 */
export function runPendulumPPO(opts: ExperimentOptions, budget: Partial<PPOConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }), ...budget };
  return runSeeds("pendulum-ppo", opts, seeds, target, (seed) => trainPPO(() => make("Pendulum-v1") as Env<number[], number[]>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "pendulum-ppo",
  description: "Pendulum-v1, PPO (rl-baselines3-zoo hyperparameters: 4 envs × 1024 steps, 10 epochs, γ 0.9; observation normalization instead of gSDE) for 200,000 steps × 3 seeds: evaluation return (target ≥ -250)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per training run", default: config.totalTimesteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the optimizer's learning rate", default: config.learningRate, kind: "positive" },
    evalEpisodes: { description: "deterministic evaluation episodes after training", default: config.evalEpisodes },
    numSteps: { description: "steps per env per rollout", default: config.numSteps },
    updateEpochs: { description: "epochs over each rollout", default: config.updateEpochs },
  },
  quick: { totalTimesteps: 256, seeds: 1, evalEpisodes: 1, numSteps: 64, updateEpochs: 1 },
  config,
  run: (opts) => runPendulumPPO(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "evalEpisodes", "numSteps", "updateEpochs"])),
};
