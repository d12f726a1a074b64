// Dense linear-algebra kernels of the CPU reference backend: LU, solve, inverse, determinant, Cholesky,
// triangular solve, symmetric eigendecomposition, QR and SVD of one row-major Float64Array matrix.
//
// Every function takes one matrix (the tensor layer loops over batches and converts float32), never
// modifies its inputs, and returns fresh arrays. Element (i, j) of an m×n matrix is `a[i * n + j]`.
// References: G. H. Golub & C. F. Van Loan, "Matrix Computations", 4th ed., Johns Hopkins 2013 (GVL);
// LAPACK Users' Guide, 3rd ed., SIAM 1999 (https://netlib.org/lapack/lug/).

const EPS = 2 ** -52;
/**
 * SVD: a column (of A scaled to max|A| < 1) whose squared norm is below this, i.e. whose norm is below
 * 2^-484 ≈ 1e-146, is numerically zero: its squares would lose precision to underflow, so Jacobi skips
 * it and U gets a complement vector in its place.
 */
const NEGLIGIBLE_SQUARED_NORM = 2 ** -968;

export interface LUFactorization {
  /** n×n: the strictly lower part holds L (unit diagonal implied), the upper part holds U. */
  lu: Float64Array;
  /** LAPACK getrf convention, 0-based: at step i, row i was swapped with row piv[i] (piv[i] >= i). */
  piv: Int32Array;
  /** The sign of the row permutation: (-1)^(number of actual swaps). */
  sign: 1 | -1;
  /** True when some U[k,k] is exactly 0; the factorization is still complete (as LAPACK's info > 0). */
  singular: boolean;
}

/**
 * LU factorization with partial pivoting, P A = L U (GVL Algorithm 3.4.1; LAPACK `getrf`).
 * At step k the row with the largest |a[i,k]|, i >= k, becomes the pivot row (the first such row on
 * ties, like `idamax`). A zero pivot column is skipped rather than aborting, so `lu` is always complete.
 */
export function luFactor(a: Float64Array, n: number): LUFactorization {
  checkSquare("linalg.lu_factor", a, n);
  const lu = Float64Array.from(a);
  const piv = new Int32Array(n);
  let sign: 1 | -1 = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > max) { max = v; p = i; }
    }
    piv[k] = p;
    if (p !== k) {
      swapRows(lu, n, k, p);
      sign = sign === 1 ? -1 : 1;
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) { singular = true; continue; } // the whole column below is 0: nothing to eliminate
    for (let i = k + 1; i < n; i++) {
      const l = (lu[i * n + k] /= pivot);
      if (l === 0) continue;
      const ri = i * n, rk = k * n;
      for (let j = k + 1; j < n; j++) lu[ri + j] -= l * lu[rk + j];
    }
  }
  return { lu, piv, sign, singular };
}

/**
 * Solves A X = B from the LU factorization of A (LAPACK `getrs`): apply the row swaps to B, then
 * forward substitution with the unit-lower L and back substitution with U.
 * b: n×nrhs → X: n×nrhs. A zero U[k,k] gives Infinity/NaN entries; `solve` checks for that first.
 */
export function luSolve(lu: Float64Array, piv: Int32Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  checkSquare("linalg.lu_solve", lu, n);
  if (piv.length !== n) throw new Error(`linalg.lu_solve: piv has ${piv.length} entries, expected n = ${n}`);
  checkRhs("linalg.lu_solve", b, n, nrhs);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) if (piv[k] !== k) swapRows(x, nrhs, k, piv[k]);
  for (let i = 0; i < n; i++) {
    const ri = i * nrhs;
    for (let k = 0; k < i; k++) {
      const l = lu[i * n + k];
      if (l === 0) continue;
      const rk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[ri + c] -= l * x[rk + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * nrhs;
    for (let k = i + 1; k < n; k++) {
      const u = lu[i * n + k];
      if (u === 0) continue;
      const rk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[ri + c] -= u * x[rk + c];
    }
    const d = lu[i * n + i];
    for (let c = 0; c < nrhs; c++) x[ri + c] /= d;
  }
  return x;
}

/** Solves A X = B for square A (n×n) and B (n×nrhs) by LU with partial pivoting. Throws when A is singular. */
export function solve(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  checkSquare("linalg.solve", a, n);
  checkRhs("linalg.solve", b, n, nrhs);
  const f = luFactor(a, n);
  if (f.singular) throw singularError("linalg.solve", f.lu, n);
  return luSolve(f.lu, f.piv, n, b, nrhs);
}

/** The inverse of a square matrix (n×n) by LU with partial pivoting (solving A X = I). Throws when A is singular. */
export function inv(a: Float64Array, n: number): Float64Array {
  checkSquare("linalg.inv", a, n);
  const f = luFactor(a, n);
  if (f.singular) throw singularError("linalg.inv", f.lu, n);
  return luSolve(f.lu, f.piv, n, identity(n), n);
}

/** det(A) = sign(P) · Π U[k,k] from the LU factorization; exactly 0 when a pivot is 0. det of a 0×0 matrix is 1. */
export function det(a: Float64Array, n: number): number {
  checkSquare("linalg.det", a, n);
  const f = luFactor(a, n);
  if (f.singular) return 0;
  let d: number = f.sign;
  for (let k = 0; k < n; k++) d *= f.lu[k * n + k];
  return d;
}

/**
 * sign and log|det(A)| without overflow (torch.linalg.slogdet): sum of log|U[k,k]|. For a singular
 * matrix sign is 0 and logabsdet is -Infinity, as in torch.
 */
export function slogdet(a: Float64Array, n: number): { sign: number; logabsdet: number } {
  checkSquare("linalg.slogdet", a, n);
  const f = luFactor(a, n);
  if (f.singular) return { sign: 0, logabsdet: -Infinity };
  let sign: number = f.sign;
  let logabsdet = 0;
  for (let k = 0; k < n; k++) {
    const d = f.lu[k * n + k];
    if (d < 0) sign = -sign;
    logabsdet += Math.log(Math.abs(d));
  }
  return { sign, logabsdet };
}

/**
 * Cholesky factorization A = L Lᵀ (or A = Uᵀ U with `upper`) of a symmetric positive-definite matrix,
 * column by column (GVL Algorithm 4.2.2; LAPACK `potrf`). Like `potrf`, only one triangle is read:
 * the lower one by default, the upper one with `upper: true`; the other triangle of the result is 0.
 * Throws, with torch's wording, at the first leading minor that is not positive (or is NaN).
 */
export function cholesky(a: Float64Array, n: number, opts: { upper?: boolean } = {}): Float64Array {
  checkSquare("linalg.cholesky", a, n);
  const upper = opts.upper ?? false;
  const L = new Float64Array(n * n);
  // A(i, j) for i >= j, read from the chosen triangle.
  const at = upper ? (i: number, j: number) => a[j * n + i] : (i: number, j: number) => a[i * n + j];
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = at(j, j);
    for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
    if (!(d > 0)) {
      throw new Error(
        `linalg.cholesky: the factorization could not be completed because the input is not positive-definite ` +
          `(the leading minor of order ${j + 1} is not positive)`,
      );
    }
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = at(i, j);
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / ljj;
    }
  }
  return upper ? transposeF64(L, n, n) : L;
}

/**
 * Solves T X = B, or Tᵀ X = B with `transpose`, for triangular T (n×n) and B (n×nrhs) by forward or back
 * substitution (GVL §3.1; LAPACK `trtrs`). Only the triangle named by `upper` is read; with
 * `unitDiagonal` the diagonal is not read either and taken as 1. Like torch.linalg.solve_triangular,
 * a zero diagonal entry is not an error: it yields Infinity/NaN entries.
 */
export function triangularSolve(
  t: Float64Array,
  n: number,
  b: Float64Array,
  nrhs: number,
  opts: { upper: boolean; transpose?: boolean; unitDiagonal?: boolean },
): Float64Array {
  checkSquare("linalg.solve_triangular", t, n);
  checkRhs("linalg.solve_triangular", b, n, nrhs);
  const transpose = opts.transpose ?? false;
  const unit = opts.unitDiagonal ?? false;
  // M is the matrix actually solved with: M = T or Tᵀ. M is lower triangular iff upper == transpose.
  const M = transpose ? (i: number, j: number) => t[j * n + i] : (i: number, j: number) => t[i * n + j];
  const lower = opts.upper === transpose;
  const x = Float64Array.from(b);
  for (let step = 0; step < n; step++) {
    const i = lower ? step : n - 1 - step;
    const ri = i * nrhs;
    const kFrom = lower ? 0 : i + 1, kTo = lower ? i : n;
    for (let k = kFrom; k < kTo; k++) {
      const m = M(i, k);
      if (m === 0) continue;
      const rk = k * nrhs;
      for (let c = 0; c < nrhs; c++) x[ri + c] -= m * x[rk + c];
    }
    if (!unit) {
      const d = M(i, i);
      for (let c = 0; c < nrhs; c++) x[ri + c] /= d;
    }
  }
  return x;
}

/**
 * Eigendecomposition of a real symmetric matrix, A = V diag(values) Vᵀ, reading only the lower triangle
 * (torch.linalg.eigh with UPLO='L'; `upper: true` reads the upper triangle instead).
 *
 * Householder reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson-type shifts
 * (GVL §8.3; the EISPACK routines tred2/tql2 as published in the public-domain JAMA package,
 * https://math.nist.gov/javanumerics/jama/). O(n³), backward stable: each eigenvalue is accurate to
 * about eps·‖A‖₂. The matrix is first scaled by a power of two (exact) to avoid overflow.
 *
 * values: ascending. vectors: n×n, column j is the unit eigenvector of values[j]
 * (`vectors[i * n + j]` = component i of eigenvector j). Sign convention (torch leaves it unspecified):
 * each eigenvector's entry of largest magnitude (the first one on exact ties) is positive. For repeated
 * eigenvalues the eigenvectors are some orthonormal basis of the eigenspace.
 */
export function eigh(a: Float64Array, n: number, opts: { upper?: boolean } = {}): { values: Float64Array; vectors: Float64Array } {
  checkSquare("linalg.eigh", a, n);
  const upper = opts.upper ?? false;
  // V starts as the full symmetric matrix rebuilt from one triangle, scaled by 2^-e so that max|A| ~ 1.
  const V = new Float64Array(n * n);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = upper ? a[j * n + i] : a[i * n + j];
      if (!Number.isFinite(v)) throw new Error(`linalg.eigh: the input contains ${v} at (${upper ? j : i}, ${upper ? i : j})`);
      maxAbs = Math.max(maxAbs, Math.abs(v));
      V[i * n + j] = v;
      V[j * n + i] = v;
    }
  }
  const scale = powerOfTwoScale(maxAbs);
  if (scale !== 1) for (let i = 0; i < V.length; i++) V[i] *= scale;
  const d = new Float64Array(n), e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(V, n, d, e);
    tridiagonalQL(V, n, d, e);
  }
  // Sort ascending (selection sort keeps the column swaps to n).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j] < d[k]) k = j;
    if (k !== i) {
      [d[i], d[k]] = [d[k], d[i]];
      for (let r = 0; r < n; r++) [V[r * n + i], V[r * n + k]] = [V[r * n + k], V[r * n + i]];
    }
  }
  for (let j = 0; j < n; j++) {
    d[j] /= scale;
    let big = 0;
    for (let r = 1; r < n; r++) if (Math.abs(V[r * n + j]) > Math.abs(V[big * n + j])) big = r;
    if (V[big * n + j] < 0) for (let r = 0; r < n; r++) V[r * n + j] = -V[r * n + j];
  }
  return { values: d, vectors: V };
}

/**
 * Householder tridiagonalization Qᵀ A Q = T (EISPACK tred2 via JAMA). On entry V holds A; on exit V holds
 * Q, d the diagonal of T and e[1..n-1] its subdiagonal (e[0] = 0).
 */
function tridiagonalize(V: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    // Row i of the reduced matrix is in d[0..i-1]; scale it to avoid under/overflow.
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      // Householder vector u = d[0..i-1] - g e_{i-1}, with g chosen against cancellation.
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // p = A u / h (into e), using the lower triangle of the leading i×i block.
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      // Rank-2 update A ← A - u qᵀ - q uᵀ of the lower triangle.
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the Householder transformations into Q.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit symmetric QL iteration on the tridiagonal (d, e) from `tridiagonalize` (EISPACK tql2 via JAMA),
 * accumulating the rotations into V. On exit d holds the eigenvalues (unsorted), V the eigenvectors.
 */
function tridiagonalQL(V: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  // Negligible means |e[m]| <= eps·‖T‖ with ‖T‖ over the whole matrix. (tql2 grows this norm as l
  // advances; for a matrix like 11ᵀ the leading block is then all rounding noise with a threshold of 0,
  // and rotations built from subnormal numbers stop being orthogonal.)
  let f = 0, tst1 = 0, iterations = 0;
  for (let l = 0; l < n; l++) tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
  const maxIterations = 30 * n; // LAPACK's limit for steqr
  for (let l = 0; l < n; l++) {
    // Find the first negligible subdiagonal element e[m], m >= l (e[n-1] = 0 stops the search).
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      do {
        if (++iterations > maxIterations) {
          throw new Error(`linalg.eigh: the QL iteration did not converge within ${maxIterations} iterations (n = ${n})`);
        }
        // Shift from the eigenvalue of the leading 2×2 block closest to d[l].
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Chase the bulge up with Givens rotations.
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = k * n;
            h = V[row + i + 1];
            V[row + i + 1] = s * V[row + i] + c * h;
            V[row + i] = c * V[row + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

export type QRMode = "reduced" | "complete" | "r";

/**
 * Householder QR factorization A = Q R of an m×n matrix (GVL Algorithm 5.2.1; LAPACK `geqrf` + `orgqr`).
 * With k = min(m, n):
 * - "reduced" (default): q m×k with orthonormal columns, r k×n upper triangular;
 * - "complete": q m×m orthogonal, r m×n;
 * - "r": r k×n only, q is empty (as torch).
 * The reflectors follow LAPACK's `larfg` (β = -sign(α)·‖x‖, so R's diagonal may be negative), hence the
 * same Q and R as numpy/torch up to rounding.
 */
export function qr(a: Float64Array, m: number, n: number, opts: { mode?: QRMode } = {}): { q: Float64Array; r: Float64Array } {
  checkMatrix("linalg.qr", a, m, n);
  const mode = opts.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new Error(`linalg.qr: mode must be "reduced", "complete" or "r", got ${JSON.stringify(mode)}`);
  }
  const k = Math.min(m, n);
  const { h, tau } = householderQR(a, m, n);
  const rRows = mode === "complete" ? m : k;
  const r = new Float64Array(rRows * n);
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) r[i * n + j] = h[i * n + j];
  if (mode === "r") return { q: new Float64Array(0), r };
  const qCols = mode === "complete" ? m : k;
  return { q: formQ(h, tau, m, n, qCols), r };
}

/**
 * Householder triangularization (LAPACK `geqr2`): returns H (m×n) with R on and above the diagonal and
 * the reflector vectors v_j (v_j[j] = 1 implied) below it, and tau, so that H_j = I - tau_j v_j v_jᵀ and
 * A = H_0 H_1 ⋯ H_{k-1} R.
 */
function householderQR(a: Float64Array, m: number, n: number): { h: Float64Array; tau: Float64Array } {
  const h = Float64Array.from(a);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const w = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const alpha = h[j * n + j];
    const xnorm = scaledNorm(h, (j + 1) * n + j, m - j - 1, n); // ‖A[j+1:, j]‖
    if (xnorm === 0) continue; // already zero below the diagonal: H_j = I (tau = 0)
    const beta = alpha >= 0 ? -Math.hypot(alpha, xnorm) : Math.hypot(alpha, xnorm);
    tau[j] = (beta - alpha) / beta;
    const s = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) h[i * n + j] *= s;
    h[j * n + j] = beta;
    // Apply H_j to the trailing columns: w = vᵀ A[j:, j+1:], A[j:, j+1:] -= tau v w.
    for (let c = j + 1; c < n; c++) w[c] = h[j * n + c];
    for (let i = j + 1; i < m; i++) {
      const v = h[i * n + j];
      if (v === 0) continue;
      for (let c = j + 1; c < n; c++) w[c] += v * h[i * n + c];
    }
    for (let c = j + 1; c < n; c++) w[c] *= tau[j];
    for (let c = j + 1; c < n; c++) h[j * n + c] -= w[c];
    for (let i = j + 1; i < m; i++) {
      const v = h[i * n + j];
      if (v === 0) continue;
      for (let c = j + 1; c < n; c++) h[i * n + c] -= v * w[c];
    }
  }
  return { h, tau };
}

/** Q's first `cols` columns (m×cols) from the reflectors of `householderQR`: Q = H_0 ⋯ H_{k-1} I (LAPACK `org2r`). */
function formQ(h: Float64Array, tau: Float64Array, m: number, n: number, cols: number): Float64Array {
  const q = new Float64Array(m * cols);
  for (let i = 0; i < Math.min(m, cols); i++) q[i * cols + i] = 1;
  const w = new Float64Array(cols);
  for (let j = tau.length - 1; j >= 0; j--) {
    const t = tau[j];
    if (t === 0) continue;
    // Q[j:, :] -= t v (vᵀ Q[j:, :]), v = (1, h[j+1:, j]).
    for (let c = 0; c < cols; c++) w[c] = q[j * cols + c];
    for (let i = j + 1; i < m; i++) {
      const v = h[i * n + j];
      if (v === 0) continue;
      for (let c = 0; c < cols; c++) w[c] += v * q[i * cols + c];
    }
    for (let c = 0; c < cols; c++) { w[c] *= t; q[j * cols + c] -= w[c]; }
    for (let i = j + 1; i < m; i++) {
      const v = h[i * n + j];
      if (v === 0) continue;
      for (let c = 0; c < cols; c++) q[i * cols + c] -= v * w[c];
    }
  }
  return q;
}

/**
 * Singular value decomposition A = U diag(s) Vh of an m×n matrix by one-sided Jacobi (Hestenes 1958;
 * Demmel & Veselić, "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl. 13(4), 1992,
 * https://doi.org/10.1137/0613074). Pairs of columns are rotated until every pair is orthogonal to
 * relative precision m·eps; then s_j = ‖column j‖, U's columns are the normalized columns and V holds the
 * accumulated rotations. For m < n the SVD of Aᵀ is transposed back.
 *
 * With k = min(m, n): s has k values, descending; u is m×k and vh k×n, or u m×m and vh n×n with
 * `fullMatrices`. Columns of U for zero singular values, and the extra columns of the full U, are an
 * orthonormal basis of the remaining space (from a complete QR). Signs of singular vector pairs are
 * unspecified, as in torch. Columns that shrink below about 1e-146·max|A| are treated as zero (their
 * squares would underflow): their s is the column's norm and their U column comes from the complement,
 * which keeps U orthonormal and A = U S Vh to within eps·‖A‖.
 */
export function svd(
  a: Float64Array,
  m: number,
  n: number,
  opts: { fullMatrices?: boolean } = {},
): { u: Float64Array; s: Float64Array; vh: Float64Array } {
  checkMatrix("linalg.svd", a, m, n);
  const full = opts.fullMatrices ?? false;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new Error(`linalg.svd: the input contains ${a[i]} at (${Math.floor(i / n)}, ${i % n})`);
  }
  if (m < n) {
    // Aᵀ = U' S V'ᵀ  ⇒  A = V' S U'ᵀ.
    const t = svd(transposeF64(a, m, n), n, m, { fullMatrices: full });
    const uCols = full ? n : m; // columns of U' (n×uCols)
    return { u: transposeF64(t.vh, m, m), s: t.s, vh: transposeF64(t.u, n, uCols) };
  }
  // W = Aᵀ scaled (n×m): column j of A is row j of W, so rotations touch contiguous memory.
  const scale = powerOfTwoScale(a.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0));
  const W = transposeF64(a, m, n);
  if (scale !== 1) for (let i = 0; i < W.length; i++) W[i] *= scale;
  const Vt = identity(n); // row j = column j of V
  const tol = Math.max(m, 1) * EPS;
  const maxSweeps = 60; // quadratic convergence makes ~10 sweeps typical; the cap only guards against rounding cycles
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const rp = p * m, rq = q * m;
        let alpha = 0, beta = 0, gamma = 0;
        for (let k = 0; k < m; k++) {
          const x = W[rp + k], y = W[rq + k];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (alpha < NEGLIGIBLE_SQUARED_NORM || beta < NEGLIGIBLE_SQUARED_NORM) continue; // numerically zero column
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        // Rotation [c s; -s c] that zeroes the (p, q) entry of the 2×2 Gram matrix [α γ; γ β] (Rutishauser).
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        rotateRows(W, rp, rq, m, c, s);
        rotateRows(Vt, p * n, q * n, n, c, s);
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(n);
  const negligible = new Array<boolean>(n);
  for (let j = 0; j < n; j++) {
    let ss = 0;
    for (let k = 0; k < m; k++) ss += W[j * m + k] * W[j * m + k];
    negligible[j] = ss < NEGLIGIBLE_SQUARED_NORM;
    sigma[j] = negligible[j] ? scaledNorm(W, j * m, m, 1) : Math.sqrt(ss);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => sigma[y] - sigma[x]);
  const s = new Float64Array(n);
  const vh = new Float64Array(n * n);
  const uCols = full ? m : n;
  const u = new Float64Array(m * uCols);
  const present = new Array<boolean>(uCols).fill(false);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    s[i] = sigma[j] / scale;
    vh.set(Vt.subarray(j * n, (j + 1) * n), i * n);
    if (negligible[j]) continue;
    present[i] = true;
    for (let k = 0; k < m; k++) u[k * uCols + i] = W[j * m + k] / sigma[j];
  }
  completeOrthonormalColumns(u, m, uCols, present);
  return { u, s, vh };
}

/**
 * Fills the columns of Q (m×cols) not marked `present` with an orthonormal basis of the complement of the
 * present (orthonormal) columns: the trailing columns of a complete Householder QR of the present ones.
 */
function completeOrthonormalColumns(q: Float64Array, m: number, cols: number, present: boolean[]): void {
  const have: number[] = [], missing: number[] = [];
  for (let j = 0; j < cols; j++) (present[j] ? have : missing).push(j);
  if (missing.length === 0) return;
  const r = have.length;
  const basis = new Float64Array(m * r); // m×r: the present columns
  for (let i = 0; i < m; i++) for (let c = 0; c < r; c++) basis[i * r + c] = q[i * cols + have[c]];
  const { h, tau } = householderQR(basis, m, r);
  const full = formQ(h, tau, m, r, m); // m×m, columns r.. span the complement
  missing.forEach((j, idx) => {
    for (let i = 0; i < m; i++) q[i * cols + j] = full[i * m + r + idx];
  });
}

/** C = A B for A m×k and B k×n, all row-major (i-k-j loop order, so the inner loop is contiguous). */
export function matmulF64(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  checkMatrix("matmulF64", a, m, k);
  checkMatrix("matmulF64", b, k, n);
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      if (x === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += x * b[bp + j];
    }
  }
  return c;
}

/** Aᵀ (n×m) of a row-major m×n matrix. */
export function transposeF64(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

// ---- helpers ----

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

function swapRows(x: Float64Array, cols: number, i: number, j: number): void {
  const ri = i * cols, rj = j * cols;
  for (let c = 0; c < cols; c++) {
    const t = x[ri + c];
    x[ri + c] = x[rj + c];
    x[rj + c] = t;
  }
}

/** Rows p, q (length len, starting at offsets rp, rq) ← [c·p - s·q, s·p + c·q]. */
function rotateRows(x: Float64Array, rp: number, rq: number, len: number, c: number, s: number): void {
  for (let k = 0; k < len; k++) {
    const xp = x[rp + k], xq = x[rq + k];
    x[rp + k] = c * xp - s * xq;
    x[rq + k] = s * xp + c * xq;
  }
}

/** 2-norm of x[start], x[start + stride], … (count entries), scaled against overflow and underflow. */
function scaledNorm(x: Float64Array, start: number, count: number, stride: number): number {
  let max = 0;
  for (let i = 0; i < count; i++) max = Math.max(max, Math.abs(x[start + i * stride]));
  if (max === 0 || !Number.isFinite(max)) return max;
  let ss = 0;
  for (let i = 0; i < count; i++) {
    const v = x[start + i * stride] / max;
    ss += v * v;
  }
  return max * Math.sqrt(ss);
}

/** A power of two 2^-e with 2^-e·maxAbs in [0.5, 1): scaling by it is exact. 1 for 0. */
function powerOfTwoScale(maxAbs: number): number {
  if (maxAbs === 0 || !Number.isFinite(maxAbs)) return 1;
  const e = Math.floor(Math.log2(maxAbs)) + 1;
  // Clamp so the scale itself is a normal number.
  return 2 ** -Math.max(-1000, Math.min(1000, e));
}

function singularError(op: string, lu: Float64Array, n: number): Error {
  let k = 0;
  while (k < n && lu[k * n + k] !== 0) k++;
  return new Error(`${op}: the input matrix is singular (U[${k},${k}] = 0 at k=${k} of its LU factorization with partial pivoting)`);
}

function checkMatrix(op: string, a: Float64Array, m: number, n: number): void {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 0) {
    throw new Error(`${op}: matrix sizes must be non-negative integers, got ${m}×${n}`);
  }
  if (a.length !== m * n) throw new Error(`${op}: expected a ${m}×${n} matrix (${m * n} values), got ${a.length} values`);
}

function checkSquare(op: string, a: Float64Array, n: number): void {
  checkMatrix(op, a, n, n);
}

function checkRhs(op: string, b: Float64Array, n: number, nrhs: number): void {
  if (!Number.isInteger(nrhs) || nrhs < 0) throw new Error(`${op}: nrhs must be a non-negative integer, got ${nrhs}`);
  if (b.length !== n * nrhs) {
    throw new Error(`${op}: the right-hand side should be ${n}×${nrhs} (${n * nrhs} values), got ${b.length} values`);
  }
}
