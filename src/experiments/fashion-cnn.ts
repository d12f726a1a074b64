// Fashion-MNIST with the classic two-convolution CNN (conv 32 → conv 64 → max-pool → dropout → fc 128 →
// dropout → fc 10), Adam 1e-3, batch 64, on the full 60,000 / 10,000 split.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { Tensor } from "../tensor/Tensor.js";
import { DataLoader } from "../data/DataLoader.js";
import { TensorDataset } from "../data/Dataset.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { Sequential } from "../nn/containers.js";
import { Conv2d } from "../nn/Conv.js";
import { Linear } from "../nn/Linear.js";
import { ReLU } from "../nn/activations.js";
import { MaxPool2d } from "../nn/pooling.js";
import { Dropout } from "../nn/Dropout.js";
import { Flatten } from "../nn/Flatten.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { Generator } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { cat } from "../ops/movement.js";
import { fit, evaluate, type History } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { confusionMatrix, confusionMatrixImage, filterGrid } from "../vision/visualize.js";
import { savePng } from "../node/savePng.js";
import { plotHistory, runCallbacks } from "../node/experiment.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs`, `--lr` and `--seed` override. */
export const config = {
  epochs: 12,
  batchSize: 64,
  lr: 1e-3,
  /** Mean and standard deviation of the training pixels (in [0, 1]), subtracted and divided out. */
  mean: 0.286,
  std: 0.353,
  dropoutConv: 0.25,
  dropoutFc: 0.5,
};

/** The net of PyTorch's and Keras's MNIST examples: 1.2 M parameters, 9216 = 64·12·12 features. */
export function fashionCnn(generator: Generator): Sequential {
  return new Sequential(
    new Conv2d(1, 32, 3, { generator }), new ReLU(), // → (N, 32, 26, 26)
    new Conv2d(32, 64, 3, { generator }), new ReLU(), // → (N, 64, 24, 24)
    new MaxPool2d(2), new Dropout(config.dropoutConv, { generator }), // → (N, 64, 12, 12)
    new Flatten(), new Linear(9216, 128, { generator }), new ReLU(), new Dropout(config.dropoutFc, { generator }),
    new Linear(128, 10, { generator }),
  );
}

/** A smaller run (for tests): the first `trainSize` / `testSize` images. */
export interface FashionCnnBudget {
  trainSize?: number;
  testSize?: number;
  /** Test images per forward pass (default 1000). */
  testBatchSize?: number;
  /** Progress bar on the terminal (default true). */
  progress?: boolean;
}

/** The first `n` images of a split, normalized, with their labels. */
export function fashionSplit(train: boolean, n?: number): { x: Tensor; y: Tensor } {
  const dataset = new FashionMNIST({ train });
  const count = Math.min(n ?? dataset.length, dataset.length);
  const [images, labels] = dataset.getBatch(Array.from({ length: count }, (_, i) => i));
  return { x: noGrad(() => images!.sub(config.mean).div(config.std)), y: labels! };
}

/**
 * Trains the CNN with Adam (lr 1e-3) in batches of 64 for `epochs` epochs, watching the test split,
 * and reports the final test accuracy and the mean wall-clock seconds per training epoch. Writes
 * curves.svg, confusion.png (rows: true class), filters.png (the 32 first-layer filters),
 * model.safetensors-free summary.json metrics. Metrics: `testAccuracy`, `secondsPerEpoch`.
 */
export async function runFashionCnn(opts: ExperimentOptions, budget: FashionCnnBudget = {}): Promise<ExperimentResult> {
  const epochs = opts.epochs ?? config.epochs;
  const lr = opts.lr ?? config.lr;
  const train = fashionSplit(true, budget.trainSize);
  const test = fashionSplit(false, budget.testSize);
  opts.log(`fashion-cnn: ${train.x.shape[0]} train / ${test.x.shape[0]} test images, ${epochs} epochs, Adam lr ${lr}, seed ${opts.seed}`);
  const model = fashionCnn(new Generator(opts.seed));
  const optimizer = new Adam(model.parameters(), { lr });
  const trainLoader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed });
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: budget.testBatchSize ?? 1000 });
  const history = await fit(model, {
    trainLoader, valLoader: testLoader, loss: crossEntropy, optimizer, epochs, metrics: { accuracy },
    callbacks: runCallbacks(opts.outDir, opts.log, { progress: budget.progress ?? true }),
  });
  const final = evaluate(model, testLoader, { loss: crossEntropy, metrics: { accuracy } });

  model.eval();
  // In batches: the whole test split at once would need gigabytes of convolution columns.
  savePng(join(opts.outDir, "filters.png"), filterGrid((model.at(0) as Conv2d).weight, { nrow: 8 }));
  const report = reportFashionRun(opts, (x) => model.call(x) as Tensor, testLoader, test.y, history, final, epochs, "Fashion-MNIST CNN (test split as validation)");
  return { ...report, trainLoss: history.series.loss?.at(-1) ?? Number.NaN };
}

/**
 * The end of a Fashion-MNIST classifier's run: test predictions in batches, confusion.png and confusion.json,
 * the training curves, a log line, and the metrics every such experiment reports.
 */
export function reportFashionRun(
  opts: ExperimentOptions, predict: (x: Tensor) => Tensor, testLoader: DataLoader<Tensor[]>, labels: Tensor, history: History,
  final: Record<string, number>, epochs: number, title: string,
): { testAccuracy: number; testLoss: number; trainAccuracy: number; epochs: number; secondsPerEpoch: number } {
  const predictions = cat([...testLoader].map(([x]) => noGrad(() => predict(x!).argmax(1))), 0);
  const matrix = confusionMatrix(predictions, labels, 10);
  savePng(join(opts.outDir, "confusion.png"), confusionMatrixImage(matrix, { cellSize: 24 }));
  writeFileSync(join(opts.outDir, "confusion.json"), JSON.stringify({ classes: FashionMNIST.classes, matrix: matrix.toList() }));
  plotHistory(opts.outDir, history, { title });

  const seconds = history.series.seconds ?? [];
  const secondsPerEpoch = seconds.reduce((a, b) => a + b, 0) / Math.max(1, seconds.length);
  opts.log(`test accuracy ${(final.accuracy! * 100).toFixed(2)} % after ${epochs} epochs (${secondsPerEpoch.toFixed(1)} s/epoch)`);
  return {
    testAccuracy: final.accuracy!,
    testLoss: final.loss!,
    trainAccuracy: history.series.accuracy?.at(-1) ?? Number.NaN,
    epochs,
    secondsPerEpoch,
  };
}

export const experiment: Experiment = {
  name: "fashion-cnn",
  config,
  description: "Fashion-MNIST (60,000 / 10,000): conv32-conv64-maxpool-dropout-fc128-dropout-fc10 CNN, Adam 1e-3, batch 64",
  chapter: "CNNs",
  options: {
    epochs: { description: "passes over the training images", default: config.epochs },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "train on the first N training images (default: all 60,000)" },
    testSize: { description: "test on the first N test images (default: all 10,000)" },
  },
  quick: { trainSize: 128, testSize: 64 },
  run: (opts) => runFashionCnn(opts, { trainSize: opts.params?.trainSize, testSize: opts.params?.testSize }),
};
