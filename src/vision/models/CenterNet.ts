// CenterNet, "Objects as Points" (Zhou, Wang & Krähenbühl 2019, arXiv:1904.07850), at small scale: a ResNet-style backbone of
// BasicBlocks with output stride 4; heads for a per-class centre heatmap, box size and centre offset; the training targets
// (Gaussian-splatted centres with CornerNet's radius), the loss (penalty-reduced focal loss + L1) and the decoding into COCO results.
import { Tensor } from "../../tensor/Tensor.js";
import type { Generator } from "../../random/Generator.js";
import type { DType } from "../../tensor/dtype.js";
import { Module } from "../../nn/Module.js";
import { Sequential } from "../../nn/containers.js";
import { Conv2d } from "../../nn/Conv.js";
import { BatchNorm2d } from "../../nn/BatchNorm.js";
import { ReLU } from "../../nn/activations.js";
import { softplus } from "../../nn/functional/activations.js";
import { maxPool2d } from "../../ops/pooling.js";
import { tensor } from "../../ops/creation.js";
import { gather } from "../../ops/indexing.js";
import * as init from "../../nn/init.js";
import { noGrad } from "../../autograd/engine.js";
import { describe } from "../../tensor/validate.js";
import type { CocoDetection } from "../coco/format.js";
import { BasicBlock } from "./ResNet.js";

/** Options of {@link CenterNet}. */
export interface CenterNetOptions {
  /** Object classes (heatmap channels). */
  numClasses: number;
  /** COCO category id of each class, in channel order (default 1, 2, …, numClasses). */
  categoryIds?: readonly number[];
  /** Input channels (default 3). */
  inChannels?: number;
  /** Width of the stem and the first stage; the second stage (stride 4) has twice as many channels (default 16). */
  width?: number;
  /** BasicBlocks in the stride-2 and the stride-4 stage (default [1, 3]). */
  blocks?: readonly [number, number];
  /** Hidden channels of each head's 3×3 convolution (default 2·width). */
  headChannels?: number;
  dtype?: DType;
  generator?: Generator;
}

/** What {@link CenterNet} returns at output stride 4: heatmap logits [B, C, H/4, W/4], sizes and offsets [B, 2, H/4, W/4] (x first). */
export interface CenterNetOutput {
  /** Per-class centre logits; the heatmap is their sigmoid. */
  heatmap: Tensor;
  /** Box width and height, in output cells (input pixels / 4). */
  size: Tensor;
  /** Sub-cell centre offset (x, y) in output cells. */
  offset: Tensor;
}

/** Training targets of a batch (CenterNet's `ctdet` targets), built by {@link centerNetTargets}. */
export interface CenterNetTargets {
  /** [B, C, H, W] Gaussian-splatted centres, exactly 1 at each object's centre cell. */
  heatmap: Tensor;
  /** [B, K, 2] width and height of object k, in output cells. */
  size: Tensor;
  /** [B, K, 2] centre minus its cell, in [0, 1)². */
  offset: Tensor;
  /** [B, K] int32 flat index y·W + x of each object's centre cell (0 for padding). */
  index: Tensor;
  /** [B, K] 1 for an object, 0 for padding. */
  mask: Tensor;
}

/** One image's objects for {@link centerNetTargets}: pascal_voc boxes [x1, y1, x2, y2] in input pixels and class indices in [0, numClasses). */
export interface CenterNetObjects {
  boxes: readonly (readonly number[])[];
  classes: readonly number[];
}

/**
 * CornerNet's radius (Law & Deng 2018, as CenterNet's `gaussian_radius`, quirks kept): the smallest of
 * the three roots for which a box of height h and width w displaced by it keeps IoU ≥ minOverlap.
 */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const b1 = height + width, c1 = (width * height * (1 - minOverlap)) / (1 + minOverlap);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width), c2 = (1 - minOverlap) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * minOverlap, b3 = -2 * minOverlap * (height + width), c3 = (minOverlap - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

/**
 * CenterNet's `draw_umich_gaussian`: adds exp(−(dx² + dy²) / (2σ²)), σ = (2r + 1) / 6, on the
 * (2r + 1)² window around (cx, cy), clipped to the plane, by element-wise max. Values below
 * `Number.EPSILON` × the peak are 0, as CenterNet's `gaussian2D`.
 */
function drawGaussian(plane: Float64Array | Float32Array, height: number, width: number, cx: number, cy: number, radius: number): void {
  const sigma = (2 * radius + 1) / 6;
  for (let dy = -radius; dy <= radius; dy++) {
    const y = cy + dy;
    if (y < 0 || y >= height) continue;
    for (let dx = -radius; dx <= radius; dx++) {
      const x = cx + dx;
      if (x < 0 || x >= width) continue;
      let g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      if (g < Number.EPSILON) g = 0;
      const i = y * width + x;
      if (g > plane[i]!) plane[i] = g;
    }
  }
}

/**
 * The training targets of a batch (CenterNet's `ctdet` dataset code): each box is divided by the
 * stride; its centre c lands in cell ⌊c⌋, where the class's heatmap gets a Gaussian of radius
 * max(0, ⌊gaussianRadius(⌈h⌉, ⌈w⌉)⌋) peaking at exactly 1; the cell also records the size (w, h) and
 * the offset c − ⌊c⌋. `maxObjects` (default the most in any image) sets K.
 */
export function centerNetTargets(
  objects: readonly CenterNetObjects[],
  options: { numClasses: number; height: number; width: number; stride?: number; maxObjects?: number; dtype?: DType },
): CenterNetTargets {
  const op = "centerNetTargets";
  const { numClasses, height, width } = options;
  const stride = options.stride ?? 4;
  const dtype = options.dtype ?? "float32";
  for (const [name, v] of [["numClasses", numClasses], ["height", height], ["width", width], ["stride", stride]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  const B = objects.length;
  const K = options.maxObjects ?? Math.max(1, ...objects.map((o) => o.boxes.length));
  const heat = dtype === "float64" ? new Float64Array(B * numClasses * height * width) : new Float32Array(B * numClasses * height * width);
  const size = new Float64Array(B * K * 2), offset = new Float64Array(B * K * 2);
  const index = new Int32Array(B * K), mask = new Float64Array(B * K);
  objects.forEach((o, b) => {
    if (o.boxes.length !== o.classes.length) throw new Error(`${op}: image ${b} has ${o.boxes.length} boxes and ${o.classes.length} classes`);
    if (o.boxes.length > K) throw new Error(`${op}: image ${b} has ${o.boxes.length} objects, more than maxObjects = ${K}`);
    o.boxes.forEach((box, k) => {
      const cls = o.classes[k]!;
      if (!(Number.isInteger(cls) && cls >= 0 && cls < numClasses)) throw new Error(`${op}: image ${b}, object ${k}: class ${describe(cls)} is not an integer in [0, ${numClasses})`);
      if (box.length !== 4 || !(box[2]! > box[0]! && box[3]! > box[1]!)) throw new Error(`${op}: image ${b}, object ${k}: box [${box.join(", ")}] is not [x1, y1, x2, y2] with x2 > x1, y2 > y1`);
      const [x1, y1, x2, y2] = box.map((v) => v / stride) as [number, number, number, number];
      const w = x2 - x1, h = y2 - y1;
      const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
      const ix = Math.min(width - 1, Math.max(0, Math.floor(cx))), iy = Math.min(height - 1, Math.max(0, Math.floor(cy)));
      const radius = Math.max(0, Math.floor(gaussianRadius(Math.ceil(h), Math.ceil(w))));
      drawGaussian(heat.subarray((b * numClasses + cls) * height * width, (b * numClasses + cls + 1) * height * width), height, width, ix, iy, radius);
      const slot = b * K + k;
      size[2 * slot] = w;
      size[2 * slot + 1] = h;
      offset[2 * slot] = cx - ix;
      offset[2 * slot + 1] = cy - iy;
      index[slot] = iy * width + ix;
      mask[slot] = 1;
    });
  });
  return {
    heatmap: tensor(heat, { shape: [B, numClasses, height, width], dtype }),
    size: tensor(size, { shape: [B, K, 2], dtype }),
    offset: tensor(offset, { shape: [B, K, 2], dtype }),
    index: tensor(index, { shape: [B, K], dtype: "int32" }),
    mask: tensor(mask, { shape: [B, K], dtype }),
  };
}

/**
 * The penalty-reduced pixel-wise focal loss of CenterNet (eq. 1, from CornerNet), on logits:
 * −1/N Σ { (1 − p)^α log p where Y = 1; (1 − Y)^β p^α log(1 − p) elsewhere }, p = σ(logits),
 * N = the number of cells with Y = 1 (the loss is the negative part alone when N = 0). log p and
 * log(1 − p) are taken as −softplus(∓logits), so no clamp of p is needed.
 */
export function centerNetFocalLoss(logits: Tensor, target: Tensor, alpha = 2, beta = 4): Tensor {
  if (logits.shape.join() !== target.shape.join()) throw new Error(`centerNetFocalLoss: logits [${logits.shape.join(", ")}] and target [${target.shape.join(", ")}] must have one shape`);
  const pos = target.eq(1).to(logits.dtype);
  const p = logits.sigmoid();
  const logP = softplus(logits.neg()).neg(), log1mP = softplus(logits).neg();
  const posLoss = p.neg().add(1).pow(alpha).mul(logP).mul(pos).sum();
  const negLoss = target.neg().add(1).pow(beta).mul(p.pow(alpha)).mul(log1mP).mul(pos.neg().add(1)).sum();
  const numPos = pos.sum().item();
  return posLoss.add(negLoss).neg().div(Math.max(numPos, 1));
}

/** CenterNet's RegL1Loss: |pred − target| at the objects' cells, summed and divided by the number of coordinates (2 per object). */
export function centerNetRegL1(pred: Tensor, index: Tensor, mask: Tensor, target: Tensor): Tensor {
  const op = "centerNetRegL1";
  if (pred.ndim !== 4) throw new Error(`${op}: pred must be [B, C, H, W], got [${pred.shape.join(", ")}]`);
  const [B, C, H, W] = pred.shape as [number, number, number, number];
  if (index.ndim !== 2 || index.shape[0] !== B || index.dtype !== "int32") throw new Error(`${op}: index must be int32 [${B}, K], got ${index.dtype} [${index.shape.join(", ")}]`);
  const K = index.shape[1]!;
  if (mask.shape.join() !== `${B},${K}`) throw new Error(`${op}: mask must be [${B}, ${K}], got [${mask.shape.join(", ")}]`);
  if (target.shape.join() !== `${B},${K},${C}`) throw new Error(`${op}: target must be [${B}, ${K}, ${C}], got [${target.shape.join(", ")}]`);
  // (B, C, H, W) → (B, C, H·W), gathered at (B, C, K) → (B, K, C)
  const picked = gather(pred.reshape([B, C, H * W]), 2, index.unsqueeze(1).expand([B, C, K])).permute([0, 2, 1]);
  const m = mask.unsqueeze(2); // (B, K, 1)
  return picked.sub(target).abs().mul(m).sum().div(m.sum().item() * C + 1e-4);
}

/** The loss terms and their weighted total (CenterNet's weights: heatmap 1, size 0.1, offset 1). */
export interface CenterNetLoss {
  loss: Tensor;
  heatmap: Tensor;
  size: Tensor;
  offset: Tensor;
}

/** The CenterNet training loss L = L_k + 0.1·L_size + L_off of `output` against `targets`. */
export function centerNetLoss(output: CenterNetOutput, targets: CenterNetTargets, weights: { size?: number; offset?: number } = {}): CenterNetLoss {
  const heatmap = centerNetFocalLoss(output.heatmap, targets.heatmap);
  const size = centerNetRegL1(output.size, targets.index, targets.mask, targets.size);
  const offset = centerNetRegL1(output.offset, targets.index, targets.mask, targets.offset);
  const loss = heatmap.add(size.mul(weights.size ?? 0.1)).add(offset.mul(weights.offset ?? 1));
  return { loss, heatmap, size, offset };
}

/** Options of {@link centerNetDecode}. */
export interface CenterNetDecodeOptions {
  /** The COCO image id of each image of the batch. */
  imageIds: readonly number[];
  /** COCO category id of each heatmap channel (default 1, 2, …, C). */
  categoryIds?: readonly number[];
  /** Peaks kept per image (default 100, COCO's maxDets). */
  k?: number;
  /** Input pixels per output cell (default 4). */
  stride?: number;
  /** Input [height, width]: boxes are clipped to it (default the output size × stride). */
  imageSize?: readonly [number, number];
  /** Drop detections scoring below this (default 0: keep all k). */
  scoreThreshold?: number;
}

/**
 * CenterNet's `ctdet_decode` into COCO results: heatmap = σ(logits); a cell is a peak where it equals
 * the 3×3 max-pool of the heatmap (the paper's NMS replacement); the k highest peaks over all classes
 * and cells (ties: lower class, then lower cell first) become boxes centred at (x + offset_x,
 * y + offset_y) of size (max(0, w), max(0, h)), times the stride, clipped to the image, as `{ image_id, category_id,
 * bbox: [x, y, w, h], score }`.
 */
export function centerNetDecode(output: CenterNetOutput, options: CenterNetDecodeOptions): CocoDetection[] {
  const op = "centerNetDecode";
  const [B, C, H, W] = output.heatmap.shape as [number, number, number, number];
  if (options.imageIds.length !== B) throw new Error(`${op}: ${B} images in the batch but ${options.imageIds.length} imageIds`);
  const categoryIds = options.categoryIds ?? Array.from({ length: C }, (_, c) => c + 1);
  if (categoryIds.length !== C) throw new Error(`${op}: the heatmap has ${C} classes but ${categoryIds.length} categoryIds were given`);
  const k = options.k ?? 100, stride = options.stride ?? 4, threshold = options.scoreThreshold ?? 0;
  const [imageH, imageW] = options.imageSize ?? [H * stride, W * stride];
  return noGrad(() => {
    const heat = output.heatmap.sigmoid();
    const peaks = maxPool2d(heat, 3, { stride: 1, padding: 1 });
    const h = heat.dataSync(), hmax = peaks.dataSync(), sz = output.size.dataSync(), off = output.offset.dataSync();
    const plane = H * W;
    const results: CocoDetection[] = [];
    for (let b = 0; b < B; b++) {
      const candidates: number[] = [];
      for (let i = 0; i < C * plane; i++) if (h[b * C * plane + i] === hmax[b * C * plane + i]) candidates.push(i);
      candidates.sort((i, j) => h[b * C * plane + j]! - h[b * C * plane + i]! || i - j);
      for (const i of candidates.slice(0, k)) {
        const score = h[b * C * plane + i]!;
        if (score < threshold) break;
        const cls = Math.floor(i / plane), cell = i % plane, y = Math.floor(cell / W), x = cell % W;
        const at = (t: ArrayLike<number>, ch: number): number => t[(b * 2 + ch) * plane + cell]!;
        const cx = x + at(off, 0), cy = y + at(off, 1), bw = Math.max(0, at(sz, 0)), bh = Math.max(0, at(sz, 1));
        const x1 = Math.min(imageW, Math.max(0, (cx - bw / 2) * stride)), y1 = Math.min(imageH, Math.max(0, (cy - bh / 2) * stride));
        const x2 = Math.min(imageW, Math.max(0, (cx + bw / 2) * stride)), y2 = Math.min(imageH, Math.max(0, (cy + bh / 2) * stride));
        results.push({ image_id: options.imageIds[b]!, category_id: categoryIds[cls]!, bbox: [x1, y1, x2 - x1, y2 - y1], score });
      }
    }
    return results;
  });
}

/** 3×3 convolution (with bias), ReLU, 1×1 convolution: one CenterNet head. */
function head(inChannels: number, hidden: number, out: number, dtype: DType, generator?: Generator): Sequential {
  return new Sequential(
    new Conv2d(inChannels, hidden, 3, { padding: 1, dtype, generator }),
    new ReLU(),
    new Conv2d(hidden, out, 1, { dtype, generator }),
  );
}

/**
 * A small CenterNet: stem (3×3 convolution, batch norm, ReLU) → a stage of BasicBlocks at stride 2
 * (width w) → a stage at stride 4 (width 2w) → three heads on the stride-4 features: per-class centre
 * logits (bias −2.19, the paper's prior π = 0.1), box size and centre offset.
 * ```ts
 * const net = new vision.models.CenterNet({ numClasses: 4 });
 * const out = net.call(images);                      // heatmap [B, 4, H/4, W/4], size, offset
 * const { loss } = vision.models.centerNetLoss(out, vision.models.centerNetTargets(objects, { numClasses: 4, height: H / 4, width: W / 4 }));
 * const detections = vision.models.centerNetDecode(out, { imageIds });   // COCO results
 * ```
 */
export class CenterNet extends Module<[Tensor], CenterNetOutput> {
  readonly numClasses: number;
  readonly categoryIds: readonly number[];
  /** Input pixels per output cell. */
  readonly stride = 4;
  readonly stem: Sequential;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly heatmapHead: Sequential;
  readonly sizeHead: Sequential;
  readonly offsetHead: Sequential;

  constructor(options: CenterNetOptions) {
    super();
    const op = "CenterNet";
    if (typeof options !== "object" || options === null) throw new Error(`${op}: options must be an object with numClasses, got ${describe(options)}`);
    const { numClasses } = options;
    const inChannels = options.inChannels ?? 3, width = options.width ?? 16, blocks = options.blocks ?? [1, 3];
    for (const [name, v] of [["numClasses", numClasses], ["inChannels", inChannels], ["width", width], ["blocks[0]", blocks[0]], ["blocks[1]", blocks[1]]] as const) {
      if (!(Number.isInteger(v) && (v as number) > 0)) throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
    }
    this.numClasses = numClasses;
    this.categoryIds = options.categoryIds ?? Array.from({ length: numClasses }, (_, c) => c + 1);
    if (this.categoryIds.length !== numClasses) throw new Error(`${op}: categoryIds has ${this.categoryIds.length} entries for ${numClasses} classes`);
    const dtype = options.dtype ?? "float32", generator = options.generator;
    const headChannels = options.headChannels ?? 2 * width;

    this.stem = new Sequential(new Conv2d(inChannels, width, 3, { padding: 1, bias: false, dtype, generator }), new BatchNorm2d(width, { dtype }), new ReLU());
    // A stage: the first block strides by 2 (with a 1×1 projection shortcut), the rest keep the shape.
    const stage = (inPlanes: number, planes: number, count: number): Sequential => {
      const downsample = new Sequential(new Conv2d(inPlanes, planes, 1, { stride: 2, bias: false, dtype, generator }), new BatchNorm2d(planes, { dtype }));
      const list = [new BasicBlock(inPlanes, planes, { stride: 2, downsample, dtype, generator })];
      for (let i = 1; i < count; i++) list.push(new BasicBlock(planes, planes, { stride: 1, downsample: null, dtype, generator }));
      return new Sequential(...list);
    };
    this.layer1 = stage(width, width, blocks[0]);
    this.layer2 = stage(width, 2 * width, blocks[1]);
    this.heatmapHead = head(2 * width, headChannels, numClasses, dtype, generator);
    this.sizeHead = head(2 * width, headChannels, 2, dtype, generator);
    this.offsetHead = head(2 * width, headChannels, 2, dtype, generator);

    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Conv2d && m.bias === null) init.kaimingNormal(m.weight, { mode: "fanOut", nonlinearity: "relu", generator });
      }
      const last = [...this.heatmapHead.modules()].filter((m): m is Conv2d => m instanceof Conv2d).at(-1)!;
      init.constant(last.bias!, -Math.log((1 - 0.1) / 0.1));
    });
  }

  /** (B, C_in, H, W) → heatmap logits (B, numClasses, H/4, W/4), size and offset (B, 2, H/4, W/4). */
  forward(x: Tensor): CenterNetOutput {
    const features = this.layer2.call(this.layer1.call(this.stem.call(x))); // (B, 2w, H/4, W/4)
    return { heatmap: this.heatmapHead.call(features), size: this.sizeHead.call(features), offset: this.offsetHead.call(features) };
  }

  /** The model's detections on `images` as COCO results (`centerNetDecode` with this model's category ids). */
  detect(images: Tensor, options: Omit<CenterNetDecodeOptions, "categoryIds" | "stride">): CocoDetection[] {
    const output = noGrad(() => this.call(images));
    const [, , H, W] = images.shape as [number, number, number, number];
    return centerNetDecode(output, { categoryIds: this.categoryIds, stride: this.stride, imageSize: [H, W], ...options });
  }
}
