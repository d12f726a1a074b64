// automl.ImageClassifier: Hyperband's schedule against Table 1 of Li et al. (2017), and the search on a
// small synthetic task whose answer is known (the class is the quadrant holding a bright square).
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { Generator } from "../../src/random/Generator.js";
import { ImageClassifier, hyperbandSchedule, buildImageModel } from "../../src/automl/index.js";

/** n images 1×8×8: noise, plus a bright 3×3 square in the quadrant given by the label (0–3). */
function quadrants(n: number, seed: number) {
  const g = new Generator(seed);
  const x = new Float32Array(n * 64), y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = g.randint(0, 4);
    y.push(label);
    for (let p = 0; p < 64; p++) x[i * 64 + p] = 0.2 * g.random();
    const top = (label >> 1) * 4 + g.randint(0, 2), left = (label & 1) * 4 + g.randint(0, 2);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) x[i * 64 + (top + r) * 8 + left + c] = 1;
  }
  return { x: tensor(x, { shape: [n, 1, 8, 8] }), y: tensor(y, { dtype: "int32" }) };
}

describe("hyperbandSchedule", () => {
  it("equals Table 1 of Li et al. (R = 81, η = 3)", () => {
    const table = hyperbandSchedule(81, 3).map((b) => [b.s, b.rounds.map((r) => [r.configs, r.epochs])]);
    expect(table).toEqual([
      [4, [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]]],
      [3, [[34, 3], [11, 9], [3, 27], [1, 81]]],
      [2, [[15, 9], [5, 27], [1, 81]]],
      [1, [[8, 27], [2, 81]]],
      [0, [[5, 81]]],
    ]);
  });
  it("rejects a non-integer budget", () => {
    expect(() => hyperbandSchedule(2.5)).toThrow(/hyperbandSchedule: maxEpochs must be a whole number/);
  });
});

describe("ImageClassifier", () => {
  const train = quadrants(240, 1), test = quadrants(100, 2);

  it("random search finds a net that solves the task, and the same seed repeats the search", async () => {
    const run = async () => {
      const clf = new ImageClassifier({ maxTrials: 2, seed: 3, searchSpace: { numBlocks: [1], filters: [8], optimizer: ["adam"], learningRate: [3e-3] } });
      await clf.fit(train.x, train.y, { epochs: 4, batchSize: 16 });
      return clf;
    };
    const a = await run(), b = await run();
    expect(a.trials.length).toBe(2);
    expect(a.trials.map((t) => [t.hyperParameters, t.valAccuracy, t.bestEpoch])).toEqual(b.trials.map((t) => [t.hyperParameters, t.valAccuracy, t.bestEpoch]));
    expect(a.bestTrial.valAccuracy).toBe(Math.max(...a.trials.map((t) => t.valAccuracy)));
    expect(a.evaluate(test.x, test.y).accuracy).toBeGreaterThanOrEqual(0.9);
    const pred = a.predict(test.x);
    expect(pred.shape).toEqual([100]);
    expect(pred.dtype).toBe("int32");
    expect(a.exportModel().training).toBe(false);
    const table = a.trialsTable().split("\n");
    expect(table[0]).toMatch(/^\| trial \| bracket \| block/);
    expect(table.length).toBe(2 + 2 + 1);
  }, 120_000);

  it("Hyperband runs successive halving: with R = 3 one bracket of 3 configs at 1 epoch keeps the best for 3, then 2 configs at 3; repeated up to maxTrials", async () => {
    const clf = new ImageClassifier({ maxTrials: 7, tuner: "hyperband", seed: 0, searchSpace: { numBlocks: [1], filters: [4], denseUnits: [0] } });
    await clf.fit(train.x.narrow(0, 0, 100), train.y.narrow(0, 0, 100), { epochs: 3, batchSize: 20 });
    // then the brackets repeat until maxTrials (a second Hyperband iteration)
    expect(clf.trials.map((t) => t.bracket)).toEqual([1, 1, 1, 0, 0, 1, 1]);
    const first = clf.trials.slice(0, 3);
    expect(first.map((t) => t.epochs).sort()).toEqual([1, 1, 3]);
    expect(clf.trials.slice(3, 5).map((t) => t.epochs)).toEqual([3, 3]);
    expect(clf.trials.slice(5).map((t) => t.epochs).sort()).toEqual([1, 3]);
  }, 120_000);

  it("stops at maxTrials", async () => {
    const clf = new ImageClassifier({ maxTrials: 2, tuner: "hyperband", seed: 0, refit: false, searchSpace: { numBlocks: [1], filters: [4] } });
    await clf.fit(train.x.narrow(0, 0, 60), train.y.narrow(0, 0, 60), { epochs: 3, batchSize: 20 });
    expect(clf.trials.length).toBe(2);
  }, 60_000);

  it("builds the stated network shapes", () => {
    const m = buildImageModel({ block: "resnet", numBlocks: 2, filters: 8, kernelSize: 3, dropout: 0.25, denseUnits: 16, optimizer: "adam", learningRate: 1e-3 }, [1, 8, 8], 4, new Generator(0));
    expect(m.call(train.x.narrow(0, 0, 5)).shape).toEqual([5, 4]);
  });

  it("rejects bad input, naming the call", async () => {
    expect(() => new ImageClassifier({ maxTrials: 0 })).toThrow(/ImageClassifier: maxTrials must be a whole number ≥ 1/);
    expect(() => new ImageClassifier({ validationSplit: 1 })).toThrow(/ImageClassifier: validationSplit must be in \(0, 1\)/);
    expect(() => new ImageClassifier({ searchSpace: { filters: [] } })).toThrow(/searchSpace.filters must be a non-empty list/);
    const clf = new ImageClassifier();
    await expect(clf.fit(train.x.reshape([240, 64]), train.y)).rejects.toThrow(/ImageClassifier.fit: x must be an \(N, C, H, W\) image tensor/);
    await expect(clf.fit(train.x, train.y.narrow(0, 0, 10))).rejects.toThrow(/ImageClassifier.fit: y must hold one integer label per image \(240\)/);
    expect(() => clf.predict(test.x)).toThrow(/ImageClassifier.predict: call fit\(x, y\) first/);
  });
});
