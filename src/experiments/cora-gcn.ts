// Experiment: Kipf & Welling's two-layer GCN on Cora (Planetoid split), test accuracy over 10 seeds.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "../nn/Module.js";
import { dropout } from "../nn/functional/layers.js";
import { Adam } from "../optim/Adam.js";
import { GCNConv } from "../graph/nn/GCNConv.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { runCoraNodeClassification, type NodeClassificationBudget } from "./coraNodeClassification.js";

/** Kipf & Welling (2017), arXiv:1609.02907, section 5.1, as PyG's examples/gcn.py. */
export const config = {
  hidden: 16,
  dropout: 0.5,
  lr: 0.01,
  /** L2 weight decay on the first layer only (as Kipf's code and PyG's example). */
  weightDecay: 5e-4,
  epochs: 200,
  seeds: 10,
};

/** X → dropout → GCNConv(F, 16) → ReLU → dropout → GCNConv(16, C), the normalized adjacency cached. */
export class GCN extends Module<[Tensor, Tensor], Tensor> {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(inChannels: number, hidden: number, outChannels: number, readonly p = 0.5) {
    super();
    this.conv1 = new GCNConv(inChannels, hidden, { cached: true });
    this.conv2 = new GCNConv(hidden, outChannels, { cached: true });
  }
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    let h = dropout(x, { p: this.p, training: this.training });
    h = this.conv1.call(h, edgeIndex).relu();
    h = dropout(h, { p: this.p, training: this.training });
    return this.conv2.call(h, edgeIndex);
  }
}

/**
 * The GCN of Kipf & Welling on Cora: 2 layers, 16 hidden units, dropout 0.5, Adam (lr 0.01, weight
 * decay 5e-4 on the first layer), 200 epochs, 10 seeds; the test accuracy at the best validation
 * epoch (paper: 81.5 %). Metrics: testAccuracyMean, testAccuracyStd, secondsPerEpoch.
 */
export function runCoraGcn(opts: ExperimentOptions, budget: NodeClassificationBudget = {}): Promise<ExperimentResult> {
  return runCoraNodeClassification(opts, {
    model: (F, C) => new GCN(F, config.hidden, C, config.dropout),
    optimizer: (model, lr) => {
      const gcn = model as GCN;
      return new Adam([{ params: gcn.conv1.parameters(), weightDecay: config.weightDecay }, { params: gcn.conv2.parameters(), weightDecay: 0 }], { lr });
    },
    epochs: config.epochs, lr: config.lr, seeds: config.seeds,
  }, budget);
}

export const experiment: Experiment = {
  name: "cora-gcn",
  description: "Two-layer GCN (Kipf & Welling 2017) on Cora's Planetoid split: test accuracy over 10 seeds",
  chapter: "GNNs",
  options: {
    epochs: { description: "training epochs per seed", default: config.epochs },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …) averaged", default: config.seeds },
  },
  quick: { seeds: 1 },
  config,
  run: (opts) => runCoraGcn(opts, { seeds: opts.params?.seeds }),
};
