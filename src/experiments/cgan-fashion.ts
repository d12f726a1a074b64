// Experiment: a class-conditional DCGAN on Fashion-MNIST; the project's own Fashion-MNIST classifier judges whether each sample shows the class it was asked for.
import { ganConfig, cganOptions, runFashionGan } from "./fashionGanRun.js";
import type { Experiment } from "./Experiment.js";

/** Defaults (every one is a command-line option): dcgan-fashion's, with 800 steps (25,600 images) instead of 600, as the class-conditional samples need them to be recognized. */
export const config = { ...ganConfig, steps: 800, conditional: true };

export const experiment: Experiment = {
  name: "cgan-fashion",
  description: "Conditional DCGAN (class embeddings) on Fashion-MNIST: share of samples the project's own classifier recognizes as the intended class, Fréchet distance; one PNG row per class",
  chapter: "generative models",
  options: { ...cganOptions, steps: { ...cganOptions.steps, default: config.steps } },
  quick: { steps: 2, batchSize: 8, features: 4, trainImages: 64, evalImages: 40, judgeTrainImages: 128, judgeEpochs: 1, judgeTestImages: 100 },
  config,
  run: (opts) => runFashionGan(opts, true, { steps: config.steps, ...opts.params }),
};
