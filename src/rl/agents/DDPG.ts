// DDPG: deep deterministic policy gradient — an actor μ(s) trained through a learned Q(s, a), with
// replay, Gaussian exploration noise and Polyak-averaged target networks (CleanRL-style: one file, top to bottom).
//
// Paper: Lillicrap et al. 2016, "Continuous control with deep reinforcement learning", https://arxiv.org/abs/1509.02971 .
// Reference implementation: CleanRL's ddpg_continuous_action.py, https://docs.cleanrl.dev/rl-algorithms/ddpg/ .

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Adam } from "../../optim/Adam.js";
import { mseLoss } from "../../nn/functional/losses.js";
import { noGrad } from "../../autograd/engine.js";
import { ReplayBuffer } from "../ReplayBuffer.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { copyWeights, softUpdate, type ReturnCurve } from "./common.js";
import { ActionScale, continuousSpaces, DeterministicActor, QCritic } from "./continuous.js";

/**
 * The hyperparameters of {@link trainDDPG} (Lillicrap et al. 2016), named as in CleanRL: budget, learning
 * rate, replay buffer size, discount, target-update rate τ, batch size, exploration noise, learning start,
 * policy update frequency, network shape, seed and evaluation episodes; {@link ddpgDefaults} holds the
 * defaults.
 */
export interface DDPGConfig {
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
  /** Actor and target updates every `policyFrequency` critic updates. */
  policyFrequency: number;
  hidden: number[];
  seed: number;
  evalEpisodes: number;
}

/** CleanRL ddpg_continuous_action.py's values, with learning starting after 1,000 steps (Pendulum's 20,000-step budget). */
export const ddpgDefaults: DDPGConfig = {
  totalTimesteps: 20_000,
  learningRate: 3e-4,
  bufferSize: 1_000_000,
  gamma: 0.99,
  tau: 0.005,
  batchSize: 256,
  explorationNoise: 0.1,
  learningStarts: 1000,
  policyFrequency: 2,
  hidden: [256, 256],
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainDDPG} returns: the actor μ(s), the deterministic policy as `act`, the training return
 * curve, the final evaluation, the environment steps taken and the wall-clock seconds.
 */
export interface DDPGResult {
  actor: DeterministicActor;
  act: (observation: number[]) => number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/** Trains DDPG on `makeEnv()` (flat Box observations, bounded Box actions) and evaluates μ(s). Same config, same run. */
export function trainDDPG(makeEnv: () => Env<number[], number[]>, config: Partial<DDPGConfig> = {}, log: (line: string) => void = () => {}): DDPGResult {
  const cfg: DDPGConfig = { ...ddpgDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const { observationSize, low, high } = continuousSpaces("DDPG", env as Env<unknown, unknown>);
  if (cfg.learningStarts < cfg.batchSize) throw new Error(`DDPG: learningStarts (${cfg.learningStarts}) must be at least batchSize (${cfg.batchSize}), or the first update samples a buffer smaller than a batch`);
  const d = low.length;
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  const scale = new ActionScale(low, high);
  const actor = new DeterministicActor(observationSize, scale, cfg.hidden, rng);
  const q = new QCritic(observationSize, d, cfg.hidden, rng);
  const actorTarget = new DeterministicActor(observationSize, scale, cfg.hidden, rng);
  const qTarget = new QCritic(observationSize, d, cfg.hidden, rng);
  copyWeights(actorTarget, actor);
  copyWeights(qTarget, q);
  const qOptimizer = new Adam(q.parameters(), { lr: cfg.learningRate });
  const actorOptimizer = new Adam(actor.parameters(), { lr: cfg.learningRate });
  const buffer = new ReplayBuffer(Math.min(cfg.bufferSize, cfg.totalTimesteps), { observationSize, actionSize: d, owner: "DDPG" });

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
    // 2. Critic: y = r + γ (1 − d) Q'(s', μ'(s')).
    const batch = buffer.sample(cfg.batchSize, rng);
    const target = noGrad(() => {
      const nextQ = qTarget.call(batch.nextObservations, actorTarget.call(batch.nextObservations)); // (B,)
      return batch.rewards.add(batch.discounts.mul(batch.terminated.neg().add(1)).mul(nextQ));
    });
    const qLoss = mseLoss(q.call(batch.observations, batch.actions), target);
    qOptimizer.zeroGrad();
    qLoss.backward();
    qOptimizer.step();

    // 3. Actor update (maximize Q(s, μ(s))) and Polyak target updates.
    if ((step + 1) % cfg.policyFrequency === 0) {
      const actorLoss = q.call(batch.observations, actor.call(batch.observations)).mean().neg();
      actorOptimizer.zeroGrad();
      actorLoss.backward();
      actorOptimizer.step();
      softUpdate(actorTarget, actor, cfg.tau);
      softUpdate(qTarget, q, cfg.tau);
    }
    if ((step + 1) % 2000 === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-5);
      log(`DDPG step ${step + 1}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  env.close?.();

  const act = (observation: number[]) => actor.act(observation);
  const evaluation = evaluatePolicy(makeEnv(), act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, act, curve, evaluation, envSteps: cfg.totalTimesteps, seconds: (performance.now() - start) / 1000 };
}
