// Classic graph algorithms: BFS/DFS, Dijkstra, minimum spanning trees (Prim, Kruskal), connected
// components, Laplacians (combinatorial, symmetric normalized, random walk), spectral embedding and clustering.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { checkInt, checkSize, describe } from "../tensor/validate.js";
import { Generator } from "../random/Generator.js";
import { eigh } from "../ops/linalg.js";
import { denseValues } from "../backend/cpu/strided.js";
import { checkEdgeRows, edgeArrays, inferNumNodes } from "./edges.js";

/**
 * Options of the traversals ({@link bfs}, {@link dfs}, {@link dijkstra}): the number of nodes and whether
 * edges are followed only from source to target.
 */
export interface GraphOptions {
  /** Number of nodes (default: 1 + the largest index). */
  numNodes?: number;
  /** Follow edges only from source to target (default false: every edge is traversed both ways). */
  directed?: boolean;
}

/** Neighbour lists (ascending, so traversals are deterministic), with the weight of each edge. */
interface Adjacency {
  N: number;
  neighbours: number[][];
  weights: number[][];
}

function adjacency(op: string, edgeIndex: Tensor, options: GraphOptions, edgeWeight?: Tensor | null): Adjacency {
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const { source, target } = edges;
  const w = edgeWeight == null ? null : denseValues(checkEdgeRows(op, "edgeWeight", edgeWeight, source.length));
  const lists: [number, number][][] = Array.from({ length: N }, () => []);
  for (let e = 0; e < source.length; e++) {
    const weight = w === null ? 1 : w[e]!;
    lists[source[e]!]!.push([target[e]!, weight]);
    if (!options.directed) lists[target[e]!]!.push([source[e]!, weight]);
  }
  for (const l of lists) l.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { N, neighbours: lists.map((l) => l.map((p) => p[0])), weights: lists.map((l) => l.map((p) => p[1])) };
}

function checkSource(op: string, source: number, N: number): number {
  checkInt(op, "source", source);
  if (source < 0 || source >= N) throw new Error(`${op}: source node ${source} is out of range for a graph of ${N} nodes`);
  return source;
}

/** Breadth-first search from `source`: visiting order, hop distances (−1 if unreachable) and BFS-tree parents (−1 for none). */
export function bfs(edgeIndex: Tensor, source: number, options: GraphOptions = {}): { order: number[]; distance: Int32Array; parent: Int32Array } {
  const { N, neighbours } = adjacency("bfs", edgeIndex, options);
  checkSource("bfs", source, N);
  const distance = new Int32Array(N).fill(-1), parent = new Int32Array(N).fill(-1);
  const order = [source];
  distance[source] = 0;
  for (let head = 0; head < order.length; head++) {
    const u = order[head]!;
    for (const v of neighbours[u]!) {
      if (distance[v] !== -1) continue;
      distance[v] = distance[u]! + 1;
      parent[v] = u;
      order.push(v);
    }
  }
  return { order, distance, parent };
}

/** Depth-first search from `source` (neighbours in ascending order): preorder and DFS-tree parents. */
export function dfs(edgeIndex: Tensor, source: number, options: GraphOptions = {}): { order: number[]; parent: Int32Array } {
  const { N, neighbours } = adjacency("dfs", edgeIndex, options);
  checkSource("dfs", source, N);
  const parent = new Int32Array(N).fill(-1), visited = new Uint8Array(N);
  const order: number[] = [];
  // an explicit stack of (node, next neighbour position): no recursion limit on long paths
  const stack: [number, number][] = [[source, 0]];
  visited[source] = 1;
  order.push(source);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const list = neighbours[top[0]]!;
    if (top[1] >= list.length) {
      stack.pop();
      continue;
    }
    const v = list[top[1]++]!;
    if (visited[v]) continue;
    visited[v] = 1;
    parent[v] = top[0];
    order.push(v);
    stack.push([v, 0]);
  }
  return { order, parent };
}

/** A binary min-heap of (key, node) pairs. */
class MinHeap {
  private keys: number[] = [];
  private nodes: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, node: number): void {
    const k = this.keys, n = this.nodes;
    let i = k.length;
    k.push(key);
    n.push(node);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      n[i] = n[p]!;
      i = p;
    }
    k[i] = key;
    n[i] = node;
  }
  pop(): [number, number] {
    const k = this.keys, n = this.nodes;
    const top: [number, number] = [k[0]!, n[0]!];
    const key = k.pop()!, node = n.pop()!;
    if (k.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= k.length) break;
        if (c + 1 < k.length && k[c + 1]! < k[c]!) c++;
        if (k[c]! >= key) break;
        k[i] = k[c]!;
        n[i] = n[c]!;
        i = c;
      }
      k[i] = key;
      n[i] = node;
    }
    return top;
  }
}

/**
 * Dijkstra's shortest paths from `source` (Dijkstra 1959) with non-negative `edgeWeight` (default 1 per
 * edge): distances (Infinity if unreachable) and shortest-path-tree parents (−1 for none).
 */
export function dijkstra(edgeIndex: Tensor, source: number, options: GraphOptions & { edgeWeight?: Tensor | null } = {}): { distance: Float64Array; parent: Int32Array } {
  const op = "dijkstra";
  const { N, neighbours, weights } = adjacency(op, edgeIndex, options, options.edgeWeight);
  checkSource(op, source, N);
  for (const ws of weights) for (const w of ws) if (!(w >= 0)) throw new Error(`${op}: edge weights must be non-negative, got ${w}`);
  const distance = new Float64Array(N).fill(Infinity), parent = new Int32Array(N).fill(-1), done = new Uint8Array(N);
  distance[source] = 0;
  const heap = new MinHeap();
  heap.push(0, source);
  while (heap.size > 0) {
    const [d, u] = heap.pop();
    if (done[u] || d > distance[u]!) continue;
    done[u] = 1;
    neighbours[u]!.forEach((v, i) => {
      const nd = d + weights[u]![i]!;
      if (nd < distance[v]!) {
        distance[v] = nd;
        parent[v] = u;
        heap.push(nd, v);
      }
    });
  }
  return { distance, parent };
}

/** A minimum spanning tree (a forest when the graph is disconnected): its edges [u, v, weight] and total weight. */
export interface SpanningTree {
  edges: [number, number, number][];
  totalWeight: number;
}

/**
 * Minimum spanning forest of the undirected graph with `edgeWeight` (default 1): Kruskal's algorithm
 * (Kruskal 1956; edges by increasing weight, union–find) or Prim's (Prim 1957; grown from node 0, then
 * from the lowest unreached node of each further component). Each edge is reported with u < v.
 */
export function minimumSpanningTree(edgeIndex: Tensor, options: { edgeWeight?: Tensor | null; numNodes?: number; algorithm?: "kruskal" | "prim" } = {}): SpanningTree {
  const op = "minimumSpanningTree";
  const algorithm = options.algorithm ?? "kruskal";
  if (algorithm !== "kruskal" && algorithm !== "prim") throw new Error(`${op}: algorithm must be "kruskal" or "prim", got ${describe(algorithm)}`);
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const w = options.edgeWeight == null ? null : denseValues(checkEdgeRows(op, "edgeWeight", options.edgeWeight, edges.source.length));
  const out: [number, number, number][] = [];
  const add = (u: number, v: number, weight: number): void => void out.push([Math.min(u, v), Math.max(u, v), weight]);
  if (algorithm === "kruskal") {
    const parent = Int32Array.from({ length: N }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
      return x;
    };
    const order = Array.from({ length: edges.source.length }, (_, e) => e).sort((a, b) => (w === null ? 0 : w[a]! - w[b]!) || a - b);
    for (const e of order) {
      const a = find(edges.source[e]!), b = find(edges.target[e]!);
      if (a === b) continue;
      parent[a] = b;
      add(edges.source[e]!, edges.target[e]!, w === null ? 1 : w[e]!);
    }
  } else {
    const { neighbours, weights } = adjacency(op, edgeIndex, { numNodes: N }, options.edgeWeight);
    const inTree = new Uint8Array(N);
    for (let root = 0; root < N; root++) {
      if (inTree[root]) continue;
      const heap = new MinHeap();
      const from: number[] = [];
      inTree[root] = 1;
      const grow = (u: number): void => neighbours[u]!.forEach((v, i) => {
        if (!inTree[v]) {
          from.push(u);
          heap.push(weights[u]![i]!, v * N + u); // pack (v, u) in one integer key
        }
      });
      grow(root);
      while (heap.size > 0) {
        const [weight, packed] = heap.pop();
        const v = Math.floor(packed / N), u = packed % N;
        if (inTree[v]) continue;
        inTree[v] = 1;
        add(u, v, weight);
        grow(v);
      }
    }
  }
  return { edges: out, totalWeight: out.reduce((s, e) => s + e[2], 0) };
}

/** Connected components (weakly connected for a directed edge list): the count and each node's component, numbered by first node. */
export function connectedComponents(edgeIndex: Tensor, options: { numNodes?: number } = {}): { numComponents: number; labels: Int32Array } {
  const { N, neighbours } = adjacency("connectedComponents", edgeIndex, { numNodes: options.numNodes });
  const labels = new Int32Array(N).fill(-1);
  let count = 0;
  for (let s = 0; s < N; s++) {
    if (labels[s] !== -1) continue;
    const queue = [s];
    labels[s] = count;
    for (let h = 0; h < queue.length; h++) {
      for (const v of neighbours[queue[h]!]!) {
        if (labels[v] === -1) {
          labels[v] = count;
          queue.push(v);
        }
      }
    }
    count++;
  }
  return { numComponents: count, labels };
}

/**
 * Options of {@link laplacian}: edge weights, the number of nodes and the normalization (none, symmetric or
 * random-walk).
 */
export interface LaplacianOptions {
  edgeWeight?: Tensor | null;
  numNodes?: number;
  /**
   * null (default): L = D − A; "sym": L = I − D^−½ A D^−½; "rw": L = I − D^−1 A (rows of isolated
   * nodes: 0 for null, as scipy's csgraph.laplacian; the identity row is kept for "sym" and "rw" only
   * where the degree is positive).
   */
  normalization?: null | "sym" | "rw";
  dtype?: DType;
}

/** The weighted adjacency A[i, j] = Σ weights of edges i → j, as a dense [N, N] matrix. */
function denseAdjacency(op: string, edgeIndex: Tensor, options: { edgeWeight?: Tensor | null; numNodes?: number }): { N: number; A: Float64Array } {
  const edges = edgeArrays(op, edgeIndex, options.numNodes);
  const N = inferNumNodes(op, edges, options.numNodes);
  const w = options.edgeWeight == null ? null : denseValues(checkEdgeRows(op, "edgeWeight", options.edgeWeight, edges.source.length));
  const A = new Float64Array(N * N);
  for (let e = 0; e < edges.source.length; e++) A[edges.source[e]! * N + edges.target[e]!] += w === null ? 1 : w[e]!;
  return { N, A };
}

/**
 * The graph Laplacian as a dense [N, N] matrix (for spectral methods on small graphs): D − A, or the
 * symmetric normalized I − D^−½ A D^−½, or the random-walk I − D^−1 A, with D the (out-)degrees (row sums).
 */
export function laplacian(edgeIndex: Tensor, options: LaplacianOptions = {}): Tensor {
  const op = "laplacian";
  const norm = options.normalization ?? null;
  if (norm !== null && norm !== "sym" && norm !== "rw") throw new Error(`${op}: normalization must be null, "sym" or "rw", got ${describe(norm)}`);
  const { N, A } = denseAdjacency(op, edgeIndex, options);
  const deg = new Float64Array(N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) deg[i] += A[i * N + j]!;
  const L = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const a = A[i * N + j]!;
      if (norm === null) L[i * N + j] = (i === j ? deg[i]! : 0) - a;
      else if (norm === "sym") L[i * N + j] = (i === j && deg[i]! > 0 ? 1 : 0) - (a === 0 ? 0 : a / Math.sqrt(deg[i]! * deg[j]!));
      else L[i * N + j] = (i === j && deg[i]! > 0 ? 1 : 0) - (a === 0 ? 0 : a / deg[i]!);
    }
  }
  return Tensor.fromData(L, [N, N], "float64").to(options.dtype ?? "float64");
}

/**
 * Spectral embedding (Belkin & Niyogi 2003): the eigenvectors of the symmetric normalized Laplacian for
 * its `k` smallest eigenvalues, [N, k] (float64), each column's sign fixed so its largest-magnitude entry
 * is positive. `dropFirst` (default true) skips the trivial first eigenvector.
 */
export function spectralEmbedding(edgeIndex: Tensor, k: number, options: { edgeWeight?: Tensor | null; numNodes?: number; dropFirst?: boolean } = {}): Tensor {
  const op = "spectralEmbedding";
  checkSize(op, "k", k);
  const L = laplacian(edgeIndex, { ...options, normalization: "sym" });
  const N = L.shape[0]!;
  const drop = options.dropFirst ?? true ? 1 : 0;
  if (k < 1 || k + drop > N) throw new Error(`${op}: k must be between 1 and ${N - drop} for a graph of ${N} nodes, got ${k}`);
  const vectors = denseValues(eigh(L).eigenvectors); // columns, eigenvalues ascending
  const out = new Float64Array(N * k);
  for (let c = 0; c < k; c++) {
    let big = 0;
    for (let i = 0; i < N; i++) if (Math.abs(vectors[i * N + c + drop]!) > Math.abs(big)) big = vectors[i * N + c + drop]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < N; i++) out[i * k + c] = sign * vectors[i * N + c + drop]!;
  }
  return Tensor.fromData(out, [N, k], "float64");
}

/**
 * k-means (Lloyd's algorithm, k-means++ seeding, best of `nInit` runs by inertia) on the rows of a matrix [N, D].
 */
export function kMeans(points: Tensor, k: number, options: { seed?: number; nInit?: number; maxIter?: number } = {}): { labels: Int32Array; inertia: number } {
  const op = "kMeans";
  if (!(points instanceof Tensor) || points.ndim !== 2) throw new Error(`${op}: points must be a matrix [N, D], got ${describe(points)}`);
  const [N, D] = points.shape as [number, number];
  checkSize(op, "k", k);
  if (k < 1 || k > N) throw new Error(`${op}: k must be between 1 and ${N} (the number of points), got ${k}`);
  const x = Float64Array.from(denseValues(points));
  const gen = new Generator(options.seed ?? 0);
  const dist2 = (i: number, c: Float64Array, j: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) s += (x[i * D + d]! - c[j * D + d]!) ** 2;
    return s;
  };
  let best = { labels: new Int32Array(N), inertia: Infinity };
  for (let run = 0; run < (options.nInit ?? 10); run++) {
    const centers = new Float64Array(k * D);
    // k-means++ (Arthur & Vassilvitskii 2007): each next center drawn ∝ squared distance to the nearest one
    const first = gen.randint(0, N);
    centers.set(x.subarray(first * D, first * D + D), 0);
    const near = new Float64Array(N).fill(Infinity);
    for (let c = 1; c < k; c++) {
      for (let i = 0; i < N; i++) near[i] = Math.min(near[i]!, dist2(i, centers, c - 1));
      const pick = gen.categorical(near.some((v) => v > 0) ? near : new Float64Array(N).fill(1));
      centers.set(x.subarray(pick * D, pick * D + D), c * D);
    }
    const labels = new Int32Array(N);
    let inertia = 0;
    for (let iter = 0; iter < (options.maxIter ?? 300); iter++) {
      let changed = iter === 0;
      inertia = 0;
      for (let i = 0; i < N; i++) {
        let arg = 0, min = Infinity;
        for (let c = 0; c < k; c++) {
          const d = dist2(i, centers, c);
          if (d < min) [min, arg] = [d, c];
        }
        if (labels[i] !== arg) changed = true;
        labels[i] = arg;
        inertia += min;
      }
      if (!changed) break;
      const counts = new Float64Array(k);
      centers.fill(0);
      for (let i = 0; i < N; i++) {
        counts[labels[i]!]!++;
        for (let d = 0; d < D; d++) centers[labels[i]! * D + d] += x[i * D + d]!;
      }
      for (let c = 0; c < k; c++) for (let d = 0; d < D; d++) centers[c * D + d] = counts[c]! > 0 ? centers[c * D + d]! / counts[c]! : 0;
    }
    if (inertia < best.inertia) best = { labels, inertia };
  }
  return best;
}

/**
 * Spectral clustering (Ng, Jordan & Weiss 2002): the eigenvectors of the symmetric normalized Laplacian
 * for its `k` smallest eigenvalues (the first included, as NJW), rows scaled to unit length, clustered by
 * seeded k-means. Returns each node's cluster.
 */
export function spectralClustering(edgeIndex: Tensor, k: number, options: { edgeWeight?: Tensor | null; numNodes?: number; seed?: number } = {}): Int32Array {
  const embedding = spectralEmbedding(edgeIndex, k, { ...options, dropFirst: false });
  const [N, K] = embedding.shape as [number, number];
  const v = Float64Array.from(denseValues(embedding));
  for (let i = 0; i < N; i++) {
    let norm = 0;
    for (let c = 0; c < K; c++) norm += v[i * K + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < K; c++) v[i * K + c] = v[i * K + c]! / norm;
  }
  return kMeans(Tensor.fromData(v, [N, K], "float64"), k, { seed: options.seed }).labels;
}
