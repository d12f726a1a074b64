// GAN objectives: minimax, non-saturating, WGAN (weight clipping), WGAN-GP (gradient penalty), LSGAN and hinge.
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { onesLike, rand } from "../ops/creation.js";
import { runBackward } from "../autograd/backward.js";
import { enableGrad, noGrad } from "../autograd/engine.js";
import { softplus } from "../nn/functional/activations.js";
import type { Module } from "../nn/Module.js";
import type { Generator } from "../random/Generator.js";

/**
 * Which adversarial objective. The critic D outputs one raw score (a logit for "minimax" and
 * "non-saturating") per sample.
 * - "minimax" (Goodfellow et al. 2014, https://arxiv.org/abs/1406.2661): D maximizes
 *   log σ(D(x)) + log(1 − σ(D(G(z)))); G minimizes log(1 − σ(D(G(z)))), whose gradient vanishes when D
 *   rejects the fakes confidently.
 * - "non-saturating" (same paper, §3): the same D; G minimizes −log σ(D(G(z))).
 * - "wgan" (Arjovsky, Chintala & Bottou 2017, https://arxiv.org/abs/1701.07875): D maximizes
 *   E D(x) − E D(G(z)) over 1-Lipschitz critics, enforced by clipping weights (`clipWeights_`); G
 *   minimizes −E D(G(z)).
 * - "wgan-gp" (Gulrajani et al. 2017, https://arxiv.org/abs/1704.00028): WGAN's losses, Lipschitz
 *   enforced softly by `gradientPenalty` added to D's loss.
 * - "lsgan" (Mao et al. 2017, https://arxiv.org/abs/1611.04076): least squares with targets a = 0,
 *   b = c = 1: D minimizes ½E(D(x) − 1)² + ½E D(G(z))², G minimizes ½E(D(G(z)) − 1)².
 * - "hinge" (Lim & Ye 2017; Miyato et al. 2018): D minimizes E relu(1 − D(x)) + E relu(1 + D(G(z))),
 *   G minimizes −E D(G(z)).
 */
export type GanLoss = "minimax" | "non-saturating" | "wgan" | "wgan-gp" | "lsgan" | "hinge";

/** Every {@link GanLoss} name, in order. */
export const ganLosses: readonly GanLoss[] = ["minimax", "non-saturating", "wgan", "wgan-gp", "lsgan", "hinge"];

function checkLoss(op: string, loss: unknown): GanLoss {
  if (!ganLosses.includes(loss as GanLoss)) {
    throw new Error(`${op}: unknown GAN loss ${describe(loss)} (use ${ganLosses.map((l) => `"${l}"`).join(", ")})`);
  }
  return loss as GanLoss;
}

function checkScores(op: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a tensor of critic scores, got ${describe(t)}`);
  if (t.ndim === 0 || t.size === 0) throw new Error(`${op}: ${name} must hold one score per sample, got shape ${fmtShape(t.shape)}`);
  return t;
}

/**
 * The discriminator's (critic's) loss, to minimize, from its scores on a real and a fake batch.
 * For "wgan-gp" add `gradientPenalty(critic, real, fake)`; for "wgan" call `clipWeights_` after each step.
 */
export function discriminatorLoss(loss: GanLoss, dReal: Tensor, dFake: Tensor): Tensor {
  const op = "discriminatorLoss";
  checkLoss(op, loss);
  checkScores(op, "dReal", dReal);
  checkScores(op, "dFake", dFake);
  switch (loss) {
    case "minimax":
    case "non-saturating":
      // −log σ(r) = softplus(−r); −log(1 − σ(f)) = softplus(f)
      return softplus(dReal.neg()).mean().add(softplus(dFake).mean());
    case "wgan":
    case "wgan-gp":
      return dFake.mean().sub(dReal.mean());
    case "lsgan":
      return dReal.sub(1).square().mean().mul(0.5).add(dFake.square().mean().mul(0.5));
    case "hinge":
      return dReal.neg().add(1).relu().mean().add(dFake.add(1).relu().mean());
  }
}

/** The generator's loss, to minimize, from the critic's scores on generated samples. */
export function generatorLoss(loss: GanLoss, dFake: Tensor): Tensor {
  const op = "generatorLoss";
  checkLoss(op, loss);
  checkScores(op, "dFake", dFake);
  switch (loss) {
    case "minimax":
      return softplus(dFake).mean().neg(); // log(1 − σ(f)) = −softplus(f)
    case "non-saturating":
      return softplus(dFake.neg()).mean(); // −log σ(f)
    case "lsgan":
      return dFake.sub(1).square().mean().mul(0.5);
    case "wgan":
    case "wgan-gp":
    case "hinge":
      return dFake.mean().neg();
  }
}

/**
 * Options of {@link gradientPenalty} (WGAN-GP, Gulrajani et al. 2017): the penalty weight λ, the
 * interpolation weights α and their generator.
 */
export interface GradientPenaltyOptions {
  /** Weight λ of the penalty (default 10, as the paper). */
  lambda?: number;
  /** Interpolation weights α, one per sample (shape [N, 1, …]); drawn from U(0, 1) when omitted. */
  alpha?: Tensor;
  /** Random source for α. */
  generator?: Generator;
}

/**
 * WGAN-GP's penalty λ · E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] at x̂ = α·real + (1 − α)·fake, α ~ U(0, 1) per sample
 * (Gulrajani et al. 2017, Algorithm 1). ∇ₓ̂ D is taken with `createGraph`, so backward through the
 * returned penalty reaches the critic's parameters (double backprop). `fake` is detached: the penalty
 * trains the critic only.
 */
export function gradientPenalty(critic: Module | ((x: Tensor) => Tensor), real: Tensor, fake: Tensor, options: GradientPenaltyOptions = {}): Tensor {
  const op = "gradientPenalty";
  if (!(real instanceof Tensor) || !(fake instanceof Tensor)) throw new Error(`${op}: real and fake must be tensors, got ${describe(real)} and ${describe(fake)}`);
  if (!shapesEqual(real.shape, fake.shape) || real.ndim < 1 || real.shape[0] === 0) {
    throw new Error(`${op}: real and fake must be non-empty batches of one shape, got ${fmtShape(real.shape)} and ${fmtShape(fake.shape)}`);
  }
  const lambda = options.lambda ?? 10;
  if (typeof lambda !== "number" || !(lambda >= 0)) throw new Error(`${op}: lambda must be a number ≥ 0, got ${describe(lambda)}`);
  const n = real.shape[0]!;
  const alphaShape = [n, ...real.shape.slice(1).map(() => 1)];
  const alpha = options.alpha ?? rand(alphaShape, { generator: options.generator, dtype: real.dtype });
  if (!(alpha instanceof Tensor) || !shapesEqual(alpha.shape, alphaShape)) {
    throw new Error(`${op}: alpha must have shape ${fmtShape(alphaShape)} (one weight per sample), got ${alpha instanceof Tensor ? fmtShape(alpha.shape) : describe(alpha)}`);
  }
  const xHat = noGrad(() => alpha.mul(real).add(alpha.neg().add(1).mul(fake))).requiresGrad_(true);
  const forward = typeof critic === "function" ? critic : (x: Tensor) => critic.call(x) as Tensor;
  return enableGrad(() => {
    const score = forward(xHat);
    if (!(score instanceof Tensor)) throw new Error(`${op}: the critic must return a tensor, got ${describe(score)}`);
    const total = score.sum();
    const [g] = runBackward([total], [onesLike(total)], { targets: [xHat], createGraph: true, allowUnused: true });
    if (!g) throw new Error(`${op}: the critic's output does not depend on its input`);
    const norms = g.reshape([n, -1]).norm(2, 1); // (N,)
    return norms.sub(1).square().mean().mul(lambda);
  });
}

/** WGAN's Lipschitz constraint: clamps every parameter of the critic to [−c, c] in place (c = 0.01 in the paper). */
export function clipWeights_(critic: Module, clipValue = 0.01): void {
  if (typeof clipValue !== "number" || !(clipValue > 0)) throw new Error(`clipWeights_: clipValue must be a number > 0, got ${describe(clipValue)}`);
  noGrad(() => {
    for (const p of critic.parameters()) p.clamp_({ min: -clipValue, max: clipValue });
  });
}
