// DETR's training objective, as the authors' models/matcher.py and models/detr.py: the Hungarian matcher
// that assigns each ground-truth object to one prediction, and the set loss over that assignment
// (cross-entropy with a down-weighted "no object" class, L1 and generalized-IoU box losses,
// the same losses on every decoder layer's output).
import { Tensor } from "../../tensor/Tensor.js";
import { tensor, eye } from "../../ops/creation.js";
import { cat } from "../../ops/movement.js";
import { noGrad } from "../../autograd/engine.js";
import { crossEntropy } from "../../nn/functional/losses.js";
import { checkOptions } from "../../ops/pooling.js";
import { describe } from "../../tensor/validate.js";
import { linearSumAssignment } from "../../optimize/linearSumAssignment.js";
import { boxConvert, generalizedBoxIou } from "../ops/boxes.js";

/** One image's ground truth for DETR: class indices and boxes as (cx, cy, w, h) normalized by the image size. */
export interface DETRTarget {
  /** [n] int32 class indices (DETR uses the category ids directly). */
  labels: Tensor;
  /** [n, 4] boxes (cx, cy, w, h) in [0, 1], in the order of `labels`. */
  boxes: Tensor;
}

/** Predictions the matcher and the loss read: (B, Q, C + 1) logits and (B, Q, 4) normalized cxcywh boxes. */
export interface DETRPredictions {
  logits: Tensor;
  boxes: Tensor;
}

/** One image's matching: prediction `predIdx[k]` is assigned target `targetIdx[k]`; `predIdx` ascending. */
export interface Matching {
  predIdx: number[];
  targetIdx: number[];
}

/** Weights of the matching cost's three terms (DETR's defaults: 1, 5, 2). */
export interface HungarianMatcherOptions {
  /** Weight of −p(target class). Default 1. */
  costClass?: number;
  /** Weight of the L1 distance between the normalized cxcywh boxes. Default 5. */
  costBbox?: number;
  /** Weight of −GIoU. Default 2. */
  costGiou?: number;
}

function checkPredictions(op: string, outputs: DETRPredictions, targets: readonly DETRTarget[]): [number, number, number] {
  const { logits, boxes } = outputs ?? ({} as DETRPredictions);
  if (!(logits instanceof Tensor) || logits.ndim !== 3) throw new Error(`${op}: logits must be a (B, Q, numClasses + 1) tensor, got ${logits instanceof Tensor ? `shape [${logits.shape.join(", ")}]` : describe(logits)}`);
  const [B, Q, C1] = logits.shape as [number, number, number];
  if (!(boxes instanceof Tensor) || boxes.ndim !== 3 || boxes.shape[0] !== B || boxes.shape[1] !== Q || boxes.shape[2] !== 4) {
    throw new Error(`${op}: boxes must have shape [${B}, ${Q}, 4] to go with logits [${logits.shape.join(", ")}], got ${boxes instanceof Tensor ? `[${boxes.shape.join(", ")}]` : describe(boxes)}`);
  }
  if (!Array.isArray(targets) || targets.length !== B) throw new Error(`${op}: expected ${B} targets (one per image), got ${Array.isArray(targets) ? targets.length : describe(targets)}`);
  targets.forEach((t, b) => {
    if (!(t?.labels instanceof Tensor) || t.labels.ndim !== 1 || t.labels.dtype !== "int32") throw new Error(`${op}: targets[${b}].labels must be an int32 tensor of shape [n], got ${t?.labels instanceof Tensor ? `${t.labels.dtype} [${t.labels.shape.join(", ")}]` : describe(t?.labels)}`);
    const n = t.labels.shape[0]!;
    if (!(t.boxes instanceof Tensor) || t.boxes.ndim !== 2 || t.boxes.shape[0] !== n || t.boxes.shape[1] !== 4) throw new Error(`${op}: targets[${b}].boxes must have shape [${n}, 4] (one per label), got ${t.boxes instanceof Tensor ? `[${t.boxes.shape.join(", ")}]` : describe(t.boxes)}`);
    for (const label of t.labels.dataSync() as Int32Array) {
      if (label < 0 || label >= C1 - 1) throw new Error(`${op}: targets[${b}] has label ${label}, outside [0, ${C1 - 1}) (logits have ${C1 - 1} classes + "no object")`);
    }
  });
  return [B, Q, C1];
}

/**
 * The Hungarian matcher of DETR: for each image, the cost of giving target j to prediction i is
 * costClass·(−p_i(class_j)) + costBbox·‖box_i − box_j‖₁ + costGiou·(−GIoU(box_i, box_j)), and the
 * one-to-one assignment of least total cost (every target gets a prediction; the rest predict
 * "no object") is found by `optimize.linearSumAssignment`. No gradient flows through the matching.
 */
export class HungarianMatcher {
  readonly costClass: number;
  readonly costBbox: number;
  readonly costGiou: number;
  constructor(options: HungarianMatcherOptions = {}) {
    checkOptions("HungarianMatcher", options, ["costClass", "costBbox", "costGiou"]);
    this.costClass = options.costClass ?? 1;
    this.costBbox = options.costBbox ?? 5;
    this.costGiou = options.costGiou ?? 2;
    for (const [name, v] of [["costClass", this.costClass], ["costBbox", this.costBbox], ["costGiou", this.costGiou]] as const) {
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new Error(`HungarianMatcher: ${name} must be a finite number ≥ 0, got ${describe(v)}`);
    }
    if (this.costClass === 0 && this.costBbox === 0 && this.costGiou === 0) throw new Error("HungarianMatcher: all costs are 0");
  }

  /** The (Q, n) matching cost of one image's predictions against its n targets, as a plain matrix. */
  costMatrix(logits: Tensor, boxes: Tensor, target: DETRTarget): number[][] {
    return noGrad(() => {
      const n = target.labels.shape[0]!;
      const Q = logits.shape[0]!;
      if (n === 0) return Array.from({ length: Q }, () => []);
      const prob = logits.softmax(-1).indexSelect(1, target.labels); // (Q, n)
      const tgtBoxes = target.boxes.to(boxes.dtype);
      const l1 = boxes.unsqueeze(1).sub(tgtBoxes.unsqueeze(0)).abs().sum(2); // (Q, 1, 4) − (1, n, 4) → (Q, n)
      const giou = generalizedBoxIou(boxConvert(boxes, "cxcywh", "xyxy"), boxConvert(tgtBoxes, "cxcywh", "xyxy")); // (Q, n)
      const cost = l1.mul(this.costBbox).sub(prob.mul(this.costClass)).sub(giou.mul(this.costGiou));
      const values = cost.contiguous().dataSync() as ArrayLike<number>;
      return Array.from({ length: Q }, (_, i) => Array.from({ length: n }, (_, j) => Number(values[i * n + j])));
    });
  }

  /** The matching of every image of the batch. */
  match(outputs: DETRPredictions, targets: readonly DETRTarget[]): Matching[] {
    const [B] = checkPredictions("HungarianMatcher.match", outputs, targets);
    const logits = outputs.logits.detach();
    const boxes = outputs.boxes.detach();
    return Array.from({ length: B }, (_, b) => {
      const target = targets[b]!;
      if (target.labels.shape[0] === 0) return { predIdx: [], targetIdx: [] };
      const { rows, cols } = linearSumAssignment(this.costMatrix(logits.select(0, b), boxes.select(0, b), target));
      return { predIdx: rows, targetIdx: cols };
    });
  }
}

/** Options of {@link SetCriterion}. */
export interface SetCriterionOptions {
  /** The matcher (default: `new HungarianMatcher()`, costs 1, 5, 2). */
  matcher?: HungarianMatcher;
  /** Relative weight of the "no object" class in the cross-entropy (DETR's eos_coef). Default 0.1. */
  eosCoef?: number;
  /** Weight of the classification loss. Default 1. */
  lossCe?: number;
  /** Weight of the L1 box loss. Default 5. */
  lossBbox?: number;
  /** Weight of the GIoU box loss. Default 2. */
  lossGiou?: number;
}

/** The set loss and its terms (those of the last decoder layer, before weighting). */
export interface SetLoss {
  /** Weighted sum of every term of every decoder layer: what to call `backward()` on. */
  loss: Tensor;
  /** Cross-entropy over all queries (matched: their class; the rest: "no object", weight eosCoef). */
  lossCe: Tensor;
  /** Σ |box − target| over the matched pairs, divided by the number of target boxes. */
  lossBbox: Tensor;
  /** Σ (1 − GIoU) over the matched pairs, divided by the number of target boxes. */
  lossGiou: Tensor;
}

/**
 * DETR's SetCriterion: matches predictions to targets with the Hungarian matcher, then
 * loss = lossCe·CE + lossBbox·L1 + lossGiou·(1 − GIoU), with the cross-entropy weighted
 * `eosCoef` for the "no object" class and the box terms divided by the number of target boxes in the
 * batch; with `auxOutputs` (the earlier decoder layers), each layer is matched and scored the same
 * way and its loss added.
 */
export class SetCriterion {
  readonly numClasses: number;
  readonly matcher: HungarianMatcher;
  readonly eosCoef: number;
  readonly weights: { ce: number; bbox: number; giou: number };
  constructor(numClasses: number, options: SetCriterionOptions = {}) {
    const op = "SetCriterion";
    checkOptions(op, options, ["matcher", "eosCoef", "lossCe", "lossBbox", "lossGiou"]);
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`${op}: numClasses must be an integer ≥ 1, got ${describe(numClasses)}`);
    this.numClasses = numClasses;
    this.matcher = options.matcher ?? new HungarianMatcher();
    if (!(this.matcher instanceof HungarianMatcher)) throw new Error(`${op}: matcher must be a HungarianMatcher, got ${describe(this.matcher)}`);
    this.eosCoef = options.eosCoef ?? 0.1;
    if (!(this.eosCoef >= 0 && this.eosCoef <= 1)) throw new Error(`${op}: eosCoef must be in [0, 1], got ${describe(this.eosCoef)}`);
    this.weights = { ce: options.lossCe ?? 1, bbox: options.lossBbox ?? 5, giou: options.lossGiou ?? 2 };
  }

  /** The three losses of one decoder layer's predictions. */
  layerLosses(outputs: DETRPredictions, targets: readonly DETRTarget[], numBoxes: number): Omit<SetLoss, "loss"> {
    const [B, Q, C1] = checkPredictions("SetCriterion.forward", outputs, targets);
    if (C1 !== this.numClasses + 1) throw new Error(`SetCriterion.forward: logits have ${C1} classes, expected numClasses + 1 = ${this.numClasses + 1}`);
    const indices = this.matcher.match(outputs, targets);
    const dtype = outputs.logits.dtype;
    // Every query's class target: "no object" (index numClasses) unless it was matched.
    const targetClasses = new Int32Array(B * Q).fill(this.numClasses);
    const flatPred: number[] = [];
    const matchedTargets: Tensor[] = [];
    indices.forEach(({ predIdx, targetIdx }, b) => {
      const labels = targets[b]!.labels.dataSync() as Int32Array;
      predIdx.forEach((p, k) => {
        targetClasses[b * Q + p] = labels[targetIdx[k]!]!;
        flatPred.push(b * Q + p);
      });
      if (targetIdx.length > 0) matchedTargets.push(targets[b]!.boxes.to(dtype).indexSelect(0, targetIdx));
    });
    const classWeight = tensor(Array.from({ length: C1 }, (_, c) => (c === this.numClasses ? this.eosCoef : 1)), { dtype });
    const lossCe = crossEntropy(outputs.logits.reshape(B * Q, C1), tensor(targetClasses, { shape: [B * Q], dtype: "int32" }), { weight: classWeight });
    if (flatPred.length === 0) {
      const zero = outputs.boxes.sum().mul(0); // keeps the graph: no targets, no box loss
      return { lossCe, lossBbox: zero, lossGiou: zero };
    }
    const srcBoxes = outputs.boxes.reshape(B * Q, 4).indexSelect(0, flatPred); // (K, 4)
    const tgtBoxes = cat(matchedTargets, 0); // (K, 4)
    const lossBbox = srcBoxes.sub(tgtBoxes).abs().sum().div(numBoxes);
    // The diagonal of the pairwise GIoU: each matched prediction against its own target.
    const giou = generalizedBoxIou(boxConvert(srcBoxes, "cxcywh", "xyxy"), boxConvert(tgtBoxes, "cxcywh", "xyxy"));
    const matchedGiou = giou.mul(eye(flatPred.length, flatPred.length, { dtype })).sum(1);
    const lossGiou = matchedGiou.neg().add(1).sum().div(numBoxes);
    return { lossCe, lossBbox, lossGiou };
  }

  /** The weighted set loss of `outputs` (with their `auxOutputs`, when given) against `targets`, one per image. */
  forward(outputs: DETRPredictions & { auxOutputs?: DETRPredictions[] }, targets: readonly DETRTarget[]): SetLoss {
    const numBoxes = Math.max(1, targets.reduce((n, t) => n + (t?.labels instanceof Tensor ? t.labels.shape[0]! : 0), 0));
    const last = this.layerLosses(outputs, targets, numBoxes);
    const weighted = (l: Omit<SetLoss, "loss">): Tensor => l.lossCe.mul(this.weights.ce).add(l.lossBbox.mul(this.weights.bbox)).add(l.lossGiou.mul(this.weights.giou));
    let loss = weighted(last);
    for (const aux of outputs.auxOutputs ?? []) loss = loss.add(weighted(this.layerLosses(aux, targets, numBoxes)));
    return { loss, ...last };
  }
}
