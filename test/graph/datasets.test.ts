// Shipped graph datasets against their published statistics; the synthetic set and the edge-list parser.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../../src/index.js";

const { graph } = ds;
const count = (m: ds.Tensor | null): number => Array.from(m!.dataSync()).filter(Boolean).length;

describe("graph datasets", () => {
  it("Cora with the Planetoid split has PyG's sizes (Yang et al. 2016; Kipf & Welling 2017, table 1)", async () => {
    const data = await graph.cora();
    expect(String(data)).toBe("Data(x=[2708, 1433], edge_index=[2, 10556], y=[2708], train_mask=[2708], val_mask=[2708], test_mask=[2708])");
    expect(data.isUndirected()).toBe(true);
    expect(data.hasSelfLoops()).toBe(false);
    expect([count(data.trainMask), count(data.valMask), count(data.testMask)]).toEqual([140, 500, 1000]);
    // 20 training nodes per class
    const y = data.y!.dataSync(), train = data.trainMask!.dataSync();
    const perClass = new Array<number>(7).fill(0);
    y.forEach((c, i) => train[i] && perClass[c]!++);
    expect(perClass).toEqual([20, 20, 20, 20, 20, 20, 20]);
    // PyG: data.x.sum() of the binary features is 49,216 word occurrences
    expect(data.x!.sum().item()).toBe(49216);
    const normalized = await graph.cora({ normalizeFeatures: true });
    expect(normalized.x!.sum(1).max().item()).toBeCloseTo(1, 6);
  });
  it("the karate club: 34 members, 78 friendships, 17 per club", async () => {
    const data = await graph.karateClub();
    expect(data.numNodes).toBe(34);
    expect(data.numEdges).toBe(156);
    expect(count(data.y)).toBe(17);
    expect(Array.from(graph.degree(ds.select(data.edgeIndex, 0, 0).contiguous(), 34).dataSync()).slice(0, 2)).toEqual([16, 9]);
  });
  it("synthetic graphs: seeded, balanced, structures as named", () => {
    const a = graph.syntheticGraphs({ numGraphs: 9, seed: 3 }), b = graph.syntheticGraphs({ numGraphs: 9, seed: 3 });
    expect(a.map((g) => g.edgeIndex.toArray())).toEqual(b.map((g) => g.edgeIndex.toArray()));
    expect(a.map((g) => g.y!.item())).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    for (const g of a) {
      const n = g.numNodes;
      const expected = [2 * n, 2 * (n - 1), n * (n - 1)][g.y!.item()];
      expect(g.numEdges).toBe(expected);
      expect(g.isUndirected()).toBe(true);
    }
    expect(graph.syntheticGraphs({ numGraphs: 3, seed: 4 })[0]!.x!.toArray()).not.toEqual(a[0]!.x!.toArray());
  });
});

describe("edge lists", () => {
  it("parses CSV with names, a header, weights and comments", () => {
    const { data, nodeIds } = graph.parseEdgeList("# a comment\nfrom,to,w\nalice,bob,0.5\nbob,carol,2\n", { header: true });
    expect(nodeIds).toEqual(["alice", "bob", "carol"]);
    expect(data.edgeIndex.toArray()).toEqual([[0, 1], [1, 2]]);
    expect(Array.from(data.edgeWeight!.dataSync())).toEqual([0.5, 2]);
  });
  it("integer names are node indices; undirected adds reverses; files via readEdgeList", () => {
    const dir = mkdtempSync(join(tmpdir(), "edges-"));
    writeFileSync(join(dir, "g.txt"), "0 2\n2\t3\n");
    const { data, nodeIds } = graph.readEdgeList(join(dir, "g.txt"), { undirected: true });
    expect(nodeIds).toEqual(["0", "1", "2", "3"]);
    expect(data.numNodes).toBe(4);
    expect(data.edgeIndex.toArray()).toEqual([[0, 2, 2, 3], [2, 0, 3, 2]]);
  });
  it("bad files say which line", () => {
    expect(() => graph.parseEdgeList("a b\nc\n")).toThrow(/parseEdgeList: line 2 has 1 columns/);
    expect(() => graph.parseEdgeList("a b x\n")).toThrow(/line 1 has weight "x", which is not a number/);
    expect(() => graph.parseEdgeList("# nothing\n")).toThrow(/no edges \(an empty graph\)/);
  });
});
