// Thin adapter over the float64 kernels in src/backend/cpu/linalg.ts, in the shapes the optimizers want.

import * as kernels from "../backend/cpu/linalg.js";

/**
 * Lower-triangular L with A = L Lᵀ for a symmetric row-major n×n matrix A, or `null` when A is not
 * (numerically) positive definite — Newton's method uses that as its signal to modify the Hessian.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  if (a.length !== n * n) throw new Error(`cholesky: expected ${n}×${n}=${n * n} entries, got ${a.length}`);
  try {
    return kernels.cholesky(a, n);
  } catch (err) {
    if (err instanceof Error && /not positive-definite/.test(err.message)) return null;
    throw err;
  }
}

/** Solves L Lᵀ x = b given the Cholesky factor L (forward then back substitution). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = kernels.triangularSolve(l, n, b, 1, { upper: false });
  return kernels.triangularSolve(l, n, y, 1, { upper: false, transpose: true });
}

/**
 * Eigendecomposition of a symmetric row-major n×n matrix: eigenvalues ascending, eigenvectors as the
 * columns of `vectors` (vectors[i*n + k] is component i of eigenvector k). The input is symmetrized
 * first, (A + Aᵀ)/2, so that a Hessian or covariance with rounding asymmetry is treated as a whole
 * rather than by one triangle.
 */
export function eigh(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length !== n * n) throw new Error(`eigh: expected ${n}×${n}=${n * n} entries, got ${a.length}`);
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  return kernels.eigh(sym, n);
}
