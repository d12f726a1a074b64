// The course's AutoKeras tutorial on Fashion-MNIST: automl.ImageClassifier searches CNN blocks, widths,
// dropout, optimizer and learning rate (Hyperband by default) on the last 20 % of the training images,
// retrains the best configuration on all of them and is tested on the test split.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { ImageClassifier } from "../automl/ImageClassifier.js";
import { manualSeed } from "../random/Generator.js";
import { fashionSplit } from "./fashion-cnn.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs` (Hyperband's largest budget R), `--seed` and the sizes override. */
export const config = {
  /** Hyperband's largest per-configuration budget R in epochs (η = 3), or the epochs per trial for random search. */
  epochs: 9,
  maxTrials: 10,
  tuner: "hyperband" as "hyperband" | "random",
  validationSplit: 0.2,
  batchSize: 64,
  /** Training images used (the first N of the 60,000; the search's validation split is the last 20 % of them). */
  trainSize: 6000,
};

/**
 * Runs `automl.ImageClassifier` (Hyperband, `maxTrials` configurations, R = `epochs`) on the first
 * `trainSize` Fashion-MNIST training images (normalized), then tests the retrained best model on the
 * test split. Writes trials.md (the trials table) and trials.json. Metrics: `bestValAccuracy`,
 * `testAccuracy`, `trials`.
 */
export async function runAutomlFashion(opts: ExperimentOptions, budget: { trainSize?: number; testSize?: number; maxTrials?: number; random?: boolean } = {}): Promise<ExperimentResult> {
  manualSeed(opts.seed);
  const epochs = opts.epochs ?? config.epochs;
  const train = fashionSplit(true, budget.trainSize ?? config.trainSize);
  const test = fashionSplit(false, budget.testSize);
  const maxTrials = budget.maxTrials ?? config.maxTrials;
  const tuner = budget.random ? "random" : config.tuner;
  opts.log(`automl-fashion: ${tuner} search, ${maxTrials} trials, R = ${epochs} epochs, on ${train.x.shape[0]} training images (last ${config.validationSplit * 100} % for validation)`);
  const clf = new ImageClassifier({ maxTrials, tuner, validationSplit: config.validationSplit, seed: opts.seed, numClasses: 10, log: opts.log });
  const t0 = performance.now();
  await clf.fit(train.x, train.y, { epochs, batchSize: config.batchSize });
  const seconds = (performance.now() - t0) / 1000;
  const { accuracy: testAccuracy, loss: testLoss } = clf.evaluate(test.x, test.y);
  writeFileSync(join(opts.outDir, "trials.md"), clf.trialsTable());
  writeFileSync(join(opts.outDir, "trials.json"), JSON.stringify({ best: clf.bestTrial, trials: clf.trials }, null, 2));
  opts.log(`best trial ${clf.bestTrial.id}: val accuracy ${(clf.bestTrial.valAccuracy * 100).toFixed(2)} %; retrained on all ${train.x.shape[0]} images: test accuracy ${(testAccuracy * 100).toFixed(2)} % (${seconds.toFixed(0)} s)`);
  return { bestValAccuracy: clf.bestTrial.valAccuracy, testAccuracy, testLoss, trials: clf.trials.length, seconds, epochs };
}

export const experiment: Experiment = {
  name: "automl-fashion",
  config,
  description: "AutoKeras-style ImageClassifier on Fashion-MNIST: Hyperband search of CNN blocks, widths, dropout, optimizer and lr",
  chapter: "CNNs",
  options: {
    epochs: { description: "Hyperband's largest budget per configuration (epochs)", default: config.epochs },
    maxTrials: { description: "most configurations tried", default: config.maxTrials },
    trainSize: { description: "use the first N training images", default: config.trainSize },
    testSize: { description: "test on the first N test images (default: all 10,000)" },
  },
  quick: { trainSize: 100, testSize: 50, maxTrials: 2 },
  run: (opts) => runAutomlFashion(opts, { trainSize: opts.params?.trainSize, testSize: opts.params?.testSize, maxTrials: opts.params?.maxTrials }),
};
