// A small Fashion-MNIST classifier trained by the project itself: the judge of conditional-GAN samples and the feature extractor of the Fréchet distance.
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { randperm } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { Module } from "../nn/Module.js";
import { Sequential } from "../nn/containers.js";
import { Conv2d } from "../nn/Conv.js";
import { Linear } from "../nn/Linear.js";
import { ReLU } from "../nn/activations.js";
import { MaxPool2d } from "../nn/pooling.js";
import { Flatten } from "../nn/Flatten.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { Generator } from "../random/Generator.js";
import { frechetDistance } from "./frechet.js";

/** Mean and standard deviation of Fashion-MNIST's training pixels in [0, 1], subtracted and divided out by the judge. */
const PIXEL_MEAN = 0.286, PIXEL_STD = 0.353;

/**
 * A two-convolution CNN for 28 × 28 grey images in [0, 1] (Fashion-MNIST's 10 classes):
 * Conv 3×3 (8) → ReLU → MaxPool 2 → (8, 14, 14) → Conv 3×3 (16) → ReLU → MaxPool 2 → (16, 7, 7) →
 * Linear 784 → `featureDim` → ReLU → Linear → 10 logits (52 k parameters: small enough to train in
 * minutes on a CPU). `features(x)` is the penultimate layer (after
 * its ReLU): the space in which generated and real images are compared by {@link judgeFrechetDistance}
 * — a "Fréchet distance on FashionJudge features", not FID, which needs Inception-v3's weights.
 */
export class FashionJudge extends Module<[x: Tensor], Tensor> {
  body: Sequential;
  head: Linear;
  constructor(readonly featureDim = 64, options: { generator?: Generator } = {}) {
    super();
    const generator = options.generator;
    this.body = new Sequential(
      new Conv2d(1, 8, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2), // (N, 8, 14, 14)
      new Conv2d(8, 16, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2), // (N, 16, 7, 7)
      new Flatten(), new Linear(16 * 7 * 7, featureDim, { generator }), new ReLU(), // (N, featureDim)
    );
    this.head = new Linear(featureDim, 10, { generator });
  }
  /** Penultimate-layer features [N, featureDim] of images [N, 1, 28, 28] with pixels in [0, 1]. */
  features(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim !== 4 || x.shape[1] !== 1 || x.shape[2] !== 28 || x.shape[3] !== 28) {
      throw new Error(`FashionJudge: images must be [N, 1, 28, 28] with pixels in [0, 1], got ${x instanceof Tensor ? fmtShape(x.shape) : describe(x)}`);
    }
    return this.body.call(x.sub(PIXEL_MEAN).div(PIXEL_STD));
  }
  /** Class logits [N, 10]. */
  forward(x: Tensor): Tensor {
    return this.head.call(this.features(x));
  }
}

/** Options of {@link trainFashionJudge}: epochs, batch size, Adam's learning rate, seed and a progress callback. */
export interface TrainJudgeOptions {
  /** Passes over the training images (default 4). */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Adam's learning rate of the first epoch (default 2e-3). */
  lr?: number;
  /** Factor applied to the learning rate after every epoch (default 0.5: 2e-3, 1e-3, 5e-4, …). */
  lrDecay?: number;
  /** Seed of the initial weights and the batch order (default 0). */
  seed?: number;
  /** Called after every epoch with the mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Trains a {@link FashionJudge} on images [N, 1, 28, 28] in [0, 1] and int32 labels [N] by Adam on the cross-entropy; returns it in eval mode. */
export function trainFashionJudge(images: Tensor, labels: Tensor, options: TrainJudgeOptions = {}): FashionJudge {
  const op = "trainFashionJudge";
  if (!(labels instanceof Tensor) || labels.dtype !== "int32" || labels.ndim !== 1 || !(images instanceof Tensor) || images.shape[0] !== labels.shape[0]) {
    throw new Error(`${op}: labels must be int32 [N] for images [N, 1, 28, 28], got ${labels instanceof Tensor ? `${labels.dtype} ${fmtShape(labels.shape)}` : describe(labels)} for ${images instanceof Tensor ? fmtShape(images.shape) : describe(images)}`);
  }
  const epochs = options.epochs ?? 4, batchSize = options.batchSize ?? 128;
  const rng = new Generator(options.seed ?? 0);
  const judge = new FashionJudge(64, { generator: rng });
  const lr = options.lr ?? 2e-3, lrDecay = options.lrDecay ?? 0.5;
  const optimizer = new Adam(judge.parameters(), { lr });
  const n = images.shape[0]!;
  judge.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = randperm(n, { generator: rng });
    optimizer.paramGroups.forEach((g) => (g.lr = lr * lrDecay ** epoch));
    let total = 0;
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.slice(0, start, Math.min(n, start + batchSize));
      const loss = crossEntropy(judge.call(images.indexSelect(0, idx)), labels.indexSelect(0, idx));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item() * idx.shape[0]!;
    }
    options.onEpoch?.(epoch, total / n);
  }
  judge.eval();
  return judge;
}

/** Runs `f` over `x` in chunks of `size` rows without recording gradients and concatenates the results. */
function inChunks(x: Tensor, size: number, f: (chunk: Tensor) => Tensor): Tensor {
  return noGrad(() => {
    const parts: Tensor[] = [];
    for (let s = 0; s < x.shape[0]!; s += size) parts.push(f(x.slice(0, s, Math.min(x.shape[0]!, s + size))));
    return cat(parts, 0);
  });
}

/** The judge's features [N, featureDim] of images [N, 1, 28, 28] in [0, 1], in chunks, without gradients (the judge is put in eval mode). */
export function judgeFeatures(judge: FashionJudge, images: Tensor): Tensor {
  judge.eval();
  return inChunks(images, 500, (x) => judge.features(x));
}

/** The judge's predicted classes (int32 [N]) of images [N, 1, 28, 28] in [0, 1]. */
export function judgePredict(judge: FashionJudge, images: Tensor): Tensor {
  judge.eval();
  return inChunks(images, 500, (x) => judge.call(x).argmax(1));
}

/** Fraction of images the judge assigns to `labels` (int32 [N]): the test accuracy, or the recognized fraction of class-conditional samples. */
export function judgeAccuracy(judge: FashionJudge, images: Tensor, labels: Tensor): number {
  if (!(labels instanceof Tensor) || labels.ndim !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`judgeAccuracy: labels must be [N] for images [N, 1, 28, 28], got ${labels instanceof Tensor ? fmtShape(labels.shape) : describe(labels)} for ${fmtShape(images.shape)}`);
  }
  const predicted = judgePredict(judge, images).toList() as number[];
  const truth = labels.toList() as number[];
  return predicted.filter((p, i) => p === truth[i]).length / truth.length;
}

/** The Fréchet distance between Gaussians fitted to the judge's features of two image sets [N, 1, 28, 28] in [0, 1]. */
export function judgeFrechetDistance(judge: FashionJudge, a: Tensor, b: Tensor): number {
  return frechetDistance(judgeFeatures(judge, a), judgeFeatures(judge, b));
}
