// REINFORCE with a learned baseline: Monte-Carlo policy gradient over batches of whole episodes, the
// returns-to-go reduced by a value network V(s) (CleanRL-style: one file, top to bottom).
//
// Papers: Williams 1992, "Simple statistical gradient-following algorithms for connectionist reinforcement
// learning", https://doi.org/10.1007/BF00992696 ; Sutton & Barto (2018) §13.4, "REINFORCE with Baseline".

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { tensor } from "../../ops/creation.js";
import { discountedReturns } from "../returns.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { Actor, Critic, type PolicyOptions } from "./policies.js";
import { observationBatch, type ReturnCurve } from "./common.js";

/**
 * The hyperparameters of {@link trainREINFORCE} (REINFORCE with a learned baseline): budget, policy and value
 * learning rates, steps per batch of whole episodes, discount, value-fitting steps, advantage normalization,
 * network shape, seed and evaluation episodes.
 */
export interface REINFORCEConfig {
  totalTimesteps: number;
  /** Policy learning rate (Adam). */
  learningRate: number;
  /** Baseline learning rate (Adam). */
  valueLearningRate: number;
  /** Whole episodes are collected until the batch holds at least this many steps. */
  batchSteps: number;
  gamma: number;
  /** Gradient steps on the baseline per batch. */
  valueSteps: number;
  /** Standardize the advantages G_t − V(s_t) in each batch. */
  normAdv: boolean;
  hidden: number[];
  activation: "tanh" | "relu";
  seed: number;
  evalEpisodes: number;
}

/** The defaults of {@link trainREINFORCE}'s {@link REINFORCEConfig}. */
export const reinforceDefaults: REINFORCEConfig = {
  totalTimesteps: 500_000,
  learningRate: 3e-3,
  valueLearningRate: 3e-3,
  batchSteps: 2000,
  gamma: 0.99,
  valueSteps: 5,
  normAdv: true,
  hidden: [64, 64],
  activation: "tanh",
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainREINFORCE} returns: the actor and the value baseline, the deterministic policy as `act`,
 * the training return curve, the final evaluation, the environment steps taken and the wall-clock seconds.
 */
export interface REINFORCEResult {
  actor: Actor;
  baseline: Critic;
  act: (observation: number[]) => number | number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/**
 * Trains REINFORCE with a value baseline on `makeEnv()` and evaluates the deterministic policy. Episodes
 * cut by a time limit are treated as ended (the Monte-Carlo return stops there). Same config, same run.
 */
export function trainREINFORCE<Act extends number | number[]>(makeEnv: () => Env<number[], Act>, config: Partial<REINFORCEConfig> = {}, log: (line: string) => void = () => {}): REINFORCEResult {
  const cfg: REINFORCEConfig = { ...reinforceDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const rng = new Generator(cfg.seed);
  const netOptions: PolicyOptions = { hidden: cfg.hidden, activation: cfg.activation, orthogonal: true };
  const actor = new Actor("REINFORCE", env as Env<unknown, unknown>, netOptions, rng);
  const baseline = new Critic(actor.observationSize, netOptions, rng);
  const policyOptimizer = new Adam(actor.parameters(), { lr: cfg.learningRate });
  const valueOptimizer = new Adam(baseline.parameters(), { lr: cfg.valueLearningRate });

  const curve: ReturnCurve = { steps: [], returns: [] };
  let globalStep = 0;
  let firstReset = true;
  let batchIndex = 0;
  while (globalStep < cfg.totalTimesteps) {
    // 1. Collect whole episodes with the current (stochastic) policy.
    const observations: number[][] = [];
    const actions: (number | number[])[] = [];
    const returnsToGo: number[] = [];
    while (observations.length < cfg.batchSteps && globalStep < cfg.totalTimesteps) {
      let [obs] = env.reset(firstReset ? { seed: cfg.seed } : undefined);
      firstReset = false;
      const rewards: number[] = [];
      for (let done = false; !done; ) {
        const { actions: [action] } = actor.sample([obs], rng);
        const [next, reward, terminated, truncated] = env.step(actor.clip(action!) as Act);
        observations.push(obs);
        actions.push(action!);
        rewards.push(reward);
        globalStep++;
        obs = next;
        // The step budget cuts the last episode short, so a run never exceeds totalTimesteps.
        done = terminated || truncated || globalStep >= cfg.totalTimesteps;
      }
      // 2. G_t = Σ_k γ^k r_{t+k} within the episode.
      returnsToGo.push(...discountedReturns(rewards, cfg.gamma));
      curve.steps.push(globalStep);
      curve.returns.push(rewards.reduce((a, b) => a + b, 0));
    }

    // 3. Policy step on −E[log π(a|s) (G − V(s))], then fit the baseline to G.
    const N = observations.length;
    const obsT = observationBatch(observations, actor.observationSize);
    const actT = actor.discrete ? tensor(Int32Array.from(actions as number[])) : observationBatch(actions as number[][], actor.actionDim);
    const returnsT = tensor(Float32Array.from(returnsToGo));
    let advantages = returnsT.sub(tensor(baseline.values(observations)));
    if (cfg.normAdv && N > 1) advantages = advantages.sub(advantages.mean()).div(advantages.std().add(1e-8));
    const { logProb } = actor.logProbAndEntropy(obsT, actT);
    const policyLoss = logProb.mul(advantages).mean().neg();
    policyOptimizer.zeroGrad();
    policyLoss.backward();
    policyOptimizer.step();
    for (let k = 0; k < cfg.valueSteps; k++) {
      const valueLoss = baseline.call(obsT).sub(returnsT).square().mean();
      valueOptimizer.zeroGrad();
      valueLoss.backward();
      valueOptimizer.step();
    }
    batchIndex++;
    if (batchIndex % 10 === 0) {
      const recent = curve.returns.slice(-20);
      log(`REINFORCE step ${globalStep}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  env.close?.();

  const act = (observation: number[]) => actor.actDeterministic(observation);
  const evaluation = evaluatePolicy(makeEnv(), act as (o: number[]) => Act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, baseline, act, curve, evaluation, envSteps: globalStep, seconds: (performance.now() - start) / 1000 };
}
