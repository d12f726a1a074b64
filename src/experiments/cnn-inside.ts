// Looking inside a CNN trained on Fashion-MNIST: first-layer filters, feature maps of both conv
// layers (forward hooks), saliency maps (input gradients) and activation maximization per class.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { Tensor } from "../tensor/Tensor.js";
import { DataLoader } from "../data/DataLoader.js";
import { TensorDataset } from "../data/Dataset.js";
import { Sequential } from "../nn/containers.js";
import { Conv2d } from "../nn/Conv.js";
import { Linear } from "../nn/Linear.js";
import { ReLU } from "../nn/activations.js";
import { MaxPool2d } from "../nn/pooling.js";
import { Flatten } from "../nn/Flatten.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { cat, stack } from "../ops/movement.js";
import { fit, evaluate } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { filterGrid, makeGrid, saliency } from "../vision/visualize.js";
import { activationMaximization } from "../vision/activationMax.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { savePng } from "../node/savePng.js";
import { plotHistory, runCallbacks } from "../node/experiment.js";
import { fashionSplit } from "./fashion-cnn.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs`, `--lr`, `--seed` and the sizes override. */
export const config = {
  epochs: 2,
  batchSize: 64,
  lr: 1e-3,
  /** Activation maximization: steps, step size, L2 decay, jitter (pixels), blur every n steps with σ. */
  amSteps: 150,
  amLr: 0.5,
  amL2: 0.02,
  amJitter: 1,
  amBlurEvery: 5,
  amBlurSigma: 0.5,
};

/**
 * A small CNN (≈ 26 k parameters): conv 1→16 (3×3, pad 1) → ReLU → max-pool → conv 16→32 (3×3,
 * pad 1) → ReLU → max-pool → fc 10. Its layers are `model.at(0)` (conv1) and `model.at(3)` (conv2).
 */
export function smallFashionCnn(generator: Generator, classes = 10): Sequential {
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2), // → (N, 16, 14, 14)
    new Conv2d(16, 32, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2), // → (N, 32, 7, 7)
    new Flatten(), new Linear(32 * 7 * 7, classes, { generator }),
  );
}

/** Min–max scales each image of a (N, C, H, W) batch into [0, 1] for display. */
function scaleEach(x: Tensor): Tensor {
  return noGrad(() => {
    const flat = x.reshape([x.shape[0]!, -1]);
    const lo = flat.amin(1, true), hi = flat.amax(1, true);
    return flat.sub(lo).div(hi.sub(lo).add(1e-12)).reshape(x.shape);
  });
}

/**
 * Trains the small CNN with Adam on Fashion-MNIST (normalized pixels), then writes filters.png (the
 * 16 first-layer filters), featuremaps-conv1.png / featuremaps-conv2.png (every channel's map for the
 * first test image, captured by forward hooks), saliency.png (8 test images above their saliency maps)
 * and activation-max.png (one image per class found by gradient ascent with L2 decay, jitter and blur,
 * in class order). Metrics: `testAccuracy`; `amRecognized` — the fraction of the class images the
 * network itself assigns to their class; `amGain` — the mean rise of the class score from the blank
 * image to the optimized one.
 */
export async function runCnnInside(opts: ExperimentOptions, budget: { trainSize?: number; testSize?: number; amSteps?: number } = {}): Promise<ExperimentResult> {
  manualSeed(opts.seed);
  const epochs = opts.epochs ?? config.epochs;
  const lr = opts.lr ?? config.lr;
  const train = fashionSplit(true, budget.trainSize);
  const test = fashionSplit(false, budget.testSize);
  opts.log(`cnn-inside: ${train.x.shape[0]} train / ${test.x.shape[0]} test images, ${epochs} epochs, Adam lr ${lr}, seed ${opts.seed}`);
  const model = smallFashionCnn(new Generator(opts.seed));
  const trainLoader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed });
  const testLoader = new DataLoader(new TensorDataset(test.x, test.y), { batchSize: 1000 });
  const history = await fit(model, {
    trainLoader, valLoader: testLoader, loss: crossEntropy, optimizer: new Adam(model.parameters(), { lr }), epochs, metrics: { accuracy },
    callbacks: runCallbacks(opts.outDir, opts.log, { progress: false }),
  });
  const final = evaluate(model, testLoader, { loss: crossEntropy, metrics: { accuracy } });
  plotHistory(opts.outDir, history, { title: "cnn-inside: small CNN on Fashion-MNIST" });
  model.eval();
  const conv1 = model.at(0) as Conv2d, conv2 = model.at(3) as Conv2d;

  // 1. First-layer filters.
  savePng(join(opts.outDir, "filters.png"), filterGrid(conv1.weight, { nrow: 8, padding: 1 }));

  // 2. Feature maps of both conv layers for one image, by forward hooks.
  const maps: Tensor[] = [];
  const handles = [conv1, conv2].map((layer) => layer.registerForwardHook((_m, _in, out) => { maps.push((out as Tensor).detach()); }));
  noGrad(() => model.call(test.x.narrow(0, 0, 1)));
  handles.forEach((h) => h.remove());
  maps.forEach((m, i) => {
    const channels = m.reshape([m.shape[1]!, 1, m.shape[2]!, m.shape[3]!]); // one grey image per channel
    savePng(join(opts.outDir, `featuremaps-conv${i + 1}.png`), makeGrid(scaleEach(channels), { nrow: 8, padding: 1 }));
  });

  // 3. Saliency maps of the predicted class for 8 test images (images on top, maps below).
  const n = Math.min(8, test.x.shape[0]!);
  const images = test.x.narrow(0, 0, n);
  const sal = saliency(model, images).reshape([n, 1, 28, 28]);
  savePng(join(opts.outDir, "saliency.png"), makeGrid(cat([scaleEach(images), scaleEach(sal)], 0), { nrow: n, padding: 2 }));

  // 4. Activation maximization: one image per class.
  const amSteps = budget.amSteps ?? config.amSteps;
  const found: Tensor[] = [];
  let gain = 0;
  for (let c = 0; c < 10; c++) {
    const result = activationMaximization(model, {
      inputShape: [1, 28, 28], unit: c, steps: amSteps, lr: config.amLr, l2: config.amL2,
      jitter: config.amJitter, blurEvery: config.amBlurEvery, blurSigma: config.amBlurSigma, generator: new Generator(opts.seed + c),
    });
    const blank = activationMaximization(model, { inputShape: [1, 28, 28], unit: c, steps: 0 }).activation;
    gain += (result.activation - blank) / 10;
    found.push(result.image.reshape([1, 28, 28]));
  }
  const amImages = stack(found, 0);
  const predicted = noGrad(() => (model.call(amImages) as Tensor).argmax(1).toList() as number[]);
  const amRecognized = predicted.filter((p, c) => p === c).length / 10;
  savePng(join(opts.outDir, "activation-max.png"), makeGrid(scaleEach(amImages), { nrow: 10, padding: 2 }));
  writeFileSync(join(opts.outDir, "activation-max.json"), JSON.stringify({ classes: FashionMNIST.classes, predicted }, null, 2));
  opts.log(`test accuracy ${(final.accuracy! * 100).toFixed(2)} %; activation maximization: ${amRecognized * 10}/10 class images recognized, mean score gain ${gain.toFixed(2)}`);
  return { testAccuracy: final.accuracy!, testLoss: final.loss!, amRecognized, amGain: gain, epochs };
}

export const experiment: Experiment = {
  name: "cnn-inside",
  config,
  description: "Inside a Fashion-MNIST CNN: filters, feature maps (forward hooks), saliency maps and activation maximization per class",
  chapter: "CNNs",
  options: {
    epochs: { description: "passes over the training images", default: config.epochs },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "train on the first N training images (default: all 60,000)" },
    testSize: { description: "test on the first N test images (default: all 10,000)" },
    amSteps: { description: "gradient-ascent steps per class image", default: config.amSteps },
  },
  quick: { trainSize: 128, testSize: 64, amSteps: 3 },
  run: (opts) => runCnnInside(opts, { trainSize: opts.params?.trainSize, testSize: opts.params?.testSize, amSteps: opts.params?.amSteps }),
};
