// CPU reference kernels for views (share storage) and copies.
import type { Kernel } from "../Backend.js";
import { viewFromData, makeView, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { contiguousStrides, shapesEqual } from "../../tensor/shape.js";
import { copyInto, copyValues, denseValues, isDense, offsets } from "./strided.js";

/** Strides for viewing `t` with `shape` without copying, or null when impossible (PyTorch's rule). */
export function viewStrides(t: TensorView, shape: readonly number[]): number[] | null {
  if (isDense(t)) return contiguousStrides(shape);
  // Match groups of old dims that are contiguous among themselves to groups of new dims.
  const oldShape = t.shape, oldStrides = t.strides;
  const newStrides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1, viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD]!;
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

export const reshape: Kernel<"reshape"> = ([x], { shape }) => {
  const t = x!;
  const strides = viewStrides(t, shape);
  if (strides) return makeView(t.storage, shape, strides, t.offset, t.dtype);
  return viewFromData(copyValues(t), shape, t.dtype);
};

export const permute: Kernel<"permute"> = ([x], { dims }) => {
  const t = x!;
  return makeView(t.storage, dims.map((d) => t.shape[d]!), dims.map((d) => t.strides[d]!), t.offset, t.dtype);
};

export const expand: Kernel<"expand"> = ([x], { shape }) => {
  const t = x!;
  const off = shape.length - t.ndim;
  const strides = shape.map((s, i) => (i < off ? 0 : t.shape[i - off] === 1 && s !== 1 ? 0 : t.strides[i - off]!));
  return makeView(t.storage, shape, strides, t.offset, t.dtype);
};

export const slice: Kernel<"slice"> = ([x], { starts, ends, steps }) => {
  const t = x!;
  let offset = t.offset;
  const shape: number[] = [], strides: number[] = [];
  for (let d = 0; d < t.ndim; d++) {
    const n = Math.max(0, Math.ceil((ends[d]! - starts[d]!) / steps[d]!));
    shape.push(n);
    strides.push(t.strides[d]! * steps[d]!);
    if (n > 0) offset += starts[d]! * t.strides[d]!;
  }
  return makeView(t.storage, shape, strides, offset, t.dtype);
};

export const unslice: Kernel<"unslice"> = ([x], p) => {
  const t = x!;
  let size = 1;
  for (const s of p.shape) size *= s;
  const out = viewFromData(allocate(t.dtype, size), p.shape, t.dtype);
  const region = slice([out], p) as TensorView;
  if (shapesEqual(region.shape, t.shape)) {
    copyInto(region, t);
    return out;
  }
  const dst = offsets(region, region.shape), src = offsets(t, region.shape);
  const od = out.storage.data, sd = t.storage.data;
  for (let i = 0; i < dst.length; i++) od[dst[i]!] = sd[src[i]!]!;
  return out;
};

export const contiguous: Kernel<"contiguous"> = ([x]) => {
  const t = x!;
  return viewFromData(copyValues(t), t.shape, t.dtype);
};

export const cat: Kernel<"cat"> = (inputs, { dim }) => {
  const first = inputs[0]!;
  const shape = first.shape.slice();
  shape[dim] = inputs.reduce((s, t) => s + t.shape[dim]!, 0);
  let size = 1;
  for (const s of shape) size *= s;
  const out = allocate(first.dtype, size);
  let outer = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  const rowOut = size / Math.max(outer, 1);
  let col = 0;
  for (const t of inputs) {
    const vals = denseValues(t);
    const rowIn = outer > 0 ? t.size / outer : 0;
    for (let o = 0; o < outer; o++) {
      const srcBase = o * rowIn, dstBase = o * rowOut + col;
      for (let j = 0; j < rowIn; j++) out[dstBase + j] = vals[srcBase + j]!;
    }
    col += rowIn;
  }
  return viewFromData(out, shape, first.dtype);
};
