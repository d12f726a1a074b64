// Experiment: the baseline detector of the haze benchmark — CenterNet trained on hazy HazyScenes with box-aware augmentation, COCO mAP on the hazy test split, PNG of boxes.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { tensor, randperm } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { Adam } from "../optim/Adam.js";
import { cosineAnnealing } from "../optim/lrScheduler.js";
import { HazyScenes } from "../vision/datasets/HazyScenes.js";
import { cocoEvaluate } from "../vision/coco/evaluate.js";
import type { CocoDetection } from "../vision/coco/format.js";
import { CenterNet, centerNetLoss, centerNetTargets } from "../vision/models/CenterNet.js";
import { ColorJitter, Compose, RandomAffine, RandomHorizontalFlip } from "../vision/transforms/transforms.js";
import { makeGrid, imagePng } from "../vision/visualize.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--epochs`, `--lr`, `--seed` and the declared options override). */
export const config = {
  epochs: 12,
  /** Adam's rate, annealed to 0 by a cosine over the run. */
  lr: 2e-3,
  batchSize: 16,
  trainImages: 1000,
  testImages: 200,
  /** Image side of the scenes (HazyScenes' default 64). */
  size: 64,
  /** CenterNet's stem width (the stride-4 stage has twice as many channels). */
  width: 16,
  /** Augmentation (albumentations-style, boxes moved with the image): flip p = 0.5, small affine p = 0.5, colour jitter p = 0.5. */
  augmentation: "HorizontalFlip(0.5) · Affine(±3°, ±5 % shift, scale 0.9–1.1; p 0.5) · ColorJitter(brightness ±0.2, contrast ±0.2; p 0.5); bboxParams coco, minVisibility 0.3",
  /** Detections kept per image (COCO's maxDets). */
  topK: 100,
};

/** Class colours for drawn boxes: car, truck, bus, pedestrian (ground truth in white). */
const COLOURS: [number, number, number][] = [[1, 0.2, 0.2], [1, 0.8, 0], [0.2, 0.5, 1], [0.2, 1, 0.3]];

/** The image scaled by `zoom` (nearest) with 1-pixel box outlines drawn on it: xywh boxes in original pixels. */
function drawBoxes(image: Tensor, boxes: { bbox: number[]; colour: [number, number, number] }[], zoom: number): Tensor {
  const [c, h, w] = image.shape as [number, number, number];
  const src = image.dataSync();
  const H = h * zoom, W = w * zoom;
  const out = new Float32Array(3 * H * W);
  for (let ch = 0; ch < 3; ch++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(ch * H + y) * W + x] = src[(Math.min(ch, c - 1) * h + Math.floor(y / zoom)) * w + Math.floor(x / zoom)]!;
  const put = (x: number, y: number, colour: [number, number, number]): void => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    for (let ch = 0; ch < 3; ch++) out[(ch * H + y) * W + x] = colour[ch]!;
  };
  for (const { bbox, colour } of boxes) {
    const x1 = Math.round(bbox[0]! * zoom), y1 = Math.round(bbox[1]! * zoom);
    const x2 = Math.round((bbox[0]! + bbox[2]!) * zoom) - 1, y2 = Math.round((bbox[1]! + bbox[3]!) * zoom) - 1;
    for (let x = x1; x <= x2; x++) { put(x, y1, colour); put(x, y2, colour); }
    for (let y = y1; y <= y2; y++) { put(x1, y, colour); put(x2, y, colour); }
  }
  return tensor(out, { shape: [3, H, W] });
}

/**
 * Trains the baseline detector of issue "vehicle detection in haze": `vision.models.CenterNet` (stride-4 BasicBlock
 * backbone, focal loss on Gaussian centre heatmaps + L1 on size and offset) on the hazy HazyScenes train split, each
 * image through a box-aware `Compose` (flip, small affine, colour jitter; boxes moved, clipped and filtered with the
 * image), with Adam and a cosine schedule. Evaluates the hazy test split with `cocoEvaluate` (pycocotools' numbers):
 * `mapHazy` (mAP@[.5:.95]), `ap50Hazy`, `ap75Hazy`, `ar100Hazy`, and writes test-boxes.png (8 test images,
 * ground truth in white above, detections with score ≥ 0.3 in class colours below).
 */
export async function runDetectorBaseline(opts: ExperimentOptions): Promise<ExperimentResult> {
  const p = opts.params ?? {};
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const batchSize = p.batchSize ?? config.batchSize, nTrain = p.trainImages ?? config.trainImages, nTest = p.testImages ?? config.testImages;
  const size = p.size ?? config.size, width = p.width ?? config.width;
  if (size % 4 !== 0 || size < 16) throw new Error(`detector-baseline: --size must be a multiple of 4 and at least 16, got ${size}`);
  manualSeed(opts.seed);
  const started = performance.now();
  const trainSet = new HazyScenes({ split: "train", length: nTrain, size, seed: opts.seed });
  const testSet = new HazyScenes({ split: "test", length: nTest, size, seed: opts.seed });
  const train = Array.from({ length: nTrain }, (_, i) => {
    const item = trainSet.get(i);
    return { image: item.image, bboxes: item.annotations.map((a) => a.bbox), labels: item.annotations.map((a) => a.category_id) };
  });
  const test = Array.from({ length: nTest }, (_, i) => testSet.get(i));
  opts.log(`data: ${nTrain} train, ${nTest} test scenes (${size}×${size}, hazy) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const augment = new Compose([
    new RandomHorizontalFlip({ p: 0.5 }),
    new RandomAffine({ degrees: 3, translate: [0.05, 0.05], scale: [0.9, 1.1], interpolation: "bilinear", p: 0.5 }),
    new ColorJitter({ brightness: 0.2, contrast: 0.2, p: 0.5 }),
  ], { generator: new Generator(opts.seed * 1000 + 7), bboxParams: { format: "coco", minVisibility: 0.3 } });
  const rng = new Generator(opts.seed);
  const numClasses = HazyScenes.categories.length;
  const model = new CenterNet({ numClasses, categoryIds: HazyScenes.categories.map((c) => c.id), width, generator: rng });
  const optimizer = new Adam([...model.parameters()], { lr });
  const stepsPerEpoch = Math.ceil(nTrain / batchSize), totalSteps = epochs * stepsPerEpoch;
  const schedule = cosineAnnealing(lr, totalSteps);
  const out = size / model.stride;

  const trainStart = performance.now();
  let step = 0, lastLoss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    const order = Array.from(randperm(nTrain, { generator: rng }).dataSync());
    let sum = 0, sumHeat = 0, batches = 0;
    for (let s = 0; s < nTrain; s += batchSize) {
      const batch = order.slice(s, s + batchSize).map((i) => augment.apply(train[i]!));
      const images = stack(batch.map((b) => b.image));
      const targets = centerNetTargets(
        batch.map((b) => ({ boxes: b.bboxes.map(([x, y, w, h]) => [x!, y!, x! + w!, y! + h!]), classes: (b.labels ?? []).map((id) => id - 1) })),
        { numClasses, height: out, width: out, stride: model.stride },
      );
      for (const g of optimizer.paramGroups) g.lr = schedule(step);
      const loss = centerNetLoss(model.call(images), targets);
      optimizer.zeroGrad();
      loss.loss.backward();
      optimizer.step();
      sum += loss.loss.item();
      sumHeat += loss.heatmap.item();
      batches++;
      step++;
    }
    lastLoss = sum / batches;
    opts.log(`epoch ${epoch + 1}/${epochs}: loss ${lastLoss.toFixed(4)} (focal ${(sumHeat / batches).toFixed(4)}), ${((performance.now() - trainStart) / 1000).toFixed(0)} s`);
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  model.eval();
  const detections: CocoDetection[] = [];
  for (let s = 0; s < nTest; s += 50) {
    const chunk = test.slice(s, s + 50);
    detections.push(...model.detect(stack(chunk.map((t) => t.image)), { imageIds: chunk.map((t) => t.imageId), k: config.topK }));
  }
  const metrics = cocoEvaluate(testSet.toCoco(), detections);
  opts.log(`hazy test: mAP ${metrics.map.toFixed(4)}, AP50 ${metrics.map50.toFixed(4)}, AP75 ${metrics.map75.toFixed(4)}, AR100 ${metrics.mar100.toFixed(4)}`);

  const shown = test.slice(0, Math.min(8, nTest));
  const zoom = 3;
  const panels = [
    ...shown.map((t) => drawBoxes(t.image, t.annotations.map((a) => ({ bbox: a.bbox, colour: [1, 1, 1] as [number, number, number] })), zoom)),
    ...shown.map((t) => drawBoxes(t.image, detections.filter((d) => d.image_id === t.imageId && d.score >= 0.3).map((d) => ({ bbox: d.bbox, colour: COLOURS[d.category_id - 1]! })), zoom)),
  ];
  writeFileSync(join(opts.outDir, "test-boxes.png"), imagePng(makeGrid(stack(panels), { nrow: shown.length, padValue: 1 }), { deflate: (b) => deflateSync(b) }));

  return {
    mapHazy: metrics.map, ap50Hazy: metrics.map50, ap75Hazy: metrics.map75, ar100Hazy: metrics.mar100,
    perCategoryApHazy: metrics.perCategory.map((c) => c.ap),
    trainLoss: lastLoss, epochs, steps: totalSteps, trainImages: nTrain, testImages: nTest, size, width,
    parameters: [...model.parameters()].reduce((n, q) => n + q.size, 0),
    trainSeconds, seconds: (performance.now() - started) / 1000,
  };
}

export const experiment: Experiment = {
  name: "detector-baseline",
  description: "CenterNet (heatmap + size + offset heads) on hazy HazyScenes with box-aware augmentation: COCO mAP on the hazy test split, PNG of boxes",
  chapter: "CNNs",
  options: {
    epochs: { description: "passes over the training scenes", default: config.epochs },
    lr: { description: "Adam's initial learning rate (cosine-annealed to 0)", default: config.lr, kind: "positive" },
    trainImages: { description: "hazy training scenes", default: config.trainImages },
    testImages: { description: "hazy test scenes", default: config.testImages },
    batchSize: { description: "scenes per step", default: config.batchSize },
    size: { description: "image side (a multiple of 4)", default: config.size },
    width: { description: "CenterNet's stem width", default: config.width },
  },
  quick: { trainImages: 8, testImages: 4, batchSize: 4, size: 32, width: 4 },
  config,
  run: (opts) => runDetectorBaseline(opts),
};
