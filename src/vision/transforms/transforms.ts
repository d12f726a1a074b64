// Seeded random augmentations (torchvision names, albumentations' probability p on each) and Compose, applied to an image [C, H, W] or a batch [N, C, H, W],
// or to an image with its bounding boxes (albumentations' BboxParams: boxes move with the image, and are clipped and filtered after each transform).
import { Tensor } from "../../tensor/Tensor.js";
import { Generator, defaultGenerator } from "../../random/Generator.js";
import { stack } from "../../ops/movement.js";
import { describe } from "../../tensor/validate.js";
import {
  affineMatrix, affinePlanes, blurPlanes, brightnessPlanes, checkImage, checkKernelSize, checkPaddingMode, contrastPlanes, cropPlanes, erasePlanes,
  fillValues, flipPlanes, mapImages, normalizeParams, normalizePlanes, padPlanes, paddingSides, toTensor,
  type ImageDataLike, type Interpolation, type PaddingMode, type Planes,
} from "./functional.js";

/** Anything Compose can chain: `apply(x, generator?)`. */
export interface TransformLike {
  apply(x: Tensor, generator?: Generator): Tensor;
}

/**
 * Options every random transform takes: the probability of applying it to an image, and its own seed or
 * generator.
 */
export interface TransformOptions {
  /** Probability that the transform is applied to an image (each image of a batch decides on its own). */
  p?: number;
  /** Seed of this transform's own generator (used when `apply` is given none). */
  seed?: number;
  /** This transform's generator (used when `apply` is given none); default: the global `defaultGenerator`. */
  generator?: Generator;
}

function checkProbability(op: string, p: unknown): number {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${describe(p)}`);
  return p;
}

function ownGenerator(op: string, options: TransformOptions): Generator | undefined {
  if (options.seed !== undefined && options.generator !== undefined) throw new Error(`${op}: pass seed or generator, not both`);
  if (options.generator !== undefined && !(options.generator instanceof Generator)) throw new Error(`${op}: generator must be a Generator, got ${describe(options.generator)}`);
  return options.seed !== undefined ? new Generator(options.seed) : options.generator;
}

/** True with probability p; draws one number from g only when 0 < p < 1. */
function fires(p: number, g: Generator): boolean {
  return p >= 1 ? true : p <= 0 ? false : g.random() < p;
}

/** A [min, max] range from a number v (→ [center − v, center + v], floored at `floor`) or a pair. */
function range(op: string, what: string, value: unknown, center: number, floor = -Infinity): [number, number] {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return [Math.max(floor, center - value), center + value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number" && Number.isFinite(v)) && value[0] <= value[1] && value[0] >= floor) {
    return [value[0], value[1]];
  }
  throw new Error(`${op}: ${what} must be a non-negative number or [min, max] with ${floor > -Infinity ? `${floor} ≤ ` : ""}min ≤ max, got ${Array.isArray(value) ? `[${value.join(", ")}]` : describe(value)}`);
}

/**
 * A random image transform. Each image (each of a batch, in order) is transformed with probability
 * `p`, with random parameters drawn from the generator passed to `apply`, else this transform's own,
 * else `defaultGenerator`. The same generator state gives the same result, and a batch gives what
 * its images give one by one.
 */
export abstract class Transform implements TransformLike {
  readonly p: number;
  readonly generator: Generator | undefined;

  /** `name` (the class name, spelled out so that minified bundles keep it) goes into error messages. */
  protected constructor(readonly name: string, options: TransformOptions, defaultP: number) {
    this.p = checkProbability(name, options.p ?? defaultP);
    this.generator = ownGenerator(name, options);
  }

  apply(x: Tensor, generator?: Generator): Tensor {
    const op = `${this.name}.apply`;
    checkImage(op, x);
    const g = generator ?? this.generator ?? defaultGenerator;
    return mapImages(op, x, (image) => (fires(this.p, g) ? this.transform(image, g, op) : image));
  }

  /**
   * Transforms one image [C, H, W] and its boxes together, with the same draws as `apply`: the boxes
   * are pascal_voc pixel corners [x1, y1, x2, y2] (pixel i spans [i, i + 1]) and come back moved with
   * the image but not clipped ({@link Compose} clips and filters them).
   */
  applyWithBoxes(image: Tensor, boxes: readonly BoxCorners[], generator?: Generator): { image: Tensor; boxes: BoxCorners[] } {
    const op = `${this.name}.applyWithBoxes`;
    checkImage(op, image);
    if (image.ndim !== 3) throw new Error(`${op}: expects one image [C, H, W] with its boxes, got shape [${image.shape.join(", ")}]`);
    const g = generator ?? this.generator ?? defaultGenerator;
    let out = boxes.map((b) => [...b] as BoxCorners);
    if (!fires(this.p, g)) return { image, boxes: out };
    const moved = mapImages(op, image, (planes) => {
      const r = this.transformWithBoxes(planes, out, g, op);
      out = r.boxes;
      return r.image;
    });
    return { image: moved, boxes: out };
  }

  /** Transforms one image (after the p draw). */
  protected abstract transform(image: Planes, g: Generator, op: string): Planes;

  /**
   * Transforms one image and its boxes (after the p draw). The default leaves the boxes where they
   * are, which is right for transforms that change pixel values only; transforms that move pixels
   * override it.
   */
  protected transformWithBoxes(image: Planes, boxes: BoxCorners[], g: Generator, op: string): { image: Planes; boxes: BoxCorners[] } {
    return { image: this.transform(image, g, op), boxes };
  }
}

/** A box as pixel corners [x1, y1, x2, y2] (pascal_voc), x to the right, y down; pixel i spans [i, i + 1]. */
export type BoxCorners = [number, number, number, number];

/** How {@link Compose} reads and writes boxes (albumentations' names): coco [x, y, w, h] and pascal_voc [x1, y1, x2, y2] in pixels, yolo [cx, cy, w, h] as fractions of the image. */
export type BboxFormat = "coco" | "pascal_voc" | "yolo";

/** albumentations' `BboxParams`: how {@link Compose} reads boxes and which it drops after each transform. */
export interface BboxParams {
  /** The format of `bboxes` in and out. */
  format: BboxFormat;
  /** Fields of the sample holding one entry per box, dropped together with their boxes (default `["labels"]`); each must be in the sample, except `labels`. */
  labelFields?: string[];
  /** A box whose area inside the image after a transform is below this fraction of its transformed area is dropped (default 0). */
  minVisibility?: number;
  /** A box whose area inside the image after a transform is below this many pixels² is dropped (default 0). */
  minArea?: number;
}

/** What {@link Compose} takes and returns with boxes (albumentations' `transform(image=..., bboxes=..., labels=...)`). */
export interface BboxSample<L = number> {
  /** One image [C, H, W]. */
  image: Tensor;
  /** One box per object, in the Compose's `bboxParams.format`. */
  bboxes: readonly (readonly number[])[];
  /** One label per box (the default label field). */
  labels?: readonly L[];
  /** Other label fields named in `bboxParams.labelFields`, and anything else (passed through). */
  [field: string]: unknown;
}

/** The result of {@link Compose} on a {@link BboxSample}: the transformed image, the kept boxes and their labels. */
export interface BboxResult<L = number> {
  /** The transformed image [C, H', W']. */
  image: Tensor;
  /** The kept boxes, clipped to the image, in the Compose's format. */
  bboxes: number[][];
  /** The labels of the kept boxes. */
  labels?: L[];
  /** The other label fields (filtered like `labels`) and the sample's other fields. */
  [field: string]: unknown;
}

function checkBboxParams(op: string, params: unknown): Required<BboxParams> {
  if (typeof params !== "object" || params === null) throw new Error(`${op}: bboxParams must be an object { format, labelFields?, minVisibility?, minArea? }, got ${describe(params)}`);
  const p = params as BboxParams;
  if (p.format !== "coco" && p.format !== "pascal_voc" && p.format !== "yolo") throw new Error(`${op}: bboxParams.format must be "coco", "pascal_voc" or "yolo", got ${describe(p.format)}`);
  const labelFields = p.labelFields ?? ["labels"];
  if (!Array.isArray(labelFields) || !labelFields.every((f) => typeof f === "string" && f !== "image" && f !== "bboxes")) {
    throw new Error(`${op}: bboxParams.labelFields must be an array of field names (other than image and bboxes), got ${describe(p.labelFields)}`);
  }
  const minVisibility = p.minVisibility ?? 0, minArea = p.minArea ?? 0;
  if (typeof minVisibility !== "number" || !(minVisibility >= 0 && minVisibility <= 1)) throw new Error(`${op}: bboxParams.minVisibility must be a number in [0, 1], got ${describe(p.minVisibility)}`);
  if (typeof minArea !== "number" || !(minArea >= 0 && Number.isFinite(minArea))) throw new Error(`${op}: bboxParams.minArea must be a non-negative number of pixels², got ${describe(p.minArea)}`);
  return { format: p.format, labelFields: [...labelFields], minVisibility, minArea };
}

/** Boxes of `format` in an image of width w and height h as pixel corners; each must be non-empty and lie inside the image. */
function toCorners(op: string, format: BboxFormat, bboxes: unknown, w: number, h: number): BoxCorners[] {
  if (!Array.isArray(bboxes)) throw new Error(`${op}: bboxes must be an array of boxes (4 numbers each), got ${describe(bboxes)}`);
  const tol = 1e-6;
  return bboxes.map((b: unknown, i) => {
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === "number" && Number.isFinite(v))) throw new Error(`${op}: bboxes[${i}] must be 4 finite numbers, got ${describe(b)}`);
    const [a, c, d, e] = b as number[];
    const corners: BoxCorners = format === "pascal_voc" ? [a!, c!, d!, e!]
      : format === "coco" ? [a!, c!, a! + d!, c! + e!]
      : [(a! - d! / 2) * w, (c! - e! / 2) * h, (a! + d! / 2) * w, (c! + e! / 2) * h];
    const [x1, y1, x2, y2] = corners;
    if (!(x2 > x1 && y2 > y1)) throw new Error(`${op}: bboxes[${i}] = [${b.join(", ")}] (${format}) is empty: it needs x2 > x1 and y2 > y1`);
    if (x1 < -tol || y1 < -tol || x2 > w + tol || y2 > h + tol) throw new Error(`${op}: bboxes[${i}] = [${b.join(", ")}] (${format}) reaches outside the ${w}×${h} image`);
    return [Math.max(0, x1), Math.max(0, y1), Math.min(w, x2), Math.min(h, y2)];
  });
}

function fromCorners(format: BboxFormat, [x1, y1, x2, y2]: BoxCorners, w: number, h: number): number[] {
  if (format === "pascal_voc") return [x1, y1, x2, y2];
  if (format === "coco") return [x1, y1, x2 - x1, y2 - y1];
  return [(x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h];
}

/**
 * albumentations' `filter_bboxes`, run after every transform: each box is clipped to the w×h image; it
 * is dropped when nothing of it is left inside, when the clipped area over its transformed area is
 * below `minVisibility`, or when the clipped area is below `minArea`. Returns the kept boxes (clipped)
 * and their indices.
 */
function filterBoxes(boxes: readonly BoxCorners[], w: number, h: number, params: Required<BboxParams>): { boxes: BoxCorners[]; kept: number[] } {
  const out: BoxCorners[] = [], kept: number[] = [];
  boxes.forEach(([x1, y1, x2, y2], i) => {
    const area = (x2 - x1) * (y2 - y1);
    const c: BoxCorners = [Math.min(w, Math.max(0, x1)), Math.min(h, Math.max(0, y1)), Math.min(w, Math.max(0, x2)), Math.min(h, Math.max(0, y2))];
    const clipped = Math.max(0, c[2] - c[0]) * Math.max(0, c[3] - c[1]);
    if (!(clipped > 0) || clipped / area < params.minVisibility || clipped < params.minArea) return;
    out.push(c);
    kept.push(i);
  });
  return { boxes: out, kept };
}

/** Options of {@link Compose}: those of every transform, plus `bboxParams` for boxes. */
export interface ComposeOptions extends TransformOptions {
  /** How boxes are read, written and filtered when the Compose is applied to `{ image, bboxes, labels }` (albumentations' BboxParams). */
  bboxParams?: BboxParams;
}

/**
 * Chains transforms: `new Compose([new RandomCrop(28, { padding: 4 }), new RandomHorizontalFlip()], { seed: 0 })`.
 * A batch [N, ...] is transformed image by image, each through the whole chain, so the result is
 * that of the images one at a time. With probability 1 − p (default p = 1) an image passes unchanged.
 *
 * With `bboxParams`, `apply({ image, bboxes, labels })` transforms one image [C, H, W] and its boxes
 * together, as albumentations' `transform(image=..., bboxes=..., labels=...)`, with the same random
 * draws (so the same image) as `apply(image)`. Flips mirror boxes; crops and padding shift them;
 * `RandomAffine` maps each box's four corners and takes their axis-aligned hull (albumentations'
 * default "largest_box" method); pixel-value transforms leave boxes alone. After every transform the
 * boxes are clipped to the image and filtered (albumentations' `check_each_transform`): a box is
 * dropped, with its entries in every label field, when nothing of it is inside, when its visible
 * area is below `minVisibility` of its transformed area, or below `minArea` pixels².
 */
export class Compose implements TransformLike {
  readonly transforms: readonly TransformLike[];
  readonly p: number;
  readonly generator: Generator | undefined;
  readonly bboxParams: Required<BboxParams> | null;

  constructor(transforms: readonly TransformLike[], options: ComposeOptions = {}) {
    if (!Array.isArray(transforms) || !transforms.every((t) => typeof (t as Partial<TransformLike> | null)?.apply === "function")) {
      throw new Error("Compose: expects an array of transforms (objects with apply(x))");
    }
    this.transforms = [...transforms];
    this.p = checkProbability("Compose", options.p ?? 1);
    this.generator = ownGenerator("Compose", options);
    this.bboxParams = options.bboxParams === undefined ? null : checkBboxParams("Compose", options.bboxParams);
  }

  /** Transforms an image [C, H, W] or a batch [N, C, H, W]. */
  apply(x: Tensor, generator?: Generator): Tensor;
  /** Transforms one image [C, H, W] with its boxes and their labels (needs `bboxParams`). */
  apply<L = number>(sample: BboxSample<L>, generator?: Generator): BboxResult<L>;
  apply<L>(x: Tensor | BboxSample<L>, generator?: Generator): Tensor | BboxResult<L> {
    if (!(x instanceof Tensor)) {
      if (typeof x === "object" && x !== null && "image" in x) return this.applyWithBboxes(x, generator);
      throw new Error(`Compose.apply: expects a tensor or { image, bboxes, labels }, got ${describe(x)}`);
    }
    const g = generator ?? this.generator ?? defaultGenerator;
    const one = (image: Tensor): Tensor => (fires(this.p, g) ? this.transforms.reduce((acc, t) => t.apply(acc, g), image) : image);
    if (x.ndim !== 4) return one(x);
    const outs = Array.from({ length: x.shape[0]! }, (_, i) => one(x.select(0, i)));
    for (const o of outs) {
      if (o.shape.join() !== outs[0]!.shape.join()) throw new Error(`Compose.apply: the images of a batch came out with different shapes [${outs[0]!.shape.join(", ")}] and [${o.shape.join(", ")}]`);
    }
    return outs.length > 0 ? stack(outs, 0) : x;
  }

  private applyWithBboxes<L>(sample: BboxSample<L>, generator?: Generator): BboxResult<L> {
    const op = "Compose.apply";
    const params = this.bboxParams;
    if (params === null) throw new Error(`${op}: got { image, bboxes, ... } but the Compose has no bboxParams; pass { bboxParams: { format: "coco" | "pascal_voc" | "yolo" } }`);
    const image = checkImage(op, sample.image);
    if (image.ndim !== 3) throw new Error(`${op}: with boxes, image must be one image [C, H, W], got shape [${image.shape.join(", ")}]`);
    const [, h0, w0] = image.shape as [number, number, number];
    let boxes = toCorners(op, params.format, sample.bboxes, w0, h0);
    const fields = params.labelFields.filter((f) => sample[f] !== undefined);
    for (const f of params.labelFields) {
      const v = sample[f];
      if (v === undefined && f !== "labels") throw new Error(`${op}: the label field ${f} named in bboxParams.labelFields is missing from the sample`);
      if (v !== undefined && (!Array.isArray(v) || v.length !== boxes.length)) throw new Error(`${op}: ${f} must be an array with one entry per box (${boxes.length}), got ${Array.isArray(v) ? `${v.length} entries` : describe(v)}`);
    }
    let index = boxes.map((_, i) => i);
    const g = generator ?? this.generator ?? defaultGenerator;
    let out = image;
    if (fires(this.p, g)) {
      for (const t of this.transforms) {
        if (!(t instanceof Transform)) throw new Error(`${op}: with boxes, every transform must be a vision.transforms Transform that knows how it moves boxes, got ${describe(t)}`);
        const r = t.applyWithBoxes(out, boxes, g);
        out = r.image;
        const [, h, w] = out.shape as [number, number, number];
        const f = filterBoxes(r.boxes, w, h, params);
        boxes = f.boxes;
        index = f.kept.map((k) => index[k]!);
      }
    }
    const [, h, w] = out.shape as [number, number, number];
    const result: BboxResult<L> = { ...(sample as Record<string, unknown>), image: out, bboxes: boxes.map((b) => fromCorners(params.format, b, w, h)) };
    for (const f of fields) result[f] = index.map((i) => (sample[f] as unknown[])[i]);
    return result;
  }
}

/** 0–255 pixels ([H, W], [H, W, C], [N, H, W, C] int32, or ImageData) to float32 [C, H, W] in [0, 1]; see `functional.toTensor`. */
export class ToTensor implements TransformLike {
  apply(x: Tensor | ImageDataLike): Tensor {
    return toTensor(x);
  }
}

/**
 * Options of {@link RandomCrop}: those of every transform plus padding (amount, pad-if-needed, fill and mode)
 * applied before cropping.
 */
export interface RandomCropOptions extends TransformOptions {
  /** Padding added first: p, [leftRight, topBottom] or [left, top, right, bottom] (default none). */
  padding?: number | readonly number[];
  /** Pad a side shorter than the crop by the shortfall on both ends first, as torchvision (default false). */
  padIfNeeded?: boolean;
  /** Value of constant padding (default 0), a number or one per channel. */
  fill?: number | readonly number[];
  /** constant (default), edge, reflect or symmetric. */
  paddingMode?: PaddingMode;
}

/**
 * Pads, then crops a `size` window (a number for a square, or [height, width]) at a uniformly drawn
 * position: top = randint(0, H − h + 1), then left = randint(0, W − w + 1) (none drawn when the sizes
 * match). p defaults to 1.
 */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  private readonly sides: [number, number, number, number];
  private readonly padIfNeeded: boolean;
  private readonly fill: number | readonly number[];
  private readonly mode: PaddingMode;

  constructor(size: number | readonly [number, number], options: RandomCropOptions = {}) {
    super("RandomCrop", options, 1);
    const ok = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
    if (ok(size)) this.size = [size, size];
    else if (Array.isArray(size) && size.length === 2 && size.every(ok)) this.size = [size[0], size[1]];
    else throw new Error(`RandomCrop: size must be a positive integer or [height, width], got ${Array.isArray(size) ? `[${size.join(", ")}]` : describe(size)}`);
    this.sides = paddingSides("RandomCrop", options.padding ?? 0);
    this.padIfNeeded = options.padIfNeeded ?? false;
    this.fill = options.fill ?? 0;
    this.mode = checkPaddingMode("RandomCrop", options.paddingMode ?? "constant");
  }

  protected transform(image: Planes, g: Generator, op: string): Planes {
    return this.padAndCrop(image, g, op).image;
  }

  /** Boxes move by the padding on the left and top, less the crop's left and top. */
  protected override transformWithBoxes(image: Planes, boxes: BoxCorners[], g: Generator, op: string): { image: Planes; boxes: BoxCorners[] } {
    const { image: out, dx, dy } = this.padAndCrop(image, g, op);
    return { image: out, boxes: boxes.map(([x1, y1, x2, y2]) => [x1 + dx, y1 + dy, x2 + dx, y2 + dy]) };
  }

  /** The padded and cropped image, and how far its content moved (dx right, dy down). */
  private padAndCrop(image: Planes, g: Generator, op: string): { image: Planes; dx: number; dy: number } {
    const fill = fillValues(op, this.fill, image.c);
    let img = this.sides.some((s) => s > 0) ? padPlanes(op, image, this.sides, this.mode, fill) : image;
    let dx = this.sides[0], dy = this.sides[1];
    const [th, tw] = this.size;
    if (this.padIfNeeded && img.w < tw) {
      dx += tw - img.w;
      img = padPlanes(op, img, [tw - img.w, 0, tw - img.w, 0], this.mode, fill);
    }
    if (this.padIfNeeded && img.h < th) {
      dy += th - img.h;
      img = padPlanes(op, img, [0, th - img.h, 0, th - img.h], this.mode, fill);
    }
    if (img.h < th || img.w < tw) throw new Error(`${op}: crop size [${th}, ${tw}] is larger than the padded image [${img.h}, ${img.w}]`);
    if (img.h === th && img.w === tw) return { image: img, dx, dy };
    const top = g.randint(0, img.h - th + 1);
    const left = g.randint(0, img.w - tw + 1);
    return { image: cropPlanes(op, img, top, left, th, tw), dx: dx - left, dy: dy - top };
  }
}

/** Mirrors the image left–right with probability p (default 0.5). */
export class RandomHorizontalFlip extends Transform {
  constructor(options: TransformOptions = {}) {
    super("RandomHorizontalFlip", options, 0.5);
  }
  protected transform(image: Planes): Planes {
    return flipPlanes(image, true);
  }
  /** x → W − x. */
  protected override transformWithBoxes(image: Planes, boxes: BoxCorners[]): { image: Planes; boxes: BoxCorners[] } {
    return { image: flipPlanes(image, true), boxes: boxes.map(([x1, y1, x2, y2]) => [image.w - x2, y1, image.w - x1, y2]) };
  }
}

/** Mirrors the image top–bottom with probability p (default 0.5). */
export class RandomVerticalFlip extends Transform {
  constructor(options: TransformOptions = {}) {
    super("RandomVerticalFlip", options, 0.5);
  }
  protected transform(image: Planes): Planes {
    return flipPlanes(image, false);
  }
  /** y → H − y. */
  protected override transformWithBoxes(image: Planes, boxes: BoxCorners[]): { image: Planes; boxes: BoxCorners[] } {
    return { image: flipPlanes(image, false), boxes: boxes.map(([x1, y1, x2, y2]) => [x1, image.h - y2, x2, image.h - y1]) };
  }
}

/**
 * Options of {@link RandomAffine}: those of every transform plus the ranges of rotation, translation, scale
 * and shear, the interpolation, the fill and the center.
 */
export interface RandomAffineOptions extends TransformOptions {
  /** Rotation range in degrees: d (→ [−d, d]) or [min, max]; counter-clockwise positive. Default 0. */
  degrees?: number | readonly [number, number];
  /** Largest shift as fractions [a, b] of width and height: tx ∈ [−aW, aW], ty ∈ [−bH, bH], rounded to whole pixels. */
  translate?: readonly [number, number];
  /** Zoom range [min, max] (default 1). */
  scale?: readonly [number, number];
  /** Shear range in degrees: s (x in [−s, s]), [xmin, xmax], or [xmin, xmax, ymin, ymax]. */
  shear?: number | readonly number[];
  interpolation?: Interpolation;
  fill?: number | readonly number[];
  center?: readonly [number, number];
}

/**
 * A random affine map (see `functional.affine`), parameters drawn in torchvision's order: angle,
 * then tx and ty (when `translate`), scale (when `scale`), shear x and y (when `shear`). p defaults to 1.
 */
export class RandomAffine extends Transform {
  readonly degrees: [number, number];
  readonly translate: [number, number] | null;
  readonly scale: [number, number] | null;
  readonly shear: [number, number, number, number] | null;
  private readonly interpolation: Interpolation;
  private readonly fill: number | readonly number[];
  private readonly center: readonly [number, number] | undefined;

  constructor(options: RandomAffineOptions = {}) {
    super("RandomAffine", options, 1);
    const op = "RandomAffine";
    this.degrees = range(op, "degrees", options.degrees ?? 0, 0);
    const t = options.translate;
    if (t !== undefined && !(Array.isArray(t) && t.length === 2 && t.every((v) => typeof v === "number" && v >= 0 && v <= 1))) {
      throw new Error(`${op}: translate must be [a, b], fractions of width and height in [0, 1], got ${describe(t)}`);
    }
    this.translate = t ? [t[0], t[1]] : null;
    const s = options.scale;
    if (s !== undefined && !(Array.isArray(s) && s.length === 2 && s.every((v) => typeof v === "number" && v > 0) && s[0] <= s[1])) {
      throw new Error(`${op}: scale must be [min, max] with 0 < min ≤ max, got ${Array.isArray(s) ? `[${s.join(", ")}]` : describe(s)}`);
    }
    this.scale = s ? [s[0], s[1]] : null;
    const sh = options.shear;
    if (sh === undefined) this.shear = null;
    else if (Array.isArray(sh) && sh.length === 4) {
      const [x0, x1] = range(op, "shear x", [sh[0], sh[1]], 0), [y0, y1] = range(op, "shear y", [sh[2], sh[3]], 0);
      this.shear = [x0, x1, y0, y1];
    } else this.shear = [...range(op, "shear", sh, 0), 0, 0];
    if (this.shear && this.shear.some((v) => Math.abs(v) >= 90)) throw new Error(`${op}: shear angles must lie strictly between -90 and 90 degrees, got [${this.shear.join(", ")}]`);
    this.interpolation = options.interpolation ?? "nearest";
    this.fill = options.fill ?? 0;
    this.center = options.center;
  }

  protected transform(image: Planes, g: Generator, op: string): Planes {
    return affinePlanes(op, image, this.draw(image, g));
  }

  /**
   * Each box's four corners go through the image's map q = c + t + A (p − c), written in corner
   * coordinates (pixel centres at i + ½, so the centre is c + ½), and the box becomes their
   * axis-aligned hull (albumentations' "largest_box").
   */
  protected override transformWithBoxes(image: Planes, boxes: BoxCorners[], g: Generator, op: string): { image: Planes; boxes: BoxCorners[] } {
    const params = this.draw(image, g);
    const [a, b, c, d] = affineMatrix(params.angle, params.scale, params.shear);
    const [cx, cy] = (params.center ?? [(image.w - 1) / 2, (image.h - 1) / 2]).map((v) => v + 0.5) as [number, number];
    const [tx, ty] = params.translate;
    const moved = boxes.map(([x1, y1, x2, y2]): BoxCorners => {
      const xs: number[] = [], ys: number[] = [];
      for (const [x, y] of [[x1, y1], [x2, y1], [x1, y2], [x2, y2]] as const) {
        xs.push(cx + tx + a * (x - cx) + b * (y - cy));
        ys.push(cy + ty + c * (x - cx) + d * (y - cy));
      }
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    });
    return { image: affinePlanes(op, image, params), boxes: moved };
  }

  /** The random parameters of one image, drawn in torchvision's order. */
  private draw(image: Planes, g: Generator): { angle: number; translate: [number, number]; scale: number; shear: [number, number]; interpolation: Interpolation; fill: number | readonly number[]; center?: readonly [number, number] } {
    const angle = g.uniform(this.degrees[0], this.degrees[1]);
    let translate: [number, number] = [0, 0];
    if (this.translate) {
      const dx = this.translate[0] * image.w, dy = this.translate[1] * image.h;
      translate = [Math.round(g.uniform(-dx, dx)), Math.round(g.uniform(-dy, dy))];
    }
    const scale = this.scale ? g.uniform(this.scale[0], this.scale[1]) : 1;
    let shear: [number, number] = [0, 0];
    if (this.shear) {
      shear = [g.uniform(this.shear[0], this.shear[1]), 0];
      if (this.shear[2] !== 0 || this.shear[3] !== 0) shear[1] = g.uniform(this.shear[2], this.shear[3]);
    }
    return { angle, translate, scale, shear, interpolation: this.interpolation, fill: this.fill, ...(this.center ? { center: this.center } : {}) };
  }
}

/**
 * Options of {@link GaussianNoise}: those of every transform plus the noise's mean and std and whether to
 * clamp to [0, 1].
 */
export interface GaussianNoiseOptions extends TransformOptions {
  /** Mean of the noise (default 0). */
  mean?: number;
  /** Std of the noise (default 0.1). */
  sigma?: number;
  /** Clamp the result to [0, 1] (default true). */
  clip?: boolean;
}

/** Adds N(mean, sigma²) noise to every pixel, drawn in row-major order, then clamps to [0, 1] (torchvision's GaussianNoise). p defaults to 1. */
export class GaussianNoise extends Transform {
  readonly mean: number;
  readonly sigma: number;
  readonly clip: boolean;

  constructor(options: GaussianNoiseOptions = {}) {
    super("GaussianNoise", options, 1);
    this.mean = options.mean ?? 0;
    this.sigma = options.sigma ?? 0.1;
    this.clip = options.clip ?? true;
    if (!Number.isFinite(this.mean)) throw new Error(`GaussianNoise: mean must be a finite number, got ${describe(options.mean)}`);
    if (!(Number.isFinite(this.sigma) && this.sigma >= 0)) throw new Error(`GaussianNoise: sigma must be a non-negative number, got ${describe(options.sigma)}`);
  }

  protected transform(image: Planes, g: Generator): Planes {
    const out = image.data.slice();
    for (let i = 0; i < out.length; i++) {
      const v = out[i]! + g.normal(this.mean, this.sigma);
      out[i] = this.clip ? Math.min(1, Math.max(0, v)) : v;
    }
    return { ...image, data: out };
  }
}

/**
 * Options of {@link ColorJitter}: those of every transform plus the brightness and contrast factor ranges.
 */
export interface ColorJitterOptions extends TransformOptions {
  /** Brightness factor range: b (→ [max(0, 1 − b), 1 + b]) or [min, max]. */
  brightness?: number | readonly [number, number];
  /** Contrast factor range: c (→ [max(0, 1 − c), 1 + c]) or [min, max]. */
  contrast?: number | readonly [number, number];
}

/**
 * Random brightness, then contrast (`functional.adjustBrightness` / `adjustContrast`, each clamped
 * to [0, 1]); the brightness factor is drawn first, then the contrast factor. p defaults to 1.
 * (torchvision also jitters saturation and hue, and applies them in random order.)
 */
export class ColorJitter extends Transform {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;

  constructor(options: ColorJitterOptions = {}) {
    super("ColorJitter", options, 1);
    this.brightness = options.brightness === undefined ? null : range("ColorJitter", "brightness", options.brightness, 1, 0);
    this.contrast = options.contrast === undefined ? null : range("ColorJitter", "contrast", options.contrast, 1, 0);
  }

  protected transform(image: Planes, g: Generator, op: string): Planes {
    const b = this.brightness ? g.uniform(this.brightness[0], this.brightness[1]) : null;
    const c = this.contrast ? g.uniform(this.contrast[0], this.contrast[1]) : null;
    let img = image;
    if (b !== null) img = brightnessPlanes(img, b);
    if (c !== null) img = contrastPlanes(op, img, c);
    return img;
  }
}

/** Gaussian blur (see `functional.gaussianBlur`) with σ drawn uniformly from `sigma` (default [0.1, 2]) for each image. p defaults to 1. */
export class GaussianBlur extends Transform {
  readonly kernelSize: [number, number];
  readonly sigma: [number, number];

  constructor(kernelSize: number | readonly [number, number], options: TransformOptions & { sigma?: number | readonly [number, number] } = {}) {
    super("GaussianBlur", options, 1);
    this.kernelSize = checkKernelSize("GaussianBlur", kernelSize);
    const s = options.sigma ?? [0.1, 2];
    if (typeof s === "number" && Number.isFinite(s) && s > 0) this.sigma = [s, s];
    else if (Array.isArray(s) && s.length === 2 && s.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0) && s[0] <= s[1]) this.sigma = [s[0], s[1]];
    else throw new Error(`GaussianBlur: sigma must be a positive number or [min, max] with 0 < min ≤ max, got ${Array.isArray(s) ? `[${s.join(", ")}]` : describe(s)}`);
  }

  protected transform(image: Planes, g: Generator, op: string): Planes {
    const sigma = g.uniform(this.sigma[0], this.sigma[1]);
    return blurPlanes(op, image, this.kernelSize, [sigma, sigma]);
  }
}

/**
 * Options of {@link RandomErasing}: those of every transform plus the ranges of the erased area and aspect
 * ratio, and the erased value.
 */
export interface RandomErasingOptions extends TransformOptions {
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the box's aspect ratio height/width, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** The erased pixels' value: a number, one per channel, or "random" for N(0, 1) noise (default 0). */
  value?: number | readonly number[] | "random";
}

/**
 * Random erasing (Zhong et al. 2017, https://arxiv.org/abs/1708.04896), as torchvision: up to 10
 * tries of area A·U(scale) and aspect exp(U(log ratio)), h = round(√(area·aspect)), w = round(√(area/aspect)),
 * kept when h < H and w < W, at top = randint(0, H − h + 1), left = randint(0, W − w + 1); after 10
 * misses the image is left as it is. p defaults to 0.5.
 */
export class RandomErasing extends Transform {
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly value: number | readonly number[] | "random";

  constructor(options: RandomErasingOptions = {}) {
    super("RandomErasing", options, 0.5);
    const s = options.scale ?? [0.02, 0.33], r = options.ratio ?? [0.3, 3.3];
    if (!(Array.isArray(s) && s.length === 2 && s[0] >= 0 && s[0] <= s[1] && s[1] <= 1)) throw new Error(`RandomErasing: scale must be [min, max] with 0 ≤ min ≤ max ≤ 1, got ${describe(s)}`);
    if (!(Array.isArray(r) && r.length === 2 && r[0] > 0 && r[0] <= r[1] && Number.isFinite(r[1]))) throw new Error(`RandomErasing: ratio must be [min, max] with 0 < min ≤ max, got ${describe(r)}`);
    this.scale = [s[0], s[1]];
    this.ratio = [r[0], r[1]];
    this.value = options.value ?? 0;
    if (this.value !== "random") fillValues("RandomErasing", this.value, 1, "value");
  }

  protected transform(image: Planes, g: Generator, op: string): Planes {
    const area = image.h * image.w;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])] as const;
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * g.uniform(this.scale[0], this.scale[1]);
      const aspect = Math.exp(g.uniform(logRatio[0], logRatio[1]));
      const h = Math.round(Math.sqrt(eraseArea * aspect));
      const w = Math.round(Math.sqrt(eraseArea / aspect));
      if (!(h < image.h && w < image.w)) continue;
      const top = g.randint(0, image.h - h + 1);
      const left = g.randint(0, image.w - w + 1);
      const value = this.value === "random" ? "random" : fillValues(op, this.value, image.c, "value");
      return erasePlanes(op, image, top, left, h, w, value, () => g.normal());
    }
    return image;
  }
}

/**
 * Cutout (DeVries & Taylor 2017, https://arxiv.org/abs/1708.04552), as the paper's code: for each of
 * `holes` holes a centre row cy = randint(0, H), then column cx = randint(0, W); rows
 * [cy − ⌊size/2⌋, cy + ⌊size/2⌋) and the same columns, clipped to the image, are set to `fill`. p defaults to 1.
 */
export class Cutout extends Transform {
  readonly size: number;
  readonly holes: number;
  readonly fill: number | readonly number[];

  constructor(size: number, options: TransformOptions & { holes?: number; fill?: number | readonly number[] } = {}) {
    super("Cutout", options, 1);
    if (!(Number.isInteger(size) && size > 0)) throw new Error(`Cutout: size must be a positive integer, got ${describe(size)}`);
    const holes = options.holes ?? 1;
    if (!(Number.isInteger(holes) && holes > 0)) throw new Error(`Cutout: holes must be a positive integer, got ${describe(holes)}`);
    this.size = size;
    this.holes = holes;
    this.fill = options.fill ?? 0;
    fillValues("Cutout", this.fill, 1);
  }

  protected transform(image: Planes, g: Generator, op: string): Planes {
    const fill = fillValues(op, this.fill, image.c);
    const half = Math.floor(this.size / 2);
    let img = image;
    for (let k = 0; k < this.holes; k++) {
      const cy = g.randint(0, image.h), cx = g.randint(0, image.w);
      const y1 = Math.max(0, cy - half), y2 = Math.min(image.h, cy + half);
      const x1 = Math.max(0, cx - half), x2 = Math.min(image.w, cx + half);
      img = erasePlanes(op, img, y1, x1, y2 - y1, x2 - x1, fill);
    }
    return img;
  }
}

/** (x − mean[c]) / std[c] per channel (see `functional.normalize`). p defaults to 1. */
export class Normalize extends Transform {
  readonly mean: number | readonly number[];
  readonly std: number | readonly number[];

  constructor(mean: number | readonly number[], std: number | readonly number[], options: TransformOptions = {}) {
    super("Normalize", options, 1);
    normalizeParams("Normalize", mean, std, Array.isArray(mean) ? mean.length : Array.isArray(std) ? std.length : 1);
    this.mean = mean;
    this.std = std;
  }

  protected transform(image: Planes, _g: Generator, op: string): Planes {
    const [m, s] = normalizeParams(op, this.mean, this.std, image.c);
    return normalizePlanes(image, m, s);
  }
}
