// Loss functions with PyTorch's semantics (reduction "none" | "mean" | "sum"), built from primitives.
import { Tensor } from "../../tensor/Tensor.js";
import { isFloating } from "../../tensor/dtype.js";
import { describe } from "../../tensor/validate.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import * as E from "../../ops/elementwise.js";
import { sum, mean } from "../../ops/reduce.js";
import { gather, index, where } from "../../ops/indexing.js";
import { logSoftmax } from "../../ops/softmax.js";
import { apply, noGrad } from "../../autograd/engine.js";
import { softplus } from "./activations.js";

/**
 * How a loss reduces its per-element values: "mean" averages them, "sum" adds them, "none" returns them
 * unreduced (PyTorch's `reduction`).
 */
export type Reduction = "none" | "mean" | "sum";

/** The `reduction` option every loss takes (default "mean"). */
export interface ReductionOptions {
  /** "mean" (default) averages over elements, "sum" adds them, "none" returns them. */
  reduction?: Reduction;
}

function reduce(op: string, loss: Tensor, reduction: Reduction = "mean"): Tensor {
  if (reduction === "mean") return mean(loss);
  if (reduction === "sum") return sum(loss);
  if (reduction === "none") return loss;
  throw new Error(`${op}: unknown reduction ${describe(reduction)} (expected "none", "mean" or "sum")`);
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(`${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  }
}

/** Mean squared error: (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  sameShape("mseLoss", input, target);
  const d = E.sub(input, target);
  return reduce("mseLoss", E.mul(d, d), options.reduction);
}

/** Mean absolute error: |x − y|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  sameShape("l1Loss", input, target);
  return reduce("l1Loss", E.abs(E.sub(input, target)), options.reduction);
}

/** Power-p error |x − y|ᵖ (p = 2 is MSE, p = 1 is L1); p must be positive. */
export function lpLoss(input: Tensor, target: Tensor, options: ReductionOptions & { p?: number } = {}): Tensor {
  sameShape("lpLoss", input, target);
  const p = options.p ?? 2;
  if (!(p > 0)) throw new Error(`lpLoss: p must be positive, got ${p}`);
  return reduce("lpLoss", E.pow(E.abs(E.sub(input, target)), p), options.reduction);
}

/** Huber loss (Huber 1964): ½d² for |d| < δ, δ(|d| − ½δ) otherwise. */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  sameShape("huberLoss", input, target);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error(`huberLoss: delta must be positive, got ${delta}`);
  const d = E.sub(input, target);
  const a = E.abs(d);
  const loss = where(E.lt(a, delta), E.mul(E.mul(d, d), 0.5), E.mul(E.sub(a, 0.5 * delta), delta));
  return reduce("huberLoss", loss, options.reduction);
}

/** Smooth L1 (Girshick 2015): ½d²/β for |d| < β, |d| − ½β otherwise; β = 0 is L1. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  sameShape("smoothL1Loss", input, target);
  const beta = options.beta ?? 1;
  if (beta < 0) throw new Error(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = E.sub(input, target);
  const a = E.abs(d);
  if (beta === 0) return reduce("smoothL1Loss", a, options.reduction);
  const loss = where(E.lt(a, beta), E.div(E.mul(E.mul(d, d), 0.5), beta), E.sub(a, 0.5 * beta));
  return reduce("smoothL1Loss", loss, options.reduction);
}

/**
 * Binary cross-entropy on probabilities: −w[y log x + (1 − y) log(1 − x)], each log clamped at −100 as
 * PyTorch does (so x = 0 or 1 gives a finite loss), with PyTorch's gradient (x − y)/max(x(1 − x), 1e-12).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: ReductionOptions & { weight?: Tensor } = {}): Tensor {
  sameShape("binaryCrossEntropy", input, target);
  if (!isFloating(input.dtype)) throw new Error(`binaryCrossEntropy: input must be floating point, got dtype ${input.dtype}`);
  let loss = apply("binaryCrossEntropy", [input, E.cast(target, input.dtype)], {});
  if (options.weight) loss = E.mul(loss, options.weight);
  return reduce("binaryCrossEntropy", loss, options.reduction);
}

/**
 * BCE on logits, computed stably: (1 − y)x + (1 + (p − 1)y)·softplus(−x), where p is `posWeight`
 * (broadcast over the class dim; p > 1 raises recall). softplus(−x) = −log σ(x), linear beyond the
 * threshold, so the gradient is σ(x) − y everywhere, 0 included.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { weight?: Tensor; posWeight?: Tensor } = {},
): Tensor {
  sameShape("binaryCrossEntropyWithLogits", input, target);
  const softplusNeg = softplus(E.neg(input));
  const logWeight = options.posWeight ? E.add(E.mul(E.sub(options.posWeight, 1), target), 1) : null;
  let loss = E.add(E.mul(E.sub(1, target), input), logWeight ? E.mul(logWeight, softplusNeg) : softplusNeg);
  if (options.weight) loss = E.mul(loss, options.weight);
  return reduce("binaryCrossEntropyWithLogits", loss, options.reduction);
}

/** Moves the class dim (1) last and flattens: (N, C, d₁, …) → (N·d₁·…, C); (C) → (1, C). */
function classesLast(op: string, input: Tensor): Tensor {
  if (input.ndim === 0) throw new Error(`${op}: input must have a class dimension, got a scalar`);
  if (input.ndim === 1) return input.reshape(1, input.shape[0]!);
  if (input.ndim === 2) return input;
  const perm = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2), 1];
  return input.permute(perm).reshape(-1, input.shape[1]!);
}

/** The shape of the per-element loss: input's shape without the class dim. */
function lossShape(input: Tensor): number[] {
  return input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
}

function checkIndexTarget(op: string, input: Tensor, target: Tensor): void {
  if (target.dtype !== "int32") {
    throw new Error(`${op}: class-index targets must be int32, got dtype ${target.dtype}; pass probabilities with the input's shape for soft targets`);
  }
  const want = lossShape(input);
  if (!shapesEqual(target.shape, want)) {
    throw new Error(`${op}: target ${fmtShape(target.shape)} must have shape ${fmtShape(want)} for input ${fmtShape(input.shape)}`);
  }
}

/**
 * Options of {@link nllLoss}: the reduction, per-class weights and the target value to ignore (default −100).
 */
export interface NllOptions extends ReductionOptions {
  /** Per-class weights, shape (C). */
  weight?: Tensor;
  /** Targets equal to this contribute nothing (and are excluded from the mean); default −100. */
  ignoreIndex?: number;
}

/** Per-element −w_y·logp_y and the weights w_y (0 where ignored), flattened over (N·d…). */
function pickedLogProbs(op: string, logProbs: Tensor, target: Tensor, options: NllOptions): { loss: Tensor; w: Tensor; keep: Tensor } {
  checkIndexTarget(op, logProbs, target);
  const C = logProbs.ndim === 1 ? logProbs.shape[0]! : logProbs.shape[1]!;
  const flat = classesLast(op, logProbs); // (M, C)
  const t = target.reshape(-1); // (M)
  const ignoreIndex = options.ignoreIndex ?? -100;
  const keep = E.ne(t, ignoreIndex);
  const safe = where(keep, t, 0);
  // Targets on a device are not read back to be checked (that would wait for the GPU): there the gather
  // kernel finds a class out of range, and the next read from the device throws, naming it.
  const tv = safe.storage.device === null ? safe.dataSync() : [];
  for (let i = 0; i < tv.length; i++) {
    if (tv[i]! < 0 || tv[i]! >= C) throw new Error(`${op}: target ${tv[i]} is out of bounds for ${C} classes`);
  }
  if (options.weight && !shapesEqual(options.weight.shape, [C])) {
    throw new Error(`${op}: weight must have shape [${C}] (one per class), got ${fmtShape(options.weight.shape)}`);
  }
  const picked = gather(flat, 1, safe.reshape(-1, 1)).reshape(-1); // (M)
  const keepF = E.cast(keep, logProbs.dtype);
  const w = options.weight ? E.mul(index(E.cast(options.weight, logProbs.dtype), safe), keepF) : keepF;
  return { loss: E.neg(E.mul(picked, w)), w, keep };
}

/**
 * The common case (no class weights, no target equal to ignoreIndex) in 2 to 3 ops: −Σ logp_y, divided
 * by the count for "mean" — the same values as the general path, whose masks and weights are all 1.
 * Returns null when the general path is needed.
 */
function plainNll(op: string, logProbs: Tensor, target: Tensor, options: NllOptions): Tensor | null {
  checkIndexTarget(op, logProbs, target);
  const C = logProbs.ndim === 1 ? logProbs.shape[0]! : logProbs.shape[1]!;
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (target.storage.device !== null) return null; // the general path needs no readback of the targets
  const tv = target.dataSync();
  for (let i = 0; i < tv.length; i++) {
    const v = tv[i]!;
    if (v === ignoreIndex) return null;
    if (v < 0 || v >= C) throw new Error(`${op}: target ${v} is out of bounds for ${C} classes`);
  }
  const picked = gather(classesLast(op, logProbs), 1, target.reshape(-1, 1)).reshape(-1);
  const reduction = options.reduction ?? "mean";
  if (reduction === "none") return E.neg(picked).reshape(lossShape(logProbs));
  if (reduction === "sum") return E.neg(sum(picked));
  if (reduction !== "mean") throw new Error(`${op}: unknown reduction ${describe(reduction)} (expected "none", "mean" or "sum")`);
  return E.div(sum(picked), -tv.length);
}

/**
 * Negative log-likelihood of class indices given log-probabilities (N, C) or (N, C, d₁, …). With class
 * weights, "mean" divides by the sum of the targets' weights (PyTorch's weighted mean), not by N.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  return nll("nllLoss", input, target, options);
}

/** nllLoss under the name of the loss the user called (crossEntropy reaches it too). */
function nll(op: string, input: Tensor, target: Tensor, options: NllOptions): Tensor {
  const plain = options.weight === undefined ? plainNll(op, input, target, options) : null;
  if (plain) return plain;
  const { loss, w } = pickedLogProbs(op, input, target, options);
  const reduction = options.reduction ?? "mean";
  if (reduction === "none") return loss.reshape(lossShape(input));
  if (reduction === "sum") return sum(loss);
  return E.div(sum(loss), sum(w));
}

/** Options of {@link crossEntropy}: those of {@link nllLoss} plus label smoothing ε. */
export interface CrossEntropyOptions extends NllOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·onehot + ε/C (Szegedy et al. 2016, arXiv:1512.00567). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits (N, C) or (N, C, d₁, …) with either int32 class indices (N, d₁, …) or class
 * probabilities of the input's shape ("soft targets"). Semantics follow PyTorch 1.13 exactly:
 * - indices: log_softmax + NLL (weighted mean divides by Σ w_y over non-ignored targets); with label
 *   smoothing ε the loss is (1 − ε)·NLL + (ε/C)·Σ_c −w_c logp_c, the second term reduced the same way.
 * - probabilities: −Σ_c w_c y_c logp_c per element; "mean" divides by the number of elements N·d₁·…
 *   (not by the weights); label smoothing replaces y by (1 − ε)y + ε/C.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const reduction = options.reduction ?? "mean";
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  const logp = logSoftmax(input, classDim);
  const weightShape = input.shape.map((s, i) => (i === classDim ? s : 1));
  const weight = options.weight ? E.cast(options.weight, input.dtype).reshape(weightShape) : null;

  if (target.dtype !== "int32") {
    sameShape("crossEntropy (probability targets)", input, target);
    const y = eps > 0 ? E.add(E.mul(target, 1 - eps), eps / C) : target;
    let prod = E.mul(logp, y);
    if (weight) prod = E.mul(prod, weight);
    if (reduction === "none") return E.neg(sum(prod, { dim: classDim }));
    if (reduction === "sum") return E.neg(sum(prod));
    return E.div(E.neg(sum(prod)), input.size / C);
  }

  const nllValue = nll("crossEntropy", logp, target, { weight: options.weight, ignoreIndex: options.ignoreIndex, reduction });
  if (eps === 0) return nllValue;
  const { w, keep } = pickedLogProbs("crossEntropy", logp, target, { weight: options.weight, ignoreIndex: options.ignoreIndex });
  // Σ_c −w_c logp_c per element, zero where the target is ignored.
  let smooth = E.neg(sum(weight ? E.mul(logp, weight) : logp, { dim: classDim }));
  smooth = E.mul(smooth, E.cast(keep.reshape(smooth.shape), input.dtype));
  let smoothReduced: Tensor;
  if (reduction === "none") smoothReduced = smooth;
  else if (reduction === "sum") smoothReduced = sum(smooth);
  else smoothReduced = E.div(sum(smooth), sum(w));
  return E.add(E.mul(nllValue, 1 - eps), E.mul(smoothReduced, eps / C));
}

/**
 * Kullback–Leibler divergence KL(target ‖ input) with `input` given as log-probabilities:
 * y·(log y − x) (0 where y = 0), or e^y·(y − x) with `logTarget`. "batchmean" divides the sum by the
 * batch size — the true KL per sample; "mean" divides by the number of elements, as PyTorch.
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): Tensor {
  sameShape("klDiv", input, target);
  let loss: Tensor;
  if (options.logTarget) loss = E.mul(E.exp(target), E.sub(target, input));
  else {
    // xlogy(y, y): 0 where y = 0 (its gradient there is NaN, as PyTorch's: d/dy of y log y has no finite value).
    const ylogy = where(E.eq(target, 0), 0, E.mul(target, E.log(target)));
    loss = E.sub(ylogy, E.mul(target, input));
  }
  const reduction = options.reduction ?? "mean";
  if (reduction === "batchmean") return E.div(sum(loss), input.ndim === 0 ? 1 : input.shape[0]!);
  return reduce("klDiv", loss, reduction);
}

/**
 * Hinge embedding loss: x where y = 1, max(0, margin − x) where y = −1 (targets are ±1 floats).
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  sameShape("hingeEmbeddingLoss", input, target);
  const margin = options.margin ?? 1;
  const marginTerm = where(E.ne(target, 1), E.relu(E.sub(margin, input)), 0);
  const selfTerm = where(E.ne(target, -1), input, 0);
  return reduce("hingeEmbeddingLoss", E.add(marginTerm, selfTerm), options.reduction);
}

/** Margin ranking loss: max(0, −y(x₁ − x₂) + margin) for y = ±1 (x₁ should rank higher when y = 1). */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: ReductionOptions & { margin?: number } = {},
): Tensor {
  sameShape("marginRankingLoss", input1, input2);
  sameShape("marginRankingLoss", input1, target);
  const loss = E.relu(E.add(E.mul(E.neg(target), E.sub(input1, input2)), options.margin ?? 0));
  return reduce("marginRankingLoss", loss, options.reduction);
}

/**
 * Multi-class hinge (Weston & Watkins / Crammer–Singer style as in PyTorch's MultiMarginLoss): for each
 * sample Σ_{i≠y} w_y·max(0, margin − x_y + x_i)ᵖ / C, with p ∈ {1, 2}.
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { p?: 1 | 2; margin?: number; weight?: Tensor } = {},
): Tensor {
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new Error(`multiMarginLoss: p must be 1 or 2, got ${p as number}`);
  if (input.ndim !== 2 && input.ndim !== 1) throw new Error(`multiMarginLoss: input must be (N, C) or (C), got ${fmtShape(input.shape)}`);
  const x = input.ndim === 1 ? input.reshape(1, -1) : input; // (N, C)
  const t = target.reshape(-1);
  checkIndexTarget("multiMarginLoss", x, t);
  const C = x.shape[1]!;
  const xy = gather(x, 1, t.reshape(-1, 1)); // (N, 1)
  let term = E.relu(E.add(E.sub(x, xy), options.margin ?? 1)); // (N, C)
  if (p === 2) term = E.mul(term, term);
  // Drop the i = y entries (their margin term is `margin`, not a violation).
  const notTarget = noGrad(() => E.cast(E.eq(index(eyeLike(C), t), 0), x.dtype)); // (N, C): 1 where i ≠ y
  term = E.mul(term, notTarget);
  if (options.weight) term = E.mul(term, index(E.cast(options.weight, x.dtype), t).reshape(-1, 1));
  let loss = E.div(sum(term, { dim: 1 }), C); // (N)
  if (input.ndim === 1) loss = loss.reshape([]);
  return reduce("multiMarginLoss", loss, options.reduction);
}

function eyeLike(n: number): Tensor {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return Tensor.fromData(data, [n, n], "float64");
}
