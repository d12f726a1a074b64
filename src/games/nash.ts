// All Nash equilibria of a nondegenerate bimatrix game by support enumeration.

import { checkPayoffMatrix, type MixedStrategy } from "./NormalFormGame.js";
import { linearSolve } from "./linearSolve.js";

/** One Nash equilibrium (x, y) with the payoffs it gives each player. */
export interface NashEquilibrium {
  /** Row player's mixed strategy, length m. */
  row: MixedStrategy;
  /** Column player's mixed strategy, length n. */
  column: MixedStrategy;
  /** Expected payoffs [xᵀA y, xᵀB y]. */
  values: [number, number];
}

/** Options of {@link nash}: the numerical tolerance of the equilibrium checks. */
export interface NashOptions {
  /** Slack for "non-negative", "positive on the support" and "no better reply" checks. Default 1e-9. */
  tol?: number;
}

/**
 * Every Nash equilibrium of the bimatrix game (A, B) by support enumeration (Nisan et al.,
 * "Algorithmic Game Theory", 2007, §3.3; Porter, Nudelman & Shoham 2004 for the search order).
 *
 * In a nondegenerate game every equilibrium has supports of equal size k, and for given supports
 * I (rows) and J (columns) it is the unique solution of the indifference equations
 *
 *   (A y)_i = u  for i ∈ I,   Σ_{j∈J} y_j = 1,   y_j = 0 for j ∉ J,
 *   (xᵀB)_j = v  for j ∈ J,   Σ_{i∈I} x_i = 1,   x_i = 0 for i ∉ I,
 *
 * kept when x, y are positive on their supports and no action outside a support does better. We solve
 * each (k+1)×(k+1) system in float64 with partial pivoting. Cost is exponential in the number of
 * actions (Σ_k C(m,k)·C(n,k) systems), fine for games of up to ~12 actions a side.
 *
 * For a degenerate game (e.g. a pure strategy with two best replies) the list may miss equilibria or
 * components of equilibria; it never contains a non-equilibrium.
 */
export function nash(payoffA: number[][], payoffB: number[][], options: NashOptions = {}): NashEquilibrium[] {
  checkPayoffMatrix("nash", "A", payoffA);
  checkPayoffMatrix("nash", "B", payoffB);
  const m = payoffA.length;
  const n = payoffA[0]!.length;
  if (payoffB.length !== m || payoffB[0]!.length !== n) {
    throw new Error(`nash: payoff matrices must have the same shape, got A [${m},${n}] and B [${payoffB.length},${payoffB[0]!.length}]`);
  }
  const tol = options.tol ?? 1e-9;
  const Bt = transpose(payoffB); // (n, m): column player's payoffs seen from the column player.
  const equilibria: NashEquilibrium[] = [];
  for (let k = 1; k <= Math.min(m, n); k++) {
    for (const I of subsets(m, k)) {
      for (const J of subsets(n, k)) {
        // The column strategy y makes the row player indifferent over I, and vice versa.
        const y = indifferentMix(payoffA, I, J, n, tol);
        if (!y) continue;
        const x = indifferentMix(Bt, J, I, m, tol);
        if (!x) continue;
        if (!isBestReply(payoffA, I, y.mix, y.value, tol)) continue;
        if (!isBestReply(Bt, J, x.mix, x.value, tol)) continue;
        equilibria.push({ row: x.mix, column: y.mix, values: [y.value, x.value] });
      }
    }
  }
  return equilibria;
}

/**
 * The mix q over `cols` (zero elsewhere, length `size`) that gives every row in `rows` the same payoff
 * `value` under matrix M; null if none exists or it is not positive on `cols`.
 */
function indifferentMix(
  M: number[][],
  rows: number[],
  cols: number[],
  size: number,
  tol: number,
): { mix: number[]; value: number } | null {
  const k = rows.length;
  // Unknowns [q_{cols[0]}, ..., q_{cols[k-1]}, value]; k indifference rows plus Σq = 1.
  const system: number[][] = [];
  const rhs: number[] = [];
  for (const r of rows) {
    system.push([...cols.map((c) => M[r]![c]!), -1]);
    rhs.push(0);
  }
  system.push([...cols.map(() => 1), 0]);
  rhs.push(1);
  const sol = linearSolve(system, rhs);
  if (!sol) return null;
  const mix = new Array<number>(size).fill(0);
  for (let t = 0; t < k; t++) {
    if (!(sol[t]! > tol)) return null;
    mix[cols[t]!] = sol[t]!;
  }
  return { mix, value: sol[k]! };
}

/** True when no row of M earns more than `value` against `mix` (rows outside `support` included). */
function isBestReply(M: number[][], support: number[], mix: number[], value: number, tol: number): boolean {
  const scale = Math.max(1, Math.abs(value));
  for (let r = 0; r < M.length; r++) {
    let payoff = 0;
    for (let c = 0; c < mix.length; c++) payoff += M[r]![c]! * mix[c]!;
    if (payoff > value + tol * scale) return false;
  }
  return support.length > 0;
}

function transpose(M: number[][]): number[][] {
  return M[0]!.map((_, j) => M.map((row) => row[j]!));
}

/** All k-element subsets of {0..n-1}, in lexicographic order. */
function* subsets(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}
