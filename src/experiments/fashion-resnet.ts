// Fashion-MNIST with a small ResNet (vision.models.ResNet, BasicBlock, CIFAR stem) trained with augmentation
// (random crop with padding + horizontal flip), SGD with Nesterov momentum, warm-up + cosine learning rate and
// label smoothing, on the full 60,000 / 10,000 split.
import type { Tensor } from "../tensor/Tensor.js";
import { DataLoader } from "../data/DataLoader.js";
import { TensorDataset } from "../data/Dataset.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { SGD } from "../optim/SGD.js";
import { LambdaLR } from "../optim/lrScheduler.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { fit, evaluate, type Loader } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { BasicBlock, ResNet } from "../vision/models/ResNet.js";
import { Compose, RandomCrop, RandomHorizontalFlip } from "../vision/transforms/transforms.js";
import { runCallbacks } from "../node/experiment.js";
import { config as cnnConfig, fashionSplit, reportFashionRun } from "./fashion-cnn.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs`, `--lr`, `--seed` and the size options override. */
export const config = {
  /** ResNet-10 shape (one BasicBlock per stage) at a quarter of resnet18's widths: 308,538 parameters. */
  layers: [1, 1, 1, 1],
  widths: [16, 32, 64, 128],
  epochs: 15,
  batchSize: 128,
  /** Peak learning rate of SGD (Nesterov momentum 0.9, weight decay 5e-4 on the convolution and linear weights). */
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  /** Linear warm-up over the first epoch, then cosine decay to 0 per step. */
  warmupEpochs: 1,
  labelSmoothing: 0.1,
  /** Random crop of 28×28 out of the image padded by this many background pixels, then a horizontal flip with p = 0.5. */
  cropPadding: 2,
};

/** A smaller run (for tests): the first `trainSize` / `testSize` images. */
export interface FashionResnetBudget {
  trainSize?: number;
  testSize?: number;
  /** Progress bar on the terminal (default true). */
  progress?: boolean;
}

/** The experiment's net: a ResNet with the CIFAR stem (3×3 convolution, no max-pool) for 1×28×28 images, 10 classes. */
export function fashionResnet(generator: Generator): ResNet {
  return new ResNet(BasicBlock, config.layers, { numClasses: 10, inChannels: 1, stem: "cifar", widths: config.widths, generator });
}

/** A loader whose batches' images go through `transform` (a fresh random draw per image, from `generator`). */
function augmented(loader: DataLoader, transform: Compose, generator: Generator): Loader {
  return {
    get length() {
      return loader.length;
    },
    setEpoch: (epoch: number) => loader.setEpoch(epoch),
    *[Symbol.iterator]() {
      for (const [x, y] of loader) yield [noGrad(() => transform.apply(x as Tensor, generator)), y];
    },
  };
}

/**
 * Trains the ResNet on augmented, normalized Fashion-MNIST training images (cross-entropy with label
 * smoothing, SGD + Nesterov momentum, warm-up + cosine, batch 128) with the test split as validation.
 * Writes curves.svg, confusion.png and confusion.json. Metrics: `testAccuracy`, `testLoss` (without
 * smoothing), `secondsPerEpoch`.
 */
export async function runFashionResnet(opts: ExperimentOptions, budget: FashionResnetBudget = {}): Promise<ExperimentResult> {
  const epochs = opts.epochs ?? config.epochs;
  const lr = opts.lr ?? config.lr;
  const train = fashionSplit(true, budget.trainSize);
  const test = fashionSplit(false, budget.testSize);
  manualSeed(opts.seed);
  const model = fashionResnet(new Generator(opts.seed));
  // Weight decay on convolution and linear weights only (not on batch-norm scales and shifts or biases).
  const decay: Tensor[] = [], noDecay: Tensor[] = [];
  for (const p of model.parameters()) (p.ndim >= 2 ? decay : noDecay).push(p);
  const optimizer = new SGD([{ params: decay, weightDecay: config.weightDecay }, { params: noDecay, weightDecay: 0 }], { lr, momentum: config.momentum, nesterov: true });
  const background = -cnnConfig.mean / cnnConfig.std; // a black pixel after normalization
  const augment = new Compose([new RandomCrop(28, { padding: config.cropPadding, fill: background }), new RandomHorizontalFlip()]);
  const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed });
  const trainLoader = augmented(loader, augment, new Generator(opts.seed + 1));
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 500 });
  const stepsPerEpoch = loader.length, total = epochs * stepsPerEpoch;
  const warmup = Math.min(total, Math.max(1, Math.round(config.warmupEpochs * stepsPerEpoch)));
  const scheduler = new LambdaLR(optimizer, (t) => (t < warmup ? (t + 1) / warmup : 0.5 * (1 + Math.cos((Math.PI * (t - warmup)) / Math.max(1, total - warmup)))));
  const loss = (output: Tensor, target: Tensor) => crossEntropy(output, target, { labelSmoothing: config.labelSmoothing });
  opts.log(`fashion-resnet: ${train.x.shape[0]} train / ${test.x.shape[0]} test images, ResNet ${config.layers.join("-")} widths ${config.widths.join("-")}, ${epochs} epochs, SGD lr ${lr}, seed ${opts.seed}`);
  const history = await fit(model, {
    trainLoader, valLoader: testLoader, loss, optimizer, epochs, metrics: { accuracy },
    callbacks: [...runCallbacks(opts.outDir, opts.log, { progress: budget.progress ?? true }), { onBatchEnd: () => void scheduler.step() }],
  });
  const final = evaluate(model, testLoader, { loss: crossEntropy, metrics: { accuracy } });

  model.eval();
  return reportFashionRun(opts, (x) => model.call(x), testLoader, test.y, history, final, epochs, "Fashion-MNIST ResNet with augmentation (test split as validation)");
}

export const experiment: Experiment = {
  name: "fashion-resnet",
  config,
  description: "Fashion-MNIST (60,000 / 10,000): a small ResNet (BasicBlock, widths 16-32-64-128) with random-crop + flip augmentation, SGD Nesterov + cosine, label smoothing",
  chapter: "CNNs",
  options: {
    epochs: { description: "passes over the training images", default: config.epochs },
    lr: { description: "SGD's peak learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "train on the first N training images (default: all 60,000)" },
    testSize: { description: "test on the first N test images (default: all 10,000)" },
  },
  quick: { trainSize: 128, testSize: 64 },
  run: (opts) => runFashionResnet(opts, { trainSize: opts.params?.trainSize, testSize: opts.params?.testSize }),
};
