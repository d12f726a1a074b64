// Dense linear solve in float64 (Gaussian elimination with partial pivoting) for the small systems of game solvers.

/**
 * Solves `M x = b` for square `M`. Returns `null` when `M` is singular: a pivot smaller than
 * `singularTol` times the largest entry of `M`. Inputs are not modified.
 */
export function linearSolve(M: number[][], b: number[], singularTol = 1e-12): number[] | null {
  const n = M.length;
  if (b.length !== n || M.some((row) => row.length !== n)) {
    throw new Error(`linearSolve: need a square matrix and a matching right-hand side, got [${n},${M[0]?.length}] and [${b.length}]`);
  }
  // Augmented matrix (n, n + 1).
  const aug = M.map((row, i) => [...row, b[i]!]);
  let scale = 0;
  for (const row of M) for (const v of row) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return null;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(aug[r]![col]!) > Math.abs(aug[pivot]![col]!)) pivot = r;
    if (Math.abs(aug[pivot]![col]!) <= singularTol * scale) return null;
    [aug[col], aug[pivot]] = [aug[pivot]!, aug[col]!];
    const p = aug[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = aug[r]!;
      const f = row[col]! / p[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c]! -= f * p[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = aug[r]!;
    let s = row[n]!;
    for (let c = r + 1; c < n; c++) s -= row[c]! * x[c]!;
    x[r] = s / row[r]!;
  }
  return x;
}
