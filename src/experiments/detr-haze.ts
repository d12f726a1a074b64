// Experiment: DETR (Carion et al. 2020) at small scale on the synthetic hazy road scenes — trained on hazy
// images, scored with COCO mAP on the hazy test split, on the same images dehazed (dark channel prior),
// and on their clean originals.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../tensor/Tensor.js";
import { stack } from "../ops/movement.js";
import { tensor } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { manualSeed, Generator } from "../random/Generator.js";
import { AdamW } from "../optim/AdamW.js";
import { clipGradNorm_ } from "../nn/regularization.js";
import { DETR } from "../vision/models/DETR.js";
import { SetCriterion, type DETRTarget } from "../vision/models/SetCriterion.js";
import { HazyScenes } from "../vision/datasets/HazyScenes.js";
import { detrTargets, detrPostprocess, evaluateDetector, drawBoxes } from "../vision/detection.js";
import { darkChannelPrior } from "../vision/dehaze.js";
import { makeGrid } from "../vision/visualize.js";
import { savePng } from "../node/index.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs`, `--lr`, `--train-size`, `--test-size`, `--hidden`, `--queries`, `--batch` and `--seed` override. */
export const config = {
  trainSize: 1000,
  testSize: 200,
  imageSize: 64,
  epochs: 20,
  batch: 8,
  /** AdamW learning rate of the transformer and heads (DETR: 1e-4; higher converges faster at this scale). */
  lr: 5e-4,
  /** The backbone's learning rate as a fraction of lr (DETR: 1e-5 / 1e-4). */
  backboneLrFactor: 1,
  weightDecay: 1e-4,
  /** Gradient-norm clip (DETR's 0.1). */
  clipNorm: 0.1,
  /** The learning rate is divided by 10 after this fraction of the steps (DETR's lr_drop). */
  lrDropAt: 0.75,
  hidden: 64,
  nheads: 4,
  encoderLayers: 2,
  decoderLayers: 2,
  dimFeedforward: 128,
  dropout: 0,
  queries: 10,
  backboneWidths: [16, 32, 64],
  /** DETR's matching costs and loss weights: class 1, L1 5, GIoU 2; "no object" weight 0.1. */
  eosCoef: 0.1,
  /** Detections drawn in predictions.png score at least this. */
  drawThreshold: 0.5,
};

/** Budget overrides for tests and the CLI's options. */
export interface DetrHazeBudget {
  trainSize?: number;
  testSize?: number;
  hidden?: number;
  queries?: number;
  batch?: number;
  /**
   * The dehazer applied to the [N, 3, H, W] hazy test images for `mapDehazed`. Default: the dark
   * channel prior (`vision.dehaze.darkChannelPrior`) with its defaults.
   */
  dehaze?: (hazy: Tensor) => Tensor;
}

/** A horizontally flipped copy of an image and its normalized cxcywh targets. */
function hflip(image: Tensor, target: DETRTarget): [Tensor, DETRTarget] {
  const boxes = target.boxes.shape[0] === 0 ? target.boxes : target.boxes.mul(tensor([-1, 1, 1, 1], { dtype: target.boxes.dtype })).add(tensor([1, 0, 0, 0], { dtype: target.boxes.dtype }));
  return [image.flip(2), { labels: target.labels, boxes }];
}

/**
 * Trains a small DETR (backbone of BasicBlocks 16-32-64 on 64×64 images → 8×8 features, d = 64,
 * 2 encoder + 2 decoder layers, 10 object queries) on `trainSize` hazy HazyScenes training images with
 * random horizontal flips, the Hungarian-matched set loss with auxiliary decoder losses, AdamW
 * and gradient clipping 0.1. Then scores all queries (DETR's post-processing) with COCO's metrics on
 * `testSize` hazy test images, the same images dehazed by the dark channel prior, and their clean
 * originals. Writes loss.svg, predictions.png (rows: ground truth on hazy, predictions on hazy,
 * on dehazed, on clean) and history.json.
 *
 * Metrics: `mapHazy`, `ap50Hazy`, `mapDehazed`, `ap50Dehazed`, `mapClean`, `ap50Clean`,
 * `trainLoss` (mean of the last epoch), `steps`, `seconds`, `cpuSeconds`.
 */
export function runDetrHaze(opts: ExperimentOptions, budget: DetrHazeBudget = {}): ExperimentResult {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  manualSeed(opts.seed);
  const trainSize = budget.trainSize ?? config.trainSize, testSize = budget.testSize ?? config.testSize;
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const numClasses = 1 + Math.max(...HazyScenes.categories.map((c) => c.id)); // DETR: largest id + 1
  const train = new HazyScenes({ split: "train", length: trainSize, size: config.imageSize, seed: opts.seed });
  const test = new HazyScenes({ split: "test", length: testSize, size: config.imageSize, seed: opts.seed });
  const trainItems = Array.from({ length: trainSize }, (_, i) => {
    const item = train.get(i);
    return { image: item.hazy, target: detrTargets(item) };
  });
  const testItems = Array.from({ length: testSize }, (_, i) => test.get(i));
  const gt = test.toCoco();

  const g = new Generator(opts.seed);
  const model = new DETR({
    numClasses, numQueries: budget.queries ?? config.queries, hiddenDim: budget.hidden ?? config.hidden, nheads: config.nheads,
    numEncoderLayers: config.encoderLayers, numDecoderLayers: config.decoderLayers, dimFeedforward: config.dimFeedforward,
    dropout: config.dropout, backboneWidths: config.backboneWidths, generator: g,
  });
  const criterion = new SetCriterion(numClasses, { eosCoef: config.eosCoef });
  const backboneParams = [...model.backbone.parameters()];
  const inBackbone = new Set(backboneParams);
  const optimizer = new AdamW([
    { params: [...model.parameters()].filter((p) => !inBackbone.has(p)), lr },
    { params: backboneParams, lr: lr * config.backboneLrFactor },
  ], { lr, weightDecay: config.weightDecay });
  const baseLrs = optimizer.paramGroups.map((group) => group.lr);
  const batch = Math.min(budget.batch ?? config.batch, trainSize);
  const stepsPerEpoch = Math.ceil(trainSize / batch), totalSteps = epochs * stepsPerEpoch;
  const dropStep = Math.floor(config.lrDropAt * totalSteps);
  opts.log(`${trainSize} hazy training / ${testSize} test scenes (${config.imageSize}×${config.imageSize}); ${[...model.parameters()].reduce((n, p) => n + p.size, 0)} parameters; ${totalSteps} steps of ${batch}`);

  const history: { step: number; loss: number; lossCe: number; lossBbox: number; lossGiou: number }[] = [];
  let step = 0;
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = g.permutation(trainSize);
    for (let start = 0; start < trainSize; start += batch) {
      if (step === dropStep) optimizer.paramGroups.forEach((group, k) => (group.lr = baseLrs[k]! / 10));
      const pairs = Array.from(order.slice(start, start + batch), (i) => {
        const { image, target } = trainItems[i]!;
        return g.random() < 0.5 ? hflip(image, target) : ([image, target] as [Tensor, DETRTarget]);
      });
      const outputs = model.forward(stack(pairs.map(([image]) => image)));
      const losses = criterion.forward(outputs, pairs.map(([, target]) => target));
      optimizer.zeroGrad();
      losses.loss.backward();
      clipGradNorm_(model.parameters(), config.clipNorm);
      optimizer.step();
      step++;
      history.push({ step, loss: losses.loss.item(), lossCe: losses.lossCe.item(), lossBbox: losses.lossBbox.item(), lossGiou: losses.lossGiou.item() });
      if (step % 50 === 0 || step === totalSteps) {
        const recent = history.slice(-50);
        const mean = (key: "loss" | "lossCe" | "lossBbox" | "lossGiou") => (recent.reduce((s, h) => s + h[key], 0) / recent.length).toFixed(3);
        opts.log(`step ${step}/${totalSteps}: loss ${mean("loss")} (ce ${mean("lossCe")}, L1 ${mean("lossBbox")}, GIoU ${mean("lossGiou")}), ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }
  }

  model.eval();
  const size: [number, number] = [config.imageSize, config.imageSize];
  const predict = (images: Tensor) => detrPostprocess(model.forward(images), size);
  const ids = testItems.map((item) => item.imageId);
  const hazyImages = testItems.map((item) => item.hazy);
  const cleanImages = testItems.map((item) => item.clean);
  const dehaze = budget.dehaze ?? ((hazy: Tensor) => darkChannelPrior(hazy).dehazed);
  const dehazedBatch = dehaze(stack(hazyImages));
  const dehazedImages = Array.from({ length: testSize }, (_, i) => dehazedBatch.select(0, i));
  const hazy = evaluateDetector(predict, hazyImages, ids, gt);
  const dehazed = evaluateDetector(predict, dehazedImages, ids, gt);
  const clean = evaluateDetector(predict, cleanImages, ids, gt);
  opts.log(`COCO mAP@[.5:.95] (AP50): hazy ${hazy.metrics.map.toFixed(3)} (${hazy.metrics.map50.toFixed(3)}), dehazed ${dehazed.metrics.map.toFixed(3)} (${dehazed.metrics.map50.toFixed(3)}), clean ${clean.metrics.map.toFixed(3)} (${clean.metrics.map50.toFixed(3)})`);

  // predictions.png: per column one test image; rows ground truth (hazy), predictions on hazy, dehazed, clean.
  const shown = Math.min(8, testSize);
  const panel = (images: Tensor[], boxesOf: (i: number) => { boxes: Tensor; labels: Tensor }) =>
    Array.from({ length: shown }, (_, i) => drawBoxes(images[i]!, boxesOf(i).boxes, boxesOf(i).labels));
  const confident = (images: Tensor[]) => {
    const dets = noGrad(() => predict(stack(images.slice(0, shown))));
    return (i: number) => {
      const keep = Array.from(dets[i]!.scores.dataSync() as Float32Array).flatMap((s, k) => (s >= config.drawThreshold ? [k] : []));
      return { boxes: dets[i]!.boxes.indexSelect(0, keep), labels: dets[i]!.labels.indexSelect(0, keep) };
    };
  };
  const rows = [
    ...panel(hazyImages, (i) => testItems[i]!),
    ...panel(hazyImages, confident(hazyImages)),
    ...panel(dehazedImages, confident(dehazedImages)),
    ...panel(cleanImages, confident(cleanImages)),
  ];
  savePng(join(opts.outDir, "predictions.png"), makeGrid(stack(rows), { nrow: shown, padValue: 1 }));
  writeFileSync(join(opts.outDir, "history.json"), JSON.stringify(history) + "\n");
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: "detr-haze training loss (last decoder layer)",
    xLabel: "step",
    yLabel: "loss term",
    series: [
      { name: "cross-entropy", x: history.map((h) => h.step), y: history.map((h) => h.lossCe) },
      { name: "L1", x: history.map((h) => h.step), y: history.map((h) => h.lossBbox) },
      { name: "1 − GIoU", x: history.map((h) => h.step), y: history.map((h) => h.lossGiou) },
    ],
  }));
  const tail = history.slice(-stepsPerEpoch);
  const cpu = process.cpuUsage(cpuStart);
  return {
    mapHazy: hazy.metrics.map, ap50Hazy: hazy.metrics.map50,
    mapDehazed: dehazed.metrics.map, ap50Dehazed: dehazed.metrics.map50,
    mapClean: clean.metrics.map, ap50Clean: clean.metrics.map50,
    trainLoss: tail.reduce((s, h) => s + h.loss, 0) / tail.length,
    steps: step,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

export const experiment: Experiment = {
  name: "detr-haze",
  description: "DETR (ResNet-style backbone, sine positions, Transformer encoder–decoder, Hungarian set loss) on synthetic hazy road scenes: COCO mAP on hazy, dehazed and clean test images",
  chapter: "Transformers",
  options: {
    epochs: { description: "passes over the training scenes", default: config.epochs },
    lr: { description: "AdamW's learning rate (dropped 10× after 3/4 of the steps)", default: config.lr, kind: "positive" },
    trainSize: { description: "hazy training scenes", default: config.trainSize },
    testSize: { description: "hazy test scenes (with their dehazed and clean versions)", default: config.testSize },
    hidden: { description: "Transformer width d", default: config.hidden },
    queries: { description: "object queries (at most this many detections per image)", default: config.queries },
    batch: { description: "images per training step", default: config.batch },
  },
  quick: { trainSize: 8, testSize: 4, hidden: 16, queries: 4 },
  config,
  run: (opts) => runDetrHaze(opts, {
    trainSize: opts.params?.trainSize, testSize: opts.params?.testSize, hidden: opts.params?.hidden, queries: opts.params?.queries, batch: opts.params?.batch,
  }),
};
