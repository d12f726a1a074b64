// Sparse ops against their dense references and gradcheck; graph data, batching and utilities by hand;
// bad input names the layer and the sizes.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const { graph } = ds;
const gen = new ds.Generator(7);
const f64 = (shape: number[]): Tensor => ds.randn(shape, { dtype: "float64", generator: gen }).requiresGrad_(true);
const ei = (rows: number[][]): Tensor => ds.tensor(rows, { dtype: "int32" });

describe("spmm", () => {
  const index = ei([[0, 2, 0, 1, 3], [2, 0, 2, 1, 1]]);
  it("equals the dense product A·x (duplicates add up, empty rows are 0)", () => {
    const values = f64([5]).detach(), x = f64([3, 2]).detach();
    const dense = ds.zeros([5, 3], { dtype: "float64" });
    const v = values.dataSync(), r = index.dataSync();
    for (let e = 0; e < 5; e++) dense.storage.data[r[e]! * 3 + r[5 + e]!] += v[e]!;
    const got = graph.spmm(index, values, x, { rows: 5 });
    const want = dense.matmul(x);
    expect(got.shape).toEqual([5, 2]);
    got.dataSync().forEach((g, i) => expect(g).toBeCloseTo(want.dataSync()[i]!, 12));
    expect(Array.from(got.dataSync().slice(8))).toEqual([0, 0]); // row 4 has no entry
  });
  it("passes gradcheck and gradgradcheck in values and x", () => {
    const fn = (values: Tensor, x: Tensor): Tensor => graph.spmm(index, values, x, { rows: 4 });
    expect(ds.gradcheck(fn, [f64([5]), f64([3, 2])])).toBe(true);
    expect(ds.gradgradcheck(fn, [f64([5]), f64([3, 2])])).toBe(true);
  });
  it("null values mean ones; a vector x gives a vector", () => {
    const x = ds.tensor([1, 2, 3], { dtype: "float64" });
    expect(Array.from(graph.spmm(index, null, x, { rows: 4 }).dataSync())).toEqual([6, 2, 1, 2]);
  });
  it("refuses indices out of range of x or rows", () => {
    expect(() => graph.spmm(ei([[0], [3]]), null, ds.zeros([3, 2]))).toThrow(/spmm: column index 3 at entry 0 is out of range for x with 3 rows/);
    expect(() => graph.spmm(ei([[4], [0]]), null, ds.zeros([3, 2]), { rows: 4 })).toThrow(/row index 4 .* for 4 rows/);
  });
});

describe("scatter and segment softmax", () => {
  const index = ds.tensor([0, 2, 1, 0, 2, 0], { dtype: "int32" });
  it("scatter sum/mean/max/min equal per-group loops, empty groups 0", () => {
    const src = ds.tensor([[1, -2], [4, 0], [3, 3], [-5, 7], [2, 2], [0, 1]], { dtype: "float64" });
    const at = (reduce: "sum" | "mean" | "max" | "min"): number[] => Array.from(graph.scatter(src, index, { dimSize: 4, reduce }).dataSync());
    expect(at("sum")).toEqual([-4, 6, 3, 3, 6, 2, 0, 0]);
    expect(at("mean")).toEqual([-4 / 3, 2, 3, 3, 3, 1, 0, 0]);
    expect(at("max")).toEqual([1, 7, 3, 3, 4, 2, 0, 0]);
    expect(at("min")).toEqual([-5, -2, 3, 3, 2, 0, 0, 0]);
    expect(Array.from(graph.scatter(src.t(), index, { dim: 1, reduce: "max" }).t().dataSync())).toEqual([1, 7, 3, 3, 4, 2]);
  });
  it("max splits the gradient among ties (as torch.scatter_reduce amax)", () => {
    const src = ds.tensor([2, 2, 1], { dtype: "float64", requiresGrad: true });
    graph.scatter(src, ds.tensor([0, 0, 0], { dtype: "int32" }), { reduce: "max" }).sum().backward();
    expect(Array.from(src.grad!.dataSync())).toEqual([0.5, 0.5, 0]);
  });
  it("gradcheck and gradgradcheck: mean, max, softmax", () => {
    for (const reduce of ["mean", "max"] as const) {
      const fn = (s: Tensor): Tensor => graph.scatter(s, index, { dimSize: 4, reduce });
      expect(ds.gradcheck(fn, [f64([6, 3])])).toBe(true);
      expect(ds.gradgradcheck(fn, [f64([6, 3])])).toBe(true);
    }
    const sm = (s: Tensor): Tensor => graph.softmax(s, index, { numNodes: 4 });
    expect(ds.gradcheck(sm, [f64([6, 2])])).toBe(true);
    expect(ds.gradgradcheck(sm, [f64([6, 2])])).toBe(true);
  });
  it("softmax sums to 1 over each group", () => {
    const out = graph.softmax(ds.randn([6], { generator: gen, dtype: "float64" }), index);
    const sums = graph.scatter(out, index, { reduce: "sum" }).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 12);
  });
});

describe("Data, Batch and utilities", () => {
  const edges = ei([[0, 1, 1, 2], [1, 0, 2, 1]]);
  it("Data checks its fields and prints as PyG", () => {
    const d = new graph.Data({ x: ds.zeros([3, 4]), edgeIndex: edges, y: ds.tensor([0, 1, 0], { dtype: "int32" }) });
    expect(d.numNodes).toBe(3);
    expect(d.numEdges).toBe(4);
    expect(d.isUndirected()).toBe(true);
    expect(String(d)).toBe("Data(x=[3, 4], edge_index=[2, 4], y=[3])");
    expect(() => new graph.Data({ x: ds.zeros([2, 4]), edgeIndex: edges })).toThrow(/Data: edgeIndex has source node 2 at edge 3, out of range for a graph of 2 nodes/);
    expect(() => new graph.Data({ x: ds.zeros([3, 4]), edgeIndex: edges.float() })).toThrow(/Data: edgeIndex must hold integer node indices \(int32\), got dtype float32/);
    expect(() => new graph.Data({ x: ds.zeros([3, 4]), edgeIndex: edges, trainMask: ds.tensor([true, false]) })).toThrow(/trainMask must be a bool tensor with one entry per node \[3\]/);
  });
  it("Batch.fromDataList shifts edges and builds batch and ptr (PyG's collation)", () => {
    const a = new graph.Data({ x: ds.ones([3, 2]), edgeIndex: edges, y: ds.tensor([1], { dtype: "int32" }) });
    const b = new graph.Data({ x: ds.zeros([2, 2]), edgeIndex: ei([[0], [1]]), y: ds.tensor([0], { dtype: "int32" }) });
    const batch = graph.Batch.fromDataList([a, b]);
    expect(batch.edgeIndex.toArray()).toEqual([[0, 1, 1, 2, 3], [1, 0, 2, 1, 4]]);
    expect(Array.from(batch.batch.dataSync())).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(batch.ptr.dataSync())).toEqual([0, 3, 5]);
    expect(Array.from(batch.y!.dataSync())).toEqual([1, 0]);
    expect(batch.numGraphs).toBe(2);
    const loader = new graph.DataLoader([a, b, a], { batchSize: 2 });
    expect([...loader].map((bt) => bt.numGraphs)).toEqual([2, 1]);
  });
  it("self-loops, degree, subgraph, dense and CSR forms (worked out by hand)", () => {
    const g = ei([[0, 1, 2, 2], [1, 2, 2, 0]]);
    expect(graph.removeSelfLoops(g)[0].toArray()).toEqual([[0, 1, 2], [1, 2, 0]]);
    expect(graph.addSelfLoops(g)[0].toArray()).toEqual([[0, 1, 2, 2, 0, 1, 2], [1, 2, 2, 0, 0, 1, 2]]);
    expect(graph.containsSelfLoops(g)).toBe(true);
    expect(Array.from(graph.degree(ds.select(g, 0, 1).contiguous(), 4).dataSync())).toEqual([1, 1, 2, 0]);
    expect(graph.subgraph([2, 0], g, { relabelNodes: true })[0].toArray()).toEqual([[0, 0], [0, 1]]);
    expect(graph.toDenseAdj(g).toArray()).toEqual([[0, 1, 0], [0, 0, 1], [1, 0, 1]]);
    const [back] = graph.denseToSparse(graph.toDenseAdj(g));
    expect(back.toArray()).toEqual([[0, 1, 2, 2], [1, 2, 0, 2]]);
    const csr = graph.toCSR(g);
    expect(Array.from(csr.rowptr)).toEqual([0, 1, 2, 4]);
    expect(Array.from(csr.col)).toEqual([1, 2, 2, 0]);
    expect(graph.fromCSR(csr).toArray()).toEqual([[0, 1, 2, 2], [1, 2, 2, 0]]);
    const batched = graph.toDenseAdj(ei([[0, 2], [1, 3]]), { batch: ds.tensor([0, 0, 1, 1], { dtype: "int32" }) });
    expect(batched.toArray()).toEqual([[[0, 1], [0, 0]], [[0, 1], [0, 0]]]);
  });
});

describe("bad input names the layer and the sizes", () => {
  const x = ds.randn([3, 4]);
  const conv = new graph.nn.GCNConv(4, 2);
  it("edge indices out of range", () => {
    expect(() => conv.call(x, ei([[0, 5], [1, 0]]))).toThrow(/GCNConv: edgeIndex has source node 5 at edge 1, out of range for a graph of 3 nodes/);
    expect(() => new graph.nn.SAGEConv(4, 2).call(x, ei([[0], [-1]]))).toThrow(/SAGEConv: edgeIndex has target node -1 at edge 0/);
    expect(() => new graph.nn.GATConv(4, 2).call(x, ei([[3], [0]]))).toThrow(/GATConv: edgeIndex has source node 3/);
  });
  it("edge indices that are not integers", () => {
    expect(() => conv.call(x, ds.tensor([[0, 1], [1, 0]]))).toThrow(/GCNConv: edgeIndex must hold integer node indices \(int32\), got dtype float32/);
    expect(() => conv.call(x, ei([[0, 1, 2]]))).toThrow(/GCNConv: edgeIndex must have shape \[2, E\], got \[1,3\]/);
  });
  it("features that do not match the layer or the edge weights the edges", () => {
    expect(() => conv.call(ds.randn([3, 5]), ei([[0], [1]]))).toThrow(/GCNConv: x must have shape \[N, 4\] \(4 input features\), got \[3,5\]/);
    expect(() => conv.call(x, ei([[0], [1]]), ds.ones([2]))).toThrow(/edgeWeight has shape \[2\], but edgeIndex has 1 edges/);
    const gin = new graph.nn.GINConv(new ds.nn.Linear(4, 2));
    expect(() => gin.call(x, ei([[0], [3]]))).toThrow(/GINConv: edgeIndex has target node 3 at edge 0, out of range for a graph of 3 nodes/);
  });
  it("empty graphs", () => {
    expect(() => conv.call(ds.zeros([0, 4]), ei([[], []]))).toThrow(/GCNConv: the graph is empty \(x has shape \[0,4\]\)/);
    expect(() => graph.nn.globalMeanPool(ds.zeros([0, 4]))).toThrow(/globalMeanPool: the graph is empty/);
    expect(() => graph.Batch.fromDataList([])).toThrow(/Batch.fromDataList: expected a non-empty array of graphs/);
  });
});
