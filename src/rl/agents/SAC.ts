// SAC: soft actor-critic — a squashed-Gaussian policy maximizing reward plus entropy, twin critics with
// soft (entropy-regularized) targets, and automatic tuning of the temperature α (CleanRL-style: one file).
//
// Papers: Haarnoja et al. 2018, "Soft Actor-Critic: Off-Policy Maximum Entropy Deep RL with a Stochastic
// Actor", https://arxiv.org/abs/1801.01290 ; Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and
// Applications" (automatic α), https://arxiv.org/abs/1812.05905 . Reference implementation: CleanRL's
// sac_continuous_action.py, https://docs.cleanrl.dev/rl-algorithms/sac/ .

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Module } from "../../nn/Module.js";
import type { Sequential } from "../../nn/containers.js";
import { Linear } from "../../nn/Linear.js";
import { Parameter } from "../../nn/Parameter.js";
import { Adam } from "../../optim/Adam.js";
import { mseLoss } from "../../nn/functional/losses.js";
import { noGrad } from "../../autograd/engine.js";
import { randn, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { ReplayBuffer } from "../ReplayBuffer.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { copyWeights, mlp, observationBatch, softUpdate, type ReturnCurve } from "./common.js";
import { ActionScale, continuousSpaces, QCritic } from "./continuous.js";

const LOG_STD_MIN = -5;
const LOG_STD_MAX = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** π(a|s): a = center + halfWidth · tanh(u), u ~ N(μ(s), σ(s)²), with log σ squashed into [−5, 2]. */
export class SquashedGaussianActor extends Module {
  readonly trunk: Sequential;
  readonly mean: Linear;
  readonly logStd: Linear;

  constructor(observationSize: number, readonly scale: ActionScale, hidden: number[], generator: Generator) {
    super();
    this.trunk = mlp([observationSize, ...hidden], generator, { activation: "relu" });
    this.mean = new Linear(hidden[hidden.length - 1]!, scale.low.length, { generator });
    this.logStd = new Linear(hidden[hidden.length - 1]!, scale.low.length, { generator });
  }

  /** Features → (μ, log σ), each (N, d). */
  forward(observations: Tensor): Tensor {
    return this.trunk.call(observations).relu();
  }

  /**
   * A reparameterized sample a (N, d) and log π(a|s) (N,): log N(u; μ, σ²) − Σ log(halfWidth (1 − tanh²u) + 1e-6),
   * the change of variables through the squashing (appendix C of the SAC paper). `deterministic` gives the squashed mean.
   */
  sample(observations: Tensor, generator: Generator, deterministic = false): { action: Tensor; logProb: Tensor } {
    const h = this.call(observations);
    const mu = this.mean.call(h);
    const logStd = this.logStd.call(h).tanh().add(1).mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN)).add(LOG_STD_MIN);
    const eps = deterministic ? zeros(mu.shape) : randn(mu.shape, { generator });
    const u = mu.add(logStd.exp().mul(eps));
    const y = u.tanh();
    const action = y.mul(this.scale.halfWidth).add(this.scale.center);
    const logProb = eps.square().mul(-0.5).sub(logStd).sub(HALF_LOG_2PI)
      .sub(y.square().neg().add(1).mul(this.scale.halfWidth).add(1e-6).log())
      .sum(1);
    return { action, logProb };
  }
}

/**
 * The hyperparameters of {@link trainSAC} (soft actor–critic, Haarnoja et al. 2018), named as in CleanRL:
 * budget, policy and Q learning rates, replay buffer size, discount, τ, batch size, learning start, policy
 * update frequency, entropy temperature α (fixed or autotuned), network shape, seed and evaluation episodes;
 * {@link sacDefaults} holds the defaults.
 */
export interface SACConfig {
  totalTimesteps: number;
  policyLearningRate: number;
  qLearningRate: number;
  bufferSize: number;
  gamma: number;
  tau: number;
  batchSize: number;
  learningStarts: number;
  /** The actor (and α) is updated `policyFrequency` times every `policyFrequency` steps (TD3-style delay, CleanRL). */
  policyFrequency: number;
  /** Tune α so the policy's entropy tracks −dim(A) (true), or keep `alpha` fixed. */
  autotune: boolean;
  alpha: number;
  hidden: number[];
  seed: number;
  evalEpisodes: number;
}

/** CleanRL sac_continuous_action.py's values, with learning starting after 1,000 steps (Pendulum's 20,000-step budget). */
export const sacDefaults: SACConfig = {
  totalTimesteps: 20_000,
  policyLearningRate: 3e-4,
  qLearningRate: 1e-3,
  bufferSize: 1_000_000,
  gamma: 0.99,
  tau: 0.005,
  batchSize: 256,
  learningStarts: 1000,
  policyFrequency: 2,
  autotune: true,
  alpha: 0.2,
  hidden: [256, 256],
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainSAC} returns: the squashed-Gaussian actor, the policy's squashed mean as `act`, the
 * training return curve, the final evaluation, the environment steps taken, the wall-clock seconds and the
 * final temperature α.
 */
export interface SACResult {
  actor: SquashedGaussianActor;
  act: (observation: number[]) => number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
  /** α at the end of training. */
  alpha: number;
}

/** Trains SAC on `makeEnv()` (flat Box observations, bounded Box actions) and evaluates the squashed mean. Same config, same run. */
export function trainSAC(makeEnv: () => Env<number[], number[]>, config: Partial<SACConfig> = {}, log: (line: string) => void = () => {}): SACResult {
  const cfg: SACConfig = { ...sacDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const { observationSize, low, high } = continuousSpaces("SAC", env as Env<unknown, unknown>);
  if (cfg.learningStarts < cfg.batchSize) throw new Error(`SAC: learningStarts (${cfg.learningStarts}) must be at least batchSize (${cfg.batchSize}), or the first update samples a buffer smaller than a batch`);
  const d = low.length;
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  const scale = new ActionScale(low, high);
  const actor = new SquashedGaussianActor(observationSize, scale, cfg.hidden, rng);
  const q1 = new QCritic(observationSize, d, cfg.hidden, rng);
  const q2 = new QCritic(observationSize, d, cfg.hidden, rng);
  const q1Target = new QCritic(observationSize, d, cfg.hidden, rng);
  const q2Target = new QCritic(observationSize, d, cfg.hidden, rng);
  copyWeights(q1Target, q1);
  copyWeights(q2Target, q2);
  const qOptimizer = new Adam([...q1.parameters(), ...q2.parameters()], { lr: cfg.qLearningRate });
  const actorOptimizer = new Adam(actor.parameters(), { lr: cfg.policyLearningRate });
  // Automatic temperature: minimize E[−α (log π(a|s) + H̄)] over log α, with target entropy H̄ = −dim(A).
  const targetEntropy = -d;
  const logAlpha = new Parameter(zeros([1]));
  const alphaOptimizer = new Adam([logAlpha], { lr: cfg.qLearningRate });
  let alpha = cfg.autotune ? Math.exp(logAlpha.item()) : cfg.alpha;
  const buffer = new ReplayBuffer(Math.min(cfg.bufferSize, cfg.totalTimesteps), { observationSize, actionSize: d, owner: "SAC" });

  const curve: ReturnCurve = { steps: [], returns: [] };
  let [obs] = env.reset({ seed: cfg.seed });
  let episodeReturn = 0;
  for (let step = 0; step < cfg.totalTimesteps; step++) {
    // 1. Act: random at first, then a sample of π(·|s).
    const action = step < cfg.learningStarts
      ? env.actionSpace.sample()
      : Array.from(noGrad(() => actor.sample(observationBatch([obs], observationSize), rng).action.dataSync()));
    const [nextObs, reward, terminated, truncated] = env.step(scale.clip(action));
    episodeReturn += reward;
    buffer.add({ observation: obs, action, reward, nextObservation: nextObs, terminated, discount: cfg.gamma });
    if (terminated || truncated) {
      curve.steps.push(step + 1);
      curve.returns.push(episodeReturn);
      episodeReturn = 0;
      [obs] = env.reset();
    } else obs = nextObs;

    if (step < cfg.learningStarts) continue;
    // 2. Critics: y = r + γ (1 − d) (min_i Q_i'(s', a') − α log π(a'|s')), a' ~ π(·|s').
    const batch = buffer.sample(cfg.batchSize, rng);
    const target = noGrad(() => {
      const next = actor.sample(batch.nextObservations, rng);
      const nextQ = q1Target.call(batch.nextObservations, next.action).minimum(q2Target.call(batch.nextObservations, next.action)).sub(next.logProb.mul(alpha));
      return batch.rewards.add(batch.discounts.mul(batch.terminated.neg().add(1)).mul(nextQ));
    });
    const qLoss = mseLoss(q1.call(batch.observations, batch.actions), target).add(mseLoss(q2.call(batch.observations, batch.actions), target));
    qOptimizer.zeroGrad();
    qLoss.backward();
    qOptimizer.step();

    // 3. Actor: minimize E[α log π(a|s) − min_i Q_i(s, a)] with a reparameterized; then α.
    if ((step + 1) % cfg.policyFrequency === 0) {
      for (let k = 0; k < cfg.policyFrequency; k++) {
        const { action: a, logProb } = actor.sample(batch.observations, rng);
        const minQ = q1.call(batch.observations, a).minimum(q2.call(batch.observations, a));
        const actorLoss = logProb.mul(alpha).sub(minQ).mean();
        actorOptimizer.zeroGrad();
        actorLoss.backward();
        actorOptimizer.step();
        if (cfg.autotune) {
          const entropyGap = noGrad(() => actor.sample(batch.observations, rng).logProb.add(targetEntropy));
          const alphaLoss = logAlpha.exp().mul(entropyGap).mean().neg();
          alphaOptimizer.zeroGrad();
          alphaLoss.backward();
          alphaOptimizer.step();
          alpha = Math.exp(logAlpha.item());
        }
      }
    }
    softUpdate(q1Target, q1, cfg.tau);
    softUpdate(q2Target, q2, cfg.tau);
    if ((step + 1) % 2000 === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-5);
      log(`SAC step ${step + 1}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}, α ${alpha.toFixed(3)}`);
    }
  }
  env.close?.();

  const act = (observation: number[]) => Array.from(noGrad(() => actor.sample(observationBatch([observation], observationSize), rng, true).action.dataSync()));
  const evaluation = evaluatePolicy(makeEnv(), act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, act, curve, evaluation, envSteps: cfg.totalTimesteps, seconds: (performance.now() - start) / 1000, alpha };
}
