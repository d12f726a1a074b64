// First-order optimizers side by side: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam and Adam-HD training one MLP on spirals.
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { Generator } from "../random/Generator.js";
import { spirals } from "../data/synthetic.js";
import { TensorDataset } from "../data/Dataset.js";
import { DataLoader } from "../data/DataLoader.js";
import { Linear } from "../nn/Linear.js";
import { Sequential } from "../nn/containers.js";
import { Tanh } from "../nn/activations.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { SGD } from "../optim/SGD.js";
import { Adagrad } from "../optim/Adagrad.js";
import { RMSprop } from "../optim/RMSprop.js";
import { Adam } from "../optim/Adam.js";
import { AdamHD } from "../optim/hypergradient.js";
import { fit } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import type { TrainableOptimizer } from "../train/types.js";
import { linePlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { runCallbacks } from "../node/experiment.js";
import type { Experiment } from "./Experiment.js";

/**
 * Every optimizer trains the same network from the same initial weights on the same batches
 * (3-arm spirals, CS231n; MLP 2-64-64-3 with tanh; batch 32). Learning rates are the usual
 * starting points for each method (Goodfellow et al., *Deep Learning* ch. 8; Kingma & Ba 2015
 * arXiv:1412.6980; Baydin et al. 2018 arXiv:1703.04782 for Adam-HD, which starts from a deliberately
 * small rate and adapts it by hypergradient descent). `--lr` gives all of them one rate instead.
 */
export const config = {
  samples: 300, classes: 3, hidden: 64, batchSize: 32, epochs: 60,
  rates: { sgd: 0.1, momentum: 0.05, nesterov: 0.05, adagrad: 0.05, rmsprop: 0.003, adam: 0.003, adamHD: 0.001 },
  hypergradLr: 1e-5,
};

type Key = keyof typeof config.rates;
const LABELS: Record<Key, string> = { sgd: "SGD", momentum: "momentum 0.9", nesterov: "Nesterov 0.9", adagrad: "AdaGrad", rmsprop: "RMSProp", adam: "Adam", adamHD: "Adam-HD" };

function makeOptimizer(key: Key, params: Tensor[], lr: number): TrainableOptimizer {
  switch (key) {
    case "sgd":
      return new SGD(params, { lr });
    case "momentum":
      return new SGD(params, { lr, momentum: 0.9 });
    case "nesterov":
      return new SGD(params, { lr, momentum: 0.9, nesterov: true });
    case "adagrad":
      return new Adagrad(params, { lr });
    case "rmsprop":
      return new RMSprop(params, { lr });
    case "adam":
      return new Adam(params, { lr });
    case "adamHD":
      return new AdamHD(params, { lr, hypergradLr: config.hypergradLr });
  }
}

export const experiment: Experiment = {
  name: "optimizers",
  description: "SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam and Adam-HD on one MLP/spirals task: training-loss curves",
  chapter: "optimization",
  options: { epochs: { description: "training epochs of each optimizer", default: config.epochs }, lr: { description: "one learning rate for every optimizer (default: each optimizer's usual rate)", kind: "positive" } },
  config,
  async run(opts) {
    const epochs = opts.epochs ?? config.epochs;
    const { x, y } = spirals(config.samples, { classes: config.classes, seed: opts.seed });
    const dataset = new TensorDataset(x, y);
    const result: Record<string, number> = {};
    const curves: { name: string; y: number[] }[] = [];
    const lrCurves: { name: string; y: number[] }[] = [];
    for (const key of Object.keys(config.rates) as Key[]) {
      const g = new Generator(opts.seed); // same initial weights for every optimizer
      const model = new Sequential(new Linear(2, config.hidden, { generator: g }), new Tanh(), new Linear(config.hidden, config.hidden, { generator: g }), new Tanh(), new Linear(config.hidden, config.classes, { generator: g }));
      const lr = opts.lr ?? config.rates[key];
      const history = await fit(model, {
        trainLoader: new DataLoader(dataset, { batchSize: config.batchSize, shuffle: true, seed: opts.seed }),
        loss: (o, t) => crossEntropy(o, t), optimizer: makeOptimizer(key, [...model.parameters()], lr), epochs, metrics: { accuracy },
        callbacks: runCallbacks(opts.outDir, () => {}, { file: `metrics-${key}.jsonl`, progress: false }),
      });
      const loss = history.series.loss!;
      curves.push({ name: LABELS[key], y: loss });
      lrCurves.push({ name: LABELS[key], y: history.series.lr! });
      result[`${key}FinalLoss`] = loss.at(-1)!;
      result[`${key}Accuracy`] = history.series.accuracy!.at(-1)!;
      opts.log(`${LABELS[key].padEnd(13)} lr ${lr}: final training loss ${loss.at(-1)!.toFixed(4)}, accuracy ${(history.series.accuracy!.at(-1)! * 100).toFixed(1)} %${key === "adamHD" ? ` (lr adapted to ${history.series.lr!.at(-1)!.toExponential(2)})` : ""}`);
    }
    result.adamHDFinalLr = lrCurves.at(-1)!.y.at(-1)!;
    savePlot(join(opts.outDir, "loss.svg"), panel([
      linePlot({ title: "training loss (spirals, MLP 2-64-64-3)", xLabel: "epoch", yLabel: "cross-entropy", logY: true, series: curves }),
      linePlot({ title: "learning rate", xLabel: "epoch", yLabel: "lr", logY: true, series: lrCurves }),
    ]));
    return result;
  },
};
