// Backpropagation written out by hand for a 2-layer sigmoid network, checked against autograd, then trained by gradient descent.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { Tensor } from "../tensor/Tensor.js";
import { Generator } from "../random/Generator.js";
import { randn, zeros } from "../ops/creation.js";
import { xor } from "../data/synthetic.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { noGrad } from "../autograd/engine.js";
import type { Experiment } from "./Experiment.js";

/**
 * The network of Rumelhart, Hinton & Williams (1986), "Learning representations by back-propagating
 * errors" (Nature 323), with sigmoid units and squared error:
 *
 * ```
 * z₁ = X W₁ + b₁   a₁ = σ(z₁)        (N, H)
 * z₂ = a₁ W₂ + b₂  ŷ  = σ(z₂)        (N, 1)
 * L  = 1/(2N) Σ (ŷ − y)²
 * ```
 * Backward pass, using σ'(z) = σ(z)(1 − σ(z)):
 * ```
 * δ₂ = (ŷ − y)/N ⊙ ŷ(1 − ŷ)          (N, 1)   dW₂ = a₁ᵀ δ₂,  db₂ = Σₙ δ₂
 * δ₁ = (δ₂ W₂ᵀ) ⊙ a₁(1 − a₁)          (N, H)   dW₁ = Xᵀ δ₁,   db₁ = Σₙ δ₁
 * ```
 */
export interface Params {
  W1: Tensor; // (D, H)
  b1: Tensor; // (H)
  W2: Tensor; // (H, 1)
  b2: Tensor; // (1)
}

export const config = { hidden: 8, samples: 200, epochs: 2000, lr: 2.0, noise: 0.25 };

/** Forward pass; returns the activations the backward pass needs. */
export function forward(p: Params, X: Tensor): { a1: Tensor; yHat: Tensor } {
  const a1 = X.matmul(p.W1).add(p.b1).sigmoid(); // (N, H)
  const yHat = a1.matmul(p.W2).add(p.b2).sigmoid(); // (N, 1)
  return { a1, yHat };
}

export function loss(yHat: Tensor, y: Tensor): Tensor {
  return yHat.sub(y).square().mean().mul(0.5);
}

/** The backward pass of the doc comment, with no autograd involved. */
export function backward(p: Params, X: Tensor, y: Tensor): { loss: number; grads: Params } {
  const N = X.shape[0]!;
  const { a1, yHat } = forward(p, X);
  const delta2 = yHat.sub(y).div(N).mul(yHat.mul(yHat.neg().add(1))); // (N, 1)
  const delta1 = delta2.matmul(p.W2.T).mul(a1.mul(a1.neg().add(1))); // (N, H)
  return {
    loss: loss(yHat, y).item(),
    grads: {
      W1: X.T.matmul(delta1),
      b1: delta1.sum({ dim: 0 }),
      W2: a1.T.matmul(delta2),
      b2: delta2.sum({ dim: 0 }),
    },
  };
}

/** The same gradients from autograd, for the check. */
export function autogradGrads(p: Params, X: Tensor, y: Tensor): Params {
  const leaves = Object.fromEntries(Object.entries(p).map(([k, t]) => [k, t.detach().requiresGrad_()])) as unknown as Params;
  loss(forward(leaves, X).yHat, y).backward();
  return { W1: leaves.W1.grad!, b1: leaves.b1.grad!, W2: leaves.W2.grad!, b2: leaves.b2.grad! };
}

export function initParams(inputs: number, hidden: number, generator: Generator, dtype: "float32" | "float64" = "float32"): Params {
  return {
    W1: randn([inputs, hidden], { generator, dtype }).mul(1 / Math.sqrt(inputs)),
    b1: zeros([hidden], { dtype }),
    W2: randn([hidden, 1], { generator, dtype }).mul(1 / Math.sqrt(hidden)),
    b2: zeros([1], { dtype }),
  };
}

/** Largest |hand − autograd| over all gradient entries. */
export function maxGradientDifference(a: Params, b: Params): number {
  let worst = 0;
  for (const k of ["W1", "b1", "W2", "b2"] as const) worst = Math.max(worst, a[k].sub(b[k]).abs().max().item());
  return worst;
}

export const experiment: Experiment = {
  name: "backprop-by-hand",
  description: "2-layer sigmoid net with the backward pass written by hand, checked equal to autograd (float64), then trained on XOR by gradient descent",
  chapter: "tensors and autograd",
  options: { epochs: { description: "full-batch gradient-descent steps on XOR", default: config.epochs }, lr: { description: "gradient-descent step size", default: config.lr, kind: "positive" } },
  config,
  run(opts) {
    const epochs = opts.epochs ?? config.epochs;
    const lr = opts.lr ?? config.lr;
    const { x, y: labels } = xor(config.samples, { seed: opts.seed, noise: config.noise });
    const y = labels.float().reshape(-1, 1);

    // 1. The check, in float64 so rounding cannot hide a wrong formula.
    const p64 = initParams(2, config.hidden, new Generator(opts.seed + 1), "float64");
    const hand = backward(p64, x.double(), y.double()).grads;
    const auto = autogradGrads(p64, x.double(), y.double());
    const maxGradDiff = maxGradientDifference(hand, auto);
    opts.log(`max |hand-written gradient − autograd| = ${maxGradDiff.toExponential(2)} (float64)`);

    // 2. Training with the hand-written gradients: θ ← θ − lr·∇θ, full batch.
    const p = initParams(2, config.hidden, new Generator(opts.seed + 1));
    const losses: number[] = [];
    const lines: string[] = [];
    noGrad(() => {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const { loss: l, grads } = backward(p, x, y);
        losses.push(l);
        for (const k of ["W1", "b1", "W2", "b2"] as const) p[k] = p[k].sub(grads[k].mul(lr));
        if (epoch % Math.max(1, Math.floor(epochs / 20)) === 0 || epoch === epochs - 1) lines.push(JSON.stringify({ epoch, loss: l }));
      }
    });
    const yHat = forward(p, x).yHat;
    const accuracy = yHat.gt(0.5).float().eq(y).float().mean().item();
    writeFileSync(join(opts.outDir, "metrics.jsonl"), lines.join("\n") + "\n");
    savePlot(join(opts.outDir, "loss.svg"), linePlot({ title: "XOR, hand-written backprop", xLabel: "epoch", yLabel: "½·MSE", logY: true, series: [{ name: "training loss", y: losses }] }));
    opts.log(`after ${epochs} epochs: loss ${losses.at(-1)!.toExponential(3)}, training accuracy ${(accuracy * 100).toFixed(1)} %`);
    return { maxGradDiff, initialLoss: losses[0]!, finalLoss: losses.at(-1)!, trainAccuracy: accuracy, epochs };
  },
};
