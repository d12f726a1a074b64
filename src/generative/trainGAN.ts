// A GAN training loop: n critic steps per generator step, with alternating, optimistic (OGDA) or extragradient updates.
import type { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { randn } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import type { Module } from "../nn/Module.js";
import type { Optimizer } from "../optim/Optimizer.js";
import { clipWeights_, discriminatorLoss, generatorLoss, gradientPenalty, ganLosses, type GanLoss } from "./ganLosses.js";

/**
 * How the two players move.
 * - "alternating": `nCritic` critic steps (a fresh real batch and fresh noise each), then one
 *   generator step against the updated critic — the schedule of WGAN and WGAN-GP.
 * - "ogda": the same schedule, but every player's optimizer is fed the optimistic gradient
 *   2gₜ − gₜ₋₁ (its previous gradient remembered per player) instead of gₜ (Daskalakis, Ilyas,
 *   Syrgkanis & Zeng, "Training GANs with optimism", ICLR 2018; `optimize.minimax` shows the same
 *   update on the bilinear game, where plain gradient descent–ascent cycles).
 * - "extragradient": after `nCritic − 1` plain critic steps, both players look ahead by one SGD step
 *   of size `extrapolationLr` from the same point, take their gradients there, return, and let their
 *   optimizers step with those look-ahead gradients (Korpelevich 1976; Gidel et al., "A variational
 *   inequality perspective on GANs", ICLR 2019).
 */
export type GanUpdate = "alternating" | "ogda" | "extragradient";

// Optimizers of any hyperparameter type: the loop only calls zeroGrad() and step().
type AnyOptimizer = Optimizer<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Options of {@link trainGAN}: the GAN objective, the real-data sampler, the latent size, both optimizers,
 * the number of generator steps and batch size, critic steps per generator step, the update scheme, the WGAN
 * settings, the seed and a per-step callback.
 */
export interface TrainGanOptions {
  loss: GanLoss;
  /** A batch of real samples: `sampleReal(batchSize, generator)`. */
  sampleReal: (batchSize: number, generator: Generator) => Tensor;
  /** Size of the generator's Gaussian input z ~ N(0, I). */
  latentDim: number;
  optimizerG: AnyOptimizer;
  optimizerD: AnyOptimizer;
  /** Generator steps. */
  steps: number;
  batchSize?: number;
  /** Critic steps per generator step (default 5 for "wgan" and "wgan-gp", as their papers; 1 otherwise). */
  nCritic?: number;
  update?: GanUpdate;
  /** WGAN-GP's λ (default 10). */
  gpLambda?: number;
  /** WGAN's clipping bound c (default 0.01). */
  clipValue?: number;
  /** Look-ahead step size of "extragradient" (default 0.01). */
  extrapolationLr?: number;
  /** Seed of the real batches, the noise and the penalty's interpolation weights. */
  seed?: number;
  /** Called after every generator step with the last critic loss and the generator loss. */
  onStep?: (step: number, losses: { dLoss: number; gLoss: number }) => void;
}

/** What {@link trainGAN} returns: the critic's and the generator's loss at every generator step. */
export interface TrainGanResult {
  dLosses: number[];
  gLosses: number[];
}

/**
 * Trains `generator` (z ↦ x) against `critic` (x ↦ one score per sample) with one of the GAN objectives
 * of `GanLoss`. Both modules are left in training mode.
 */
export function trainGAN(generator: Module, critic: Module, options: TrainGanOptions): TrainGanResult {
  const op = "trainGAN";
  const loss = options.loss;
  if (!ganLosses.includes(loss)) throw new Error(`${op}: unknown GAN loss ${describe(loss)} (use ${ganLosses.join(", ")})`);
  const update = options.update ?? "alternating";
  if (update !== "alternating" && update !== "ogda" && update !== "extragradient") {
    throw new Error(`${op}: unknown update ${describe(update)} (use "alternating", "ogda" or "extragradient")`);
  }
  const positiveInt = (name: string, v: unknown): number => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
    return v;
  };
  const steps = positiveInt("steps", options.steps);
  const batchSize = positiveInt("batchSize", options.batchSize ?? 64);
  const nCritic = positiveInt("nCritic", options.nCritic ?? (loss === "wgan" || loss === "wgan-gp" ? 5 : 1));
  const latentDim = positiveInt("latentDim", options.latentDim);
  const extrapolationLr = options.extrapolationLr ?? 0.01;
  const rng = new Generator(options.seed ?? 0);
  generator.train();
  critic.train();
  const gParams = [...generator.parameters()];
  const dParams = [...critic.parameters()];

  const noise = (): Tensor => randn([batchSize, latentDim], { generator: rng });
  /** Computes (into .grad) the critic's loss gradient on a fresh batch; returns the loss. */
  const criticGrad = (): number => {
    const real = options.sampleReal(batchSize, rng);
    const fake = noGrad(() => generator.call(noise()) as Tensor);
    let lossD = discriminatorLoss(loss, critic.call(real) as Tensor, critic.call(fake) as Tensor);
    if (loss === "wgan-gp" && options.gpLambda !== 0) lossD = lossD.add(gradientPenalty(critic, real, fake, { lambda: options.gpLambda, generator: rng }));
    critic.zeroGrad();
    lossD.backward();
    return lossD.item();
  };
  const generatorGrad = (): number => {
    const lossG = generatorLoss(loss, critic.call(generator.call(noise()) as Tensor) as Tensor);
    generator.zeroGrad();
    lossG.backward();
    return lossG.item();
  };
  // OGDA: the optimizer sees 2gₜ − gₜ₋₁.
  const previous = new Map<Tensor, Tensor>();
  const optimistic = (params: Tensor[]): void => {
    for (const p of params) {
      if (!p.grad) continue;
      const g = p.grad.detach().clone();
      const prev = previous.get(p);
      if (prev) p.grad = g.mul(2).sub(prev);
      previous.set(p, g);
    }
  };
  const stepD = (): void => {
    if (update === "ogda") optimistic(dParams);
    options.optimizerD.step();
    if (loss === "wgan") clipWeights_(critic, options.clipValue ?? 0.01);
  };
  const stepG = (): void => {
    if (update === "ogda") optimistic(gParams);
    options.optimizerG.step();
  };

  const dLosses: number[] = [], gLosses: number[] = [];
  for (let step = 0; step < steps; step++) {
    let dLoss = NaN, gLoss = NaN;
    if (update === "extragradient") {
      for (let k = 0; k < nCritic - 1; k++) {
        dLoss = criticGrad();
        stepD();
      }
      // Look ahead from (θ, φ) with both players' gradients at (θ, φ), then step from (θ, φ).
      const saved = [...gParams, ...dParams].map((p) => p.detach().clone());
      criticGrad();
      const gradsD = dParams.map((p) => p.grad?.detach().clone() ?? null);
      generatorGrad();
      noGrad(() => {
        gParams.forEach((p) => p.grad && p.sub_(p.grad.mul(extrapolationLr)));
        dParams.forEach((p, i) => gradsD[i] && p.sub_(gradsD[i]!.mul(extrapolationLr)));
        if (loss === "wgan") clipWeights_(critic, options.clipValue ?? 0.01);
      });
      dLoss = criticGrad();
      const lookaheadD = dParams.map((p) => p.grad?.detach().clone() ?? null);
      gLoss = generatorGrad();
      noGrad(() => [...gParams, ...dParams].forEach((p, i) => p.copy_(saved[i]!)));
      dParams.forEach((p, i) => (p.grad = lookaheadD[i]!));
      stepD();
      stepG();
    } else {
      for (let k = 0; k < nCritic; k++) {
        dLoss = criticGrad();
        stepD();
      }
      gLoss = generatorGrad();
      stepG();
    }
    dLosses.push(dLoss);
    gLosses.push(gLoss);
    options.onStep?.(step, { dLoss, gLoss });
  }
  return { dLosses, gLosses };
}
