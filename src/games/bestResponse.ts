// Best responses, NashConv and exploitability of mixed-strategy profiles in a normal-form game.

import { bilinear, checkStrategy, type MixedStrategy, type NormalFormGame } from "./NormalFormGame.js";

/** A pure best response and what every action earns against the opponent's fixed strategy. */
export interface BestResponse {
  /** Lowest-index action with the highest expected payoff. */
  action: number;
  /** Expected payoff of `action`. */
  value: number;
  /** Expected payoff of each of the player's actions. */
  actionValues: number[];
}

/**
 * A best response of `player` (0 = row, 1 = column) to the opponent's mixed strategy:
 * row player: argmax_i (A y)_i; column player: argmax_j (xᵀB)_j.
 */
export function bestResponse(game: NormalFormGame, player: 0 | 1, opponent: MixedStrategy): BestResponse {
  let actionValues: number[];
  if (player === 0) {
    checkStrategy("bestResponse", "column (opponent)", opponent, game.numColumns);
    actionValues = game.A.map((row) => row.reduce((s, a, j) => s + a * opponent[j]!, 0));
  } else if (player === 1) {
    checkStrategy("bestResponse", "row (opponent)", opponent, game.numRows);
    actionValues = game.B[0]!.map((_, j) => game.B.reduce((s, row, i) => s + row[j]! * opponent[i]!, 0));
  } else {
    throw new Error(`bestResponse: player must be 0 (row) or 1 (column), got ${String(player)}`);
  }
  let action = 0;
  for (let a = 1; a < actionValues.length; a++) if (actionValues[a]! > actionValues[action]!) action = a;
  return { action, value: actionValues[action]!, actionValues };
}

/**
 * NashConv (Lanctot et al. 2017, "A Unified Game-Theoretic Approach to Multiagent RL"): the sum over
 * players of what a best response gains over the current strategy,
 *
 *   NashConv(x, y) = [max_i (A y)_i − xᵀA y] + [max_j (xᵀB)_j − xᵀB y] ≥ 0,
 *
 * zero exactly at a Nash equilibrium.
 */
export function nashConv(game: NormalFormGame, row: MixedStrategy, column: MixedStrategy): number {
  checkStrategy("nashConv", "row", row, game.numRows);
  checkStrategy("nashConv", "column", column, game.numColumns);
  const rowGain = bestResponse(game, 0, column).value - bilinear(row, game.A, column);
  const columnGain = bestResponse(game, 1, row).value - bilinear(row, game.B, column);
  return rowGain + columnGain;
}

/**
 * Exploitability of a profile in a two-player zero-sum game: the sum of both players' best-response
 * gains, which for B = −A reduces to max_i (A y)_i − min_j (xᵀA)_j, the duality gap of the minimax LP.
 * It equals NashConv; OpenSpiel reports half of it (the mean gain). Throws for a general-sum game
 * (use `nashConv` there).
 */
export function exploitability(game: NormalFormGame, row: MixedStrategy, column: MixedStrategy): number {
  if (!game.isZeroSum(1e-9)) {
    throw new Error(`exploitability: "${game.name}" is not zero-sum (A + B != 0); use nashConv for general-sum games`);
  }
  return nashConv(game, row, column);
}
