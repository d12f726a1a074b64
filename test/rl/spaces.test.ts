import { describe, expect, it } from "vitest";
import { Box, Discrete, MultiDiscrete, Tuple } from "../../src/rl/spaces.js";

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function variance(xs: number[]): number {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
}

describe("Discrete", () => {
  it("contains exactly the integers start .. start+n-1", () => {
    const d = new Discrete(3, { start: -1 });
    expect([-1, 0, 1].every((x) => d.contains(x))).toBe(true);
    for (const bad of [-2, 2, 0.5, NaN, "0", [0], null, undefined]) expect(d.contains(bad)).toBe(false);
    expect(String(d)).toBe("Discrete(3, start=-1)");
    expect(String(new Discrete(2))).toBe("Discrete(2)");
  });

  it("samples every value with frequency 1/n (within 5 binomial standard deviations)", () => {
    const d = new Discrete(6, { start: 1, seed: 3 });
    const counts = new Array<number>(7).fill(0);
    const N = 60_000;
    for (let i = 0; i < N; i++) counts[d.sample()]!++;
    expect(counts[0]).toBe(0);
    const sd = Math.sqrt(N * (1 / 6) * (5 / 6));
    for (let k = 1; k <= 6; k++) expect(Math.abs(counts[k]! - N / 6)).toBeLessThan(5 * sd);
  });

  it("reproduces its samples after seed() and differs between seeds", () => {
    const d = new Discrete(1000);
    d.seed(7);
    const a = Array.from({ length: 20 }, () => d.sample());
    d.seed(7);
    const b = Array.from({ length: 20 }, () => d.sample());
    d.seed(8);
    const c = Array.from({ length: 20 }, () => d.sample());
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("rejects a non-positive or fractional n", () => {
    expect(() => new Discrete(0)).toThrow(/Discrete: n must be a positive integer, got 0/);
    expect(() => new Discrete(2.5)).toThrow(/2.5/);
  });
});

describe("Box", () => {
  it("broadcasts scalar bounds, infers the shape from array bounds, and checks membership", () => {
    const b = new Box(-1, 2, [2, 3]);
    expect(b.size).toBe(6);
    expect(b.low).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(b.contains([0, 0, 0, 2, -1, 1.5])).toBe(true);
    expect(b.contains(new Float64Array([0, 0, 0, 2, -1, 1.5]))).toBe(true);
    expect(b.contains([0, 0, 0, 2.0001, 0, 0])).toBe(false);
    expect(b.contains([0, 0, 0, NaN, 0, 0])).toBe(false);
    expect(b.contains([0, 0, 0])).toBe(false);
    expect(b.contains(3)).toBe(false);
    const inferred = new Box([-1.2, -0.07], [0.6, 0.07]);
    expect(inferred.shape).toEqual([2]);
    expect(String(inferred)).toBe("Box([-1.2, -0.07], [0.6, 0.07], [2])");
  });

  it("rejects mismatched bounds and low > high", () => {
    expect(() => new Box([0, 0], [1, 1, 1])).toThrow(/high has 3 entries but shape \[2\] has 2 elements/);
    expect(() => new Box([0, 2], [1, 1])).toThrow(/low\[1\]=2 and high\[1\]=1/);
    expect(() => new Box(0, 1)).toThrow(/explicit shape/);
  });

  it("samples like Gymnasium: uniform, low + Exp(1), high - Exp(1) and N(0,1) by boundedness", () => {
    // Coordinates: [0, 4] bounded; [2, ∞) below only; (−∞, −3] above only; unbounded.
    const b = new Box([0, 2, -Infinity, -Infinity], [4, Infinity, -3, Infinity], undefined, { seed: 11 });
    const N = 40_000;
    const cols: number[][] = [[], [], [], []];
    for (let i = 0; i < N; i++) b.sample().forEach((v, j) => cols[j]!.push(v));
    // Uniform[0,4]: mean 2, variance 16/12. Exp(1): mean 1, variance 1. N(0,1): mean 0, variance 1.
    const tol = (sd: number): number => (5 * sd) / Math.sqrt(N);
    expect(Math.min(...cols[0]!)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...cols[0]!)).toBeLessThan(4);
    expect(Math.abs(mean(cols[0]!) - 2)).toBeLessThan(tol(Math.sqrt(16 / 12)));
    expect(Math.abs(variance(cols[0]!) - 16 / 12)).toBeLessThan(0.05);
    expect(Math.min(...cols[1]!)).toBeGreaterThanOrEqual(2);
    expect(Math.abs(mean(cols[1]!) - 3)).toBeLessThan(tol(1));
    expect(Math.max(...cols[2]!)).toBeLessThanOrEqual(-3);
    expect(Math.abs(mean(cols[2]!) + 4)).toBeLessThan(tol(1));
    expect(Math.abs(mean(cols[3]!))).toBeLessThan(tol(1));
    expect(Math.abs(variance(cols[3]!) - 1)).toBeLessThan(0.05);
    expect(b.isBounded()).toBe(false);
    expect(new Box(-1, 1, [2]).isBounded("both")).toBe(true);
  });

  it("every sample is contained and seeding reproduces samples", () => {
    const b = new Box(-2, 2, [3]);
    b.seed(5);
    const a = Array.from({ length: 50 }, () => b.sample());
    expect(a.every((x) => b.contains(x))).toBe(true);
    b.seed(5);
    expect(Array.from({ length: 50 }, () => b.sample())).toEqual(a);
  });
});

describe("MultiDiscrete", () => {
  it("samples each coordinate in [0, nvec[i]) and checks membership", () => {
    const m = new MultiDiscrete([2, 3, 5], { seed: 1 });
    const seen = [new Set<number>(), new Set<number>(), new Set<number>()];
    for (let i = 0; i < 500; i++) {
      const x = m.sample();
      expect(m.contains(x)).toBe(true);
      x.forEach((v, j) => seen[j]!.add(v));
    }
    expect(seen.map((s) => s.size)).toEqual([2, 3, 5]);
    expect(m.contains([1, 2, 5])).toBe(false);
    expect(m.contains([1, 2])).toBe(false);
    expect(m.contains([0, 0.5, 0])).toBe(false);
    expect(new MultiDiscrete([2, 2], { start: [1, -1] }).contains([2, 0])).toBe(true);
    expect(() => new MultiDiscrete([2, 0])).toThrow(/nvec\[1\] must be a positive integer, got 0/);
  });
});

describe("Tuple", () => {
  it("contains tuples of members, samples from every sub-space, and seeds reproducibly", () => {
    const t = new Tuple([new Discrete(32), new Discrete(11), new Box(-1, 1, [2])]);
    expect(t.contains([3, 10, [0, 0.5]])).toBe(true);
    expect(t.contains([3, 11, [0, 0.5]])).toBe(false);
    expect(t.contains([3, 10])).toBe(false);
    t.seed(9);
    const a = Array.from({ length: 10 }, () => t.sample());
    expect(a.every((x) => t.contains(x))).toBe(true);
    t.seed(9);
    expect(Array.from({ length: 10 }, () => t.sample())).toEqual(a);
    expect(String(t)).toBe("Tuple(Discrete(32), Discrete(11), Box(-1, 1, [2]))");
  });

  it("gives identical sub-spaces different streams after seed()", () => {
    const t = new Tuple([new Discrete(1000), new Discrete(1000)], { seed: 4 });
    const draws = Array.from({ length: 20 }, () => t.sample());
    expect(draws.map((d) => d[0])).not.toEqual(draws.map((d) => d[1]));
  });
});
