// CPU reference kernels of the convolution family (conv, convTranspose, convWeight) and of im2col/col2im
// (unfold, fold): plain loops over up to three spatial dims, accumulated in float64 — the oracle for the
// faster im2col + GEMM kernels.
import type { Kernel } from "../Backend.js";
import type { ConvParams, UnfoldParams } from "../../autograd/prims.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

/** One spatial dim of a convolution: input size, output size, kernel size, stride, padding, dilation. */
interface Axis {
  inSize: number;
  outSize: number;
  k: number;
  s: number;
  p: number;
  d: number;
}

/** Three axes (missing leading dims are size 1), so every kernel is one triple loop. */
function axes(inSize: readonly number[], outSize: readonly number[], kSize: readonly number[], params: ConvParams): Axis[] {
  const n = inSize.length, pad = 3 - n;
  const out: Axis[] = [];
  for (let i = 0; i < 3; i++) {
    const j = i - pad;
    out.push(j < 0
      ? { inSize: 1, outSize: 1, k: 1, s: 1, p: 0, d: 1 }
      : { inSize: inSize[j]!, outSize: outSize[j]!, k: kSize[j]!, s: params.stride[j]!, p: params.padding[j]!, d: params.dilation[j]! });
  }
  return out;
}

/** Output positions o in [lo, hi) whose input position o·s − p + k·d lies inside the input. */
function validRange(a: Axis, kk: number): [number, number] {
  const shift = kk * a.d - a.p; // input position = o·s + shift
  const lo = Math.max(0, Math.ceil(-shift / a.s));
  const hi = Math.min(a.outSize, Math.floor((a.inSize - 1 - shift) / a.s) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * For each kernel tap (row-major over the kernel), the runs of output positions it reaches along the
 * last axis: a run of `length` outputs from flat spatial index `outStart` reads the inputs from
 * `inStart` on, `step` (the last axis' stride) apart — o·s − p + k·d per axis, inside the input only.
 */
interface TapTable {
  /** Runs of tap k are at start[k] .. start[k + 1]. */
  start: Int32Array;
  outStart: Int32Array;
  inStart: Int32Array;
  length: Int32Array;
  step: number;
}

function tapTable(ax: Axis[]): TapTable {
  const [A, B, C] = ax as [Axis, Axis, Axis];
  const taps = A.k * B.k * C.k;
  const start = new Int32Array(taps + 1);
  const outs: number[] = [], ins: number[] = [], lengths: number[] = [];
  let k = 0;
  for (let ka = 0; ka < A.k; ka++) {
    const [a0, a1] = validRange(A, ka);
    for (let kb = 0; kb < B.k; kb++) {
      const [b0, b1] = validRange(B, kb);
      for (let kc = 0; kc < C.k; kc++) {
        const [c0, c1] = validRange(C, kc);
        start[k++] = outs.length;
        if (c1 <= c0) continue;
        for (let oa = a0; oa < a1; oa++) {
          const ia = oa * A.s + ka * A.d - A.p;
          for (let ob = b0; ob < b1; ob++) {
            const ib = ob * B.s + kb * B.d - B.p;
            outs.push((oa * B.outSize + ob) * C.outSize + c0);
            ins.push((ia * B.inSize + ib) * C.inSize + c0 * C.s + kc * C.d - C.p);
            lengths.push(c1 - c0);
          }
        }
      }
    }
  }
  start[taps] = outs.length;
  return { start, outStart: Int32Array.from(outs), inStart: Int32Array.from(ins), length: Int32Array.from(lengths), step: C.s };
}

const spatialSize = (shape: readonly number[]): number => shape.slice(2).reduce((p, s) => p * s, 1);

/** y (N, G·Og, *out) = conv(x (N, G·Cg, *in), w (G·Og, Cg, *k)) + b (G·Og, optional). */
export const conv: Kernel<"conv"> = ([xT, wT, bT], params) => {
  const x = xT!, w = wT!;
  const bv = bT ? denseValues(bT) : null;
  const [N, Cin] = x.shape as [number, number];
  const [Cout, Cg] = w.shape as [number, number];
  const G = params.groups, Og = Cout / G;
  const { start, outStart, inStart, length, step } = tapTable(axes(x.shape.slice(2), params.outputSize, w.shape.slice(2), params));
  const L = spatialSize(x.shape), P = params.outputSize.reduce((p, s) => p * s, 1), K = spatialSize(w.shape);
  const xv = denseValues(x), wv = denseValues(w);
  const acc = new Float64Array(P);
  const out = allocate(x.dtype, N * Cout * P);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < Cout; o++) {
      acc.fill(bv ? bv[o]! : 0);
      const g = Math.floor(o / Og);
      for (let c = 0; c < Cg; c++) {
        const xBase = (n * Cin + g * Cg + c) * L, wBase = (o * Cg + c) * K;
        for (let k = 0; k < K; k++) {
          const wk = wv[wBase + k]!;
          for (let r = start[k]!, e = start[k + 1]!; r < e; r++) {
            const o = outStart[r]!, i = xBase + inStart[r]!, n = length[r]!;
            for (let t = 0; t < n; t++) acc[o + t] += wk * xv[i + t * step]!;
          }
        }
      }
      out.set(acc, (n * Cout + o) * P);
    }
  }
  return viewFromData(out, [N, Cout, ...params.outputSize], x.dtype);
};

/** out (N, G·Og, *outputSize) = convTranspose(y (N, G·Ig, *in), w (G·Ig, Og, *k)): the adjoint of conv in x. */
export const convTranspose: Kernel<"convTranspose"> = ([yT, wT], params) => {
  const y = yT!, w = wT!;
  const [N, Cin] = y.shape as [number, number];
  const Og = w.shape[1]!;
  const G = params.groups, Ig = Cin / G, Cout = G * Og;
  // The forward conv this is the adjoint of maps outputSize (its input) to y's spatial size (its output).
  const { start, outStart, inStart, length, step } = tapTable(axes(params.outputSize, y.shape.slice(2), w.shape.slice(2), params));
  const P = spatialSize(y.shape), L = params.outputSize.reduce((p, s) => p * s, 1), K = spatialSize(w.shape);
  const yv = denseValues(y), wv = denseValues(w);
  const acc = new Float64Array(L);
  const out = allocate(y.dtype, N * Cout * L);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < Cout; oc++) {
      acc.fill(0);
      const g = Math.floor(oc / Og), o = oc % Og;
      for (let c = 0; c < Ig; c++) {
        const ci = g * Ig + c;
        const yBase = (n * Cin + ci) * P, wBase = (ci * Og + o) * K;
        for (let k = 0; k < K; k++) {
          const wk = wv[wBase + k]!;
          for (let r = start[k]!, e = start[k + 1]!; r < e; r++) {
            const o = yBase + outStart[r]!, i = inStart[r]!, n = length[r]!;
            for (let t = 0; t < n; t++) acc[i + t * step] += wk * yv[o + t]!;
          }
        }
      }
      out.set(acc, (n * Cout + oc) * L);
    }
  }
  return viewFromData(out, [N, Cout, ...params.outputSize], y.dtype);
};

/** dw (Cout, Cg, *outputSize) = convWeight(x (N, G·Cg, *in), dy (N, Cout, *out)): the adjoint of conv in w. */
export const convWeight: Kernel<"convWeight"> = ([xT, dyT], params) => {
  const x = xT!, dy = dyT!;
  const [N, Cin] = x.shape as [number, number];
  const Cout = dy.shape[1]!;
  const G = params.groups, Cg = Cin / G, Og = Cout / G;
  const { start, outStart, inStart, length, step } = tapTable(axes(x.shape.slice(2), dy.shape.slice(2), params.outputSize, params));
  const L = spatialSize(x.shape), P = spatialSize(dy.shape), K = params.outputSize.reduce((p, s) => p * s, 1);
  const xv = denseValues(x), dv = denseValues(dy);
  const acc = new Float64Array(K);
  const out = allocate(x.dtype, Cout * Cg * K);
  for (let o = 0; o < Cout; o++) {
    const g = Math.floor(o / Og);
    for (let c = 0; c < Cg; c++) {
      acc.fill(0);
      for (let n = 0; n < N; n++) {
        const xBase = (n * Cin + g * Cg + c) * L, dBase = (n * Cout + o) * P;
        for (let k = 0; k < K; k++) {
          let sum = 0;
          for (let r = start[k]!, e = start[k + 1]!; r < e; r++) {
            const o = dBase + outStart[r]!, i = xBase + inStart[r]!, n = length[r]!;
            for (let t = 0; t < n; t++) sum += dv[o + t]! * xv[i + t * step]!;
          }
          acc[k] += sum;
        }
      }
      out.set(acc, (o * Cg + c) * K);
    }
  }
  return viewFromData(out, [Cout, Cg, ...params.outputSize], x.dtype);
};

/** The axes of an unfold/fold geometry (the image is the convolution's input, the blocks its output). */
const unfoldAxes = (p: UnfoldParams): Axis[] =>
  axes(p.imageSize, p.blocks, p.kernelSize, { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: 1, outputSize: p.blocks });

/** cols (N, C·K, L) = unfold(x (N, C, *imageSize)): each kernel tap's inputs copied into its own row. */
export const unfold: Kernel<"unfold"> = ([xT], params) => {
  const x = xT!;
  const [N, C] = x.shape as [number, number];
  const { start, outStart, inStart, length, step } = tapTable(unfoldAxes(params));
  const S = params.imageSize.reduce((p, s) => p * s, 1), K = params.kernelSize.reduce((p, s) => p * s, 1), L = params.blocks.reduce((p, s) => p * s, 1);
  const xv = denseValues(x);
  const out = allocate(x.dtype, N * C * K * L); // zeros where a tap reads padding
  for (let nc = 0; nc < N * C; nc++) {
    const xBase = nc * S;
    for (let k = 0; k < K; k++) {
      const row = (nc * K + k) * L;
      for (let r = start[k]!, e = start[k + 1]!; r < e; r++) {
        const o = row + outStart[r]!, i = xBase + inStart[r]!, n = length[r]!;
        for (let t = 0; t < n; t++) out[o + t] = xv[i + t * step]!;
      }
    }
  }
  return viewFromData(out, [N, C * K, L], x.dtype);
};

/** x (N, C, *imageSize) = fold(cols (N, C·K, L)): the adjoint of unfold, overlapping taps summed. */
export const fold: Kernel<"fold"> = ([colsT], params) => {
  const cols = colsT!;
  const [N, CK] = cols.shape as [number, number];
  const { start, outStart, inStart, length, step } = tapTable(unfoldAxes(params));
  const S = params.imageSize.reduce((p, s) => p * s, 1), K = params.kernelSize.reduce((p, s) => p * s, 1), L = params.blocks.reduce((p, s) => p * s, 1);
  const C = CK / K;
  const cv = denseValues(cols);
  const acc = new Float64Array(S);
  const out = allocate(cols.dtype, N * C * S);
  for (let nc = 0; nc < N * C; nc++) {
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const row = (nc * K + k) * L;
      for (let r = start[k]!, e = start[k + 1]!; r < e; r++) {
        const o = row + outStart[r]!, i = inStart[r]!, n = length[r]!;
        for (let t = 0; t < n; t++) acc[i + t * step] += cv[o + t]!;
      }
    }
    out.set(acc, nc * S);
  }
  return viewFromData(out, [N, C, ...params.imageSize], cols.dtype);
};
