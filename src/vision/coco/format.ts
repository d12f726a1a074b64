// The COCO object-detection annotation format: types, a validating reader and a writer.
import { describe } from "../../tensor/validate.js";

/** One image of a COCO dataset (`file_name` relative to the images folder). */
export interface CocoImage {
  id: number;
  width: number;
  height: number;
  file_name: string;
  [extra: string]: unknown;
}

/**
 * One object: `bbox` is `[x, y, width, height]` in pixels from the top-left corner, `area` is the
 * object's area (its mask's area in real COCO; the box area when there is no mask) and decides its
 * size class in the evaluator; `iscrowd` 1 marks a region of many objects that detections may hit
 * without being counted as false positives.
 */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
  segmentation?: unknown;
  [extra: string]: unknown;
}

/** One category (class). */
export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
  [extra: string]: unknown;
}

/** A COCO annotation file: images, annotations and categories (plus optional `info` and `licenses`). */
export interface CocoDataset {
  info?: Record<string, unknown>;
  licenses?: unknown[];
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

/** One detection in COCO's results format (what `cocoEvaluate` scores). */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(op: string, where: string, obj: Record<string, unknown>, key: string, kind: "id" | "size" | "string" | "number"): void {
  const v = obj[key];
  const ok =
    kind === "string" ? typeof v === "string"
    : kind === "id" ? typeof v === "number" && Number.isInteger(v)
    : kind === "size" ? typeof v === "number" && Number.isInteger(v) && v > 0
    : typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (!ok) {
    const want = kind === "string" ? "a string" : kind === "id" ? "an integer" : kind === "size" ? "a positive integer" : "a finite non-negative number";
    throw new Error(`${op}: ${where}.${key} must be ${want}, got ${describe(v)}`);
  }
}

/** Checks a bbox `[x, y, w, h]`: four finite numbers, width and height non-negative. */
export function checkBbox(op: string, where: string, bbox: unknown): [number, number, number, number] {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new Error(`${op}: ${where}.bbox must be [x, y, width, height] (four finite numbers), got ${Array.isArray(bbox) ? JSON.stringify(bbox) : describe(bbox)}`);
  }
  if (bbox[2] < 0 || bbox[3] < 0) throw new Error(`${op}: ${where}.bbox has a negative width or height: ${JSON.stringify(bbox)}`);
  return bbox as [number, number, number, number];
}

function listOf(op: string, dataset: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const list = dataset[key];
  if (!Array.isArray(list)) throw new Error(`${op}: the dataset needs an array "${key}", got ${describe(list)}`);
  list.forEach((item, i) => {
    if (!isObject(item)) throw new Error(`${op}: ${key}[${i}] must be an object, got ${describe(item)}`);
  });
  return list as Record<string, unknown>[];
}

function uniqueIds(op: string, key: string, list: Record<string, unknown>[]): Set<number> {
  const ids = new Set<number>();
  list.forEach((item, i) => {
    if (ids.has(item.id as number)) throw new Error(`${op}: ${key}[${i}].id ${item.id} repeats an earlier id`);
    ids.add(item.id as number);
  });
  return ids;
}

/**
 * Checks that `value` is a COCO detection dataset and returns it typed: every image has an integer
 * id, positive integer width/height and a file_name; every annotation an id, an image_id and a
 * category_id that exist, a bbox `[x, y, w, h]`, a non-negative area and iscrowd 0 or 1; ids are
 * unique. Errors name `op`, the entry and the field.
 */
export function validateCoco(value: unknown, op = "validateCoco"): CocoDataset {
  if (!isObject(value)) throw new Error(`${op}: a COCO dataset must be an object with images, annotations and categories, got ${describe(value)}`);
  const images = listOf(op, value, "images");
  const annotations = listOf(op, value, "annotations");
  const categories = listOf(op, value, "categories");
  images.forEach((img, i) => {
    field(op, `images[${i}]`, img, "id", "id");
    field(op, `images[${i}]`, img, "width", "size");
    field(op, `images[${i}]`, img, "height", "size");
    field(op, `images[${i}]`, img, "file_name", "string");
  });
  categories.forEach((cat, i) => {
    field(op, `categories[${i}]`, cat, "id", "id");
    field(op, `categories[${i}]`, cat, "name", "string");
  });
  const imageIds = uniqueIds(op, "images", images);
  const categoryIds = uniqueIds(op, "categories", categories);
  annotations.forEach((ann, i) => {
    const where = `annotations[${i}]`;
    field(op, where, ann, "id", "id");
    field(op, where, ann, "image_id", "id");
    field(op, where, ann, "category_id", "id");
    checkBbox(op, where, ann.bbox);
    field(op, where, ann, "area", "number");
    if (ann.iscrowd !== 0 && ann.iscrowd !== 1) throw new Error(`${op}: ${where}.iscrowd must be 0 or 1, got ${describe(ann.iscrowd)}`);
    if (!imageIds.has(ann.image_id as number)) throw new Error(`${op}: ${where}.image_id ${ann.image_id} is not the id of any image`);
    if (!categoryIds.has(ann.category_id as number)) throw new Error(`${op}: ${where}.category_id ${ann.category_id} is not the id of any category`);
  });
  uniqueIds(op, "annotations", annotations);
  return value as unknown as CocoDataset;
}

/**
 * Reads a COCO annotation file's text (or its parsed object) and validates it (see
 * {@link validateCoco}); annotations without `area` get their box area and those without `iscrowd`
 * get 0, as pycocotools' writers assume.
 *
 * ```ts
 * const gt = vision.coco.parseCoco(text);
 * gt.annotations[0].bbox; // [x, y, width, height]
 * ```
 */
export function parseCoco(text: string | object): CocoDataset {
  const op = "parseCoco";
  let value: unknown = text;
  if (typeof text === "string") {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`${op}: the text is not valid JSON: ${(e as Error).message}`);
    }
  } else value = structuredClone(text);
  if (isObject(value) && Array.isArray(value.annotations)) {
    for (const ann of value.annotations as unknown[]) {
      if (!isObject(ann)) continue;
      if (ann.iscrowd === undefined) ann.iscrowd = 0;
      if (ann.area === undefined && Array.isArray(ann.bbox) && ann.bbox.length === 4) ann.area = Number(ann.bbox[2]) * Number(ann.bbox[3]);
    }
  }
  return validateCoco(value, op);
}

/** Validates a COCO dataset and writes it as JSON text (pretty-printed with `indent` spaces when given). */
export function stringifyCoco(dataset: CocoDataset, indent?: number): string {
  validateCoco(dataset, "stringifyCoco");
  return JSON.stringify(dataset, null, indent);
}

/** Checks a list of detections in COCO's results format against the ground truth's images and categories. */
export function validateDetections(detections: unknown, gt: CocoDataset, op = "validateDetections"): CocoDetection[] {
  if (!Array.isArray(detections)) throw new Error(`${op}: detections must be an array of { image_id, category_id, bbox, score }, got ${describe(detections)}`);
  const imageIds = new Set(gt.images.map((img) => img.id));
  const categoryIds = new Set(gt.categories.map((cat) => cat.id));
  detections.forEach((d: unknown, i) => {
    const where = `detections[${i}]`;
    if (!isObject(d)) throw new Error(`${op}: ${where} must be an object, got ${describe(d)}`);
    field(op, where, d, "image_id", "id");
    field(op, where, d, "category_id", "id");
    checkBbox(op, where, d.bbox);
    if (typeof d.score !== "number" || !Number.isFinite(d.score)) throw new Error(`${op}: ${where}.score must be a finite number, got ${describe(d.score)}`);
    if (!imageIds.has(d.image_id as number)) throw new Error(`${op}: ${where}.image_id ${d.image_id} is not the id of any ground-truth image`);
    if (!categoryIds.has(d.category_id as number)) throw new Error(`${op}: ${where}.category_id ${d.category_id} is not the id of any ground-truth category`);
  });
  return detections as CocoDetection[];
}
