// CPU reference kernels for pooling: max pooling with indices, average pooling and its adjoint, over
// 1, 2 or 3 trailing dims given as window tables (src/autograd/prims.ts: PoolWindows).
import type { Kernel } from "../Backend.js";
import type { AvgPoolParams, PoolWindows } from "../../autograd/prims.js";
import { Tensor } from "../../tensor/Tensor.js";
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
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < oD; od++) {
      const d0 = wd.lo[od]!, d1 = wd.hi[od]!;
      for (let oh = 0; oh < oH; oh++) {
        const h0 = wh.lo[oh]!, h1 = wh.hi[oh]!;
        for (let ow = 0; ow < oW; ow++, o++) {
          const w0 = ww.lo[ow]!, w1 = ww.hi[ow]!;
          // PyTorch's scan: start at the window's first position, the first maximum wins, NaN wins.
          let best = -Infinity, at = (d0 * H + h0) * W + w0;
          for (let id = d0; id < d1; id += wd.step) {
            for (let ih = h0; ih < h1; ih += wh.step) {
              const row = (id * H + ih) * W;
              for (let iw = w0; iw < w1; iw += ww.step) {
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
  return [Tensor.fromData(values, outShape, t.dtype), Tensor.fromData(indices, outShape, "int32")];
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
    const { planes, inDims, windows: [wd, wh, ww] } = layout(t.shape, windows, inShape);
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
        for (let oh = 0; oh < oH; oh++) {
          for (let ow = 0; ow < oW; ow++, o++, q++) {
            const g = forward ? 0 : xv[o]! / div[q]!;
            let sum = 0;
            for (let id = wd.lo[od]!; id < wd.hi[od]!; id += wd.step) {
              for (let ih = wh.lo[oh]!; ih < wh.hi[oh]!; ih += wh.step) {
                const row = inBase + (id * H + ih) * W;
                for (let iw = ww.lo[ow]!; iw < ww.hi[ow]!; iw += ww.step) {
                  if (forward) sum += xv[row + iw]!;
                  else out[row + iw] = out[row + iw]! + g;
                }
              }
            }
            if (forward) out[o] = sum / div[q]!;
          }
        }
      }
    }
    const shape = forward ? outShapeOf(t.shape, windows) : [...lead, ...inShape];
    return Tensor.fromData(out, shape, t.dtype);
  };
}

export const avgPool: Kernel<"avgPool"> = avgPoolLoop(true);
export const avgPoolBackward: Kernel<"avgPoolBackward"> = avgPoolLoop(false);
