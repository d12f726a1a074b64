// Private dense float64 kernels for small n×n matrices (Cholesky, symmetric eigendecomposition).

/**
 * These stand in for `src/backend/cpu/linalg.ts` (same names and row-major layout) until that file
 * exists; then this module should re-export from it. Sizes here are small (n ≤ a few hundred), so
 * plain O(n³) loops are fine.
 */

/**
 * Lower-triangular L with A = L Lᵀ for a symmetric row-major n×n matrix A, or `null` when A is not
 * (numerically) positive definite — Newton's method uses that as its signal to modify the Hessian.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  if (a.length !== n * n) throw new Error(`cholesky: expected ${n}×${n}=${n * n} entries, got ${a.length}`);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b given the Cholesky factor L (forward then back substitution). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Eigendecomposition of a symmetric row-major n×n matrix by cyclic Jacobi rotations
 * (Golub & Van Loan, Matrix Computations, 4th ed., §8.5). Returns eigenvalues in ascending order
 * and the eigenvectors as the columns of `vectors` (row-major, so vectors[i*n + k] is component i of
 * eigenvector k). Accurate to a few ulps for the small, well-scaled matrices used here.
 */
export function eigh(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length !== n * n) throw new Error(`eigh: expected ${n}×${n}=${n * n} entries, got ${a.length}`);
  const m = Float64Array.from(a);
  // Symmetrize so that tiny asymmetries from accumulated updates cannot stall the sweeps.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (m[i * n + j]! + m[j * n + i]!);
      m[i * n + j] = s;
      m[j * n + i] = s;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = m[i * n + j]! * m[i * n + j]!;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!, aqq = m[q * n + q]!;
        // Rotation angle that zeroes m[p][q]: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!, mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!, mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i]! - m[j * n + j]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    for (let i = 0; i < n; i++) vectors[i * n + dst] = v[i * n + src]!;
  });
  return { values, vectors };
}
