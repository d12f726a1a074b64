// Graph datasets: Cora (Planetoid split) and Zachary's karate club shipped in data/, a seeded synthetic
// graph-classification set, and a parser for the edge-list/CSV files users bring.
import { Tensor } from "../tensor/Tensor.js";
import { checkSize, describe } from "../tensor/validate.js";
import { Generator } from "../random/Generator.js";
import { readEdgeListText, readGraphDataset } from "../node/index.js";
import { Data } from "./Data.js";
import { edgeIndexOf } from "./edges.js";
import { toUndirected } from "./utils.js";

/** The JSON form of Cora in data/cora.json.gz (see data/README.md). */
export interface CoraJson {
  numNodes: number;
  numFeatures: number;
  numClasses: number;
  /** features[i]: the indices of the words present in document i. */
  features: number[][];
  labels: number[];
  /** Undirected edges [u, v], u < v. */
  edges: [number, number][];
  trainIndex: number[];
  valIndex: number[];
  testIndex: number[];
}

const mask = (n: number, index: readonly number[]): Tensor => {
  const m = new Uint8Array(n);
  for (const i of index) m[i] = 1;
  return Tensor.fromData(m, [n], "bool");
};

/** Both directions of each undirected edge, sorted by (source, target) as PyG stores Cora. */
function bothDirections(edges: readonly (readonly [number, number])[], numNodes: number): Tensor {
  return toUndirected(edgeIndexOf(edges.map((e) => e[0]), edges.map((e) => e[1])), { numNodes })[0];
}

/** Builds Cora's Data from its parsed JSON (for browsers, which fetch data/cora.json.gz themselves). */
export function coraFromJson(json: CoraJson, options: { normalizeFeatures?: boolean } = {}): Data {
  const { numNodes: N, numFeatures: F } = json;
  const x = new Float32Array(N * F);
  json.features.forEach((words, i) => {
    // NormalizeFeatures: each row sums to 1
    const v = options.normalizeFeatures && words.length > 0 ? 1 / words.length : 1;
    for (const w of words) x[i * F + w] = v;
  });
  return new Data({
    x: Tensor.fromData(x, [N, F], "float32"),
    edgeIndex: bothDirections(json.edges, N),
    y: Tensor.fromData(Int32Array.from(json.labels), [N], "int32"),
    trainMask: mask(N, json.trainIndex),
    valMask: mask(N, json.valIndex),
    testMask: mask(N, json.testIndex),
  });
}

/**
 * Cora (McCallum et al. 2000) with the Planetoid split of Yang et al. (2016), as PyG's
 * `Planetoid(root, "Cora")`: 2,708 papers, 1,433 binary bag-of-words features, 7 classes, 10,556
 * directed edges (5,278 undirected), 140 training nodes (20 per class), 500 validation, 1,000 test.
 * `normalizeFeatures` scales each row to sum 1 (PyG's NormalizeFeatures, used by Kipf & Welling).
 * Shipped in the package (data/cora.json.gz); Node only — in a browser, use `coraFromJson`.
 */
export async function cora(options: { normalizeFeatures?: boolean } = {}): Promise<Data> {
  if (options.normalizeFeatures !== undefined && typeof options.normalizeFeatures !== "boolean") {
    throw new Error(`cora: normalizeFeatures must be a boolean, got ${describe(options.normalizeFeatures)}`);
  }
  return coraFromJson(readGraphDataset("cora") as CoraJson, options);
}

/** The JSON form of the karate club in data/karate.json.gz. */
export interface KarateJson {
  numNodes: number;
  edges: [number, number][];
  club: number[];
}

/** Builds the karate club's Data from its parsed JSON. */
export function karateFromJson(json: KarateJson): Data {
  const N = json.numNodes;
  const eye = new Float32Array(N * N);
  for (let i = 0; i < N; i++) eye[i * N + i] = 1;
  return new Data({ x: Tensor.fromData(eye, [N, N], "float32"), edgeIndex: bothDirections(json.edges, N), y: Tensor.fromData(Int32Array.from(json.club), [N], "int32") });
}

/**
 * Zachary's karate club (Zachary 1977, networkx's karate_club_graph): 34 members, 78 friendships (156
 * directed edges), one-hot node features (the identity, as PyG's KarateClub), and `y` the club each
 * member joined after the split (0 = Mr. Hi, 1 = Officer). Node only — in a browser, `karateFromJson`.
 */
export async function karateClub(): Promise<Data> {
  return karateFromJson(readGraphDataset("karate") as KarateJson);
}

/**
 * Options of {@link syntheticGraphs}: the number of graphs, their size range, the node features and their
 * noise, and the seed.
 */
export interface SyntheticGraphsOptions {
  /** Number of graphs (default 300), classes in turn: 0 = cycle, 1 = tree, 2 = clique. */
  numGraphs?: number;
  /** Nodes per graph, drawn uniformly from [minNodes, maxNodes] (default 6 to 14). */
  minNodes?: number;
  maxNodes?: number;
  /** Node features (default 8): a constant 1 then Gaussian noise (σ = `noise`, default 1). */
  numFeatures?: number;
  noise?: number;
  /** Seed of the generator (default 0): the same seed gives the same graphs. */
  seed?: number;
}

/**
 * A seeded graph-classification set: cycles (class 0), random trees (class 1, each node attached to a
 * uniformly chosen earlier one) and cliques (class 2), nodes shuffled, with a constant feature plus
 * Gaussian noise features — only the structure tells the classes apart. Each graph's `y` is [1] int32.
 */
export function syntheticGraphs(options: SyntheticGraphsOptions = {}): Data[] {
  const op = "syntheticGraphs";
  const numGraphs = checkSize(op, "numGraphs", options.numGraphs ?? 300);
  const minNodes = checkSize(op, "minNodes", options.minNodes ?? 6);
  const maxNodes = checkSize(op, "maxNodes", options.maxNodes ?? 14);
  if (minNodes < 3 || maxNodes < minNodes) throw new Error(`${op}: need 3 ≤ minNodes ≤ maxNodes, got ${minNodes} and ${maxNodes}`);
  const F = checkSize(op, "numFeatures", options.numFeatures ?? 8);
  if (F < 1) throw new Error(`${op}: numFeatures must be at least 1, got ${F}`);
  const noise = options.noise ?? 1;
  const gen = new Generator(options.seed ?? 0);
  const graphs: Data[] = [];
  for (let g = 0; g < numGraphs; g++) {
    const label = g % 3;
    const n = minNodes + gen.randint(0, maxNodes - minNodes + 1);
    const pairs: [number, number][] = [];
    if (label === 0) for (let i = 0; i < n; i++) pairs.push([i, (i + 1) % n]);
    else if (label === 1) for (let i = 1; i < n; i++) pairs.push([gen.randint(0, i), i]);
    else for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
    const perm = gen.permutation(n);
    const edges = pairs.map(([a, b]) => [perm[a]!, perm[b]!] as [number, number]);
    const x = new Float32Array(n * F);
    for (let i = 0; i < n; i++) {
      x[i * F] = 1;
      for (let f = 1; f < F; f++) x[i * F + f] = noise * gen.normal();
    }
    graphs.push(new Data({ x: Tensor.fromData(x, [n, F], "float32"), edgeIndex: bothDirections(edges, n), y: Tensor.fromData(Int32Array.of(label), [1], "int32") }));
  }
  return graphs;
}

/**
 * Options of {@link parseEdgeList}: the column separator, whether to skip a header line and whether to add
 * reverse edges.
 */
export interface EdgeListOptions {
  /** Column separator: a string, or by default any run of commas, tabs or spaces. */
  delimiter?: string;
  /** Skip the first non-comment line (column names). Default false. */
  header?: boolean;
  /** Add the reverse of every edge (default false: edges as written, source → target). */
  undirected?: boolean;
}

/** A parsed edge list: the graph and the original name of each node (node i is `nodeIds[i]`). */
export interface EdgeList {
  data: Data;
  nodeIds: string[];
}

/**
 * Parses an edge list: one edge per line, `source target [weight]`, separated by commas, tabs or
 * spaces (CSV works); lines starting with `#` or `%` are comments. Node names may be any strings;
 * they are numbered in order of first appearance, except that when every name is a non-negative
 * integer the integers are the node indices. A third column gives `edgeWeight`.
 */
export function parseEdgeList(text: string, options: EdgeListOptions = {}): EdgeList {
  const op = "parseEdgeList";
  if (typeof text !== "string") throw new Error(`${op}: text must be a string, got ${describe(text)}`);
  const split = options.delimiter !== undefined ? (l: string) => l.split(options.delimiter!).map((s) => s.trim()) : (l: string) => l.trim().split(/[\s,]+/);
  const rows: { cols: string[]; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (l === "" || l.startsWith("#") || l.startsWith("%")) return;
    rows.push({ cols: split(l), line: i + 1 });
  });
  if (options.header) rows.shift();
  if (rows.length === 0) throw new Error(`${op}: the file has no edges (an empty graph)`);
  const width = rows[0]!.cols.length;
  for (const { cols, line } of rows) {
    if (cols.length < 2 || cols.length > 3) throw new Error(`${op}: line ${line} has ${cols.length} columns; expected "source target" or "source target weight"`);
    if (cols.length !== width) throw new Error(`${op}: line ${line} has ${cols.length} columns, but the first edge has ${width}`);
  }
  const names = rows.flatMap((r) => [r.cols[0]!, r.cols[1]!]);
  const numeric = names.every((s) => /^\d+$/.test(s));
  const ids = new Map<string, number>();
  const nodeIds: string[] = [];
  if (numeric) {
    const max = Math.max(...names.map(Number));
    for (let i = 0; i <= max; i++) nodeIds.push(String(i));
  }
  const id = (s: string): number => {
    if (numeric) return Number(s);
    let k = ids.get(s);
    if (k === undefined) {
      k = nodeIds.length;
      ids.set(s, k);
      nodeIds.push(s);
    }
    return k;
  };
  const source = rows.map((r) => id(r.cols[0]!)), target = rows.map((r) => id(r.cols[1]!));
  let weight: Tensor | null = null;
  if (width === 3) {
    const w = rows.map(({ cols, line }) => {
      const v = Number(cols[2]);
      if (cols[2] === "" || !Number.isFinite(v)) throw new Error(`${op}: line ${line} has weight ${JSON.stringify(cols[2])}, which is not a number`);
      return v;
    });
    weight = Tensor.fromData(Float32Array.from(w), [w.length], "float32");
  }
  let edgeIndex = edgeIndexOf(source, target);
  if (options.undirected) [edgeIndex, weight] = toUndirected(edgeIndex, { edgeAttr: weight, numNodes: nodeIds.length });
  return { data: new Data({ edgeIndex, edgeWeight: weight, numNodes: nodeIds.length }), nodeIds };
}

/** Reads an edge-list or CSV file (plain or .gz) with `parseEdgeList`. Node only. */
export function readEdgeList(path: string, options: EdgeListOptions = {}): EdgeList {
  if (typeof path !== "string") throw new Error(`readEdgeList: path must be a string, got ${describe(path)}`);
  return parseEdgeList(readEdgeListText(path), options);
}
