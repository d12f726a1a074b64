// Faster float32 kernels from the WASM SIMD module, layered over the CPU reference backend: each
// override handles the cases it is fast at and hands everything else to the reference kernel.
import type { BackendOverrides, Kernel } from "./Backend.js";
import type { ReducePrim, UnaryPrim } from "../autograd/prims.js";
import { cpuBackend } from "./cpu/index.js";
import { makeView, Storage, viewFromData, type TensorView } from "./storage.js";
import { denseValues, isDense } from "./cpu/strided.js";
import { shapesEqual } from "../tensor/shape.js";
import type { WasmKernels } from "./wasm/index.js";
import { binaryPlan, reductionSteps } from "./wasm/broadcastPlan.js";
import { adoptRecycled, allocateUninitialized, takePooledF32, takeRecycledF32 } from "./pool.js";
import type { Conv2dShape, UnaryOp } from "./wasm/index.js";
import { denseLayout, type AttentionSizes, type MaskView, type OutputLayout, type StackView } from "./wasm/attention.js";
import type { ConvParams, UnfoldParams } from "../autograd/prims.js";
import { attentionBackwardWith, attentionForwardWith, referenceExp, referenceMatmul, type BatchedMatmul, type MatView } from "./cpu/attention.js";
import type { TypedArray } from "../tensor/dtype.js";

/** Below this many multiply-adds a GEMM stays in JS (the copy into WASM memory would dominate). */
const MIN_GEMM_MACS = 4096;
/** Elementwise maps run in WASM only from this size (copies in and out cost ~1 ns per element). */
const MIN_MAP_SIZE = 2048;
/**
 * Ops whose JS form is slow per element go to WASM much earlier (measured on [n/64, 64], µs JS vs WASM:
 * exp 1.6 vs 1.0 at n = 64, 6.1 vs 3.7 at 640; logSoftmax 9.3 vs 4.2 at 640; sum over dim 0 4.9 vs
 * 1.1 at 64). relu, abs and neg are cheap in JS but relu branches on random signs.
 */
const MIN_SIZE: Partial<Record<string, number>> = { exp: 64, log: 64, tanh: 64, sigmoid: 64, erf: 64, gelu: 64, sqrt: 64, relu: 512, abs: 512, neg: 512 };
const MIN_REDUCE_SIZE = 64;
/** Pooling runs in WASM from this many input (forward) or output-gradient (backward) elements. */
const MIN_POOL_SIZE = 1024;

function matmul(k: WasmKernels): Kernel<"matmul"> {
  return (inputs, params) => {
    const [x, y] = inputs as [TensorView, TensorView];
    const [B, M, K] = x.shape as [number, number, number];
    const N = y.shape[2]!;
    if (x.dtype !== "float32" || B * M * N * K < MIN_GEMM_MACS) return cpuBackend.matmul(inputs, params);
    // op(A) and op(B) are read through their strides, so transposed views need no copy.
    const out = k.gemmBatched(
      B, M, N, K,
      { data: x.storage.data as Float32Array, offset: x.offset, rowStride: x.strides[1]!, colStride: x.strides[2]!, batchStride: B > 1 ? x.strides[0]! : 0 },
      { data: y.storage.data as Float32Array, offset: y.offset, rowStride: y.strides[1]!, colStride: y.strides[2]!, batchStride: B > 1 ? y.strides[0]! : 0 },
      { out: takeRecycledF32(B * M * N) }, // a dropped gradient's buffer, still in cache (see recycle.ts)
    );
    return recycledView(out, [B, M, N]);
  };
}

/** x·wᵀ + b as one GEMM whose output starts as the bias rows. */
function linear(k: WasmKernels): Kernel<"linear"> {
  return (inputs, params) => {
    const [x, w, b] = inputs as [TensorView, TensorView, TensorView];
    const [M, K] = x.shape as [number, number];
    const N = w.shape[0]!;
    const bias = x.dtype === "float32" && M * N * K >= MIN_GEMM_MACS ? dense32(b) : null;
    if (!bias || w.dtype !== "float32") return cpuBackend.linear(inputs, params);
    const out = k.gemm(
      M, N, K,
      { data: x.storage.data as Float32Array, offset: x.offset, rowStride: x.strides[0]!, colStride: x.strides[1]! },
      { data: w.storage.data as Float32Array, offset: w.offset, rowStride: w.strides[1]!, colStride: w.strides[0]! },
      { bias, out: takeRecycledF32(M * N) },
    );
    return recycledView(out, [M, N]);
  };
}

/**
 * The 2-D geometry of a 1-D or 2-D convolution of x (N, inChannels, *inSize) with a kernel of
 * `kernel` size into (N, outChannels, *outSize); 1-D is a 2-D one of height 1. Null for 3-D.
 */
function conv2dShape(N: number, inChannels: number, outChannels: number, inSize: readonly number[], kernel: readonly number[], outSize: readonly number[], p: ConvParams): Conv2dShape | null {
  const d = inSize.length;
  if (d !== 1 && d !== 2) return null;
  const at = (xs: readonly number[], i: number, missing: number): number => (d === 1 ? (i === 0 ? missing : xs[0]!) : xs[i]!);
  return {
    batch: N, inChannels, outChannels, groups: p.groups,
    height: at(inSize, 0, 1), width: at(inSize, 1, 1), kernelH: at(kernel, 0, 1), kernelW: at(kernel, 1, 1),
    strideH: at(p.stride, 0, 1), strideW: at(p.stride, 1, 1), padH: at(p.padding, 0, 0), padW: at(p.padding, 1, 0),
    dilationH: at(p.dilation, 0, 1), dilationW: at(p.dilation, 1, 1), outH: at(outSize, 0, 1), outW: at(outSize, 1, 1),
  };
}

/** Multiply-adds of a convolution: each output element sums (inChannels/groups)·kernel products. */
const convMacs = (s: Conv2dShape): number =>
  s.batch * s.outChannels * s.outH * s.outW * (s.inChannels / s.groups) * s.kernelH * s.kernelW;

/** The values of a float32 tensor as one dense Float32Array (a view when already dense). */
const values32 = (t: TensorView): Float32Array => dense32(t) ?? (denseValues(t) as Float32Array);

/** conv as im2col + GEMM inside the kernels' memory (1-D and 2-D; 3-D runs on the reference). */
function conv(k: WasmKernels): Kernel<"conv"> {
  return (inputs, params) => {
    const [x, w, b] = inputs as [TensorView, TensorView, TensorView | undefined];
    const [N, Cin] = x.shape as [number, number];
    const Cout = w.shape[0]!;
    const s = conv2dShape(N, Cin, Cout, x.shape.slice(2), w.shape.slice(2), params.outputSize, params);
    if (!s || x.dtype !== "float32" || w.dtype !== "float32" || convMacs(s) < MIN_GEMM_MACS) return cpuBackend.conv(inputs, params);
    const size = N * Cout * s.outH * s.outW;
    const out = k.conv2d(s, values32(x), values32(w), takeRecycledF32(size) ?? new Float32Array(size), b ? values32(b) : undefined);
    return recycledView(out, [N, Cout, ...params.outputSize]);
  };
}

/** convTranspose (the adjoint of conv in x) as GEMM + col2im. */
function convTranspose(k: WasmKernels): Kernel<"convTranspose"> {
  return (inputs, params) => {
    const [y, w] = inputs as [TensorView, TensorView];
    const [N, Cy] = y.shape as [number, number];
    const Cout = w.shape[1]! * params.groups;
    // the geometry of the convolution this is the adjoint of: (N, Cout, *outputSize) → (N, Cy, *y)
    const s = conv2dShape(N, Cout, Cy, params.outputSize, w.shape.slice(2), y.shape.slice(2), params);
    if (!s || y.dtype !== "float32" || w.dtype !== "float32" || convMacs(s) < MIN_GEMM_MACS) return cpuBackend.convTranspose(inputs, params);
    const size = N * Cout * s.height * s.width;
    const out = k.conv2dInputGrad(s, values32(y), values32(w), takeRecycledF32(size) ?? new Float32Array(size));
    return recycledView(out, [N, Cout, ...params.outputSize]);
  };
}

/** convWeight (the adjoint of conv in w) as im2col + GEMM summed over the batch. */
function convWeight(k: WasmKernels): Kernel<"convWeight"> {
  return (inputs, params) => {
    const [x, dy] = inputs as [TensorView, TensorView];
    const [N, Cin] = x.shape as [number, number];
    const Cout = dy.shape[1]!;
    const s = conv2dShape(N, Cin, Cout, x.shape.slice(2), params.outputSize, dy.shape.slice(2), params);
    if (!s || x.dtype !== "float32" || dy.dtype !== "float32" || convMacs(s) < MIN_GEMM_MACS) return cpuBackend.convWeight(inputs, params);
    const size = Cout * (Cin / params.groups) * s.kernelH * s.kernelW;
    const out = k.conv2dWeightGrad(s, values32(x), values32(dy), takeRecycledF32(size) ?? new Float32Array(size));
    return recycledView(out, [Cout, Cin / params.groups, ...params.outputSize]);
  };
}

/** The 2-D geometry of an unfold/fold of (N, C, *imageSize) images, or null (3-D). */
function unfoldShape(N: number, C: number, p: UnfoldParams): Conv2dShape | null {
  return conv2dShape(N, C, C, p.imageSize, p.kernelSize, p.blocks, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: 1, outputSize: p.blocks });
}

/** Below this many copied elements im2col/col2im stay in JS. */
const MIN_UNFOLD_SIZE = 4096;

/** unfold (im2col) of float32 1-D/2-D images in WASM. */
function unfold(k: WasmKernels): Kernel<"unfold"> {
  return (inputs, params) => {
    const x = inputs[0]!;
    const [N, C] = x.shape as [number, number];
    const s = unfoldShape(N, C, params);
    const K = s ? s.kernelH * s.kernelW : 0, L = s ? s.outH * s.outW : 0;
    if (!s || x.dtype !== "float32" || N * C * K * L < MIN_UNFOLD_SIZE) return cpuBackend.unfold(inputs, params);
    const out = k.unfold2d(s, values32(x), takeRecycledF32(N * C * K * L) ?? new Float32Array(N * C * K * L));
    return recycledView(out, [N, C * K, L]);
  };
}

/** fold (col2im) of float32 columns into 1-D/2-D images in WASM. */
function fold(k: WasmKernels): Kernel<"fold"> {
  return (inputs, params) => {
    const cols = inputs[0]!;
    const [N, CK] = cols.shape as [number, number];
    const K = params.kernelSize.reduce((p, v) => p * v, 1);
    const s = unfoldShape(N, CK / K, params);
    if (!s || cols.dtype !== "float32" || cols.size < MIN_UNFOLD_SIZE) return cpuBackend.fold(inputs, params);
    const size = N * (CK / K) * s.height * s.width;
    const out = k.fold2d(s, values32(cols), takeRecycledF32(size) ?? new Float32Array(size));
    return recycledView(out, [N, CK / K, ...params.imageSize]);
  };
}

/** The fused LSTM recurrence in one WASM call for float32 (the GEMMs and gate passes of every step). */
function lstmRecurrence(k: WasmKernels): Kernel<"lstmRecurrence"> {
  return (inputs, params) => {
    const [xg, whh, h0, c0] = inputs as [TensorView, TensorView, TensorView, TensorView];
    if (xg.dtype !== "float32") return cpuBackend.lstmRecurrence(inputs, params);
    const [T, B, G] = xg.shape as [number, number, number];
    const H = G / 4;
    const n = T * B * H;
    const r = k.lstmForward(T, B, H, values32(xg), values32(whh), values32(h0), values32(c0), params.reverse, {
      hs: takeRecycledF32(n) ?? new Float32Array(n), cs: takeRecycledF32(n) ?? new Float32Array(n), gates: takeRecycledF32(4 * n) ?? new Float32Array(4 * n),
    });
    return [recycledView(r.hs, [T, B, H]), recycledView(r.cs, [T, B, H]), recycledView(r.gates, [T, B, G])];
  };
}

function lstmRecurrenceBackward(k: WasmKernels): Kernel<"lstmRecurrenceBackward"> {
  return (inputs, params) => {
    const [dhs, dcs, whh, c0, cs, gates, h0, hs] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView];
    if (gates.dtype !== "float32") return cpuBackend.lstmRecurrenceBackward(inputs, params);
    const [T, B, G] = gates.shape as [number, number, number];
    const H = G / 4;
    const r = k.lstmBackward(T, B, H, values32(dhs), values32(dcs), values32(whh), values32(c0), values32(cs), values32(gates), params.reverse, {
      dxg: takeRecycledF32(T * B * G) ?? new Float32Array(T * B * G), dh0: new Float32Array(B * H), dc0: new Float32Array(B * H),
      weightGrad: params.weightGrad ? { h0: values32(h0), hs: values32(hs), dWhh: new Float32Array(G * H) } : null,
    });
    const grads = [recycledView(r.dxg, [T, B, G]), viewFromData(r.dh0, [B, H], "float32"), viewFromData(r.dc0, [B, H], "float32")];
    if (r.weightGrad) grads.push(viewFromData(r.weightGrad.dWhh, [G, H], "float32"));
    return grads;
  };
}

/** The fused GRU recurrence in one WASM call for float32 (the GEMMs and gate passes of every step). */
function gruRecurrence(k: WasmKernels): Kernel<"gruRecurrence"> {
  return (inputs, params) => {
    const [xg, whh, bhh, h0] = inputs as [TensorView, TensorView, TensorView, TensorView];
    if (xg.dtype !== "float32") return cpuBackend.gruRecurrence(inputs, params);
    const [T, B, G] = xg.shape as [number, number, number];
    const H = G / 3;
    const n = T * B * H;
    const r = k.gruForward(T, B, H, values32(xg), values32(whh), values32(bhh), values32(h0), params.reverse, {
      hs: takeRecycledF32(n) ?? new Float32Array(n), saved: takeRecycledF32(4 * n) ?? new Float32Array(4 * n),
    });
    return [recycledView(r.hs, [T, B, H]), recycledView(r.saved, [T, B, 4 * H])];
  };
}

function gruRecurrenceBackward(k: WasmKernels): Kernel<"gruRecurrenceBackward"> {
  return (inputs, params) => {
    const [dhs, whh, h0, hs, saved] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView];
    if (hs.dtype !== "float32") return cpuBackend.gruRecurrenceBackward(inputs, params);
    const [T, B, H] = hs.shape as [number, number, number];
    const G = 3 * H;
    const r = k.gruBackward(T, B, H, values32(dhs), values32(whh), values32(h0), values32(hs), values32(saved), params.reverse, {
      dxg: takeRecycledF32(T * B * G) ?? new Float32Array(T * B * G), dgh: takeRecycledF32(T * B * G) ?? new Float32Array(T * B * G), dh0: new Float32Array(B * H),
    });
    return [recycledView(r.dxg, [T, B, G]), recycledView(r.dgh, [T, B, G]), viewFromData(r.dh0, [B, H], "float32")];
  };
}

/** Below this many float32 elements moved (edges × features) the sparse kernels stay in JS. */
const MIN_SPARSE_SIZE = 1024;

/** The entries of a dense int32 index tensor (a view; a strided one is made dense). */
const indices = (t: TensorView): Int32Array => denseValues(t) as Int32Array;

/** SpMM in WASM for float32: the edges in order, each updating one output row with SIMD over its columns. */
function spmm(k: WasmKernels): Kernel<"spmm"> {
  return (inputs, params) => {
    const [row, col, values, x] = inputs as [TensorView, TensorView, TensorView, TensorView];
    const [M, F] = x.shape as [number, number];
    const E = row.size, H = values.ndim === 2 ? values.shape[1]! : 1;
    if (x.dtype !== "float32" || values.dtype !== "float32" || E * F < MIN_SPARSE_SIZE) return cpuBackend.spmm(inputs, params);
    const size = params.rows * F;
    const out = k.spmm(indices(row), indices(col), values32(values), values32(x), params.rows, M, F, H, takeRecycledF32(size) ?? new Float32Array(size));
    return out ? recycledView(out, [params.rows, F]) : cpuBackend.spmm(inputs, params);
  };
}

/** SDDMM (spmm's values gradient) in WASM for float32: one SIMD dot product per edge and head. */
function sddmm(k: WasmKernels): Kernel<"sddmm"> {
  return (inputs, params) => {
    const [row, col, a, b] = inputs as [TensorView, TensorView, TensorView, TensorView];
    const [R, F] = a.shape as [number, number];
    const E = row.size, H = params.heads;
    if (a.dtype !== "float32" || b.dtype !== "float32" || E * F < MIN_SPARSE_SIZE) return cpuBackend.sddmm(inputs, params);
    const out = k.sddmm(indices(row), indices(col), values32(a), values32(b), R, b.shape[0]!, F, H, takeRecycledF32(E * H) ?? new Float32Array(E * H));
    return out ? recycledView(out, [E, H]) : cpuBackend.sddmm(inputs, params);
  };
}

/** The segment maximum in WASM for float32. */
function scatterMax(k: WasmKernels): Kernel<"scatterMax"> {
  return (inputs, params) => {
    const [src, index] = inputs as [TensorView, TensorView];
    if (src.dtype !== "float32" || src.ndim === 0 || src.size < MIN_SPARSE_SIZE) return cpuBackend.scatterMax(inputs, params);
    const inner = src.size / src.shape[0]!, size = params.dimSize * inner;
    const out = k.scatterMax(values32(src), indices(index), inner, params.dimSize, takeRecycledF32(size) ?? new Float32Array(size));
    return out ? recycledView(out, [params.dimSize, ...src.shape.slice(1)]) : cpuBackend.scatterMax(inputs, params);
  };
}

/** The softmax over edge groups in WASM for float32 (maxima, SIMD exponentials, group sums and quotients in one call). */
function segmentSoftmax(k: WasmKernels): Kernel<"segmentSoftmax"> {
  return (inputs, params) => {
    const [src, index] = inputs as [TensorView, TensorView];
    if (src.dtype !== "float32" || src.ndim === 0 || src.size < MIN_SPARSE_SIZE) return cpuBackend.segmentSoftmax(inputs, params);
    const inner = src.size / src.shape[0]!;
    const out = k.segmentSoftmax(values32(src), indices(index), inner, params.numNodes, takeRecycledF32(src.size) ?? new Float32Array(src.size));
    return out ? recycledView(out, src.shape.slice()) : cpuBackend.segmentSoftmax(inputs, params);
  };
}

/** index_select of whole rows (dim 0) of a float32 tensor in WASM. */
function indexSelect(k: WasmKernels): Kernel<"indexSelect"> {
  return (inputs, params) => {
    const [x, index] = inputs as [TensorView, TensorView];
    const m = index.size, R = x.ndim > 0 ? x.size / Math.max(x.shape[0]!, 1) : 0;
    if (params.dim !== 0 || x.dtype !== "float32" || x.ndim === 0 || x.shape[0] === 0 || m * R < MIN_SPARSE_SIZE) return cpuBackend.indexSelect(inputs, params);
    const out = k.gatherRows(values32(x), indices(index), x.shape[0]!, R, takeRecycledF32(m * R) ?? new Float32Array(m * R));
    return out ? recycledView(out, [m, ...x.shape.slice(1)]) : cpuBackend.indexSelect(inputs, params);
  };
}

/** index_add of whole rows (dim 0) into a float32 tensor in WASM. */
function indexAdd(k: WasmKernels): Kernel<"indexAdd"> {
  return (inputs, params) => {
    const [x, index, src] = inputs as [TensorView, TensorView, TensorView];
    const R = x.ndim > 0 ? x.size / Math.max(x.shape[0]!, 1) : 0;
    if (params.dim !== 0 || x.dtype !== "float32" || src.dtype !== "float32" || x.ndim === 0 || x.shape[0] === 0 || src.size < MIN_SPARSE_SIZE) {
      return cpuBackend.indexAdd(inputs, params);
    }
    const out = k.scatterAddRows(values32(x), indices(index), values32(src), x.shape[0]!, R, takeRecycledF32(x.size) ?? new Float32Array(x.size));
    return out ? recycledView(out, x.shape.slice()) : cpuBackend.indexAdd(inputs, params);
  };
}

/** A view over a kernel's output, which may be a recycled (possibly resident) buffer. */
function recycledView(out: Float32Array, shape: number[]): TensorView {
  const t = viewFromData(out, shape, "float32");
  adoptRecycled(t.storage);
  return t;
}

/** The dense float32 values of `t` as a Float32Array view (no copy), or null. */
function dense32(t: TensorView): Float32Array | null {
  if (t.dtype !== "float32" || !isDense(t)) return null;
  return (t.storage.data as Float32Array).subarray(t.offset, t.offset + t.size);
}

/**
 * A float32 operand as dense values over a compact shape: a dense tensor as it is, an expanded view (stride
 * 0 on the broadcast dims, as the gradient of a mean has) as its stored values with those dims set to 1.
 */
function compact32(t: TensorView): { data: Float32Array; shape: number[] } | null {
  if (t.dtype !== "float32") return null;
  if (isDense(t)) return { data: (t.storage.data as Float32Array).subarray(t.offset, t.offset + t.size), shape: t.shape.slice() };
  const shape = t.shape.map((s, i) => (t.strides[i] === 0 ? 1 : s));
  let expected = 1, size = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && t.strides[i] !== expected) return null;
    expected *= shape[i]!;
    size *= shape[i]!;
  }
  if (t.offset + size > t.storage.data.length) return null;
  return { data: (t.storage.data as Float32Array).subarray(t.offset, t.offset + size), shape };
}

function unary<P extends (UnaryPrim | "gelu") & UnaryOp>(k: WasmKernels, prim: P): Kernel<P> {
  const fallback = cpuBackend[prim] as Kernel<P>;
  const min = MIN_SIZE[prim] ?? MIN_MAP_SIZE;
  return (inputs, params) => {
    const x = inputs[0]!;
    const data = x.size >= min ? dense32(x) : null;
    if (!data) return fallback(inputs, params);
    return recycledView(k.unary(prim, data, takePooledF32(x.size)), x.shape.slice());
  };
}

/** Max pooling of dense float32 input in WASM (threads over planes); the reference kernel otherwise. */
function maxPool(k: WasmKernels): Kernel<"maxPool"> {
  return (inputs, params) => {
    const x = inputs[0]!;
    const { windows } = params;
    const data = x.size >= MIN_POOL_SIZE && windows.length <= 3 ? dense32(x) : null;
    if (!data) return cpuBackend.maxPool(inputs, params);
    const nd = windows.length, lead = x.shape.slice(0, x.ndim - nd);
    const planes = lead.reduce((p, s) => p * s, 1);
    const unit = { lo: [0], hi: [1], step: 1 };
    const axes = [...Array<typeof unit>(3 - nd).fill(unit), ...windows] as [typeof unit, typeof unit, typeof unit];
    const dims = [...Array<number>(3 - nd).fill(1), ...x.shape.slice(x.ndim - nd)] as [number, number, number];
    const outShape = [...lead, ...windows.map((w) => w.lo.length)];
    const size = outShape.reduce((p, s) => p * s, 1);
    // every element of both is written: no need to zero them
    const values = takePooledF32(size) ?? (allocateUninitialized("float32", size) as Float32Array);
    const indices = allocateUninitialized("int32", size) as Int32Array;
    k.maxPool(data, planes, dims, axes, values, indices);
    return [recycledView(values, outShape), viewFromData(indices, outShape, "int32")];
  };
}

/** The adjoint of max pooling (the gradient scattered to the saved indices) in WASM for float32. */
function maxPoolBackward(k: WasmKernels): Kernel<"maxPoolBackward"> {
  return (inputs, params) => {
    const [g, indices] = inputs as [TensorView, TensorView];
    const { inShape } = params;
    const gd = g.size >= MIN_POOL_SIZE ? dense32(g) : null;
    const id = gd && indices.dtype === "int32" && isDense(indices) ? (indices.storage.data as Int32Array).subarray(indices.offset, indices.offset + indices.size) : null;
    if (!gd || !id) return cpuBackend.maxPoolBackward(inputs, params);
    const lead = g.shape.slice(0, g.ndim - inShape.length);
    const planes = lead.reduce((p, s) => p * s, 1), inPlane = inShape.reduce((p, s) => p * s, 1);
    const out = takeRecycledF32(planes * inPlane) ?? (allocateUninitialized("float32", planes * inPlane) as Float32Array); // zeroed by the kernel
    k.maxPoolBackward(gd, id, planes, inPlane, out);
    return recycledView(out, [...lead, ...inShape]);
  };
}

/**
 * Binary ops where one operand is the whole result and the other is equal-shaped, a trailing row (a
 * layer's bias) or a middle block (a per-channel (1, C, 1, 1) against (N, C, H, W), as batch norm's
 * scale and shift): one 2-D kernel call (see broadcastPlan.ts).
 */
function binary<P extends "add" | "sub" | "mul" | "div">(k: WasmKernels, prim: P): Kernel<P> {
  const fallback = cpuBackend[prim] as Kernel<P>;
  const op = prim;
  return (inputs, params) => {
    const [a, b] = inputs as [TensorView, TensorView];
    const ca = Math.max(a.size, b.size) >= MIN_MAP_SIZE ? compact32(a) : null, cb = ca ? compact32(b) : null;
    const plan = ca && cb ? binaryPlan(ca.shape, cb.shape) : null;
    if (!plan) return fallback(inputs, params);
    const ad = ca!.data, bd = cb!.data;
    const [full, small] = plan.smallFirst ? [bd, ad] : [ad, bd];
    const shape = (plan.smallFirst ? b : a).shape;
    const out = takePooledF32(plan.rows * plan.cols);
    if (plan.kind === "same") return recycledView(k.binary(op, ad, bd, out), shape.slice());
    if (plan.kind === "row") return recycledView(k.binaryRow(op, full, small, plan.rows, plan.cols, { rowFirst: plan.smallFirst, out }), shape.slice());
    let column = small;
    if (plan.tile > 1) {
      column = new Float32Array(small.length * plan.tile);
      for (let t = 0; t < plan.tile; t++) column.set(small, t * small.length);
    }
    return recycledView(k.binaryColumn(op, full, column, plan.rows, plan.cols, { columnFirst: plan.smallFirst, out }), shape.slice());
  };
}

/** ReLU's gradient on dense float32 operands of one shape: one branch-free SIMD pass. */
function reluBackward(k: WasmKernels): Kernel<"reluBackward"> {
  return (inputs, params) => {
    const [g, y] = inputs as [TensorView, TensorView];
    const gd = g.size >= 512 && y.size === g.size ? dense32(g) : null, yd = gd ? dense32(y) : null;
    if (!gd || !yd || !shapesEqual(g.shape, y.shape)) return cpuBackend.reluBackward(inputs, params);
    return recycledView(k.binary("reluGrad", gd, yd, takeRecycledF32(g.size)), g.shape.slice());
  };
}

/** GELU's gradient on dense float32 operands of one shape: one SIMD pass. */
function geluBackward(k: WasmKernels): Kernel<"geluBackward"> {
  return (inputs, params) => {
    const [g, x] = inputs as [TensorView, TensorView];
    const gd = g.size >= 64 && x.size === g.size ? dense32(g) : null, xd = gd ? dense32(x) : null;
    if (!gd || !xd || !shapesEqual(g.shape, x.shape)) return cpuBackend.geluBackward(inputs, params);
    return viewFromData(k.binary("geluGrad", gd, xd), g.shape, "float32");
  };
}

/** Reductions over one run of consecutive dims of a dense float32 tensor: [outer, size, inner]. */
function reduce<P extends ReducePrim>(k: WasmKernels, prim: P): Kernel<P> {
  const fallback = cpuBackend[prim] as Kernel<P>;
  const op = prim === "sum" ? "sum" : prim === "max" ? "max" : prim === "min" ? "min" : null;
  return (inputs, params) => {
    const x = inputs[0]!;
    const { dims, keepdim } = params as { dims: number[]; keepdim: boolean };
    const data = op && x.size >= MIN_REDUCE_SIZE && dims.length > 0 ? dense32(x) : null;
    if (!data) return fallback(inputs, params);
    const consecutive = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
    if (!consecutive) {
      // Several runs of dims (batch norm's [0, 2, 3]): one [outer, size, inner] pass per run, the last run first.
      let out = data;
      for (const step of reductionSteps(x.shape, dims)) {
        if (step.size === 0) return fallback(inputs, params);
        out = k.reduce(op!, out, step.outer, step.size, step.inner);
      }
      const shape = x.shape.flatMap((s, i) => (!dims.includes(i) ? [s] : keepdim ? [1] : []));
      return viewFromData(out, shape, "float32");
    }
    const d0 = dims[0]!, d1 = dims[dims.length - 1]!;
    const prod = (from: number, to: number) => x.shape.slice(from, to).reduce((p, s) => p * s, 1);
    const size = prod(d0, d1 + 1);
    if (size === 0) return fallback(inputs, params);
    const out = k.reduce(op!, data, prod(0, d0), size, prod(d1 + 1, x.ndim));
    const shape = x.shape.flatMap((s, i) => (i < d0 || i > d1 ? [s] : keepdim ? [1] : []));
    return viewFromData(out, shape, "float32");
  };
}

/** log softmax over the last dim of a dense float32 tensor: one SIMD kernel call. */
function logSoftmax(k: WasmKernels): Kernel<"logSoftmax"> {
  return (inputs, params) => {
    const x = inputs[0]!;
    const n = x.shape[x.ndim - 1] ?? 0;
    const data = x.size >= MIN_REDUCE_SIZE && params.dim === x.ndim - 1 && n > 0 ? dense32(x) : null;
    if (!data) return cpuBackend.logSoftmax(inputs, params);
    return viewFromData(k.logSoftmax(data, x.size / n, n), x.shape, "float32");
  };
}

/** The attention kernels' batched products as WASM GEMMs (float32 above MIN_GEMM_MACS; the reference otherwise). */
function attentionMatmul(k: WasmKernels): BatchedMatmul {
  return (dtype, batch, m, n, kk, a, b, alpha) => {
    if (dtype !== "float32" || batch * m * n * kk < MIN_GEMM_MACS) return referenceMatmul(dtype, batch, m, n, kk, a, b, alpha);
    const view = (v: MatView) => ({ data: v.data as Float32Array, offset: v.offset, rowStride: v.row, colStride: v.col, batchStride: batch > 1 ? v.batch : 0 });
    return k.gemmBatched(batch, m, n, kk, view(a), view(b), { alpha });
  };
}

/** Fused attention in float32: the scores of each call are materialized once, the products run as WASM GEMMs. */
function attention(k: WasmKernels): { forward: Kernel<"scaledDotProductAttention">; backward: Kernel<"scaledDotProductAttentionBackward"> } {
  const ops = {
    bmm: attentionMatmul(k),
    exp: (data: TypedArray) => (data instanceof Float32Array && data.length >= 64 ? void k.unary("exp", data, data) : referenceExp(data)),
  };
  const forward = attentionForwardWith(ops), backward = attentionBackwardWith(ops);
  return {
    forward: (inputs, params) => {
      if (inputs[0]!.dtype !== "float32") return cpuBackend.scaledDotProductAttention(inputs, params);
      return fusedAttentionForward(k, inputs, params) ?? forward(inputs, params);
    },
    backward: (inputs, params) => {
      if (inputs[0]!.dtype !== "float32") return cpuBackend.scaledDotProductAttentionBackward(inputs, params);
      return fusedAttentionBackward(k, inputs, params) ?? backward(inputs, params);
    },
  };
}

/** A float32 3-D (B, ·, ·) or 4-D (N, B, ·, ·) tensor as stacks through its own strides (no copy), or null (other dtype, negative strides). */
function stackView(t: TensorView): StackView | null {
  const four = t.ndim === 4;
  const [outer, batch, row, col] = (four ? t.strides : [0, ...t.strides]) as [number, number, number, number];
  if (t.dtype !== "float32" || outer < 0 || batch < 0 || row < 0 || col < 0) return null;
  return { data: t.storage.data as Float32Array, offset: t.offset, outer, batch, row, col };
}

/** Like stackView, but with contiguous rows: a dense copy when the tensor's rows are strided (a broadcast gradient). */
function rowsView(t: TensorView): StackView {
  const view = stackView(t);
  if (view && (view.col === 1 || t.shape[t.ndim - 1] === 1)) return { ...view, col: 1 };
  const [N, B, rows, cols] = (t.ndim === 4 ? t.shape : [1, ...t.shape]) as [number, number, number, number];
  return { data: values32(t), offset: 0, outer: B * rows * cols, batch: rows * cols, row: cols, col: 1 };
}

/** The additive mask (B, L, S) or (N, B, L, S) as rows of contiguous keys, or null when it has none (no mask: undefined). */
function maskView(mask: TensorView | undefined): MaskView | null | undefined {
  if (!mask) return undefined;
  const view = stackView(mask);
  return view && (view.col === 1 || mask.shape[mask.ndim - 1] === 1) ? { data: view.data, offset: view.offset, outer: view.outer, batch: view.batch, row: view.row } : null;
}

/** Sizes of an attention call on q (…, L, E), k (…, S, E), v (…, S, Ev) with batch dims (B) or (N, B), or null when too small for the fused WASM path. */
function attentionSizes(q: TensorView, k: TensorView, v: TensorView): AttentionSizes | null {
  const four = q.ndim === 4;
  const [N, B, L, E] = (four ? q.shape : [1, ...q.shape]) as [number, number, number, number];
  const S = k.shape[k.ndim - 2]!, Ev = v.shape[v.ndim - 1]!;
  return N * B * L * S * Math.max(E, Ev) >= MIN_GEMM_MACS ? { N, B, L, S, E, Ev } : null;
}

/**
 * Heads split from the features by a transpose ((N, L, H, E) memory seen as (N, H, L, E)): the gradient
 * or output that follows such an operand is written in the same order, so that the transpose back is a
 * plain view again (no copy on either side of the attention).
 */
const headsInner = (t: TensorView): boolean => t.ndim === 4 && t.strides[1]! < t.strides[2]!;

/** An output (N, B, rows, cols): its layout (heads-inner as `like`, else dense) and the strides of its view. */
function outputLayout(like: TensorView, B: number, rows: number, cols: number): { layout: OutputLayout; strides: number[] } {
  if (headsInner(like)) return { layout: { outer: rows * B * cols, batch: cols, row: B * cols }, strides: [rows * B * cols, cols, B * cols, 1] };
  return { layout: denseLayout(B, rows, cols), strides: [B * rows * cols, rows * cols, cols, 1] };
}

/** A kernel output over a recycled (possibly resident) buffer with the given shape (3-D: the last three strides). */
function recycledStrided(out: Float32Array, shape: number[], strides: number[]): TensorView {
  const t = makeView(new Storage(out), shape, strides.slice(strides.length - shape.length), 0, "float32");
  adoptRecycled(t.storage);
  return t;
}

/** The whole forward in the kernels' memory (GEMM, masked softmax, GEMM); null where it does not apply. */
function fusedAttentionForward(k: WasmKernels, inputs: readonly TensorView[], { scale, isCausal }: { scale: number; isCausal: boolean }): TensorView[] | null {
  const [q, kk, v, mask] = inputs as [TensorView, TensorView, TensorView, TensorView | undefined];
  const sizes = attentionSizes(q, kk, v), qv = stackView(q), kv = stackView(kk), vv = stackView(v), mv = maskView(mask);
  if (!sizes || !qv || !kv || !vv || mv === null) return null;
  const { N, B, L, Ev } = sizes;
  const lead = q.shape.slice(0, -2);
  const o = outputLayout(q, B, L, Ev);
  const { out, lse } = k.attentionForward(sizes, qv, kv, vv, mv ?? null, scale, isCausal, { out: takeRecycledF32(N * B * L * Ev), outLayout: o.layout });
  return [recycledStrided(out, [...lead, L, Ev], o.strides), viewFromData(lse, [...lead, L], "float32")];
}

/** The whole backward in the kernels' memory (five GEMMs and two row passes); null where it does not apply. */
function fusedAttentionBackward(
  k: WasmKernels, inputs: readonly TensorView[], { scale, isCausal, maskGrad }: { scale: number; isCausal: boolean; maskGrad: boolean },
): TensorView[] | null {
  const [q, kk, v, out, lse, gOut, gLse, mask] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView | undefined];
  const sizes = attentionSizes(q, kk, v), qv = stackView(q), kv = stackView(kk), vv = stackView(v), mv = maskView(mask);
  if (!sizes || !qv || !kv || !vv || mv === null || [out, lse, gOut, gLse].some((t) => t.dtype !== "float32")) return null;
  const { N, B, L, S, E, Ev } = sizes;
  const lead = q.shape.slice(0, -2);
  const lq = outputLayout(q, B, L, E), lk = outputLayout(kk, B, S, E), lv = outputLayout(v, B, S, Ev);
  const outputs = {
    dq: takeRecycledF32(N * B * L * E), dk: takeRecycledF32(N * B * S * E), dv: takeRecycledF32(N * B * S * Ev),
    dqLayout: lq.layout, dkLayout: lk.layout, dvLayout: lv.layout,
  };
  const g = k.attentionBackward(sizes, qv, kv, vv, rowsView(out), values32(lse), rowsView(gOut), values32(gLse), mv ?? null, scale, isCausal, maskGrad, outputs);
  const grads = [recycledStrided(g.dq, [...lead, L, E], lq.strides), recycledStrided(g.dk, [...lead, S, E], lk.strides), recycledStrided(g.dv, [...lead, S, Ev], lv.strides)];
  if (maskGrad) grads.push(viewFromData(g.ds!, [...lead, L, S], "float32"));
  return grads;
}

/** Below this many elements layer normalization stays in JS. */
const MIN_LAYER_NORM_SIZE = 256;

/** Fused layer normalization of float32 rows in WASM. */
function layerNorm(k: WasmKernels): Kernel<"layerNorm"> {
  return (inputs, params) => {
    const [x, w, b] = inputs as [TensorView, TensorView, TensorView];
    const D = params.size;
    if (x.dtype !== "float32" || D === 0 || x.size < MIN_LAYER_NORM_SIZE || w.dtype !== "float32" || b.dtype !== "float32") return cpuBackend.layerNorm(inputs, params);
    const rows = x.size / D;
    const { y, mean, rstd } = k.layerNorm(values32(x), values32(w), values32(b), rows, D, params.eps, takeRecycledF32(x.size));
    return [recycledView(y, x.shape.slice()), viewFromData(mean, [rows], "float32"), viewFromData(rstd, [rows], "float32")];
  };
}

/** Its backward: dx, dw, db in one WASM pass over the rows. */
function layerNormBackward(k: WasmKernels): Kernel<"layerNormBackward"> {
  return (inputs, params) => {
    const [g, x, mean, rstd, w] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView];
    const D = params.size;
    if ([g, x, mean, rstd, w].some((t) => t.dtype !== "float32") || D === 0 || x.size < MIN_LAYER_NORM_SIZE) return cpuBackend.layerNormBackward(inputs, params);
    const rows = x.size / D;
    const { dx, dw, db } = k.layerNormBackward(values32(g), values32(x), values32(mean), values32(rstd), values32(w), rows, D, takeRecycledF32(x.size));
    return [recycledView(dx, x.shape.slice()), viewFromData(dw, w.shape, "float32"), viewFromData(db, w.shape, "float32")];
  };
}

export function wasmOverrides(k: WasmKernels): BackendOverrides {
  const attn = attention(k);
  return {
    matmul: matmul(k),
    linear: linear(k),
    conv: conv(k),
    convTranspose: convTranspose(k),
    convWeight: convWeight(k),
    unfold: unfold(k),
    fold: fold(k),
    maxPool: maxPool(k),
    maxPoolBackward: maxPoolBackward(k),
    reluBackward: reluBackward(k),
    relu: unary(k, "relu"),
    neg: unary(k, "neg"),
    abs: unary(k, "abs"),
    sqrt: unary(k, "sqrt"),
    exp: unary(k, "exp"),
    log: unary(k, "log"),
    tanh: unary(k, "tanh"),
    sigmoid: unary(k, "sigmoid"),
    erf: unary(k, "erf"),
    gelu: unary(k, "gelu"),
    geluBackward: geluBackward(k),
    add: binary(k, "add"),
    sub: binary(k, "sub"),
    mul: binary(k, "mul"),
    div: binary(k, "div"),
    sum: reduce(k, "sum"),
    max: reduce(k, "max"),
    min: reduce(k, "min"),
    logSoftmax: logSoftmax(k),
    layerNorm: layerNorm(k),
    layerNormBackward: layerNormBackward(k),
    scaledDotProductAttention: attn.forward,
    scaledDotProductAttentionBackward: attn.backward,
    lstmRecurrence: lstmRecurrence(k),
    lstmRecurrenceBackward: lstmRecurrenceBackward(k),
    gruRecurrence: gruRecurrence(k),
    gruRecurrenceBackward: gruRecurrenceBackward(k),
    spmm: spmm(k),
    sddmm: sddmm(k),
    scatterMax: scatterMax(k),
    segmentSoftmax: segmentSoftmax(k),
    indexSelect: indexSelect(k),
    indexAdd: indexAdd(k),
  };
}
