// Tic-tac-toe, Connect Four and minimax / alpha-beta search.

import { describe, expect, it } from "vitest";
import { TicTacToe } from "../../src/games/TicTacToe.js";
import { ConnectFour, connectFourCenterFirst, connectFourHeuristic } from "../../src/games/ConnectFour.js";
import { minimax } from "../../src/games/minimax.js";
import type { PerfectInformationGame } from "../../src/games/PerfectInformationGame.js";

describe("TicTacToe rules", () => {
  it("counts 255,168 complete games (131,184 X wins, 77,904 O wins, 46,080 draws) and 5,478 positions", () => {
    // Henry Bottomley, "How many Tic-Tac-Toe (noughts and crosses) games are possible?" (2001),
    // http://www.se16.info/hgb/tictactoe.htm; 5,478 legal positions reachable in play (empty board
    // included): https://en.wikipedia.org/wiki/Game_complexity#Example:_tic-tac-toe_(noughts_and_crosses).
    const game = new TicTacToe();
    const positions = new Set<string>();
    const outcomes = { x: 0, o: 0, draw: 0 };
    const walk = (): void => {
      positions.add(game.key());
      if (game.isTerminal()) {
        const [r0] = game.returns();
        if (r0 === 1) outcomes.x++;
        else if (r0 === -1) outcomes.o++;
        else outcomes.draw++;
        return;
      }
      for (const a of game.legalActions()) {
        game.play(a);
        walk();
        game.undo();
      }
    };
    walk();
    expect(outcomes.x + outcomes.o + outcomes.draw).toBe(255168);
    expect(outcomes).toEqual({ x: 131184, o: 77904, draw: 46080 });
    expect(positions.size).toBe(5478);
    expect(game.moveCount).toBe(0);
  });

  it("detects a win, gives returns per player, and stops accepting moves", () => {
    // x x x / o o . / . . .
    const game = TicTacToe.fromMoves([0, 3, 1, 4, 2]);
    expect(game.isTerminal()).toBe(true);
    expect(game.returns()).toEqual([1, -1]);
    expect(game.legalActions()).toEqual([]);
    expect(game.toString()).toBe("xxx\noo.\n...");
    expect(() => game.play(5)).toThrow(/game is over/);
    game.undo();
    expect(game.isTerminal()).toBe(false);
    expect(game.returns()).toEqual([0, 0]);
    expect(game.legalActions()).toEqual([2, 5, 6, 7, 8]);
    expect(game.legalActionsMask()).toEqual([0, 0, 1, 0, 0, 1, 1, 1, 1]);
  });

  it("rejects taken cells, out-of-range actions and undo on an empty board", () => {
    const game = TicTacToe.fromMoves([4]);
    expect(() => game.play(4)).toThrow(/cell 4 \(r1c1\) is already taken/);
    expect(() => game.play(9)).toThrow(/integer cell 0\.\.8, got 9/);
    expect(() => game.play(1.5)).toThrow(/got 1.5/);
    expect(() => new TicTacToe().undo()).toThrow(/no move/);
  });

  it("clone is independent and observation planes are from the mover's point of view", () => {
    const game = TicTacToe.fromMoves([4, 0]); // x centre, o corner; x to move
    const copy = game.clone();
    copy.play(8);
    expect(game.moveCount).toBe(2);
    expect(copy.moveCount).toBe(3);
    const obs = game.observation();
    expect(obs).toHaveLength(27);
    expect(obs[4]).toBe(1); // my (x) stone
    expect(obs[9 + 0]).toBe(1); // opponent's stone
    expect(obs.slice(18)).toEqual(new Array(9).fill(1)); // player 0 to move
    const obsO = copy.observation(); // o to move now
    expect(obsO[0]).toBe(1);
    expect(obsO[9 + 4]).toBe(1);
    expect(obsO[9 + 8]).toBe(1);
    expect(obsO.slice(18)).toEqual(new Array(9).fill(0));
  });
});

describe("minimax on tic-tac-toe", () => {
  it("plain minimax visits all 549,946 nodes of the game tree and finds the draw (value 0)", () => {
    // 549,946 = nodes of the full game tree, root included (Bottomley 2001, as above).
    const result = minimax(new TicTacToe(), { alphaBeta: false });
    expect(result.value).toBe(0);
    expect(result.nodesVisited).toBe(549946);
    // Every opening move is a draw with perfect play (a known property of the game).
    expect([...result.actionValues.values()]).toEqual(new Array(9).fill(0));
  });

  it("alpha-beta returns the same value while visiting far fewer nodes; a transposition table fewer still", () => {
    const plain = minimax(new TicTacToe(), { alphaBeta: false });
    const pruned = minimax(new TicTacToe(), { alphaBeta: true });
    const cached = minimax(new TicTacToe(), { alphaBeta: true, transpositionTable: true });
    expect(pruned.value).toBe(plain.value);
    expect(cached.value).toBe(plain.value);
    expect(pruned.nodesVisited).toBeLessThan(plain.nodesVisited / 10);
    expect(cached.nodesVisited).toBeLessThan(pruned.nodesVisited);
  });

  it("alpha-beta agrees with plain minimax on every position after two moves", () => {
    for (let a = 0; a < 9; a++) {
      for (let b = 0; b < 9; b++) {
        if (a === b) continue;
        const game = TicTacToe.fromMoves([a, b]);
        const plain = minimax(game, { alphaBeta: false });
        const pruned = minimax(game, { alphaBeta: true, transpositionTable: true });
        expect(pruned.value).toBe(plain.value);
        expect(plain.actionValues.get(pruned.bestAction!)).toBe(plain.value);
      }
    }
  });

  it("finds the winning reply and the forced block", () => {
    // x . . / . x . / o o .   — x to move wins at cell 8 (diagonal) ...
    const win = TicTacToe.fromMoves([0, 6, 4, 7]);
    const r = minimax(win, {});
    expect(r.value).toBe(1);
    expect(r.bestAction).toBe(8);
    // ... and if it is o to move instead (x . . / . x . / o . .; o must block 8), o draws at best.
    const block = TicTacToe.fromMoves([0, 6, 4]);
    const rb = minimax(block, { alphaBeta: false });
    expect(rb.bestAction).toBe(8);
    expect(rb.actionValues.get(8)).toBe(0);
    for (const [a, v] of rb.actionValues) if (a !== 8) expect(v).toBe(-1);
  });

  it("restores the game, and validates its options", () => {
    const game = TicTacToe.fromMoves([4]);
    minimax(game, { alphaBeta: true });
    expect(game.moves()).toEqual([4]);
    expect(() => minimax(game, { depth: 2 })).toThrow(/needs a heuristic/);
    expect(() => minimax(game, { discount: 1.5 })).toThrow(/discount/);
  });
});

describe("ConnectFour", () => {
  /** x in column 3 three times, o on 0, 0, 1: x to move, column 3 wins. */
  const verticalThree = (): ConnectFour => ConnectFour.fromMoves([3, 0, 3, 0, 3, 1]);

  it("plays by gravity, renders top row first, and rejects full columns", () => {
    const game = ConnectFour.fromMoves([3, 3, 3, 3, 3, 3]);
    expect(game.cell(0, 3)).toBe(0);
    expect(game.cell(1, 3)).toBe(1);
    expect(game.legalActions()).toEqual([0, 1, 2, 4, 5, 6]);
    expect(game.legalActionsMask()).toEqual([1, 1, 1, 0, 1, 1, 1]);
    expect(() => game.play(3)).toThrow(/column 3 is full/);
    expect(() => game.play(7)).toThrow(/column 0\.\.6, got 7/);
    expect(game.toString().split("\n")[0]).toBe("...o...");
    expect(game.toString().split("\n")[5]).toBe("...x...");
  });

  it("detects horizontal, vertical and both diagonal fours", () => {
    const horizontal = ConnectFour.fromMoves([0, 0, 1, 1, 2, 2, 3]);
    expect(horizontal.returns()).toEqual([1, -1]);
    const vertical = ConnectFour.fromMoves([6, 0, 6, 0, 6, 0, 5, 0]);
    expect(vertical.returns()).toEqual([-1, 1]);
    // Rising diagonal for x: (0,0) (1,1) (2,2) (3,3).
    const rising = ConnectFour.fromMoves([0, 1, 1, 2, 2, 3, 2, 3, 3, 6, 3]);
    expect(rising.isTerminal()).toBe(true);
    expect(rising.returns()).toEqual([1, -1]);
    // Falling diagonal for x: (3,0) (2,1) (1,2) (0,3).
    const falling = ConnectFour.fromMoves([3, 2, 2, 1, 1, 0, 1, 0, 0, 6, 0]);
    expect(falling.returns()).toEqual([1, -1]);
    expect(ConnectFour.fromMoves([0, 1, 1, 2, 2, 3, 2, 3, 3, 6]).isTerminal()).toBe(false);
  });

  it("a full board with no four is a draw", () => {
    // Hand-built filling (checked by eye), top row first:
    //   oxoxoxo / oxoxoxx / oxoxoxo / xoxoxox / xoxoxoo / xoxoxox
    // every column holds blocks of three, rows and diagonals alternate, so no line of four forms.
    const moves: number[] = [];
    const fill = (a: number, b: number): void => {
      for (let i = 0; i < 3; i++) moves.push(a, b);
      for (let i = 0; i < 3; i++) moves.push(b, a);
    };
    fill(0, 1);
    fill(2, 3);
    fill(4, 5);
    const game = ConnectFour.fromMoves(moves);
    for (let i = 0; i < 6; i++) game.play(6);
    expect(game.moveCount).toBe(42);
    expect(game.isTerminal()).toBe(true);
    expect(game.returns()).toEqual([0, 0]);
  });

  it("observation planes have shape [3, 6, 7] with row 0 at the top", () => {
    const game = ConnectFour.fromMoves([3]); // o to move
    const obs = game.observation();
    expect(obs).toHaveLength(3 * 6 * 7);
    expect(obs[42 + 5 * 7 + 3]).toBe(1); // opponent's stone, bottom row (row 5 from the top), column 3
    expect(obs.slice(0, 42).every((v) => v === 0)).toBe(true);
    expect(obs.slice(84).every((v) => v === 0)).toBe(true);
    expect(() => ConnectFour.fromMoveString("480")).toThrow(/digits 1-7/);
  });

  it("finds a win in one at depth 1, and prefers it at depth 5 when quicker wins score higher", () => {
    const game = verticalThree();
    expect(game.isWinningMove(3)).toBe(true);
    const shallow = minimax(game, { depth: 1, heuristic: connectFourHeuristic });
    expect(shallow.bestAction).toBe(3);
    expect(shallow.value).toBe(1);
    const deep = minimax(game, { depth: 5, heuristic: connectFourHeuristic, discount: 0.99, transpositionTable: true });
    expect(deep.bestAction).toBe(3);
    expect(deep.value).toBeCloseTo(0.99, 12);
  });

  it("finds the must-block move", () => {
    // x has three in column 3 and o is to move: only column 3 avoids losing next move.
    const game = ConnectFour.fromMoves([3, 0, 3, 1, 3]);
    for (const depth of [2, 4]) {
      const r = minimax(game, { depth, heuristic: connectFourHeuristic, orderActions: connectFourCenterFirst });
      expect(r.bestAction).toBe(3);
      expect(r.value).toBeGreaterThan(-1);
    }
    const plain = minimax(game, { depth: 2, heuristic: connectFourHeuristic, alphaBeta: false });
    for (const [a, v] of plain.actionValues) if (a !== 3) expect(v).toBe(-1);
  });

  it("sees that an open three on the bottom row is lost for the defender", () => {
    // x on the bottom of columns 1, 2, 3 with 0 and 4 open; o (to move) can block only one end.
    const game = ConnectFour.fromMoves([1, 1, 2, 2, 3]);
    const r = minimax(game, { depth: 3, heuristic: connectFourHeuristic });
    expect(r.value).toBe(-1);
    const plain = minimax(game, { depth: 3, heuristic: connectFourHeuristic, alphaBeta: false });
    expect(plain.value).toBe(-1);
    expect(r.nodesVisited).toBeLessThan(plain.nodesVisited);
  });

  it("solves end-game positions of Pascal Pons' benchmark set Test_L3_R1 with the published outcome", () => {
    // Positions (1-based column strings) and the sign of their published score (> 0: the player to
    // move wins, 0: draw, < 0: loses) from Pons' "End-Easy" set Test_L3_R1,
    // http://blog.gamesolver.org/solving-connect-four/02-test-protocol/ (file not available offline;
    // lines as quoted in public solver test suites, e.g. "2252576253462244111563365343671351441 -1").
    const cases: [string, number][] = [
      ["2252576253462244111563365343671351441", -1],
      ["3575316255751336464276636772271112", -1],
      ["12514726155174536522772517671", -1],
      ["7422341735647741166133573473242566", 1],
      ["326615663752621323655335514271", 1],
      ["74425337641465475671176741236615215533", 0],
      ["34441157374153736716346556774311552222", 0],
      ["23163416124767223154467471272416755633", 0],
      ["7172212567451542223676134464437761515", 0],
    ];
    for (const [moves, sign] of cases) {
      const game = ConnectFour.fromMoveString(moves);
      const result = minimax(game, { transpositionTable: true, orderActions: connectFourCenterFirst });
      expect(Math.sign(result.value) + 0, moves).toBe(sign);
    }
  });

  it("clone keeps history and undo restores earlier positions", () => {
    const game: PerfectInformationGame = ConnectFour.fromMoves([3, 4, 3]);
    const key = game.key();
    game.play(2);
    game.undo();
    expect(game.key()).toBe(key);
    const copy = game.clone();
    expect(copy.key()).toBe(key);
    expect(copy.currentPlayer).toBe(1);
  });
});
