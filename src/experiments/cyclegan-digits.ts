// Experiment: CycleGAN between unpaired MNIST digits and inverted digits (white strokes on black ↔ black
// strokes on white), the "digits ↔ inverted digits" domains; the same networks and losses as cyclegan-shapes.
import type { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import { pad } from "../ops/movement.js";
import { loadMnist } from "../node/mnist.js";
import { runCycleGan, config as shapesConfig, experiment as shapes } from "./cyclegan-shapes.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults: those of cyclegan-shapes (32 × 32 images, 400 per domain, 12 epochs). */
export const config = { ...shapesConfig };

/** `count` MNIST images from `start` of a split, padded (or centre-cropped) to size × size, in [−1, 1] (background −1). */
function digits(x: Tensor, start: number, count: number, size: number): Tensor {
  return noGrad(() => {
    const images = x.slice(0, start, start + count).reshape([count, 1, 28, 28]);
    const before = Math.floor((size - 28) / 2), after = size - 28 - before;
    const off = Math.floor((28 - size) / 2); // smaller sizes: the centre crop
    const sized = size >= 28 ? pad(images, [before, after, before, after]) : images.slice(2, off, off + size).slice(3, off, off + size);
    return sized.mul(2).sub(1);
  });
}

/**
 * CycleGAN (as {@link runCycleGan}) between A = MNIST digits and B = inverted MNIST digits (−x in [−1, 1]),
 * 1 channel, padded to `size`. The two training domains come from disjoint images of the training split
 * (A the first `trainImages`, B the next `trainImages`, inverted), so no digit of A has its partner in B;
 * the test set is paired (test digit, its inversion), so `translationL1AB` (digit → inverted) and
 * `translationL1BA` score the translation against the hidden pairing; `baselineL1` returns the input
 * unchanged. Metrics and files as cyclegan-shapes.
 */
export async function runCycleGanDigits(opts: ExperimentOptions): Promise<ExperimentResult> {
  return runCycleGan(opts, "cyclegan-digits", "CycleGAN on MNIST (digit ↔ inverted digit)", (size, nTrain, nTest) => {
    const { train, test } = loadMnist();
    if (2 * nTrain > train.x.shape[0]!) throw new Error(`cyclegan-digits: --train-images ${nTrain} needs ${2 * nTrain} training digits, the split has ${train.x.shape[0]}`);
    if (nTest > test.x.shape[0]!) throw new Error(`cyclegan-digits: --test-images ${nTest} exceeds the ${test.x.shape[0]} test digits`);
    const testA = digits(test.x, 0, nTest, size);
    return { domainA: digits(train.x, 0, nTrain, size), domainB: noGrad(() => digits(train.x, nTrain, nTrain, size).neg()), testA, testB: noGrad(() => testA.neg()) };
  });
}

export const experiment: Experiment = {
  name: "cyclegan-digits",
  description: "CycleGAN (U-Nets + PatchGANs, LSGAN, cycle λ = 10, identity λ = 5) between unpaired MNIST digits and inverted digits: cycle L1 and L1 to the hidden pairs",
  chapter: "generative models",
  options: shapes.options,
  quick: shapes.quick,
  config,
  run: (opts) => runCycleGanDigits(opts),
};
