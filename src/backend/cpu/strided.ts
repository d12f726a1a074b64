// Loops over strided, broadcast tensors: the building blocks of the CPU reference kernels.
import type { TensorView } from "../storage.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { allocateUninitialized } from "../pool.js";

/** Strides of `t` seen through broadcasting to `shape` (0 where broadcast), right-aligned. */
export function broadcastStrides(t: TensorView, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  const off = shape.length - t.ndim;
  for (let i = 0; i < t.ndim; i++) out[off + i] = t.shape[i] === 1 ? 0 : t.strides[i]!;
  return out;
}

/** True when `t` is a dense row-major block starting at its offset. */
export function isDense(t: TensorView): boolean {
  let expected = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    const s = t.shape[i]!;
    if (s !== 1 && t.strides[i] !== expected) return false;
    expected *= s;
  }
  return true;
}

/**
 * Storage offsets of every element of `t` broadcast to `shape`, in row-major order of `shape`.
 * Used by kernels whose inner loop is not worth specializing.
 */
export function offsets(t: TensorView, shape: readonly number[]): Int32Array {
  const strides = broadcastStrides(t, shape);
  let size = 1;
  for (const s of shape) size *= s;
  const out = new Int32Array(size);
  const nd = shape.length;
  if (size === 0) return out;
  if (nd === 0) {
    out[0] = t.offset;
    return out;
  }
  const inner = shape[nd - 1]!, si = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let p = t.offset, o = 0;
  while (o < size) {
    for (let j = 0; j < inner; j++) out[o++] = p + j * si;
    p = stepIndex(idx, shape, strides, nd - 2, p);
    if (p < 0) break;
  }
  return out;
}

/**
 * Steps a row-major multi-index over dims 0..last by one (idx in place) and moves the storage
 * position p along: returns the new position, or -1 after the last index (idx is all zeros again).
 */
export function stepIndex(idx: number[], shape: readonly number[], strides: readonly number[], last: number, p: number): number {
  for (let d = last; d >= 0; d--) {
    idx[d]!++;
    p += strides[d]!;
    if (idx[d]! < shape[d]!) return p;
    p -= strides[d]! * shape[d]!;
    idx[d] = 0;
  }
  return -1;
}

/** Values of `t` in row-major order in a new array that nothing else uses (one copy, dense or not). */
export function copyValues(t: TensorView): TypedArray {
  const out = allocateUninitialized(t.dtype, t.size); // every element is written below
  if (isDense(t)) out.set(t.storage.data.subarray(t.offset, t.offset + t.size));
  else stridedCopy(out, t);
  return out;
}

/** Values of `t` in row-major order: the storage itself when dense from 0, else a copy. */
export function denseValues(t: TensorView): TypedArray {
  const data = t.storage.data;
  if (isDense(t)) {
    if (t.offset === 0 && data.length === t.size) return data;
    return data.subarray(t.offset, t.offset + t.size);
  }
  const out = new (data.constructor as new (n: number) => TypedArray)(t.size);
  stridedCopy(out, t);
  return out;
}

/** Copies the elements of `t` in row-major order into `out` (no index array: counters over the dims). */
export function stridedCopy(out: TypedArray, t: TensorView): void {
  const size = t.size, nd = t.ndim, data = t.storage.data;
  if (size === 0) return;
  if (nd === 0) {
    out[0] = data[t.offset]!;
    return;
  }
  const shape = t.shape, strides = t.strides;
  const inner = shape[nd - 1]!, si = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let p = t.offset, o = 0;
  while (o < size) {
    if (si === 1) for (let j = 0; j < inner; j++) out[o++] = data[p + j]!;
    else for (let j = 0, q = p; j < inner; j++, q += si) out[o++] = data[q]!;
    p = stepIndex(idx, shape, strides, nd - 2, p);
    if (p < 0) break;
  }
}

/** Copies the elements of `src` into `dst`, two strided views of one shape (counters over the dims, no index arrays). */
export function copyInto(dst: TensorView, src: TensorView): void {
  const size = src.size, nd = src.ndim, dd = dst.storage.data, sd = src.storage.data;
  if (size === 0) return;
  if (nd === 0) {
    dd[dst.offset] = sd[src.offset]!;
    return;
  }
  const shape = src.shape, inner = shape[nd - 1]!, sdi = dst.strides[nd - 1]!, ssi = src.strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let pd = dst.offset, ps = src.offset;
  for (let done = 0; done < size; done += inner) {
    for (let j = 0; j < inner; j++) dd[pd + j * sdi] = sd[ps + j * ssi]!;
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      pd += dst.strides[d]!;
      ps += src.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      pd -= dst.strides[d]! * shape[d]!;
      ps -= src.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

/** out[i] = f(a[i], b[i]) over the broadcast of a and b to `shape`. */
export function binaryLoop(
  out: TypedArray,
  a: TensorView,
  b: TensorView,
  shape: readonly number[],
  f: (x: number, y: number) => number,
): void {
  const size = out.length;
  if (size === 0) return;
  const ad = a.storage.data, bd = b.storage.data;
  // Fast paths: both dense with the output's shape, or one side a scalar.
  if (a.size === size && b.size === size && isDense(a) && isDense(b)) {
    const ao = a.offset, bo = b.offset;
    for (let i = 0; i < size; i++) out[i] = f(ad[ao + i]!, bd[bo + i]!);
    return;
  }
  if (b.size === 1 && a.size === size && isDense(a)) {
    const ao = a.offset, y = bd[b.offset]!;
    for (let i = 0; i < size; i++) out[i] = f(ad[ao + i]!, y);
    return;
  }
  if (a.size === 1 && b.size === size && isDense(b)) {
    const bo = b.offset, x = ad[a.offset]!;
    for (let i = 0; i < size; i++) out[i] = f(x, bd[bo + i]!);
    return;
  }
  const nd = shape.length;
  const as = broadcastStrides(a, shape), bs = broadcastStrides(b, shape);
  const inner = shape[nd - 1]!, sa = as[nd - 1]!, sb = bs[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let pa = a.offset, pb = b.offset, o = 0;
  while (o < size) {
    for (let j = 0; j < inner; j++) out[o++] = f(ad[pa + j * sa]!, bd[pb + j * sb]!);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      pa += as[d]!;
      pb += bs[d]!;
      if (idx[d]! < shape[d]!) break;
      pa -= as[d]! * shape[d]!;
      pb -= bs[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

/** out[i] = f(x[i]) in row-major order. */
export function unaryLoop(out: TypedArray, x: TensorView, f: (v: number) => number): void {
  const xd = x.storage.data;
  if (isDense(x)) {
    const xo = x.offset;
    for (let i = 0; i < out.length; i++) out[i] = f(xd[xo + i]!);
    return;
  }
  const offs = offsets(x, x.shape);
  for (let i = 0; i < offs.length; i++) out[i] = f(xd[offs[i]!]!);
}
