// Experiment: link prediction on Cora — a 2-layer GCN encoder, a dot-product decoder, held-out edges scored by ROC AUC (PyG's examples/link_pred.py).
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { Module } from "../nn/Module.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { cat } from "../ops/movement.js";
import { zeros, ones } from "../ops/creation.js";
import { ready } from "../backend/init.js";
import { GCNConv } from "../graph/nn/GCNConv.js";
import { cora } from "../graph/datasets.js";
import { negativeSampling, randomLinkSplit, type LinkSplit } from "../graph/linkSplit.js";
import { rocAuc } from "../train/metrics.js";
import { linePlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** PyG's examples/link_pred.py. */
export const config = {
  /** Held-out fractions of the undirected edges (RandomLinkSplit(num_val=0.05, num_test=0.1)). */
  numVal: 0.05,
  numTest: 0.1,
  hidden: 128,
  out: 64,
  lr: 0.01,
  epochs: 100,
};

/** GCNConv(F, 128) → ReLU → GCNConv(128, 64) node embeddings; an edge i–j scores z_i · z_j (a logit). */
export class GcnLinkPredictor extends Module<[Tensor, Tensor], Tensor> {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(inChannels: number, hidden: number, outChannels: number) {
    super();
    this.conv1 = new GCNConv(inChannels, hidden);
    this.conv2 = new GCNConv(hidden, outChannels);
  }
  /** Node embeddings z [N, out] from the message-passing edges. */
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    return this.conv2.call(this.conv1.call(x, edgeIndex).relu(), edgeIndex);
  }
  /** Logits z_i · z_j of the pairs in `pairs` [2, P]. */
  decode(z: Tensor, pairs: Tensor): Tensor {
    const [src, dst] = [pairs.select(0, 0), pairs.select(0, 1)];
    return z.index(src).mul(z.index(dst)).sum(-1);
  }
}

/**
 * Link prediction on Cora (row-normalized features), as PyG's link_pred example: RandomLinkSplit holds
 * out 5 % of the undirected edges for validation and 10 % for test (with as many sampled non-edges each);
 * every epoch draws fresh negatives (as many as training edges) among the non-edges of the training
 * graph and takes one Adam step on the binary cross-entropy of the dot-product logits. Metrics: `auc`
 * (test ROC AUC at the epoch of best validation AUC), `valAuc`, `finalTestAuc` (after the last epoch),
 * `secondsPerEpoch`, and the curves `losses` and `valAucs` (one value per epoch). Writes `curves.svg` (training loss and validation AUC per epoch).
 */
export async function runLinkPrediction(opts: ExperimentOptions): Promise<ExperimentResult> {
  await ready();
  const data = await cora({ normalizeFeatures: true });
  const x = data.x!, N = data.numNodes;
  const { train, val, test } = randomLinkSplit(data.edgeIndex, { numVal: config.numVal, numTest: config.numTest, isUndirected: true, seed: opts.seed });
  manualSeed(opts.seed);
  const model = new GcnLinkPredictor(data.numFeatures, config.hidden, config.out);
  const optimizer = new Adam(model.parameters(), { lr: opts.lr ?? config.lr });
  const negatives = new Generator(opts.seed + 1);
  const epochs = opts.epochs ?? config.epochs;
  const P = train.edgeLabelIndex.shape[1]!;
  const labels = cat([ones([P]), zeros([P])], 0);
  const evaluate = (split: LinkSplit): number => {
    model.eval();
    const scores = noGrad(() => model.decode(model.call(x, split.edgeIndex), split.edgeLabelIndex));
    return rocAuc(scores, split.edgeLabel);
  };
  const losses: number[] = [], valAucs: number[] = [];
  let best = -1, auc = 0, bestEpoch = 0, seconds = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = performance.now();
    model.train();
    optimizer.zeroGrad();
    const z = model.call(x, train.edgeIndex);
    const neg = negativeSampling(train.edgeIndex, { numNodes: N, numNegSamples: P, generator: negatives });
    const logits = model.decode(z, cat([train.edgeLabelIndex, neg], 1));
    const loss = binaryCrossEntropyWithLogits(logits, labels);
    loss.backward();
    optimizer.step();
    seconds += (performance.now() - start) / 1000;
    losses.push(loss.item());
    const valAuc = evaluate(val);
    valAucs.push(valAuc);
    if (valAuc > best) {
      best = valAuc;
      bestEpoch = epoch;
      auc = evaluate(test);
    }
    if (epoch % 10 === 0 || epoch === epochs) opts.log(`epoch ${epoch}: loss ${losses.at(-1)!.toFixed(4)}, validation AUC ${valAuc.toFixed(4)}`);
  }
  const finalTestAuc = evaluate(test);
  opts.log(`test AUC ${auc.toFixed(4)} at epoch ${bestEpoch} (best validation AUC ${best.toFixed(4)}); after the last epoch ${finalTestAuc.toFixed(4)}`);
  savePlot(join(opts.outDir, "curves.svg"), panel([
    linePlot({ title: "Training loss (BCE)", xLabel: "epoch", yLabel: "loss", series: [{ name: "train", x: losses.map((_, i) => i + 1), y: losses }], legend: false }),
    linePlot({ title: "Validation ROC AUC", xLabel: "epoch", yLabel: "AUC", series: [{ name: "validation", x: valAucs.map((_, i) => i + 1), y: valAucs }], legend: false }),
  ], { title: "Cora link prediction: GCN encoder, dot-product decoder" }));
  return { auc, valAuc: best, bestEpoch, finalTestAuc, firstLoss: losses[0]!, lastLoss: losses.at(-1)!, secondsPerEpoch: seconds / epochs, epochs, losses, valAucs };
}

export const experiment: Experiment = {
  name: "link-prediction",
  description: "GCN encoder + dot-product decoder on Cora's held-out edges (PyG's link_pred example): test ROC AUC",
  chapter: "GNNs",
  options: {
    epochs: { description: "full-batch training steps, each with fresh negative edges", default: config.epochs },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
  },
  quick: {},
  config,
  run: (opts) => runLinkPrediction(opts),
};
