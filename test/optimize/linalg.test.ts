import { describe, expect, it } from "vitest";
import { cholesky, choleskySolve, eigh } from "../../src/optimize/linalg.js";
import { Generator } from "../../src/random/Generator.js";

function randomSymmetric(n: number, seed: number): Float64Array {
  const g = new Generator(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = g.normal(); a[i * n + j] = v; a[j * n + i] = v; }
  return a;
}

describe("optimize/linalg", () => {
  it("eigh reconstructs A = V diag(λ) Vᵀ with orthonormal V and ascending λ", () => {
    const n = 7;
    const a = randomSymmetric(n, 3);
    const { values, vectors } = eigh(a, n);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rec = 0, orth = 0;
        for (let k = 0; k < n; k++) {
          rec += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          orth += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        expect(rec).toBeCloseTo(a[i * n + j]!, 12);
        expect(orth).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it("eigh finds the known spectrum 2 − 2cos(kπ/(n+1)) of the tridiagonal [−1, 2, −1] matrix", () => {
    const n = 6;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { a[i * n + i] = 2; if (i > 0) { a[i * n + i - 1] = -1; a[(i - 1) * n + i] = -1; } }
    const { values } = eigh(a, n);
    for (let k = 1; k <= n; k++) expect(values[k - 1]!).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
  });

  it("cholesky solves SPD systems and reports indefinite matrices with null", () => {
    const n = 4;
    const b = randomSymmetric(n, 5);
    const spd = new Float64Array(n * n); // BᵀB + I
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += b[k * n + i]! * b[k * n + j]!;
      spd[i * n + j] = s;
    }
    const l = cholesky(spd, n)!;
    const rhs = Float64Array.of(1, -2, 0.5, 3);
    const x = choleskySolve(l, n, rhs);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += spd[i * n + j]! * x[j]!;
      expect(s).toBeCloseTo(rhs[i]!, 12);
    }
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(() => cholesky(new Float64Array(3), 2)).toThrow(/cholesky: expected 2×2=4 entries, got 3/);
  });
});
