// A2C: synchronous advantage actor-critic — short n-step rollouts from parallel environments, one gradient
// step on policy loss + value loss − entropy bonus per rollout (CleanRL-style: one file, top to bottom).
//
// Paper: Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning", https://arxiv.org/abs/1602.01783
// (A3C; A2C is its synchronous variant, https://openai.com/index/openai-baselines-acktr-a2c/).
// Defaults follow Stable-Baselines3's A2C (RMSprop, 5 steps, GAE λ = 1, i.e. plain n-step advantages).

import type { Env } from "../Env.js";
import { SyncVectorEnv } from "../vector.js";
import { Generator } from "../../random/Generator.js";
import { RMSprop } from "../../optim/RMSprop.js";
import { clipGradNorm_ } from "../../nn/regularization.js";
import { RolloutBuffer } from "../RolloutBuffer.js";
import { evaluatePolicy, type EvaluationResult } from "../evaluate.js";
import { Actor, Critic, type PolicyOptions } from "./policies.js";
import type { ReturnCurve } from "./common.js";

/**
 * The hyperparameters of {@link trainA2C} (advantage actor–critic, Mnih et al. 2016), named as in
 * Stable-Baselines3: budget, learning rate, parallel environments and rollout length, discount and GAE λ,
 * loss coefficients, gradient clipping, RMSprop settings, network shape, seed and evaluation episodes;
 * {@link a2cDefaults} holds the defaults.
 */
export interface A2CConfig {
  totalTimesteps: number;
  learningRate: number;
  numEnvs: number;
  /** Steps per env per update (the n of the n-step return). */
  numSteps: number;
  gamma: number;
  /** 1 gives the n-step return minus V; smaller values give GAE(λ). */
  gaeLambda: number;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
  /** RMSprop's smoothing constant and ε (SB3: 0.99, 1e-5). */
  rmspropAlpha: number;
  rmspropEps: number;
  normAdv: boolean;
  hidden: number[];
  activation: "tanh" | "relu";
  seed: number;
  evalEpisodes: number;
}

/** rl-baselines3-zoo's CartPole-v1 A2C: SB3 defaults with 8 envs and no entropy bonus. */
export const a2cDefaults: A2CConfig = {
  totalTimesteps: 500_000,
  learningRate: 7e-4,
  numEnvs: 8,
  numSteps: 5,
  gamma: 0.99,
  gaeLambda: 1,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  rmspropAlpha: 0.99,
  rmspropEps: 1e-5,
  normAdv: false,
  hidden: [64, 64],
  activation: "tanh",
  seed: 1,
  evalEpisodes: 10,
};

/**
 * What {@link trainA2C} returns: the actor and critic, the deterministic policy as `act`, the training return
 * curve, the final evaluation, the environment steps taken and the wall-clock seconds.
 */
export interface A2CResult {
  actor: Actor;
  critic: Critic;
  act: (observation: number[]) => number | number[];
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/** Trains A2C on `numEnvs` copies of `makeEnv()` and evaluates the deterministic policy. Same config, same run. */
export function trainA2C<Act extends number | number[]>(makeEnv: () => Env<number[], Act>, config: Partial<A2CConfig> = {}, log: (line: string) => void = () => {}): A2CResult {
  const cfg: A2CConfig = { ...a2cDefaults, ...config };
  const start = performance.now();
  const envs = new SyncVectorEnv(Array.from({ length: cfg.numEnvs }, () => makeEnv), { autoresetMode: "same-step" });
  const rng = new Generator(cfg.seed);
  const netOptions: PolicyOptions = { hidden: cfg.hidden, activation: cfg.activation, orthogonal: true };
  const actor = new Actor("A2C", envs.envs[0]! as Env<unknown, unknown>, netOptions, rng);
  const critic = new Critic(actor.observationSize, netOptions, rng);
  const params = [...actor.parameters(), ...critic.parameters()];
  const optimizer = new RMSprop(params, { lr: cfg.learningRate, alpha: cfg.rmspropAlpha, eps: cfg.rmspropEps });
  const E = cfg.numEnvs;
  const T = cfg.numSteps;
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: E, observationSize: actor.observationSize, actionSize: actor.discrete ? 0 : actor.actionDim });
  const numUpdates = Math.floor(cfg.totalTimesteps / (E * T));

  const curve: ReturnCurve = { steps: [], returns: [] };
  const episodeReturns = new Array<number>(E).fill(0);
  let [obs] = envs.reset({ seed: cfg.seed });
  let globalStep = 0;
  for (let update = 0; update < numUpdates; update++) {
    // 1. Roll out T steps per env (a truncated episode's last state is bootstrapped through its reward).
    for (let t = 0; t < T; t++) {
      const { actions, logProbs } = actor.sample(obs, rng);
      const values = critic.values(obs);
      const [nextObs, rewards, terminated, truncated, infos] = envs.step(actions.map((a) => actor.clip(a)) as Act[]);
      globalStep += E;
      const cut = truncated.map((tr, e) => tr && !terminated[e]);
      const finalValues = cut.some((c) => c) ? critic.values(infos.map((info, e) => (cut[e] ? (info.finalObservation as number[]) : nextObs[e]!))) : null;
      for (let e = 0; e < E; e++) {
        buffer.store(t, e, obs[e]!, actions[e]!, logProbs[e]!, values[e]!, rewards[e]! + (cut[e] ? cfg.gamma * finalValues![e]! : 0), terminated[e]! || truncated[e]!);
        episodeReturns[e]! += rewards[e]!;
        if (terminated[e] || truncated[e]) {
          curve.steps.push(globalStep);
          curve.returns.push(episodeReturns[e]!);
          episodeReturns[e] = 0;
        }
      }
      obs = nextObs;
    }
    buffer.computeAdvantages(critic.values(obs), cfg.gamma, cfg.gaeLambda);

    // 2. One gradient step: −E[log π(a|s) Â] + c_v E[(V(s) − R)²] − c_e E[H(π(·|s))].
    const batch = buffer.batch();
    const { logProb, entropy } = actor.logProbAndEntropy(batch.observations, batch.actions);
    let advantages = batch.advantages;
    if (cfg.normAdv) advantages = advantages.sub(advantages.mean()).div(advantages.std().add(1e-8));
    const policyLoss = logProb.mul(advantages).mean().neg();
    const valueLoss = critic.call(batch.observations).sub(batch.returns).square().mean();
    const loss = policyLoss.add(valueLoss.mul(cfg.vfCoef)).sub(entropy.mean().mul(cfg.entCoef));
    optimizer.zeroGrad();
    loss.backward();
    clipGradNorm_(params, cfg.maxGradNorm);
    optimizer.step();
    if ((update + 1) % Math.max(1, Math.floor(numUpdates / 10)) === 0 && curve.returns.length > 0) {
      const recent = curve.returns.slice(-20);
      log(`A2C step ${globalStep}: mean return of the last ${recent.length} episodes ${(recent.reduce((a, b) => a + b) / recent.length).toFixed(1)}`);
    }
  }
  envs.close();

  const act = (observation: number[]) => actor.actDeterministic(observation);
  const evaluation = evaluatePolicy(makeEnv(), act as (o: number[]) => Act, { episodes: cfg.evalEpisodes, seed: cfg.seed + 100_000 });
  return { actor, critic, act, curve, evaluation, envSteps: globalStep, seconds: (performance.now() - start) / 1000 };
}
