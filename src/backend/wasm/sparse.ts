// The sparse graph kernels (assembly/sparse.ts) over plain arrays: SpMM, SDDMM, segment maximum and softmax, row gather and
// row scatter-add. Each returns null when an index is out of range, so the caller can take the reference path.
import type { WasmRuntime } from "./WasmRuntime.js";

function checkLength(op: string, name: string, have: number, want: number): void {
  if (have !== want) throw new Error(`${op}: ${name} has length ${have}, expected ${want}`);
}

/**
 * out (rows × F) = A·x for the COO matrix A (row[e], col[e], values[e] or values[e·H + h] per head, each
 * head multiplying a block of F/H columns) and x (M × F). Null when an index is out of range.
 */
export function spmm(
  rt: WasmRuntime, row: Int32Array, col: Int32Array, values: Float32Array, x: Float32Array, rows: number, M: number, F: number, H: number,
  out: Float32Array = new Float32Array(rows * F),
): Float32Array | null {
  const E = row.length;
  checkLength("spmm", "col", col.length, E);
  checkLength("spmm", "values", values.length, E * H);
  checkLength("spmm", "x", x.length, M * F);
  checkLength("spmm", "out", out.length, rows * F);
  if (H < 1 || F % H !== 0) throw new Error(`spmm: ${H} heads do not divide ${F} columns`);
  rt.resetArena();
  const pr = rt.putInt32(row), pc = rt.putInt32(col), pv = rt.ref(values, 0, values.length), px = rt.ref(x, 0, x.length);
  const po = rt.alloc(4 * rows * F);
  if (rt.exports.spmm(pr, pc, pv, px, po, E, rows, M, F, H) !== -1) return null;
  out.set(rt.f32(po, rows * F));
  return out;
}

/** out (E × H)[e, h] = Σ_c a[row[e], h·C + c]·b[col[e], h·C + c] (C = F/H; a R × F, b M × F). Null when an index is out of range. */
export function sddmm(
  rt: WasmRuntime, row: Int32Array, col: Int32Array, a: Float32Array, b: Float32Array, R: number, M: number, F: number, H: number,
  out: Float32Array = new Float32Array(row.length * H),
): Float32Array | null {
  const E = row.length;
  checkLength("sddmm", "col", col.length, E);
  checkLength("sddmm", "a", a.length, R * F);
  checkLength("sddmm", "b", b.length, M * F);
  checkLength("sddmm", "out", out.length, E * H);
  if (H < 1 || F % H !== 0) throw new Error(`sddmm: ${H} heads do not divide ${F} columns`);
  rt.resetArena();
  const pr = rt.putInt32(row), pc = rt.putInt32(col), pa = rt.ref(a, 0, a.length), pb = rt.ref(b, 0, b.length);
  const po = rt.alloc(4 * E * H);
  if (rt.exports.sddmm(pr, pc, pa, pb, po, E, R, M, F, H) !== -1) return null;
  out.set(rt.f32(po, E * H));
  return out;
}

/** out (dimSize × inner)[n] = max of src[e] (E × inner) over index[e] = n, first NaN winning, 0 for empty groups. */
export function scatterMax(rt: WasmRuntime, src: Float32Array, index: Int32Array, inner: number, dimSize: number, out: Float32Array = new Float32Array(dimSize * inner)): Float32Array | null {
  const E = index.length;
  checkLength("scatterMax", "src", src.length, E * inner);
  checkLength("scatterMax", "out", out.length, dimSize * inner);
  rt.resetArena();
  const ps = rt.ref(src, 0, src.length), pi = rt.putInt32(index);
  const po = rt.alloc(4 * dimSize * inner), seen = rt.alloc(dimSize);
  if (rt.exports.scatterMax(ps, pi, po, seen, E, inner, dimSize) !== -1) return null;
  out.set(rt.f32(po, dimSize * inner));
  return out;
}

/** Softmax of src (E × inner) over the groups of index (dimSize of them): e^{src − max} / (group sum + 1e-16). */
export function segmentSoftmax(rt: WasmRuntime, src: Float32Array, index: Int32Array, inner: number, dimSize: number, out: Float32Array = new Float32Array(src.length)): Float32Array | null {
  const E = index.length;
  checkLength("segmentSoftmax", "src", src.length, E * inner);
  checkLength("segmentSoftmax", "out", out.length, E * inner);
  rt.resetArena();
  const ps = rt.ref(src, 0, src.length), pi = rt.putInt32(index), po = rt.alloc(4 * E * inner);
  const max = rt.alloc(4 * dimSize * inner), sums = rt.alloc(4 * dimSize * inner), seen = rt.alloc(dimSize);
  if (rt.exports.segmentSoftmax(ps, pi, po, max, sums, seen, E, inner, dimSize) !== -1) return null;
  out.set(rt.f32(po, E * inner));
  return out;
}

/** out (m × R)[i] = x[index[i]], x being n × R. */
export function gatherRows(rt: WasmRuntime, x: Float32Array, index: Int32Array, n: number, R: number, out: Float32Array = new Float32Array(index.length * R)): Float32Array | null {
  const m = index.length;
  checkLength("gatherRows", "x", x.length, n * R);
  checkLength("gatherRows", "out", out.length, m * R);
  rt.resetArena();
  const px = rt.ref(x, 0, x.length), pi = rt.putInt32(index), po = rt.alloc(4 * m * R);
  if (rt.exports.gatherRows(px, pi, po, m, n, R) !== -1) return null;
  out.set(rt.f32(po, m * R));
  return out;
}

/** out (n × R) = x, then out[index[i]] += src[i] for every i in order (src m × R). */
export function scatterAddRows(rt: WasmRuntime, x: Float32Array, index: Int32Array, src: Float32Array, n: number, R: number, out: Float32Array = new Float32Array(n * R)): Float32Array | null {
  const m = index.length;
  checkLength("scatterAddRows", "x", x.length, n * R);
  checkLength("scatterAddRows", "src", src.length, m * R);
  checkLength("scatterAddRows", "out", out.length, n * R);
  rt.resetArena();
  const po = rt.put(x, 0, x.length), pi = rt.putInt32(index), ps = rt.ref(src, 0, src.length);
  if (rt.exports.scatterAddRows(po, pi, ps, m, n, R) !== -1) return null;
  out.set(rt.f32(po, n * R));
  return out;
}
