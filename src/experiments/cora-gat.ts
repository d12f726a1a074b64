// Experiment: the graph attention network of Veličković et al. on Cora (Planetoid split), over 10 seeds.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "../nn/Module.js";
import { dropout } from "../nn/functional/layers.js";
import { elu } from "../nn/functional/activations.js";
import { Adam } from "../optim/Adam.js";
import { GATConv } from "../graph/nn/GATConv.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { runCoraNodeClassification, type NodeClassificationBudget } from "./coraNodeClassification.js";

/**
 * Veličković et al. (2018), arXiv:1710.10903, section 3.3 (transductive) and the authors' code
 * (PetarV-/GAT, execute_cora.py): early stopping with a patience of 100 epochs on the validation loss and
 * accuracy, the best-validation weights restored. The paper allows 100,000 epochs; the patience stops
 * every run long before the cap here.
 */
export const config = {
  heads: 8,
  hidden: 8,
  /** Dropout on both layers' inputs and on the attention coefficients. */
  dropout: 0.6,
  lr: 0.005,
  weightDecay: 5e-4,
  /** An upper bound; early stopping ends training first. */
  epochs: 1000,
  patience: 100,
  seeds: 10,
};

/** dropout → GATConv(F, 8, 8 heads) → ELU → dropout → GATConv(64, C, 1 head). */
export class GAT extends Module<[Tensor, Tensor], Tensor> {
  conv1: GATConv;
  conv2: GATConv;
  constructor(inChannels: number, hidden: number, heads: number, outChannels: number, readonly p = 0.6) {
    super();
    this.conv1 = new GATConv(inChannels, hidden, { heads, dropout: p });
    this.conv2 = new GATConv(hidden * heads, outChannels, { heads: 1, concat: false, dropout: p });
  }
  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    let h = dropout(x, { p: this.p, training: this.training });
    h = elu(this.conv1.call(h, edgeIndex));
    h = dropout(h, { p: this.p, training: this.training });
    return this.conv2.call(h, edgeIndex);
  }
}

/**
 * GAT on Cora: 8 heads × 8 features, ELU, one output head, dropout 0.6 (inputs and attention), Adam
 * (lr 0.005, weight decay 5e-4), early stopping with patience 100 on validation loss and accuracy (at
 * most 1,000 epochs), 10 seeds; the test accuracy of the restored best-validation weights (paper:
 * 83.0 ± 0.7 %). Metrics: testAccuracyMean, testAccuracyStd, epochsRun, secondsPerEpoch.
 */
export function runCoraGat(opts: ExperimentOptions, budget: NodeClassificationBudget = {}): Promise<ExperimentResult> {
  return runCoraNodeClassification(opts, {
    model: (F, C) => new GAT(F, config.hidden, config.heads, C, config.dropout),
    optimizer: (model, lr) => new Adam(model.parameters(), { lr, weightDecay: config.weightDecay }),
    epochs: config.epochs, lr: config.lr, seeds: config.seeds, patience: config.patience,
  }, budget);
}

export const experiment: Experiment = {
  name: "cora-gat",
  description: "Graph attention network (Veličković et al. 2018) on Cora's Planetoid split: test accuracy over 10 seeds",
  chapter: "GNNs",
  options: {
    epochs: { description: "training epochs per seed at most (early stopping ends sooner)", default: config.epochs },
    patience: { description: "epochs without a better validation loss or accuracy before stopping", default: config.patience },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
    seeds: { description: "training runs (seeds --seed, --seed + 1, …) averaged", default: config.seeds },
  },
  quick: { seeds: 1 },
  config,
  run: (opts) => runCoraGat(opts, { seeds: opts.params?.seeds, patience: opts.params?.patience }),
};
