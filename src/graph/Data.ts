// Graph data in PyTorch Geometric's shape: Data (one graph: edge index, node features, labels, masks,
// edge weights/features) and Batch (many graphs as one disconnected graph with a `batch` vector).
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import { apply } from "../autograd/engine.js";
import { cat, reshape } from "../ops/movement.js";
import { DataLoader as TensorDataLoader, type DataLoaderOptions } from "../data/DataLoader.js";
import type { Dataset } from "../data/Dataset.js";
import { checkEdgeRows, checkNodeRows, edgeArrays, edgeIndexOf, inferNumNodes } from "./edges.js";
import { isUndirected, containsSelfLoops, subgraph } from "./utils.js";

/**
 * The fields of a new {@link Data} graph (as PyG's `Data` constructor): the edge index and optional node
 * features, labels, edge weights or features, and train/validation/test masks.
 */
export interface DataInit {
  /** Edges as [2, E] int32: row 0 the source nodes, row 1 the targets (messages flow source → target). */
  edgeIndex: Tensor;
  /** Node features [N, F]. */
  x?: Tensor | null;
  /** Labels: per node [N] (node tasks) or per graph (graph tasks). */
  y?: Tensor | null;
  /** One weight per edge [E]. */
  edgeWeight?: Tensor | null;
  /** Edge features [E, D]. */
  edgeAttr?: Tensor | null;
  /** Bool masks over the nodes [N]. */
  trainMask?: Tensor | null;
  valMask?: Tensor | null;
  testMask?: Tensor | null;
  /** Number of nodes (default: rows of x, else 1 + the largest edge index). */
  numNodes?: number;
}

const NODE_FIELDS = ["x", "trainMask", "valMask", "testMask"] as const;

/**
 * One graph (PyG's `Data`). Checked on construction: edge indices are int32 and in range, node features
 * and masks have one row per node, edge weights and features one row per edge.
 *
 * ```ts
 * const g = new graph.Data({ x: ds.randn([3, 4]), edgeIndex: ds.tensor([[0, 1, 1, 2], [1, 0, 2, 1]], { dtype: "int32" }) });
 * g.numNodes; // 3
 * ```
 */
export class Data {
  edgeIndex: Tensor;
  x: Tensor | null;
  y: Tensor | null;
  edgeWeight: Tensor | null;
  edgeAttr: Tensor | null;
  trainMask: Tensor | null;
  valMask: Tensor | null;
  testMask: Tensor | null;
  readonly numNodes: number;

  constructor(init: DataInit) {
    const op = "Data";
    if (init === null || typeof init !== "object") throw new Error(`${op}: expected an object with edgeIndex (and x, y, …), got ${describe(init)}`);
    const x = init.x ?? null;
    if (x !== null && !(x instanceof Tensor)) throw new Error(`${op}: x must be a tensor [N, F], got ${describe(x)}`);
    if (x !== null && x.ndim === 0) throw new Error(`${op}: x must hold one row of features per node [N, F], got a 0-d tensor`);
    const edges = edgeArrays(op, init.edgeIndex);
    let numNodes = init.numNodes !== undefined ? checkSize(op, "numNodes", init.numNodes) : x !== null ? x.shape[0] ?? 0 : inferNumNodes(op, edges);
    if (init.numNodes === undefined && x === null) {
      for (const f of NODE_FIELDS) if (init[f]) numNodes = Math.max(numNodes, init[f]!.shape[0] ?? 0);
    }
    edgeArrays(op, init.edgeIndex, numNodes, init.numNodes !== undefined ? `numNodes is ${numNodes}` : x !== null ? `x has ${numNodes} rows` : undefined);
    this.edgeIndex = init.edgeIndex;
    this.numNodes = numNodes;
    const E = edges.source.length;
    this.x = x === null ? null : checkNodeRows(op, "x", x, numNodes);
    this.y = init.y ?? null;
    if (this.y !== null && !(this.y instanceof Tensor)) throw new Error(`${op}: y must be a tensor, got ${describe(this.y)}`);
    this.edgeWeight = init.edgeWeight == null ? null : checkEdgeRows(op, "edgeWeight", init.edgeWeight, E);
    this.edgeAttr = init.edgeAttr == null ? null : checkEdgeRows(op, "edgeAttr", init.edgeAttr, E);
    this.trainMask = mask(op, "trainMask", init.trainMask, numNodes);
    this.valMask = mask(op, "valMask", init.valMask, numNodes);
    this.testMask = mask(op, "testMask", init.testMask, numNodes);
  }

  get numEdges(): number {
    return this.edgeIndex.shape[1]!;
  }
  /** Features per node (0 without x), PyG's num_node_features. */
  get numNodeFeatures(): number {
    return this.x === null ? 0 : this.x.ndim === 1 ? 1 : this.x.shape[1]!;
  }
  get numFeatures(): number {
    return this.numNodeFeatures;
  }
  isUndirected(): boolean {
    return isUndirected(this.edgeIndex);
  }
  hasSelfLoops(): boolean {
    return containsSelfLoops(this.edgeIndex);
  }

  /** The graph induced by `subset` (node indices or a bool mask), nodes renumbered in subset order. */
  subgraph(subset: Tensor | readonly number[]): Data {
    const nodes = subset instanceof Tensor && subset.dtype === "bool"
      ? Array.from(subset.dataSync()).flatMap((v, i) => (v ? [i] : []))
      : Array.from(subset instanceof Tensor ? subset.dataSync() : subset);
    const [edgeIndex, kept] = subgraph(nodes, this.edgeIndex, { numNodes: this.numNodes, relabelNodes: true, edgeAttr: edgeIds(this.numEdges) });
    const ids = kept!;
    const pickNodes = Tensor.fromData(Int32Array.from(nodes), [nodes.length], "int32");
    const rows = (t: Tensor | null): Tensor | null => (t === null ? null : apply("indexSelect", [t, pickNodes], { dim: 0 }));
    const edgeRows = (t: Tensor | null): Tensor | null => (t === null ? null : apply("indexSelect", [t, ids], { dim: 0 }));
    const nodeLevelY = this.y !== null && this.y.ndim > 0 && this.y.shape[0] === this.numNodes;
    return new Data({
      edgeIndex, numNodes: nodes.length, x: rows(this.x), y: nodeLevelY ? rows(this.y) : this.y,
      edgeWeight: edgeRows(this.edgeWeight), edgeAttr: edgeRows(this.edgeAttr),
      trainMask: rows(this.trainMask), valMask: rows(this.valMask), testMask: rows(this.testMask),
    });
  }

  /** PyG's repr: `Data(x=[2708, 1433], edge_index=[2, 10556], y=[2708], …)`. */
  toString(): string {
    return `${this.constructor.name}(${this.fields().map(([k, v]) => `${k}=${typeof v === "number" ? v : fmtShape(v.shape).replaceAll(",", ", ")}`).join(", ")})`;
  }
  protected fields(): [string, Tensor | number][] {
    const out: [string, Tensor | number][] = [];
    const add = (k: string, v: Tensor | null): void => void (v !== null && out.push([k, v]));
    add("x", this.x);
    out.push(["edge_index", this.edgeIndex]);
    add("edge_attr", this.edgeAttr);
    add("edge_weight", this.edgeWeight);
    add("y", this.y);
    add("train_mask", this.trainMask);
    add("val_mask", this.valMask);
    add("test_mask", this.testMask);
    if (this.x === null) out.push(["num_nodes", this.numNodes]);
    return out;
  }
}

/** Edge positions 0…E−1 as an int32 "attribute", to learn which edges a utility kept. */
const edgeIds = (E: number): Tensor => Tensor.fromData(Int32Array.from({ length: E }, (_, e) => e), [E], "int32");

function mask(op: string, name: string, m: unknown, N: number): Tensor | null {
  if (m === undefined || m === null) return null;
  if (!(m instanceof Tensor) || m.dtype !== "bool" || m.ndim !== 1 || m.shape[0] !== N) {
    throw new Error(`${op}: ${name} must be a bool tensor with one entry per node [${N}], got ${m instanceof Tensor ? `${m.dtype} of shape ${fmtShape(m.shape)}` : describe(m)}`);
  }
  return m;
}

/**
 * Many graphs as one disconnected graph (PyG's `Batch`): node features, labels and edge attributes
 * concatenated, edge indices shifted by each graph's first node, `batch[i]` the graph of node i and
 * `ptr` [B + 1] the first node of each graph.
 */
export class Batch extends Data {
  readonly batch: Tensor;
  readonly ptr: Tensor;
  readonly numGraphs: number;

  private constructor(init: DataInit, batch: Tensor, ptr: Tensor) {
    super(init);
    this.batch = batch;
    this.ptr = ptr;
    this.numGraphs = ptr.shape[0]! - 1;
  }

  /** Collates graphs into one batch (PyG's Batch.from_data_list); every graph must have the same fields. */
  static fromDataList(graphs: readonly Data[]): Batch {
    const op = "Batch.fromDataList";
    if (!Array.isArray(graphs) || graphs.length === 0) throw new Error(`${op}: expected a non-empty array of graphs, got ${Array.isArray(graphs) ? "an empty array" : describe(graphs)}`);
    graphs.forEach((g, i) => {
      if (!(g instanceof Data)) throw new Error(`${op}: item ${i} is not a graph.Data, got ${describe(g)}`);
    });
    const first = graphs[0]!;
    const fields = ["x", "y", "edgeWeight", "edgeAttr", "trainMask", "valMask", "testMask"] as const;
    for (const f of fields) {
      graphs.forEach((g, i) => {
        if ((g[f] === null) !== (first[f] === null)) throw new Error(`${op}: graph ${i} ${g[f] === null ? "lacks" : "has"} ${f}, unlike graph 0`);
      });
    }
    const ptr = new Int32Array(graphs.length + 1);
    graphs.forEach((g, i) => (ptr[i + 1] = ptr[i]! + g.numNodes));
    const N = ptr[graphs.length]!;
    const batch = new Int32Array(N);
    graphs.forEach((g, i) => batch.fill(i, ptr[i]!, ptr[i + 1]!));
    const source: number[] = [], target: number[] = [];
    graphs.forEach((g, i) => {
      const { source: s, target: t } = edgeArrays(op, g.edgeIndex);
      for (let e = 0; e < s.length; e++) {
        source.push(s[e]! + ptr[i]!);
        target.push(t[e]! + ptr[i]!);
      }
    });
    const join = (f: (typeof fields)[number]): Tensor | null => {
      if (first[f] === null) return null;
      // a graph-level 0-d label becomes one row
      return cat(graphs.map((g) => (g[f]!.ndim === 0 ? reshape(g[f]!, [1]) : g[f]!)), 0);
    };
    return new Batch(
      {
        edgeIndex: edgeIndexOf(source, target), numNodes: N, x: join("x"), y: join("y"), edgeWeight: join("edgeWeight"),
        edgeAttr: join("edgeAttr"), trainMask: join("trainMask"), valMask: join("valMask"), testMask: join("testMask"),
      },
      Tensor.fromData(batch, [N], "int32"),
      Tensor.fromData(ptr, [graphs.length + 1], "int32"),
    );
  }

  protected override fields(): [string, Tensor | number][] {
    return [...super.fields(), ["batch", this.batch], ["ptr", this.ptr]];
  }
}

/**
 * Batches of graphs (PyG's loader.DataLoader): a data.DataLoader whose items are graphs and whose
 * batches are `Batch`es, shuffled by seed or generator as data.DataLoader.
 */
export class DataLoader extends TensorDataLoader<Data, Batch> {
  constructor(dataset: Dataset<Data> | readonly Data[], options: Omit<DataLoaderOptions<Data, Batch>, "collate"> = {}) {
    const ds: Dataset<Data> = Array.isArray(dataset) ? { length: dataset.length, get: (i: number) => dataset[i]! } : (dataset as Dataset<Data>);
    super(ds, { ...options, collate: (items) => Batch.fromDataList(items) });
  }
}
