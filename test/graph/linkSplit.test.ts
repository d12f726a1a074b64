// negativeSampling and randomLinkSplit: non-edges only, the split sizes of PyG's RandomLinkSplit, no leakage of held-out edges.
import { describe, expect, it } from "vitest";
import { negativeSampling, randomLinkSplit } from "../../src/graph/linkSplit.js";
import { karateClub } from "../../src/graph/datasets.js";
import { tensor } from "../../src/ops/creation.js";
import type { Tensor } from "../../src/tensor/Tensor.js";

const pairs = (ei: Tensor): [number, number][] => {
  const v = ei.toList(), E = ei.shape[1]!;
  return Array.from({ length: E }, (_, e) => [v[e]!, v[E + e]!]);
};
const key = ([i, j]: [number, number]): string => `${i},${j}`;

describe("negativeSampling", () => {
  it("draws distinct non-edges without self-loops, as many as asked, deterministic by seed", async () => {
    const g = await karateClub();
    const edges = new Set(pairs(g.edgeIndex).map(key));
    const neg = negativeSampling(g.edgeIndex, { numNodes: 34, numNegSamples: 200, seed: 3 });
    expect(neg.shape).toEqual([2, 200]);
    expect(neg.dtype).toBe("int32");
    const drawn = pairs(neg);
    for (const p of drawn) {
      expect(p[0]).not.toBe(p[1]);
      expect(edges.has(key(p))).toBe(false);
    }
    expect(new Set(drawn.map(key)).size).toBe(200);
    expect(negativeSampling(g.edgeIndex, { numNodes: 34, numNegSamples: 200, seed: 3 }).toList()).toEqual(neg.toList());
    expect(negativeSampling(g.edgeIndex, { numNodes: 34, numNegSamples: 200, seed: 4 }).toList()).not.toEqual(neg.toList());
    expect(negativeSampling(g.edgeIndex).shape).toEqual([2, g.numEdges]);
  });

  it("returns every free pair when asked for more, and both directions with forceUndirected", () => {
    // path 0 - 1 - 2 (both directions): the free ordered pairs are (0, 2) and (2, 0)
    const ei = tensor([[0, 1, 1, 2], [1, 0, 2, 1]], { dtype: "int32" });
    expect(pairs(negativeSampling(ei, { numNegSamples: 10 })).map(key).sort()).toEqual(["0,2", "2,0"]);
    const und = pairs(negativeSampling(tensor([[0, 1], [1, 2]], { dtype: "int32" }), { numNodes: 4, numNegSamples: 4, forceUndirected: true, seed: 1 }));
    expect(und).toHaveLength(4);
    const set = new Set(und.map(key));
    for (const [i, j] of und) expect(set.has(key([j, i]))).toBe(true);
    for (const p of und) expect(["0,1", "1,0", "1,2", "2,1"]).not.toContain(key(p));
  });

  it("rejects bad edge indices and counts", () => {
    expect(() => negativeSampling(tensor([[0, 5]], { dtype: "int32" }))).toThrow(/negativeSampling: edgeIndex must have shape \[2, E\], got \[1,2\]/);
    expect(() => negativeSampling(tensor([[0], [1]]))).toThrow(/negativeSampling: edgeIndex must hold integer node indices \(int32\), got dtype float32/);
    expect(() => negativeSampling(tensor([[0], [7]], { dtype: "int32" }), { numNodes: 5 })).toThrow(/negativeSampling: edgeIndex has target node 7 at edge 0, out of range for a graph of 5 nodes/);
    expect(() => negativeSampling(tensor([[0], [1]], { dtype: "int32" }), { numNegSamples: 1.5 })).toThrow(/negativeSampling: numNegSamples must be a non-negative integer, got 1.5/);
  });
});

describe("randomLinkSplit", () => {
  it("splits each undirected edge into exactly one of train / val / test with PyG's sizes and equal negatives", async () => {
    const g = await karateClub(); // 78 undirected edges
    const { train, val, test } = randomLinkSplit(g.edgeIndex, { numVal: 0.05, numTest: 0.1, seed: 0 });
    const nVal = Math.floor(0.05 * 78), nTest = Math.floor(0.1 * 78), nTrain = 78 - nVal - nTest;
    expect(train.edgeIndex.shape).toEqual([2, 2 * nTrain]);
    expect(train.edgeLabelIndex.shape).toEqual([2, nTrain]);
    expect(train.edgeLabel.toList()).toEqual(new Array(nTrain).fill(1));
    expect(val.edgeLabelIndex.shape).toEqual([2, 2 * nVal]);
    expect(val.edgeLabel.toList()).toEqual([...new Array(nVal).fill(1), ...new Array(nVal).fill(0)]);
    expect(test.edgeLabelIndex.shape).toEqual([2, 2 * nTest]);
    expect(val.edgeIndex.toList()).toEqual(train.edgeIndex.toList());
    expect(test.edgeIndex.shape).toEqual([2, 2 * (nTrain + nVal)]);
    const und = (p: [number, number]): string => key(p[0] < p[1] ? p : [p[1], p[0]]);
    const all = new Set(pairs(g.edgeIndex).map(und));
    const trainSet = new Set(pairs(train.edgeIndex).map(und));
    const valPos = pairs(val.edgeLabelIndex).slice(0, nVal).map(und), testPos = pairs(test.edgeLabelIndex).slice(0, nTest).map(und);
    const covered = new Set([...trainSet, ...valPos, ...testPos]);
    expect(covered.size).toBe(78);
    expect(trainSet.size + valPos.length + testPos.length).toBe(78); // disjoint
    for (const p of [...valPos, ...testPos]) expect(trainSet.has(p)).toBe(false);
    for (const p of testPos) expect(new Set(pairs(test.edgeIndex).map(und)).has(p)).toBe(false);
    // negatives are non-edges of the whole graph
    for (const p of [...pairs(val.edgeLabelIndex).slice(nVal), ...pairs(test.edgeLabelIndex).slice(nTest)]) expect(all.has(und(p))).toBe(false);
    // same seed, same split; another seed, another
    expect(randomLinkSplit(g.edgeIndex, { numVal: 0.05, numTest: 0.1, seed: 0 }).test.edgeLabelIndex.toList()).toEqual(test.edgeLabelIndex.toList());
    expect(randomLinkSplit(g.edgeIndex, { numVal: 0.05, numTest: 0.1, seed: 1 }).test.edgeLabelIndex.toList()).not.toEqual(test.edgeLabelIndex.toList());
  });

  it("rejects splits that leave no training edges", async () => {
    const g = await karateClub();
    expect(() => randomLinkSplit(g.edgeIndex, { numVal: 40, numTest: 38 })).toThrow(/randomLinkSplit: numVal \(40\) \+ numTest \(38\) edges leave none of the 78 edges for training/);
    expect(() => randomLinkSplit(g.edgeIndex, { numVal: -0.1 })).toThrow(/randomLinkSplit: numVal must be ≥ 0, got -0.1/);
  });
});
