// The fast float32 kernels (WebAssembly SIMD + worker threads) behind a plain TypedArray API.
import { binary, binaryColumn, binaryRow, binaryScalar, unary, type BinaryOp, type UnaryOp } from "./elementwise.js";
import { gemm, gemmBatched, type BatchedGemmOptions, type BatchedMatrixView, type GemmOptions, type MatrixView } from "./gemm.js";
import { col2im, im2col, type ConvGeometry } from "./im2col.js";
import { hostPlatform } from "./hostPlatform.js";
import { maxPoolBackwardPlanes, maxPoolPlanes, type PoolAxis } from "./pooling.js";
import { conv2dForward, conv2dInputGrad, conv2dWeightGrad, fold2d, unfold2d, type Conv2dShape } from "./conv.js";
import type { WasmPlatform } from "./platform.js";
import { logSoftmax, reduce, softmax, type ReduceOp } from "./reduce.js";
import { adam, sgd, type AdamStep, type SgdHyper, type SgdMode } from "./optim.js";
import { WasmRuntime, type RuntimeOptions } from "./WasmRuntime.js";
import { lstmBackward, lstmForward, type LstmBackwardResult, type LstmForwardResult } from "./lstm.js";
import { gruBackward, gruForward, type GruBackwardResult, type GruForwardResult } from "./gru.js";
import { gatherRows, scatterAddRows, scatterMax, sddmm, segmentSoftmax, spmm } from "./sparse.js";
import { layerNormBackward, layerNormForward } from "./layerNorm.js";
import { attentionBackward, attentionForward, type AttentionOutputs, type AttentionSizes, type MaskView, type StackView } from "./attention.js";

export interface WasmKernelsOptions extends RuntimeOptions {
  /** Host services; default: Node's, or the browser's in a browser bundle (package.json "browser" swaps hostPlatform.ts). */
  platform?: WasmPlatform;
}

/**
 * The kernels of one WebAssembly instance. Create with `await WasmKernels.create()`, `WasmKernels.createSync()`
 * (or the shared `initWasmKernels()`); every kernel call is then synchronous.
 */
export class WasmKernels {
  private constructor(readonly runtime: WasmRuntime) {}

  static async create(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
    return new WasmKernels(await WasmRuntime.create(options.platform ?? hostPlatform, options));
  }

  /** Compiles and instantiates on the calling thread; the worker threads start in the background (see threadsReady). */
  static createSync(options: WasmKernelsOptions = {}): WasmKernels {
    return new WasmKernels(WasmRuntime.createSync(options.platform ?? hostPlatform, options));
  }

  /** "relaxed" (fused multiply-add) or "simd", with "Shared" when threads are possible. */
  get variant(): string {
    return this.runtime.variant;
  }

  getNumThreads(): number {
    return this.runtime.getNumThreads();
  }

  /** Threads to use including the calling one; resolves when the workers are ready. */
  setNumThreads(n: number): Promise<void> {
    return this.runtime.setNumThreads(n);
  }

  /** Resolves once the worker threads of the current thread count run (rejects if one failed to start). */
  threadsReady(): Promise<void> {
    return this.runtime.threadsReady();
  }

  /** Stops the worker threads; kernels keep running on the calling thread. */
  terminate(): void {
    this.runtime.terminate();
  }

  /** C = alpha·op(A)·op(B) + beta·C; op(A) is m×k, op(B) is k×n (see MatrixView). */
  gemm(m: number, n: number, k: number, a: MatrixView, b: MatrixView, options?: GemmOptions): Float32Array {
    return gemm(this.runtime, m, n, k, a, b, options);
  }

  /** C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i] for i < batch. */
  gemmBatched(batch: number, m: number, n: number, k: number, a: BatchedMatrixView, b: BatchedMatrixView, options?: BatchedGemmOptions): Float32Array {
    return gemmBatched(this.runtime, batch, m, n, k, a, b, options);
  }

  /** out[i] = op(x[i]) for op in neg, abs, relu, sqrt, exp, log, tanh, sigmoid. */
  unary(op: UnaryOp, x: Float32Array, out?: Float32Array): Float32Array {
    return unary(this.runtime, op, x, out);
  }

  /** out = a op b (same length) for op in add, sub, mul, div, max, min. */
  binary(op: BinaryOp, a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
    return binary(this.runtime, op, a, b, out);
  }

  /** out = a op s, or s op a with scalarFirst. */
  binaryScalar(op: BinaryOp, a: Float32Array, s: number, options?: { scalarFirst?: boolean; out?: Float32Array }): Float32Array {
    return binaryScalar(this.runtime, op, a, s, options);
  }

  /** out[i, j] = a[i, j] op row[j] (a is rows×cols), or row[j] op a[i, j] with rowFirst. */
  binaryRow(op: BinaryOp, a: Float32Array, row: Float32Array, rows: number, cols: number, options?: { rowFirst?: boolean; out?: Float32Array }): Float32Array {
    return binaryRow(this.runtime, op, a, row, rows, cols, options);
  }

  /** out[i, j] = a[i, j] op column[i] (a is rows×cols), or column[i] op a[i, j] with columnFirst. */
  binaryColumn(op: BinaryOp, a: Float32Array, column: Float32Array, rows: number, cols: number, options?: { columnFirst?: boolean; out?: Float32Array }): Float32Array {
    return binaryColumn(this.runtime, op, a, column, rows, cols, options);
  }

  /** Reduces the middle dimension of a contiguous [outer, size, inner] array (inner = 1: the last). */
  reduce(op: ReduceOp, x: Float32Array, outer: number, size: number, inner: number): Float32Array {
    return reduce(this.runtime, op, x, outer, size, inner);
  }

  /** Softmax over the last dimension of a contiguous rows×n array. */
  softmax(x: Float32Array, rows: number, n: number): Float32Array {
    return softmax(this.runtime, x, rows, n);
  }

  /** Log-softmax over the last dimension of a contiguous rows×n array. */
  logSoftmax(x: Float32Array, rows: number, n: number): Float32Array {
    return logSoftmax(this.runtime, x, rows, n);
  }

  /** In-place Adam/AdamW update of p, m, v (and vmax with AMSGrad); see optim.ts. */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, step: AdamStep): void {
    adam(this.runtime, p, g, m, v, vmax, step);
  }

  /**
   * A copy of `src` in a resident block of the kernels' linear memory, which kernels then read and
   * update in place without copies (null when memory is not shared or `limitBytes` are pinned).
   * Free it with unpin(ptr, bytes) once nothing uses the view.
   */
  pin(src: Float32Array, limitBytes: number): { view: Float32Array; ptr: number; bytes: number } | null {
    return this.runtime.allocResident(src, limitBytes);
  }

  unpin(ptr: number, bytes: number): void {
    this.runtime.freeResident(ptr, bytes);
  }

  /** In-place SGD update of p and its momentum buffer b (torch.optim.SGD's formulas; see optim.ts). */
  sgd(mode: SgdMode, p: Float32Array, g: Float32Array, b: Float32Array | null, hyper: SgdHyper): void {
    sgd(this.runtime, mode, p, g, b, hyper);
  }

  /** The fused LSTM recurrence of one direction (see assembly/lstm.ts): xg (T, B, 4H), whh (4H, H), h0, c0 (B, H). */
  lstmForward(
    T: number, B: number, H: number, xg: Float32Array, whh: Float32Array, h0: Float32Array, c0: Float32Array, reverse: boolean,
    out: LstmForwardResult = { hs: new Float32Array(T * B * H), cs: new Float32Array(T * B * H), gates: new Float32Array(T * B * 4 * H) },
  ): LstmForwardResult {
    return lstmForward(this.runtime, T, B, H, xg, whh, h0, c0, reverse, out);
  }

  /** Backpropagation through time of lstmForward: dxg (T, B, 4H), dh0, dc0 (B, H), and dW_hh with out.weightGrad; dcs null is zero. */
  lstmBackward(
    T: number, B: number, H: number, dhs: Float32Array, dcs: Float32Array | null, whh: Float32Array, c0: Float32Array, cs: Float32Array, gates: Float32Array, reverse: boolean,
    out: LstmBackwardResult = { dxg: new Float32Array(T * B * 4 * H), dh0: new Float32Array(B * H), dc0: new Float32Array(B * H) },
  ): LstmBackwardResult {
    return lstmBackward(this.runtime, T, B, H, dhs, dcs, whh, c0, cs, gates, reverse, out);
  }

  /** The fused GRU recurrence of one direction (see assembly/gru.ts): xg (T, B, 3H), whh (3H, H), bhh (3H), h0 (B, H). */
  gruForward(
    T: number, B: number, H: number, xg: Float32Array, whh: Float32Array, bhh: Float32Array, h0: Float32Array, reverse: boolean,
    out: GruForwardResult = { hs: new Float32Array(T * B * H), saved: new Float32Array(T * B * 4 * H) },
  ): GruForwardResult {
    return gruForward(this.runtime, T, B, H, xg, whh, bhh, h0, reverse, out);
  }

  /** Backpropagation through time of gruForward: dxg and dgh (T, B, 3H), dh0 (B, H). */
  gruBackward(
    T: number, B: number, H: number, dhs: Float32Array, whh: Float32Array, h0: Float32Array, hs: Float32Array, saved: Float32Array, reverse: boolean,
    out: GruBackwardResult = { dxg: new Float32Array(T * B * 3 * H), dgh: new Float32Array(T * B * 3 * H), dh0: new Float32Array(B * H) },
  ): GruBackwardResult {
    return gruBackward(this.runtime, T, B, H, dhs, whh, h0, hs, saved, reverse, out);
  }

  /**
   * SpMM: out (rows × F) = A·x for the COO matrix A given by row, col and values (one per entry, or H per
   * entry: head h multiplies columns h·F/H … (h + 1)·F/H − 1), x being M × F. Null when an index is out of range.
   */
  spmm(row: Int32Array, col: Int32Array, values: Float32Array, x: Float32Array, rows: number, M: number, F: number, H: number, out?: Float32Array): Float32Array | null {
    return spmm(this.runtime, row, col, values, x, rows, M, F, H, out);
  }

  /** SDDMM: out (E × H)[e, h] = dot of a[row[e]] and b[col[e]] over head h's F/H columns; null when an index is out of range. */
  sddmm(row: Int32Array, col: Int32Array, a: Float32Array, b: Float32Array, R: number, M: number, F: number, H: number, out?: Float32Array): Float32Array | null {
    return sddmm(this.runtime, row, col, a, b, R, M, F, H, out);
  }

  /** Segment maximum: out (dimSize × inner)[n] = max of src[e] over index[e] = n (first NaN wins, empty groups 0); null when an index is out of range. */
  scatterMax(src: Float32Array, index: Int32Array, inner: number, dimSize: number, out?: Float32Array): Float32Array | null {
    return scatterMax(this.runtime, src, index, inner, dimSize, out);
  }

  /** Softmax over edge groups: out[e] = e^{src[e] − max_g} / (Σ_g e^{src − max_g} + 1e-16), g = index[e]; null when an index is out of range. */
  segmentSoftmax(src: Float32Array, index: Int32Array, inner: number, dimSize: number, out?: Float32Array): Float32Array | null {
    return segmentSoftmax(this.runtime, src, index, inner, dimSize, out);
  }

  /** Row gather (index_select along dim 0): out[i] = x[index[i]] for x of n rows of R floats; null when an index is out of range. */
  gatherRows(x: Float32Array, index: Int32Array, n: number, R: number, out?: Float32Array): Float32Array | null {
    return gatherRows(this.runtime, x, index, n, R, out);
  }

  /** Row scatter-add (index_add along dim 0): out = x, then out[index[i]] += src[i] in order; null when an index is out of range. */
  scatterAddRows(x: Float32Array, index: Int32Array, src: Float32Array, n: number, R: number, out?: Float32Array): Float32Array | null {
    return scatterAddRows(this.runtime, x, index, src, n, R, out);
  }

  /** Scaled dot-product attention softmax(scale·Q·Kᵀ + mask, causal)·V per stack (N groups of B), with each row's logsumexp. */
  attentionForward(
    sizes: AttentionSizes, q: StackView, k: StackView, v: StackView, mask: MaskView | null, scale: number, causal: boolean, outputs?: AttentionOutputs,
  ): { out: Float32Array; lse: Float32Array } {
    return attentionForward(this.runtime, sizes, q, k, v, mask, scale, causal, outputs);
  }

  /** The gradients of attentionForward in q, k, v (and the scores, for a mask's gradient) from its saved out and lse. */
  attentionBackward(
    sizes: AttentionSizes, q: StackView, k: StackView, v: StackView, out: StackView, lse: Float32Array, gOut: StackView, gLse: Float32Array,
    mask: MaskView | null, scale: number, causal: boolean, maskGrad: boolean, outputs?: AttentionOutputs,
  ): { dq: Float32Array; dk: Float32Array; dv: Float32Array; ds: Float32Array | null } {
    return attentionBackward(this.runtime, sizes, q, k, v, out, lse, gOut, gLse, mask, scale, causal, maskGrad, outputs);
  }

  /** Layer normalization of each row of D values of x (rows × D): the output and each row's mean and 1/σ. */
  layerNorm(x: Float32Array, w: Float32Array, b: Float32Array, rows: number, D: number, eps: number, out?: Float32Array): { y: Float32Array; mean: Float32Array; rstd: Float32Array } {
    return layerNormForward(this.runtime, x, w, b, rows, D, eps, out);
  }

  /** The gradients of layerNorm in x, w and b from the output gradient g and the saved mean and 1/σ. */
  layerNormBackward(
    g: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, w: Float32Array, rows: number, D: number, dxOut?: Float32Array,
  ): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
    return layerNormBackward(this.runtime, g, x, mean, rstd, w, rows, D, dxOut);
  }

  /** NCHW images → columns [batch, C·KH·KW, OH·OW] (torch unfold layout). */
  im2col(x: Float32Array, geometry: ConvGeometry): Float32Array {
    return im2col(this.runtime, x, geometry);
  }

  /** Columns → NCHW images, summing overlapping receptive fields (adjoint of im2col). */
  col2im(cols: Float32Array, geometry: ConvGeometry): Float32Array {
    return col2im(this.runtime, cols, geometry);
  }

  /** Grouped 2-D convolution of dense NCHW x with w (Cout, Cin/groups, kH, kW), plus an optional bias (Cout), into `out` (im2col + GEMM). */
  conv2d(shape: Conv2dShape, x: Float32Array, w: Float32Array, out: Float32Array, bias?: Float32Array): Float32Array {
    return conv2dForward(this.runtime, shape, x, w, out, bias);
  }

  /** The adjoint of conv2d in x (a transposed convolution of dy with w) into `out`. */
  conv2dInputGrad(shape: Conv2dShape, dy: Float32Array, w: Float32Array, out: Float32Array): Float32Array {
    return conv2dInputGrad(this.runtime, shape, dy, w, out);
  }

  /** The adjoint of conv2d in w (the weight gradient from x and dy) into `out`. */
  conv2dWeightGrad(shape: Conv2dShape, x: Float32Array, dy: Float32Array, out: Float32Array): Float32Array {
    return conv2dWeightGrad(this.runtime, shape, x, dy, out);
  }

  /** Max pooling of `planes` planes (D, H, W) of x over the windows of each axis, into values and indices (offsets within a plane). */
  maxPool(x: Float32Array, planes: number, dims: readonly [number, number, number], axes: readonly [PoolAxis, PoolAxis, PoolAxis], values: Float32Array, indices: Int32Array): void {
    maxPoolPlanes(this.runtime, x, planes, dims, axes, values, indices);
  }

  /** The adjoint of maxPool: out (planes, inPlane) zero except g added at the saved indices. */
  maxPoolBackward(g: Float32Array, indices: Int32Array, planes: number, inPlane: number, out: Float32Array): void {
    maxPoolBackwardPlanes(this.runtime, g, indices, planes, inPlane, out);
  }

  /** im2col of dense NCHW x over the geometry of `shape` (outChannels unused) into `out`. */
  unfold2d(shape: Conv2dShape, x: Float32Array, out: Float32Array): Float32Array {
    return unfold2d(this.runtime, shape, x, out);
  }

  /** col2im (the adjoint of unfold2d) into `out`. */
  fold2d(shape: Conv2dShape, cols: Float32Array, out: Float32Array): Float32Array {
    return fold2d(this.runtime, shape, cols, out);
  }
}

let shared: WasmKernels | null = null;
let compiling: Promise<WasmKernels> | null = null;

/**
 * The process-wide kernels instance, created synchronously on first call (deepscript's import creates it);
 * its worker threads may still be starting.
 */
export function sharedWasmKernels(): WasmKernels {
  shared ??= WasmKernels.createSync();
  return shared;
}

/**
 * The process-wide kernels instance, once its worker threads run. Where the engine refuses to compile
 * synchronously (a RangeError: Chrome limits it on a page's main thread, to 8 MB since 2023), it is
 * compiled asynchronously instead.
 */
export async function initWasmKernels(): Promise<WasmKernels> {
  if (!shared) {
    try {
      sharedWasmKernels();
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      compiling ??= WasmKernels.create();
      shared = await compiling;
    }
  }
  const kernels = sharedWasmKernels();
  await kernels.threadsReady();
  return kernels;
}
