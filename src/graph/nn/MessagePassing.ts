// The message-passing base of graph layers (Gilmer et al. 2017, arXiv:1704.01212; PyG's MessagePassing):
// h'_i = update(aggregate_{j → i} message(x_i, x_j, e_ji)).
import { Tensor } from "../../tensor/Tensor.js";
import { fmtShape } from "../../tensor/shape.js";
import { describe } from "../../tensor/validate.js";
import { apply } from "../../autograd/engine.js";
import * as E from "../../ops/elementwise.js";
import { reshape } from "../../ops/movement.js";
import { Module } from "../../nn/Module.js";
import { checkEdgeRows, edgeArrays } from "../edges.js";
import { scatterDim0 } from "../sparse.js";

/** How the messages entering a node combine ("add" is PyG's name for "sum"). */
export type Aggregation = "sum" | "add" | "mean" | "max" | "min";
const AGGREGATIONS: readonly string[] = ["sum", "add", "mean", "max", "min"];

/** What `propagate` passes along the edges. */
export interface PropagateInputs {
  /** Node features [N, …], or [source features, target features] for a bipartite graph. */
  x: Tensor | readonly [Tensor, Tensor];
  /** One weight per edge [E] (the default message scales x_j by it), or one per edge and head [E, H] for x [N, H, C]. */
  edgeWeight?: Tensor | null;
  /** Edge features [E, …] for layers whose message reads them. */
  edgeAttr?: Tensor | null;
}

/** Everything a message can depend on, per edge j → i. */
export interface MessageContext {
  /** Features of each edge's source node, [E, …] (gathered on first use). */
  readonly xJ: Tensor;
  /** Features of each edge's target node, [E, …] (gathered on first use). */
  readonly xI: Tensor;
  /** Source and target node of each edge, int32 [E]. */
  readonly source: Tensor;
  readonly target: Tensor;
  /** Number of target nodes. */
  readonly numNodes: number;
  readonly edgeWeight: Tensor | null;
  readonly edgeAttr: Tensor | null;
}

/**
 * Base class of message-passing layers: `propagate(edgeIndex, { x, edgeWeight, edgeAttr })` computes
 * `message` for every edge j → i (default: x_j, times the edge weight when given), combines the messages
 * entering each node with `aggr` and returns `update(aggregated)`. Subclasses override `message` (and
 * `update`); the inputs are typed fields, never discovered from argument names. With the default
 * message and a sum or mean aggregation, propagation is one sparse × dense product (no [E, F] messages).
 */
export abstract class MessagePassing<I extends unknown[] = [Tensor, Tensor], O = Tensor> extends Module<I, O> {
  readonly aggr: Aggregation;
  /** The layer's name in error messages (class names do not survive minifiers). */
  protected readonly _layer: string;

  constructor(layer: string, aggr: Aggregation = "sum") {
    super();
    if (!AGGREGATIONS.includes(aggr)) throw new Error(`${layer}: aggr must be "sum", "add", "mean", "max" or "min", got ${describe(aggr)}`);
    this._layer = layer;
    this.aggr = aggr;
  }

  /** Per-edge messages, [E, …]: x_j by default, scaled by the edge weight when one is given. */
  message(ctx: MessageContext): Tensor {
    const xJ = ctx.xJ;
    const w = ctx.edgeWeight;
    return w === null ? xJ : E.mul(xJ, reshape(w, [...w.shape, ...new Array<number>(xJ.ndim - w.ndim).fill(1)]));
  }

  /** Combines the messages of the edges entering each node with `aggr` (empty nodes get 0). */
  aggregate(messages: Tensor, target: Tensor, numNodes: number): Tensor {
    return scatterDim0(messages, target, numNodes, this.aggr);
  }

  /** The new node features from the aggregated messages (identity by default). */
  update(aggregated: Tensor, _inputs: PropagateInputs): Tensor {
    return aggregated;
  }

  /** The text inside PyG's repr, `GCNConv(16, 7)`: the channels and options that differ from the defaults. */
  protected reprArgs(): string {
    return "";
  }
  /** PyG's repr of a graph layer (a one-line summary, children not expanded). */
  override toString(): string {
    return `${this._layer}(${this.reprArgs()})`;
  }

  /** Checks node features against the layer: a tensor with at least one row per node, `features` columns when given. */
  protected checkNodeFeatures(x: unknown, features?: number): Tensor {
    const layer = this._layer;
    if (!(x instanceof Tensor)) throw new Error(`${layer}: x must be a tensor of node features [N, F], got ${describe(x)}`);
    if (x.ndim < 1 || x.shape[0] === 0) throw new Error(`${layer}: the graph is empty (x has shape ${fmtShape(x.shape)}); a graph needs at least one node`);
    if (features !== undefined && features >= 0 && (x.ndim !== 2 || x.shape[1] !== features)) {
      throw new Error(`${layer}: x must have shape [N, ${features}] (${features} input features), got ${fmtShape(x.shape)}`);
    }
    return x;
  }

  /**
   * Sends messages along `edgeIndex` [2, E] (source row 0 → target row 1) and aggregates them at the
   * targets. Checks that indices are int32 and in range of the node features' rows.
   */
  propagate(edgeIndex: Tensor, inputs: PropagateInputs): Tensor {
    const layer = this._layer;
    const [xSrc, xDst] = Array.isArray(inputs.x) ? (inputs.x as [Tensor, Tensor]) : [inputs.x as Tensor, inputs.x as Tensor];
    const numSources = this.checkNodeFeatures(xSrc).shape[0]!;
    const numNodes = this.checkNodeFeatures(xDst).shape[0]!;
    const rows = numSources === numNodes ? `x has ${numNodes} rows` : `x has ${numSources} source and ${numNodes} target rows`;
    const { source, target } = edgeArrays(layer, edgeIndex, Math.max(numSources, numNodes), rows);
    const E_ = source.length;
    for (let e = 0; e < E_; e++) {
      if (source[e]! >= numSources) throw new Error(`${layer}: edgeIndex has source node ${source[e]} at edge ${e}, out of range for ${numSources} source nodes`);
      if (target[e]! >= numNodes) throw new Error(`${layer}: edgeIndex has target node ${target[e]} at edge ${e}, out of range for ${numNodes} target nodes`);
    }
    const edgeWeight = inputs.edgeWeight == null ? null : checkEdgeRows(layer, "edgeWeight", inputs.edgeWeight, E_);
    if (edgeWeight !== null && edgeWeight.ndim !== 1 && !(edgeWeight.ndim === 2 && xSrc.ndim === 3 && edgeWeight.shape[1] === xSrc.shape[1])) {
      throw new Error(`${layer}: edgeWeight must have shape [${E_}] (or [${E_}, H] for x [N, H, C]), got ${fmtShape(edgeWeight.shape)}`);
    }
    const edgeAttr = inputs.edgeAttr == null ? null : checkEdgeRows(layer, "edgeAttr", inputs.edgeAttr, E_);
    const src = Tensor.fromData(source.slice(), [E_], "int32"), dst = Tensor.fromData(target.slice(), [E_], "int32");
    let aggregated: Tensor;
    if (this.message === MessagePassing.prototype.message && (this.aggr === "sum" || this.aggr === "add" || this.aggr === "mean")) {
      aggregated = this.spmmAggregate(src, dst, edgeWeight, xSrc, numNodes);
    } else {
      let xJ: Tensor | null = null, xI: Tensor | null = null;
      const ctx: MessageContext = {
        get xJ() {
          return (xJ ??= apply("indexSelect", [xSrc, src], { dim: 0 }));
        },
        get xI() {
          return (xI ??= apply("indexSelect", [xDst, dst], { dim: 0 }));
        },
        source: src, target: dst, numNodes, edgeWeight, edgeAttr,
      };
      aggregated = this.aggregate(this.message(ctx), dst, numNodes);
    }
    return this.update(aggregated, inputs);
  }

  /** Σ_j w_ji x_j (divided by the in-degree for "mean") as one SpMM: A x with A[i, j] = w_ji. */
  private spmmAggregate(src: Tensor, dst: Tensor, edgeWeight: Tensor | null, x: Tensor, numNodes: number): Tensor {
    const E_ = src.shape[0]!;
    let values = edgeWeight === null ? null : E.cast(edgeWeight, x.dtype);
    if (this.aggr === "mean") {
      const t = dst.dataSync();
      const count = new Float64Array(numNodes);
      for (let e = 0; e < E_; e++) count[t[e]!]!++;
      const inv = Tensor.fromData(Float64Array.from(t, (i) => 1 / count[i]!), [E_], "float64");
      values = values === null ? E.cast(inv, x.dtype) : E.mul(values, E.cast(values.ndim === 2 ? reshape(inv, [E_, 1]) : inv, x.dtype));
    }
    values ??= E.cast(Tensor.fromData(new Float64Array(E_).fill(1), [E_], "float64"), x.dtype);
    // rows flattened: (N, …) → (N, F); per-head weights (E, H) scale blocks of F/H columns
    const x2 = reshape(x, [x.shape[0]!, -1]);
    const out = apply("spmm", [dst, src, values, x2], { rows: numNodes });
    return reshape(out, [numNodes, ...x.shape.slice(1)]);
  }
}
