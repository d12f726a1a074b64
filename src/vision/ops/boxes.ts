// Bounding-box utilities as torchvision.ops: format conversion, area, IoU, generalized IoU, NMS.
import { Tensor } from "../../tensor/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";
import { describe, checkFinite } from "../../tensor/validate.js";

/**
 * A box format: `"xyxy"` (corners x1, y1, x2, y2), `"xywh"` (top-left corner, width, height: COCO's
 * `bbox`), `"cxcywh"` (centre, width, height: DETR's predictions).
 */
export type BoxFormat = "xyxy" | "xywh" | "cxcywh";

const FORMATS: readonly BoxFormat[] = ["xyxy", "xywh", "cxcywh"];

function checkBoxes(op: string, what: string, boxes: unknown, twoD = true): Tensor {
  if (!(boxes instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor of shape [N, 4], got ${describe(boxes)}`);
  const ok = twoD ? boxes.ndim === 2 && boxes.shape[1] === 4 : boxes.ndim >= 1 && boxes.shape[boxes.ndim - 1] === 4;
  if (!ok) throw new Error(`${op}: ${what} must have shape ${twoD ? "[N, 4]" : "[..., 4]"}, got [${boxes.shape.join(", ")}]`);
  if (boxes.dtype !== "float32" && boxes.dtype !== "float64") throw new Error(`${op}: ${what} must be float32 or float64, got ${boxes.dtype}`);
  return boxes;
}

function checkFormat(op: string, what: string, format: unknown): BoxFormat {
  if (!FORMATS.includes(format as BoxFormat)) throw new Error(`${op}: ${what} must be one of ${FORMATS.map((f) => `"${f}"`).join(", ")}, got ${describe(format)}`);
  return format as BoxFormat;
}

/** The four coordinates of [..., 4] boxes as four [...] tensors. */
function unbind4(boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  const last = boxes.ndim - 1;
  return [boxes.select(last, 0), boxes.select(last, 1), boxes.select(last, 2), boxes.select(last, 3)];
}

/**
 * Converts [..., 4] boxes between formats (torchvision.ops.box_convert); differentiable.
 *
 * ```ts
 * vision.ops.boxConvert(ds.tensor([[10, 20, 30, 40]]), "xywh", "xyxy"); // [[10, 20, 40, 60]]
 * ```
 */
export function boxConvert(boxes: Tensor, inFmt: BoxFormat, outFmt: BoxFormat): Tensor {
  const op = "boxConvert";
  checkBoxes(op, "boxes", boxes, false);
  checkFormat(op, "inFmt", inFmt);
  checkFormat(op, "outFmt", outFmt);
  if (inFmt === outFmt) return boxes.clone();
  const [a, b, c, d] = unbind4(boxes);
  let xyxy: Tensor[];
  if (inFmt === "xyxy") xyxy = [a, b, c, d];
  else if (inFmt === "xywh") xyxy = [a, b, a.add(c), b.add(d)];
  else xyxy = [a.sub(c.mul(0.5)), b.sub(d.mul(0.5)), a.add(c.mul(0.5)), b.add(d.mul(0.5))];
  const [x1, y1, x2, y2] = xyxy as [Tensor, Tensor, Tensor, Tensor];
  const last = boxes.ndim - 1;
  if (outFmt === "xyxy") return stack([x1, y1, x2, y2], last);
  if (outFmt === "xywh") return stack([x1, y1, x2.sub(x1), y2.sub(y1)], last);
  return stack([x1.add(x2).div(2), y1.add(y2).div(2), x2.sub(x1), y2.sub(y1)], last);
}

/** Areas of [..., 4] boxes in xyxy format: (x2 − x1)·(y2 − y1) (torchvision.ops.box_area); differentiable. */
export function boxArea(boxes: Tensor): Tensor {
  checkBoxes("boxArea", "boxes", boxes, false);
  const [x1, y1, x2, y2] = unbind4(boxes);
  return x2.sub(x1).mul(y2.sub(y1));
}

/** Pairwise intersections and unions of [N, 4] and [M, 4] xyxy boxes, each [N, M]. */
function interUnion(boxes1: Tensor, boxes2: Tensor): { inter: Tensor; union: Tensor } {
  const area1 = boxArea(boxes1);
  const area2 = boxArea(boxes2);
  const lt = boxes1.slice(1, 0, 2).unsqueeze(1).maximum(boxes2.slice(1, 0, 2)); // [N, M, 2]
  const rb = boxes1.slice(1, 2, 4).unsqueeze(1).minimum(boxes2.slice(1, 2, 4)); // [N, M, 2]
  const wh = rb.sub(lt).clamp({ min: 0 });
  const inter = wh.select(2, 0).mul(wh.select(2, 1));
  const union = area1.unsqueeze(1).add(area2).sub(inter);
  return { inter, union };
}

/**
 * Pairwise intersection over union of [N, 4] and [M, 4] xyxy boxes: an [N, M] tensor
 * (torchvision.ops.box_iou); differentiable.
 */
export function boxIou(boxes1: Tensor, boxes2: Tensor): Tensor {
  checkBoxes("boxIou", "boxes1", boxes1);
  checkBoxes("boxIou", "boxes2", boxes2);
  const { inter, union } = interUnion(boxes1, boxes2);
  return inter.div(union);
}

/**
 * Pairwise generalized IoU (Rezatofighi et al. 2019, https://giou.stanford.edu) of [N, 4] and [M, 4]
 * xyxy boxes: IoU − (|C| − |A ∪ B|) / |C| with C the smallest box enclosing both, in [−1, 1]
 * (torchvision.ops.generalized_box_iou). Written with differentiable ops: DETR's box loss is
 * `1 − diag(generalizedBoxIou(pred, target))`.
 */
export function generalizedBoxIou(boxes1: Tensor, boxes2: Tensor): Tensor {
  checkBoxes("generalizedBoxIou", "boxes1", boxes1);
  checkBoxes("generalizedBoxIou", "boxes2", boxes2);
  const { inter, union } = interUnion(boxes1, boxes2);
  const iou = inter.div(union);
  const lt = boxes1.slice(1, 0, 2).unsqueeze(1).minimum(boxes2.slice(1, 0, 2)); // [N, M, 2]
  const rb = boxes1.slice(1, 2, 4).unsqueeze(1).maximum(boxes2.slice(1, 2, 4)); // [N, M, 2]
  const wh = rb.sub(lt).clamp({ min: 0 });
  const enclosing = wh.select(2, 0).mul(wh.select(2, 1));
  return iou.sub(enclosing.sub(union).div(enclosing));
}

/** The values of a float tensor as a Float64Array (row-major). */
function valuesOf(t: Tensor): Float64Array {
  return Float64Array.from(t.detach().contiguous().dataSync() as ArrayLike<number>);
}

function checkScores(op: string, scores: unknown, n: number): Float64Array {
  if (!(scores instanceof Tensor) || scores.ndim !== 1 || scores.shape[0] !== n) {
    throw new Error(`${op}: scores must be a Tensor of shape [${n}] (one per box), got ${scores instanceof Tensor ? `shape [${scores.shape.join(", ")}]` : describe(scores)}`);
  }
  return valuesOf(scores);
}

/** Greedy NMS over plain arrays of xyxy boxes (4 numbers each) and scores: the kept indices, best first. */
function nmsCore(b: Float64Array, s: Float64Array, iouThreshold: number): number[] {
  const n = s.length;
  // Highest score first; ties keep index order.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[j]! - s[i]! || i - j);
  const area = new Float64Array(n);
  for (let i = 0; i < n; i++) area[i] = (b[4 * i + 2]! - b[4 * i]!) * (b[4 * i + 3]! - b[4 * i + 1]!);
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let a = 0; a < n; a++) {
    const i = order[a]!;
    if (suppressed[i]) continue;
    keep.push(i);
    for (let c = a + 1; c < n; c++) {
      const j = order[c]!;
      if (suppressed[j]) continue;
      const w = Math.max(0, Math.min(b[4 * i + 2]!, b[4 * j + 2]!) - Math.max(b[4 * i]!, b[4 * j]!));
      const h = Math.max(0, Math.min(b[4 * i + 3]!, b[4 * j + 3]!) - Math.max(b[4 * i + 1]!, b[4 * j + 1]!));
      const inter = w * h;
      if (inter / (area[i]! + area[j]! - inter) > iouThreshold) suppressed[j] = 1;
    }
  }
  return keep;
}

/**
 * Non-maximum suppression (torchvision.ops.nms): visits the [N, 4] xyxy boxes from the highest score
 * down, keeping a box and discarding every later box whose IoU with it exceeds `iouThreshold`.
 * Returns the kept indices as an int32 tensor, by decreasing score.
 */
export function nms(boxes: Tensor, scores: Tensor, iouThreshold: number): Tensor {
  const op = "nms";
  checkBoxes(op, "boxes", boxes);
  const s = checkScores(op, scores, boxes.shape[0]!);
  checkFinite(op, "iouThreshold", iouThreshold);
  return tensor(nmsCore(valuesOf(boxes), s, iouThreshold), { dtype: "int32" });
}

/**
 * NMS done independently per category (torchvision.ops.batched_nms): boxes with different `idxs`
 * never suppress each other. Returns the kept indices as an int32 tensor, by decreasing score.
 */
export function batchedNms(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor {
  const op = "batchedNms";
  checkBoxes(op, "boxes", boxes);
  const n = boxes.shape[0]!;
  const s = checkScores(op, scores, n);
  if (!(idxs instanceof Tensor) || idxs.ndim !== 1 || idxs.shape[0] !== n) {
    throw new Error(`${op}: idxs must be a Tensor of shape [${n}] (one category per box), got ${idxs instanceof Tensor ? `shape [${idxs.shape.join(", ")}]` : describe(idxs)}`);
  }
  checkFinite(op, "iouThreshold", iouThreshold);
  const b = valuesOf(boxes);
  const cls = valuesOf(idxs);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = groups.get(cls[i]!) ?? [];
    list.push(i);
    groups.set(cls[i]!, list);
  }
  const keep: number[] = [];
  for (const members of groups.values()) {
    const gb = new Float64Array(members.length * 4);
    members.forEach((i, k) => gb.set(b.subarray(4 * i, 4 * i + 4), 4 * k));
    for (const k of nmsCore(gb, Float64Array.from(members, (i) => s[i]!), iouThreshold)) keep.push(members[k]!);
  }
  keep.sort((i, j) => s[j]! - s[i]! || i - j);
  return tensor(keep, { dtype: "int32" });
}

/** Clips [N, 4] xyxy boxes to an image of `size = [height, width]` (torchvision.ops.clip_boxes_to_image). */
export function clipBoxesToImage(boxes: Tensor, size: readonly [number, number]): Tensor {
  const op = "clipBoxesToImage";
  checkBoxes(op, "boxes", boxes, false);
  if (!Array.isArray(size) || size.length !== 2) throw new Error(`${op}: size must be [height, width], got ${describe(size)}`);
  const [height, width] = [checkFinite(op, "height", size[0]), checkFinite(op, "width", size[1])];
  const [x1, y1, x2, y2] = unbind4(boxes);
  const cx = (t: Tensor): Tensor => t.clamp({ min: 0, max: width });
  const cy = (t: Tensor): Tensor => t.clamp({ min: 0, max: height });
  return stack([cx(x1), cy(y1), cx(x2), cy(y2)], boxes.ndim - 1);
}

/** Indices of the [N, 4] xyxy boxes whose width and height are both at least `minSize` (torchvision.ops.remove_small_boxes). */
export function removeSmallBoxes(boxes: Tensor, minSize: number): Tensor {
  const op = "removeSmallBoxes";
  checkBoxes(op, "boxes", boxes);
  checkFinite(op, "minSize", minSize);
  const b = valuesOf(boxes);
  const keep: number[] = [];
  for (let i = 0; i < boxes.shape[0]!; i++) if (b[4 * i + 2]! - b[4 * i]! >= minSize && b[4 * i + 3]! - b[4 * i + 1]! >= minSize) keep.push(i);
  return tensor(keep, { dtype: "int32" });
}
