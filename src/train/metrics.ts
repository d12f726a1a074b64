// Metrics: accuracy, top-k, confusion matrix, macro precision/recall/F1, MSE and MAE, as functions and as streaming metrics.
import type { Tensor } from "../tensor/Tensor.js";

/** A metric averaged over samples: fit() weights each batch's value by its batch size. */
export type MetricFn = (output: Tensor, target: Tensor) => number;

/** A metric that needs the whole epoch (e.g. macro F1): fed batch by batch, computed once. */
export interface StreamingMetric {
  reset(): void;
  update(output: Tensor, target: Tensor): void;
  compute(): number;
}

/**
 * A metric {@link fit} logs: a function of a batch's (output, target), averaged over the batches
 * weighted by their sizes, or a {@link StreamingMetric} that accumulates over the whole epoch.
 */
export type Metric = MetricFn | StreamingMetric;

function labelsOf(op: string, target: Tensor): number[] {
  if (target.ndim !== 1) throw new Error(`${op}: target must be 1-D class labels [N], got shape [${target.shape.join(", ")}]`);
  return target.toList();
}

/**
 * Predicted classes of `output`: argmax over dim 1 for scores [N, C] (C > 1); for one score per
 * sample ([N] or [N, 1]) class 1 when the score exceeds `threshold` (0.5 for probabilities; pass 0
 * for logits).
 */
export function predictedClasses(output: Tensor, threshold = 0.5): number[] {
  if (output.ndim === 2 && output.shape[1]! > 1) return output.argmax({ dim: 1 }).toList();
  if (output.ndim === 1 || (output.ndim === 2 && output.shape[1] === 1)) return output.toList().map((v) => (v > threshold ? 1 : 0));
  throw new Error(`predictedClasses: expected scores [N, C] or [N], got shape [${output.shape.join(", ")}]`);
}

/** Fraction of samples whose predicted class equals the label. */
export function accuracy(output: Tensor, target: Tensor): number {
  const labels = labelsOf("accuracy", target);
  const pred = predictedClasses(output);
  if (pred.length !== labels.length) throw new Error(`accuracy: ${pred.length} predictions but ${labels.length} labels`);
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) hits++;
  return labels.length === 0 ? Number.NaN : hits / labels.length;
}

/** Fraction of samples whose label is among the k highest scores (ties broken by lower index). */
export function topKAccuracy(output: Tensor, target: Tensor, k: number): number {
  const labels = labelsOf("topKAccuracy", target);
  if (output.ndim !== 2 || output.shape[0] !== labels.length) {
    throw new Error(`topKAccuracy: expected scores [${labels.length}, C], got [${output.shape.join(", ")}]`);
  }
  const C = output.shape[1]!;
  if (!Number.isInteger(k) || k < 1 || k > C) throw new Error(`topKAccuracy: k must be an integer in 1..${C}, got ${k}`);
  const scores = output.toList();
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const s = scores[i * C + labels[i]!]!;
    // The label is in the top k when fewer than k classes beat it.
    let better = 0;
    for (let c = 0; c < C; c++) {
      const v = scores[i * C + c]!;
      if (v > s || (v === s && c < labels[i]!)) better++;
    }
    if (better < k) hits++;
  }
  return hits / labels.length;
}

/** The metric function `topKAccuracy(·, ·, k)`. */
export function topK(k: number): MetricFn {
  return (output, target) => topKAccuracy(output, target, k);
}

/** counts[trueClass][predictedClass]. */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses: number): number[][] {
  const labels = labelsOf("confusionMatrix", target);
  const pred = predictedClasses(output);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!, p = pred[i]!;
    if (t < 0 || t >= numClasses || p < 0 || p >= numClasses) throw new Error(`confusionMatrix: class ${t < 0 || t >= numClasses ? t : p} outside 0..${numClasses - 1}`);
    m[t]![p]! += 1;
  }
  return m;
}

/**
 * Macro-averaged precision, recall and F1 from a confusion matrix (scikit-learn's
 * `average="macro"`, `zero_division=0`): per-class scores averaged with equal weight; a class with
 * no predicted (or no true) samples scores 0 precision (recall).
 */
export function precisionRecallF1(confusion: number[][]): { precision: number; recall: number; f1: number } {
  const C = confusion.length;
  let p = 0, r = 0, f = 0;
  for (let c = 0; c < C; c++) {
    const tp = confusion[c]![c]!;
    let predicted = 0, actual = 0;
    for (let k = 0; k < C; k++) {
      predicted += confusion[k]![c]!;
      actual += confusion[c]![k]!;
    }
    const pc = predicted > 0 ? tp / predicted : 0;
    const rc = actual > 0 ? tp / actual : 0;
    p += pc;
    r += rc;
    f += pc + rc > 0 ? (2 * pc * rc) / (pc + rc) : 0;
  }
  return { precision: p / C, recall: r / C, f1: f / C };
}

/** Streaming macro precision / recall / F1 over an epoch (fit() resets and computes it per epoch). */
export class MacroScore implements StreamingMetric {
  private confusion: number[][] = [];
  constructor(
    readonly numClasses: number,
    readonly which: "precision" | "recall" | "f1" = "f1",
  ) {
    this.reset();
  }
  reset(): void {
    this.confusion = Array.from({ length: this.numClasses }, () => new Array<number>(this.numClasses).fill(0));
  }
  update(output: Tensor, target: Tensor): void {
    const m = confusionMatrix(output, target, this.numClasses);
    for (let i = 0; i < this.numClasses; i++) for (let j = 0; j < this.numClasses; j++) this.confusion[i]![j]! += m[i]![j]!;
  }
  compute(): number {
    return precisionRecallF1(this.confusion)[this.which];
  }
}

function checkSameSize(op: string, output: Tensor, target: Tensor): [number[], number[]] {
  if (output.size !== target.size) throw new Error(`${op}: output has ${output.size} values, target ${target.size}`);
  return [output.toList(), target.toList()];
}

/** Mean squared error over all values. */
export function mse(output: Tensor, target: Tensor): number {
  const [a, b] = checkSameSize("mse", output, target);
  return a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
}

/** Mean absolute error over all values. */
export function mae(output: Tensor, target: Tensor): number {
  const [a, b] = checkSameSize("mae", output, target);
  return a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
}

/**
 * Area under the ROC curve of `scores` for binary `labels` (1 positive, 0 negative), as scikit-learn's
 * roc_auc_score: the probability that a random positive scores above a random negative, ties counting
 * one half (Mann–Whitney U / (P·N), with average ranks for tied scores). Needs both classes.
 */
export function rocAuc(scores: Tensor | ArrayLike<number>, labels: Tensor | ArrayLike<number>): number {
  const op = "rocAuc";
  const s = valuesOf(op, "scores", scores), y = valuesOf(op, "labels", labels);
  if (s.length !== y.length) throw new Error(`${op}: ${s.length} scores but ${y.length} labels`);
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v !== 0 && v !== 1) throw new Error(`${op}: labels must be 0 or 1, got ${v} at position ${i}`);
    if (!Number.isFinite(s[i]!)) throw new Error(`${op}: scores must be finite, got ${s[i]} at position ${i}`);
    positives += v;
  }
  const negatives = y.length - positives;
  if (positives === 0 || negatives === 0) throw new Error(`${op}: needs both positive and negative labels, got ${positives} positives and ${negatives} negatives`);
  const order = Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[a]! - s[b]!);
  // sum of the positives' ranks (1-based), tied scores sharing their average rank
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && s[order[j + 1]!] === s[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[order[k]!] === 1) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function valuesOf(op: string, name: string, v: Tensor | ArrayLike<number>): ArrayLike<number> {
  if (v !== null && typeof v === "object" && "dataSync" in v && typeof (v as Tensor).dataSync === "function") {
    const t = v as Tensor;
    if (t.ndim !== 1 && !(t.ndim === 2 && t.shape[1] === 1)) throw new Error(`${op}: ${name} must be one value per sample [N], got shape [${t.shape.join(", ")}]`);
    return t.toList() as number[];
  }
  if (v === null || typeof v !== "object" || typeof (v as ArrayLike<number>).length !== "number") throw new Error(`${op}: ${name} must be a tensor or an array of numbers, got ${v === null ? "null" : typeof v}`);
  return v as ArrayLike<number>;
}

export function isStreaming(metric: Metric): metric is StreamingMetric {
  return typeof metric !== "function";
}
