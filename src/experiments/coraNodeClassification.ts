// Shared by cora-gcn, cora-gat and cora-sage: semi-supervised node classification on Cora's Planetoid
// split, repeated over seeds, with the test accuracy taken at the epoch of best validation accuracy.
import type { Tensor } from "../tensor/Tensor.js";
import { manualSeed } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { nonzero } from "../ops/indexing.js";
import { crossEntropy } from "../nn/functional/losses.js";
import type { Module } from "../nn/Module.js";
import type { Optimizer } from "../optim/Optimizer.js";
import { ready } from "../backend/init.js";
import { cora } from "../graph/datasets.js";
import type { Data } from "../graph/Data.js";
import type { ExperimentOptions, ExperimentResult } from "./Experiment.js";

export type NodeModel = Module<[Tensor, Tensor], Tensor>;

export interface NodeClassificationSpec {
  /** The model for one seed (called after manualSeed(seed)). */
  model: (numFeatures: number, numClasses: number) => NodeModel;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizer: (model: NodeModel, lr: number) => Optimizer<any, any>;
  epochs: number;
  lr: number;
  seeds: number;
}

/** A smaller run for tests. */
export interface NodeClassificationBudget {
  epochs?: number;
  seeds?: number;
}

const maskIndex = (mask: Tensor): Tensor => nonzero(mask).reshape([-1]).int();

function accuracy(logits: Tensor, y: Tensor, index: Tensor): number {
  const predicted = logits.index(index).argmax(1);
  return predicted.eq(y.index(index)).float().mean().item();
}

/**
 * Trains `spec.model` on Cora (row-normalized features) for `epochs` full-batch epochs per seed
 * (seeds opts.seed, opts.seed + 1, …): cross-entropy on the 140 training nodes, the validation and test
 * accuracy after every epoch, and the test accuracy of the epoch with the best validation accuracy
 * (the first such epoch). Metrics: `testAccuracyMean`, `testAccuracyStd` (sample std over seeds),
 * `testAccuracies`, `valAccuracyMean`, `secondsPerEpoch` (one training step: forward, backward and the
 * optimizer, without evaluation, averaged over every epoch of every seed).
 */
export async function runCoraNodeClassification(opts: ExperimentOptions, spec: NodeClassificationSpec, budget: NodeClassificationBudget = {}): Promise<ExperimentResult> {
  await ready();
  const data: Data = await cora({ normalizeFeatures: true });
  const x = data.x!, y = data.y!, edgeIndex = data.edgeIndex;
  const train = maskIndex(data.trainMask!), val = maskIndex(data.valMask!), test = maskIndex(data.testMask!);
  const yTrain = y.index(train);
  const epochs = budget.epochs ?? opts.epochs ?? spec.epochs;
  const seeds = budget.seeds ?? spec.seeds;
  const lr = opts.lr ?? spec.lr;
  const testAccuracies: number[] = [], valAccuracies: number[] = [];
  let trainSeconds = 0, steps = 0;
  for (let k = 0; k < seeds; k++) {
    const seed = opts.seed + k;
    manualSeed(seed);
    const model = spec.model(data.numFeatures, 7);
    const optimizer = spec.optimizer(model, lr);
    let bestVal = -1, testAtBest = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const start = performance.now();
      model.train();
      optimizer.zeroGrad();
      const loss = crossEntropy(model.call(x, edgeIndex).index(train), yTrain);
      loss.backward();
      optimizer.step();
      trainSeconds += (performance.now() - start) / 1000;
      steps++;
      model.eval();
      const logits = noGrad(() => model.call(x, edgeIndex));
      const valAcc = accuracy(logits, y, val);
      if (valAcc > bestVal) {
        bestVal = valAcc;
        testAtBest = accuracy(logits, y, test);
      }
    }
    testAccuracies.push(testAtBest);
    valAccuracies.push(bestVal);
    opts.log(`seed ${seed}: best validation accuracy ${(100 * bestVal).toFixed(1)} %, test accuracy there ${(100 * testAtBest).toFixed(1)} %`);
  }
  const mean = testAccuracies.reduce((a, b) => a + b, 0) / seeds;
  const std = seeds > 1 ? Math.sqrt(testAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1)) : 0;
  opts.log(`test accuracy ${(100 * mean).toFixed(2)} ± ${(100 * std).toFixed(2)} % over ${seeds} seeds; ${(1000 * trainSeconds / steps).toFixed(1)} ms per training epoch`);
  return {
    testAccuracyMean: mean,
    testAccuracyStd: std,
    testAccuracies,
    valAccuracyMean: valAccuracies.reduce((a, b) => a + b, 0) / seeds,
    secondsPerEpoch: trainSeconds / steps,
    epochs,
    seeds,
  };
}
