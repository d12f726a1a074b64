// Transfer learning on Fashion-MNIST (the course's recipe): pretrain a CNN on classes 0–4, then learn
// classes 5–9 from 1 % of their labels three ways — frozen backbone + new head, fine-tuning everything
// (a smaller learning rate for the backbone, through parameter groups), and from scratch.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { DataLoader } from "../data/DataLoader.js";
import { TensorDataset } from "../data/Dataset.js";
import { Sequential } from "../nn/containers.js";
import { Linear } from "../nn/Linear.js";
import { freeze, trainableParameters } from "../nn/freeze.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { fit, evaluate } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { fashionSplit } from "./fashion-cnn.js";
import { smallFashionCnn } from "./cnn-inside.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs` (pretraining), `--seed` and the sizes override. */
export const config = {
  /** Pretraining on classes 0–4: epochs, batch, Adam lr. */
  epochs: 2,
  batchSize: 64,
  lr: 1e-3,
  /** Fraction of the target classes' training images whose labels are used (1 %: 300 images). */
  labelFraction: 0.01,
  /** Target training: epochs over the labelled images, batch, head lr, backbone lr when fine-tuning. */
  targetEpochs: 40,
  targetBatchSize: 32,
  headLr: 1e-3,
  backboneLr: 1e-4,
};

/** The images whose label is in [lo, hi], labels shifted to start at 0. */
function classes(split: { x: Tensor; y: Tensor }, lo: number, hi: number): { x: Tensor; y: Tensor } {
  const labels = split.y.toList() as number[];
  const keep = labels.flatMap((l, i) => (l >= lo && l <= hi ? [i] : []));
  const idx = tensor(keep, { dtype: "int32" });
  return { x: split.x.indexSelect(0, idx), y: tensor(keep.map((i) => labels[i]! - lo), { dtype: "int32" }) };
}

/** The small CNN of cnn-inside split into a backbone (convolutions and pooling, 1568 features) and a head. */
function backboneOf(net: Sequential): Sequential {
  return new Sequential(...[0, 1, 2, 3, 4, 5, 6].map((i) => net.at(i)!));
}

/**
 * Pretrains the small CNN of `cnn-inside` (5-way head) on the Fashion-MNIST training images of classes
 * 0–4 (T-shirt … coat), then trains on a seeded `labelFraction` sample of the training images of
 * classes 5–9 (sandal … ankle boot) for `targetEpochs` epochs in three ways: the pretrained backbone
 * frozen under a new linear head; the pretrained backbone fine-tuned at `backboneLr` with the new head
 * at `headLr` (two parameter groups); and the same network from a random initialization. All three are
 * tested on every test image of classes 5–9. Metrics: `accuracyFrozen`, `accuracyFinetuned`,
 * `accuracyScratch`, `sourceAccuracy` (the pretrained net on classes 0–4), `labels`.
 */
export async function runTransfer(opts: ExperimentOptions, budget: { trainSize?: number; testSize?: number; targetEpochs?: number } = {}): Promise<ExperimentResult> {
  manualSeed(opts.seed);
  const epochs = opts.epochs ?? config.epochs;
  const train = fashionSplit(true, budget.trainSize), test = fashionSplit(false, budget.testSize);
  const source = classes(train, 0, 4), sourceTest = classes(test, 0, 4);
  const targetAll = classes(train, 5, 9), targetTest = classes(test, 5, 9);
  const g = new Generator(opts.seed);
  const n = targetAll.y.shape[0]!;
  const picked = g.permutation(n).slice(0, Math.max(5, Math.round(config.labelFraction * n)));
  const pickIdx = tensor(picked, { dtype: "int32" });
  const target = { x: targetAll.x.indexSelect(0, pickIdx), y: targetAll.y.indexSelect(0, pickIdx) };
  const targetEpochs = budget.targetEpochs ?? config.targetEpochs;
  opts.log(`transfer: pretrain on ${source.x.shape[0]} images of classes 0–4 for ${epochs} epochs; learn classes 5–9 from ${picked.length} labels (${targetEpochs} epochs); test on ${targetTest.x.shape[0]} images`);

  // 1. Pretraining on classes 0–4.
  const pretrained = smallFashionCnn(new Generator(opts.seed), 5);
  await fit(pretrained, {
    trainLoader: new DataLoader(new TensorDataset(source.x, source.y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed }),
    loss: crossEntropy, optimizer: new Adam(pretrained.parameters(), { lr: opts.lr ?? config.lr }), epochs,
  });
  const testLoader = (s: { x: Tensor; y: Tensor }) => new DataLoader(new TensorDataset(s.x, s.y), { batchSize: 1000 });
  const sourceAccuracy = evaluate(pretrained, testLoader(sourceTest), { metrics: { accuracy } }).accuracy!;
  opts.log(`pretrained: ${(sourceAccuracy * 100).toFixed(2)} % on the test images of classes 0–4`);

  // 2. The three ways to learn classes 5–9 from few labels.
  const fresh = (seed: number) => smallFashionCnn(new Generator(seed), 5);
  const withPretrainedBackbone = (): { net: Sequential; backbone: Sequential; head: Linear } => {
    const net = fresh(opts.seed + 1); // a new random head; the backbone's weights are replaced below
    const backbone = backboneOf(net);
    backbone.loadStateDict(backboneOf(pretrained).stateDict());
    return { net, backbone, head: net.at(7) as Linear };
  };
  const train5to9 = async (net: Sequential, optimizer: Adam): Promise<number> => {
    await fit(net, {
      trainLoader: new DataLoader(new TensorDataset(target.x, target.y), { batchSize: config.targetBatchSize, shuffle: true, seed: opts.seed }),
      loss: crossEntropy, optimizer, epochs: targetEpochs,
    });
    return evaluate(net, testLoader(targetTest), { metrics: { accuracy } }).accuracy!;
  };

  const frozen = withPretrainedBackbone();
  freeze(frozen.backbone);
  const accuracyFrozen = await train5to9(frozen.net, new Adam(trainableParameters(frozen.net), { lr: config.headLr }));

  const tuned = withPretrainedBackbone();
  const accuracyFinetuned = await train5to9(tuned.net, new Adam([
    { params: tuned.backbone.parameters(), lr: config.backboneLr },
    { params: tuned.head.parameters(), lr: config.headLr },
  ]));

  const scratch = fresh(opts.seed + 1);
  const accuracyScratch = await train5to9(scratch, new Adam(scratch.parameters(), { lr: config.headLr }));

  opts.log(`classes 5–9 from ${picked.length} labels: frozen ${(accuracyFrozen * 100).toFixed(2)} %, fine-tuned ${(accuracyFinetuned * 100).toFixed(2)} %, from scratch ${(accuracyScratch * 100).toFixed(2)} %`);
  const result = { accuracyFrozen, accuracyFinetuned, accuracyScratch, sourceAccuracy, labels: picked.length, epochs, targetEpochs };
  writeFileSync(join(opts.outDir, "transfer.json"), JSON.stringify(result, null, 2));
  return result;
}

export const experiment: Experiment = {
  name: "transfer",
  config,
  description: "Transfer learning on Fashion-MNIST: pretrain on classes 0–4, learn 5–9 from 1 % of labels — frozen vs fine-tuned vs scratch",
  chapter: "CNNs",
  options: {
    epochs: { description: "pretraining passes over the images of classes 0–4", default: config.epochs },
    lr: { description: "Adam's learning rate for pretraining", default: config.lr, kind: "positive" },
    trainSize: { description: "use the first N training images (default: all 60,000)" },
    testSize: { description: "use the first N test images (default: all 10,000)" },
    targetEpochs: { description: "passes over the few labelled images of classes 5–9", default: config.targetEpochs },
  },
  quick: { trainSize: 600, testSize: 100, targetEpochs: 1 },
  run: (opts) => runTransfer(opts, { trainSize: opts.params?.trainSize, testSize: opts.params?.testSize, targetEpochs: opts.params?.targetEpochs }),
};
