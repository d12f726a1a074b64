// PPO: proximal policy optimization with the clipped surrogate objective, GAE(λ), value clipping, an entropy
// bonus and minibatch epochs, for Discrete and Box actions (CleanRL-style: one file, top to bottom).
//
// Paper: Schulman et al. 2017, "Proximal Policy Optimization Algorithms", https://arxiv.org/abs/1707.06347 .
// Reference implementation and its details: CleanRL's ppo.py / ppo_continuous_action.py,
// https://docs.cleanrl.dev/rl-algorithms/ppo/ and Huang et al. 2022, "The 37 Implementation Details of PPO",
// https://iclr-blog-track.github.io/2022/03/25/ppo-implementation-details/ .

import type { Env } from "../Env.js";
import { SyncVectorEnv } from "../vector.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { clipGradNorm_ } from "../../nn/regularization.js";
import { RolloutBuffer } from "../RolloutBuffer.js";
import { RunningMeanStd } from "../normalize.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { Actor, Critic, type PolicyOptions } from "./policies.js";
import type { ReturnCurve } from "./common.js";

/** Hyperparameters; the defaults are CleanRL ppo.py's (Atari-free classic-control defaults). */
export interface PPOConfig {
  totalTimesteps: number;
  learningRate: number;
  /** Parallel environments (SyncVectorEnv) ... */
  numEnvs: number;
  /** ... each stepped this many times per rollout. */
  numSteps: number;
  /** Anneal the learning rate linearly to 0 over training. */
  annealLr: boolean;
  gamma: number;
  gaeLambda: number;
  /** Minibatches per epoch (the rollout's numEnvs · numSteps rows split evenly). */
  numMinibatches: number;
  updateEpochs: number;
  /** Normalize advantages per minibatch. */
  normAdv: boolean;
  /** ε of the clipped ratio r ∈ [1 − ε, 1 + ε]. */
  clipCoef: number;
  /** Clip the value update around the old value estimate by the same ε. */
  clipVloss: boolean;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
  /** Stop the epochs of an update early when the approximate KL exceeds this (null: never). */
  targetKl: number | null;
  hidden: number[];
  activation: "tanh" | "relu";
  /**
   * Normalize observations by running mean and variance over every env's observations, clipped to ±10
   * (SB3's VecNormalize for observations; rewards are left alone); the statistics are frozen for evaluation.
   */
  normalizeObservations: boolean;
  seed: number;
  evalEpisodes: number;
}

/** The defaults of {@link trainPPO}'s {@link PPOConfig}: CleanRL ppo.py's values. */
export const ppoDefaults: PPOConfig = {
  totalTimesteps: 500_000,
  learningRate: 2.5e-4,
  numEnvs: 4,
  numSteps: 128,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  hidden: [64, 64],
  activation: "tanh",
  normalizeObservations: false,
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainPPO} returns: the actor and critic, the deterministic policy as `act`, the training return
 * curve, the final evaluation, the environment steps taken and the wall-clock seconds (of training alone and
 * in all).
 */
export interface PPOResult {
  actor: Actor;
  critic: Critic;
  /** The running observation statistics (`normalizeObservations`), frozen after training; null without normalization. */
  observationStats: RunningMeanStd | null;
  /** Deterministic action (argmax class / clipped mean) for one raw observation (normalized first when `normalizeObservations`). */
  act: (observation: number[]) => number | number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  /** Wall-clock of training (rollouts and updates), evaluation excluded. */
  trainSeconds: number;
  seconds: number;
}

/**
 * Callbacks into {@link trainPPO}'s loop, for algorithms built on PPO (GAIL trains its discriminator on each
 * rollout's state-action pairs).
 */
export interface PPOHooks {
  /** Called after each rollout is collected (rewards already stored), before its advantages and update; `globalStep` counts env steps so far. */
  afterRollout?: (globalStep: number) => void;
}

/**
 * Trains PPO on `numEnvs` copies of `makeEnv()` (flat Box observations; Discrete or bounded Box actions)
 * and evaluates the deterministic policy on a fresh environment. Same config (seed included), same run.
 */
export function trainPPO<Act extends number | number[]>(makeEnv: () => Env<number[], Act>, config: Partial<PPOConfig> = {}, log: (line: string) => void = () => {}, hooks: PPOHooks = {}): PPOResult {
  const cfg: PPOConfig = { ...ppoDefaults, ...config };
  const start = performance.now();
  // Same-step autoreset: the step that ends an episode returns the next episode's first observation and
  // keeps the final one in info.finalObservation (needed to bootstrap truncated episodes).
  const envs = new SyncVectorEnv(Array.from({ length: cfg.numEnvs }, () => makeEnv), { autoresetMode: "same-step" });
  const rng = new Generator(cfg.seed);
  const netOptions: PolicyOptions = { hidden: cfg.hidden, activation: cfg.activation, orthogonal: true };
  const actor = new Actor("PPO", envs.envs[0]! as Env<unknown, unknown>, netOptions, rng);
  const critic = new Critic(actor.observationSize, netOptions, rng);
  const params = [...critic.parameters(), ...actor.parameters()];
  const optimizer = new Adam(params, { lr: cfg.learningRate, eps: 1e-5 });
  const E = cfg.numEnvs;
  const T = cfg.numSteps;
  const batchSize = E * T;
  if (batchSize % cfg.numMinibatches !== 0) throw new Error(`PPO: numEnvs · numSteps = ${batchSize} rows do not split into ${cfg.numMinibatches} equal minibatches`);
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: E, observationSize: actor.observationSize, actionSize: actor.discrete ? 0 : actor.actionDim });
  const numUpdates = Math.floor(cfg.totalTimesteps / batchSize);

  const obsRms = cfg.normalizeObservations ? new RunningMeanStd(actor.observationSize) : null;
  /** The observations the networks see: raw, or normalized by the running statistics (updated first when `update`). */
  const normalize = (batch: number[][], update: boolean): number[][] => {
    if (obsRms === null) return batch;
    if (update) obsRms.update(batch);
    return batch.map((o) => obsRms.normalize(o).map((v) => Math.min(Math.max(v, -10), 10)));
  };

  const curve: ReturnCurve = { steps: [], returns: [] };
  const episodeReturns = new Array<number>(E).fill(0);
  let obs = normalize(envs.reset({ seed: cfg.seed })[0], true);
  let globalStep = 0;
  for (let update = 0; update < numUpdates; update++) {
    if (cfg.annealLr) optimizer.paramGroups[0]!.lr = (1 - update / numUpdates) * cfg.learningRate;

    // 1. Roll out T steps in each env with the current policy.
    for (let t = 0; t < T; t++) {
      const { actions, logProbs } = actor.sample(obs, rng);
      const values = critic.values(obs);
      const [rawNextObs, rewards, terminated, truncated, infos] = envs.step(actions.map((a) => actor.clip(a)) as Act[]);
      const nextObs = normalize(rawNextObs, true);
      globalStep += E;
      // A time-limit cut is not a terminal state: fold γ V(final observation) into the reward (as SB3 does).
      const cut = truncated.map((tr, e) => tr && !terminated[e]);
      const finalValues = cut.some((c) => c) ? critic.values(infos.map((info, e) => (cut[e] ? normalize([info.finalObservation as number[]], false)[0]! : nextObs[e]!))) : null;
      for (let e = 0; e < E; e++) {
        const reward = rewards[e]! + (cut[e] ? cfg.gamma * finalValues![e]! : 0);
        buffer.store(t, e, obs[e]!, actions[e]!, logProbs[e]!, values[e]!, reward, terminated[e]! || truncated[e]!);
        episodeReturns[e]! += rewards[e]!;
        if (terminated[e] || truncated[e]) {
          curve.steps.push(globalStep);
          curve.returns.push(episodeReturns[e]!);
          episodeReturns[e] = 0;
        }
      }
      obs = nextObs;
    }

    hooks.afterRollout?.(globalStep);

    // 2. Advantages by GAE(λ), bootstrapped with V(s_T).
    buffer.computeAdvantages(critic.values(obs), cfg.gamma, cfg.gaeLambda);

    // 3. Optimize the clipped surrogate for a few epochs of shuffled minibatches.
    for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
      let approxKl = 0;
      for (const rows of buffer.minibatches(cfg.numMinibatches, rng)) {
        const mb = buffer.batch(rows);
        const { logProb, entropy } = actor.logProbAndEntropy(mb.observations, mb.actions);
        const logRatio = logProb.sub(mb.logProbs);
        const ratio = logRatio.exp();
        let advantages = mb.advantages;
        if (cfg.normAdv) advantages = advantages.sub(advantages.mean()).div(advantages.std().add(1e-8));
        // L^CLIP = E[min(r Â, clip(r, 1 − ε, 1 + ε) Â)], minimized as its negative.
        const pgLoss = advantages.mul(ratio).neg().maximum(advantages.mul(ratio.clamp({ min: 1 - cfg.clipCoef, max: 1 + cfg.clipCoef })).neg()).mean();
        const newValues = critic.call(mb.observations);
        const vLossUnclipped = newValues.sub(mb.returns).square();
        const vLoss = cfg.clipVloss
          ? vLossUnclipped.maximum(mb.values.add(newValues.sub(mb.values).clamp({ min: -cfg.clipCoef, max: cfg.clipCoef })).sub(mb.returns).square()).mean().mul(0.5)
          : vLossUnclipped.mean().mul(0.5);
        const loss = pgLoss.sub(entropy.mean().mul(cfg.entCoef)).add(vLoss.mul(cfg.vfCoef));
        optimizer.zeroGrad();
        loss.backward();
        clipGradNorm_(params, cfg.maxGradNorm);
        optimizer.step();
        // KL(old ‖ new) ≈ E[(r − 1) − log r] (Schulman's low-variance estimator).
        if (cfg.targetKl !== null) approxKl = ratio.detach().sub(1).sub(logRatio.detach()).mean().item();
      }
      if (cfg.targetKl !== null && approxKl > cfg.targetKl) break;
    }
    if ((update + 1) % Math.max(1, Math.floor(numUpdates / 10)) === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-20);
      log(`PPO step ${globalStep}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  envs.close();
  const trainSeconds = (performance.now() - start) / 1000;

  // 4. Evaluate the deterministic policy on a fresh environment.
  const act = (observation: number[]) => actor.actDeterministic(normalize([observation], false)[0]!);
  const evaluation = evaluatePolicy(makeEnv(), act as (o: number[]) => Act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, critic, observationStats: obsRms, act, curve, evaluation, envSteps: globalStep, trainSeconds, seconds: (performance.now() - start) / 1000 };
}
