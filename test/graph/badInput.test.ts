// Bad graph input to every graph layer and to Data: out-of-range or non-integer edge indices, features whose rows do not
// match the nodes the edges name, and empty graphs get errors that name the layer and the sizes.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/tensor/Tensor.js";

const { graph } = ds;
const ei = (rows: number[][]): Tensor => ds.tensor(rows, { dtype: "int32" });

type Layer = { call(x: Tensor, edgeIndex: Tensor): Tensor };
const layers: [string, () => Layer][] = [
  ["GCNConv", () => new graph.nn.GCNConv(3, 2)],
  ["SAGEConv", () => new graph.nn.SAGEConv(3, 2)],
  ["GATConv", () => new graph.nn.GATConv(3, 2, { heads: 2 })],
  ["GINConv", () => new graph.nn.GINConv(new ds.nn.Linear(3, 2))],
  ["GatedGraphConv", () => new graph.nn.GatedGraphConv(3, 2)],
];

describe.each(layers)("%s rejects bad graphs by name", (name, make) => {
  const x = ds.randn([4, 3]);
  const edges = ei([[0, 1, 2], [1, 2, 3]]);

  it("accepts a good graph (so the errors below come from the bad part)", () => {
    expect(make().call(x, edges).shape[0]).toBe(4);
  });
  it("edge indices out of range, negative or non-integer", () => {
    const layer = make();
    expect(() => layer.call(x, ei([[0, 1, 9], [1, 2, 3]]))).toThrow(new RegExp(`^${name}: edgeIndex has source node 9 at edge 2, out of range for a graph of 4 nodes \\(x has 4 rows; valid: 0 to 3\\)`));
    expect(() => layer.call(x, ei([[0, 1], [-1, 2]]))).toThrow(new RegExp(`^${name}: edgeIndex has target node -1 at edge 0, out of range for a graph of 4 nodes`));
    expect(() => layer.call(x, ds.tensor([[0, 1.5], [1, 2]]))).toThrow(new RegExp(`^${name}: edgeIndex must hold integer node indices \\(int32\\), got dtype float32`));
    expect(() => layer.call(x, ei([[0, 1], [1, 2], [2, 3]]))).toThrow(new RegExp(`^${name}: edgeIndex must have shape \\[2, E\\], got \\[3,2\\]`));
    expect(() => layer.call(x, [[0, 1], [1, 2]] as unknown as Tensor)).toThrow(new RegExp(`^${name}: edgeIndex must be an int32 tensor of shape \\[2, E\\], got an array of length 2`));
  });
  it("features with fewer rows than the nodes the edges name", () => {
    expect(() => make().call(ds.randn([3, 3]), edges)).toThrow(new RegExp(`^${name}: edgeIndex has target node 3 at edge 2, out of range for a graph of 3 nodes \\(x has 3 rows; valid: 0 to 2\\)`));
  });
  it("features that are not a matrix [N, F]", () => {
    expect(() => make().call(ds.randn([4]), edges)).toThrow(new RegExp(`^${name}: x must have shape \\[N, .*got \\[4\\]`));
  });
  it("empty graphs", () => {
    expect(() => make().call(ds.zeros([0, 3]), ei([[], []]))).toThrow(new RegExp(`^${name}: the graph is empty \\(x has shape \\[0,3\\]\\); a graph needs at least one node`));
    const empty = new graph.Data({ x: ds.zeros([0, 3]), edgeIndex: ei([[], []]) });
    expect(() => make().call(empty.x!, empty.edgeIndex)).toThrow(new RegExp(`^${name}: the graph is empty`));
  });
});

describe("layer-specific checks", () => {
  it("a cached GCNConv checks every call's edges and refuses another graph", () => {
    const conv = new graph.nn.GCNConv(3, 2, { cached: true });
    conv.call(ds.randn([4, 3]), ei([[0, 1, 2], [1, 2, 3]]));
    expect(() => conv.call(ds.randn([4, 3]), ei([[0, 7], [1, 2]]))).toThrow(/^GCNConv: edgeIndex has source node 7 at edge 1, out of range for a graph of 4 nodes/);
    expect(() => conv.call(ds.randn([4, 3]), ds.tensor([[0], [1]]))).toThrow(/^GCNConv: edgeIndex must hold integer node indices/);
    expect(() => conv.call(ds.randn([3, 3]), ei([[0], [1]]))).toThrow(
      /^GCNConv: cached normalization is of a graph of 4 nodes and 3 edges, got x with 3 rows and 1 edges; cached: true is for one fixed graph/,
    );
    expect(conv.call(ds.randn([4, 3]), ei([[0, 1, 2], [1, 2, 3]])).shape).toEqual([4, 2]);
  });
  it("GINConv names itself when its MLP rejects the features", () => {
    const gin = new graph.nn.GINConv(new ds.nn.Linear(3, 2));
    expect(() => gin.call(ds.randn([4, 5]), ei([[0], [1]]))).toThrow(/^GINConv: its nn does not accept node features of shape \[4,5\]: linear: input \[4,5\] must end in 3 features/);
  });
  it("wrong feature counts name the expected size", () => {
    expect(() => new graph.nn.SAGEConv(3, 2).call(ds.randn([4, 5]), ei([[0], [1]]))).toThrow(/^SAGEConv: x must have shape \[N, 3\] \(3 input features\), got \[4,5\]/);
    expect(() => new graph.nn.GatedGraphConv(3, 2).call(ds.randn([4, 5]), ei([[0], [1]]))).toThrow(/^GatedGraphConv: x must have shape \[N, F\] with F ≤ outChannels \(3\), got \[4,5\]/);
  });
});

describe("Data rejects bad graphs by name", () => {
  const x = ds.randn([4, 3]);
  it("edge indices out of range, negative or non-integer", () => {
    expect(() => new graph.Data({ x, edgeIndex: ei([[0, 9], [1, 2]]) })).toThrow(/^Data: edgeIndex has source node 9 at edge 1, out of range for a graph of 4 nodes \(x has 4 rows; valid: 0 to 3\)/);
    expect(() => new graph.Data({ edgeIndex: ei([[0, 5], [1, 2]]), numNodes: 5 })).toThrow(/^Data: edgeIndex has source node 5 at edge 1, out of range for a graph of 5 nodes \(numNodes is 5; valid: 0 to 4\)/);
    expect(() => new graph.Data({ x, edgeIndex: ei([[0, -1], [1, 2]]) })).toThrow(/^Data: edgeIndex has a negative node index -1 at edge 1/);
    expect(() => new graph.Data({ x, edgeIndex: ds.tensor([[0, 1], [1, 2]]) })).toThrow(/^Data: edgeIndex must hold integer node indices \(int32\), got dtype float32/);
    expect(() => new graph.Data({ x, edgeIndex: ei([[0, 1, 2]]) })).toThrow(/^Data: edgeIndex must have shape \[2, E\], got \[1,3\]/);
  });
  it("features whose rows do not match the node count", () => {
    expect(() => new graph.Data({ x, edgeIndex: ei([[0], [1]]), numNodes: 6 })).toThrow(/^Data: x has shape \[4,3\], but the graph has 6 nodes \(expected 6 rows\)/);
    expect(() => new graph.Data({ x: ds.randn([3, 3]), edgeIndex: ei([[0, 1, 2], [1, 2, 3]]) })).toThrow(/^Data: edgeIndex has target node 3 at edge 2, out of range for a graph of 3 nodes \(x has 3 rows/);
    expect(() => new graph.Data({ x: ds.tensor(1), edgeIndex: ei([[], []]) })).toThrow(/^Data: x must hold one row of features per node \[N, F\], got a 0-d tensor/);
    expect(() => new graph.Data({ x, edgeIndex: ei([[0], [1]]), trainMask: ds.tensor([true, false]) })).toThrow(/^Data: trainMask must be a bool tensor with one entry per node \[4\], got bool of shape \[2\]/);
  });
  it("empty graphs: edges without nodes are refused; a graph with neither is allowed (as PyG), and the layers refuse it", () => {
    expect(() => new graph.Data({ x: ds.zeros([0, 3]), edgeIndex: ei([[0, 1], [1, 0]]) })).toThrow(
      /^Data: edgeIndex has 2 edges \(source node 0 at edge 0\) but the graph has no nodes \(x has 0 rows; an edge needs nodes to join\)/,
    );
    const empty = new graph.Data({ edgeIndex: ei([[], []]) });
    expect(empty.numNodes).toBe(0);
    expect(empty.numEdges).toBe(0);
  });
});
