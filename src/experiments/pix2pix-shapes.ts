// Experiment: Pix2Pix (U-Net + PatchGAN, L1 + adversarial, λ = 100) translating outlines of random shapes to filled shapes — test L1 against the trivial baseline, PNG grid.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { randperm } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import { Adam } from "../optim/Adam.js";
import { UNetGenerator, PatchDiscriminator, pix2pixStep } from "../generative/pix2pix.js";
import { shapePairs } from "../generative/shapes.js";
import { makeGrid, imageToPng } from "../generative/imageGrid.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--epochs`, `--lr`, `--seed` and the declared options override). */
export const config = {
  epochs: 6,
  /** Adam with β₁ = 0.5 as the paper (§3.3); the rate is 5 × the paper's 2e-4, for a run of a few hundred steps. */
  lr: 1e-3,
  betas: [0.5, 0.999] as [number, number],
  batchSize: 16,
  trainImages: 800,
  testImages: 200,
  /** Image side; the U-Net's depth is log₂(size), down to 1 × 1. */
  size: 32,
  /** Width of the first layer of G and D (the paper's ngf = ndf = 64, scaled down). */
  features: 8,
  /** PatchGAN stride-2 layers: 2 gives 34 × 34 patches (the 70 × 70 PatchGAN has 3). */
  nLayers: 2,
  lambdaL1: 100,
};

/** Mean |G(x) − y| over a set, in evaluation mode, in chunks. */
function meanL1(G: UNetGenerator, x: Tensor, y: Tensor): number {
  return noGrad(() => {
    let sum = 0;
    for (let s = 0; s < x.shape[0]!; s += 100) {
      const e = Math.min(x.shape[0]!, s + 100);
      sum += G.call(x.slice(0, s, e)).sub(y.slice(0, s, e)).abs().sum().item();
    }
    return sum / y.size;
  });
}

/**
 * Trains Pix2Pix (Isola et al. 2017) on seeded synthetic pairs (generative.shapePairs: the outline of a
 * random circle, rectangle or triangle → the filled shape, 1 channel in [−1, 1]): U-Net generator
 * (batch norm, depth log₂ size), conditional PatchGAN on [input, image], non-saturating GAN loss +
 * λ · L1 with λ = 100, Adam(1e-3, β = (0.5, 0.999)), D's loss halved. Reports on held-out pairs:
 * - `testL1`: mean |G(x) − y| per pixel (values in [−1, 1]) with G in evaluation mode;
 * - `baselineL1`: the same for the trivial translation G(x) = x (the outline itself);
 * - `untrainedL1`: the same for the generator at its initialization;
 * - `trainL1`, `dLoss`, `gAdversarial`: means over the last epoch's steps.
 * Writes samples.png (rows of input | output | target for 8 test pairs) and loss.svg.
 */
export async function runPix2PixShapes(opts: ExperimentOptions): Promise<ExperimentResult> {
  const p = opts.params ?? {};
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const batchSize = p.batchSize ?? config.batchSize, size = p.size ?? config.size, features = p.features ?? config.features;
  const nTrain = p.trainImages ?? config.trainImages, nTest = p.testImages ?? config.testImages;
  const depth = Math.log2(size);
  if (!Number.isInteger(depth) || depth < 2) throw new Error(`pix2pix-shapes: --size must be a power of two ≥ 4, got ${size}`);
  const train = shapePairs(nTrain, { size, generator: new Generator(opts.seed * 1000 + 1) });
  const test = shapePairs(nTest, { size, generator: new Generator(opts.seed * 1000 + 2) });
  const rng = new Generator(opts.seed);
  const G = new UNetGenerator(1, 1, { depth, features, generator: rng });
  const D = new PatchDiscriminator(2, { features, nLayers: Math.min(config.nLayers, depth - 2), generator: rng });
  const optG = new Adam(G.parameters(), { lr, betas: config.betas }), optD = new Adam(D.parameters(), { lr, betas: config.betas });

  G.eval();
  const untrainedL1 = meanL1(G, test.edges, test.filled);
  const baselineL1 = noGrad(() => test.edges.sub(test.filled).abs().mean().item());
  G.train();
  const history: { l1: number; d: number; adv: number }[] = [];
  const started = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = randperm(nTrain, { generator: rng });
    let l1 = 0, d = 0, adv = 0, steps = 0;
    for (let s = 0; s < nTrain; s += batchSize) {
      const idx = order.slice(0, s, Math.min(nTrain, s + batchSize));
      const r = pix2pixStep(G, D, optG, optD, train.edges.indexSelect(0, idx), train.filled.indexSelect(0, idx), { lambdaL1: config.lambdaL1 });
      l1 += r.gL1;
      d += r.dLoss;
      adv += r.gAdversarial;
      steps++;
    }
    history.push({ l1: l1 / steps, d: d / steps, adv: adv / steps });
    opts.log(`epoch ${epoch + 1}/${epochs}: train L1 ${history.at(-1)!.l1.toFixed(4)}, D loss ${history.at(-1)!.d.toFixed(3)}, G adversarial ${history.at(-1)!.adv.toFixed(3)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  G.eval();
  const testL1 = meanL1(G, test.edges, test.filled);
  opts.log(`test L1 ${testL1.toFixed(4)} (input as output: ${baselineL1.toFixed(4)}, untrained G: ${untrainedL1.toFixed(4)})`);

  const k = Math.min(8, nTest);
  noGrad(() => {
    const x = test.edges.slice(0, 0, k), y = test.filled.slice(0, 0, k);
    const rows = cat([x, G.call(x), y]).add(1).mul(0.5); // [−1, 1] → [0, 1]
    writeFileSync(join(opts.outDir, "samples.png"), imageToPng(makeGrid(rows, { nrow: k, padValue: 0.5 }), (b) => deflateSync(b)));
  });
  const xs = history.map((_, i) => i + 1);
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: "Pix2Pix on shapes (outline → filled)", xLabel: "epoch", yLabel: "train L1 (per pixel)",
    series: [{ name: "train L1", x: xs, y: history.map((h) => h.l1) }, { name: "input-as-output test L1", x: xs, y: xs.map(() => baselineL1) }],
  }));
  const last = history.at(-1);
  return {
    testL1, baselineL1, untrainedL1, trainL1: last?.l1 ?? NaN, dLoss: last?.d ?? NaN, gAdversarial: last?.adv ?? NaN,
    epochs, steps: epochs * Math.ceil(nTrain / batchSize), trainImages: nTrain, testImages: nTest, size, features, seconds,
  };
}

export const experiment: Experiment = {
  name: "pix2pix-shapes",
  description: "Pix2Pix (U-Net + PatchGAN, L1 λ = 100) on synthetic shapes, outline → filled: test L1 vs the input-as-output baseline, PNG grid",
  chapter: "generative models",
  options: {
    epochs: { description: "passes over the training pairs", default: config.epochs },
    lr: { description: "Adam's learning rate (both networks)", default: config.lr, kind: "positive" },
    trainImages: { description: "training pairs", default: config.trainImages },
    testImages: { description: "held-out pairs", default: config.testImages },
    batchSize: { description: "pairs per step", default: config.batchSize },
    size: { description: "image side (a power of two; the U-Net goes down to 1 × 1)", default: config.size },
    features: { description: "width of the first layer of G and D", default: config.features },
  },
  quick: { trainImages: 16, testImages: 8, batchSize: 8, size: 16, features: 4 },
  config,
  run: (opts) => runPix2PixShapes(opts),
};
