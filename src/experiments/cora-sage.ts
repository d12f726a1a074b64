// Experiment: a two-layer GraphSAGE (mean aggregator) on Cora (Planetoid split), over 10 seeds.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "../nn/Module.js";
import { dropout } from "../nn/functional/layers.js";
import { Adam } from "../optim/Adam.js";
import { SAGEConv } from "../graph/nn/SAGEConv.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { runCoraNodeClassification, type NodeClassificationBudget } from "./coraNodeClassification.js";

/** Hamilton et al. (2017), arXiv:1706.02216, full-batch on Cora with GCN's training setup. */
export const config = {
  hidden: 64,
  aggr: "mean" as const,
  dropout: 0.5,
  lr: 0.01,
  weightDecay: 5e-4,
  epochs: 200,
  seeds: 10,
};

/** dropout → SAGEConv(F, 64) → ReLU → dropout → SAGEConv(64, C), mean aggregation. */
export class GraphSAGE extends Module<[Tensor, Tensor], Tensor> {
  conv1: SAGEConv;
  conv2: SAGEConv;
  constructor(inChannels: number, hidden: number, outChannels: number, readonly p = 0.5) {
    super();
    this.conv1 = new SAGEConv(inChannels, hidden, { aggr: config.aggr });
    this.conv2 = new SAGEConv(hidden, outChannels, { aggr: config.aggr });
  }
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    let h = dropout(x, { p: this.p, training: this.training });
    h = this.conv1.call(h, edgeIndex).relu();
    h = dropout(h, { p: this.p, training: this.training });
    return this.conv2.call(h, edgeIndex);
  }
}

/**
 * GraphSAGE-mean on Cora: 2 layers, 64 hidden units, dropout 0.5, Adam (lr 0.01, weight decay 5e-4),
 * 200 epochs, 10 seeds; the test accuracy at the best validation epoch. Metrics: testAccuracyMean,
 * testAccuracyStd, secondsPerEpoch.
 */
export function runCoraSage(opts: ExperimentOptions, budget: NodeClassificationBudget = {}): Promise<ExperimentResult> {
  return runCoraNodeClassification(opts, {
    model: (F, C) => new GraphSAGE(F, config.hidden, C, config.dropout),
    optimizer: (model, lr) => new Adam(model.parameters(), { lr, weightDecay: config.weightDecay }),
    epochs: config.epochs, lr: config.lr, seeds: config.seeds,
  }, budget);
}

export const experiment: Experiment = {
  name: "cora-sage",
  description: "GraphSAGE (mean aggregator, Hamilton et al. 2017) on Cora's Planetoid split: test accuracy over 10 seeds",
  chapter: "GNNs",
  options: {
    epochs: { description: "training epochs per seed", default: config.epochs },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …) averaged", default: config.seeds },
  },
  quick: { seeds: 1 },
  config,
  run: (opts) => runCoraSage(opts, { seeds: opts.params?.seeds }),
};
