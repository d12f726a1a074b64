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
  /**
   * Veličković et al.'s early stopping (see {@link ValidationPatience}) with this patience; the test
   * accuracy is then that of the restored best-validation weights. Without it every epoch runs and the
   * test accuracy is taken at the first epoch of best validation accuracy.
   */
  patience?: number;
}

/**
 * The early stopping of the GAT paper's code (PetarV-/GAT, execute_cora.py): an epoch whose validation
 * accuracy is ≥ the best so far or whose validation loss is ≤ the lowest so far resets the patience
 * counter; only an epoch that does both saves the weights; `patience` epochs in a row without either
 * stop training.
 */
export class ValidationPatience {
  private bestAccuracy = -Infinity;
  private lowestLoss = Infinity;
  private waited = 0;
  /** The epoch whose weights were last saved (0: none yet). */
  savedEpoch = 0;
  constructor(readonly patience: number) {}

  /** Records one epoch's validation accuracy and loss: whether to save the weights and whether to stop. */
  step(epoch: number, accuracy: number, loss: number): { save: boolean; stop: boolean } {
    if (accuracy >= this.bestAccuracy || loss <= this.lowestLoss) {
      const save = accuracy >= this.bestAccuracy && loss <= this.lowestLoss;
      if (save) this.savedEpoch = epoch;
      this.bestAccuracy = Math.max(accuracy, this.bestAccuracy);
      this.lowestLoss = Math.min(loss, this.lowestLoss);
      this.waited = 0;
      return { save, stop: false };
    }
    this.waited++;
    return { save: false, stop: this.waited >= this.patience };
  }
}

/** A smaller run for tests. */
export interface NodeClassificationBudget {
  epochs?: number;
  seeds?: number;
  patience?: number;
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
 * (the first such epoch). With `spec.patience`, training stops early by {@link ValidationPatience} and
 * the test accuracy is that of the saved weights, restored. Metrics: `testAccuracyMean`, `testAccuracyStd`
 * (sample std over seeds), `testAccuracies`, `valAccuracyMean`, `epochsRun` (per seed), `secondsPerEpoch`
 * (one training step: forward, backward and the optimizer, without evaluation, averaged over every
 * epoch of every seed).
 */
export async function runCoraNodeClassification(opts: ExperimentOptions, spec: NodeClassificationSpec, budget: NodeClassificationBudget = {}): Promise<ExperimentResult> {
  await ready();
  const data: Data = await cora({ normalizeFeatures: true });
  const x = data.x!, y = data.y!, edgeIndex = data.edgeIndex;
  const train = maskIndex(data.trainMask!), val = maskIndex(data.valMask!), test = maskIndex(data.testMask!);
  const yTrain = y.index(train), yVal = y.index(val);
  const epochs = budget.epochs ?? opts.epochs ?? spec.epochs;
  const seeds = budget.seeds ?? spec.seeds;
  const lr = opts.lr ?? spec.lr;
  const patience = budget.patience ?? spec.patience;
  const testAccuracies: number[] = [], valAccuracies: number[] = [], epochsRun: number[] = [];
  let trainSeconds = 0, steps = 0;
  for (let k = 0; k < seeds; k++) {
    const seed = opts.seed + k;
    manualSeed(seed);
    const model = spec.model(data.numFeatures, 7);
    const optimizer = spec.optimizer(model, lr);
    let bestVal = -1, testAtBest = 0, epoch = 1;
    const stopping = patience === undefined ? null : new ValidationPatience(patience);
    let saved: Tensor[] = [];
    for (; epoch <= epochs; epoch++) {
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
      if (stopping) {
        const valLoss = crossEntropy(logits.index(val), yVal).item();
        const { save, stop } = stopping.step(epoch, valAcc, valLoss);
        if (save) {
          saved = [...model.parameters()].map((p) => p.detach().clone());
          bestVal = valAcc;
        }
        if (stop) break;
      } else if (valAcc > bestVal) {
        bestVal = valAcc;
        testAtBest = accuracy(logits, y, test);
      }
    }
    epochsRun.push(Math.min(epoch, epochs));
    if (stopping) {
      // restore the saved weights and test them (nothing saved only when every validation loss was NaN: the last weights)
      if (saved.length > 0) noGrad(() => [...model.parameters()].forEach((p, i) => p.copy_(saved[i]!)));
      model.eval();
      testAtBest = accuracy(noGrad(() => model.call(x, edgeIndex)), y, test);
    }
    testAccuracies.push(testAtBest);
    valAccuracies.push(bestVal);
    opts.log(`seed ${seed}: ${epochsRun[k]} epochs, best validation accuracy ${(100 * bestVal).toFixed(1)} %, test accuracy there ${(100 * testAtBest).toFixed(1)} %`);
  }
  const mean = testAccuracies.reduce((a, b) => a + b, 0) / seeds;
  const std = seeds > 1 ? Math.sqrt(testAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1)) : 0;
  opts.log(`test accuracy ${(100 * mean).toFixed(2)} ± ${(100 * std).toFixed(2)} % over ${seeds} seeds; ${(1000 * trainSeconds / steps).toFixed(1)} ms per training epoch`);
  return {
    testAccuracyMean: mean,
    testAccuracyStd: std,
    testAccuracies,
    valAccuracyMean: valAccuracies.reduce((a, b) => a + b, 0) / seeds,
    epochsRun,
    secondsPerEpoch: trainSeconds / steps,
    epochs,
    seeds,
  };
}
