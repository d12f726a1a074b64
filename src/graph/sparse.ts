// Sparse operations of graph learning, differentiable: SpMM (sparse × dense), scatter reductions over
// edge groups (sum, mean, max, min) and the segment softmax over the edges entering each node.
import { Tensor } from "../tensor/Tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, normalizeDim } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import { apply } from "../autograd/engine.js";
import { zeros } from "../ops/creation.js";
import * as E from "../ops/elementwise.js";
import { transpose } from "../ops/movement.js";
import { denseValues } from "../backend/cpu/strided.js";
import { edgeArrays } from "./edges.js";

/**
 * Sparse × dense matrix product A·x, A given in COO form by `index` [2, E] (row, column of each entry)
 * and `values` [E] (null: all ones; repeated entries add up), x dense [M, F] (or [M]) → [rows, F]. With
 * `values` [E, H] there is one sparse matrix per head, each multiplying a block of F/H columns. The
 * sparse matrix is never made dense; gradients flow to `values` and `x` (SpMM on the transpose).
 *
 * ```ts
 * // Â·X for the GCN propagation, A = normalized adjacency with row = target, column = source
 * const out = graph.spmm(ds.stack([target, source]), weights, x, { rows: numNodes });
 * ```
 */
export function spmm(index: Tensor, values: Tensor | null, x: Tensor, options: { rows?: number } = {}): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`spmm: x must be a tensor, got ${describe(x)}`);
  if (x.ndim !== 1 && x.ndim !== 2) throw new Error(`spmm: x must be a matrix [M, F] (or a vector [M]), got shape ${fmtShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new Error(`spmm: x must be a floating-point tensor, got dtype ${x.dtype}`);
  const M = x.shape[0]!;
  const { source: row, target: col } = edgeArrays("spmm", index);
  for (let e = 0; e < col.length; e++) {
    if (col[e]! >= M) throw new Error(`spmm: column index ${col[e]} at entry ${e} is out of range for x with ${M} rows`);
  }
  let rows = 0;
  if (options.rows !== undefined) {
    rows = checkSize("spmm", "rows", options.rows);
    for (let e = 0; e < row.length; e++) if (row[e]! >= rows) throw new Error(`spmm: row index ${row[e]} at entry ${e} is out of range for ${rows} rows`);
  } else for (let e = 0; e < row.length; e++) rows = Math.max(rows, row[e]! + 1);
  const w = values === null ? E.cast(ones(row.length, x.dtype), x.dtype) : checkValues("spmm", values, row.length, x);
  const x2 = x.ndim === 1 ? x.reshape([M, 1]) : x;
  const out = apply("spmm", [int32(row), int32(col), w, x2], { rows });
  return x.ndim === 1 ? out.reshape([rows]) : out;
}

/**
 * How {@link scatter} combines the entries of a group: sum ("add" is the same), mean, max or min (as
 * torch_scatter's `reduce`).
 */
export type ScatterReduce = "sum" | "add" | "mean" | "max" | "min";

/** Options of {@link scatter}: the dim `index` runs along, the output size along it, and the reduction. */
export interface ScatterOptions {
  /** The dim of `src` that `index` runs along (default 0). */
  dim?: number;
  /** Size of the output along `dim` (default: 1 + the largest index). */
  dimSize?: number;
  /** How the entries of one group combine (default "sum"); empty groups give 0. */
  reduce?: ScatterReduce;
}

/**
 * PyG's `scatter`: reduces the slices of `src` along `dim` into groups given by `index` (int32, one entry
 * per slice): out[n] = reduce over {e : index[e] = n} of src[e]. Empty groups give 0 (also for max and
 * min). Differentiable; max/min split the gradient evenly among tied maxima (as torch.scatter_reduce).
 *
 * ```ts
 * graph.scatter(messages, target, { dimSize: numNodes, reduce: "mean" }); // mean of the incoming messages
 * ```
 */
export function scatter(src: Tensor, index: Tensor, options: ScatterOptions = {}): Tensor {
  const op = "scatter";
  if (!(src instanceof Tensor)) throw new Error(`${op}: src must be a tensor, got ${describe(src)}`);
  if (src.ndim === 0) throw new Error(`${op}: src must have at least one dim, got a 0-d tensor`);
  const dim = normalizeDim(op, options.dim ?? 0, src.ndim);
  const reduce = options.reduce ?? "sum";
  if (!["sum", "add", "mean", "max", "min"].includes(reduce)) throw new Error(`${op}: reduce must be "sum", "mean", "max" or "min", got ${describe(reduce)}`);
  const iv = groupIndex(op, index, src.shape[dim]!);
  let dimSize = 0;
  if (options.dimSize !== undefined) {
    dimSize = checkSize(op, "dimSize", options.dimSize);
    for (let e = 0; e < iv.length; e++) if (iv[e]! >= dimSize) throw new Error(`${op}: index ${iv[e]} at position ${e} is out of range for dimSize ${dimSize}`);
  } else for (let e = 0; e < iv.length; e++) dimSize = Math.max(dimSize, iv[e]! + 1);
  const moved = dim === 0 ? src : transpose(src, 0, dim);
  const out = scatterDim0(moved, int32(iv), dimSize, reduce);
  return dim === 0 ? out : transpose(out, 0, dim);
}

/** scatter along dim 0 with a checked index tensor. */
export function scatterDim0(src: Tensor, index: Tensor, dimSize: number, reduce: ScatterReduce): Tensor {
  switch (reduce) {
    case "sum":
    case "add":
      return apply("indexAdd", [zeros([dimSize, ...src.shape.slice(1)], { dtype: src.dtype }), index, src], { dim: 0 });
    case "mean": {
      const sum = apply("indexAdd", [zeros([dimSize, ...src.shape.slice(1)], { dtype: src.dtype }), index, src], { dim: 0 });
      return E.div(sum, countsFor(index, dimSize, src.dtype, src.ndim));
    }
    case "max":
      return apply("scatterMax", [src, index], { dimSize });
    case "min":
      // + 0 turns the −0 of empty groups into 0
      return E.add(E.neg(apply("scatterMax", [E.neg(src), index], { dimSize })), 0);
  }
}

/** max(1, number of entries of each group), shaped [dimSize, 1, …] to broadcast over src's other dims. */
function countsFor(index: Tensor, dimSize: number, dtype: Tensor["dtype"], ndim: number): Tensor {
  const iv = denseValues(index);
  const counts = new Float64Array(dimSize);
  for (let e = 0; e < iv.length; e++) counts[iv[e]!]!++;
  for (let n = 0; n < dimSize; n++) counts[n] = Math.max(1, counts[n]!);
  return E.cast(Tensor.fromData(counts, [dimSize, ...new Array<number>(ndim - 1).fill(1)], "float64"), dtype);
}

/**
 * PyG's `softmax` over groups: each entry of `src` [E, *] is exponentiated and normalized by the sum
 * over the entries of its group (the edges entering the same node, `index` [E]):
 * out[e] = exp(src[e] − max_g) / (Σ_{e' ∈ g} exp(src[e'] − max_g) + 1e-16). The group maximum is a
 * constant (as PyG: it cancels mathematically). Attention coefficients of GAT.
 */
export function softmax(src: Tensor, index: Tensor, options: { numNodes?: number } = {}): Tensor {
  const op = "softmax";
  if (!(src instanceof Tensor) || src.ndim === 0) throw new Error(`${op}: src must be a tensor with one row per edge, got ${src instanceof Tensor ? "a 0-d tensor" : describe(src)}`);
  const iv = groupIndex(op, index, src.shape[0]!);
  let n = 0;
  if (options.numNodes !== undefined) {
    n = checkSize(op, "numNodes", options.numNodes);
    for (let e = 0; e < iv.length; e++) if (iv[e]! >= n) throw new Error(`${op}: index ${iv[e]} at edge ${e} is out of range for ${n} nodes`);
  } else for (let e = 0; e < iv.length; e++) n = Math.max(n, iv[e]! + 1);
  return segmentSoftmax(src, int32(iv), n);
}

/** softmax with a checked index: one primitive (the maxima, exponentials, group sums and quotients in one kernel). */
export function segmentSoftmax(src: Tensor, index: Tensor, numNodes: number): Tensor {
  return apply("segmentSoftmax", [src, index], { numNodes });
}

/** The entries of a 1-D int32 group index of length `length` (non-negative). */
function groupIndex(op: string, index: unknown, length: number): Int32Array {
  if (!(index instanceof Tensor)) throw new Error(`${op}: index must be an int32 tensor, got ${describe(index)}`);
  if (index.dtype !== "int32") throw new Error(`${op}: index must hold integers (int32), got dtype ${index.dtype}`);
  if (index.ndim !== 1 || index.shape[0] !== length) {
    throw new Error(`${op}: index must be 1-D with one entry per row of src (${length}), got shape ${fmtShape(index.shape)}`);
  }
  const iv = denseValues(index) as Int32Array;
  for (let e = 0; e < iv.length; e++) if (iv[e]! < 0) throw new Error(`${op}: index has a negative entry ${iv[e]} at position ${e}`);
  return iv;
}

function checkValues(op: string, values: unknown, E_: number, x: Tensor): Tensor {
  if (!(values instanceof Tensor)) throw new Error(`${op}: values must be a tensor or null, got ${describe(values)}`);
  const F = x.ndim === 2 ? x.shape[1]! : 1;
  const heads = values.ndim === 2 && values.shape[0] === E_ && F % values.shape[1]! === 0;
  if (!(values.ndim === 1 && values.shape[0] === E_) && !heads) {
    throw new Error(`${op}: values must have shape [${E_}] (one per entry of index) or [${E_}, H] with H dividing x's ${F} columns, got ${fmtShape(values.shape)}`);
  }
  return E.cast(values, x.dtype);
}

const int32 = (a: Int32Array): Tensor => Tensor.fromData(a.slice(), [a.length], "int32");
const ones = (n: number, dtype: Tensor["dtype"]): Tensor => Tensor.fromData(new Float64Array(n).fill(1), [n], "float64").to(dtype);
