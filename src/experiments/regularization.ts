// Regularization: an over-parameterized MLP overfits 40 points; L2, dropout and early stopping narrow the train/test gap; k-fold CV estimate.
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { Generator } from "../random/Generator.js";
import { twoMoons } from "../data/synthetic.js";
import { TensorDataset, type Dataset } from "../data/Dataset.js";
import { DataLoader } from "../data/DataLoader.js";
import { crossValidate } from "../data/kFold.js";
import { Linear } from "../nn/Linear.js";
import { Sequential, type TensorModule } from "../nn/containers.js";
import { ReLU } from "../nn/activations.js";
import { Dropout } from "../nn/Dropout.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { l2Penalty } from "../nn/regularization.js";
import { Adam } from "../optim/Adam.js";
import { fit, evaluate } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { EarlyStopping } from "../train/EarlyStopping.js";
import type { Callback } from "../train/Callback.js";
import { linePlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { runCallbacks } from "../node/experiment.js";
import type { Experiment } from "./Experiment.js";

/**
 * Goodfellow, Bengio & Courville, *Deep Learning*, ch. 7 (https://www.deeplearningbook.org/contents/regularization.html):
 * §7.1 parameter norm penalties (L2: loss + λ·Σθ²), §7.12 dropout (Srivastava et al. 2014, JMLR 15),
 * §7.8 early stopping (keep the weights of the best validation epoch). Two moons with noise 0.35:
 * 40 training points, 200 validation points (early stopping only), 1,000 test points; an MLP
 * 2-128-128-2 trained full batch with Adam overfits the 40 points. The k-fold estimate (§5.3.1)
 * is the 5-fold cross-validated accuracy of the L2 model on the 40 training points, mean ± std.
 */
export const config = { train: 40, validation: 200, test: 1000, noise: 0.35, hidden: 128, testEvery: 10, epochs: 300, lr: 0.01, l2: 3e-3, dropout: 0.5, patience: 30, folds: 5 };

type Variant = "none" | "l2" | "dropout" | "earlyStopping";
const LABELS: Record<Variant, string> = { none: "no regularization", l2: "L2", dropout: "dropout", earlyStopping: "early stopping" };

function makeModel(variant: Variant, seed: number): TensorModule {
  const g = new Generator(seed);
  const h = config.hidden;
  if (variant === "dropout") {
    const drop = new Generator(seed + 7);
    return new Sequential(new Linear(2, h, { generator: g }), new ReLU(), new Dropout(config.dropout, { generator: drop }), new Linear(h, h, { generator: g }), new ReLU(), new Dropout(config.dropout, { generator: drop }), new Linear(h, 2, { generator: g }));
  }
  return new Sequential(new Linear(2, h, { generator: g }), new ReLU(), new Linear(h, h, { generator: g }), new ReLU(), new Linear(h, 2, { generator: g }));
}

const loss = (o: Tensor, t: Tensor) => crossEntropy(o, t);

/** Trains one variant on `train`; returns the model and its per-epoch logs. */
async function trainVariant(variant: Variant, train: Dataset<Tensor[]>, options: { seed: number; epochs: number; lr: number; validation?: Dataset<Tensor[]>; callbacks?: Callback[] }) {
  const model = makeModel(variant, options.seed);
  const params = [...model.parameters()];
  const callbacks = [...(options.callbacks ?? [])];
  if (variant === "earlyStopping") callbacks.push(new EarlyStopping({ monitor: "valLoss", patience: config.patience, restoreBestWeights: true }));
  const history = await fit(model, {
    trainLoader: new DataLoader(train, { batchSize: train.length }),
    valLoader: options.validation ? new DataLoader(options.validation, { batchSize: 500 }) : undefined,
    loss, optimizer: new Adam(params, { lr: options.lr }), epochs: options.epochs, metrics: { accuracy },
    penalty: variant === "l2" ? () => l2Penalty(params.filter((p) => p.ndim === 2)).mul(config.l2) : undefined,
    callbacks,
  });
  return { model, history };
}

export const experiment: Experiment = {
  name: "regularization",
  description: "MLP overfits 40 two-moons points; L2, dropout and early stopping close the train/test gap; 5-fold CV estimate (mean ± std)",
  chapter: "regularization",
  options: { epochs: { description: "full-batch Adam epochs of each variant (and of each cross-validation fold)", default: config.epochs }, lr: { description: "Adam learning rate", default: config.lr, kind: "positive" } },
  config,
  async run(opts) {
    const epochs = opts.epochs ?? config.epochs;
    const lr = opts.lr ?? config.lr;
    const make = (n: number, seed: number) => {
      const d = twoMoons(n, { noise: config.noise, seed });
      return new TensorDataset(d.x, d.y);
    };
    const train = make(config.train, opts.seed), validation = make(config.validation, opts.seed + 1), test = make(config.test, opts.seed + 2);
    const testLoader = new DataLoader(test, { batchSize: 1000 });
    const result: Record<string, number> = {};
    const testCurves: { name: string; x: number[]; y: number[] }[] = [];
    for (const variant of Object.keys(LABELS) as Variant[]) {
      const testLoss: { epoch: number; loss: number }[] = [];
      const watchTest: Callback = {
        onEpochEnd: (e, _l, ctx) => void (e % config.testEvery === 0 && testLoss.push({ epoch: e + 1, loss: evaluate(ctx.model, testLoader, { loss }).loss! })),
      };
      const { model, history } = await trainVariant(variant, train, {
        seed: opts.seed, epochs, lr, validation: variant === "earlyStopping" ? validation : undefined,
        callbacks: [watchTest, ...runCallbacks(opts.outDir, () => {}, { file: `metrics-${variant}.jsonl`, progress: false })],
      });
      const trainAcc = evaluate(model, new DataLoader(train, { batchSize: train.length }), { metrics: { accuracy } }).accuracy!;
      const testAcc = evaluate(model, testLoader, { metrics: { accuracy } }).accuracy!;
      result[`${variant}TrainAccuracy`] = trainAcc;
      result[`${variant}TestAccuracy`] = testAcc;
      result[`${variant}Gap`] = trainAcc - testAcc;
      testCurves.push({ name: LABELS[variant], x: testLoss.map((p) => p.epoch), y: testLoss.map((p) => p.loss) });
      opts.log(`${LABELS[variant].padEnd(17)} train ${(trainAcc * 100).toFixed(1)} %  test ${(testAcc * 100).toFixed(1)} %  gap ${((trainAcc - testAcc) * 100).toFixed(1)} pts${variant === "earlyStopping" ? `  (stopped after ${history.epochs.length} epochs)` : ""}`);
    }
    const cv = await crossValidate(train, config.folds, async ({ train: fold, test: held, fold: k }) => {
      const { model } = await trainVariant("l2", fold, { seed: opts.seed + 100 + k, epochs, lr });
      return { accuracy: evaluate(model, new DataLoader(held, { batchSize: held.length }), { metrics: { accuracy } }).accuracy! };
    }, { shuffle: true, seed: opts.seed });
    result.cvAccuracyMean = cv.mean.accuracy!;
    result.cvAccuracyStd = cv.std.accuracy!;
    opts.log(`${config.folds}-fold CV accuracy of the L2 model on the ${config.train} training points: ${(cv.mean.accuracy! * 100).toFixed(1)} ± ${(cv.std.accuracy! * 100).toFixed(1)} % (test: ${(result.l2TestAccuracy! * 100).toFixed(1)} %)`);
    const variants = Object.keys(LABELS) as Variant[];
    savePlot(join(opts.outDir, "regularization.svg"), panel([
      linePlot({ title: "test loss during training", xLabel: "epoch", yLabel: "cross-entropy", logY: true, series: testCurves }),
      linePlot({ title: "train vs test accuracy", xLabel: "variant (0 none, 1 L2, 2 dropout, 3 early stop)", yLabel: "accuracy", series: [
        { name: "train", x: [0, 1, 2, 3], y: variants.map((v) => result[`${v}TrainAccuracy`]!) },
        { name: "test", x: [0, 1, 2, 3], y: variants.map((v) => result[`${v}TestAccuracy`]!) },
      ] }),
    ]));
    return result;
  },
};
