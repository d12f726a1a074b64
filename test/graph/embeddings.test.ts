// Random walks (DeepWalk, node2vec) and skip-gram: walks follow edges, node2vec's return probability is
// the one its p and q imply, and DeepWalk embeddings separate the karate club's two factions.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";

const { graph } = ds;
const cycle = (n: number): ds.Tensor => ds.tensor([Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => (i + 1) % n)], { dtype: "int32" });

describe("random walks", () => {
  it("uniform walks follow edges, have the asked length and count, and are seeded", () => {
    const ei = cycle(7);
    const walks = graph.randomWalks(ei, { walkLength: 6, walksPerNode: 3, seed: 1 });
    expect(walks).toHaveLength(21);
    for (const w of walks) {
      expect(w).toHaveLength(6);
      for (let i = 1; i < w.length; i++) expect([1, 6]).toContain((w[i]! - w[i - 1]! + 7) % 7);
    }
    expect(graph.randomWalks(ei, { walkLength: 6, walksPerNode: 3, seed: 1 })).toEqual(walks);
  });
  it("node2vec on a long cycle steps back with probability (1/p)/(1/p + 1/q)", () => {
    const p = 0.25, q = 2;
    const walks = graph.randomWalks(cycle(50), { walkLength: 40, walksPerNode: 4, p, q, seed: 2 });
    let back = 0, steps = 0;
    for (const w of walks) for (let i = 2; i < w.length; i++, steps++) if (w[i] === w[i - 2]) back++;
    const expected = 1 / p / (1 / p + 1 / q); // 8/9
    expect(Math.abs(back / steps - expected)).toBeLessThan(0.02); // 7,600 steps: 4 standard errors ≈ 0.014
  });
});

describe("skip-gram embeddings", () => {
  it("DeepWalk + k-means recovers the karate club split (≥ 90 %)", async () => {
    const data = await graph.karateClub();
    const emb = graph.deepWalk(data.edgeIndex, { dim: 16, walkLength: 20, walksPerNode: 20, window: 5, epochs: 2, seed: 0 });
    expect(emb.shape).toEqual([34, 16]);
    const labels = graph.kMeans(emb.double(), 2, { seed: 0 }).labels;
    const club = data.y!.dataSync();
    let agree = 0;
    labels.forEach((l, i) => (agree += l === club[i] ? 1 : 0));
    expect(Math.max(agree, 34 - agree) / 34).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
  it("tokens that share contexts get similar vectors", () => {
    // 0 and 1 always appear between 2 and 3; 4 and 5 between 6 and 7
    const seqs: number[][] = [];
    for (let i = 0; i < 200; i++) seqs.push(i % 2 ? [2, 0, 3, 6, 4, 7] : [2, 1, 3, 6, 5, 7]);
    const v = graph.trainSkipGram(seqs, { dim: 8, window: 1, epochs: 5, seed: 0 });
    const cos = (a: number, b: number): number => {
      const x = ds.select(v, 0, a), y = ds.select(v, 0, b);
      return x.mul(y).sum().item() / (x.norm().item() * y.norm().item());
    };
    expect(cos(0, 1)).toBeGreaterThan(cos(0, 4) + 0.3);
    expect(cos(4, 5)).toBeGreaterThan(cos(1, 5) + 0.3);
  });
  it("bad input names the function", () => {
    expect(() => graph.trainSkipGram([[0, 1.5]])).toThrow(/trainSkipGram: tokens must be non-negative integers, got 1.5/);
    expect(() => graph.randomWalks(cycle(3), { p: 0 })).toThrow(/randomWalks: p and q must be positive/);
  });
});
