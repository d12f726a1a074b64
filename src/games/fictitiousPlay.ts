// Fictitious play on a normal-form game: each player best-responds to the opponent's empirical mix.

import type { NormalFormGame } from "./NormalFormGame.js";
import { bestResponse, nashConv } from "./bestResponse.js";
import type { LearningTrace } from "./regretMatching.js";

/** Options of {@link fictitiousPlay}: the number of rounds and how often to record NashConv. */
export interface FictitiousPlayOptions {
  /** Number of rounds. */
  iterations: number;
  /** Record NashConv of the empirical profile every this many rounds (and at the last). Default 1. */
  evaluateEvery?: number;
}

/**
 * Simultaneous fictitious play (Brown 1951, "Iterative Solution of Games by Fictitious Play"): in round
 * t each player plays a pure best response (lowest index on ties) to the opponent's empirical
 * distribution of past actions. Robinson (1951) proved the empirical mixes converge to equilibrium in
 * every two-player zero-sum game; Shapley (1964) gave a general-sum game where they cycle.
 */
export function fictitiousPlay(game: NormalFormGame, options: FictitiousPlayOptions): LearningTrace {
  const { iterations } = options;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`fictitiousPlay: iterations must be a positive integer, got ${iterations}`);
  const every = options.evaluateEvery ?? 1;
  const countsRow = new Array<number>(game.numRows).fill(0);
  const countsColumn = new Array<number>(game.numColumns).fill(0);
  // Round 1: both play action 0.
  countsRow[0] = 1;
  countsColumn[0] = 1;
  const trace: LearningTrace = { averageRow: [], averageColumn: [], iterations: [], nashConv: [] };
  const record = (t: number): void => {
    trace.iterations.push(t);
    trace.nashConv.push(nashConv(game, normalize(countsRow), normalize(countsColumn)));
  };
  if (every === 1 || iterations === 1) record(1);
  for (let t = 2; t <= iterations; t++) {
    const a = bestResponse(game, 0, normalize(countsColumn)).action;
    const b = bestResponse(game, 1, normalize(countsRow)).action;
    countsRow[a]!++;
    countsColumn[b]!++;
    if (t % every === 0 || t === iterations) record(t);
  }
  trace.averageRow = normalize(countsRow);
  trace.averageColumn = normalize(countsColumn);
  return trace;
}

function normalize(v: number[]): number[] {
  const total = v.reduce((s, a) => s + a, 0);
  return v.map((a) => a / total);
}
