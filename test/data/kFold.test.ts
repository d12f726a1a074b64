import { describe, expect, it } from "vitest";
import { crossValidate, kFold, summarizeFolds } from "../../src/data/kFold.js";
import { TensorDataset } from "../../src/data/Dataset.js";
import { arange } from "../../src/ops/creation.js";

describe("kFold", () => {
  it("makes scikit-learn's fold sizes: n mod k folds of ⌊n/k⌋+1, the rest ⌊n/k⌋, in order without shuffle", () => {
    // sklearn.model_selection.KFold(3).split(range(10)) test folds: [0..3], [4..6], [7..9]
    const folds = kFold(3, 10);
    expect(folds.map((f) => f.test)).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(folds[1]!.train).toEqual([0, 1, 2, 3, 7, 8, 9]);
  });

  it("test folds partition 0..n-1 and each train set is the complement", () => {
    for (const shuffle of [false, true]) {
      const folds = kFold(4, 23, { shuffle, seed: 11 });
      const tests = folds.flatMap((f) => f.test).sort((a, b) => a - b);
      expect(tests).toEqual([...Array(23).keys()]);
      for (const f of folds) {
        expect([...f.train, ...f.test].sort((a, b) => a - b)).toEqual([...Array(23).keys()]);
      }
    }
  });

  it("shuffled folds are reproducible per seed and differ between seeds", () => {
    expect(kFold(5, 30, { shuffle: true, seed: 1 })).toEqual(kFold(5, 30, { shuffle: true, seed: 1 }));
    expect(kFold(5, 30, { shuffle: true, seed: 1 })).not.toEqual(kFold(5, 30, { shuffle: true, seed: 2 }));
  });

  it("rejects k < 2 and n < k", () => {
    expect(() => kFold(1, 10)).toThrow(/k must be/);
    expect(() => kFold(5, 4)).toThrow(/at least k=5/);
  });
});

describe("crossValidate", () => {
  it("runs once per fold on the right subsets and reports mean and unbiased variance", async () => {
    const ds = new TensorDataset(arange(12));
    const seen: number[][] = [];
    const cv = await crossValidate(ds, 3, ({ train, test, fold }) => {
      seen.push([...test.indices]);
      expect(train.length + test.length).toBe(12);
      return { score: [1, 2, 6][fold]! };
    });
    expect(seen).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(cv.folds.map((f) => f.score)).toEqual([1, 2, 6]);
    expect(cv.mean.score).toBe(3); // (1+2+6)/3
    expect(cv.variance.score).toBeCloseTo(7, 12); // ((−2)² + (−1)² + 3²) / (3 − 1)
    expect(cv.std.score).toBeCloseTo(Math.sqrt(7), 12);
  });
  it("summarizeFolds names a fold that lacks a metric", () => {
    expect(() => summarizeFolds([{ a: 1 }, { b: 2 }])).toThrow(/fold 1 did not return metric "a"/);
  });
});
