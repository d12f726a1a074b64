// Fused scaled dot-product attention in float32 inside the kernels' memory: the GEMMs and the row-wise
// masked softmax (assembly/attention.ts) share one arena, so the L×S scores are never copied out.
import type { WasmRuntime } from "./WasmRuntime.js";
import { runGemmBatched } from "./gemm.js";

/** A stack of matrices in a Float32Array: element (b, i, j) is at offset + b·batch + i·row + j·col (strides ≥ 0). */
export interface StackView {
  data: Float32Array;
  offset: number;
  batch: number;
  row: number;
  col: number;
}

/** An additive mask whose rows are contiguous: element (b, i, j) is at offset + b·batch + i·row + j. */
export interface MaskView {
  data: Float32Array;
  offset: number;
  batch: number;
  row: number;
}

/** Sizes of one attention call: B stacks of L queries and S keys, E features per query/key, Ev per value. */
export interface AttentionSizes {
  B: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

/** Copies (or, in shared memory, references) a B×rows×cols stack and returns its address. */
function place(rt: WasmRuntime, op: string, name: string, v: StackView, B: number, rows: number, cols: number): number {
  for (const s of [v.offset, v.batch, v.row, v.col]) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: ${name} needs non-negative integer strides, got offset ${v.offset}, strides [${v.batch}, ${v.row}, ${v.col}]`);
  }
  if (B === 0 || rows === 0 || cols === 0) return rt.alloc(0);
  const extent = (B - 1) * v.batch + (rows - 1) * v.row + (cols - 1) * v.col + 1;
  if (v.offset + extent > v.data.length) throw new Error(`${op}: ${name} (${B}×${rows}×${cols}) reaches element ${v.offset + extent - 1} of an array of ${v.data.length}`);
  return rt.ref(v.data, v.offset, extent);
}

/** An output of n floats: written in place when `out` lives in linear memory, else in the arena and copied by takeOutput. */
export interface PlacedOutput {
  out: Float32Array;
  ptr: number;
  inPlace: boolean;
}

/** Where a kernel writes an output of n floats (`out`, when given, must have length n). */
export function placeOutput(rt: WasmRuntime, op: string, n: number, out?: Float32Array): PlacedOutput {
  if (out !== undefined && out.length !== n) throw new Error(`${op}: output has length ${out.length}, expected ${n}`);
  const at = out ? rt.addressOf(out) : -1;
  if (at >= 0) return { out: out!, ptr: at, inPlace: true };
  return { out: out ?? new Float32Array(n), ptr: rt.alloc(4 * n), inPlace: false };
}

/** The output array, copied out of the arena unless it was written in place. */
export function takeOutput(rt: WasmRuntime, o: PlacedOutput): Float32Array {
  if (!o.inPlace && o.out.length > 0) o.out.set(rt.f32(o.ptr, o.out.length));
  return o.out;
}

/** Optional output arrays of an attention call (recycled buffers, possibly in linear memory). */
export interface AttentionOutputs {
  out?: Float32Array;
  dq?: Float32Array;
  dk?: Float32Array;
  dv?: Float32Array;
}

const dense = (data: Float32Array, rows: number, cols: number): StackView => ({ data, offset: 0, batch: rows * cols, row: cols, col: 1 });

/**
 * out[b] = softmax(scale·Q[b]·K[b]ᵀ + mask[b], causal) · V[b] and each row's logsumexp of the masked,
 * scaled scores (lse, B×L). A row whose keys are all masked gives NaN, as softmax of such a row does.
 */
export function attentionForward(
  rt: WasmRuntime, { B, L, S, E, Ev }: AttentionSizes, q: StackView, k: StackView, v: StackView, mask: MaskView | null, scale: number, causal: boolean,
  outputs: AttentionOutputs = {},
): { out: Float32Array; lse: Float32Array } {
  const op = "attentionForward";
  rt.resetArena();
  const pq = place(rt, op, "q", q, B, L, E), pk = place(rt, op, "k", k, B, S, E), pv = place(rt, op, "v", v, B, S, Ev);
  const pm = mask ? place(rt, op, "mask", { ...mask, col: 1 }, B, L, S) : 0;
  const pp = rt.alloc(4 * B * L * S), plse = rt.alloc(4 * B * L), o = placeOutput(rt, op, B * L * Ev, outputs.out), po = o.ptr;
  runGemmBatched(rt, B, L, S, E, scale, pq, q.row, q.col, q.batch, pk, k.col, k.row, k.batch, 0, pp, S, L * S); // scale·Q·Kᵀ (B, L, S)
  rt.exports.attentionSoftmax(pp, pm, mask?.batch ?? 0, mask?.row ?? 0, plse, B, L, S, causal ? 1 : 0);
  runGemmBatched(rt, B, L, Ev, S, 1, pp, S, 1, L * S, pv, v.row, v.col, v.batch, 0, po, Ev, L * Ev); // P·V (B, L, Ev)
  return { out: takeOutput(rt, o), lse: rt.f32(plse, B * L).slice() };
}

/**
 * The gradients of attentionForward from the saved out and lse (dense B×L×Ev and B×L), the output's
 * gradient gOut (dense) and lse's gLse (dense B×L): P = e^{S − lse} recomputed, dV = Pᵀ·dO,
 * dS = P ∘ (dO·Vᵀ − rowsum(dO ∘ O) + dlse), dQ = scale·dS·K, dK = scale·dSᵀ·Q; dS itself with maskGrad.
 */
export function attentionBackward(
  rt: WasmRuntime, { B, L, S, E, Ev }: AttentionSizes, q: StackView, k: StackView, v: StackView,
  out: Float32Array, lse: Float32Array, gOut: Float32Array, gLse: Float32Array, mask: MaskView | null, scale: number, causal: boolean, maskGrad: boolean,
  outputs: AttentionOutputs = {},
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; ds: Float32Array | null } {
  const op = "attentionBackward";
  rt.resetArena();
  const pq = place(rt, op, "q", q, B, L, E), pk = place(rt, op, "k", k, B, S, E), pv = place(rt, op, "v", v, B, S, Ev);
  const pout = place(rt, op, "out", dense(out, L, Ev), B, L, Ev), pgo = place(rt, op, "gOut", dense(gOut, L, Ev), B, L, Ev);
  const plse = place(rt, op, "lse", dense(lse, 1, L), B, 1, L), pgl = place(rt, op, "gLse", dense(gLse, 1, L), B, 1, L);
  const pm = mask ? place(rt, op, "mask", { ...mask, col: 1 }, B, L, S) : 0;
  const pp = rt.alloc(4 * B * L * S), pds = rt.alloc(4 * B * L * S);
  const oq = placeOutput(rt, op, B * L * E, outputs.dq), ok = placeOutput(rt, op, B * S * E, outputs.dk), ov = placeOutput(rt, op, B * S * Ev, outputs.dv);
  const pdq = oq.ptr, pdk = ok.ptr, pdv = ov.ptr;
  runGemmBatched(rt, B, L, S, E, scale, pq, q.row, q.col, q.batch, pk, k.col, k.row, k.batch, 0, pp, S, L * S); // scores
  rt.exports.attentionProbs(pp, pm, mask?.batch ?? 0, mask?.row ?? 0, plse, B, L, S, causal ? 1 : 0); // P
  runGemmBatched(rt, B, S, Ev, L, 1, pp, 1, S, L * S, pgo, Ev, 1, L * Ev, 0, pdv, Ev, S * Ev); // Pᵀ·dO
  runGemmBatched(rt, B, L, S, Ev, 1, pgo, Ev, 1, L * Ev, pv, v.col, v.row, v.batch, 0, pds, S, L * S); // dO·Vᵀ
  rt.exports.attentionScoreGrad(pds, pp, pgo, pout, pgl, B * L, S, Ev); // dS
  runGemmBatched(rt, B, L, E, S, scale, pds, S, 1, L * S, pk, k.row, k.col, k.batch, 0, pdq, E, L * E); // scale·dS·K
  runGemmBatched(rt, B, S, E, L, scale, pds, 1, S, L * S, pq, q.row, q.col, q.batch, 0, pdk, E, S * E); // scale·dSᵀ·Q
  return {
    dq: takeOutput(rt, oq),
    dk: takeOutput(rt, ok),
    dv: takeOutput(rt, ov),
    ds: maskGrad ? rt.f32(pds, B * L * S).slice() : null,
  };
}
