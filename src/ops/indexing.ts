// Indexing ops: gather/scatter along a dim, index selection, masks, where, one-hot.
import { Tensor, type TensorLike } from "../tensor/Tensor.js";
import { promoteTypes, promoteWithScalar } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape, normalizeDim } from "../tensor/shape.js";
import { apply } from "../autograd/engine.js";
import { cast, scalarTensor } from "./elementwise.js";
import { expand, reshape } from "./movement.js";
import { denseValues } from "../backend/cpu/strided.js";
import { toDevice } from "./creation.js";
import { checkInt, describe, indexArray } from "../tensor/validate.js";

function checkIndex(op: string, index: Tensor, size: number, dim: number): void {
  if (index.dtype !== "int32") {
    throw new Error(`${op}: index must be an integer tensor (int32), got dtype ${index.dtype}`);
  }
  // An index on a device is not read back to be checked (that would wait for the GPU): there the
  // kernels find an index out of range (reading 0 for it, skipping it when writing) and the next read
  // from the device throws an error naming the primitive, the index and the shapes.
  if (index.storage.device !== null) return;
  const v = denseValues(index);
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!;
    if (k < 0 || k >= size) {
      throw new Error(`${op}: index ${k} is out of bounds for dimension ${dim} with size ${size}`);
    }
  }
}

/** Accepts int32 tensors or plain arrays; negative indices count from the end. */
function asIndex(op: string, index: Tensor | readonly number[], size: number, dim: number, x: Tensor): Tensor {
  if (!Array.isArray(index) && !(index instanceof Tensor)) throw new Error(`${op}: index must be an int32 tensor or an array of integers, got ${describe(index)}`);
  let t = Array.isArray(index) ? Tensor.fromData(indexArray(op, index, size, dim), [index.length], "int32") : (index as Tensor);
  if (Array.isArray(index) && x.storage.device !== null) t = toDevice(t); // an array indexes a tensor where it lives
  if (t.dtype !== "int32") throw new Error(`${op}: index must be an integer tensor (int32), got dtype ${t.dtype}`);
  if (t.storage.device !== null) return t; // negative indices are not wrapped on a device (see checkIndex)
  const v = denseValues(t);
  let hasNeg = false;
  for (let i = 0; i < v.length; i++) if (v[i]! < 0) hasNeg = true;
  if (hasNeg) {
    const w = Int32Array.from(v, (k) => (k < 0 ? k + size : k));
    t = Tensor.fromData(w, t.shape, "int32");
  }
  checkIndex(op, t, size, dim);
  return t;
}

/**
 * The entries of `x` at the positions `index` (1-D) along `dim` (`torch.index_select`); the result has
 * `index.length` entries in that dim.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  const d = normalizeDim("indexSelect", dim, x.ndim);
  const idx = asIndex("indexSelect", index, x.shape[d] ?? 1, d, x);
  if (idx.ndim > 1) throw new Error(`indexSelect: index must be 1-D, got shape ${fmtShape(idx.shape)}`);
  if (x.ndim === 0) return reshape(apply("indexSelect", [reshape(x, [1]), reshape(idx, [-1])], { dim: 0 }), idx.shape);
  return apply("indexSelect", [x, reshape(idx, [-1])], { dim: d });
}

/** `x[index]`: integer-array indexing along dim 0; result shape = index.shape + x.shape[1:]. */
export function index(x: Tensor, index: Tensor | readonly number[]): Tensor {
  if (x.ndim === 0) throw new Error("index: cannot index a 0-d tensor");
  const idx = asIndex("index", index, x.shape[0]!, 0, x);
  const flat = indexSelect(x, 0, reshape(idx, [idx.size]));
  return reshape(flat, [...idx.shape, ...x.shape.slice(1)]);
}

function checkGatherShapes(op: string, x: Tensor, d: number, idx: Tensor): void {
  if (idx.ndim !== x.ndim) {
    throw new Error(`${op}: index ${fmtShape(idx.shape)} must have as many dimensions as the input ${fmtShape(x.shape)}`);
  }
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && idx.shape[i]! > x.shape[i]!) {
      throw new Error(`${op}: index ${fmtShape(idx.shape)} is larger than the input ${fmtShape(x.shape)} at dimension ${i}`);
    }
  }
}

/**
 * Picks along `dim` with an index tensor of `x`'s rank: `out[i][j] = x[index[i][j]][j]` for dim 0
 * (`torch.gather`); the result has `index`'s shape.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim("gather", dim, x.ndim);
  checkGatherShapes("gather", x, d, index);
  checkIndex("gather", index, x.shape[d]!, d);
  return apply("gather", [x, index], { dim: d });
}

function scatterLike(op: "scatter" | "scatterAdd", x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  const d = normalizeDim(op, dim, x.ndim);
  checkGatherShapes(op, x, d, index);
  checkIndex(op, index, x.shape[d]!, d);
  let s = src instanceof Tensor ? cast(src, x.dtype) : expand(scalarTensor(src, x.dtype), index.shape);
  if (s.ndim !== index.ndim || s.shape.some((v, i) => v < index.shape[i]!)) {
    throw new Error(`${op}: src ${fmtShape(s.shape)} must be at least as large as index ${fmtShape(index.shape)}`);
  }
  return apply(op, [x, index, s], { dim: d });
}

/** Out-of-place scatter: a copy of x with out[...index...] = src (along `dim`). */
export const scatter = (x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor => scatterLike("scatter", x, dim, index, src);
/** Out-of-place scatterAdd: a copy of x with src added at the indexed positions (duplicates accumulate). */
export const scatterAdd = (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => scatterLike("scatterAdd", x, dim, index, src);

/** Out-of-place indexAdd: out.select(dim, index[i]) += src.select(dim, i). */
export function indexAdd(x: Tensor, dim: number, index: Tensor | readonly number[], src: Tensor): Tensor {
  const d = normalizeDim("indexAdd", dim, x.ndim);
  const idx = asIndex("indexAdd", index, x.shape[d]!, d, x);
  const expected = [...x.shape];
  expected[d] = idx.size;
  if (src.ndim !== x.ndim || src.shape.some((v, i) => v !== expected[i])) {
    throw new Error(`indexAdd: src must have shape ${fmtShape(expected)}, got ${fmtShape(src.shape)}`);
  }
  return apply("indexAdd", [x, reshape(idx, [-1]), cast(src, x.dtype)], { dim: d });
}

/**
 * Elementwise choice: `a` where the bool `condition` is true, `b` elsewhere, all broadcast together
 * (`torch.where`); numbers stand for 0-d tensors.
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (condition.dtype !== "bool") throw new Error(`where: condition must be a bool tensor, got dtype ${condition.dtype}`);
  let dt;
  if (a instanceof Tensor && b instanceof Tensor) dt = promoteTypes(a.dtype, b.dtype);
  else if (a instanceof Tensor) dt = promoteWithScalar(a.dtype, b as number);
  else if (b instanceof Tensor) dt = promoteWithScalar(b.dtype, a as number);
  else dt = promoteWithScalar(typeof a === "boolean" ? "bool" : Number.isInteger(a) ? "int32" : "float32", b as number);
  const x = a instanceof Tensor ? cast(a, dt) : scalarTensor(a, dt);
  const y = b instanceof Tensor ? cast(b, dt) : scalarTensor(b, dt);
  broadcastShapes("where", condition.shape, x.shape, y.shape);
  return apply("where", [condition, x, y], {});
}

/** `x` with `value` where the bool `mask` (broadcast to `x`'s shape) is true (`torch.Tensor.masked_fill`). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (mask.dtype !== "bool") throw new Error(`maskedFill: mask must be a bool tensor, got dtype ${mask.dtype}`);
  const shape = broadcastShapes("maskedFill", x.shape, mask.shape);
  if (shape.length !== x.ndim || shape.some((s, i) => s !== x.shape[i])) {
    throw new Error(`maskedFill: mask ${fmtShape(mask.shape)} must broadcast to the input's shape ${fmtShape(x.shape)}`);
  }
  return where(mask, scalarTensor(value, x.dtype), x);
}

/**
 * The indices of the nonzero elements of `x`, one row each in row-major order: an int32 tensor of shape
 * (count, x.ndim) (`torch.nonzero`).
 */
export function nonzero(x: Tensor): Tensor {
  return apply("nonzero", [x], {});
}

/** 1-D tensor of the elements where `mask` (broadcast to x) is true, in row-major order. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new Error(`maskedSelect: mask must be a bool tensor, got dtype ${mask.dtype}`);
  const shape = broadcastShapes("maskedSelect", x.shape, mask.shape);
  const xs = reshape(expand(x, shape), [-1]);
  const ms = reshape(expand(mask, shape), [-1]);
  const positions = reshape(nonzero(ms), [-1]);
  return indexSelect(xs, 0, positions);
}

/** One-hot encoding of int32 class indices: shape [...labels.shape, numClasses], dtype int32. */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  checkInt("oneHot", "numClasses", numClasses);
  if (numClasses < -1) throw new Error(`oneHot: numClasses must be -1 (inferred) or non-negative, got ${numClasses}`);
  if (labels.dtype !== "int32") throw new Error(`oneHot: labels must be int32, got ${labels.dtype}`);
  const v = denseValues(labels);
  let n = numClasses;
  if (n < 0) {
    n = 0;
    for (let i = 0; i < v.length; i++) n = Math.max(n, v[i]! + 1);
  }
  if (v.length * n > 2 ** 31 - 1) throw new Error(`oneHot: ${v.length} labels × ${n} classes is more than one tensor can hold`);
  const out = new Int32Array(v.length * n);
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c < 0 || c >= n) throw new Error(`oneHot: class index ${c} is out of range for ${n} classes`);
    out[i * n + c] = 1;
  }
  return Tensor.fromData(out, [...labels.shape, n], "int32");
}
