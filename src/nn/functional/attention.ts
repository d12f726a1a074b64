// Scaled dot-product attention (PyTorch's F.scaled_dot_product_attention): the fused primitive, and the
// same function written with matmul and softmax, which is its test oracle and the path with dropout.
import { Tensor } from "../../tensor/Tensor.js";
import { isFloating } from "../../tensor/dtype.js";
import { broadcastShapes, fmtShape } from "../../tensor/shape.js";
import { describe } from "../../tensor/validate.js";
import { applyMulti } from "../../autograd/engine.js";
import { add, cast, logicalNot, mul } from "../../ops/elementwise.js";
import { expand, reshape, transpose } from "../../ops/movement.js";
import { where } from "../../ops/indexing.js";
import { matmul } from "../../ops/linalg.js";
import { softmax } from "../../ops/softmax.js";
import { fromHost } from "../../ops/creation.js";
import { dropout } from "./layers.js";
import type { Generator } from "../../random/Generator.js";

/**
 * Options of {@link scaledDotProductAttention} (`torch.nn.functional.scaled_dot_product_attention`):
 * attention mask, dropout probability, causal masking, score scale and the dropout's generator.
 */
export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to (..., L, S). Boolean: true where the query may attend the key (PyTorch's SDPA
   * convention; MultiheadAttention's boolean masks mean the opposite). Float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Probability of dropping an attention weight (applied whenever > 0, as PyTorch's functional). */
  dropoutP?: number;
  /** Query i attends keys j ≤ i only (a top-left causal mask); not together with `attnMask`. */
  isCausal?: boolean;
  /** Multiplies q·kᵀ; default 1/√E. */
  scale?: number | null;
  /** Random source of the dropout mask. */
  generator?: Generator;
}

/**
 * The validated arguments as the primitive takes them: three dims (B, L, E), (B, S, E), (B, S, Ev), mask
 * (B, L, S) or null; with exactly two batch dims, four (N, H, ·, ·), so that heads split from the features
 * by a transpose reach the kernels as strided views instead of copies.
 */
interface Prepared {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  mask: Tensor | null;
  batch: number[];
  scale: number;
  isCausal: boolean;
  dropoutP: number;
}

function prepare(op: string, query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions): Prepared {
  for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(t)}`);
    if (t.ndim < 2) throw new Error(`${op}: ${name} needs at least 2 dims (..., seq, features), got shape ${fmtShape(t.shape)}`);
    if (!isFloating(t.dtype)) throw new Error(`${op}: ${name} must be floating point, got ${t.dtype}`);
  }
  if (key.dtype !== query.dtype || value.dtype !== query.dtype) {
    throw new Error(`${op}: query, key and value must have one dtype, got ${query.dtype}, ${key.dtype} and ${value.dtype}`);
  }
  const L = query.shape.at(-2)!, E = query.shape.at(-1)!, S = key.shape.at(-2)!, Ev = value.shape.at(-1)!;
  if (key.shape.at(-1) !== E) {
    throw new Error(`${op}: query ${fmtShape(query.shape)} and key ${fmtShape(key.shape)} must share the feature size (${E} != ${key.shape.at(-1)})`);
  }
  if (value.shape.at(-2) !== S) {
    throw new Error(`${op}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have the same sequence length (${S} != ${value.shape.at(-2)})`);
  }
  const unknown = Object.keys(options).filter((k) => !["attnMask", "dropoutP", "isCausal", "scale", "generator"].includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}`);
  const dropoutP = options.dropoutP ?? 0;
  if (typeof dropoutP !== "number" || !(dropoutP >= 0 && dropoutP < 1)) throw new Error(`${op}: dropoutP must be a number in [0, 1), got ${describe(dropoutP)}`);
  const isCausal = options.isCausal ?? false;
  if (typeof isCausal !== "boolean") throw new Error(`${op}: isCausal must be a boolean, got ${describe(isCausal)}`);
  const scale = options.scale ?? 1 / Math.sqrt(E);
  if (typeof scale !== "number" || !Number.isFinite(scale)) throw new Error(`${op}: scale must be a finite number, got ${describe(options.scale)}`);
  let batch: number[];
  try {
    batch = broadcastShapes(op, query.shape.slice(0, -2), key.shape.slice(0, -2), value.shape.slice(0, -2));
  } catch {
    throw new Error(
      `${op}: the batch dims of query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} do not broadcast`,
    );
  }
  const B = batch.reduce((a, b) => a * b, 1);
  const keep4 = batch.length === 2;
  const to3 = (t: Tensor, rows: number, cols: number): Tensor => {
    const full = expand(t, [...batch, rows, cols]);
    return keep4 ? full : reshape(full, [B, rows, cols]);
  };
  let mask: Tensor | null = null;
  const attnMask = options.attnMask ?? null;
  if (attnMask !== null) {
    if (!(attnMask instanceof Tensor)) throw new Error(`${op}: attnMask must be a Tensor, got ${describe(attnMask)}`);
    if (isCausal) throw new Error(`${op}: pass either attnMask or isCausal, not both`);
    if (attnMask.dtype !== "bool" && attnMask.dtype !== query.dtype) {
      throw new Error(`${op}: attnMask must be bool or ${query.dtype} like the query, got ${attnMask.dtype}`);
    }
    const full = [...batch, L, S];
    const lead = full.length - attnMask.ndim;
    if (lead < 0 || attnMask.shape.some((s, i) => s !== 1 && s !== full[lead + i])) {
      throw new Error(`${op}: attnMask of shape ${fmtShape(attnMask.shape)} does not broadcast to the attention scores' shape ${fmtShape(full)}`);
    }
    const additive = attnMask.dtype === "bool" ? cast(where(attnMask, 0, -Infinity), query.dtype) : attnMask;
    mask = keep4 ? expand(additive, full) : reshape(expand(additive, full), [B, L, S]);
  }
  return { q: to3(query, L, E), k: to3(key, S, E), v: to3(value, S, Ev), mask, batch, scale, isCausal, dropoutP };
}

/**
 * Attention(Q, K, V) = softmax(scale·Q·Kᵀ + mask)·V (Vaswani et al. 2017, arXiv:1706.03762) over the
 * last two dims of q (..., L, E), k (..., S, E), v (..., S, Ev) → (..., L, Ev); batch dims broadcast.
 * One fused primitive that keeps only each row's logsumexp for the backward; with `dropoutP > 0` the
 * weights are materialized (the composite).
 *
 * ```ts
 * const y = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const op = "scaledDotProductAttention";
  const p = prepare(op, query, key, value, options);
  if (p.dropoutP > 0) return scaledDotProductAttentionComposite(query, key, value, options);
  const inputs = p.mask ? [p.q, p.k, p.v, p.mask] : [p.q, p.k, p.v];
  const [out] = applyMulti("scaledDotProductAttention", inputs, { scale: p.scale, isCausal: p.isCausal });
  return p.q.ndim === 4 ? out! : reshape(out!, [...p.batch, query.shape.at(-2)!, value.shape.at(-1)!]);
}

/**
 * The same function as matmul, mask and softmax (PyTorch's math reference), also returning the
 * attention weights (..., L, S): the oracle of the fused primitive, and the path with dropout.
 */
export function scaledDotProductAttentionWeights(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): [Tensor, Tensor] {
  const op = "scaledDotProductAttention";
  const p = prepare(op, query, key, value, options);
  const L = query.shape.at(-2)!, S = key.shape.at(-2)!;
  let scores = mul(matmul(p.q, transpose(p.k, -2, -1)), p.scale); // (…, L, S)
  if (p.mask) scores = add(scores, p.mask);
  if (p.isCausal) {
    const above = new Uint8Array(L * S);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) above[i * S + j] = 1;
    const future = fromHost(op, above, [L, S], "bool", query); // where the scores live
    scores = where(logicalNot(future), scores, -Infinity);
  }
  let weights = softmax(scores, -1);
  const kept = p.dropoutP > 0 ? dropout(weights, { p: p.dropoutP, training: true, generator: options.generator }) : weights;
  const out = matmul(kept, p.v); // (…, L, Ev)
  weights = reshape(weights, [...p.batch, L, S]);
  return [reshape(out, [...p.batch, L, value.shape.at(-1)!]), weights];
}

/** {@link scaledDotProductAttention} written with matmul and softmax (the composite reference). */
export function scaledDotProductAttentionComposite(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  return scaledDotProductAttentionWeights(query, key, value, options)[0];
}
