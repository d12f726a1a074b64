// UCT Monte Carlo tree search on tic-tac-toe and Connect Four: seeding, tactics, and play against random and perfect opponents.

import { describe, expect, it } from "vitest";
import { TicTacToe } from "../../src/games/TicTacToe.js";
import { ConnectFour } from "../../src/games/ConnectFour.js";
import { mcts, mctsPlayer } from "../../src/games/mcts.js";
import { minimaxBestActions, minimaxPlayer, playGame, playMatch, randomPlayer } from "../../src/games/players.js";
import { Generator } from "../../src/random/Generator.js";

describe("minimax players", () => {
  it("lists every optimal move: from the empty tic-tac-toe board all nine cells draw", () => {
    const best = minimaxBestActions(new TicTacToe(), { transpositionTable: true });
    expect(best).toEqual({ actions: [0, 1, 2, 3, 4, 5, 6, 7, 8], value: 0 });
    // After an X in a corner, only the centre holds the draw for O (every other reply loses).
    expect(minimaxBestActions(TicTacToe.fromMoves([0]), { transpositionTable: true })).toEqual({ actions: [4], value: 0 });
  });

  it("two perfect players always draw, and their games vary with the seed", () => {
    const games = new Set<string>();
    for (let seed = 0; seed < 6; seed++) {
      const g = new TicTacToe();
      expect(playGame(g, [minimaxPlayer(new Generator(seed)), minimaxPlayer(new Generator(seed + 100))])).toEqual([0, 0]);
      games.add(g.moves().join(""));
    }
    expect(games.size).toBeGreaterThan(1);
  });
});

describe("mcts (UCT)", () => {
  it("is seeded: the same seed gives the same visit counts, another seed other counts", () => {
    const game = TicTacToe.fromMoves([4, 0]);
    const a = mcts(game, { simulations: 300, seed: 7 });
    const b = mcts(game, { simulations: 300, seed: 7 });
    const c = mcts(game, { simulations: 300, seed: 8 });
    expect(b).toEqual(a);
    expect(c.visits).not.toEqual(a.visits);
    expect(a.visits.reduce((s, v) => s + v, 0)).toBe(300);
    expect(a.visits[0]).toBe(0); // occupied cells get no visits
    expect(game.moves()).toEqual([4, 0]); // the game is left as it was
  });

  it("takes an immediate win in tic-tac-toe rather than block", () => {
    // x x .      X to move: r0c2 wins at once; blocking O's r1 row (r1c2) would not.
    // o o .
    // . . .
    const game = TicTacToe.fromMoves([0, 3, 1, 4]);
    for (const seed of [0, 1, 2]) expect(mcts(game, { simulations: 400, seed }).action).toBe(2);
  });

  it("blocks an immediate loss in tic-tac-toe", () => {
    // x x .      O to move: X threatens r0c2; every other move loses at once.
    // . . .
    // . . o
    const game = TicTacToe.fromMoves([0, 8, 1]);
    for (const seed of [0, 1, 2]) expect(mcts(game, { simulations: 400, seed }).action).toBe(2);
  });

  it("wins and blocks at once in Connect Four", () => {
    // Player 0 has three stones in column 3; dropping a fourth wins.
    const win = ConnectFour.fromMoves([3, 0, 3, 0, 3, 6]);
    expect(mcts(win, { simulations: 300, seed: 1 }).action).toBe(3);
    // Player 1 to move: player 0 threatens column 3 (three stacked); only column 3 avoids losing at once.
    const block = ConnectFour.fromMoves([3, 0, 3, 6, 3]);
    expect(mcts(block, { simulations: 1500, seed: 1 }).action).toBe(3);
  });

  it("never loses to a random player at tic-tac-toe over 40 games (20 with each colour)", () => {
    const result = playMatch(() => new TicTacToe(), mctsPlayer({ simulations: 400, seed: 3 }), randomPlayer(new Generator(4)), 40);
    expect(result.losses).toBe(0);
    expect(result.wins).toBeGreaterThan(30); // random play blunders; a draw needs it to play well throughout
  });

  it("ties perfect minimax play at tic-tac-toe: 20 games, 10 with each colour, all drawn", () => {
    const result = playMatch(() => new TicTacToe(), mctsPlayer({ simulations: 2000, seed: 5 }), minimaxPlayer(new Generator(6)), 20);
    expect(result).toEqual({ wins: 0, draws: 20, losses: 0 });
  });

  it("checks its arguments", () => {
    expect(() => mcts(new TicTacToe(), { simulations: 0 })).toThrow(/simulations must be an integer ≥ 1/);
    expect(() => mcts(TicTacToe.fromMoves([0, 3, 1, 4, 2]))).toThrow(/game is over/);
  });
});
