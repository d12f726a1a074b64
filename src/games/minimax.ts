// Minimax search with optional alpha-beta pruning, depth limit, heuristic and transposition table.

import type { PerfectInformationGame } from "./PerfectInformationGame.js";

/**
 * Options of {@link minimax}: alpha-beta pruning, a depth limit with its heuristic, a transposition table, a
 * per-ply discount and move ordering.
 */
export interface MinimaxOptions<G extends PerfectInformationGame = PerfectInformationGame> {
  /** Prune with alpha-beta (Knuth & Moore 1975). Default true; false gives plain minimax. */
  alphaBeta?: boolean;
  /** Plies to search before calling `heuristic`. Default Infinity (search to the end of the game). */
  depth?: number;
  /**
   * Value of a non-terminal position for the player to move, used at the depth limit. Keep it in
   * (−1, 1) so that it never outranks a proven win or loss. Required when `depth` is finite.
   */
  heuristic?: (game: G) => number;
  /** Cache values of positions by `game.key()` (with bound flags under alpha-beta). Default false. */
  transpositionTable?: boolean;
  /**
   * Each ply multiplies a value by this factor, so a win in fewer moves scores higher and a loss is
   * postponed. Default 1 (values are the exact game-theoretic returns).
   */
  discount?: number;
  /** Reorders the legal actions before they are searched (good ordering makes pruning effective). */
  orderActions?: (game: G, actions: number[]) => number[];
}

/**
 * What {@link minimax} returns: the root value for the player to move, a best action, every root action's
 * value and search statistics.
 */
export interface MinimaxResult {
  /** Value of the root position for the player to move there (+1 win, 0 draw, −1 loss when solved). */
  value: number;
  /** A best action at the root (the first one found), or null at a terminal root. */
  bestAction: number | null;
  /** Every root action's value under the same search (only exact when alphaBeta is false). */
  actionValues: Map<number, number>;
  /** Positions visited, root included (terminal and depth-limit leaves count too). */
  nodesVisited: number;
}

type Bound = 0 | 1 | 2; // exact, lower bound, upper bound
interface TableEntry {
  value: number;
  depth: number;
  bound: Bound;
}

/**
 * Negamax form of minimax for two-player zero-sum games: the value of a position for the player to
 * move is max_a −γ·value(child after a), and a terminal position is worth `returns()[currentPlayer]`.
 * With alpha-beta, a child is searched in the window (−β/γ, −α/γ) and the loop stops once α ≥ β;
 * the root value is the same as plain minimax's (Knuth & Moore, "An Analysis of Alpha-Beta Pruning",
 * Artificial Intelligence 6, 1975). Russell & Norvig, AIMA 4th ed., §5.2–5.3.
 *
 * The game object is played and undone in place and is back in its starting position on return.
 */
export function minimax<G extends PerfectInformationGame>(game: G, options: MinimaxOptions<G> = {}): MinimaxResult {
  const alphaBeta = options.alphaBeta ?? true;
  const maxDepth = options.depth ?? Infinity;
  const discount = options.discount ?? 1;
  const { heuristic, orderActions } = options;
  if (game.numPlayers !== 2) throw new Error(`minimax: needs a two-player zero-sum game, "${game.name}" has ${game.numPlayers} players`);
  if (!(maxDepth >= 0)) throw new Error(`minimax: depth must be ≥ 0, got ${maxDepth}`);
  if (Number.isFinite(maxDepth) && !heuristic) throw new Error(`minimax: a finite depth (${maxDepth}) needs a heuristic for the positions where the search stops`);
  if (!(discount > 0 && discount <= 1)) throw new Error(`minimax: discount must be in (0, 1], got ${discount}`);
  const table = options.transpositionTable ? new Map<string, TableEntry>() : null;
  let nodesVisited = 0;

  const search = (depth: number, alpha: number, beta: number): number => {
    nodesVisited++;
    if (game.isTerminal()) return game.returns()[game.currentPlayer]!;
    if (depth <= 0) return heuristic!(game);
    const alphaStart = alpha;
    let key = "";
    if (table) {
      key = game.key();
      const hit = table.get(key);
      if (hit && hit.depth >= depth) {
        if (hit.bound === 0) return hit.value;
        if (hit.bound === 1) alpha = Math.max(alpha, hit.value);
        else beta = Math.min(beta, hit.value);
        if (alpha >= beta) return hit.value;
      }
    }
    let actions = game.legalActions();
    if (orderActions) actions = orderActions(game, actions);
    let best = -Infinity;
    for (const action of actions) {
      game.play(action);
      const value = -discount * search(depth - 1, -beta / discount, -alpha / discount);
      game.undo();
      if (value > best) best = value;
      if (alphaBeta) {
        if (value > alpha) alpha = value;
        if (alpha >= beta) break;
      }
    }
    if (table) {
      // Under plain minimax every value is exact; under alpha-beta it may only be a bound.
      const bound: Bound = !alphaBeta || (best > alphaStart && best < beta) ? 0 : best <= alphaStart ? 2 : 1;
      table.set(key, { value: best, depth, bound });
    }
    return best;
  };

  nodesVisited++;
  const actionValues = new Map<number, number>();
  if (game.isTerminal()) {
    return { value: game.returns()[game.currentPlayer]! + 0, bestAction: null, actionValues, nodesVisited };
  }
  if (maxDepth === 0) return { value: heuristic!(game), bestAction: null, actionValues, nodesVisited };
  let actions = game.legalActions();
  if (orderActions) actions = orderActions(game, actions);
  let best = -Infinity;
  let bestAction: number | null = null;
  let alpha = -Infinity;
  for (const action of actions) {
    game.play(action);
    // Strictly better than the best so far is all the root needs, so the window is (−∞, −α/γ).
    const value = -discount * search(maxDepth - 1, -Infinity, alphaBeta ? -alpha / discount : Infinity);
    game.undo();
    actionValues.set(action, value + 0); // + 0 turns −0 (a negated draw) into 0
    if (value > best) {
      best = value;
      bestAction = action;
    }
    if (alphaBeta && value > alpha) alpha = value;
  }
  return { value: best + 0, bestAction, actionValues, nodesVisited };
}
