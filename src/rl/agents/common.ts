// Small pieces the agents share: space checks with clear errors, MLPs with orthogonal init, batching observations.

import type { Env, Space } from "../Env.js";
import { Box, Discrete } from "../spaces.js";
import { Module, type AnyModule } from "../../nn/Module.js";
import { Linear } from "../../nn/Linear.js";
import { Sequential } from "../../nn/containers.js";
import { ReLU, Tanh } from "../../nn/activations.js";
import * as init from "../../nn/init.js";
import type { Generator } from "../../random/Generator.js";
import { tensor } from "../../ops/creation.js";
import { noGrad } from "../../autograd/engine.js";
import type { Tensor } from "../../tensor/Tensor.js";

/** The size of a flat Box observation; any other observation space is an error naming the agent. */
export function boxObservationSize(agent: string, space: Space<unknown>): number {
  if (!(space instanceof Box) || space.shape.length !== 1) {
    throw new Error(`${agent}: unsupported observation space ${String(space)}; ${agent} needs a flat Box of numbers (e.g. CartPole's Box(4))`);
  }
  return space.size;
}

/** The number of actions of a Discrete space starting at 0; any other action space is an error naming the agent. */
export function discreteActionCount(agent: string, space: Space<unknown>): number {
  if (!(space instanceof Discrete) || space.start !== 0) {
    throw new Error(`${agent}: unsupported action space ${String(space)}; ${agent} needs a Discrete(n) action space starting at 0`);
  }
  return space.n;
}

/** The action space as Discrete or flat, bounded Box; anything else is an error naming the agent. */
export function actionSpaceKind(agent: string, space: Space<unknown>): { kind: "discrete"; n: number } | { kind: "box"; size: number; low: readonly number[]; high: readonly number[] } {
  if (space instanceof Discrete && space.start === 0) return { kind: "discrete", n: space.n };
  if (space instanceof Box && space.shape.length === 1 && space.isBounded("both")) return { kind: "box", size: space.size, low: space.low, high: space.high };
  throw new Error(`${agent}: unsupported action space ${String(space)}; ${agent} needs Discrete(n) or a bounded flat Box`);
}

/** Checks the spaces of an environment for an agent with discrete actions; returns [observation size, action count]. */
export function discreteSpaces(agent: string, env: Env<unknown, unknown>): [number, number] {
  return [boxObservationSize(agent, env.observationSpace), discreteActionCount(agent, env.actionSpace)];
}

/** A Linear layer with orthogonal weights (gain `std`) and zero bias, as CleanRL's `layer_init`. */
export function orthogonalLinear(inFeatures: number, outFeatures: number, std: number, generator: Generator): Linear {
  const layer = new Linear(inFeatures, outFeatures, { generator });
  init.orthogonal(layer.weight, { gain: std, generator });
  init.constant(layer.bias!, 0);
  return layer;
}

/**
 * Options of {@link mlp}: the hidden activation and the initialization (CleanRL's orthogonal init with
 * `outputGain` on the last layer, or PyTorch's default).
 */
export interface MlpOptions {
  activation?: "tanh" | "relu";
  /** Orthogonal init with gain √2 for hidden layers and `outputGain` for the last (CleanRL); PyTorch's default init when false. */
  orthogonal?: boolean;
  outputGain?: number;
}

/** sizes [in, h1, ..., out] → Linear/activation stack (no activation after the last layer). */
export function mlp(sizes: readonly number[], generator: Generator, options: MlpOptions = {}): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    const gain = last ? (options.outputGain ?? 1) : Math.SQRT2;
    layers.push(options.orthogonal ? orthogonalLinear(sizes[i]!, sizes[i + 1]!, gain, generator) : new Linear(sizes[i]!, sizes[i + 1]!, { generator }));
    if (!last) layers.push(options.activation === "relu" ? new ReLU() : new Tanh());
  }
  return new Sequential(...layers);
}

/** Observations (each a vector of `size` numbers) as a (N, size) float32 tensor. */
export function observationBatch(observations: readonly ArrayLike<number>[], size: number): Tensor {
  const data = new Float32Array(observations.length * size);
  observations.forEach((o, i) => {
    for (let k = 0; k < size; k++) data[i * size + k] = o[k]!;
  });
  return tensor(data, { shape: [observations.length, size] });
}

/** Row-wise argmax of a (N, A) float array. */
export function argmaxRows(values: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c]! > values[r * cols + best]!) best = c;
    out.push(best);
  }
  return out;
}

/** One class per row of (N, A) logits, drawn from softmax(logits) with `generator`; returns the classes and their log-probabilities. */
export function sampleCategorical(logits: ArrayLike<number>, rows: number, cols: number, generator: Generator): { actions: number[]; logProbs: number[] } {
  const actions: number[] = [];
  const logProbs: number[] = [];
  const p = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[r * cols + c]!);
    let z = 0;
    for (let c = 0; c < cols; c++) z += p[c] = Math.exp(logits[r * cols + c]! - max);
    const a = generator.categorical(p);
    actions.push(a);
    logProbs.push(logits[r * cols + a]! - max - Math.log(z));
  }
  return { actions, logProbs };
}

/** Mean and population standard deviation. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(xs.length, 1)) };
}

/** Copies every parameter and buffer of `source` into `target` (same architecture): the hard target-network update. */
export function copyWeights(target: AnyModule, source: AnyModule): void {
  target.loadStateDict(source.stateDict());
}

/** target ← τ·source + (1 − τ)·target, parameter by parameter (Polyak averaging). */
export function softUpdate(target: AnyModule, source: AnyModule, tau: number): void {
  const src = [...source.parameters()];
  noGrad(() => [...target.parameters()].forEach((p, i) => p.mul_(1 - tau).add_(src[i]!.detach(), { alpha: tau })));
}

/** Episode returns logged during training: (env steps at the episode's end, return). */
export interface ReturnCurve {
  steps: number[];
  returns: number[];
}
