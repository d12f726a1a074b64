// Regret matching in self-play on a normal-form game; its average strategies approach equilibrium.

import { bilinear, type MixedStrategy, type NormalFormGame } from "./NormalFormGame.js";
import { nashConv } from "./bestResponse.js";

/**
 * Options of {@link regretMatching}: the number of iterations, how often to record NashConv and the starting
 * strategies.
 */
export interface RegretMatchingOptions {
  /** Number of simultaneous updates. */
  iterations: number;
  /** Record NashConv of the average profile every this many iterations (and at the last). Default 1. */
  evaluateEvery?: number;
  /** Starting strategies (default: action 0 with probability 1 — a deliberately poor start). */
  initialRow?: MixedStrategy;
  initialColumn?: MixedStrategy;
}

/**
 * What the normal-form learners ({@link regretMatching}, `fictitiousPlay`) return: the final time-averaged
 * strategies and the NashConv recorded along the way.
 */
export interface LearningTrace {
  /** Time-averaged strategies after the last iteration. */
  averageRow: MixedStrategy;
  averageColumn: MixedStrategy;
  /** Iterations at which `nashConv` was recorded. */
  iterations: number[];
  /** NashConv of the average profile at each recorded iteration. */
  nashConv: number[];
}

/**
 * Regret matching (Hart & Mas-Colell 2000, "A Simple Adaptive Procedure Leading to Correlated
 * Equilibrium"), full-information variant: each player keeps the cumulative regret
 * R_t(a) = Σ_s [u(a, σ_s^{-i}) − u(σ_s)] and plays σ_{t+1}(a) ∝ max(R_t(a), 0) (uniform when no regret
 * is positive). In a two-player zero-sum game the average strategies converge to a Nash equilibrium at
 * rate O(1/√T); this is the per-information-set update used by CFR.
 */
export function regretMatching(game: NormalFormGame, options: RegretMatchingOptions): LearningTrace {
  const { iterations } = options;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`regretMatching: iterations must be a positive integer, got ${iterations}`);
  const every = options.evaluateEvery ?? 1;
  const m = game.numRows;
  const n = game.numColumns;
  let row = options.initialRow?.slice() ?? oneHot(m, 0);
  let column = options.initialColumn?.slice() ?? oneHot(n, 0);
  const regretRow = new Array<number>(m).fill(0);
  const regretColumn = new Array<number>(n).fill(0);
  const sumRow = new Array<number>(m).fill(0);
  const sumColumn = new Array<number>(n).fill(0);
  const trace: LearningTrace = { averageRow: [], averageColumn: [], iterations: [], nashConv: [] };
  for (let t = 1; t <= iterations; t++) {
    for (let i = 0; i < m; i++) sumRow[i]! += row[i]!;
    for (let j = 0; j < n; j++) sumColumn[j]! += column[j]!;
    const [valueRow, valueColumn] = [bilinear(row, game.A, column), bilinear(row, game.B, column)];
    for (let i = 0; i < m; i++) regretRow[i]! += game.A[i]!.reduce((s, a, j) => s + a * column[j]!, 0) - valueRow;
    for (let j = 0; j < n; j++) regretColumn[j]! += game.B.reduce((s, r, i) => s + r[j]! * row[i]!, 0) - valueColumn;
    row = regretMatchingPolicy(regretRow);
    column = regretMatchingPolicy(regretColumn);
    if (t % every === 0 || t === iterations) {
      trace.iterations.push(t);
      trace.nashConv.push(nashConv(game, normalize(sumRow), normalize(sumColumn)));
    }
  }
  trace.averageRow = normalize(sumRow);
  trace.averageColumn = normalize(sumColumn);
  return trace;
}

/** σ(a) ∝ max(R(a), 0), uniform when no regret is positive. */
export function regretMatchingPolicy(regrets: ArrayLike<number>): number[] {
  let positive = 0;
  for (let a = 0; a < regrets.length; a++) positive += Math.max(regrets[a]!, 0);
  const out = new Array<number>(regrets.length);
  for (let a = 0; a < regrets.length; a++) out[a] = positive > 0 ? Math.max(regrets[a]!, 0) / positive : 1 / regrets.length;
  return out;
}

function oneHot(size: number, index: number): number[] {
  const v = new Array<number>(size).fill(0);
  v[index] = 1;
  return v;
}

function normalize(v: number[]): number[] {
  const total = v.reduce((s, a) => s + a, 0);
  return v.map((a) => a / total);
}
