// What a detection dataset item holds (shared by HazyScenes and CocoDetection), boxes/labels from COCO annotations, batching.
import type { Tensor } from "../../tensor/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";
import type { CocoAnnotation } from "../coco/format.js";

/**
 * One image with its objects, the item every detection dataset here returns: the [3, H, W] image in
 * [0, 1], the non-crowd objects as [N, 4] xyxy pixel boxes and [N] int32 category ids, and all
 * COCO annotations (crowd regions included) for evaluation.
 */
export interface DetectionItem {
  /** [3, H, W] float32 in [0, 1]. */
  image: Tensor;
  /** [N, 4] float32 boxes (x1, y1, x2, y2) in pixels, one per non-crowd annotation. */
  boxes: Tensor;
  /** [N] int32 category ids, in the order of `boxes`. */
  labels: Tensor;
  /** The COCO image id. */
  imageId: number;
  /** The image's COCO annotations (bbox [x, y, w, h]). */
  annotations: CocoAnnotation[];
}

/** The non-crowd annotations as [N, 4] xyxy boxes and [N] int32 labels (DETR's COCO target, without masks). */
export function detectionTargets(annotations: readonly CocoAnnotation[]): { boxes: Tensor; labels: Tensor } {
  const kept = annotations.filter((a) => !a.iscrowd);
  const boxes = Float32Array.from(kept.flatMap((a) => [a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]]));
  return {
    boxes: tensor(boxes, { shape: [kept.length, 4] }),
    labels: tensor(Int32Array.from(kept, (a) => a.category_id), { shape: [kept.length] }),
  };
}

/** A batch of detection items: images stacked, targets kept per image (their object counts differ). */
export interface DetectionBatch<T extends DetectionItem = DetectionItem> {
  /** [B, 3, H, W]. */
  images: Tensor;
  /** The items themselves, in batch order (their `boxes`, `labels`, `annotations`). */
  targets: T[];
}

/**
 * Collates detection items for `data.DataLoader` (`{ collate: vision.datasets.detectionCollate }`),
 * as DETR's `collate_fn`: the images are stacked into one [B, 3, H, W] tensor (all must have one
 * size), the targets stay a list.
 */
export function detectionCollate<T extends DetectionItem>(items: T[]): DetectionBatch<T> {
  if (!Array.isArray(items) || items.length === 0) throw new Error("detectionCollate: cannot collate an empty batch");
  const shape = items[0]!.image.shape;
  items.forEach((item, i) => {
    if (item.image.shape.length !== 3 || item.image.shape.some((d, k) => d !== shape[k])) {
      throw new Error(`detectionCollate: item ${i} has an image of shape [${item.image.shape.join(", ")}], item 0 [${shape.join(", ")}]; resize them to one size first`);
    }
  });
  return { images: stack(items.map((item) => item.image)), targets: items };
}
