// Experiment: a small Vision Transformer (torchvision's layout, 7×7 patches) trained from scratch on Fashion-MNIST,
// with the class token's attention over the patches drawn for one test image.
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { DataLoader } from "../data/DataLoader.js";
import { TensorDataset } from "../data/Dataset.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { AdamW } from "../optim/AdamW.js";
import { LambdaLR } from "../optim/lrScheduler.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { fit, evaluate } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { ViT } from "../vision/models/ViT.js";
import { heatmap, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { plotHistory, runCallbacks } from "../node/experiment.js";
import { fashionSplit } from "./fashion-cnn.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--epochs`, `--lr`, `--seed` and the size options override). */
export const config = {
  /** ViT: 28×28 images in 7×7 patches (16 tokens + the class token), 4 blocks of width 64, 4 heads, MLP 128. */
  patchSize: 7,
  numLayers: 4,
  numHeads: 4,
  hiddenDim: 64,
  mlpDim: 128,
  dropout: 0.1,
  /** AdamW on the ≥ 2-D weights with weight decay 0.05 (biases, norms, class token and positions without); linear warm-up then cosine decay per step. */
  epochs: 10,
  lr: 1e-3,
  weightDecay: 0.05,
  warmupEpochs: 1,
  batchSize: 128,
};

/** Size options a test can lower. */
export interface VitFashionBudget {
  trainSize?: number;
  testSize?: number;
  progress?: boolean;
}

/**
 * Trains `vision.models.ViT` on the normalized Fashion-MNIST training images (cross-entropy, AdamW, warm-up +
 * cosine, batch 128) with the test split as validation. Metrics: `testAccuracy`, `testLoss`, `secondsPerEpoch`.
 * Writes curves.svg and attention.svg (for the first test image: the class token's attention over the 4 × 4
 * patches in every block, averaged over heads).
 */
export async function runVitFashion(opts: ExperimentOptions, budget: VitFashionBudget = {}): Promise<ExperimentResult> {
  const epochs = opts.epochs ?? config.epochs;
  const lr = opts.lr ?? config.lr;
  const train = fashionSplit(true, budget.trainSize);
  const test = fashionSplit(false, budget.testSize);
  manualSeed(opts.seed); // dropout draws from the global stream
  const generator = new Generator(opts.seed);
  const model = new ViT({ imageSize: 28, patchSize: config.patchSize, numLayers: config.numLayers, numHeads: config.numHeads, hiddenDim: config.hiddenDim, mlpDim: config.mlpDim, inChannels: 1, numClasses: 10, dropout: config.dropout, generator });
  const decay: Tensor[] = [], noDecay: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) (p.ndim >= 2 && !name.endsWith("class_token") && !name.endsWith("pos_embedding") ? decay : noDecay).push(p);
  const optimizer = new AdamW([{ params: decay, weightDecay: config.weightDecay }, { params: noDecay, weightDecay: 0 }], { lr });
  const trainLoader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed });
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 500 });
  const stepsPerEpoch = Math.ceil(train.x.shape[0]! / config.batchSize), total = epochs * stepsPerEpoch;
  const warmup = Math.min(total, Math.max(1, Math.round(config.warmupEpochs * stepsPerEpoch)));
  const scheduler = new LambdaLR(optimizer, (t) => (t < warmup ? (t + 1) / warmup : 0.5 * (1 + Math.cos((Math.PI * (t - warmup)) / Math.max(1, total - warmup)))));
  opts.log(`vit-fashion: ${train.x.shape[0]} train / ${test.x.shape[0]} test images, ${epochs} epochs, AdamW lr ${lr}, seed ${opts.seed}`);
  const history = await fit(model, {
    trainLoader, valLoader: testLoader, loss: crossEntropy, optimizer, epochs, metrics: { accuracy },
    callbacks: [...runCallbacks(opts.outDir, opts.log, { progress: budget.progress ?? true }), { onBatchEnd: () => void scheduler.step() }],
  });
  const final = evaluate(model, testLoader, { loss: crossEntropy, metrics: { accuracy } });

  model.eval();
  const weights = noGrad(() => model.attentionWeights(test.x.narrow(0, 0, 1)));
  const grid = 28 / config.patchSize;
  const maps = weights.map((w, layer) => {
    const fromClass = w.select(0, 0).select(0, 0).narrow(0, 1, grid * grid).reshape([grid, grid]); // class token → patches
    return heatmap({ values: fromClass.toArray() as number[][], title: `block ${layer + 1}`, colorScale: "viridis" });
  });
  savePlot(join(opts.outDir, "attention.svg"), panel(maps, { columns: maps.length, title: `Class-token attention over 7×7 patches, test image 0 (${FashionMNIST.classes[test.y.select(0, 0).item()]})` }));
  plotHistory(opts.outDir, history, { title: "ViT on Fashion-MNIST (test split as validation)" });
  const seconds = history.series.seconds ?? [];
  const secondsPerEpoch = seconds.reduce((a, b) => a + b, 0) / Math.max(1, seconds.length);
  opts.log(`test accuracy ${(final.accuracy! * 100).toFixed(2)} % after ${epochs} epochs (${secondsPerEpoch.toFixed(1)} s/epoch)`);
  return { testAccuracy: final.accuracy!, testLoss: final.loss!, trainAccuracy: history.series.accuracy?.at(-1) ?? Number.NaN, epochs, secondsPerEpoch };
}

export const experiment: Experiment = {
  name: "vit-fashion",
  description: "Fashion-MNIST with a small Vision Transformer (7×7 patches, 4 blocks, width 64), AdamW + warm-up/cosine: test accuracy, attention maps",
  chapter: "Transformers",
  options: {
    epochs: { description: "passes over the training images", default: config.epochs },
    lr: { description: "AdamW's peak learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "train on the first N training images (default: all 60,000)" },
    testSize: { description: "test on the first N test images (default: all 10,000)" },
  },
  quick: { trainSize: 128, testSize: 64 },
  config,
  run: (opts) => runVitFashion(opts, { trainSize: opts.params?.trainSize, testSize: opts.params?.testSize }),
};
