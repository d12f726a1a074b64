// DQN: deep Q-learning with experience replay and a target network, plus Double DQN, dueling heads,
// n-step returns and prioritized replay as options (CleanRL-style: one file, top to bottom).
//
// Papers: Mnih et al. 2015, "Human-level control through deep reinforcement learning",
// https://doi.org/10.1038/nature14236 ; van Hasselt et al. 2016, "Deep Reinforcement Learning with Double
// Q-learning", https://arxiv.org/abs/1509.06461 ; Wang et al. 2016, "Dueling Network Architectures",
// https://arxiv.org/abs/1511.06581 ; Schaul et al. 2016, "Prioritized Experience Replay",
// https://arxiv.org/abs/1511.05952 ; n-step targets as in Hessel et al. 2018 (Rainbow), https://arxiv.org/abs/1710.02298 .
// Reference implementation: CleanRL's dqn.py, https://docs.cleanrl.dev/rl-algorithms/dqn/ .

import type { Env } from "../Env.js";
import { Generator } from "../../random/Generator.js";
import { Module } from "../../nn/Module.js";
import type { Sequential } from "../../nn/containers.js";
import { Linear } from "../../nn/Linear.js";
import { Adam } from "../../optim/Adam.js";
import { clipGradNorm_ } from "../../nn/regularization.js";
import { huberLoss, mseLoss } from "../../nn/functional/losses.js";
import { noGrad } from "../../autograd/engine.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { PrioritizedReplayBuffer, ReplayBuffer, linearSchedule } from "../ReplayBuffer.js";
import { NStepAccumulator } from "../returns.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { argmaxRows, copyWeights, discreteSpaces, mlp, observationBatch, type ReturnCurve } from "./common.js";

/** Hyperparameters. Defaults are rl-baselines3-zoo's tuned CartPole-v1 values (hyperparams/dqn.yml). */
export interface DQNConfig {
  /** Environment steps to train for. */
  totalTimesteps: number;
  learningRate: number;
  /** Replay capacity in transitions. */
  bufferSize: number;
  gamma: number;
  /** Hard target-network copy every this many environment steps. */
  targetNetworkFrequency: number;
  batchSize: number;
  /** ε of ε-greedy exploration goes linearly from `startE` to `endE` over `explorationFraction · totalTimesteps` steps. */
  startE: number;
  endE: number;
  explorationFraction: number;
  /** Steps of random play before learning starts (and the buffer holds at least this many transitions). */
  learningStarts: number;
  /** Learn every `trainFrequency` environment steps, ... */
  trainFrequency: number;
  /** ... taking this many gradient steps each time. */
  gradientSteps: number;
  /** Hidden layer sizes of the Q-network (ReLU). */
  hidden: number[];
  /** Double DQN: the online network picks the next action, the target network values it. */
  doubleDqn: boolean;
  /** Dueling heads: Q(s, a) = V(s) + A(s, a) − mean_a A(s, a). */
  dueling: boolean;
  /** n of the n-step return (1 = ordinary one-step targets). */
  nStep: number;
  /** Prioritized replay with exponent `priorityAlpha` and β annealed from `priorityBeta0` to 1 over training. */
  prioritized: boolean;
  priorityAlpha: number;
  priorityBeta0: number;
  /** "huber" (smooth L1, as SB3) or "mse" (CleanRL). */
  loss: "huber" | "mse";
  /** Gradient-norm clipping (SB3's 10); `Infinity` to turn off. */
  maxGradNorm: number;
  seed: number;
  /** Episodes of the final greedy evaluation. */
  evalEpisodes: number;
}

/** The defaults of {@link trainDQN}'s {@link DQNConfig}: rl-baselines3-zoo's tuned CartPole-v1 values. */
export const dqnDefaults: DQNConfig = {
  totalTimesteps: 50_000,
  learningRate: 2.3e-3,
  bufferSize: 100_000,
  gamma: 0.99,
  targetNetworkFrequency: 10,
  batchSize: 64,
  startE: 1,
  endE: 0.04,
  explorationFraction: 0.16,
  learningStarts: 1000,
  trainFrequency: 256,
  gradientSteps: 128,
  hidden: [256, 256],
  doubleDqn: false,
  dueling: false,
  nStep: 1,
  prioritized: false,
  priorityAlpha: 0.6,
  priorityBeta0: 0.4,
  loss: "huber",
  maxGradNorm: 10,
  seed: 1,
  evalEpisodes: 10,
};

/** Q(s, ·): an MLP, or an MLP trunk with separate value and advantage heads (dueling). */
export class QNetwork extends Module {
  readonly trunk: Sequential;
  readonly value: Linear | null;
  readonly advantage: Linear | null;

  constructor(observationSize: number, actions: number, hidden: number[], dueling: boolean, generator: Generator) {
    super();
    if (!dueling) {
      this.trunk = mlp([observationSize, ...hidden, actions], generator, { activation: "relu" });
      this.value = null;
      this.advantage = null;
    } else {
      const last = hidden[hidden.length - 1]!;
      this.trunk = mlp([observationSize, ...hidden.slice(0, -1), last], generator, { activation: "relu" });
      this.value = new Linear(last, 1, { generator });
      this.advantage = new Linear(last, actions, { generator });
    }
  }

  forward(observations: Tensor): Tensor {
    if (this.value === null) return this.trunk.call(observations); // (B, A)
    const features = this.trunk.call(observations).relu(); // (B, H)
    const advantage = this.advantage!.call(features); // (B, A)
    // Subtracting the mean advantage makes V and A identifiable (Wang et al., eq. 9).
    return this.value.call(features).add(advantage.sub(advantage.mean(1, true))); // (B, 1) + (B, A)
  }
}

/**
 * DQN's regression targets y = r + γⁿ (1 − terminated) · Q_target(s', a*), (B,), from the target network's
 * next-state values (B, A). a* = argmax_a Q_target(s', a) (DQN), or argmax_a Q_online(s', a) when the online
 * network's values are given (Double DQN: the online network selects, the target network evaluates).
 */
export function tdTargets(rewards: Tensor, discounts: Tensor, terminated: Tensor, nextQTarget: Tensor, nextQOnline: Tensor | null): Tensor {
  const nextValue = nextQOnline === null
    ? nextQTarget.amax(1) // (B,)
    : nextQTarget.gather(1, nextQOnline.argmax(1, true)).squeeze(1); // (B, 1) → (B,)
  return rewards.add(discounts.mul(terminated.neg().add(1)).mul(nextValue));
}

/**
 * What {@link trainDQN} returns: the Q-network, the greedy policy as `act`, the training return curve, the
 * final evaluation, the environment and gradient steps taken and the wall-clock seconds.
 */
export interface DQNResult {
  qNetwork: QNetwork;
  /** Greedy action for one observation. */
  act: (observation: number[]) => number;
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  gradientSteps: number;
  seconds: number;
}

/**
 * Trains DQN on `makeEnv()` (a flat Box observation space and Discrete actions) and evaluates the greedy
 * policy on a fresh environment. Same config (seed included), same run.
 */
export function trainDQN(makeEnv: () => Env<number[], number>, config: Partial<DQNConfig> = {}, log: (line: string) => void = () => {}): DQNResult {
  const cfg: DQNConfig = { ...dqnDefaults, ...config };
  const start = performance.now();
  const env = makeEnv();
  const [obsSize, numActions] = discreteSpaces("DQN", env as Env<unknown, unknown>);
  if (cfg.learningStarts < cfg.batchSize) throw new Error(`DQN: learningStarts (${cfg.learningStarts}) must be at least batchSize (${cfg.batchSize}), or the first update samples a buffer smaller than a batch`);

  // 1. Seeding: one generator for weights, exploration and replay; the env and its action space get the seed too.
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  const qNetwork = new QNetwork(obsSize, numActions, cfg.hidden, cfg.dueling, rng);
  const targetNetwork = new QNetwork(obsSize, numActions, cfg.hidden, cfg.dueling, rng);
  copyWeights(targetNetwork, qNetwork);
  const optimizer = new Adam(qNetwork.parameters(), { lr: cfg.learningRate });
  const bufferOptions = { observationSize: obsSize, owner: "DQN" };
  const buffer = cfg.prioritized
    ? new PrioritizedReplayBuffer(cfg.bufferSize, { ...bufferOptions, alpha: cfg.priorityAlpha })
    : new ReplayBuffer(cfg.bufferSize, bufferOptions);
  const nStep = new NStepAccumulator<number[], number>(cfg.nStep, cfg.gamma);

  const greedy = (observations: number[][]): number[] =>
    noGrad(() => argmaxRows(qNetwork.call(observationBatch(observations, obsSize)).dataSync(), observations.length, numActions));

  const curve: ReturnCurve = { steps: [], returns: [] };
  let [obs] = env.reset({ seed: cfg.seed });
  let episodeReturn = 0;
  let gradientSteps = 0;
  for (let step = 0; step < cfg.totalTimesteps; step++) {
    // 2. Act ε-greedily.
    const epsilon = linearSchedule(cfg.startE, cfg.endE, cfg.explorationFraction * cfg.totalTimesteps, step);
    const action = step < cfg.learningStarts || rng.random() < epsilon ? env.actionSpace.sample() : greedy([obs])[0]!;
    const [nextObs, reward, terminated, truncated] = env.step(action);
    episodeReturn += reward;

    // 3. Store (n-step) transitions; a truncated episode is not terminal, so its last state is bootstrapped.
    for (const t of nStep.push(obs, action, reward, nextObs, terminated, truncated)) buffer.add(t);
    if (terminated || truncated) {
      curve.steps.push(step + 1);
      curve.returns.push(episodeReturn);
      episodeReturn = 0;
      [obs] = env.reset();
    } else obs = nextObs;

    // 4. Learn: regress Q(s, a) onto r + γⁿ (1 − terminated) Q_target(s', argmax).
    if (step >= cfg.learningStarts && (step + 1) % cfg.trainFrequency === 0) {
      const beta = linearSchedule(cfg.priorityBeta0, 1, cfg.totalTimesteps, step);
      for (let g = 0; g < cfg.gradientSteps; g++) {
        const batch = buffer instanceof PrioritizedReplayBuffer ? buffer.sample(cfg.batchSize, rng, beta) : buffer.sample(cfg.batchSize, rng);
        const target = noGrad(() =>
          tdTargets(batch.rewards, batch.discounts, batch.terminated, targetNetwork.call(batch.nextObservations), cfg.doubleDqn ? qNetwork.call(batch.nextObservations) : null),
        );
        const q = qNetwork.call(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1); // (B,)
        const perSample = cfg.loss === "huber" ? huberLoss(q, target, { reduction: "none" }) : mseLoss(q, target, { reduction: "none" });
        const loss = perSample.mul(batch.weights).mean();
        optimizer.zeroGrad();
        loss.backward();
        if (Number.isFinite(cfg.maxGradNorm)) clipGradNorm_(qNetwork.parameters(), cfg.maxGradNorm);
        optimizer.step();
        if (buffer instanceof PrioritizedReplayBuffer) buffer.updatePriorities(batch.indices, q.detach().sub(target).dataSync());
        gradientSteps++;
      }
    }
    // 5. Hard target update.
    if ((step + 1) % cfg.targetNetworkFrequency === 0) copyWeights(targetNetwork, qNetwork);
    if ((step + 1) % 10_000 === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-10);
      log(`DQN step ${step + 1}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  env.close?.();

  // 6. Evaluate the greedy policy on a fresh environment with its own seeds.
  const act = (observation: number[]) => greedy([observation])[0]!;
  const evaluation = evaluatePolicy(makeEnv(), act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { qNetwork, act, curve, evaluation, envSteps: cfg.totalTimesteps, gradientSteps, seconds: (performance.now() - start) / 1000 };
}
