// Experiment: Pendulum-v1, model-based RL — a 5-member MLP ensemble learns (Δobservation, reward) and CEM-MPC plans through it — for 2,400 real steps × 3 seeds: evaluation return (target ≥ -250 within 5,000 steps).
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { trainWorldModelMPC, worldModelMPCDefaults, type WorldModelMPCConfig } from "../rl/agents/WorldModelMPC.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions, runSeeds } from "./rlRun.js";

export const config = {
  ...worldModelMPCDefaults,
  /** Twice the agent's default: at 1,200 real steps one seed in three still failed an evaluation episode (seed 1: −296 ± 490). */
  totalTimesteps: 2400,
  seeds: 3,
  target: -250,
};

/**
 * World-model MPC on Pendulum-v1 with `config` (overridden by `budget`) for `seeds` seeds from `opts.seed`.
 * Writes curves.json and returns.svg; metrics as rlRun.runSeeds documents (`envSteps` counts real steps of
 * training; the evaluation episodes come after it). `epochs` is unused; `lr` overrides the model's learning rate.
 */
export function runPendulumMPC(opts: ExperimentOptions, budget: Partial<WorldModelMPCConfig & { seeds: number }> = {}): ExperimentResult {
  const { seeds, target, ...agentConfig } = { ...config, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }), ...budget };
  return runSeeds("pendulum-mpc", opts, seeds, target, (seed) => trainWorldModelMPC(() => make("Pendulum-v1") as Env<number[], number[]>, { ...agentConfig, seed }, opts.log));
}

export const experiment: Experiment = {
  name: "pendulum-mpc",
  description: "Pendulum-v1, model-based RL: an MLP ensemble learns dynamics and reward, CEM-MPC plans through it; 2,400 real steps × 3 seeds: evaluation return (target ≥ -250)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "real environment steps per training run (random steps included)", default: config.totalTimesteps },
    randomSteps: { description: "uniformly random steps before the first model fit", default: config.randomSteps },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …)", default: config.seeds },
    lr: { description: "the world model's learning rate", default: config.learningRate, kind: "positive" },
    evalEpisodes: { description: "MPC evaluation episodes after training", default: config.evalEpisodes },
    horizon: { description: "planning horizon (actions per imagined rollout)", default: config.horizon },
    population: { description: "candidate action sequences per CEM iteration", default: config.population },
    iterations: { description: "CEM iterations per real step", default: config.iterations },
    fitSteps: { description: "Adam steps per model fit", default: config.fitSteps },
  },
  quick: { totalTimesteps: 220, randomSteps: 200, seeds: 1, evalEpisodes: 1, horizon: 5, population: 20, iterations: 1, fitSteps: 20 },
  config,
  run: (opts) => runPendulumMPC(opts, givenOptions(opts.params, ["totalTimesteps", "randomSteps", "seeds", "evalEpisodes", "horizon", "population", "iterations", "fitSteps"])),
};
