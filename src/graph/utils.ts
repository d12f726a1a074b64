// Graph utilities in PyTorch Geometric's shape: self-loops, undirected graphs, coalescing, degrees,
// subgraphs and conversions between edge indices, dense adjacency matrices and CSR.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import { apply } from "../autograd/engine.js";
import { full, zeros } from "../ops/creation.js";
import { cat, reshape } from "../ops/movement.js";
import { cast } from "../ops/elementwise.js";
import { denseValues } from "../backend/cpu/strided.js";
import { checkEdgeRows, edgeArrays, edgeIndexOf, inferNumNodes } from "./edges.js";
import { scatterDim0 } from "./sparse.js";

/** An edge index with its (optional) per-edge attributes, as PyG's utilities return them. */
export type EdgesWithAttr = [edgeIndex: Tensor, edgeAttr: Tensor | null];

/**
 * Options of the edge-list utilities ({@link addSelfLoops}, {@link coalesce}, {@link toUndirected}, ...):
 * per-edge attributes to carry along and the number of nodes.
 */
export interface EdgeAttrOptions {
  /** Per-edge weights [E] or features [E, D], carried along. */
  edgeAttr?: Tensor | null;
  /** Number of nodes (default: 1 + the largest index). */
  numNodes?: number;
}

/** The edges with `keep[e]` set, and their attributes (indexSelect keeps gradients). */
function selectEdges(source: Int32Array, target: Int32Array, keep: (e: number) => boolean, attr: Tensor | null): [Int32Array, Int32Array, Tensor | null, Int32Array] {
  const picked: number[] = [];
  for (let e = 0; e < source.length; e++) if (keep(e)) picked.push(e);
  const perm = Int32Array.from(picked);
  const s = perm.map((e) => source[e]!), t = perm.map((e) => target[e]!);
  const a = attr === null ? null : apply("indexSelect", [attr, Tensor.fromData(perm, [perm.length], "int32")], { dim: 0 });
  return [s, t, a, perm];
}

function attrOf(op: string, options: EdgeAttrOptions, E: number): Tensor | null {
  return options.edgeAttr === undefined || options.edgeAttr === null ? null : checkEdgeRows(op, "edgeAttr", options.edgeAttr, E);
}

/** Removes every edge i → i; returns the remaining edges and their attributes. */
export function removeSelfLoops(edgeIndex: Tensor, options: { edgeAttr?: Tensor | null } = {}): EdgesWithAttr {
  const { source, target } = edgeArrays("removeSelfLoops", edgeIndex);
  const attr = attrOf("removeSelfLoops", options, source.length);
  const [s, t, a] = selectEdges(source, target, (e) => source[e] !== target[e], attr);
  return [edgeIndexOf(s, t), a];
}

/**
 * Appends a self-loop i → i for every node (after the existing edges, as PyG's add_self_loops); their
 * attributes are `fillValue` (default 1).
 */
export function addSelfLoops(edgeIndex: Tensor, options: EdgeAttrOptions & { fillValue?: number } = {}): EdgesWithAttr {
  const op = "addSelfLoops";
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const attr = attrOf(op, options, edges.source.length);
  const loops = Int32Array.from({ length: N }, (_, i) => i);
  const ei = edgeIndexOf(concat(edges.source, loops), concat(edges.target, loops));
  if (attr === null) return [ei, null];
  return [ei, cat([attr, full([N, ...attr.shape.slice(1)], options.fillValue ?? 1, { dtype: attr.dtype })], 0)];
}

/**
 * PyG's add_remaining_self_loops: removes the existing self-loops and appends one loop per node, whose
 * attribute is the removed loop's where there was one and `fillValue` (default 1) elsewhere.
 */
export function addRemainingSelfLoops(edgeIndex: Tensor, options: EdgeAttrOptions & { fillValue?: number } = {}): EdgesWithAttr {
  const op = "addRemainingSelfLoops";
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const { source, target } = edges;
  const attr = attrOf(op, options, source.length);
  const [s, t, kept] = selectEdges(source, target, (e) => source[e] !== target[e], attr);
  const loops = Int32Array.from({ length: N }, (_, i) => i);
  const ei = edgeIndexOf(concat(s, loops), concat(t, loops));
  if (attr === null) return [ei, null];
  // loop attributes: fillValue, overwritten by existing loops (the last one wins, as PyG's assignment)
  const from = new Int32Array(N).fill(-1);
  for (let e = 0; e < source.length; e++) if (source[e] === target[e]) from[source[e]!] = e;
  const fill = full([N, ...attr.shape.slice(1)], options.fillValue ?? 1, { dtype: attr.dtype });
  let loopAttr = fill;
  if (from.some((e) => e >= 0)) {
    // rows of [attr; fill]: the existing loop's row, else the fill row of that node
    const pick = Int32Array.from(from, (e, i) => (e >= 0 ? e : source.length + i));
    loopAttr = apply("indexSelect", [cat([attr, fill], 0), Tensor.fromData(pick, [N], "int32")], { dim: 0 });
  }
  return [ei, cat([kept!, loopAttr], 0)];
}

/**
 * Sorts edges by (source, target) and merges duplicates, combining their attributes with `reduce`
 * (default "sum"), as PyG's coalesce.
 */
export function coalesce(edgeIndex: Tensor, options: EdgeAttrOptions & { reduce?: "sum" | "mean" | "max" | "min" } = {}): EdgesWithAttr {
  const op = "coalesce";
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = Math.max(1, inferNumNodes(op, edges, options.numNodes));
  const { source, target } = edges;
  const attr = attrOf(op, options, source.length);
  const key = (e: number): number => source[e]! * N + target[e]!;
  const order = Array.from({ length: source.length }, (_, e) => e).sort((a, b) => key(a) - key(b) || a - b);
  const group = new Int32Array(source.length);
  const s: number[] = [], t: number[] = [];
  let last = -1;
  for (const e of order) {
    if (key(e) !== last) {
      s.push(source[e]!);
      t.push(target[e]!);
      last = key(e);
    }
    group[e] = s.length - 1;
  }
  const ei = edgeIndexOf(s, t);
  if (attr === null) return [ei, null];
  return [ei, scatterDim0(attr, Tensor.fromData(group, [group.length], "int32"), s.length, options.reduce ?? "sum")];
}

/** Adds the reverse of every edge and coalesces (duplicates merged with `reduce`, default "sum"), as PyG's to_undirected. */
export function toUndirected(edgeIndex: Tensor, options: EdgeAttrOptions & { reduce?: "sum" | "mean" | "max" | "min" } = {}): EdgesWithAttr {
  const op = "toUndirected";
  const { source, target } = edgeArrays(op, edgeIndex, options.numNodes);
  const attr = attrOf(op, options, source.length);
  const both = edgeIndexOf(concat(source, target), concat(target, source));
  return coalesce(both, { ...options, edgeAttr: attr === null ? null : cat([attr, attr], 0) });
}

/** True when every edge i → j has its reverse j → i (attributes ignored). */
export function isUndirected(edgeIndex: Tensor): boolean {
  const { source, target } = edgeArrays("isUndirected", edgeIndex);
  const set = new Set<string>();
  for (let e = 0; e < source.length; e++) set.add(`${source[e]},${target[e]}`);
  for (let e = 0; e < source.length; e++) if (!set.has(`${target[e]},${source[e]}`)) return false;
  return true;
}

/** True when some edge is a self-loop i → i. */
export function containsSelfLoops(edgeIndex: Tensor): boolean {
  const { source, target } = edgeArrays("containsSelfLoops", edgeIndex);
  for (let e = 0; e < source.length; e++) if (source[e] === target[e]) return true;
  return false;
}

/** The number of times each node occurs in `index` (PyG's degree: pass edgeIndex[1] for in-degrees). */
export function degree(index: Tensor, numNodes?: number, dtype: DType = "float32"): Tensor {
  const op = "degree";
  if (!(index instanceof Tensor) || index.dtype !== "int32" || index.ndim !== 1) {
    throw new Error(`degree: index must be a 1-D int32 tensor of node indices, got ${index instanceof Tensor ? `${index.dtype} of shape ${fmtShape(index.shape)}` : describe(index)}`);
  }
  const iv = denseValues(index);
  let N = 0;
  if (numNodes !== undefined) N = checkSize(op, "numNodes", numNodes);
  else for (let e = 0; e < iv.length; e++) N = Math.max(N, iv[e]! + 1);
  const out = new Float64Array(N);
  for (let e = 0; e < iv.length; e++) {
    const k = iv[e]!;
    if (k < 0 || k >= N) throw new Error(`degree: index ${k} at position ${e} is out of range for ${N} nodes`);
    out[k]!++;
  }
  return cast(Tensor.fromData(out, [N], "float64"), dtype);
}

/**
 * The edges among the nodes of `subset` (node indices, or a bool mask over the nodes), with their
 * attributes; `relabelNodes` numbers the kept nodes 0…k−1 in subset order (as PyG's subgraph).
 */
export function subgraph(
  subset: Tensor | readonly number[],
  edgeIndex: Tensor,
  options: EdgeAttrOptions & { relabelNodes?: boolean } = {},
): EdgesWithAttr {
  const op = "subgraph";
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  let N = inferNumNodes(op, edges, options.numNodes);
  const attr = attrOf(op, options, edges.source.length);
  let nodes: number[];
  if (subset instanceof Tensor && subset.dtype === "bool") {
    if (subset.ndim !== 1) throw new Error(`subgraph: a mask subset must be 1-D, got shape ${fmtShape(subset.shape)}`);
    if (options.numNodes === undefined) N = Math.max(N, subset.shape[0]!);
    else if (subset.shape[0] !== N) throw new Error(`subgraph: the mask has ${subset.shape[0]} entries, but the graph has ${N} nodes`);
    nodes = [];
    denseValues(subset).forEach((v, i) => v && nodes.push(i));
  } else if (subset instanceof Tensor) {
    if (subset.dtype !== "int32") throw new Error(`subgraph: subset must be int32 node indices or a bool mask, got dtype ${subset.dtype}`);
    nodes = Array.from(denseValues(subset));
  } else if (Array.isArray(subset)) nodes = [...subset];
  else throw new Error(`subgraph: subset must be a tensor or an array of node indices, got ${describe(subset)}`);
  const size = Math.max(N, ...nodes.map((v) => v + 1));
  const label = new Int32Array(size).fill(-1);
  nodes.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || (options.numNodes !== undefined && v >= N)) throw new Error(`subgraph: subset entry ${v} is not a node of a graph with ${N} nodes`);
    label[v] = i;
  });
  const { source, target } = edges;
  const [s, t, a] = selectEdges(source, target, (e) => label[source[e]!]! >= 0 && label[target[e]!]! >= 0, attr);
  if (options.relabelNodes) return [edgeIndexOf(s.map((v) => label[v]!), t.map((v) => label[v]!)), a];
  return [edgeIndexOf(s, t), a];
}

/**
 * The dense adjacency matrix A[i, j] = Σ weight of the edges i → j (1 without `edgeAttr`): [N, N], or
 * [B, maxN, maxN] per graph of a batch (with `batch`), as PyG's to_dense_adj (which always returns the
 * batch dim: pass `batch` to get it). Meant for small graphs; message passing never needs it.
 */
export function toDenseAdj(edgeIndex: Tensor, options: { edgeAttr?: Tensor | null; numNodes?: number; batch?: Tensor } = {}): Tensor {
  const op = "toDenseAdj";
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const { source, target } = edges;
  const attr = attrOf(op, options, source.length);
  const dtype: DType = attr?.dtype ?? "float32";
  const values = attr ?? full([source.length], 1, { dtype });
  if (values.ndim !== 1) throw new Error(`toDenseAdj: edgeAttr must be one weight per edge [E], got shape ${fmtShape(values.shape)}`);
  let N: number, B = 1;
  let graphOf: Int32Array, offset: Int32Array;
  if (options.batch !== undefined) {
    const bv = denseValues(options.batch) as Int32Array;
    B = bv.length === 0 ? 0 : bv[bv.length - 1]! + 1;
    const counts = new Int32Array(B);
    for (const b of bv) counts[b]!++;
    N = Math.max(0, ...counts);
    offset = new Int32Array(B);
    for (let b = 1; b < B; b++) offset[b] = offset[b - 1]! + counts[b - 1]!;
    graphOf = bv;
  } else {
    N = inferNumNodes(op, edges, options.numNodes);
    graphOf = new Int32Array(N);
    offset = new Int32Array(1);
  }
  const flat = Int32Array.from({ length: source.length }, (_, e) => {
    const b = graphOf[source[e]!]!;
    return (b * N + source[e]! - offset[b]!) * N + target[e]! - offset[b]!;
  });
  const adj = apply("indexAdd", [zeros([B * N * N], { dtype }), Tensor.fromData(flat, [flat.length], "int32"), cast(values, dtype)], { dim: 0 });
  return reshape(adj, options.batch !== undefined ? [B, N, N] : [N, N]);
}

/** The edges of a dense adjacency matrix [N, N]: its nonzero entries (row-major order) and their values. */
export function denseToSparse(adj: Tensor): EdgesWithAttr {
  if (!(adj instanceof Tensor) || adj.ndim !== 2 || adj.shape[0] !== adj.shape[1]) {
    throw new Error(`denseToSparse: adj must be a square matrix [N, N], got ${adj instanceof Tensor ? `shape ${fmtShape(adj.shape)}` : describe(adj)}`);
  }
  const N = adj.shape[0]!, v = denseValues(adj);
  const s: number[] = [], t: number[] = [], flat: number[] = [];
  for (let i = 0; i < N * N; i++) {
    if (v[i] !== 0) {
      s.push(Math.floor(i / N));
      t.push(i % N);
      flat.push(i);
    }
  }
  const values = apply("indexSelect", [reshape(adj, [N * N]), Tensor.fromData(Int32Array.from(flat), [flat.length], "int32")], { dim: 0 });
  return [edgeIndexOf(s, t), values];
}

/** Compressed sparse rows of a graph: the edges sorted by source, `rowptr[i]…rowptr[i+1]` being node i's. */
export interface CSR {
  /** [N + 1] offsets into `col`. */
  rowptr: Int32Array;
  /** Target of each edge, grouped by source. */
  col: Int32Array;
  /** For each CSR position, the edge's position in the original edge index (to carry attributes). */
  perm: Int32Array;
  numNodes: number;
}

/** The CSR form of an edge index (a stable sort by source node). */
export function toCSR(edgeIndex: Tensor, numNodes?: number): CSR {
  const edges = edgeArrays("toCSR", edgeIndex, numNodes);
  const N = inferNumNodes("toCSR", edges, numNodes);
  const { source, target } = edges;
  const rowptr = new Int32Array(N + 1);
  for (let e = 0; e < source.length; e++) rowptr[source[e]! + 1]!++;
  for (let i = 0; i < N; i++) rowptr[i + 1]! += rowptr[i]!;
  const next = rowptr.slice(0, N);
  const col = new Int32Array(source.length), perm = new Int32Array(source.length);
  for (let e = 0; e < source.length; e++) {
    const p = next[source[e]!]!++;
    col[p] = target[e]!;
    perm[p] = e;
  }
  return { rowptr, col, perm, numNodes: N };
}

/** The edge index [2, E] of a CSR graph, edges in CSR order. */
export function fromCSR(csr: { rowptr: ArrayLike<number>; col: ArrayLike<number> }): Tensor {
  const { rowptr, col } = csr;
  const N = rowptr.length - 1;
  if (N < 0 || rowptr[0] !== 0 || rowptr[N] !== col.length) throw new Error(`fromCSR: rowptr must start at 0 and end at the number of edges (${col.length}), got ${rowptr[0]} … ${rowptr[N]}`);
  const source = new Int32Array(col.length);
  for (let i = 0; i < N; i++) {
    if (rowptr[i + 1]! < rowptr[i]!) throw new Error(`fromCSR: rowptr must be non-decreasing, but rowptr[${i + 1}] = ${rowptr[i + 1]} < rowptr[${i}] = ${rowptr[i]}`);
    source.fill(i, rowptr[i]!, rowptr[i + 1]!);
  }
  return edgeIndexOf(source, col);
}

function concat(a: ArrayLike<number>, b: ArrayLike<number>): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
