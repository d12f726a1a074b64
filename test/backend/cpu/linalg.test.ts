import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  cholesky,
  det,
  eigh,
  inv,
  luFactor,
  luSolve,
  matmulF64,
  qr,
  slogdet,
  solve,
  svd,
  transposeF64,
  triangularSolve,
} from "../../../src/backend/cpu/linalg.js";
import { Generator } from "../../../src/random/Generator.js";

const EPS = 2 ** -52;

// ---- helpers: tiny dense-matrix utilities written independently of the code under test ----

function mat(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

function randn(g: Generator, m: number, n: number): Float64Array {
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = g.normal();
  return a;
}

function eye(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max|actual - expected| <= tol · max(max|expected|, floor): a normwise relative comparison. */
function expectNormClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, floor = 0): void {
  expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(tol * Math.max(maxAbs(expected), floor));
}

/** Scales column j of an m×n matrix by d[j]: A diag(d). */
function scaleColumns(a: Float64Array, m: number, n: number, d: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = a[i * n + j] * d[j];
  return out;
}

/** ‖QᵀQ - I‖max for an m×k matrix Q. */
function orthonormalityError(q: Float64Array, m: number, k: number): number {
  const qtq = matmulF64(transposeF64(q, m, k), q, k, m, k);
  return maxAbsDiff(qtq, eye(k));
}

/** Copies of the inputs, to check afterwards that a function did not modify them. */
function snapshot(...arrays: Float64Array[]): () => void {
  const copies = arrays.map((a) => Float64Array.from(a));
  return () => arrays.forEach((a, i) => expect(a).toEqual(copies[i]));
}

/** Hilbert matrix H[i,j] = 1/(i+j+1) (0-based). */
function hilbert(n: number): Float64Array {
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 1 / (i + j + 1);
  return h;
}

function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/**
 * Exact integer inverse of the Hilbert matrix (Choi, "Tricks or treats with the Hilbert matrix",
 * Amer. Math. Monthly 90(5), 1983, eq. (4)), 1-based:
 * (H⁻¹)_ij = (-1)^(i+j) (i+j-1) C(n+i-1, n-j) C(n+j-1, n-i) C(i+j-2, i-1)².
 */
function hilbertInverse(n: number): bigint[][] {
  const out: bigint[][] = [];
  for (let i = 1; i <= n; i++) {
    const row: bigint[] = [];
    for (let j = 1; j <= n; j++) {
      const sign = (i + j) % 2 === 0 ? 1n : -1n;
      const c = binomial(i + j - 2, i - 1);
      row.push(sign * BigInt(i + j - 1) * binomial(n + i - 1, n - j) * binomial(n + j - 1, n - i) * c * c);
    }
    out.push(row);
  }
  return out;
}

/**
 * 1/det(H_n) = c_{2n} / c_n⁴ with c_n = Π_{i=1}^{n-1} i! (Hilbert 1894; Choi 1983, eq. (3));
 * the values 1, 12, 2160, 6048000, 266716800000, ... are OEIS A005249.
 */
function hilbertInverseDet(n: number): bigint {
  const c = (k: number): bigint => {
    let prod = 1n, fact = 1n;
    for (let i = 1; i <= k - 1; i++) { fact *= BigInt(i); prod *= fact; }
    return prod;
  };
  return c(2 * n) / c(n) ** 4n;
}

// ---- reference values from numpy/scipy (test/fixtures/linalg/make_linalg_fixture.py) ----

interface SquareCase {
  name: string; n: number; a: number[]; cond: number; lu: number[]; piv: number[]; det: number;
  slogdet: { sign: number; logabsdet: number }; inv: number[]; b: number[]; solve: number[];
  spd: number[]; spdCond: number; cholesky: number[]; sym: number[]; symNorm2: number;
  eigMinGap: number | null; eigenvalues: number[]; eigenvectors: number[];
}
interface RectCase { m: number; n: number; a: number[]; cond: number; norm2: number; singularValues: number[]; q: number[]; r: number[] }
const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/linalg/linalg_fixture.json", import.meta.url), "utf8"),
) as { square: SquareCase[]; rect: RectCase[] };

/**
 * Tolerance for comparing two backward-stable results whose forward error grows with the condition
 * number: |Δx|/|x| ≲ n·κ·eps (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §7.1–7.2),
 * never tighter than the 1e-10 asked of well-conditioned inputs.
 */
const forwardTol = (n: number, cond: number): number => 1e-10 + 10 * n * cond * EPS;

describe("linalg kernels vs numpy/scipy reference values", () => {
  it("the fixture has the cases it promises", () => {
    expect(fixture.square.map((c) => c.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 6]);
    expect(fixture.square[8].cond).toBeGreaterThan(1e8);
  });

  for (const c of fixture.square) {
    it(`${c.name}: LU, det, slogdet, inv, solve`, () => {
      const a = Float64Array.from(c.a), b = Float64Array.from(c.b), n = c.n;
      const tol = forwardTol(n, c.cond);
      const f = luFactor(a, n);
      expect(Array.from(f.piv)).toEqual(c.piv); // scipy.linalg.lu_factor uses the same 0-based getrf convention
      expectNormClose(f.lu, c.lu, tol);
      expect(Math.abs(det(a, n) - c.det)).toBeLessThanOrEqual(tol * Math.abs(c.det));
      const sl = slogdet(a, n);
      expect(sl.sign).toBe(c.slogdet.sign);
      expect(Math.abs(sl.logabsdet - c.slogdet.logabsdet)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(c.slogdet.logabsdet)));
      expectNormClose(inv(a, n), c.inv, tol);
      expectNormClose(solve(a, n, b, 2), c.solve, tol);
    });

    it(`${c.name}: cholesky`, () => {
      expectNormClose(cholesky(Float64Array.from(c.spd), c.n), c.cholesky, forwardTol(c.n, c.spdCond));
    });

    it(`${c.name}: eigh (lower triangle of a non-symmetric input)`, () => {
      const n = c.n;
      const { values, vectors } = eigh(Float64Array.from(c.sym), n);
      // Weyl: each eigenvalue of a backward-stable method is within O(n·eps·‖A‖₂) of the exact one.
      expect(maxAbsDiff(values, c.eigenvalues)).toBeLessThanOrEqual(1e-10 * c.symNorm2);
      // Davis–Kahan: an eigenvector's error is O(eps·‖A‖₂ / gap); compare columns up to sign.
      const vecTol = 1e-10 + (c.eigMinGap === null ? 0 : (10 * n * EPS * c.symNorm2) / c.eigMinGap);
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + j] * c.eigenvectors[i * n + j];
        const s = Math.sign(dot);
        for (let i = 0; i < n; i++) expect(Math.abs(vectors[i * n + j] - s * c.eigenvectors[i * n + j])).toBeLessThanOrEqual(vecTol);
      }
    });
  }

  for (const c of fixture.rect) {
    it(`${c.m}x${c.n}: singular values and reduced QR`, () => {
      const a = Float64Array.from(c.a);
      expect(maxAbsDiff(svd(a, c.m, c.n).s, c.singularValues)).toBeLessThanOrEqual(1e-10 * c.norm2);
      const { q, r } = qr(a, c.m, c.n);
      const tol = forwardTol(Math.max(c.m, c.n), c.cond);
      expectNormClose(q, c.q, tol); // numpy uses LAPACK geqrf/orgqr: same reflector signs
      expectNormClose(r, c.r, tol);
    });
  }
});

describe("luFactor / luSolve / solve", () => {
  it("follows the getrf pivot convention on a hand-worked 2×2", () => {
    // Pivot row 1 (|3| > |1|): swap, l = 1/3, u22 = 2 - (1/3)·4 = 2/3.
    const f = luFactor(mat([[1, 2], [3, 4]]), 2);
    expect(Array.from(f.piv)).toEqual([1, 1]);
    expect(f.sign).toBe(-1);
    expect(f.singular).toBe(false);
    expectNormClose(f.lu, [3, 4, 1 / 3, 2 / 3], 2 * EPS);
  });

  it("reproduces P A = L U with |L| <= 1 on a random 9×9, and solves A X = B", () => {
    const g = new Generator(1);
    const n = 9, a = randn(g, n, n), b = randn(g, n, 3);
    const unchanged = snapshot(a, b);
    const f = luFactor(a, n);
    const L = eye(n), U = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j < i) { L[i * n + j] = f.lu[i * n + j]; expect(Math.abs(L[i * n + j])).toBeLessThanOrEqual(1); }
        else U[i * n + j] = f.lu[i * n + j];
      }
    }
    const pa = Float64Array.from(a);
    let swaps = 0;
    for (let k = 0; k < n; k++) {
      expect(f.piv[k]).toBeGreaterThanOrEqual(k);
      if (f.piv[k] === k) continue;
      swaps++;
      for (let j = 0; j < n; j++) [pa[k * n + j], pa[f.piv[k] * n + j]] = [pa[f.piv[k] * n + j], pa[k * n + j]];
    }
    expect(f.sign).toBe(swaps % 2 === 0 ? 1 : -1);
    expectNormClose(matmulF64(L, U, n, n, n), pa, 100 * n * EPS);
    const x = luSolve(f.lu, f.piv, n, b, 3);
    // residual of a backward-stable solve: ‖b - A x‖ <= c·n·eps·‖A‖‖x‖ (max norms, hence another factor n)
    expect(maxAbsDiff(matmulF64(a, x, n, n, 3), b)).toBeLessThanOrEqual(10 * n * n * EPS * maxAbs(a) * maxAbs(x));
    expect(Array.from(solve(a, n, b, 3))).toEqual(Array.from(x));
    unchanged();
  });

  it("flags and rejects singular matrices with the zero pivot's index", () => {
    // [[1,2],[2,4]]: pivot row [2,4], l = 1/2, U[1,1] = 2 - 4/2 = 0 exactly.
    const s = mat([[1, 2], [2, 4]]);
    expect(luFactor(s, 2).singular).toBe(true);
    expect(() => solve(s, 2, mat([[1], [1]]), 1)).toThrow(/^linalg\.solve: the input matrix is singular \(U\[1,1\] = 0 at k=1/);
    expect(() => inv(s, 2)).toThrow(/^linalg\.inv: .*singular.*U\[1,1\]/);
    const zeros = new Float64Array(9);
    expect(luFactor(zeros, 3).singular).toBe(true);
    expect(() => solve(zeros, 3, new Float64Array(3), 1)).toThrow(/U\[0,0\] = 0/);
  });

  it("handles sizes 0 and 1 and rejects inconsistent sizes", () => {
    expect(solve(new Float64Array(0), 0, new Float64Array(0), 4)).toEqual(new Float64Array(0));
    expect(Array.from(solve(mat([[4]]), 1, mat([[2, -8]]), 2))).toEqual([0.5, -2]);
    expect(() => solve(new Float64Array(5), 2, new Float64Array(2), 1)).toThrow(/linalg\.solve: expected a 2×2 matrix \(4 values\), got 5/);
    expect(() => solve(eye(2), 2, new Float64Array(3), 1)).toThrow(/right-hand side should be 2×1/);
  });
});

describe("inv / det / slogdet", () => {
  it("inverts Hilbert matrices to their exact integer inverse (Choi 1983)", () => {
    for (const n of [2, 3, 4, 5]) {
      const exact = hilbertInverse(n).flat().map(Number);
      // forward error <= n·κ∞·eps with κ∞ = ‖H‖∞‖H⁻¹‖∞ from the exact inverse
      const rowSum = (m: number[], r: number) => m.slice(r * n, r * n + n).reduce((s, v) => s + Math.abs(v), 0);
      const hRows = Array.from({ length: n }, (_, i) => rowSum(Array.from(hilbert(n)), i));
      const invRows = Array.from({ length: n }, (_, i) => rowSum(exact, i));
      const kappa = Math.max(...hRows) * Math.max(...invRows);
      expectNormClose(inv(hilbert(n), n), exact, 10 * n * kappa * EPS);
    }
  });

  it("gives det(H_n) = c_n⁴ / c_2n for Hilbert matrices (OEIS A005249)", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => hilbertInverseDet(n))).toEqual([1n, 12n, 2160n, 6048000n, 266716800000n, 186313420339200000n]);
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const exact = 1 / Number(hilbertInverseDet(n));
      const exactInv = hilbertInverse(n).flat().map(Number);
      const kappa = (() => {
        const h = Array.from(hilbert(n));
        let a = 0, b = 0;
        for (let i = 0; i < n; i++) {
          a = Math.max(a, h.slice(i * n, i * n + n).reduce((s, v) => s + Math.abs(v), 0));
          b = Math.max(b, exactInv.slice(i * n, i * n + n).reduce((s, v) => s + Math.abs(v), 0));
        }
        return a * b;
      })();
      // |Δdet|/|det| ≲ tr(A⁻¹ ΔA) <= n·κ·eps for a backward error ΔA of size eps·‖A‖
      expect(Math.abs(det(hilbert(n), n) - exact)).toBeLessThanOrEqual(10 * n * kappa * EPS * exact);
      const sl = slogdet(hilbert(n), n);
      expect(sl.sign).toBe(1);
      expect(Math.abs(sl.logabsdet - Math.log(exact))).toBeLessThanOrEqual(10 * n * kappa * EPS);
    }
  });

  it("knows the determinants of triangular, permutation and singular matrices", () => {
    expect(det(mat([[2, 5, 7], [0, -3, 1], [0, 0, 0.5]]), 3)).toBe(-3);
    expect(det(mat([[0, 1, 0], [0, 0, 1], [1, 0, 0]]), 3)).toBe(1); // a 3-cycle is even
    expect(det(mat([[0, 1, 0], [1, 0, 0], [0, 0, 1]]), 3)).toBe(-1);
    expect(det(mat([[1, 2], [2, 4]]), 2)).toBe(0);
    expect(slogdet(mat([[1, 2], [2, 4]]), 2)).toEqual({ sign: 0, logabsdet: -Infinity });
    expect(slogdet(mat([[0, 1, 0], [1, 0, 0], [0, 0, 1]]), 3)).toEqual({ sign: -1, logabsdet: 0 });
  });

  it("slogdet does not overflow where det does", () => {
    const n = 400;
    const a = eye(n).map((v) => v * 10);
    expect(det(a, n)).toBe(Infinity);
    const sl = slogdet(a, n);
    expect(sl.sign).toBe(1);
    expect(Math.abs(sl.logabsdet - n * Math.LN10)).toBeLessThanOrEqual(1e-12 * n * Math.LN10);
  });

  it("A·inv(A) = I, and sizes 0 and 1 follow the empty-product convention", () => {
    const g = new Generator(2);
    const n = 12, a = randn(g, n, n);
    const unchanged = snapshot(a);
    const ai = inv(a, n);
    expect(maxAbsDiff(matmulF64(a, ai, n, n, n), eye(n))).toBeLessThanOrEqual(10 * n * n * EPS * maxAbs(a) * maxAbs(ai));
    unchanged();
    expect(det(new Float64Array(0), 0)).toBe(1);
    expect(slogdet(new Float64Array(0), 0)).toEqual({ sign: 1, logabsdet: 0 });
    expect(inv(new Float64Array(0), 0)).toEqual(new Float64Array(0));
    expect(det(mat([[-2.5]]), 1)).toBe(-2.5);
    expect(Array.from(inv(mat([[4]]), 1))).toEqual([0.25]);
    expect(slogdet(mat([[-Math.E]]), 1)).toEqual({ sign: -1, logabsdet: 1 });
  });
});

describe("cholesky", () => {
  it("factors the textbook example exactly", () => {
    // https://en.wikipedia.org/wiki/Cholesky_decomposition#Example
    const a = mat([[4, 12, -16], [12, 37, -43], [-16, -43, 98]]);
    expect(Array.from(cholesky(a, 3))).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    expect(Array.from(cholesky(a, 3, { upper: true }))).toEqual([2, 6, -8, 0, 1, 5, 0, 0, 3]);
  });

  it("A = L Lᵀ = Uᵀ U and reads only the requested triangle", () => {
    const g = new Generator(3);
    const n = 10, b = randn(g, n, n);
    const a = matmulF64(b, transposeF64(b, n, n), n, n, n);
    for (let i = 0; i < n; i++) a[i * n + i] += 1;
    const unchanged = snapshot(a);
    const L = cholesky(a, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L[i * n + j]).toBe(0);
    expectNormClose(matmulF64(L, transposeF64(L, n, n), n, n, n), a, 100 * n * EPS);
    const U = cholesky(a, n, { upper: true });
    expect(Array.from(U)).toEqual(Array.from(transposeF64(L, n, n)));
    unchanged();
    // garbage in the unread triangle changes nothing
    const lowerOnly = Float64Array.from(a), upperOnly = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { lowerOnly[i * n + j] = NaN; upperOnly[j * n + i] = 1e9; }
    expect(Array.from(cholesky(lowerOnly, n))).toEqual(Array.from(L));
    expect(Array.from(cholesky(upperOnly, n, { upper: true }))).toEqual(Array.from(U));
  });

  it("rejects indefinite and semidefinite matrices naming the failing leading minor", () => {
    expect(() => cholesky(mat([[1, 2], [2, 1]]), 2)).toThrow(
      /^linalg\.cholesky: .*not positive-definite \(the leading minor of order 2 is not positive\)/,
    );
    expect(() => cholesky(mat([[-1]]), 1)).toThrow(/leading minor of order 1 is not positive/);
    expect(() => cholesky(mat([[1, 1, 0], [1, 1, 0], [0, 0, 1]]), 3)).toThrow(/order 2/); // semidefinite: minor is exactly 0
    expect(() => cholesky(mat([[1, 0], [0, NaN]]), 2)).toThrow(/order 2/);
  });

  it("handles sizes 0 and 1", () => {
    expect(cholesky(new Float64Array(0), 0)).toEqual(new Float64Array(0));
    expect(Array.from(cholesky(mat([[9]]), 1))).toEqual([3]);
  });
});

describe("triangularSolve", () => {
  it("solves T X = B and Tᵀ X = B for every triangle/transpose/unit-diagonal choice, reading one triangle", () => {
    const g = new Generator(4);
    const n = 7, nrhs = 3;
    const full = randn(g, n, n);
    for (let i = 0; i < n; i++) full[i * n + i] = 2 + Math.abs(full[i * n + i]); // well conditioned
    const x = randn(g, n, nrhs);
    for (const upper of [false, true]) {
      for (const transpose of [false, true]) {
        for (const unitDiagonal of [false, true]) {
          // The mathematical T: the chosen triangle of `full`, with a unit diagonal if asked.
          const T = new Float64Array(n * n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              if (i === j) T[i * n + j] = unitDiagonal ? 1 : full[i * n + j];
              else if (upper ? j > i : j < i) T[i * n + j] = full[i * n + j];
            }
          }
          const M = transpose ? transposeF64(T, n, n) : T;
          const b = matmulF64(M, x, n, n, nrhs);
          const unchanged = snapshot(full, b);
          const got = triangularSolve(full, n, b, nrhs, { upper, transpose, unitDiagonal });
          expectNormClose(got, x, 1e3 * n * EPS);
          unchanged();
        }
      }
    }
  });

  it("handles size 0 and 1", () => {
    expect(triangularSolve(new Float64Array(0), 0, new Float64Array(0), 2, { upper: true })).toEqual(new Float64Array(0));
    expect(Array.from(triangularSolve(mat([[4]]), 1, mat([[2, 6]]), 2, { upper: false }))).toEqual([0.5, 1.5]);
    expect(Array.from(triangularSolve(mat([[4]]), 1, mat([[2, 6]]), 2, { upper: false, unitDiagonal: true }))).toEqual([2, 6]);
  });
});

describe("eigh", () => {
  /** Checks A V = V Λ, VᵀV = I and ascending values, with residuals relative to ‖A‖. */
  function expectEigendecomposition(a: Float64Array, n: number, r: { values: Float64Array; vectors: Float64Array }) {
    const scale = Math.max(maxAbs(a), Number.MIN_VALUE);
    expect(maxAbsDiff(matmulF64(a, r.vectors, n, n, n), scaleColumns(r.vectors, n, n, r.values))).toBeLessThanOrEqual(100 * n * EPS * scale);
    expect(orthonormalityError(r.vectors, n, n)).toBeLessThanOrEqual(100 * n * EPS);
    for (let j = 1; j < n; j++) expect(r.values[j]).toBeGreaterThanOrEqual(r.values[j - 1]);
  }

  it("finds 2 - 2cos(kπ/(n+1)) and sine eigenvectors for the second-difference matrix (GVL §4.8)", () => {
    const n = 20;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
    }
    const r = eigh(a, n);
    expectEigendecomposition(a, n, r);
    for (let k = 1; k <= n; k++) {
      expect(Math.abs(r.values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThanOrEqual(20 * n * EPS);
      // v_k[j] = sqrt(2/(n+1)) sin(jkπ/(n+1)), j = 1..n, up to sign
      const exact = Array.from({ length: n }, (_, j) => Math.sqrt(2 / (n + 1)) * Math.sin(((j + 1) * k * Math.PI) / (n + 1)));
      const col = Array.from({ length: n }, (_, j) => r.vectors[j * n + k - 1]);
      const s = Math.sign(col.reduce((acc, v, j) => acc + v * exact[j], 0));
      expectNormClose(col.map((v) => s * v), exact, 1e-12);
    }
  });

  it("handles repeated eigenvalues: Q diag(1,1,1,3,3,7) Qᵀ and I + 11ᵀ", () => {
    // Q = I - 2wwᵀ/wᵀw, a Householder reflector built here, orthogonal and symmetric by construction.
    const n = 6, w = [1, -2, 0.5, 3, 1, -1];
    const ww = w.reduce((s, v) => s + v * v, 0);
    const Q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[i * n + j] = (i === j ? 1 : 0) - (2 * w[i] * w[j]) / ww;
    const lambda = [1, 1, 1, 3, 3, 7];
    const a = matmulF64(scaleColumns(Q, n, n, lambda), Q, n, n, n);
    const r = eigh(a, n);
    expectEigendecomposition(a, n, r);
    expectNormClose(r.values, lambda, 100 * n * EPS);

    const m = 5, ones = new Float64Array(m * m).fill(1);
    for (let i = 0; i < m; i++) ones[i * m + i] = 2;
    const r2 = eigh(ones, m);
    expectEigendecomposition(ones, m, r2);
    expectNormClose(r2.values, [1, 1, 1, 1, m + 1], 100 * m * EPS);
  });

  it("keeps the eigenvectors of the rank-one 11ᵀ (n = 100) orthonormal (eigenvalues 0 ×99 and 100)", () => {
    // Regression: with tql2's running deflation threshold the all-noise leading block was iterated on
    // with subnormal numbers, and the resulting rotations were far from orthogonal.
    const n = 100, a = new Float64Array(n * n).fill(1);
    const r = eigh(a, n);
    expectEigendecomposition(a, n, r);
    expectNormClose(r.values, Array.from({ length: n }, (_, i) => (i === n - 1 ? n : 0)), 100 * n * EPS);
  });

  it("reads only the lower triangle by default and only the upper one with upper: true", () => {
    const g = new Generator(5);
    const n = 8, b = randn(g, n, n);
    const sym = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = b[i * n + j] + b[j * n + i];
    const unchanged = snapshot(sym);
    const ref = eigh(sym, n);
    expectEigendecomposition(sym, n, ref);
    unchanged();
    const lowerOnly = Float64Array.from(sym), upperOnly = Float64Array.from(sym);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { lowerOnly[i * n + j] = 1e6; upperOnly[j * n + i] = -7; }
    expect(eigh(lowerOnly, n)).toEqual(ref);
    expect(eigh(upperOnly, n, { upper: true })).toEqual(ref);
  });

  it("makes each eigenvector's largest-magnitude component positive", () => {
    const g = new Generator(6);
    const n = 9, b = randn(g, n, n);
    const sym = matmulF64(b, transposeF64(b, n, n), n, n, n);
    const { vectors } = eigh(sym, n);
    for (let j = 0; j < n; j++) {
      let big = 0;
      for (let i = 0; i < n; i++) if (Math.abs(vectors[i * n + j]) > Math.abs(vectors[big * n + j])) big = i;
      expect(vectors[big * n + j]).toBeGreaterThan(0);
    }
    // a diagonal matrix: eigenvectors are +e_i, sorted by value
    const d = eigh(mat([[3, 0, 0], [0, -1, 0], [0, 0, 2]]), 3);
    expect(Array.from(d.values)).toEqual([-1, 2, 3]);
    expect(Array.from(d.vectors)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it("is scale-invariant far from 1 (1e±300), and handles sizes 0 and 1", () => {
    const a = mat([[2, 1], [1, 2]]); // eigenvalues 1 and 3
    for (const s of [1e300, 1e-300]) {
      const r = eigh(a.map((v) => v * s), 2);
      expectNormClose(r.values, [s, 3 * s], 10 * EPS);
    }
    expect(eigh(new Float64Array(0), 0)).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0) });
    expect(eigh(mat([[-4]]), 1)).toEqual({ values: Float64Array.from([-4]), vectors: Float64Array.from([1]) });
    expect(() => eigh(mat([[1, 0], [NaN, 1]]), 2)).toThrow(/linalg\.eigh: the input contains NaN at \(1, 0\)/);
  });

  it("decomposes a 60×60 random symmetric matrix", () => {
    const g = new Generator(7);
    const n = 60, b = randn(g, n, n);
    const sym = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = b[i * n + j] + b[j * n + i];
    const r = eigh(sym, n);
    expectEigendecomposition(sym, n, r);
    // trace is the sum of the eigenvalues
    let tr = 0;
    for (let i = 0; i < n; i++) tr += sym[i * n + i];
    expect(Math.abs(r.values.reduce((s, v) => s + v, 0) - tr)).toBeLessThanOrEqual(100 * n * EPS * maxAbs(r.values));
  });
});

describe("qr", () => {
  function checkQR(a: Float64Array, m: number, n: number) {
    const k = Math.min(m, n);
    const unchanged = snapshot(a);
    const red = qr(a, m, n);
    expect(red.q.length).toBe(m * k);
    expect(red.r.length).toBe(k * n);
    const comp = qr(a, m, n, { mode: "complete" });
    expect(comp.q.length).toBe(m * m);
    expect(comp.r.length).toBe(m * n);
    const ronly = qr(a, m, n, { mode: "r" });
    expect(ronly.q.length).toBe(0);
    expect(Array.from(ronly.r)).toEqual(Array.from(red.r));
    const scale = Math.max(maxAbs(a), 1);
    expect(maxAbsDiff(matmulF64(red.q, red.r, m, k, n), a)).toBeLessThanOrEqual(100 * Math.max(m, n) * EPS * scale);
    expect(maxAbsDiff(matmulF64(comp.q, comp.r, m, m, n), a)).toBeLessThanOrEqual(100 * Math.max(m, n) * EPS * scale);
    expect(orthonormalityError(red.q, m, k)).toBeLessThanOrEqual(100 * m * EPS);
    expect(orthonormalityError(comp.q, m, m)).toBeLessThanOrEqual(100 * m * EPS);
    for (let i = 0; i < m; i++) for (let j = 0; j < Math.min(i, n); j++) expect(comp.r[i * n + j]).toBe(0);
    unchanged();
  }

  it("A = QR with orthonormal Q and upper-triangular R for tall, wide and square matrices", () => {
    const g = new Generator(8);
    for (const [m, n] of [[7, 4], [4, 7], [6, 6], [1, 5], [5, 1], [1, 1]]) checkQR(randn(g, m, n), m, n);
  });

  it("handles rank-deficient and zero matrices and sizes 0", () => {
    const g = new Generator(9);
    const a = randn(g, 6, 4);
    for (let i = 0; i < 6; i++) { a[i * 4 + 1] = 0; a[i * 4 + 3] = 2 * a[i * 4]; } // zero column, dependent column
    checkQR(a, 6, 4);
    checkQR(new Float64Array(12), 4, 3);
    checkQR(new Float64Array(0), 0, 3);
    checkQR(new Float64Array(0), 3, 0);
    expect(qr(new Float64Array(0), 3, 0, { mode: "complete" }).q).toEqual(eye(3));
    expect(() => qr(new Float64Array(4), 2, 2, { mode: "full" as never })).toThrow(/linalg\.qr: mode must be/);
  });
});

describe("svd", () => {
  function checkSVD(a: Float64Array, m: number, n: number) {
    const k = Math.min(m, n);
    const unchanged = snapshot(a);
    const scale = Math.max(maxAbs(a), Number.MIN_VALUE);
    for (const fullMatrices of [false, true]) {
      const { u, s, vh } = svd(a, m, n, { fullMatrices });
      const uc = fullMatrices ? m : k, vr = fullMatrices ? n : k;
      expect([u.length, s.length, vh.length]).toEqual([m * uc, k, vr * n]);
      for (let i = 0; i < k; i++) expect(s[i]).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < k; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
      expect(orthonormalityError(u, m, uc)).toBeLessThanOrEqual(100 * Math.max(m, n) * EPS);
      expect(orthonormalityError(transposeF64(vh, vr, n), n, vr)).toBeLessThanOrEqual(100 * Math.max(m, n) * EPS);
      // A = U[:, :k] diag(s) Vh[:k, :]
      const us = new Float64Array(m * k), vk = vh.subarray(0, k * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * uc + j] * s[j];
      expect(maxAbsDiff(matmulF64(us, vk, m, k, n), a)).toBeLessThanOrEqual(100 * Math.max(m, n) * EPS * scale);
    }
    unchanged();
  }

  it("A = U S Vh with orthonormal U, V for tall, wide and square matrices, reduced and full", () => {
    const g = new Generator(10);
    for (const [m, n] of [[8, 5], [5, 8], [7, 7], [1, 4], [4, 1], [30, 20]]) checkSVD(randn(g, m, n), m, n);
  });

  it("knows the singular values of diagonal and rank-1 matrices", () => {
    expect(Array.from(svd(mat([[3, 0, 0], [0, -5, 0], [0, 0, 1]]), 3, 3).s)).toEqual([5, 3, 1]);
    // u vᵀ has the single nonzero singular value ‖u‖‖v‖: here 3 · 5 (u = (1,2,2), v = (3,4,0,0)).
    const u = [1, 2, 2], v = [3, 4, 0, 0];
    const a = Float64Array.from(u.flatMap((x) => v.map((y) => x * y)));
    checkSVD(a, 3, 4);
    const s = svd(a, 3, 4).s;
    expect(Math.abs(s[0] - 15)).toBeLessThanOrEqual(10 * EPS * 15);
    expect(Math.max(s[1], s[2])).toBeLessThanOrEqual(10 * EPS * 15);
  });

  it("completes U for rank-deficient and zero matrices", () => {
    const g = new Generator(11);
    const b = randn(g, 9, 2), c = randn(g, 2, 6);
    const a = matmulF64(b, c, 9, 2, 6); // rank 2
    checkSVD(a, 9, 6);
    checkSVD(transposeF64(a, 9, 6), 6, 9);
    const s = svd(a, 9, 6).s;
    for (let i = 2; i < 6; i++) expect(s[i]).toBeLessThanOrEqual(100 * 9 * EPS * s[0]);
    checkSVD(new Float64Array(12), 4, 3);
    expect(Array.from(svd(new Float64Array(12), 4, 3).s)).toEqual([0, 0, 0]);
    const withZeroColumn = mat([[1, 0, 2], [3, 0, 4]]);
    checkSVD(withZeroColumn, 2, 3);
  });

  it("stays orthonormal when some columns are so small (1e-160) that their squares underflow", () => {
    const g = new Generator(12);
    const m = 12, n = 8;
    const a = scaleColumns(randn(g, m, n), m, n, [1, 1, 1, 1, 1e-160, 1e-160, 1e-160, 1e-160]);
    checkSVD(a, m, n);
    const s = svd(a, m, n).s;
    for (let i = 4; i < n; i++) {
      expect(s[i]).toBeGreaterThan(0);
      expect(s[i]).toBeLessThan(1e-150);
    }
  });

  it("matches the singular values of the ill-conditioned fixture matrix to eps·‖A‖", () => {
    const c = fixture.square[8];
    const s = svd(Float64Array.from(c.a), c.n, c.n).s;
    expect(maxAbsDiff(s, Array.from({ length: 6 }, (_, i) => 10 ** (-9 * i / 5)))).toBeLessThanOrEqual(100 * c.n * EPS);
  });

  it("handles sizes 0 and 1 and extreme scales", () => {
    expect(Array.from(svd(mat([[-2]]), 1, 1).s)).toEqual([2]);
    const e = svd(new Float64Array(0), 0, 3, { fullMatrices: true });
    expect([e.u.length, e.s.length]).toEqual([0, 0]);
    expect(e.vh).toEqual(eye(3));
    const e2 = svd(new Float64Array(0), 3, 0);
    expect([e2.u.length, e2.s.length, e2.vh.length]).toEqual([0, 0, 0]);
    const a = mat([[3, 0], [4, 5]]); // singular values 3√5 and √5
    for (const scale of [1e300, 1e-300]) {
      const s = svd(a.map((v) => v * scale), 2, 2).s;
      expectNormClose(s, [3 * Math.sqrt(5) * scale, Math.sqrt(5) * scale], 10 * EPS);
    }
    expect(() => svd(mat([[1, Infinity]]), 1, 2)).toThrow(/linalg\.svd: the input contains Infinity at \(0, 1\)/);
  });
});
