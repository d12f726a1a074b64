// Experiment: a DCGAN on Fashion-MNIST, scored by the Fréchet distance on the features of the project's own Fashion-MNIST classifier.
import { ganConfig, ganOptions, runFashionGan } from "./fashionGanRun.js";
import type { Experiment } from "./Experiment.js";

/** Defaults (every one is a command-line option). */
export const config = { ...Object.fromEntries(Object.entries(ganConfig).filter(([k]) => k !== "projection")), conditional: false };

export const experiment: Experiment = {
  name: "dcgan-fashion",
  description: "DCGAN on Fashion-MNIST: Fréchet distance on the features of the project's own Fashion-MNIST CNN (not FID), with a real-vs-real floor; PNG samples",
  chapter: "generative models",
  options: ganOptions,
  quick: { steps: 2, batchSize: 8, features: 4, trainImages: 64, evalImages: 40, judgeTrainImages: 128, judgeEpochs: 1, judgeTestImages: 100 },
  config,
  run: (opts) => runFashionGan(opts, false, opts.params),
};
