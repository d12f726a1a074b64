// GEMM entry points over plain Float32Arrays: copy operands into the arena (unless they already live
// in linear memory), split across threads.
import type { WasmRuntime } from "./WasmRuntime.js";
import { allocateUninitialized } from "../pool.js";

/**
 * A matrix inside a Float32Array: element (i, j) is data[offset + i·rowStride + j·colStride].
 * A transposed view is the same data with the two strides swapped, so no copy is needed.
 */
export interface MatrixView {
  data: Float32Array;
  offset?: number;
  rowStride: number;
  colStride: number;
}

/** A stack of matrices: matrix b starts batchStride elements after matrix b - 1 (0 broadcasts). */
export interface BatchedMatrixView extends MatrixView {
  batchStride: number;
}

export interface GemmOptions {
  /** Scale of op(A)·op(B); default 1. */
  alpha?: number;
  /** Scale of the existing C; default 0 (C is then write-only and may hold anything, even NaN). */
  beta?: number;
  /** Output array (read when beta != 0); default a new zero-offset M×N (×batch) array. */
  out?: Float32Array;
  outOffset?: number;
  /** Elements between rows of C; default n. */
  ldc?: number;
  /** A row of n values added to every row of C (a layer's bias): C = alpha·op(A)·op(B) + bias. Not with beta. */
  bias?: Float32Array;
}

export interface BatchedGemmOptions extends GemmOptions {
  /** Elements between consecutive C matrices; default ldc·m. */
  outBatchStride?: number;
}

/** Problems smaller than this many flops stay on the calling thread (waking workers costs ~10 µs). */
const PARALLEL_MIN_FLOPS = 1 << 22;
/** Register tile of the kernel: row blocks split at multiples of MR, column blocks of NR. */
const MR = 4;
const NR = 8;

function checkStride(op: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${op}: ${name} must be a non-negative integer, got ${value}`);
  }
}

/** Number of elements from the first to one past the last element the view touches. */
function span(op: string, name: string, view: MatrixView, rows: number, cols: number, batch = 1, batchStride = 0): number {
  const offset = view.offset ?? 0;
  checkStride(op, `${name}.offset`, offset);
  checkStride(op, `${name}.rowStride`, view.rowStride);
  checkStride(op, `${name}.colStride`, view.colStride);
  checkStride(op, `${name}.batchStride`, batchStride);
  if (rows === 0 || cols === 0 || batch === 0) return 0;
  const extent = (batch - 1) * batchStride + (rows - 1) * view.rowStride + (cols - 1) * view.colStride + 1;
  if (offset + extent > view.data.length) {
    throw new Error(
      `${op}: ${name} (${batch > 1 ? `${batch}×` : ""}${rows}×${cols}, offset ${offset}, strides ` +
        `[${batch > 1 ? `${batchStride}, ` : ""}${view.rowStride}, ${view.colStride}]) reaches element ` +
        `${offset + extent - 1} but its array has length ${view.data.length}`,
    );
  }
  return extent;
}

/** Checks m, n, k (and batch): plain arguments, no object per call, as GEMMs of small layers run many times a step. */
function checkDims(op: string, m: number, n: number, k: number, batch = 1): void {
  checkDim(op, "batch", batch);
  checkDim(op, "m", m);
  checkDim(op, "n", n);
  checkDim(op, "k", k);
}

function checkDim(op: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${value}`);
}

interface Placed {
  out: Float32Array;
  outOffset: number;
  ldc: number;
  strideC: number;
  pC: number;
  extentC: number;
  /** C is the output array itself (it lives in linear memory): nothing to copy back. */
  inPlace: boolean;
}

/** Puts C into the arena (copying it only when beta != 0) and returns where to copy it back. */
function placeC(rt: WasmRuntime, op: string, batch: number, m: number, n: number, options: BatchedGemmOptions): Placed {
  const ldc = options.ldc ?? n;
  checkStride(op, "ldc", ldc);
  if (m > 1 && ldc < n) throw new Error(`${op}: ldc (${ldc}) must be at least n (${n})`);
  const strideC = options.outBatchStride ?? ldc * m;
  const outOffset = options.outOffset ?? 0;
  const length = batch > 0 && m > 0 ? outOffset + (batch - 1) * strideC + (m - 1) * ldc + n : outOffset;
  // A new dense output is written whole by copyBack (beta = 0 never reads it): no need to zero it.
  const whole = outOffset === 0 && ldc === n && strideC === m * n && (options.beta ?? 0) === 0;
  const out = options.out ?? (whole ? (allocateUninitialized("float32", length) as Float32Array) : new Float32Array(length));
  const extentC = span(op, "out", { data: out, offset: outOffset, rowStride: ldc, colStride: 1 }, m, n, batch, strideC);
  // An output that lives in linear memory is written in place (no copy in or back).
  const at = rt.addressOf(out);
  if (at >= 0) return { out, outOffset, ldc, strideC, pC: at + 4 * outOffset, extentC, inPlace: true };
  const pC = (options.beta ?? 0) !== 0 ? rt.put(out, outOffset, extentC) : rt.alloc(extentC * 4);
  return { out, outOffset, ldc, strideC, pC, extentC, inPlace: false };
}

/** Copies the written rows of C back from the arena (whole span when rows are dense). */
function copyBack(rt: WasmRuntime, c: Placed, batch: number, m: number, n: number): void {
  if (c.extentC === 0 || c.inPlace) return;
  const src = rt.f32(c.pC, c.extentC);
  if (c.ldc === n && c.strideC === m * n) {
    c.out.set(src, c.outOffset);
    return;
  }
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < m; i++) {
      const o = b * c.strideC + i * c.ldc;
      c.out.set(src.subarray(o, o + n), c.outOffset + o);
    }
  }
}

/** Splits [0, total) into `parts` ranges whose starts are multiples of `quantum`. */
function splitRange(total: number, parts: number, quantum: number): [number, number][] {
  const chunk = Math.ceil(total / parts / quantum) * quantum;
  const ranges: [number, number][] = [];
  for (let start = 0; start < total; start += chunk) ranges.push([start, Math.min(chunk, total - start)]);
  return ranges;
}

/** One (already placed) GEMM, split across threads by rows when m ≥ n, otherwise by columns. */
export function runGemm(
  rt: WasmRuntime, m: number, n: number, k: number, alpha: number,
  pA: number, rsA: number, csA: number, pB: number, rsB: number, csB: number,
  beta: number, pC: number, ldc: number,
): void {
  const threads = 2 * m * n * k >= PARALLEL_MIN_FLOPS ? rt.availableThreads() : 1;
  if (threads === 1) {
    const work = rt.alloc(rt.exports.gemmWorkspaceBytes(n));
    rt.exports.gemm(m, n, k, alpha, pA, rsA, csA, pB, rsB, csB, beta, pC, ldc, work);
    return;
  }
  const byRows = m >= n;
  const ranges = byRows ? splitRange(m, threads, MR) : splitRange(n, threads, NR);
  const jobs = ranges.map(([start, size]) => {
    const cols = byRows ? n : size;
    const work = rt.alloc(rt.exports.gemmWorkspaceBytes(cols));
    return byRows
      ? [size, n, k, alpha, pA + 4 * start * rsA, rsA, csA, pB, rsB, csB, beta, pC + 4 * start * ldc, ldc, work]
      : [m, size, k, alpha, pA, rsA, csA, pB + 4 * start * csB, rsB, csB, beta, pC + 4 * start, ldc, work];
  });
  rt.runParallel("gemm", jobs);
}

/**
 * C = alpha·op(A)·op(B) + beta·C with op(A) m×k and op(B) k×n given as strided views.
 * Returns the output array (options.out when given).
 */
export function gemm(rt: WasmRuntime, m: number, n: number, k: number, a: MatrixView, b: MatrixView, options: GemmOptions = {}): Float32Array {
  const op = "gemm";
  checkDims(op, m, n, k);
  const extentA = span(op, "a", a, m, k);
  const extentB = span(op, "b", b, k, n);
  const bias = options.bias;
  if (bias !== undefined) {
    if (bias.length !== n) throw new Error(`${op}: bias has length ${bias.length}, expected n = ${n}`);
    if ((options.beta ?? 0) !== 0) throw new Error(`${op}: bias and beta cannot be combined`);
  }
  rt.resetArena();
  const pA = rt.ref(a.data, a.offset ?? 0, extentA);
  const pB = rt.ref(b.data, b.offset ?? 0, extentB);
  const c = placeC(rt, op, 1, m, n, options);
  let beta = options.beta ?? 0;
  if (bias !== undefined && m > 0 && n > 0) {
    // C starts as the bias rows and the product is accumulated onto it (beta = 1).
    const cView = rt.f32(c.pC, c.extentC);
    for (let i = 0; i < m; i++) cView.set(bias, i * c.ldc);
    beta = 1;
  }
  runGemm(rt, m, n, k, options.alpha ?? 1, pA, a.rowStride, a.colStride, pB, b.rowStride, b.colStride, beta, c.pC, c.ldc);
  copyBack(rt, c, 1, m, n);
  return c.out;
}

/**
 * Batched GEMM: for each b < batch, C[b] = alpha·op(A[b])·op(B[b]) + beta·C[b]. Many small
 * problems are split across threads by batch; few large ones by rows/columns of each product.
 */
export function gemmBatched(
  rt: WasmRuntime, batch: number, m: number, n: number, k: number,
  a: BatchedMatrixView, b: BatchedMatrixView, options: BatchedGemmOptions = {},
): Float32Array {
  const op = "gemmBatched";
  checkDims(op, m, n, k, batch);
  const extentA = span(op, "a", a, m, k, batch, a.batchStride);
  const extentB = span(op, "b", b, k, n, batch, b.batchStride);
  rt.resetArena();
  const pA = rt.ref(a.data, a.offset ?? 0, extentA);
  const pB = rt.ref(b.data, b.offset ?? 0, extentB);
  const c = placeC(rt, op, batch, m, n, options);
  runGemmBatched(
    rt, batch, m, n, k, options.alpha ?? 1,
    pA, a.rowStride, a.colStride, a.batchStride,
    pB, b.rowStride, b.colStride, b.batchStride,
    options.beta ?? 0, c.pC, c.ldc, c.strideC,
  );
  copyBack(rt, c, batch, m, n);
  return c.out;
}

/**
 * C[i] = alpha·A[i]·B[i] + beta·C[i] for i < batch on operands already in linear memory (byte
 * addresses, strides in elements). Many small problems are split across threads by batch; few large
 * ones by rows/columns of each product.
 */
export function runGemmBatched(
  rt: WasmRuntime, batch: number, m: number, n: number, k: number, alpha: number,
  pA: number, rsA: number, csA: number, bsA: number,
  pB: number, rsB: number, csB: number, bsB: number,
  beta: number, pC: number, ldc: number, strideC: number,
): void {
  const threads = 2 * batch * m * n * k >= PARALLEL_MIN_FLOPS ? rt.availableThreads() : 1;
  if (batch === 0 || m === 0 || n === 0) return;
  if (batch >= threads) {
    const ranges = splitRange(batch, threads, 1);
    const jobs = ranges.map(([first, count]) => [
      first, count, m, n, k, alpha, pA, rsA, csA, bsA, pB, rsB, csB, bsB, beta, pC, ldc, strideC, rt.alloc(rt.exports.gemmWorkspaceBytes(n)),
    ]);
    if (jobs.length === 1) rt.exports.gemmBatched(...(jobs[0] as Parameters<typeof rt.exports.gemmBatched>));
    else rt.runParallel("gemmBatched", jobs);
  } else {
    for (let i = 0; i < batch; i++) {
      runGemm(rt, m, n, k, alpha, pA + 4 * i * bsA, rsA, csA, pB + 4 * i * bsB, rsB, csB, beta, pC + 4 * i * strideC, ldc);
    }
  }
}
