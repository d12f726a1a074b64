// CPU reference kernels for pooling: max pooling with indices, average pooling and its adjoint, over
// 1, 2 or 3 trailing dims given as window tables (src/autograd/prims.ts: PoolWindows).
import type { Kernel } from "../Backend.js";
import type { AvgPoolParams, PoolWindows } from "../../autograd/prims.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

/** One pooled dim padded to three: a single window [0, 1) for the dims a 1-D or 2-D pooling lacks. */
const unit: PoolWindows = { lo: [0], hi: [1], step: 1 };

/** The layout seen as (planes, D, H, W): the leading dims are planes, the pooled dims padded to three. */
interface Layout {
  planes: number;
  inDims: [number, number, number];
  windows: [PoolWindows, PoolWindows, PoolWindows];
}

function layout(shape: readonly number[], windows: readonly PoolWindows[], pooledShape: readonly number[]): Layout {
  const k = windows.length;
  let planes = 1;
  for (let i = 0; i < shape.length - k; i++) planes *= shape[i]!;
  const pad = 3 - k;
  const inDims = [1, 1, 1] as [number, number, number];
  const w = [unit, unit, unit] as [PoolWindows, PoolWindows, PoolWindows];
  for (let i = 0; i < k; i++) {
    inDims[pad + i] = pooledShape[i]!;
    w[pad + i] = windows[i]!;
  }
  return { planes, inDims, windows: w };
}

const outShapeOf = (shape: readonly number[], windows: readonly PoolWindows[]): number[] => [
  ...shape.slice(0, shape.length - windows.length),
  ...windows.map((w) => w.lo.length),
];

export const maxPool: Kernel<"maxPool"> = ([x], { windows }) => {
  const t = x!;
  const k = windows.length;
  const { planes, inDims, windows: [wd, wh, ww] } = layout(t.shape, windows, t.shape.slice(t.ndim - k));
  const [, H, W] = inDims;
  const inPlane = inDims[0] * H * W;
  const oD = wd.lo.length, oH = wh.lo.length, oW = ww.lo.length;
  const outShape = outShapeOf(t.shape, windows);
  const values = allocate(t.dtype, planes * oD * oH * oW);
  const indices = new Int32Array(values.length);
  const xv = denseValues(t);
  const { lo: dLo, hi: dHi, step: dStep } = packed(wd), { lo: hLo, hi: hHi, step: hStep } = packed(wh), { lo: wLo, hi: wHi, step: wStep } = packed(ww);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < oD; od++) {
      const d0 = dLo[od]!, d1 = dHi[od]!;
      for (let oh = 0; oh < oH; oh++) {
        const h0 = hLo[oh]!, h1 = hHi[oh]!;
        for (let ow = 0; ow < oW; ow++, o++) {
          const w0 = wLo[ow]!, w1 = wHi[ow]!;
          // PyTorch's scan: start at the window's first position, the first maximum wins, NaN wins.
          let best = -Infinity, at = (d0 * H + h0) * W + w0;
          for (let id = d0; id < d1; id += dStep) {
            for (let ih = h0; ih < h1; ih += hStep) {
              const row = (id * H + ih) * W;
              for (let iw = w0; iw < w1; iw += wStep) {
                const v = xv[base + row + iw]!;
                if (v > best || v !== v) {
                  best = v;
                  at = row + iw;
                }
              }
            }
          }
          values[o] = best;
          indices[o] = at;
        }
      }
    }
  }
  return [viewFromData(values, outShape, t.dtype), viewFromData(indices, outShape, "int32")];
};

export const maxPoolBackward: Kernel<"maxPoolBackward"> = ([g, indices], { inShape }) => {
  const gt = g!, k = inShape.length;
  const lead = gt.shape.slice(0, gt.ndim - k);
  let planes = 1, inPlane = 1;
  for (const s of lead) planes *= s;
  for (const s of inShape) inPlane *= s;
  const outPlane = planes === 0 ? 0 : gt.size / planes;
  const gv = denseValues(gt), iv = denseValues(indices!);
  const out = allocate(gt.dtype, planes * inPlane);
  for (let p = 0, o = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let q = 0; q < outPlane; q++, o++) out[base + iv[o]!] = out[base + iv[o]!]! + gv[o]!;
  }
  return viewFromData(out, [...lead, ...inShape], gt.dtype);
};

/** The divisor of each output position (row-major over the pooled output dims, padded to three). */
function divisors(params: AvgPoolParams): Float64Array {
  const counts = params.counts;
  const pad = 3 - counts.length;
  const c = [[1], [1], [1]] as [number[], number[], number[]];
  for (let i = 0; i < counts.length; i++) c[pad + i] = counts[i]!;
  const out = new Float64Array(c[0].length * c[1].length * c[2].length);
  let o = 0;
  for (const a of c[0]) for (const b of c[1]) for (const d of c[2]) out[o++] = params.divisorOverride ?? a * b * d;
  return out;
}

/** A pooled dim's windows as typed arrays (monomorphic, unboxed reads in the hot loops). */
function packed(w: PoolWindows): { lo: Int32Array; hi: Int32Array; step: number } {
  return { lo: Int32Array.from(w.lo), hi: Int32Array.from(w.hi), step: w.step };
}

/**
 * Average pooling (forward) or its adjoint: one loop over every (output, window element) pair that
 * either gathers the window sum or scatters the output gradient.
 */
function avgPoolLoop(forward: boolean): Kernel<"avgPool" | "avgPoolBackward"> {
  return ([x], params) => {
    const t = x!;
    const { windows, inShape } = params;
    const k = windows.length;
    const lead = t.shape.slice(0, t.ndim - k);
    const { planes, inDims, windows: padded } = layout(t.shape, windows, inShape);
    const wd = packed(padded[0]), wh = packed(padded[1]), ww = packed(padded[2]);
    const [, H, W] = inDims;
    const inPlane = inDims[0] * H * W;
    const oD = wd.lo.length, oH = wh.lo.length, oW = ww.lo.length;
    const outPlane = oD * oH * oW;
    const div = divisors(params);
    const xv = denseValues(t);
    const out = allocate(t.dtype, planes * (forward ? outPlane : inPlane));
    for (let p = 0; p < planes; p++) {
      const inBase = p * inPlane;
      let o = p * outPlane, q = 0;
      for (let od = 0; od < oD; od++) {
        const d0 = wd.lo[od]!, d1 = wd.hi[od]!;
        for (let oh = 0; oh < oH; oh++) {
          const h0 = wh.lo[oh]!, h1 = wh.hi[oh]!;
          for (let ow = 0; ow < oW; ow++, o++, q++) {
            const w0 = ww.lo[ow]!, w1 = ww.hi[ow]!;
            if (forward) {
              let sum = 0;
              for (let id = d0; id < d1; id += wd.step) {
                for (let ih = h0; ih < h1; ih += wh.step) {
                  const row = inBase + (id * H + ih) * W;
                  for (let iw = w0; iw < w1; iw += ww.step) sum += xv[row + iw]!;
                }
              }
              out[o] = sum / div[q]!;
            } else {
              const g = xv[o]! / div[q]!;
              for (let id = d0; id < d1; id += wd.step) {
                for (let ih = h0; ih < h1; ih += wh.step) {
                  const row = inBase + (id * H + ih) * W;
                  for (let iw = w0; iw < w1; iw += ww.step) out[row + iw] = out[row + iw]! + g;
                }
              }
            }
          }
        }
      }
    }
    const shape = forward ? outShapeOf(t.shape, windows) : [...lead, ...inShape];
    return viewFromData(out, shape, t.dtype);
  };
}

export const avgPool: Kernel<"avgPool"> = avgPoolLoop(true);
export const avgPoolBackward: Kernel<"avgPoolBackward"> = avgPoolLoop(false);
