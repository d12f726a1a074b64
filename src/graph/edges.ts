// Checks of graph arguments shared by the graph module: edge indices, node counts and feature rows.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import { denseValues } from "../backend/cpu/strided.js";

/** The two rows of a checked edge index: `source[e] → target[e]`. */
export interface EdgeArrays {
  source: Int32Array;
  target: Int32Array;
}

/**
 * Checks that `edgeIndex` is an int32 tensor of shape [2, E] whose entries lie in [0, numNodes) (when
 * numNodes is given) and returns its rows. Errors name `op` (the layer or function called) and the sizes;
 * `nodesFrom` says where the node count came from ("x has 4 rows").
 */
export function edgeArrays(op: string, edgeIndex: unknown, numNodes?: number, nodesFrom?: string): EdgeArrays {
  if (!(edgeIndex instanceof Tensor)) throw new Error(`${op}: edgeIndex must be an int32 tensor of shape [2, E], got ${describe(edgeIndex)}`);
  if (edgeIndex.dtype !== "int32") {
    throw new Error(`${op}: edgeIndex must hold integer node indices (int32), got dtype ${edgeIndex.dtype}; convert it with .int()`);
  }
  if (edgeIndex.ndim !== 2 || edgeIndex.shape[0] !== 2) throw new Error(`${op}: edgeIndex must have shape [2, E], got ${fmtShape(edgeIndex.shape)}`);
  const E = edgeIndex.shape[1]!;
  const v = denseValues(edgeIndex) as Int32Array;
  const source = v.subarray(0, E), target = v.subarray(E, 2 * E);
  if (numNodes !== undefined) {
    for (let e = 0; e < 2 * E; e++) {
      const k = v[e]!;
      if (k < 0 || k >= numNodes) {
        const which = e < E ? "source" : "target";
        const from = nodesFrom === undefined ? "" : `${nodesFrom}; `;
        if (numNodes === 0) throw new Error(`${op}: edgeIndex has ${E} edges (${which} node ${k} at edge ${e % E}) but the graph has no nodes (${from}an edge needs nodes to join)`);
        throw new Error(`${op}: edgeIndex has ${which} node ${k} at edge ${e % E}, out of range for a graph of ${numNodes} nodes (${from}valid: 0 to ${numNodes - 1})`);
      }
    }
  } else {
    for (let e = 0; e < 2 * E; e++) if (v[e]! < 0) throw new Error(`${op}: edgeIndex has a negative node index ${v[e]} at edge ${e % E}`);
  }
  return { source, target };
}

/** PyG's maybe_num_nodes: `numNodes` when given (checked), else 1 + the largest index (0 without edges). */
export function inferNumNodes(op: string, edges: EdgeArrays, numNodes?: number): number {
  if (numNodes !== undefined && numNodes !== null) return checkSize(op, "numNodes", numNodes);
  let n = 0;
  for (let e = 0; e < edges.source.length; e++) n = Math.max(n, edges.source[e]! + 1, edges.target[e]! + 1);
  return n;
}

/** An edge index tensor [2, E] from its two rows. */
export function edgeIndexOf(source: ArrayLike<number>, target: ArrayLike<number>): Tensor {
  const E = source.length;
  const out = new Int32Array(2 * E);
  out.set(source, 0);
  out.set(target, E);
  return Tensor.fromData(out, [2, E], "int32");
}

/** Checks that node features `x` have one row per node. */
export function checkNodeRows(op: string, what: string, x: unknown, numNodes: number): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${what} must be a tensor, got ${describe(x)}`);
  if (x.ndim < 1 || x.shape[0] !== numNodes) {
    throw new Error(`${op}: ${what} has shape ${fmtShape(x.shape)}, but the graph has ${numNodes} nodes (expected ${numNodes} rows)`);
  }
  return x;
}

/** Checks per-edge values (weights or features): one row per edge. */
export function checkEdgeRows(op: string, what: string, values: unknown, numEdges: number): Tensor {
  if (!(values instanceof Tensor)) throw new Error(`${op}: ${what} must be a tensor, got ${describe(values)}`);
  if (values.ndim < 1 || values.shape[0] !== numEdges) {
    throw new Error(`${op}: ${what} has shape ${fmtShape(values.shape)}, but edgeIndex has ${numEdges} edges (expected ${numEdges} rows)`);
  }
  return values;
}
