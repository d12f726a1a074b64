// Players for perfect-information games (a function from a position to a move) and a loop that plays a game between two of them.

import { Generator } from "../random/Generator.js";
import type { PerfectInformationGame } from "./PerfectInformationGame.js";
import { minimax, type MinimaxOptions } from "./minimax.js";

/** Chooses a legal action in a non-terminal position; it may read the game but must leave it as it was. */
export type Player<G extends PerfectInformationGame = PerfectInformationGame> = (game: G) => number;

/** A player that picks uniformly among the legal actions with `generator`. */
export function randomPlayer(generator: Generator): Player {
  return (game) => {
    const actions = game.legalActions();
    if (actions.length === 0) throw new Error(`randomPlayer: no legal action in a finished ${game.name} game`);
    return actions[generator.randint(0, actions.length)]!;
  };
}

/**
 * The actions that minimax ranks best at the root (all of them, not only the first found), and their value.
 * Searches with plain minimax (`alphaBeta: false`), so every root action's value is exact under the given
 * depth and heuristic; `options` are passed on (a transposition table, a depth limit with a heuristic, ...).
 */
export function minimaxBestActions<G extends PerfectInformationGame>(game: G, options: Omit<MinimaxOptions<G>, "alphaBeta"> = {}): { actions: number[]; value: number } {
  const result = minimax(game, { ...options, alphaBeta: false });
  if (result.bestAction === null) throw new Error(`minimaxBestActions: the ${game.name} game is over`);
  const actions = [...result.actionValues].filter(([, v]) => v >= result.value - 1e-12).map(([a]) => a).sort((a, b) => a - b);
  return { actions, value: result.value };
}

/**
 * A minimax player that breaks ties between equally valued actions uniformly at random with `generator`,
 * so that repeated games against it differ. With the default options it searches to the end of the game
 * with a transposition table: perfect play, for games small enough to solve (tic-tac-toe). With
 * `{ depth, heuristic }` it is the depth-limited player. The best actions of each position are cached by
 * `game.key()` (the search depends only on the position), so it is fast after the first game.
 */
export function minimaxPlayer<G extends PerfectInformationGame>(generator: Generator, options: Omit<MinimaxOptions<G>, "alphaBeta"> = { transpositionTable: true }): Player<G> {
  const cache = new Map<string, number[]>();
  return (game) => {
    const key = game.key();
    let best = cache.get(key);
    if (best === undefined) {
      best = minimaxBestActions(game, options).actions;
      cache.set(key, best);
    }
    return best[generator.randint(0, best.length)]!;
  };
}

/**
 * Plays one game from `game` (played in place; pass a fresh game or a clone) with `players[p]` moving for
 * player p, and returns the final returns [r0, r1]. An illegal move is an error naming the player.
 */
export function playGame<G extends PerfectInformationGame>(game: G, players: readonly [Player<G>, Player<G>]): [number, number] {
  while (!game.isTerminal()) {
    const mover = game.currentPlayer;
    const action = players[mover]!(game);
    if (!game.legalActions().includes(action)) throw new Error(`playGame: player ${mover} chose illegal action ${action} in\n${game.toString()}`);
    game.play(action);
  }
  return game.returns();
}

/** Wins, draws and losses of player `a` against player `b` over `games` games, `a` moving first in the first half (rounded up). */
export function playMatch<G extends PerfectInformationGame>(newGame: () => G, a: Player<G>, b: Player<G>, games: number): { wins: number; draws: number; losses: number } {
  const tally = { wins: 0, draws: 0, losses: 0 };
  for (let i = 0; i < games; i++) {
    const aFirst = i < Math.ceil(games / 2);
    const r = playGame(newGame(), aFirst ? [a, b] : [b, a]);
    const mine = r[aFirst ? 0 : 1];
    if (mine > 0) tally.wins++;
    else if (mine < 0) tally.losses++;
    else tally.draws++;
  }
  return tally;
}
