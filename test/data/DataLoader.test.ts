import { describe, expect, it } from "vitest";
import { DataLoader, defaultCollate } from "../../src/data/DataLoader.js";
import { Subset, TensorDataset, randomSplit, type Dataset } from "../../src/data/Dataset.js";
import { Generator } from "../../src/random/Generator.js";
import { arange, tensor } from "../../src/ops/creation.js";
import { Tensor } from "../../src/tensor/Tensor.js";

const rows = (n: number) => new TensorDataset(arange(n).reshape(n, 1).float().mul(10), arange(n));
const labelsOf = (loader: Iterable<Tensor[]>) => [...loader].map((b) => b[1]!.toList());

describe("TensorDataset", () => {
  it("returns row i of every tensor", () => {
    const ds = rows(5);
    const [x, y] = ds.get(3);
    expect(x!.toList()).toEqual([30]);
    expect(y!.item()).toBe(3);
    expect(ds.length).toBe(5);
  });
  it("rejects tensors with different first dimensions and out-of-range indices", () => {
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow(/same first dimension/);
    expect(() => rows(3).get(3)).toThrow(/out of range/);
  });
});

describe("DataLoader", () => {
  it("covers the data in order in ⌈N/B⌉ batches, the last one smaller", () => {
    const loader = new DataLoader(rows(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(labelsOf(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const [xb] = [...loader][0]!;
    expect(xb!.shape).toEqual([4, 1]);
  });

  it("dropLast drops the incomplete final batch", () => {
    const loader = new DataLoader(rows(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(labelsOf(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it("shuffle: every epoch is a permutation, epochs differ, and the same seed repeats the same epochs", () => {
    const a = new DataLoader(rows(20), { batchSize: 6, shuffle: true, seed: 7 });
    const b = new DataLoader(rows(20), { batchSize: 6, shuffle: true, seed: 7 });
    const c = new DataLoader(rows(20), { batchSize: 6, shuffle: true, seed: 8 });
    const a1 = labelsOf(a).flat(), a2 = labelsOf(a).flat();
    expect([...a1].sort((p, q) => p - q)).toEqual([...Array(20).keys()]);
    expect(a2).not.toEqual(a1);
    expect(labelsOf(b).flat()).toEqual(a1);
    expect(labelsOf(b).flat()).toEqual(a2);
    expect(labelsOf(c).flat()).not.toEqual(a1);
  });

  it("setEpoch(e) replays epoch e's order (for resuming)", () => {
    const a = new DataLoader(rows(12), { batchSize: 5, shuffle: true, seed: 3 });
    labelsOf(a);
    labelsOf(a);
    const third = labelsOf(a);
    const fresh = new DataLoader(rows(12), { batchSize: 5, shuffle: true, seed: 3 });
    fresh.setEpoch(2);
    expect(labelsOf(fresh)).toEqual(third);
  });

  it("with a generator, the order comes from that generator's stream", () => {
    const g1 = new Generator(5), g2 = new Generator(5);
    const a = new DataLoader(rows(9), { batchSize: 9, shuffle: true, generator: g1 });
    expect(labelsOf(a)[0]).toEqual(g2.permutation(9));
  });

  it("uses a custom collate, and the default collate for datasets without getBatch", () => {
    const squares: Dataset<{ n: number; sq: number }> = { length: 5, get: (i) => ({ n: i, sq: i * i }) };
    const sums = new DataLoader(squares, { batchSize: 2, collate: (items) => items.reduce((s, it) => s + it.sq, 0) });
    expect([...sums]).toEqual([1, 13, 16]);
    const batches = [...new DataLoader(squares, { batchSize: 3 })] as unknown as { n: Tensor; sq: Tensor }[];
    expect(batches[0]!.sq.toList()).toEqual([0, 1, 4]);
    expect(batches[0]!.sq.dtype).toBe("int32");
  });

  it("defaultCollate stacks tensors along a new first dimension", () => {
    const out = defaultCollate([tensor([1, 2]), tensor([3, 4])]) as Tensor;
    expect(out.shape).toEqual([2, 2]);
    expect(out.toList()).toEqual([1, 2, 3, 4]);
  });

  it("rejects a non-positive batch size", () => {
    expect(() => new DataLoader(rows(3), { batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe("randomSplit", () => {
  it("splits into disjoint subsets of the requested sizes that cover the dataset", () => {
    const [a, b] = randomSplit(rows(10), [7, 3], { generator: new Generator(1) });
    expect([a!.length, b!.length]).toEqual([7, 3]);
    const all = [...a!.indices, ...b!.indices].sort((p, q) => p - q);
    expect(all).toEqual([...Array(10).keys()]);
  });
  it("accepts fractions (remainders to the first subsets, like PyTorch) and is reproducible per seed", () => {
    const s1 = randomSplit(rows(10), [0.5, 0.3, 0.2], { generator: new Generator(2) });
    const s2 = randomSplit(rows(10), [0.5, 0.3, 0.2], { generator: new Generator(2) });
    expect(s1.map((s) => s.length)).toEqual([5, 3, 2]);
    expect(s1.map((s) => s.indices)).toEqual(s2.map((s) => s.indices));
    expect(randomSplit(rows(11), [0.5, 0.5], { generator: new Generator(0) }).map((s) => s.length)).toEqual([6, 5]);
  });
  it("rejects lengths that do not add up", () => {
    expect(() => randomSplit(rows(10), [5, 4])).toThrow(/summing to the dataset length 10/);
  });
  it("a Subset batches through the underlying dataset", () => {
    const sub = new Subset(rows(10), [9, 2, 4]);
    expect(labelsOf(new DataLoader(sub, { batchSize: 2 }))).toEqual([[9, 2], [4]]);
  });
});
