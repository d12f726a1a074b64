// Classic graph algorithms against scipy.sparse.csgraph (test/fixtures/graph/make_algorithm_fixtures.py),
// spectral clustering of the karate club against the real split.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as ds from "../../src/index.js";

const { graph } = ds;
const fx = JSON.parse(readFileSync(new URL("../fixtures/graph/algorithms.json", import.meta.url), "utf8")) as {
  numNodes: number; edges: [number, number][]; weights: number[]; dijkstra0: (number | null)[]; mstWeight: number; mstEdges: number;
  numComponents: number; labels: number[]; bfsOrder: number[]; dfsOrder: number[]; laplacian: number[]; laplacianSym: number[]; laplacianRw: number[];
};
const edgeIndex = ds.tensor([fx.edges.map((e) => e[0]), fx.edges.map((e) => e[1])], { dtype: "int32" });
const edgeWeight = ds.tensor(fx.weights, { dtype: "float64" });
const N = fx.numNodes;

describe("graph algorithms equal scipy.sparse.csgraph", () => {
  it("BFS and DFS orders (neighbours in ascending order)", () => {
    expect(graph.bfs(edgeIndex, 0, { numNodes: N }).order).toEqual(fx.bfsOrder);
    expect(graph.dfs(edgeIndex, 0, { numNodes: N }).order).toEqual(fx.dfsOrder);
    expect(Array.from(graph.bfs(edgeIndex, 0, { numNodes: N }).distance)).toEqual([0, 1, 1, 2, 3, 2, -1, -1, -1, -1]);
  });
  it("Dijkstra distances (unreachable: Infinity)", () => {
    const { distance, parent } = graph.dijkstra(edgeIndex, 0, { numNodes: N, edgeWeight });
    expect(Array.from(distance)).toEqual(fx.dijkstra0.map((d) => d ?? Infinity));
    expect(parent[1]).toBe(2); // 0 → 2 → 1 (1 + 2 < 4)
  });
  it("minimum spanning forest: Kruskal and Prim give scipy's weight and edge count", () => {
    for (const algorithm of ["kruskal", "prim"] as const) {
      const mst = graph.minimumSpanningTree(edgeIndex, { edgeWeight, numNodes: N, algorithm });
      expect(mst.totalWeight, algorithm).toBeCloseTo(fx.mstWeight, 12);
      expect(mst.edges.length, algorithm).toBe(fx.mstEdges);
    }
  });
  it("connected components", () => {
    const { numComponents, labels } = graph.connectedComponents(edgeIndex, { numNodes: N });
    expect(numComponents).toBe(fx.numComponents);
    expect(Array.from(labels)).toEqual(fx.labels);
  });
  it("Laplacians: D − A, symmetric normalized, random walk", () => {
    const undirected = graph.toUndirected(edgeIndex, { edgeAttr: edgeWeight, numNodes: N });
    const opts = { edgeWeight: undirected[1], numNodes: N };
    const close = (t: ds.Tensor, want: number[]) => t.dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
    close(graph.laplacian(undirected[0], opts), fx.laplacian);
    close(graph.laplacian(undirected[0], { ...opts, normalization: "sym" }), fx.laplacianSym);
    close(graph.laplacian(undirected[0], { ...opts, normalization: "rw" }), fx.laplacianRw);
  });
  it("bad input names the function", () => {
    expect(() => graph.bfs(edgeIndex, 12, { numNodes: N })).toThrow(/bfs: source node 12 is out of range for a graph of 10 nodes/);
    expect(() => graph.dijkstra(edgeIndex, 0, { edgeWeight: edgeWeight.neg() })).toThrow(/dijkstra: edge weights must be non-negative/);
  });
});

describe("spectral methods", () => {
  it("spectral clustering splits the karate club as the club split (≥ 90 % agreement)", async () => {
    const data = await graph.karateClub();
    const labels = graph.spectralClustering(data.edgeIndex, 2, { seed: 0 });
    const club = data.y!.dataSync();
    let agree = 0;
    labels.forEach((l, i) => (agree += l === club[i] ? 1 : 0));
    const accuracy = Math.max(agree, 34 - agree) / 34; // cluster ids are arbitrary
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });
  it("the spectral embedding's columns are Laplacian eigenvectors", () => {
    const [ei] = graph.toUndirected(edgeIndex, { numNodes: 9 });
    const L = graph.laplacian(ei, { normalization: "sym" });
    const Y = graph.spectralEmbedding(ei, 2);
    const LY = L.matmul(Y), ratio = LY.div(Y.add(1e-300));
    // L·y = λ·y column by column: the quotient is constant where y is not ~0
    for (let c = 0; c < 2; c++) {
      const col = Array.from(ds.select(ratio, 1, c).dataSync()).filter((_, i) => Math.abs(Y.dataSync()[i * 2 + c]!) > 1e-6);
      for (const q of col) expect(q).toBeCloseTo(col[0]!, 8);
    }
  });
});
