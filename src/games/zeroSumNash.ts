// Value and optimal mixed strategies of a two-player zero-sum matrix game by linear programming (dense simplex).

import { checkPayoffMatrix, type MixedStrategy } from "./NormalFormGame.js";

/** Solution of a zero-sum game: its value to the row player and a maximin strategy for each side. */
export interface ZeroSumSolution {
  /** max_x min_y xᵀA y = min_y max_x xᵀA y (von Neumann's minimax theorem). */
  value: number;
  /** Row player's (maximizer's) optimal strategy, length m. */
  row: MixedStrategy;
  /** Column player's (minimizer's) optimal strategy, length n. */
  column: MixedStrategy;
}

/**
 * Solves the zero-sum game with row-player payoffs A (m, n) by linear programming.
 *
 * Shift A by a constant so every entry is ≥ 1 (A' = A + c, value v' = v + c > 0). With w = y / v',
 * the column player's problem becomes the LP in standard form
 *
 *   maximize Σ_j w_j   subject to   A' w ≤ 1,  w ≥ 0,
 *
 * whose optimum is 1/v'. The slack basis is feasible (right-hand side 1 ≥ 0), so the tableau simplex
 * needs no phase 1. The LP dual, minimize Σ u s.t. A'ᵀu ≥ 1, u ≥ 0, is the row player's problem with
 * u = x / v'; its optimal u is read off the final tableau as the shadow prices of the slacks.
 * Bland's rule (smallest index enters and leaves) guarantees termination on degenerate pivots.
 * See Ferguson, "Game Theory" (2nd ed., 2014), Part II §4.4, or Chvátal, "Linear Programming" (1983), ch. 15.
 */
export function zeroSumNash(A: number[][], options: { tol?: number } = {}): ZeroSumSolution {
  checkPayoffMatrix("zeroSumNash", "A", A);
  const tol = options.tol ?? 1e-12;
  const m = A.length;
  const n = A[0]!.length;
  let minEntry = Infinity;
  for (const row of A) for (const v of row) minEntry = Math.min(minEntry, v);
  const shift = 1 - minEntry;

  // Tableau (m, n + m + 1): [A' | I | 1]; basis starts as the slacks.
  const T: number[][] = A.map((row, i) => {
    const r = new Array<number>(n + m + 1).fill(0);
    for (let j = 0; j < n; j++) r[j] = row[j]! + shift;
    r[n + i] = 1;
    r[n + m] = 1;
    return r;
  });
  // Reduced costs of the maximization (positive = improving) and current objective.
  const reduced = new Array<number>(n + m).fill(0);
  for (let j = 0; j < n; j++) reduced[j] = 1;
  let objective = 0;
  const basis = Array.from({ length: m }, (_, i) => n + i);

  const maxPivots = 50 * (n + m) * (n + m);
  for (let pivots = 0; ; pivots++) {
    if (pivots > maxPivots) throw new Error(`zeroSumNash: simplex did not terminate after ${maxPivots} pivots on a [${m},${n}] game`);
    const enter = reduced.findIndex((c) => c > tol);
    if (enter < 0) break;
    let leave = -1;
    let bestRatio = Infinity;
    for (let i = 0; i < m; i++) {
      const a = T[i]![enter]!;
      if (a <= tol) continue;
      const ratio = T[i]![n + m]! / a;
      if (ratio < bestRatio - tol || (Math.abs(ratio - bestRatio) <= tol && basis[i]! < basis[leave]!)) {
        bestRatio = ratio;
        leave = i;
      }
    }
    // A' > 0 keeps the LP bounded (each w_j ≤ 1 / min A'), so a leaving row always exists.
    if (leave < 0) throw new Error("zeroSumNash: LP unbounded, which cannot happen for a finite payoff matrix");
    const pivotRow = T[leave]!;
    const p = pivotRow[enter]!;
    for (let c = 0; c <= n + m; c++) pivotRow[c]! /= p;
    for (let i = 0; i < m; i++) {
      if (i === leave) continue;
      const f = T[i]![enter]!;
      if (f === 0) continue;
      const row = T[i]!;
      for (let c = 0; c <= n + m; c++) row[c]! -= f * pivotRow[c]!;
    }
    const f = reduced[enter]!;
    for (let c = 0; c < n + m; c++) reduced[c]! -= f * pivotRow[c]!;
    objective += f * pivotRow[n + m]!;
    basis[leave] = enter;
  }

  // Primal w from the basis; dual u_i = -(reduced cost of slack i).
  const w = new Array<number>(n).fill(0);
  basis.forEach((b, i) => {
    if (b < n) w[b] = T[i]![n + m]!;
  });
  const u = Array.from({ length: m }, (_, i) => Math.max(0, -reduced[n + i]!));
  const column = normalize(w);
  const row = normalize(u);
  return { value: 1 / objective - shift, row, column };
}

function normalize(v: number[]): number[] {
  const total = v.reduce((s, a) => s + Math.max(0, a), 0);
  return v.map((a) => Math.max(0, a) / total);
}
