// Behaviour cloning: supervised learning of the expert's action from its demonstrations (one file, top to bottom).
//
// Reference: Pomerleau 1991, "Efficient Training of Artificial Neural Networks for Autonomous Navigation",
// https://doi.org/10.1162/neco.1991.3.1.88 ; the covariate-shift problem it has (errors compound quadratically
// in the horizon) is analysed by Ross & Bagnell 2010, "Efficient Reductions for Imitation Learning",
// https://proceedings.mlr.press/v9/ross10a.html .

import type { Env } from "../Env.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import type { Actor } from "../agents/policies.js";
import { collectDemonstrations, fitClassifier, greedyPolicy, learnerOptimizer, makeLearner, seededGenerator, type ClassifierConfig, type ExpertPolicy } from "./common.js";

/** Hyperparameters of {@link trainBC}. */
export interface BCConfig extends ClassifierConfig {
  /** Expert labels: (observation, action) pairs from whole expert episodes, the last one cut at this count. */
  labels: number;
  /** Adam steps of the cross-entropy fit. */
  steps: number;
  seed: number;
  /** Episodes of the final deterministic evaluation (from seeds seed + 100,000, …). */
  evalEpisodes: number;
}

/** The defaults of {@link trainBC}: a 64-64 tanh policy, Adam 1e-3, 2,000 steps of minibatch 64. */
export const bcDefaults: BCConfig = {
  labels: 1000,
  hidden: [64, 64],
  activation: "tanh",
  learningRate: 1e-3,
  batchSize: 64,
  steps: 2000,
  seed: 1,
  evalEpisodes: 10,
};

/** What {@link trainBC} returns. */
export interface BCResult {
  learner: Actor;
  /** The learner's deterministic policy (most likely action). */
  act: ExpertPolicy;
  /** Expert labels used (= the config's `labels`). */
  labels: number;
  /** Expert episodes the labels came from (the last one possibly cut). */
  demonstrationEpisodes: number;
  /** Cross-entropy of each minibatch step. */
  losses: number[];
  evaluation: EvaluationResult;
  /** Environment steps taken by the expert to record the demonstrations (the evaluation's excluded). */
  envSteps: number;
  seconds: number;
}

/**
 * Behaviour cloning on `makeEnv()` (flat Box observations, Discrete actions): records `labels` expert
 * (observation, action) pairs, fits a categorical policy by cross-entropy, and evaluates its greedy policy.
 * Same config (seed included), same result.
 */
export function trainBC(makeEnv: () => Env<number[], number>, expert: ExpertPolicy, config: Partial<BCConfig> = {}): BCResult {
  const cfg: BCConfig = { ...bcDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const rng = seededGenerator("trainBC", cfg.seed);
  const learner = makeLearner("BC", env as Env<unknown, unknown>, cfg, rng);

  // 1. Demonstrations: the expert acts, every step is one label.
  const demos = collectDemonstrations(env, expert, cfg.labels, cfg.seed);

  // 2. Supervised fit: maximize log π(a_expert | s) over the demonstrations.
  const losses = fitClassifier(learner, learnerOptimizer(learner, cfg.learningRate), demos, cfg.steps, cfg.batchSize, rng);

  // 3. Evaluate the greedy policy on fresh episodes.
  const act = greedyPolicy(learner);
  const evaluation = evaluatePolicy(env, act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { learner, act, labels: demos.actions.length, demonstrationEpisodes: demos.episodes, losses, evaluation, envSteps: demos.actions.length, seconds: (performance.now() - start) / 1000 };
}
