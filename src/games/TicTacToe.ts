// Tic-tac-toe (noughts and crosses) on a 3×3 board: player 0 plays X and moves first.

import type { PerfectInformationGame } from "./PerfectInformationGame.js";

/** The eight lines of three cells (rows, columns, diagonals); cell = 3·row + column. */
const LINES: readonly (readonly [number, number, number])[] = [
  [0, 1, 2], [3, 4, 5], [6, 7, 8],
  [0, 3, 6], [1, 4, 7], [2, 5, 8],
  [0, 4, 8], [2, 4, 6],
];

/**
 * Tic-tac-toe. Actions 0..8 are the cells in row-major order from the top-left; action 4 is the
 * centre, named "r1c1". X (player 0) moves first; three in a row wins, a full board is a draw.
 */
export class TicTacToe implements PerfectInformationGame {
  readonly name = "tic-tac-toe";
  readonly numPlayers = 2 as const;
  readonly numDistinctActions = 9;
  readonly observationShape = [3, 3, 3] as const;
  /** Cells: 0 empty, 1 = X (player 0), 2 = O (player 1). */
  private readonly board = new Uint8Array(9);
  private readonly history: number[] = [];
  /** Winning player, or -1. Only the last move can create a win, so undo simply clears it. */
  private winner = -1;

  get currentPlayer(): number {
    return this.history.length % 2;
  }

  get moveCount(): number {
    return this.history.length;
  }

  /** Content of a cell: -1 empty, else the player (0 or 1) whose mark is there. */
  cell(index: number): number {
    return this.board[index]! - 1;
  }

  legalActions(): number[] {
    if (this.isTerminal()) return [];
    const actions: number[] = [];
    for (let i = 0; i < 9; i++) if (this.board[i] === 0) actions.push(i);
    return actions;
  }

  legalActionsMask(): number[] {
    const mask = new Array<number>(9).fill(0);
    for (const a of this.legalActions()) mask[a] = 1;
    return mask;
  }

  play(action: number): void {
    if (!Number.isInteger(action) || action < 0 || action > 8) {
      throw new Error(`TicTacToe.play: action must be an integer cell 0..8, got ${action}`);
    }
    if (this.isTerminal()) throw new Error(`TicTacToe.play: the game is over, cannot play cell ${action}\n${this.toString()}`);
    if (this.board[action] !== 0) {
      throw new Error(`TicTacToe.play: cell ${action} (${this.actionToString(action)}) is already taken\n${this.toString()}`);
    }
    const player = this.currentPlayer;
    this.board[action] = player + 1;
    this.history.push(action);
    for (const [a, b, c] of LINES) {
      if ((a === action || b === action || c === action) && this.board[a] === player + 1 && this.board[b] === player + 1 && this.board[c] === player + 1) {
        this.winner = player;
        break;
      }
    }
  }

  undo(): void {
    const action = this.history.pop();
    if (action === undefined) throw new Error("TicTacToe.undo: no move to take back");
    this.board[action] = 0;
    this.winner = -1;
  }

  isTerminal(): boolean {
    return this.winner >= 0 || this.history.length === 9;
  }

  returns(): [number, number] {
    if (this.winner === 0) return [1, -1];
    if (this.winner === 1) return [-1, 1];
    return [0, 0];
  }

  clone(): TicTacToe {
    const copy = new TicTacToe();
    for (const a of this.history) copy.play(a);
    return copy;
  }

  observation(): number[] {
    // (3 planes, 3, 3) flattened: mine, theirs, colour.
    const obs = new Array<number>(27).fill(0);
    const me = this.currentPlayer + 1;
    for (let i = 0; i < 9; i++) {
      if (this.board[i] === me) obs[i] = 1;
      else if (this.board[i] !== 0) obs[9 + i] = 1;
      if (me === 1) obs[18 + i] = 1;
    }
    return obs;
  }

  key(): string {
    return this.board.join("");
  }

  /** The move history as a list of cells. */
  moves(): number[] {
    return this.history.slice();
  }

  actionToString(action: number): string {
    return `r${Math.floor(action / 3)}c${action % 3}`;
  }

  toString(): string {
    const marks = [".", "x", "o"];
    const rows: string[] = [];
    for (let r = 0; r < 3; r++) rows.push(Array.from(this.board.subarray(3 * r, 3 * r + 3), (v) => marks[v]).join(""));
    return rows.join("\n");
  }

  /** A game after the given cells were played in order. */
  static fromMoves(moves: number[]): TicTacToe {
    const game = new TicTacToe();
    for (const a of moves) game.play(a);
    return game;
  }
}
