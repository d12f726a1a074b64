// 2-D convolutions of float32 NCHW images as im2col + GEMM, the columns never leaving the kernels'
// linear memory: the forward pass, its adjoint in the input (transposed convolution: GEMM + col2im)
// and its adjoint in the weight (im2col + GEMM accumulated over the batch). Groups are one GEMM each.
import type { WasmRuntime } from "./WasmRuntime.js";
import { runGemmBatched } from "./gemm.js";
import { MAX_CHUNKS } from "./workerSource.js";

/**
 * The geometry of a grouped 2-D convolution x (batch, inChannels, height, width) ⊛ w (outChannels,
 * inChannels/groups, kernelH, kernelW) → (batch, outChannels, outH, outW): output (i, j) reads input
 * (i·strideH − padH + ki·dilationH, j·strideW − padW + kj·dilationW), zero outside the image. The output
 * size is given, so the padding after the image may differ from padH/padW.
 */
export interface Conv2dShape {
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/** Sizes of the GEMMs: CK rows of columns per image, CgK per group, L output positions. */
function dims(s: Conv2dShape) {
  const K = s.kernelH * s.kernelW, CK = s.inChannels * K, L = s.outH * s.outW;
  return { K, CK, CgK: CK / s.groups, Og: s.outChannels / s.groups, L };
}

/** A 1×1 kernel with unit stride and no padding reads the image itself: no columns needed. */
function isPointwise(s: Conv2dShape): boolean {
  return s.kernelH === 1 && s.kernelW === 1 && s.strideH === 1 && s.strideW === 1 && s.padH === 0 && s.padW === 0 &&
    s.outH === s.height && s.outW === s.width;
}

/** im2col or col2im over the batch, split across threads by images. */
function fields(rt: WasmRuntime, kernel: "im2col" | "col2im", pSrc: number, pDst: number, s: Conv2dShape): void {
  const { CK, L } = dims(s);
  const image = s.inChannels * s.height * s.width, cols = CK * L;
  const threads = s.batch * cols >= 1 << 16 ? Math.min(rt.availableThreads(), s.batch) : 1;
  // im2col reads images and writes columns; col2im reads columns and writes images.
  const [srcStride, dstStride] = kernel === "im2col" ? [image, cols] : [cols, image];
  const per = Math.ceil(s.batch / threads);
  const jobs: number[][] = [];
  for (let first = 0; first < s.batch; first += per) {
    const count = Math.min(per, s.batch - first);
    jobs.push([
      pSrc + 4 * first * srcStride, pDst + 4 * first * dstStride, count, s.inChannels, s.height, s.width,
      s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW, s.dilationH, s.dilationW, s.outH, s.outW,
    ]);
  }
  if (jobs.length === 1) (rt.exports[kernel] as (...args: number[]) => void)(...jobs[0]!);
  else if (jobs.length > 1) rt.runParallel(kernel, jobs);
}

/** Convolutions from this many flops are split across threads (as runGemmBatched's GEMMs). */
const PARALLEL_MIN_FLOPS = 1 << 22;

/** The geometry arguments of im2col/col2im for one image at a time. */
function geometry(s: Conv2dShape): number[] {
  return [s.inChannels, s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW, s.dilationH, s.dilationW, s.outH, s.outW];
}

/**
 * Runs of images for the per-image kernels (convImages, ...), which keep one image's columns in a small
 * buffer in cache instead of writing the whole batch's columns to memory and reading them back: one run on
 * one thread, else two per thread (claimed dynamically, so a late thread costs little). Null when the
 * batch is smaller than the threads (a product is then split by rows or columns, see runGemmBatched) or
 * for grouped convolutions.
 */
function imageRuns(rt: WasmRuntime, s: Conv2dShape): [number, number][] | null {
  const { CK, Og, L } = dims(s);
  if (s.groups !== 1 || s.batch === 0) return null;
  const threads = 2 * s.batch * Og * L * CK >= PARALLEL_MIN_FLOPS ? rt.availableThreads() : 1;
  if (s.batch < threads) return null;
  const parts = threads === 1 ? 1 : Math.min(2 * threads, s.batch, MAX_CHUNKS);
  const per = Math.ceil(s.batch / parts);
  const runs: [number, number][] = [];
  for (let first = 0; first < s.batch; first += per) runs.push([first, Math.min(per, s.batch - first)]);
  return runs;
}

/** Output elements from which the bias fill is split across threads. */
const FILL_PARALLEL_MIN = 1 << 16;

/** Where to write an output of `length` floats: `out` itself when it lives in linear memory, else the arena. */
function place(rt: WasmRuntime, out: Float32Array): { p: number; finish: () => Float32Array } {
  const at = rt.addressOf(out);
  if (at >= 0) return { p: at, finish: () => out };
  const p = rt.alloc(out.length * 4);
  return { p, finish: () => (out.set(rt.f32(p, out.length)), out) };
}

/** y (batch, outChannels, outH, outW) = conv(x, w) + bias (per channel, optional), written into `out`. */
export function conv2dForward(rt: WasmRuntime, s: Conv2dShape, x: Float32Array, w: Float32Array, out: Float32Array, bias?: Float32Array): Float32Array {
  const { CK, CgK, Og, L } = dims(s);
  rt.resetArena();
  const pX = rt.ref(x, 0, x.length), pW = rt.ref(w, 0, w.length);
  const runs = isPointwise(s) ? null : imageRuns(rt, s);
  let pCols = pX;
  if (!isPointwise(s) && !runs) {
    pCols = rt.alloc(s.batch * CK * L * 4);
    fields(rt, "im2col", pX, pCols, s);
  }
  const y = place(rt, out);
  if (bias) {
    // y starts as the bias, broadcast over each channel's plane (split by images); the products are added onto it.
    const pBias = rt.ref(bias, 0, s.outChannels), plane = s.outChannels * L;
    rt.runJobs("fillPlanes", rt.splitRange(s.batch, s.batch * plane, FILL_PARALLEL_MIN).map(([first, count]) => [
      y.p + 4 * first * plane, pBias, count * s.outChannels, s.outChannels, L,
    ]));
  }
  if (runs) {
    // per image n: y[n] (O × L) = w (O × CK) · cols[n] (CK × L) (+ y[n]), its columns made just before
    const geo = geometry(s);
    rt.runJobs("convImages", runs.map(([first, count]) => [
      first, count, pX, ...geo, pW, s.outChannels, bias ? 1 : 0, y.p, rt.alloc(CK * L * 4), rt.alloc(rt.exports.gemmWorkspaceBytes(L)),
    ]));
    return y.finish();
  }
  // per group g and image n: y[n, g] (Og × L) = w[g] (Og × CgK) · cols[n, g] (CgK × L) (+ y[n, g])
  for (let g = 0; g < s.groups; g++) {
    runGemmBatched(
      rt, s.batch, Og, L, CgK, 1,
      pW + 4 * g * Og * CgK, CgK, 1, 0,
      pCols + 4 * g * CgK * L, L, 1, CK * L,
      bias ? 1 : 0, y.p + 4 * g * Og * L, L, s.outChannels * L,
    );
  }
  return y.finish();
}

/** dx (batch, inChannels, height, width) = convTranspose(dy, w): the adjoint of conv2dForward in x. */
export function conv2dInputGrad(rt: WasmRuntime, s: Conv2dShape, dy: Float32Array, w: Float32Array, out: Float32Array): Float32Array {
  const { CK, CgK, Og, L } = dims(s);
  rt.resetArena();
  const pDy = rt.ref(dy, 0, dy.length), pW = rt.ref(w, 0, w.length);
  const x = place(rt, out);
  const runs = isPointwise(s) ? null : imageRuns(rt, s);
  if (runs) {
    // per image n: x[n] = col2im(wᵀ (CK × O) · dy[n] (O × L)), its columns used at once
    const geo = geometry(s);
    rt.runJobs("convInputGradImages", runs.map(([first, count]) => [
      first, count, pDy, pW, s.outChannels, x.p, ...geo, rt.alloc(CK * L * 4), rt.alloc(rt.exports.gemmWorkspaceBytes(L)),
    ]));
    return x.finish();
  }
  const pCols = isPointwise(s) ? x.p : rt.alloc(s.batch * CK * L * 4);
  // per group g and image n: cols[n, g] (CgK × L) = w[g]ᵀ (CgK × Og) · dy[n, g] (Og × L)
  for (let g = 0; g < s.groups; g++) {
    runGemmBatched(
      rt, s.batch, CgK, L, Og, 1,
      pW + 4 * g * Og * CgK, 1, CgK, 0,
      pDy + 4 * g * Og * L, L, 1, s.outChannels * L,
      0, pCols + 4 * g * CgK * L, L, CK * L,
    );
  }
  if (pCols !== x.p) fields(rt, "col2im", pCols, x.p, s);
  return x.finish();
}

/**
 * The weight gradient sums one product per image; the images are split into this many fixed chunks, each
 * summed into its own buffer (by whichever thread claims it) and the buffers added in chunk order, so the
 * result does not depend on the thread count.
 */
const WEIGHT_GRAD_CHUNKS = 4;

/** dw (outChannels, inChannels/groups, kernelH, kernelW) = convWeight(x, dy): the adjoint of conv2dForward in w. */
export function conv2dWeightGrad(rt: WasmRuntime, s: Conv2dShape, x: Float32Array, dy: Float32Array, out: Float32Array): Float32Array {
  const { CK, CgK, Og, L } = dims(s);
  rt.resetArena();
  const pX = rt.ref(x, 0, x.length), pDy = rt.ref(dy, 0, dy.length);
  // Per image (its columns made just before its product, see imageRuns) unless grouped or pointwise.
  const perImage = !isPointwise(s) && s.groups === 1;
  let pCols = pX;
  if (!isPointwise(s) && !perImage) {
    pCols = rt.alloc(s.batch * CK * L * 4);
    fields(rt, "im2col", pX, pCols, s);
  }
  const dw = place(rt, out);
  const size = s.outChannels * CgK;
  if (s.batch === 0) {
    rt.f32(dw.p, size).fill(0);
    return dw.finish();
  }
  // Chunk c of the images sums into partial c (chunk 0 straight into dw); per group g:
  // partial[g] (Og × CgK) = Σ_{n in chunk} dy[n, g] (Og × L) · cols[n, g]ᵀ (L × CgK)
  const per = Math.ceil(s.batch / WEIGHT_GRAD_CHUNKS);
  const chunks: [number, number][] = [];
  for (let first = 0; first < s.batch; first += per) chunks.push([first, Math.min(per, s.batch - first)]);
  const partials = chunks.map((_, c) => (c === 0 ? dw.p : rt.alloc(size * 4)));
  for (const p of partials) rt.f32(p, size).fill(0);
  const jobs: number[][] = [];
  if (perImage) {
    const geo = geometry(s);
    chunks.forEach(([first, count], c) => jobs.push([
      first, count, pX, ...geo, pDy, s.outChannels, partials[c]!, rt.alloc(CK * L * 4), rt.alloc(rt.exports.gemmWorkspaceBytes(CK)),
    ]));
  } else {
    for (let g = 0; g < s.groups; g++) {
      chunks.forEach(([first, count], c) => jobs.push([
        first, count, Og, CgK, L, 1,
        pDy + 4 * g * Og * L, L, 1, s.outChannels * L,
        pCols + 4 * g * CgK * L, 1, L, CK * L,
        1, partials[c]! + 4 * g * Og * CgK, CgK, 0, rt.alloc(rt.exports.gemmWorkspaceBytes(CgK)),
      ]));
    }
  }
  const flops = 2 * s.batch * s.outChannels * CgK * L;
  const kernel = perImage ? "convWeightGradImages" : "gemmBatched";
  if (rt.availableThreads() > 1 && flops >= PARALLEL_MIN_FLOPS && jobs.length > 1 && jobs.length <= MAX_CHUNKS) rt.runParallel(kernel, jobs);
  else for (const job of jobs) (rt.exports[kernel] as (...args: number[]) => void)(...job);
  const total = rt.f32(dw.p, size);
  for (let c = 1; c < partials.length; c++) {
    const part = rt.f32(partials[c]!, size);
    for (let i = 0; i < size; i++) total[i] = total[i]! + part[i]!;
  }
  return dw.finish();
}

/** cols (batch, inChannels·kernelH·kernelW, outH·outW) = im2col(x), written into `out`. */
export function unfold2d(rt: WasmRuntime, s: Conv2dShape, x: Float32Array, out: Float32Array): Float32Array {
  rt.resetArena();
  const pX = rt.ref(x, 0, x.length);
  const cols = place(rt, out);
  fields(rt, "im2col", pX, cols.p, s);
  return cols.finish();
}

/** x (batch, inChannels, height, width) = col2im(cols), the adjoint of unfold2d, written into `out`. */
export function fold2d(rt: WasmRuntime, s: Conv2dShape, cols: Float32Array, out: Float32Array): Float32Array {
  rt.resetArena();
  const pCols = rt.ref(cols, 0, cols.length);
  const x = place(rt, out);
  fields(rt, "col2im", pCols, x.p, s);
  return x.finish();
}
