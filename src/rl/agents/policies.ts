// Actor and critic networks for the policy-gradient agents (REINFORCE, A2C, PPO, TRPO): a categorical or a
// diagonal-Gaussian policy head on an MLP, with log-probabilities and entropies written as plain tensor ops.

import { Module } from "../../nn/Module.js";
import type { Sequential } from "../../nn/containers.js";
import { Parameter } from "../../nn/Parameter.js";
import { zeros } from "../../ops/creation.js";
import { noGrad } from "../../autograd/engine.js";
import type { Generator } from "../../random/Generator.js";
import type { Tensor } from "../../tensor/Tensor.js";
import type { Env } from "../Env.js";
import { actionSpaceKind, argmaxRows, boxObservationSize, mlp, observationBatch, sampleCategorical } from "./common.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Options of {@link Actor} and {@link Critic}: hidden layer sizes, activation and whether to use CleanRL's
 * orthogonal initialization.
 */
export interface PolicyOptions {
  hidden: number[];
  activation: "tanh" | "relu";
  /** CleanRL's orthogonal init (gain √2 hidden, 0.01 policy output); PyTorch's default init when false. */
  orthogonal: boolean;
}

/**
 * π(a | s): softmax over the MLP's logits for Discrete actions, or N(μ(s), diag σ²) with a learned,
 * state-independent log σ for Box actions (Schulman et al. 2015/2017; CleanRL's ppo_continuous_action).
 */
export class Actor extends Module {
  readonly net: Sequential;
  /** log σ per action dimension (Box actions only). */
  readonly logStd: Parameter | null;
  readonly discrete: boolean;
  /** Number of actions (Discrete) or the action vector's size (Box). */
  readonly actionDim: number;
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly observationSize: number;

  constructor(agent: string, env: Env<unknown, unknown>, options: PolicyOptions, generator: Generator) {
    super();
    this.observationSize = boxObservationSize(agent, env.observationSpace);
    const space = actionSpaceKind(agent, env.actionSpace);
    this.discrete = space.kind === "discrete";
    this.actionDim = space.kind === "discrete" ? space.n : space.size;
    this.low = space.kind === "box" ? space.low : [];
    this.high = space.kind === "box" ? space.high : [];
    this.net = mlp([this.observationSize, ...options.hidden, this.actionDim], generator, { activation: options.activation, orthogonal: options.orthogonal, outputGain: 0.01 });
    this.logStd = this.discrete ? null : new Parameter(zeros([this.actionDim]));
  }

  /** Logits (N, A) for Discrete actions, the Gaussian mean (N, d) for Box actions. */
  forward(observations: Tensor): Tensor {
    return this.net.call(observations);
  }

  /** log π(a | s) (N,) and the entropy of π(· | s) (N,) for actions (N,) int32 or (N, d) float32. */
  logProbAndEntropy(observations: Tensor, actions: Tensor): { logProb: Tensor; entropy: Tensor } {
    const out = this.net.call(observations);
    if (this.discrete) {
      const logits = out.logSoftmax(-1); // (N, A)
      const logProb = logits.gather(1, actions.unsqueeze(1)).squeeze(1); // (N,)
      const entropy = logits.exp().mul(logits).sum(1).neg(); // (N,)
      return { logProb, entropy };
    }
    const logStd = this.logStd!;
    // log N(a; μ, σ²) = −(a − μ)² / (2σ²) − log σ − ½ log 2π, summed over action dimensions.
    const z = actions.sub(out).mul(logStd.neg().exp()); // (N, d)
    const logProb = z.square().mul(-0.5).sub(logStd).sub(HALF_LOG_2PI).sum(1);
    const entropy = logStd.add(0.5 + HALF_LOG_2PI).sum().expand([out.shape[0]!]);
    return { logProb, entropy };
  }

  /**
   * Samples one action per observation (no gradient): class indices or raw Gaussian vectors (the env
   * step clips them into the Box), with their log-probabilities.
   */
  sample(observations: readonly number[][], generator: Generator): { actions: (number | number[])[]; logProbs: number[] } {
    const rows = observations.length;
    const out = noGrad(() => this.net.call(observationBatch(observations, this.observationSize)).dataSync());
    if (this.discrete) return sampleCategorical(out, rows, this.actionDim, generator);
    const logStd = this.logStd!.dataSync();
    const actions: number[][] = [];
    const logProbs: number[] = [];
    for (let r = 0; r < rows; r++) {
      const a: number[] = [];
      let lp = 0;
      for (let k = 0; k < this.actionDim; k++) {
        const z = generator.normal();
        a.push(out[r * this.actionDim + k]! + Math.exp(logStd[k]!) * z);
        lp += -0.5 * z * z - logStd[k]! - HALF_LOG_2PI;
      }
      actions.push(a);
      logProbs.push(lp);
    }
    return { actions, logProbs };
  }

  /** The deterministic action for evaluation: the most likely class, or the Gaussian mean clipped into the Box. */
  actDeterministic(observation: number[]): number | number[] {
    const out = noGrad(() => this.net.call(observationBatch([observation], this.observationSize)).dataSync());
    if (this.discrete) return argmaxRows(out, 1, this.actionDim)[0]!;
    return Array.from(out, (m, k) => Math.min(Math.max(m, this.low[k]!), this.high[k]!));
  }

  /** A sampled action clipped into the env's Box (the env sees this; the buffer keeps the raw sample). */
  clip(action: number | number[]): number | number[] {
    if (typeof action === "number") return action;
    return action.map((a, k) => Math.min(Math.max(a, this.low[k]!), this.high[k]!));
  }
}

/** V(s): an MLP with one output (orthogonal init with gain 1 on the output, as CleanRL). */
export class Critic extends Module {
  readonly net: Sequential;
  readonly observationSize: number;

  constructor(observationSize: number, options: PolicyOptions, generator: Generator) {
    super();
    this.observationSize = observationSize;
    this.net = mlp([observationSize, ...options.hidden, 1], generator, { activation: options.activation, orthogonal: options.orthogonal, outputGain: 1 });
  }

  /** V(s) (N,). */
  forward(observations: Tensor): Tensor {
    return this.net.call(observations).squeeze(1);
  }

  /** V(s) of a few observations as numbers (no gradient). */
  values(observations: readonly number[][]): Float32Array {
    return noGrad(() => this.call(observationBatch(observations, this.observationSize)).dataSync() as Float32Array);
  }
}
