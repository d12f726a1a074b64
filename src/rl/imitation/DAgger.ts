// DAgger (dataset aggregation): roll out the learner, ask the expert what it would have done in the states the
// learner visited, add those labels to the data set and refit (one file, top to bottom).
//
// Paper: Ross, Gordon & Bagnell 2011, "A Reduction of Imitation Learning and Structured Prediction to No-Regret
// Online Learning", https://arxiv.org/abs/1011.0686 (Algorithm 3.1 with β₁ = 1 and βᵢ = 0 afterwards, the
// schedule the paper found best; here round 1's expert data is a demonstration cut to `initialLabels` steps,
// and each later round is one learner episode). Labelling the learner's own states removes behaviour cloning's covariate
// shift: the data covers the states the learner's mistakes lead to.

import type { Env } from "../Env.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import type { Actor } from "../agents/policies.js";
import { collectDemonstrations, fitClassifier, greedyPolicy, learnerOptimizer, makeLearner, seededGenerator, type ClassifierConfig, type Demonstrations, type ExpertPolicy } from "./common.js";

/** Hyperparameters of {@link trainDAgger}. */
export interface DAggerConfig extends ClassifierConfig {
  /** Budget of expert labels in all: the demonstration's plus every state the expert labels afterwards. */
  labels: number;
  /** Round 1 (β₁ = 1): an expert demonstration of this many steps (0: start from the untrained learner's rollouts). */
  initialLabels: number;
  /** The expert labels every `labelEvery`-th state of the learner's episode (1: every state, as the paper). */
  labelEvery: number;
  /** Adam steps on the aggregated data after each round. */
  stepsPerRound: number;
  seed: number;
  /** Episodes of the final deterministic evaluation (from seeds seed + 100,000, …). */
  evalEpisodes: number;
}

/** The defaults of {@link trainDAgger}: the policy and optimizer of {@link bcDefaults}, a 50-step demonstration, 200 steps per round. */
export const daggerDefaults: DAggerConfig = {
  labels: 1000,
  initialLabels: 50,
  hidden: [64, 64],
  activation: "tanh",
  learningRate: 1e-3,
  batchSize: 64,
  labelEvery: 1,
  stepsPerRound: 200,
  seed: 1,
  evalEpisodes: 10,
};

/** One DAgger round: the labels used so far and, when the learner's episode finished, its return. */
export interface DAggerRound {
  labels: number;
  /** Return of the learner's (β = 0) episode of this round; null for the demonstration round or a cut episode. */
  learnerReturn: number | null;
}

/** What {@link trainDAgger} returns. */
export interface DAggerResult {
  learner: Actor;
  /** The learner's deterministic policy (most likely action). */
  act: ExpertPolicy;
  /** Expert labels used in all (= the budget). */
  labels: number;
  rounds: DAggerRound[];
  /** The aggregated data set. */
  data: Demonstrations;
  evaluation: EvaluationResult;
  /** Environment steps of the demonstration and the learner's rollouts (the evaluation's excluded). */
  envSteps: number;
  seconds: number;
}

/**
 * DAgger on `makeEnv()` (flat Box observations, Discrete actions) with `expert` as the oracle, until `labels`
 * expert labels are spent: a short expert demonstration, then rounds of one learner episode each whose every
 * visited state the expert labels, with a refit on all data after every round. Same config, same result.
 */
export function trainDAgger(makeEnv: () => Env<number[], number>, expert: ExpertPolicy, config: Partial<DAggerConfig> = {}): DAggerResult {
  const cfg: DAggerConfig = { ...daggerDefaults, ...config };
  if (!Number.isInteger(cfg.labels) || cfg.labels < 1) throw new Error(`DAgger: labels must be a positive integer, got ${cfg.labels}`);
  if (!Number.isInteger(cfg.labelEvery) || cfg.labelEvery < 1) throw new Error(`DAgger: labelEvery must be a positive integer, got ${cfg.labelEvery}`);
  if (!Number.isInteger(cfg.initialLabels) || cfg.initialLabels < 0) throw new Error(`DAgger: initialLabels must be a non-negative integer, got ${cfg.initialLabels}`);
  const start = performance.now();
  const env = makeEnv();
  const rng = seededGenerator("trainDAgger", cfg.seed);
  const learner = makeLearner("DAgger", env as Env<unknown, unknown>, cfg, rng);
  const optimizer = learnerOptimizer(learner, cfg.learningRate);
  const act = greedyPolicy(learner);
  const data: Demonstrations = { observations: [], actions: [] };
  const rounds: DAggerRound[] = [];
  let envSteps = 0;

  // 1. Round 1 (β₁ = 1): the expert drives and labels a short demonstration.
  if (cfg.initialLabels > 0) {
    const demo = collectDemonstrations(env, expert, Math.min(cfg.initialLabels, cfg.labels), cfg.seed);
    data.observations.push(...demo.observations);
    data.actions.push(...demo.actions);
    envSteps += demo.actions.length;
    fitClassifier(learner, optimizer, data, cfg.stepsPerRound, cfg.batchSize, rng);
    rounds.push({ labels: data.actions.length, learnerReturn: null });
  }

  // 2. Rounds i ≥ 2 (βᵢ = 0): the learner drives, the expert labels every state it visits; aggregate and refit.
  for (let episode = 0; data.actions.length < cfg.labels; episode++) {
    let [obs] = env.reset({ seed: cfg.seed + 10_000 + episode });
    let episodeReturn = 0;
    let finished = false;
    for (let t = 0; data.actions.length < cfg.labels; t++) {
      if (t % cfg.labelEvery === 0) {
        data.observations.push(obs);
        data.actions.push(expert(obs)); // the expert's label; the learner's own action is what the env sees
      }
      const [next, reward, terminated, truncated] = env.step(act(obs));
      envSteps++;
      episodeReturn += reward;
      obs = next;
      if (terminated || truncated) {
        finished = true;
        break;
      }
    }
    fitClassifier(learner, optimizer, data, cfg.stepsPerRound, cfg.batchSize, rng);
    rounds.push({ labels: data.actions.length, learnerReturn: finished ? episodeReturn : null });
  }

  // 3. Evaluate the final learner's greedy policy on fresh episodes.
  const evaluation = evaluatePolicy(env, act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { learner, act, labels: data.actions.length, rounds, data, evaluation, envSteps, seconds: (performance.now() - start) / 1000 };
}
