// Networks of the off-policy continuous-control agents (DDPG, TD3, SAC): a deterministic tanh actor, a
// squashed-Gaussian actor, and a Q(s, a) critic, all scaled to the env's bounded Box action space.

import type { Env } from "../Env.js";
import { Module } from "../../nn/Module.js";
import type { Sequential } from "../../nn/containers.js";
import { cat } from "../../ops/movement.js";
import { tensor } from "../../ops/creation.js";
import { noGrad } from "../../autograd/engine.js";
import type { Generator } from "../../random/Generator.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { boxObservationSize, mlp, observationBatch } from "./common.js";
import { Box } from "../spaces.js";

/** Observation size and the bounded Box action space of an env; anything else is an error naming the agent. */
export function continuousSpaces(agent: string, env: Env<unknown, unknown>): { observationSize: number; low: number[]; high: number[] } {
  const observationSize = boxObservationSize(agent, env.observationSpace);
  const space = env.actionSpace;
  if (!(space instanceof Box) || space.shape.length !== 1 || !space.isBounded("both")) {
    throw new Error(`${agent}: unsupported action space ${String(space)}; ${agent} needs a bounded flat Box of continuous actions (e.g. Pendulum's Box(-2.0, 2.0, (1,)))`);
  }
  return { observationSize, low: [...space.low], high: [...space.high] };
}

/** Maps tanh outputs in (−1, 1) to the Box: a = center + halfWidth · u. */
export class ActionScale {
  readonly center: Tensor;
  readonly halfWidth: Tensor;
  readonly lowT: Tensor;
  readonly highT: Tensor;
  constructor(readonly low: number[], readonly high: number[]) {
    this.lowT = tensor(low);
    this.highT = tensor(high);
    this.center = tensor(low.map((l, i) => (l + high[i]!) / 2));
    this.halfWidth = tensor(low.map((l, i) => (high[i]! - l) / 2));
  }
  clip(action: number[]): number[] {
    return action.map((a, i) => Math.min(Math.max(a, this.low[i]!), this.high[i]!));
  }
}

/** μ(s) = center + halfWidth · tanh(MLP(s)) (DDPG, TD3). */
export class DeterministicActor extends Module {
  readonly net: Sequential;
  constructor(observationSize: number, readonly scale: ActionScale, hidden: number[], generator: Generator) {
    super();
    this.net = mlp([observationSize, ...hidden, scale.low.length], generator, { activation: "relu" });
  }
  forward(observations: Tensor): Tensor {
    return this.net.call(observations).tanh().mul(this.scale.halfWidth).add(this.scale.center); // (N, d)
  }
  /** μ(s) for one observation, as numbers. */
  act(observation: number[]): number[] {
    return Array.from(noGrad(() => this.call(observationBatch([observation], observation.length)).dataSync()));
  }
}

/** Q(s, a): an MLP on the concatenation [s, a]. */
export class QCritic extends Module<[Tensor, Tensor], Tensor> {
  readonly net: Sequential;
  constructor(observationSize: number, actionSize: number, hidden: number[], generator: Generator) {
    super();
    this.net = mlp([observationSize + actionSize, ...hidden, 1], generator, { activation: "relu" });
  }
  forward(observations: Tensor, actions: Tensor): Tensor {
    return this.net.call(cat([observations, actions], 1)).squeeze(1); // (N,)
  }
}
