// CPU reference kernels for reductions and scans.
import type { Kernel } from "../Backend.js";
import type { ReducePrim } from "../../autograd/prims.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { reducedShape } from "../../tensor/shape.js";
import { denseValues, stepIndex } from "./strided.js";

/**
 * Calls `visit(outIndex, offsets)` style loops: for each kept position (row-major over the kept
 * dims) runs `step` over the reduced elements. Reduced dims are iterated innermost.
 */
function reduceLoop(
  x: TensorView,
  dims: readonly number[],
  init: number,
  step: (acc: number, v: number) => number,
  out: Float64Array,
): void {
  const keptDims: number[] = [], redDims: number[] = [];
  for (let i = 0; i < x.ndim; i++) (dims.includes(i) ? redDims : keptDims).push(i);
  const keptShape = keptDims.map((d) => x.shape[d]!), keptStrides = keptDims.map((d) => x.strides[d]!);
  const redShape = redDims.map((d) => x.shape[d]!), redStrides = redDims.map((d) => x.strides[d]!);
  let redSize = 1;
  for (const s of redShape) redSize *= s;
  const data = x.storage.data;
  const kIdx = new Array<number>(keptShape.length).fill(0);
  const rIdx = new Array<number>(redShape.length).fill(0);
  const nr = redShape.length;
  const innerSize = nr > 0 ? redShape[nr - 1]! : 1, innerStride = nr > 0 ? redStrides[nr - 1]! : 0;
  let base = x.offset;
  for (let o = 0; o < out.length; o++) {
    let acc = init;
    if (redSize > 0) {
      let p = base;
      rIdx.fill(0);
      for (;;) {
        for (let j = 0; j < innerSize; j++) acc = step(acc, data[p + j * innerStride]!);
        if (nr < 2) break; // one reduced dim: the inner loop was the whole line
        p = stepIndex(rIdx, redShape, redStrides, nr - 2, p);
        if (p < 0) break;
      }
    }
    out[o] = acc;
    base = stepIndex(kIdx, keptShape, keptStrides, keptShape.length - 1, base);
  }
}

const steps: { [P in ReducePrim]: [number, (acc: number, v: number) => number] } = {
  sum: [0, (acc, v) => acc + v],
  prod: [1, (acc, v) => acc * v],
  max: [-Infinity, (acc, v) => (v > acc || v !== v ? v : acc)],
  min: [Infinity, (acc, v) => (v < acc || v !== v ? v : acc)],
};

export function reduceKernel<P extends ReducePrim>(prim: P): Kernel<P> {
  const [init, step] = steps[prim];
  return ([x], { dims, keepdim }) => {
    const shape = reducedShape(x!.shape, dims, keepdim);
    let size = 1;
    for (const s of shape) size *= s;
    const acc = new Float64Array(size);
    reduceLoop(x!, dims, init, step, acc);
    const out = allocate(x!.dtype, size);
    if (x!.dtype === "int32") for (let i = 0; i < size; i++) out[i] = acc[i]! | 0;
    else out.set(acc);
    return viewFromData(out, shape, x!.dtype);
  };
}

function argKernel<P extends "argmax" | "argmin">(isMax: boolean): Kernel<P> {
  return ([x], { dim, keepdim }) => {
    const t = x!;
    const shape = reducedShape(t.shape, [dim], keepdim);
    let size = 1;
    for (const s of shape) size *= s;
    const out = new Int32Array(size);
    const n = t.shape[dim]!, stride = t.strides[dim]!;
    const keptDims = t.shape.map((_, i) => i).filter((i) => i !== dim);
    const kShape = keptDims.map((d) => t.shape[d]!), kStrides = keptDims.map((d) => t.strides[d]!);
    const idx = new Array<number>(kShape.length).fill(0);
    const data = t.storage.data;
    if (data instanceof Float32Array) {
      // float32 gets its own copy of the scan (monomorphic element access: ~5× faster than the shared one).
      argScanF32(data, out, t.offset, n, stride, kShape, kStrides, isMax);
      return viewFromData(out, shape, "int32");
    }
    let base = t.offset;
    for (let o = 0; o < size; o++) {
      // The comparisons are written out per direction (no comparator call per element); the first NaN
      // wins, as in PyTorch, so the scan stops there.
      let best = data[base]!, bi = 0;
      if (best === best) {
        if (isMax) {
          for (let j = 1, p = base + stride; j < n; j++, p += stride) {
            const v = data[p]!;
            if (v > best) (best = v), (bi = j);
            else if (v !== v) {
              bi = j;
              break;
            }
          }
        } else {
          for (let j = 1, p = base + stride; j < n; j++, p += stride) {
            const v = data[p]!;
            if (v < best) (best = v), (bi = j);
            else if (v !== v) {
              bi = j;
              break;
            }
          }
        }
      }
      out[o] = bi;
      base = stepIndex(idx, kShape, kStrides, kShape.length - 1, base);
    }
    return viewFromData(out, shape, "int32");
  };
}

/** argKernel's scan for float32 data (the same logic; a separate function so V8 sees one array type). */
function argScanF32(data: Float32Array, out: Int32Array, offset: number, n: number, stride: number, kShape: number[], kStrides: number[], isMax: boolean): void {
  const idx = new Array<number>(kShape.length).fill(0);
  let base = offset;
  for (let o = 0; o < out.length; o++) {
    let best = data[base]!, bi = 0;
    if (best === best) {
      if (isMax) {
        for (let j = 1, p = base + stride; j < n; j++, p += stride) {
          const v = data[p]!;
          if (v > best) (best = v), (bi = j);
          else if (v !== v) {
            bi = j;
            break;
          }
        }
      } else {
        for (let j = 1, p = base + stride; j < n; j++, p += stride) {
          const v = data[p]!;
          if (v < best) (best = v), (bi = j);
          else if (v !== v) {
            bi = j;
            break;
          }
        }
      }
    }
    out[o] = bi;
    base = stepIndex(idx, kShape, kStrides, kShape.length - 1, base);
  }
}

// NaN counts as the extreme value (first NaN wins), as in PyTorch.
export const argmax = argKernel<"argmax">(true);
export const argmin = argKernel<"argmin">(false);

export const cumsum: Kernel<"cumsum"> = ([x], { dim, reverse }) => {
  const t = x!;
  const out = allocate(t.dtype, t.size);
  const n = t.shape[dim]!;
  const outStrides: number[] = [];
  let s = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    outStrides[i] = s;
    s *= t.shape[i]!;
  }
  const keptDims = t.shape.map((_, i) => i).filter((i) => i !== dim);
  const kShape = keptDims.map((d) => t.shape[d]!);
  const idx = new Array<number>(kShape.length).fill(0);
  const data = t.storage.data;
  let lines = 1;
  for (const k of kShape) lines *= k;
  if (t.size === 0) return viewFromData(out, t.shape, t.dtype);
  const isInt = t.dtype === "int32";
  for (let l = 0; l < lines; l++) {
    let inBase = t.offset, outBase = 0;
    for (let d = 0; d < keptDims.length; d++) {
      inBase += idx[d]! * t.strides[keptDims[d]!]!;
      outBase += idx[d]! * outStrides[keptDims[d]!]!;
    }
    let acc = 0;
    for (let jj = 0; jj < n; jj++) {
      const j = reverse ? n - 1 - jj : jj;
      acc += data[inBase + j * t.strides[dim]!]!;
      if (isInt) acc |= 0;
      out[outBase + j * outStrides[dim]!] = acc;
    }
    for (let d = kShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < kShape[d]!) break;
      idx[d] = 0;
    }
  }
  return viewFromData(out, t.shape, t.dtype);
};

/** log softmax along `dim`, stable (shift by the line's max), computed in float64 per line. */
export const logSoftmax: Kernel<"logSoftmax"> = ([x], { dim }) => {
  const t = x!;
  const vals = denseValues(t);
  const out = allocate(t.dtype, t.size);
  const n = t.shape[dim] ?? 1;
  let inner = 1;
  for (let d = dim + 1; d < t.ndim; d++) inner *= t.shape[d]!;
  const outer = n * inner === 0 ? 0 : t.size / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = vals[base + j * inner]!;
        if (v > m || v !== v) m = v;
      }
      // An infinite max is not special-cased: ∞ − ∞ makes the line NaN, as in PyTorch.
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(vals[base + j * inner]! - m);
      const shift = m + Math.log(s);
      for (let j = 0; j < n; j++) out[base + j * inner] = vals[base + j * inner]! - shift;
    }
  }
  return viewFromData(out, t.shape, t.dtype);
};
