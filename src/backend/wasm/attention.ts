// Fused scaled dot-product attention in float32 inside the kernels' memory: the GEMMs and the row-wise
// masked softmax (assembly/attention.ts) share one arena, so the L×S scores are never copied out.
// Operands are N groups of B stacks ((N, H, ·, ·) attention heads: N batches of H heads), each level with
// its own stride, so heads split from the features by a transpose are read in place, not copied.
import type { WasmRuntime } from "./WasmRuntime.js";
import { runGemmBatched } from "./gemm.js";

/**
 * Stacks of matrices in a Float32Array: element (n, b, i, j) is at offset + n·outer + b·batch + i·row + j·col
 * (strides ≥ 0; outer is unused when there is one group).
 */
export interface StackView {
  data: Float32Array;
  offset: number;
  outer: number;
  batch: number;
  row: number;
  col: number;
}

/** An additive mask whose rows are contiguous: element (n, b, i, j) is at offset + n·outer + b·batch + i·row + j. */
export interface MaskView {
  data: Float32Array;
  offset: number;
  outer: number;
  batch: number;
  row: number;
}

/** Sizes of one attention call: N groups of B stacks of L queries and S keys, E features per query/key, Ev per value. */
export interface AttentionSizes {
  N: number;
  B: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

/** Where an output's element (n, b, i, j) goes in its array: n·outer + b·batch + i·row + j. */
export interface OutputLayout {
  outer: number;
  batch: number;
  row: number;
}

/** The dense layout of N·B stacks of rows × cols. */
export const denseLayout = (B: number, rows: number, cols: number): OutputLayout => ({ outer: B * rows * cols, batch: rows * cols, row: cols });

/** Copies (or, in shared memory, references) N×B×rows×cols stacks and returns their address. */
function place(rt: WasmRuntime, op: string, name: string, v: StackView, N: number, B: number, rows: number, cols: number): number {
  for (const s of [v.offset, v.outer, v.batch, v.row, v.col]) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: ${name} needs non-negative integer strides, got offset ${v.offset}, strides [${v.outer}, ${v.batch}, ${v.row}, ${v.col}]`);
  }
  if (N === 0 || B === 0 || rows === 0 || cols === 0) return rt.alloc(0);
  const extent = (N - 1) * v.outer + (B - 1) * v.batch + (rows - 1) * v.row + (cols - 1) * v.col + 1;
  if (v.offset + extent > v.data.length) throw new Error(`${op}: ${name} (${N}×${B}×${rows}×${cols}) reaches element ${v.offset + extent - 1} of an array of ${v.data.length}`);
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

/** Optional output arrays of an attention call (recycled buffers, possibly in linear memory) and their layouts (default dense). */
export interface AttentionOutputs {
  out?: Float32Array;
  dq?: Float32Array;
  dk?: Float32Array;
  dv?: Float32Array;
  outLayout?: OutputLayout;
  dqLayout?: OutputLayout;
  dkLayout?: OutputLayout;
  dvLayout?: OutputLayout;
}

/** A layout's strides must cover each stack's rows × cols without overlap inside the array of N·B·rows·cols. */
function checkLayout(op: string, name: string, l: OutputLayout, N: number, B: number, rows: number, cols: number): void {
  const n = N * B * rows * cols;
  if (n === 0) return;
  const last = (N - 1) * l.outer + (B - 1) * l.batch + (rows - 1) * l.row + cols - 1;
  if ([l.outer, l.batch, l.row].some((s) => !Number.isInteger(s) || s < 0) || last >= n || (rows > 1 && l.row < cols)) {
    throw new Error(`${op}: ${name} layout [${l.outer}, ${l.batch}, ${l.row}, 1] does not fit ${N}×${B}×${rows}×${cols} values`);
  }
}

/**
 * out[n, b] = softmax(scale·Q[n, b]·K[n, b]ᵀ + mask[n, b], causal) · V[n, b] and each row's logsumexp of the
 * masked, scaled scores (lse, dense N×B×L). A row whose keys are all masked gives NaN, as softmax of such a row does.
 */
export function attentionForward(
  rt: WasmRuntime, { N, B, L, S, E, Ev }: AttentionSizes, q: StackView, k: StackView, v: StackView, mask: MaskView | null, scale: number, causal: boolean,
  outputs: AttentionOutputs = {},
): { out: Float32Array; lse: Float32Array } {
  const op = "attentionForward";
  const lo = outputs.outLayout ?? denseLayout(B, L, Ev);
  checkLayout(op, "out", lo, N, B, L, Ev);
  rt.resetArena();
  const pq = place(rt, op, "q", q, N, B, L, E), pk = place(rt, op, "k", k, N, B, S, E), pv = place(rt, op, "v", v, N, B, S, Ev);
  const pm = mask ? place(rt, op, "mask", { ...mask, col: 1 }, N, B, L, S) : 0;
  // one group's scores at a time
  const pp = rt.alloc(4 * B * L * S), plse = rt.alloc(4 * N * B * L), o = placeOutput(rt, op, N * B * L * Ev, outputs.out);
  for (let n = 0; n < N; n++) {
    const pqn = pq + 4 * n * q.outer, pkn = pk + 4 * n * k.outer, pvn = pv + 4 * n * v.outer;
    runGemmBatched(rt, B, L, S, E, scale, pqn, q.row, q.col, q.batch, pkn, k.col, k.row, k.batch, 0, pp, S, L * S); // scale·Q·Kᵀ (B, L, S)
    rt.exports.attentionSoftmax(pp, mask ? pm + 4 * n * mask.outer : 0, mask?.batch ?? 0, mask?.row ?? 0, plse + 4 * n * B * L, B, L, S, causal ? 1 : 0);
    runGemmBatched(rt, B, L, Ev, S, 1, pp, S, 1, L * S, pvn, v.row, v.col, v.batch, 0, o.ptr + 4 * n * lo.outer, lo.row, lo.batch); // P·V (B, L, Ev)
  }
  return { out: takeOutput(rt, o), lse: rt.f32(plse, N * B * L).slice() };
}

/**
 * The gradients of attentionForward from the saved out (strided like q) and lse (dense N×B×L), the output's
 * gradient gOut (strided) and lse's gLse (dense N×B×L): P = e^{S − lse} recomputed, dV = Pᵀ·dO,
 * dS = P ∘ (dO·Vᵀ − rowsum(dO ∘ O) + dlse), dQ = scale·dS·K, dK = scale·dSᵀ·Q; dS itself (dense) with maskGrad.
 */
export function attentionBackward(
  rt: WasmRuntime, { N, B, L, S, E, Ev }: AttentionSizes, q: StackView, k: StackView, v: StackView,
  out: StackView, lse: Float32Array, gOut: StackView, gLse: Float32Array, mask: MaskView | null, scale: number, causal: boolean, maskGrad: boolean,
  outputs: AttentionOutputs = {},
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; ds: Float32Array | null } {
  const op = "attentionBackward";
  const lq = outputs.dqLayout ?? denseLayout(B, L, E), lk = outputs.dkLayout ?? denseLayout(B, S, E), lv = outputs.dvLayout ?? denseLayout(B, S, Ev);
  checkLayout(op, "dq", lq, N, B, L, E);
  checkLayout(op, "dk", lk, N, B, S, E);
  checkLayout(op, "dv", lv, N, B, S, Ev);
  for (const [name, t] of [["out", out], ["gOut", gOut]] as const) {
    if (t.col !== 1) throw new Error(`${op}: ${name} needs contiguous rows (column stride 1), got ${t.col}`);
  }
  rt.resetArena();
  const pq = place(rt, op, "q", q, N, B, L, E), pk = place(rt, op, "k", k, N, B, S, E), pv = place(rt, op, "v", v, N, B, S, Ev);
  const pout = place(rt, op, "out", out, N, B, L, Ev), pgo = place(rt, op, "gOut", gOut, N, B, L, Ev);
  const dense = (data: Float32Array): StackView => ({ data, offset: 0, outer: B * L, batch: L, row: 0, col: 1 });
  const plse = place(rt, op, "lse", dense(lse), N, B, 1, L), pgl = place(rt, op, "gLse", dense(gLse), N, B, 1, L);
  const pm = mask ? place(rt, op, "mask", { ...mask, col: 1 }, N, B, L, S) : 0;
  // one group's probabilities and score gradient at a time (all groups' when the mask's gradient is wanted)
  const pp = rt.alloc(4 * B * L * S), pds = rt.alloc(4 * (maskGrad ? N : 1) * B * L * S);
  const oq = placeOutput(rt, op, N * B * L * E, outputs.dq), ok = placeOutput(rt, op, N * B * S * E, outputs.dk), ov = placeOutput(rt, op, N * B * S * Ev, outputs.dv);
  for (let n = 0; n < N; n++) {
    const pqn = pq + 4 * n * q.outer, pkn = pk + 4 * n * k.outer, pvn = pv + 4 * n * v.outer;
    const pgon = pgo + 4 * n * gOut.outer, poutn = pout + 4 * n * out.outer, pdsn = pds + (maskGrad ? 4 * n * B * L * S : 0);
    runGemmBatched(rt, B, L, S, E, scale, pqn, q.row, q.col, q.batch, pkn, k.col, k.row, k.batch, 0, pp, S, L * S); // scores
    rt.exports.attentionProbs(pp, mask ? pm + 4 * n * mask.outer : 0, mask?.batch ?? 0, mask?.row ?? 0, plse + 4 * n * B * L, B, L, S, causal ? 1 : 0); // P
    runGemmBatched(rt, B, S, Ev, L, 1, pp, 1, S, L * S, pgon, gOut.row, 1, gOut.batch, 0, ov.ptr + 4 * n * lv.outer, lv.row, lv.batch); // Pᵀ·dO
    runGemmBatched(rt, B, L, S, Ev, 1, pgon, gOut.row, 1, gOut.batch, pvn, v.col, v.row, v.batch, 0, pdsn, S, L * S); // dO·Vᵀ
    rt.exports.attentionScoreGrad(pdsn, pp, pgon, gOut.batch, gOut.row, poutn, out.batch, out.row, pgl + 4 * n * B * L, B, L, S, Ev); // dS
    runGemmBatched(rt, B, L, E, S, scale, pdsn, S, 1, L * S, pkn, k.row, k.col, k.batch, 0, oq.ptr + 4 * n * lq.outer, lq.row, lq.batch); // scale·dS·K
    runGemmBatched(rt, B, S, E, L, scale, pdsn, 1, S, L * S, pqn, q.row, q.col, q.batch, 0, ok.ptr + 4 * n * lk.outer, lk.row, lk.batch); // scale·dSᵀ·Q
  }
  return {
    dq: takeOutput(rt, oq),
    dk: takeOutput(rt, ok),
    dv: takeOutput(rt, ov),
    ds: maskGrad ? rt.f32(pds, N * B * L * S).slice() : null,
  };
}
