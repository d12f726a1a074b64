// CPU reference kernels of fused scaled dot-product attention: the forward is an online softmax over
// blocks of keys (no L×S matrix is built) that also returns each row's logsumexp; the backward
// recomputes the weights from that logsumexp. Both are written over a batched-matmul callback, so the
// WASM backend runs the same code with its GEMM. Operands are 3-D (B, ·, ·) or 4-D (N, H, ·, ·).
import type { Kernel } from "../Backend.js";
import type { PrimParams } from "../../autograd/prims.js";
import { Storage, View, viewFromData, type TensorView } from "../storage.js";
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides } from "../../tensor/shape.js";
import { copyValues, denseValues } from "./strided.js";

/** Keys scored at a time: one block of scores lives in a small scratch array. */
const KEY_BLOCK = 64;

/**
 * The (N, H, ...) batch dims of a 4-D attention operand merged into one (N·H, ...): a view through one
 * batch stride when the two dims combine (H·stride_H = stride_N, or either dim 1), else a dense copy.
 * Plain views: they hold no claim on the memory (see Storage.refs).
 */
export function mergeBatchDims(t: TensorView): TensorView {
  const [N, H] = t.shape as [number, number];
  const [sN, sH] = t.strides as [number, number];
  const shape = [N * H, ...t.shape.slice(2)];
  if (H === 1 || N === 1 || sN === H * sH) return new View(t.storage, shape, [H === 1 ? sN : sH, ...t.strides.slice(2)], t.offset, t.dtype);
  return new View(new Storage(copyValues(t)), shape, contiguousStrides(shape), 0, t.dtype);
}

/** An attention kernel over 3-D operands that returns outputs with the batch dims `lead` (one or two). */
type FlatKernel<P> = (inputs: readonly TensorView[], params: P, lead: readonly number[]) => TensorView[];

/** The kernel for 3-D (B, ·, ·) and 4-D (N, H, ·, ·) operands: 4-D ones are run as (N·H, ·, ·). */
function overBatchDims<P extends "scaledDotProductAttention" | "scaledDotProductAttentionBackward">(flat: FlatKernel<PrimParams[P]>): Kernel<P> {
  return (inputs, params) => {
    const lead = inputs[0]!.shape.slice(0, -2);
    return flat(lead.length === 2 ? inputs.map(mergeBatchDims) : inputs, params, lead);
  };
}

/** A stack of matrices in a flat array: element (b, i, j) is at offset + b·batch + i·row + j·col. */
export interface MatView {
  data: TypedArray;
  offset: number;
  batch: number;
  row: number;
  col: number;
}

/** C[b] = alpha·A[b]·B[b] for b < batch, A (m×k), B (k×n) → a dense batch×m×n array of `dtype`. */
export type BatchedMatmul = (dtype: DType, batch: number, m: number, n: number, k: number, a: MatView, b: MatView, alpha: number) => TypedArray;

/** e^x of every element, in place. */
export type ExpInPlace = (data: TypedArray) => void;

/** The dense products and exponentials the materialized kernels are written over (WASM or reference). */
export interface AttentionOps {
  bmm: BatchedMatmul;
  exp: ExpInPlace;
}

export const referenceExp: ExpInPlace = (data) => {
  for (let i = 0; i < data.length; i++) data[i] = Math.exp(data[i]!);
};

/** The reference batched product: plain loops (i, p, j order so the inner loop runs along B's rows). */
export const referenceMatmul: BatchedMatmul = (dtype, batch, m, n, k, a, b, alpha) => {
  const out = allocate(dtype, batch * m * n);
  const acc = new Float64Array(n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const av = a.data[a.offset + t * a.batch + i * a.row + p * a.col]!;
        if (av === 0) continue;
        const bBase = b.offset + t * b.batch + p * b.row;
        for (let j = 0; j < n; j++) acc[j]! += av * b.data[bBase + j * b.col]!;
      }
      const o = (t * m + i) * n;
      for (let j = 0; j < n; j++) out[o + j] = alpha * acc[j]!;
    }
  }
  return out;
};

/** A dense (B, rows, cols) array as a view; `transposed` reads it as (B, cols, rows). */
const dense = (data: TypedArray, rows: number, cols: number, transposed = false): MatView =>
  transposed ? { data, offset: 0, batch: rows * cols, row: 1, col: cols } : { data, offset: 0, batch: rows * cols, row: cols, col: 1 };

/** The mask's element (b, i, j), read through its strides (a mask broadcast over the batch is not copied). */
function maskReader(mask: TensorView | undefined): ((b: number, i: number, j: number) => number) | null {
  if (!mask) return null;
  const d = mask.storage.data, o = mask.offset;
  const [sb, si, sj] = mask.strides as [number, number, number];
  return (b, i, j) => d[o + b * sb + i * si + j * sj]!;
}

/** scores (B, L, S) += mask, read through its strides; −∞ above the diagonal when causal. */
function addMask(p: TypedArray, mask: TensorView | undefined, B: number, L: number, S: number, isCausal: boolean): void {
  if (mask) {
    const d = mask.storage.data, o = mask.offset;
    const [sb, si, sj] = mask.strides as [number, number, number];
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < L; i++) {
        const row = (b * L + i) * S, at = o + b * sb + i * si;
        if (sj === 1) for (let j = 0; j < S; j++) p[row + j]! += d[at + j]!;
        else for (let j = 0; j < S; j++) p[row + j]! += d[at + j * sj]!;
      }
    }
  }
  if (isCausal) for (let r = 0; r < B * L; r++) p.fill(-Infinity, r * S + (r % L) + 1, (r + 1) * S);
}

/**
 * out[b, i] = Σⱼ pᵢⱼ v[b, j] with pᵢⱼ = exp(sᵢⱼ − lseᵢ), sᵢⱼ = scale·q[b, i]·k[b, j] + mask[b, i, j].
 * Per query row the running maximum m, the running sum l = Σ exp(s − m) and the unnormalized output
 * are rescaled by exp(m_old − m_new) whenever a block raises the maximum (Milakov & Gimelshein 2018).
 * A row whose keys are all masked (−∞) gives NaN, as softmax of such a row does.
 */
export const scaledDotProductAttention = overBatchDims<"scaledDotProductAttention">((inputs, { scale, isCausal }, lead) => {
  const [q, k, v, mask] = inputs as [TensorView, TensorView, TensorView, TensorView | undefined];
  const [B, L, E] = q.shape as [number, number, number];
  const S = k.shape[1]!, Ev = v.shape[2]!;
  const qv = denseValues(q), kv = denseValues(k), vv = denseValues(v);
  const maskAt = maskReader(mask);
  const out = allocate(q.dtype, B * L * Ev);
  const lse = allocate(q.dtype, B * L);
  const scores = new Float64Array(KEY_BLOCK);
  const acc = new Float64Array(Ev);
  for (let b = 0; b < B; b++) {
    const kBase = b * S * E, vBase = b * S * Ev;
    for (let i = 0; i < L; i++) {
      const qBase = (b * L + i) * E;
      const keys = isCausal ? Math.min(S, i + 1) : S;
      let m = -Infinity, l = 0;
      acc.fill(0);
      for (let j0 = 0; j0 < keys; j0 += KEY_BLOCK) {
        const j1 = Math.min(keys, j0 + KEY_BLOCK);
        let blockMax = -Infinity;
        for (let j = j0; j < j1; j++) {
          let dot = 0;
          const kRow = kBase + j * E;
          for (let e = 0; e < E; e++) dot += qv[qBase + e]! * kv[kRow + e]!;
          let s = scale * dot;
          if (maskAt) s += maskAt(b, i, j);
          scores[j - j0] = s;
          if (s > blockMax || s !== s) blockMax = s;
        }
        if (blockMax === -Infinity) continue; // every key of the block is masked
        const mNew = Math.max(m, blockMax);
        const rescale = Math.exp(m - mNew); // 0 on the first block (m = −∞)
        if (rescale !== 1) {
          l *= rescale;
          for (let e = 0; e < Ev; e++) acc[e]! *= rescale;
        }
        for (let j = j0; j < j1; j++) {
          const p = Math.exp(scores[j - j0]! - mNew);
          if (p === 0) continue;
          l += p;
          const vRow = vBase + j * Ev;
          for (let e = 0; e < Ev; e++) acc[e]! += p * vv[vRow + e]!;
        }
        m = mNew;
      }
      const o = (b * L + i) * Ev;
      for (let e = 0; e < Ev; e++) out[o + e] = acc[e]! / l;
      lse[b * L + i] = m + Math.log(l);
    }
  }
  return [viewFromData(out, [...lead, L, Ev], q.dtype), viewFromData(lse, [...lead, L], q.dtype)];
});

/** A 3-D tensor as a matrix stack (its own strides, no copy). */
const viewOf = (t: TensorView, transposed = false): MatView => {
  const [sb, si, sj] = t.strides as [number, number, number];
  return { data: t.storage.data, offset: t.offset, batch: sb, row: transposed ? sj : si, col: transposed ? si : sj };
};

/**
 * The forward with the scores materialized one batch of rows at a time and the products done by
 * `bmm`: S = scale·Q·Kᵀ (+ mask, causal), a stable softmax per row that records lse, O = P·V. The L×S
 * scores are scratch: only out and lse leave the kernel.
 */
export function attentionForwardWith({ bmm, exp }: AttentionOps): Kernel<"scaledDotProductAttention"> {
  return overBatchDims<"scaledDotProductAttention">((inputs, { scale, isCausal }, lead) => {
    const [q, k, v, mask] = inputs as [TensorView, TensorView, TensorView, TensorView | undefined];
    const [B, L, E] = q.shape as [number, number, number];
    const S = k.shape[1]!, Ev = v.shape[2]!, dtype = q.dtype;
    const p = bmm(dtype, B, L, S, E, viewOf(q), viewOf(k, true), scale); // (B, L, S)
    const lse = allocate(dtype, B * L);
    const maskAt = maskReader(mask);
    // scores + mask − row max (masked: −∞), then e^(·) of the whole block at once, then each row normalized
    addMask(p, mask, B, L, S, isCausal);
    for (let r = 0; r < B * L; r++) {
      const row = r * S;
      let m = -Infinity;
      for (let j = 0; j < S; j++) {
        const s = p[row + j]!;
        if (s > m || s !== s) m = s;
      }
      lse[r] = m; // the max for now; a row with no key to attend keeps −∞ and becomes NaN below
      for (let j = 0; j < S; j++) p[row + j]! -= m;
    }
    exp(p);
    for (let r = 0; r < B * L; r++) {
      const row = r * S;
      let l = 0;
      for (let j = 0; j < S; j++) l += p[row + j]!;
      const inv = 1 / l;
      for (let j = 0; j < S; j++) p[row + j]! *= inv;
      lse[r] = lse[r]! + Math.log(l);
    }
    const out = bmm(dtype, B, L, Ev, S, dense(p, L, S), viewOf(v), 1);
    return [viewFromData(out, [...lead, L, Ev], dtype), viewFromData(lse, [...lead, L], dtype)];
  });
}

/**
 * The gradient of attention in one kernel, from the saved lse: P = exp(S − lse) recomputed,
 * dV = Pᵀ·dO, dS = P ∘ (dO·Vᵀ − rowsum(dO ∘ O) + d lse), dQ = scale·dS·K, dK = scale·dSᵀ·Q, dM = dS.
 */
export function attentionBackwardWith({ bmm, exp }: AttentionOps): Kernel<"scaledDotProductAttentionBackward"> {
  return overBatchDims<"scaledDotProductAttentionBackward">((inputs, { scale, isCausal, maskGrad }, lead) => {
    const [q, k, v, out, lse, gOut, gLse, mask] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView | undefined];
    const [B, L, E] = q.shape as [number, number, number];
    const S = k.shape[1]!, Ev = v.shape[2]!, dtype = q.dtype;
    const lv = denseValues(lse), gl = denseValues(gLse), ov = denseValues(out), gov = denseValues(gOut);
    const p = bmm(dtype, B, L, S, E, viewOf(q), viewOf(k, true), scale); // scores, then P (B, L, S)
    addMask(p, mask, B, L, S, isCausal);
    for (let r = 0; r < B * L; r++) {
      const row = r * S, m = lv[r]!;
      for (let j = 0; j < S; j++) p[row + j]! -= m;
    }
    exp(p);
    const gO = { data: gov, offset: 0, batch: L * Ev, row: Ev, col: 1 };
    const dv = bmm(dtype, B, S, Ev, L, dense(p, L, S, true), gO, 1); // Pᵀ·dO
    const ds = bmm(dtype, B, L, S, Ev, gO, viewOf(v, true), 1); // dO·Vᵀ, then dS
    for (let r = 0; r < B * L; r++) {
      let rowDot = 0;
      for (let e = 0; e < Ev; e++) rowDot += gov[r * Ev + e]! * ov[r * Ev + e]!;
      const shift = gl[r]! - rowDot, row = r * S;
      for (let j = 0; j < S; j++) ds[row + j] = p[row + j]! * (ds[row + j]! + shift);
    }
    const dq = bmm(dtype, B, L, E, S, dense(ds, L, S), viewOf(k), scale);
    const dk = bmm(dtype, B, S, E, L, dense(ds, L, S, true), viewOf(q), scale);
    const grads = [viewFromData(dq, [...lead, L, E], dtype), viewFromData(dk, [...lead, S, E], dtype), viewFromData(dv, [...lead, S, Ev], dtype)];
    if (maskGrad) grads.push(viewFromData(ds, [...lead, L, S], dtype));
    return grads;
  });
}

export const scaledDotProductAttentionBackward = attentionBackwardWith({ bmm: referenceMatmul, exp: referenceExp });
