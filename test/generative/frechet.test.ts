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

  it("between 2-D Gaussians with non-commuting covariances it equals the 2 × 2 closed form", () => {
    // For a 2 × 2 positive semi-definite M, (tr √M)² = λ₁ + λ₂ + 2√(λ₁λ₂) = tr M + 2√det M; with
    // M = Σ₁^½ Σ₂ Σ₁^½: tr M = tr(Σ₁Σ₂), det M = det Σ₁ · det Σ₂.
    const s1 = [[2, 0.5], [0.5, 1]], s2 = [[1, -0.3], [-0.3, 3]], m1 = [1, -1], m2 = [0.5, 2];
    const trProduct = s1[0]![0]! * s2[0]![0]! + s1[0]![1]! * s2[1]![0]! + s1[1]![0]! * s2[0]![1]! + s1[1]![1]! * s2[1]![1]!;
    const det = (m: number[][]) => m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!;
    const expected = (m1[0]! - m2[0]!) ** 2 + (m1[1]! - m2[1]!) ** 2 + (2 + 1) + (1 + 3) - 2 * Math.sqrt(trProduct + 2 * Math.sqrt(det(s1) * det(s2)));
    const t = (v: number[] | number[][]) => ds.tensor(v, { dtype: "float64" });
    expect(generative.gaussianFrechetDistance(t(m1), t(s1), t(m2), t(s2))).toBeCloseTo(expected, 10);
  });

  it("rejects mismatched feature sets", () => {
    expect(() => generative.frechetDistance(ds.zeros([5, 3]), ds.zeros([5, 4]))).toThrow(/frechetDistance: features must be \[N, d\] and \[M, d\]/);
  });
});
