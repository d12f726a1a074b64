// Fréchet distance: equal to pytorch-fid's formula with scipy's sqrtm (fixtures), and its identities.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { generative } from "../../src/index.js";

interface Enc { shape: number[]; data: number[] }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/generative/frechet.json", import.meta.url), "utf8")) as { scipy: string; cases: { a: Enc; b: Enc; distance: number }[] };
const f64 = (e: Enc) => ds.tensor(e.data, { dtype: "float64" }).reshape(e.shape);

describe("Fréchet distance", () => {
  fixture.cases.forEach((c, i) => {
    it(`case ${i} (${c.a.shape.join("×")} vs ${c.b.shape.join("×")}) equals scipy ${fixture.scipy}'s sqrtm form`, () => {
      const d = generative.frechetDistance(f64(c.a), f64(c.b));
      expect(Math.abs(d - c.distance)).toBeLessThan(1e-8 * Math.max(1, c.distance));
    });
  });

  it("is 0 between a set and itself, and ‖μ₁ − μ₂‖² for a shift", () => {
    const a = f64(fixture.cases[1]!.a);
    expect(Math.abs(generative.frechetDistance(a, a))).toBeLessThan(1e-9);
    const shift = ds.tensor([1, -2, 0.5, 0, 3, 1], { dtype: "float64" });
    expect(generative.frechetDistance(a, a.add(shift))).toBeCloseTo(1 + 4 + 0.25 + 9 + 1, 8);
  });

  it("between 1-D Gaussians it is (μ₁ − μ₂)² + (σ₁ − σ₂)²", () => {
    const t = (v: number[] | number[][]) => ds.tensor(v, { dtype: "float64" });
    expect(generative.gaussianFrechetDistance(t([1]), t([[4]]), t([3]), t([[9]]))).toBeCloseTo(4 + 1, 12);
  });

  it("rejects mismatched feature sets", () => {
    expect(() => generative.frechetDistance(ds.zeros([5, 3]), ds.zeros([5, 4]))).toThrow(/frechetDistance: features must be \[N, d\] and \[M, d\]/);
  });
});
