// Global pooling readouts: one vector per graph of a batch, from the features of its nodes.
import { Tensor } from "../../tensor/Tensor.js";
import { fmtShape } from "../../tensor/shape.js";
import { checkSize, describe } from "../../tensor/validate.js";
import { denseValues } from "../../backend/cpu/strided.js";
import { scatterDim0, type ScatterReduce } from "../sparse.js";

function pool(op: string, reduce: ScatterReduce, x: Tensor, batch: Tensor | null | undefined, size: number | undefined): Tensor {
  if (!(x instanceof Tensor) || x.ndim !== 2) throw new Error(`${op}: x must be node features [N, F], got ${x instanceof Tensor ? `shape ${fmtShape(x.shape)}` : describe(x)}`);
  const N = x.shape[0]!;
  if (N === 0) throw new Error(`${op}: the graph is empty (x has shape ${fmtShape(x.shape)})`);
  if (batch === undefined || batch === null) {
    // one graph: [1, F]
    return reduce === "sum" ? x.sum(0, true) : reduce === "mean" ? x.mean(0, true) : x.amax(0, true);
  }
  if (!(batch instanceof Tensor) || batch.dtype !== "int32" || batch.ndim !== 1 || batch.shape[0] !== N) {
    throw new Error(`${op}: batch must be an int32 vector with one graph index per node [${N}], got ${batch instanceof Tensor ? `${batch.dtype} of shape ${fmtShape(batch.shape)}` : describe(batch)}`);
  }
  const bv = denseValues(batch);
  let B = 0;
  for (let i = 0; i < N; i++) {
    if (bv[i]! < 0) throw new Error(`${op}: batch has a negative graph index ${bv[i]} at node ${i}`);
    B = Math.max(B, bv[i]! + 1);
  }
  if (size !== undefined) {
    const s = checkSize(op, "size", size);
    if (s < B) throw new Error(`${op}: batch refers to graph ${B - 1}, but size is ${s}`);
    B = s;
  }
  return scatterDim0(x, batch, B, reduce);
}

/** Σ of each graph's node features: [B, F] (PyG's global_add_pool); without `batch`, one graph [1, F]. */
export function globalAddPool(x: Tensor, batch?: Tensor | null, size?: number): Tensor {
  return pool("globalAddPool", "sum", x, batch, size);
}
/** Mean of each graph's node features (PyG's global_mean_pool). */
export function globalMeanPool(x: Tensor, batch?: Tensor | null, size?: number): Tensor {
  return pool("globalMeanPool", "mean", x, batch, size);
}
/** Feature-wise maximum over each graph's nodes (PyG's global_max_pool). */
export function globalMaxPool(x: Tensor, batch?: Tensor | null, size?: number): Tensor {
  return pool("globalMaxPool", "max", x, batch, size);
}
