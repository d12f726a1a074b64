// graph.nn layers and readouts against PyTorch Geometric 2.8 (test/fixtures/graph/make_pyg_fixtures.py):
// outputs and gradients (x and every parameter) in float64, from PyG's own state dicts.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const { graph, nn } = ds;
interface Arr { shape: number[]; data: number[] }
interface LayerFixture { state: Record<string, Arr>; out: Arr; r: Arr; grad_x: Arr; grads: Record<string, Arr>; repr: string }
const fx = JSON.parse(readFileSync(new URL("../fixtures/graph/pyg_layers.json", import.meta.url), "utf8")) as {
  graph: Record<string, Arr>;
  layers: Record<string, LayerFixture>;
  pools: Record<string, { out: Arr; r: Arr; grad_x: Arr }>;
  utils: Record<string, Arr & Record<string, Arr>>;
};
const f64 = (a: Arr): Tensor => ds.tensor(a.data, { shape: a.shape, dtype: "float64" });
const i32 = (a: Arr): Tensor => ds.tensor(Int32Array.from(a.data), { shape: a.shape, dtype: "int32" });
const edgeIndex = i32(fx.graph.edge_index!);
const edgeWeight = f64(fx.graph.edge_weight!);
const batch = i32(fx.graph.batch!);

function expectClose(actual: Tensor, expected: Arr, what: string, tol = 1e-10): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.dataSync();
  expected.data.forEach((v, i) => {
    if (Math.abs(a[i]! - v) > tol * (1 + Math.abs(v))) throw new Error(`${what}[${i}]: ${a[i]} vs PyG ${v}`);
  });
}

type Layer = ds.nn.Module<any[], Tensor>;
function checkLayer(name: string, layer: Layer, call: (m: Layer, x: Tensor) => Tensor): void {
  const f = fx.layers[name]!;
  layer.double();
  const result = layer.loadStateDict(Object.fromEntries(Object.entries(f.state).map(([k, v]) => [k, f64(v)])));
  expect(result.missingKeys).toEqual([]);
  const x = f64(fx.graph.x!).requiresGrad_(true);
  const out = call(layer, x);
  expectClose(out, f.out, `${name} output`);
  out.mul(f64(f.r)).sum().backward();
  expectClose(x.grad!, f.grad_x, `${name} d/dx`);
  const params = Object.fromEntries(layer.namedParameters());
  expect(Object.keys(params).sort()).toEqual(Object.keys(f.grads).sort());
  for (const [k, g] of Object.entries(f.grads)) expectClose(params[k]!.grad!, g, `${name} d/d${k}`);
  expect(String(layer)).toBe(f.repr);
}

describe("graph.nn layers equal PyTorch Geometric (outputs and gradients, float64)", () => {
  it("GCNConv: symmetric normalization with self-loops", () => {
    checkLayer("gcn", new graph.nn.GCNConv(5, 4), (m, x) => m.call(x, edgeIndex));
  });
  it("GCNConv: edge weights, improved (Â = A + 2I)", () => {
    checkLayer("gcn_weighted_improved", new graph.nn.GCNConv(5, 4, { improved: true }), (m, x) => m.call(x, edgeIndex, edgeWeight));
  });
  it("GCNConv: without normalization or bias", () => {
    checkLayer("gcn_no_norm", new graph.nn.GCNConv(5, 4, { normalize: false, bias: false }), (m, x) => m.call(x, edgeIndex, edgeWeight));
  });
  it("SAGEConv: mean aggregation (an isolated node gets 0)", () => {
    checkLayer("sage_mean", new graph.nn.SAGEConv(5, 4), (m, x) => m.call(x, edgeIndex));
  });
  it("SAGEConv: max aggregation, L2-normalized output", () => {
    checkLayer("sage_max_normalize", new graph.nn.SAGEConv(5, 4, { aggr: "max", normalize: true }), (m, x) => m.call(x, edgeIndex));
  });
  it("SAGEConv: sum aggregation without the root weight", () => {
    checkLayer("sage_sum_no_root", new graph.nn.SAGEConv(5, 4, { aggr: "sum", rootWeight: false }), (m, x) => m.call(x, edgeIndex));
  });
  it("GATConv: two heads concatenated", () => {
    checkLayer("gat_concat", new graph.nn.GATConv(5, 3, { heads: 2 }), (m, x) => m.call(x, edgeIndex));
  });
  it("GATConv: three heads averaged, negative slope 0.1, residual", () => {
    checkLayer("gat_mean_residual", new graph.nn.GATConv(5, 3, { heads: 3, concat: false, negativeSlope: 0.1, residual: true }), (m, x) => m.call(x, edgeIndex));
  });
  it("GINConv: MLP, trainable ε", () => {
    const mlp = new nn.Sequential(new nn.Linear(5, 8), new nn.ReLU(), new nn.Linear(8, 4));
    checkLayer("gin", new graph.nn.GINConv(mlp, { eps: 0.1, trainEps: true }), (m, x) => m.call(x, edgeIndex));
  });
  it("GINConv: fixed ε is a buffer in the state dict", () => {
    checkLayer("gin_fixed_eps", new graph.nn.GINConv(new nn.Sequential(new nn.Linear(5, 4)), { eps: 0.5 }), (m, x) => m.call(x, edgeIndex));
  });
  it("GatedGraphConv: features padded to the state size, two GRU rounds", () => {
    checkLayer("gated", new graph.nn.GatedGraphConv(6, 2), (m, x) => m.call(x, edgeIndex));
  });
  it("GatedGraphConv: edge weights, three rounds", () => {
    checkLayer("gated_weighted", new graph.nn.GatedGraphConv(5, 3), (m, x) => m.call(x, edgeIndex, edgeWeight));
  });
});

describe("global pooling readouts equal PyTorch Geometric", () => {
  const pools = { add: graph.nn.globalAddPool, mean: graph.nn.globalMeanPool, max: graph.nn.globalMaxPool };
  for (const [name, fn] of Object.entries(pools)) {
    for (const size of [undefined, 3]) {
      it(`global ${name} pool${size ? " with size 3 (an empty graph gives 0)" : ""}`, () => {
        const f = fx.pools[`${name}_${size ?? "None"}`]!;
        const x = f64(fx.graph.x!).requiresGrad_(true);
        const out = fn(x, batch, size);
        expectClose(out, f.out, `${name} pool`);
        out.mul(f64(f.r)).sum().backward();
        expectClose(x.grad!, f.grad_x, `${name} pool d/dx`);
      });
    }
    it(`global ${name} pool without a batch vector: one graph [1, F]`, () => {
      const f = fx.pools[`${name}_nobatch`]!;
      const x = f64(fx.graph.x!).requiresGrad_(true);
      const out = fn(x);
      expectClose(out, f.out, `${name} pool`);
      out.sum().backward();
      expectClose(x.grad!, f.grad_x, `${name} pool d/dx`);
    });
  }
});

describe("graph utilities and sparse ops equal PyTorch Geometric", () => {
  const u = fx.utils;
  it("toUndirected and coalesce", () => {
    expect(graph.toUndirected(edgeIndex, { numNodes: 7 })[0].toArray()).toEqual(ds.tensor(u.to_undirected!.data, { shape: u.to_undirected!.shape }).toArray());
    const [ei, w] = graph.coalesce(edgeIndex, { edgeAttr: edgeWeight, numNodes: 7 });
    expect(Array.from(ei.dataSync())).toEqual(u.coalesce!.edge_index!.data);
    expectClose(w!, u.coalesce!.edge_weight!, "coalesce weights");
  });
  it("addRemainingSelfLoops keeps an existing loop's weight", () => {
    const [ei, w] = graph.addRemainingSelfLoops(edgeIndex, { edgeAttr: edgeWeight, fillValue: 2, numNodes: 7 });
    expect(Array.from(ei.dataSync())).toEqual(u.add_remaining_self_loops!.edge_index!.data);
    expectClose(w!, u.add_remaining_self_loops!.edge_weight!, "loop weights");
  });
  it("segment softmax and scatter sum/mean/max/min", () => {
    const src = f64(u.softmax!.src!);
    const target = ds.select(edgeIndex, 0, 1).contiguous();
    expectClose(graph.softmax(src, target, { numNodes: 7 }), u.softmax!.out!, "softmax");
    for (const reduce of ["sum", "mean", "max", "min"] as const) {
      expectClose(graph.scatter(src, target, { dimSize: 7, reduce }), u[`scatter_${reduce}`]!, `scatter ${reduce}`);
    }
  });
});
