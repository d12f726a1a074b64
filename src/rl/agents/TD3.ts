// TD3: twin delayed deep deterministic policy gradient — DDPG with two critics (the smaller one's target),
// delayed actor updates and target-policy smoothing (CleanRL-style: one file, top to bottom).
//
// Paper: Fujimoto, van Hoof & Meger 2018, "Addressing Function Approximation Error in Actor-Critic Methods",
// https://arxiv.org/abs/1802.09477 . Reference implementation: CleanRL's td3_continuous_action.py,
// https://docs.cleanrl.dev/rl-algorithms/td3/ .

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { mseLoss } from "../../nn/functional/losses.js";
import { noGrad } from "../../autograd/engine.js";
import { randn } from "../../ops/creation.js";
import { ReplayBuffer } from "../ReplayBuffer.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { copyWeights, softUpdate, type ReturnCurve } from "./common.js";
import { ActionScale, continuousSpaces, DeterministicActor, QCritic } from "./continuous.js";

/**
 * The hyperparameters of {@link trainTD3} (Fujimoto et al. 2018), named as in CleanRL: those of DDPG plus the
 * target-policy smoothing noise and its clip; {@link td3Defaults} holds the defaults.
 */
export interface TD3Config {
  totalTimesteps: number;
  learningRate: number;
  bufferSize: number;
  gamma: number;
  /** Polyak factor of the target networks. */
  tau: number;
  batchSize: number;
  /** σ of the Gaussian exploration noise, in units of the action half-width. */
  explorationNoise: number;
  /** Uniformly random actions for this many steps before learning starts. */
  learningStarts: number;
  /** Actor and target updates every `policyFrequency` critic updates (the "delayed" of TD3). */
  policyFrequency: number;
  /** Target-policy smoothing: noise σ and its clip, in units of the action half-width. */
  policyNoise: number;
  noiseClip: number;
  hidden: number[];
  seed: number;
  evalEpisodes: number;
}

/** CleanRL td3_continuous_action.py's values, with learning starting after 1,000 steps (Pendulum's 20,000-step budget). */
export const td3Defaults: TD3Config = {
  totalTimesteps: 20_000,
  learningRate: 3e-4,
  bufferSize: 1_000_000,
  gamma: 0.99,
  tau: 0.005,
  batchSize: 256,
  explorationNoise: 0.1,
  learningStarts: 1000,
  policyFrequency: 2,
  policyNoise: 0.2,
  noiseClip: 0.5,
  hidden: [256, 256],
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainTD3} returns: the actor μ(s), the deterministic policy as `act`, the training return
 * curve, the final evaluation, the environment steps taken and the wall-clock seconds.
 */
export interface TD3Result {
  actor: DeterministicActor;
  act: (observation: number[]) => number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/** Trains TD3 on `makeEnv()` (flat Box observations, bounded Box actions) and evaluates μ(s). Same config, same run. */
export function trainTD3(makeEnv: () => Env<number[], number[]>, config: Partial<TD3Config> = {}, log: (line: string) => void = () => {}): TD3Result {
  const cfg: TD3Config = { ...td3Defaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const { observationSize, low, high } = continuousSpaces("TD3", env as Env<unknown, unknown>);
  if (cfg.learningStarts < cfg.batchSize) throw new Error(`TD3: learningStarts (${cfg.learningStarts}) must be at least batchSize (${cfg.batchSize}), or the first update samples a buffer smaller than a batch`);
  const d = low.length;
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  const scale = new ActionScale(low, high);
  const actor = new DeterministicActor(observationSize, scale, cfg.hidden, rng);
  const q1 = new QCritic(observationSize, d, cfg.hidden, rng);
  const q2 = new QCritic(observationSize, d, cfg.hidden, rng);
  const actorTarget = new DeterministicActor(observationSize, scale, cfg.hidden, rng);
  const q1Target = new QCritic(observationSize, d, cfg.hidden, rng);
  const q2Target = new QCritic(observationSize, d, cfg.hidden, rng);
  copyWeights(actorTarget, actor);
  copyWeights(q1Target, q1);
  copyWeights(q2Target, q2);
  const qOptimizer = new Adam([...q1.parameters(), ...q2.parameters()], { lr: cfg.learningRate });
  const actorOptimizer = new Adam(actor.parameters(), { lr: cfg.learningRate });
  const buffer = new ReplayBuffer(Math.min(cfg.bufferSize, cfg.totalTimesteps), { observationSize, actionSize: d, owner: "TD3" });

  const curve: ReturnCurve = { steps: [], returns: [] };
  let [obs] = env.reset({ seed: cfg.seed });
  let episodeReturn = 0;
  for (let step = 0; step < cfg.totalTimesteps; step++) {
    // 1. Act: random at first, then μ(s) plus Gaussian noise, clipped into the Box.
    const action = step < cfg.learningStarts
      ? env.actionSpace.sample()
      : scale.clip(actor.act(obs).map((a, i) => a + rng.normal() * cfg.explorationNoise * (high[i]! - low[i]!) / 2));
    const [nextObs, reward, terminated, truncated] = env.step(action);
    episodeReturn += reward;
    buffer.add({ observation: obs, action, reward, nextObservation: nextObs, terminated, discount: cfg.gamma });
    if (terminated || truncated) {
      curve.steps.push(step + 1);
      curve.returns.push(episodeReturn);
      episodeReturn = 0;
      [obs] = env.reset();
    } else obs = nextObs;

    if (step < cfg.learningStarts) continue;
    // 2. Critics: y = r + γ (1 − d) min_i Q_i'(s', clip(μ'(s') + clip(ε, −c, c))).
    const batch = buffer.sample(cfg.batchSize, rng);
    const target = noGrad(() => {
      const noise = randn([cfg.batchSize, d], { generator: rng }).mul(cfg.policyNoise).clamp({ min: -cfg.noiseClip, max: cfg.noiseClip }).mul(scale.halfWidth);
      const nextAction = actorTarget.call(batch.nextObservations).add(noise).maximum(scale.lowT).minimum(scale.highT); // (B, d)
      const nextQ = q1Target.call(batch.nextObservations, nextAction).minimum(q2Target.call(batch.nextObservations, nextAction)); // (B,)
      return batch.rewards.add(batch.discounts.mul(batch.terminated.neg().add(1)).mul(nextQ));
    });
    const qLoss = mseLoss(q1.call(batch.observations, batch.actions), target).add(mseLoss(q2.call(batch.observations, batch.actions), target));
    qOptimizer.zeroGrad();
    qLoss.backward();
    qOptimizer.step();

    // 3. Delayed actor update (maximize Q1(s, μ(s))) and Polyak target updates.
    if ((step + 1) % cfg.policyFrequency === 0) {
      const actorLoss = q1.call(batch.observations, actor.call(batch.observations)).mean().neg();
      actorOptimizer.zeroGrad();
      actorLoss.backward();
      actorOptimizer.step();
      softUpdate(actorTarget, actor, cfg.tau);
      softUpdate(q1Target, q1, cfg.tau);
      softUpdate(q2Target, q2, cfg.tau);
    }
    if ((step + 1) % 2000 === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-5);
      log(`TD3 step ${step + 1}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  env.close?.();

  const act = (observation: number[]) => actor.act(observation);
  const evaluation = evaluatePolicy(makeEnv(), act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, act, curve, evaluation, envSteps: cfg.totalTimesteps, seconds: (performance.now() - start) / 1000 };
}
