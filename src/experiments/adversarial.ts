// Adversarial examples on Fashion-MNIST: a LeNet-5 (ReLU, max-pool) trained normally and one trained
// on PGD examples (Madry et al. 2017), attacked with FGSM and PGD (L∞) at several ε.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { Tensor } from "../tensor/Tensor.js";
import { DataLoader } from "../data/DataLoader.js";
import { TensorDataset } from "../data/Dataset.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { Generator } from "../random/Generator.js";
import { LeNet5 } from "../vision/models/LeNet5.js";
import { fgsm, pgd, robustAccuracy, adversarialTrainingStep, type Attack } from "../vision/adversarial.js";
import { makeGrid } from "../vision/visualize.js";
import { savePng } from "../node/savePng.js";
import { cat } from "../ops/movement.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs` (both trainings), `--lr` and `--seed` override. */
export const config = {
  epochs: 5,
  batchSize: 64,
  lr: 1e-3,
  /** The ε of the headline numbers (pixels in [0, 1]); robust accuracy is also reported at every `epsList` value. */
  eps: 0.1,
  epsList: [0.02, 0.05, 0.1, 0.15],
  /** PGD for evaluation: steps, step size α = 2.5·ε/steps, one random start. */
  pgdSteps: 10,
  /** PGD for adversarial training (cheaper: fewer steps). */
  trainPgdSteps: 5,
  /** Test images attacked (the first ones of the test split). */
  attackImages: 1000,
};

/** A smaller run (for tests). */
export interface AdversarialBudget {
  trainSize?: number;
  attackImages?: number;
  epsList?: number[];
  pgdSteps?: number;
  trainPgdSteps?: number;
}

function split(train: boolean, n?: number): { x: Tensor; y: Tensor } {
  const dataset = new FashionMNIST({ train });
  const count = Math.min(n ?? dataset.length, dataset.length);
  const [x, y] = dataset.getBatch(Array.from({ length: count }, (_, i) => i)); // pixels in [0, 1], unnormalized
  return { x: x!, y: y! };
}

/**
 * Trains two LeNet-5s (ReLU, max-pool) with Adam on Fashion-MNIST for `epochs` epochs each: one on
 * clean images, one by adversarial training on PGD-L∞ examples at ε (`trainPgdSteps` steps). Then
 * attacks the first `attackImages` test images with FGSM and PGD (`pgdSteps` steps, random start) at
 * each ε of `epsList`. Pixels stay in [0, 1] (no normalization), so ε is in pixel units.
 *
 * Metrics: `cleanAccuracy`, `fgsmAccuracy`, `pgdAccuracy` (plain model, at `eps`),
 * `cleanAccuracyAdvTrained`, `fgsmAccuracyAdvTrained`, `pgdAccuracyAdvTrained`; arrays `epsList`,
 * `fgsmByEps`, `pgdByEps`, `pgdByEpsAdvTrained`. Writes examples.png (clean images above their PGD
 * versions) and robustness.json.
 */
export async function runAdversarial(opts: ExperimentOptions, budget: AdversarialBudget = {}): Promise<ExperimentResult> {
  const epochs = opts.epochs ?? config.epochs;
  const lr = opts.lr ?? config.lr;
  const epsList = budget.epsList ?? config.epsList;
  const eps = epsList.includes(config.eps) ? config.eps : epsList[Math.floor(epsList.length / 2)]!;
  const pgdSteps = budget.pgdSteps ?? config.pgdSteps;
  const trainPgdSteps = budget.trainPgdSteps ?? config.trainPgdSteps;
  const train = split(true, budget.trainSize);
  const test = split(false, budget.attackImages ?? config.attackImages);
  opts.log(`adversarial: ${train.x.shape[0]} train images, ${epochs} epochs each, attacks on ${test.x.shape[0]} test images at ε ∈ {${epsList.join(", ")}}`);

  const makeModel = (seed: number) => new LeNet5({ activation: "relu", pool: "max", generator: new Generator(seed) });
  const loader = (seed: number) => new DataLoader(new TensorDataset(train.x, train.y), { batchSize: config.batchSize, shuffle: true, seed });

  // 1. Standard training.
  const plain = makeModel(opts.seed);
  const optPlain = new Adam(plain.parameters(), { lr });
  for (let epoch = 0; epoch < epochs; epoch++) {
    plain.train();
    for (const [x, y] of loader(opts.seed + epoch)) {
      optPlain.zeroGrad();
      crossEntropy(plain.call(x!), y!).backward();
      optPlain.step();
    }
    opts.log(`plain epoch ${epoch + 1}: clean test accuracy ${(robustAccuracy(plain, test.x, test.y, null) * 100).toFixed(2)} %`);
  }

  // 2. Adversarial training on PGD examples at ε.
  const robust = makeModel(opts.seed + 1);
  const optRobust = new Adam(robust.parameters(), { lr });
  const attackGen = new Generator(opts.seed + 2);
  const trainAttack: Attack = (m, x, y) => pgd(m, x, y, { eps, steps: trainPgdSteps, generator: attackGen });
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [x, y] of loader(opts.seed + 100 + epoch)) adversarialTrainingStep(robust, x!, y!, { attack: trainAttack, optimizer: optRobust });
    opts.log(`adversarially trained epoch ${epoch + 1}: clean test accuracy ${(robustAccuracy(robust, test.x, test.y, null) * 100).toFixed(2)} %`);
  }

  // 3. Attacks at each ε.
  const evalGen = new Generator(opts.seed + 3);
  const fgsmAt = (e: number): Attack => (m, x, y) => fgsm(m, x, y, { eps: e });
  const pgdAt = (e: number): Attack => (m, x, y) => pgd(m, x, y, { eps: e, steps: pgdSteps, generator: evalGen });
  const fgsmByEps = epsList.map((e) => robustAccuracy(plain, test.x, test.y, fgsmAt(e)));
  const pgdByEps = epsList.map((e) => robustAccuracy(plain, test.x, test.y, pgdAt(e)));
  const fgsmByEpsAdvTrained = epsList.map((e) => robustAccuracy(robust, test.x, test.y, fgsmAt(e)));
  const pgdByEpsAdvTrained = epsList.map((e) => robustAccuracy(robust, test.x, test.y, pgdAt(e)));
  const at = (list: number[]) => list[epsList.indexOf(eps)]!;
  const result = {
    cleanAccuracy: robustAccuracy(plain, test.x, test.y, null),
    fgsmAccuracy: at(fgsmByEps),
    pgdAccuracy: at(pgdByEps),
    cleanAccuracyAdvTrained: robustAccuracy(robust, test.x, test.y, null),
    fgsmAccuracyAdvTrained: at(fgsmByEpsAdvTrained),
    pgdAccuracyAdvTrained: at(pgdByEpsAdvTrained),
    eps,
    epsList,
    fgsmByEps,
    pgdByEps,
    fgsmByEpsAdvTrained,
    pgdByEpsAdvTrained,
    epochs,
  };
  writeFileSync(join(opts.outDir, "robustness.json"), JSON.stringify(result, null, 2));

  const shown = test.x.slice(0, 0, 8);
  plain.eval();
  const attacked = pgd(plain, shown, test.y.slice(0, 0, 8), { eps, steps: pgdSteps, generator: new Generator(opts.seed) });
  savePng(join(opts.outDir, "examples.png"), makeGrid(cat([shown, attacked], 0), { nrow: 8 }));
  for (const [i, e] of epsList.entries()) {
    opts.log(`ε = ${e}: plain FGSM ${(fgsmByEps[i]! * 100).toFixed(1)} %, PGD ${(pgdByEps[i]! * 100).toFixed(1)} %; adversarially trained FGSM ${(fgsmByEpsAdvTrained[i]! * 100).toFixed(1)} %, PGD ${(pgdByEpsAdvTrained[i]! * 100).toFixed(1)} %`);
  }
  return result;
}

export const experiment: Experiment = {
  name: "adversarial",
  config,
  description: "Fashion-MNIST LeNet-5: FGSM and PGD robust accuracy at several ε, plain vs PGD adversarial training",
  chapter: "CNNs",
  options: {
    epochs: { description: "training epochs of each model (plain and adversarially trained)", default: config.epochs },
    lr: { description: "the optimizer's learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "train on the first N training images (default: all 60,000)" },
    attackImages: { description: "attack the first N test images", default: config.attackImages },
    pgdSteps: { description: "PGD steps of the attack", default: config.pgdSteps },
    trainPgdSteps: { description: "PGD steps during adversarial training", default: config.trainPgdSteps },
  },
  quick: { trainSize: 128, attackImages: 32, pgdSteps: 2, trainPgdSteps: 1 },
  run: (opts) =>
    runAdversarial(opts, { trainSize: opts.params?.trainSize, attackImages: opts.params?.attackImages, pgdSteps: opts.params?.pgdSteps, trainPgdSteps: opts.params?.trainPgdSteps }),
};
