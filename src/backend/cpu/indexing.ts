// CPU reference kernels for gather/scatter-style indexing.
import type { Kernel } from "../Backend.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { contiguousStrides } from "../../tensor/shape.js";
import { denseValues } from "./strided.js";

/** Row-major multi-index iteration over `shape`, calling fn(flatIndex, multiIndex). */
function forEachIndex(shape: readonly number[], fn: (flat: number, idx: number[]) => void): void {
  let size = 1;
  for (const s of shape) size *= s;
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < size; f++) {
    fn(f, idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

function storageOffset(t: TensorView, idx: readonly number[]): number {
  let p = t.offset;
  for (let d = 0; d < idx.length; d++) p += idx[d]! * t.strides[d]!;
  return p;
}

export const gather: Kernel<"gather"> = ([x, index], { dim }) => {
  const t = x!, ix = index!;
  const out = allocate(t.dtype, ix.size);
  const iv = denseValues(ix), data = t.storage.data;
  if (ix.ndim === 2 && t.ndim === 2) {
    // (rows, cols) index, the common case (Q(s, a) of a batch): two plain loops, no multi-index
    const [R, C] = ix.shape as [number, number], [s0, s1] = t.strides as [number, number];
    for (let i = 0, f = 0; i < R; i++) {
      for (let j = 0; j < C; j++, f++) out[f] = data[t.offset + (dim === 0 ? iv[f]! * s0 + j * s1 : i * s0 + iv[f]! * s1)]!;
    }
    return viewFromData(out, ix.shape, t.dtype);
  }
  forEachIndex(ix.shape, (f, idx) => {
    let p = t.offset;
    for (let d = 0; d < idx.length; d++) p += (d === dim ? iv[f]! : idx[d]!) * t.strides[d]!;
    out[f] = data[p]!;
  });
  return viewFromData(out, ix.shape, t.dtype);
};

function scatterInto<P extends "scatter" | "scatterAdd">(accumulate: boolean): Kernel<P> {
  return ([x, index, src], { dim }) => {
    const t = x!, ix = index!, s = src!;
    const out = denseValues(t).slice();
    const strides = contiguousStrides(t.shape);
    const iv = denseValues(ix), sd = s.storage.data;
    if (ix.ndim === 2 && t.ndim === 2 && s.ndim === 2) {
      // the same writes in the same (row-major) order as below, without the multi-index
      const [R, C] = ix.shape as [number, number], [r0, r1] = s.strides as [number, number], T1 = strides[0]!;
      for (let i = 0, f = 0; i < R; i++) {
        for (let j = 0; j < C; j++, f++) {
          const p = dim === 0 ? iv[f]! * T1 + j : i * T1 + iv[f]!;
          const v = sd[s.offset + i * r0 + j * r1]!;
          out[p] = accumulate ? out[p]! + v : v;
        }
      }
      return viewFromData(out, t.shape, t.dtype);
    }
    forEachIndex(ix.shape, (f, idx) => {
      let p = 0;
      for (let d = 0; d < idx.length; d++) p += (d === dim ? iv[f]! : idx[d]!) * strides[d]!;
      const v = sd[storageOffset(s, idx)]!;
      out[p] = accumulate ? out[p]! + v : v;
    });
    return viewFromData(out, t.shape, t.dtype);
  };
}
export const scatter = scatterInto<"scatter">(false);
export const scatterAdd = scatterInto<"scatterAdd">(true);

/** A shape seen as (outer, n, inner) around `dim`. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[dim]!, inner];
}

// Both copy whole runs of the `inner` elements after `dim` (an embedding lookup copies rows).
/** Rows of a dense tensor along dim 0: the size of one row (elements per index). */
const rowSize = (shape: readonly number[]): number => shape.slice(1).reduce((a, b) => a * b, 1);

export const indexSelect: Kernel<"indexSelect"> = ([x, index], { dim }) => {
  const t = x!, iv = denseValues(index!);
  if (dim === 0 && t.ndim > 0) {
    // whole rows: one block copy per index (a strided input is made dense once)
    const R = rowSize(t.shape), data = denseValues(t), out = allocate(t.dtype, iv.length * R);
    for (let i = 0; i < iv.length; i++) {
      const s = iv[i]! * R;
      if (R === 1) out[i] = data[s]!;
      else out.set(data.subarray(s, s + R), i * R);
    }
    return viewFromData(out, [iv.length, ...t.shape.slice(1)], t.dtype);
  }
  const shape = t.shape.slice();
  shape[dim] = iv.length;
  const [outer, n, inner] = around(t.shape, dim), m = iv.length;
  const out = allocate(t.dtype, outer * m * inner);
  const xv = denseValues(t);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const from = (o * n + iv[i]!) * inner;
      out.set(xv.subarray(from, from + inner), (o * m + i) * inner);
    }
  }
  return viewFromData(out, shape, t.dtype);
};

export const indexAdd: Kernel<"indexAdd"> = ([x, index, src], { dim }) => {
  const t = x!, iv = denseValues(index!), s = src!;
  const out = denseValues(t).slice();
  const sv = denseValues(s);
  const [outer, n, inner] = around(t.shape, dim), m = iv.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const to = (o * n + iv[i]!) * inner, from = (o * m + i) * inner;
      for (let j = 0; j < inner; j++) out[to + j] = out[to + j]! + sv[from + j]!;
    }
  }
  return viewFromData(out, t.shape, t.dtype);
};

export const nonzero: Kernel<"nonzero"> = ([x]) => {
  const t = x!, vals = denseValues(t);
  const rows: number[] = [];
  let count = 0;
  forEachIndex(t.shape, (f, idx) => {
    if (vals[f] !== 0) {
      rows.push(...idx);
      count++;
    }
  });
  return viewFromData(Int32Array.from(rows), [count, t.ndim], "int32");
};
