// Adversarial examples: FGSM (Goodfellow et al. 2014, arXiv:1412.6572), PGD under L∞ and L2 with a
// random start (Madry et al. 2017, arXiv:1706.06083), adversarial training and robust accuracy.
import { Tensor } from "../tensor/Tensor.js";
import type { Generator } from "../random/Generator.js";
import type { AnyModule } from "../nn/Module.js";
import { Module } from "../nn/Module.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { valueAndGrad } from "../autograd/functional.js";
import { noGrad } from "../autograd/engine.js";
import { rand, randn } from "../ops/creation.js";
import { describe as describeValue } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";

/** A loss of (logits, targets), summed or averaged over the batch (default: cross entropy, mean). */
export type AttackLoss = (logits: Tensor, targets: Tensor) => Tensor;

/**
 * Options of {@link fgsm} (the fast gradient sign method, Goodfellow et al. 2015): the L∞ budget ε, the valid
 * input range and the attack loss.
 */
export interface FGSMOptions {
  /** The perturbation budget ε (L∞: each pixel moves by at most ε). */
  eps: number;
  /** Valid input range, applied after each step (default [0, 1]; null: none). */
  clamp?: readonly [number, number] | null;
  loss?: AttackLoss;
}

/**
 * Options of {@link pgd} (projected gradient descent, Madry et al. 2018): those of {@link FGSMOptions} plus
 * the norm ball, step size, number of steps, random start and its generator.
 */
export interface PGDOptions extends FGSMOptions {
  /** "linf" (default) or "l2": the ball the perturbation is projected onto. */
  norm?: "linf" | "l2";
  /** Step size α (default 2.5·ε / steps, Madry et al.'s choice). */
  alpha?: number;
  /** Gradient steps (default 10). */
  steps?: number;
  /** Start at a uniformly random point of the ε-ball (default true). */
  randomStart?: boolean;
  generator?: Generator;
}

function checkAttack(op: string, model: unknown, x: unknown, y: unknown, eps: unknown): asserts x is Tensor {
  if (!(model instanceof Module)) throw new Error(`${op}: model must be an nn.Module, got ${describeValue(model)}`);
  if (!(x instanceof Tensor) || x.ndim < 2) throw new Error(`${op}: input must be a batch tensor (N, ...), got ${x instanceof Tensor ? fmtShape(x.shape) : describeValue(x)}`);
  if (!(y instanceof Tensor) || y.ndim !== 1 || y.shape[0] !== x.shape[0]) {
    throw new Error(`${op}: targets must be a 1-D tensor of ${x.shape[0]} class indices, got ${y instanceof Tensor ? fmtShape(y.shape) : describeValue(y)}`);
  }
  if (typeof eps !== "number" || !(eps >= 0) || !Number.isFinite(eps)) throw new Error(`${op}: eps must be a finite number ≥ 0, got ${describeValue(eps)}`);
}

/** ∇ₓ loss(model(x), y), the input gradient (parameters' gradients untouched). */
function inputGradient(model: AnyModule, x: Tensor, y: Tensor, loss: AttackLoss): Tensor {
  const [, g] = valueAndGrad((input: Tensor) => loss(model.call(input) as Tensor, y))(x.detach());
  return g as Tensor;
}

const clampRange = (x: Tensor, range: readonly [number, number] | null): Tensor => (range === null ? x : x.clamp({ min: range[0], max: range[1] }));

/** Per-sample L2 norms of a batch, shaped (N, 1, …, 1) to broadcast against it. */
function sampleNorms(t: Tensor): Tensor {
  const dims = t.shape.slice(1).map((_, i) => i + 1);
  return t.square().sum(dims, true).sqrt();
}

/**
 * Fast gradient sign method: x + ε·sign(∇ₓ L(x, y)), clamped to the valid range. Runs the model as it
 * is (call `model.eval()` first for fixed batch norms and no dropout); returns a detached batch.
 */
export function fgsm(model: AnyModule, x: Tensor, y: Tensor, options: FGSMOptions): Tensor {
  checkAttack("fgsm", model, x, y, options?.eps);
  const range = options.clamp === undefined ? [0, 1] as const : options.clamp;
  const g = inputGradient(model, x, y, options.loss ?? crossEntropy);
  return noGrad(() => clampRange(x.detach().add(g.sign().mul(options.eps)), range));
}

/**
 * Projected gradient descent (ascent on the loss): from a random point of the ε-ball around x (or x
 * itself), `steps` times step by α in the steepest direction of the ball's norm — sign(g) for L∞,
 * g/‖g‖₂ per sample for L2 — then project back onto the ball and into the valid range. Returns a
 * detached batch within ε of x.
 */
export function pgd(model: AnyModule, x: Tensor, y: Tensor, options: PGDOptions): Tensor {
  checkAttack("pgd", model, x, y, options?.eps);
  const { eps } = options;
  const norm = options.norm ?? "linf";
  if (norm !== "linf" && norm !== "l2") throw new Error(`pgd: norm must be "linf" or "l2", got ${describeValue(norm)}`);
  const steps = options.steps ?? 10;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`pgd: steps must be a positive integer, got ${describeValue(options.steps)}`);
  const alpha = options.alpha ?? (2.5 * eps) / steps;
  if (typeof alpha !== "number" || !(alpha >= 0)) throw new Error(`pgd: alpha must be a number ≥ 0, got ${describeValue(options.alpha)}`);
  const range = options.clamp === undefined ? [0, 1] as const : options.clamp;
  const loss = options.loss ?? crossEntropy;
  const x0 = x.detach();
  const tiny = 1e-12;

  const project = (candidate: Tensor): Tensor => {
    const delta = candidate.sub(x0);
    const inBall = norm === "linf"
      ? delta.clamp({ min: -eps, max: eps })
      : delta.mul(sampleNorms(delta).add(tiny).reciprocal().mul(eps).clamp({ max: 1 })); // scale by min(1, ε/‖δ‖)
    return clampRange(x0.add(inBall), range);
  };

  let adv = x0;
  if (options.randomStart ?? true) {
    noGrad(() => {
      const generator = options.generator;
      if (norm === "linf") adv = project(x0.add(rand(x0.shape, { dtype: x0.dtype, generator }).mul(2 * eps).sub(eps)));
      else {
        // a uniform point of the L2 ball: a Gaussian direction, radius ε·u^(1/d)
        const dir = randn(x0.shape, { dtype: x0.dtype, generator });
        const d = x0.size / x0.shape[0]!;
        const radius = rand([x0.shape[0]!, ...x0.shape.slice(1).map(() => 1)], { dtype: x0.dtype, generator }).pow(1 / d).mul(eps);
        adv = project(x0.add(dir.div(sampleNorms(dir).add(tiny)).mul(radius)));
      }
    });
  }
  for (let i = 0; i < steps; i++) {
    const g = inputGradient(model, adv, y, loss);
    adv = noGrad(() => {
      const step = norm === "linf" ? g.sign() : g.div(sampleNorms(g).add(tiny));
      return project(adv.add(step.mul(alpha)));
    });
  }
  return adv;
}

/** A function that perturbs a batch: `(model, x, y) => xAdv`, e.g. `(m, x, y) => vision.pgd(m, x, y, { eps: 0.1 })`. */
export type Attack = (model: AnyModule, x: Tensor, y: Tensor) => Tensor;

/**
 * Fraction of the batch the model classifies correctly after `attack` (or on the clean batch when
 * `attack` is null). Runs in eval mode and restores the model's mode.
 */
export function robustAccuracy(model: AnyModule, x: Tensor, y: Tensor, attack: Attack | null): number {
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  try {
    const input = attack === null ? x : attack(model, x, y);
    const correct = noGrad(() => (model.call(input) as Tensor).argmax(1).eq(y).sum().item()) as number;
    return correct / x.shape[0]!;
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
}

/** What `adversarialTrainingStep` needs besides the batch. */
export interface AdversarialTrainingOptions {
  /** Makes the training inputs (Madry et al.: PGD L∞). */
  attack: Attack;
  optimizer: { zeroGrad(): void; step(): unknown };
  /** Weight of the adversarial loss; 1 (default) trains on adversarial inputs only, 0.5 on an even mix with clean ones. */
  adversarialWeight?: number;
  loss?: AttackLoss;
}

/**
 * One step of adversarial training (Madry et al. 2017): craft adversarial inputs with the model in
 * eval mode, then, in training mode, take an optimizer step on
 * w·L(model(x_adv), y) + (1 − w)·L(model(x), y). Returns the loss value.
 */
export function adversarialTrainingStep(model: AnyModule, x: Tensor, y: Tensor, options: AdversarialTrainingOptions): number {
  const w = options.adversarialWeight ?? 1;
  if (typeof w !== "number" || !(w >= 0 && w <= 1)) throw new Error(`adversarialTrainingStep: adversarialWeight must be in [0, 1], got ${describeValue(w)}`);
  const loss = options.loss ?? crossEntropy;
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  let xAdv: Tensor;
  try {
    xAdv = options.attack(model, x, y);
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
  model.train();
  options.optimizer.zeroGrad();
  let total = loss(model.call(xAdv) as Tensor, y).mul(w);
  if (w < 1) total = total.add(loss(model.call(x) as Tensor, y).mul(1 - w));
  total.backward();
  options.optimizer.step();
  return total.item() as number;
}
