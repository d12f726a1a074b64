// Detector plumbing shared by the detection experiments: DETR's targets and post-processing, per-image
// detections to COCO's results format, evaluating a detector over a dataset, and drawing boxes.
import { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { describe } from "../tensor/validate.js";
import { boxConvert } from "./ops/boxes.js";
import { cocoEvaluate, type CocoMetrics } from "./coco/evaluate.js";
import type { CocoDataset, CocoDetection } from "./coco/format.js";
import type { DetectionItem } from "./datasets/detection.js";
import type { DETRTarget } from "./models/SetCriterion.js";

/** One image's detections: boxes in pixels (x1, y1, x2, y2), a score and a category id each. */
export interface ImageDetections {
  /** [N, 4] xyxy boxes in pixels. */
  boxes: Tensor;
  /** [N] confidence scores. */
  scores: Tensor;
  /** [N] int32 category ids. */
  labels: Tensor;
}

/**
 * A detection item's objects as DETR trains on them (DETR's `ConvertCocoPolysToMask` + `Normalize`):
 * labels as they are, boxes as (cx, cy, w, h) divided by the image's width and height.
 */
export function detrTargets(item: Pick<DetectionItem, "image" | "boxes" | "labels">): DETRTarget {
  if (!(item?.image instanceof Tensor) || item.image.ndim !== 3) throw new Error(`detrTargets: item.image must be a [C, H, W] tensor, got ${describe(item?.image)}`);
  const [, H, W] = item.image.shape as [number, number, number];
  const n = item.boxes.shape[0]!;
  const scale = tensor([W, H, W, H], { dtype: item.boxes.dtype });
  const boxes = n === 0 ? item.boxes : boxConvert(item.boxes, "xyxy", "cxcywh").div(scale);
  return { labels: item.labels, boxes };
}

/**
 * DETR's PostProcess: for each query, the score and class of its most probable real class (softmax over
 * all logits, "no object" — the last — left out), and its box scaled from normalized cxcywh to xyxy
 * pixels of an image of `size = [height, width]`. Every query gives one detection (COCO evaluation
 * ranks them by score).
 */
export function detrPostprocess(outputs: { logits: Tensor; boxes: Tensor }, size: readonly [number, number]): ImageDetections[] {
  const op = "detrPostprocess";
  const { logits, boxes } = outputs ?? ({} as { logits: Tensor; boxes: Tensor });
  if (!(logits instanceof Tensor) || logits.ndim !== 3 || !(boxes instanceof Tensor) || boxes.ndim !== 3 || boxes.shape[2] !== 4 || boxes.shape[0] !== logits.shape[0] || boxes.shape[1] !== logits.shape[1]) {
    throw new Error(`${op}: expected logits (B, Q, C + 1) and boxes (B, Q, 4), got ${describe(logits)} and ${describe(boxes)}`);
  }
  if (!Array.isArray(size) || size.length !== 2 || !(size[0] > 0) || !(size[1] > 0)) throw new Error(`${op}: size must be [height, width], got ${describe(size)}`);
  const [H, W] = size;
  return noGrad(() => {
    const C1 = logits.shape[2]!;
    const prob = logits.softmax(-1).slice(2, 0, C1 - 1); // (B, Q, C) without "no object"
    const { values, indices } = prob.max(-1);
    const pixels = boxConvert(boxes, "cxcywh", "xyxy").mul(tensor([W, H, W, H], { dtype: boxes.dtype })); // (B, Q, 4)
    return Array.from({ length: logits.shape[0]! }, (_, b) => ({ boxes: pixels.select(0, b).contiguous(), scores: values.select(0, b).contiguous(), labels: indices.select(0, b).to("int32").contiguous() }));
  });
}

/** Options of {@link toCocoDetections}. */
export interface ToCocoDetectionsOptions {
  /** Drop detections scored below this. Default 0 (keep all). */
  scoreThreshold?: number;
  /** Keep at most this many detections per image, best first (COCO scores 100). Default 100. */
  maxDetections?: number;
  /**
   * Keep only detections of these category ids (pycocotools ignores other categories; DETR's class
   * indices include unused ids such as 0). Default: keep all.
   */
  categoryIds?: readonly number[];
}

/**
 * Per-image detections in COCO's results format `{ image_id, category_id, bbox: [x, y, w, h], score }`,
 * what `vision.coco.cocoEvaluate` scores. `imageIds[i]` is the COCO id of `detections[i]`'s image.
 */
export function toCocoDetections(detections: readonly ImageDetections[], imageIds: readonly number[], options: ToCocoDetectionsOptions = {}): CocoDetection[] {
  const op = "toCocoDetections";
  if (!Array.isArray(detections) || !Array.isArray(imageIds) || detections.length !== imageIds.length) {
    throw new Error(`${op}: expected one image id per image's detections, got ${Array.isArray(detections) ? detections.length : describe(detections)} detections and ${Array.isArray(imageIds) ? imageIds.length : describe(imageIds)} ids`);
  }
  const threshold = options.scoreThreshold ?? 0;
  const maxDetections = options.maxDetections ?? 100;
  const known = options.categoryIds === undefined ? null : new Set(options.categoryIds);
  const out: CocoDetection[] = [];
  detections.forEach((d, i) => {
    const n = d.scores.shape[0]!;
    if (d.boxes.ndim !== 2 || d.boxes.shape[0] !== n || d.boxes.shape[1] !== 4 || d.labels.shape[0] !== n) {
      throw new Error(`${op}: detections[${i}] must have boxes [N, 4], scores [N] and labels [N], got [${d.boxes.shape.join(", ")}], [${d.scores.shape.join(", ")}], [${d.labels.shape.join(", ")}]`);
    }
    const b = d.boxes.dataSync() as ArrayLike<number>, s = d.scores.dataSync() as ArrayLike<number>, l = d.labels.dataSync() as ArrayLike<number>;
    const order = Array.from({ length: n }, (_, k) => k).filter((k) => s[k]! >= threshold && (known === null || known.has(Number(l[k])))).sort((p, q) => s[q]! - s[p]! || p - q).slice(0, maxDetections);
    for (const k of order) {
      const [x1, y1, x2, y2] = [b[4 * k]!, b[4 * k + 1]!, b[4 * k + 2]!, b[4 * k + 3]!];
      out.push({ image_id: imageIds[i]!, category_id: Number(l[k]), bbox: [x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1)], score: s[k]! });
    }
  });
  return out;
}

/**
 * Runs `predict` over `images` in batches (no gradient) and scores the detections with COCO's metrics
 * against `gt` (detections of categories `gt` does not have are dropped): `images[i]` is the [3, H, W] image whose COCO id is `imageIds[i]`. Returns the metrics
 * and the detections (COCO results format).
 */
export function evaluateDetector(
  predict: (images: Tensor) => ImageDetections[],
  images: readonly Tensor[],
  imageIds: readonly number[],
  gt: CocoDataset,
  options: { batchSize?: number } = {},
): { metrics: CocoMetrics; detections: CocoDetection[] } {
  if (images.length !== imageIds.length) throw new Error(`evaluateDetector: ${images.length} images but ${imageIds.length} image ids`);
  const batchSize = options.batchSize ?? 32;
  const categoryIds = gt.categories.map((c) => c.id);
  const detections: CocoDetection[] = [];
  noGrad(() => {
    for (let start = 0; start < images.length; start += batchSize) {
      const batch = images.slice(start, start + batchSize);
      detections.push(...toCocoDetections(predict(stack([...batch])), imageIds.slice(start, start + batchSize), { categoryIds }));
    }
  });
  return { metrics: cocoEvaluate(gt, detections), detections };
}

/** Outline colours by category id (1 car red, 2 truck blue, 3 bus yellow, 4 pedestrian magenta; others cycle). */
const PALETTE: readonly [number, number, number][] = [[0, 1, 0], [1, 0.1, 0.1], [0.1, 0.4, 1], [1, 0.9, 0], [1, 0, 1], [0, 1, 1]];

/**
 * A copy of the [3, H, W] `image` with one-pixel outlines of the [N, 4] xyxy pixel `boxes`, coloured
 * by `labels` (category id), for looking at predictions.
 */
export function drawBoxes(image: Tensor, boxes: Tensor, labels?: Tensor): Tensor {
  if (!(image instanceof Tensor) || image.ndim !== 3 || image.shape[0] !== 3) throw new Error(`drawBoxes: image must be a [3, H, W] tensor, got ${describe(image)}`);
  if (!(boxes instanceof Tensor) || boxes.ndim !== 2 || boxes.shape[1] !== 4) throw new Error(`drawBoxes: boxes must be an [N, 4] tensor, got ${describe(boxes)}`);
  const [, H, W] = image.shape as [number, number, number];
  const pixels = Float32Array.from(image.contiguous().dataSync() as ArrayLike<number>);
  const b = boxes.dataSync() as ArrayLike<number>;
  const l = labels?.dataSync() as ArrayLike<number> | undefined;
  const plot = (x: number, y: number, c: readonly number[]): void => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    for (let ch = 0; ch < 3; ch++) pixels[(ch * H + y) * W + x] = c[ch]!;
  };
  for (let k = 0; k < boxes.shape[0]!; k++) {
    const colour = PALETTE[(l ? Number(l[k]) : 0) % PALETTE.length]!;
    const x1 = Math.round(b[4 * k]!), y1 = Math.round(b[4 * k + 1]!), x2 = Math.round(b[4 * k + 2]!) - 1, y2 = Math.round(b[4 * k + 3]!) - 1;
    for (let x = x1; x <= x2; x++) { plot(x, y1, colour); plot(x, y2, colour); }
    for (let y = y1; y <= y2; y++) { plot(x1, y, colour); plot(x2, y, colour); }
  }
  return tensor(pixels, { shape: [3, H, W] });
}
