// Connect Four on the standard 6-row × 7-column board: drop stones, four in a line wins.

import type { PerfectInformationGame } from "./PerfectInformationGame.js";

const ROWS = 6;
const COLS = 7;

/**
 * Connect Four. Action c ∈ 0..6 drops a stone into column c (columns count from the left). Player 0
 * moves first. Four stones of one player in a row, column or diagonal win; a full board is a draw.
 * The game was solved as a first-player win (Allen 1988; Allis 1988, "A Knowledge-Based Approach of
 * Connect-Four").
 */
export class ConnectFour implements PerfectInformationGame {
  static readonly rows = ROWS;
  static readonly columns = COLS;
  readonly name = "connect-four";
  readonly numPlayers = 2 as const;
  readonly numDistinctActions = COLS;
  readonly observationShape = [3, ROWS, COLS] as const;
  /** cells[row * COLS + col], row 0 at the bottom: 0 empty, 1 = player 0, 2 = player 1. */
  private readonly cells = new Uint8Array(ROWS * COLS);
  private readonly heights = new Uint8Array(COLS);
  private readonly history: number[] = [];
  /** Winning player, or -1. Only the last move can create a win, so undo simply clears it. */
  private winner = -1;

  get currentPlayer(): number {
    return this.history.length % 2;
  }

  get moveCount(): number {
    return this.history.length;
  }

  /** Owner of the cell at (row from the bottom, column): -1 empty, else 0 or 1. */
  cell(row: number, column: number): number {
    return this.cells[row * COLS + column]! - 1;
  }

  legalActions(): number[] {
    if (this.isTerminal()) return [];
    const actions: number[] = [];
    for (let c = 0; c < COLS; c++) if (this.heights[c]! < ROWS) actions.push(c);
    return actions;
  }

  legalActionsMask(): number[] {
    const mask = new Array<number>(COLS).fill(0);
    for (const a of this.legalActions()) mask[a] = 1;
    return mask;
  }

  play(action: number): void {
    if (!Number.isInteger(action) || action < 0 || action >= COLS) {
      throw new Error(`ConnectFour.play: action must be an integer column 0..6, got ${action}`);
    }
    if (this.isTerminal()) throw new Error(`ConnectFour.play: the game is over, cannot play column ${action}\n${this.toString()}`);
    const row = this.heights[action]!;
    if (row >= ROWS) throw new Error(`ConnectFour.play: column ${action} is full\n${this.toString()}`);
    const stone = this.currentPlayer + 1;
    this.cells[row * COLS + action] = stone;
    this.heights[action] = row + 1;
    this.history.push(action);
    if (this.makesFour(row, action, stone)) this.winner = stone - 1;
  }

  undo(): void {
    const action = this.history.pop();
    if (action === undefined) throw new Error("ConnectFour.undo: no move to take back");
    const row = this.heights[action]! - 1;
    this.cells[row * COLS + action] = 0;
    this.heights[action] = row;
    this.winner = -1;
  }

  isTerminal(): boolean {
    return this.winner >= 0 || this.history.length === ROWS * COLS;
  }

  returns(): [number, number] {
    if (this.winner === 0) return [1, -1];
    if (this.winner === 1) return [-1, 1];
    return [0, 0];
  }

  clone(): ConnectFour {
    return ConnectFour.fromMoves(this.history);
  }

  /** True when dropping the current player's stone in `column` wins at once. */
  isWinningMove(column: number): boolean {
    const row = this.heights[column]!;
    return !this.isTerminal() && row < ROWS && this.makesFour(row, column, this.currentPlayer + 1);
  }

  observation(): number[] {
    // (3 planes, 6 rows top-first, 7 columns) flattened: mine, theirs, colour.
    const size = ROWS * COLS;
    const obs = new Array<number>(3 * size).fill(0);
    const me = this.currentPlayer + 1;
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLS; c++) {
        const v = this.cells[r * COLS + c]!;
        const out = (ROWS - 1 - r) * COLS + c;
        if (v === me) obs[out] = 1;
        else if (v !== 0) obs[size + out] = 1;
        if (me === 1) obs[2 * size + out] = 1;
      }
    }
    return obs;
  }

  key(): string {
    return this.cells.join("");
  }

  /** The move history as a list of columns. */
  moves(): number[] {
    return this.history.slice();
  }

  actionToString(action: number): string {
    return `column ${action}`;
  }

  toString(): string {
    const marks = [".", "x", "o"];
    const lines: string[] = [];
    for (let r = ROWS - 1; r >= 0; r--) lines.push(Array.from(this.cells.subarray(r * COLS, (r + 1) * COLS), (v) => marks[v]).join(""));
    lines.push("0123456");
    return lines.join("\n");
  }

  /** A game after the given 0-based columns were played in order. */
  static fromMoves(moves: readonly number[]): ConnectFour {
    const game = new ConnectFour();
    for (const c of moves) game.play(c);
    return game;
  }

  /**
   * A game from a string of 1-based column digits, the notation of Pascal Pons' solver and
   * benchmark sets (http://blog.gamesolver.org/solving-connect-four/02-test-protocol/): "4453" = columns 3, 3, 4, 2.
   */
  static fromMoveString(moves: string): ConnectFour {
    if (!/^[1-7]*$/.test(moves)) throw new Error(`ConnectFour.fromMoveString: expected digits 1-7, got "${moves}"`);
    return ConnectFour.fromMoves(Array.from(moves, (d) => Number(d) - 1));
  }

  /** Whether the stone just placed at (row, col) completes four in a line. */
  private makesFour(row: number, col: number, stone: number): boolean {
    // Directions: horizontal, vertical, two diagonals; count the run through (row, col) both ways.
    const dirs: readonly (readonly [number, number])[] = [[0, 1], [1, 0], [1, 1], [1, -1]];
    for (const [dr, dc] of dirs) {
      let run = 1;
      for (const sign of [1, -1]) {
        let r = row + sign * dr;
        let c = col + sign * dc;
        while (r >= 0 && r < ROWS && c >= 0 && c < COLS && this.cells[r * COLS + c] === stone) {
          run++;
          r += sign * dr;
          c += sign * dc;
        }
      }
      if (run >= 4) return true;
    }
    return false;
  }
}

/** Center-first column order, the usual move ordering for Connect Four search. */
export function connectFourCenterFirst(_game: PerfectInformationGame, actions: number[]): number[] {
  const rank = (c: number): number => Math.abs(c - 3);
  return actions.slice().sort((a, b) => rank(a) - rank(b) || a - b);
}

/**
 * A static evaluation for depth-limited search, from the point of view of the player to move, in
 * (−0.5, 0.5): each of the 69 four-cell windows that holds stones of only one player counts
 * 1, 4 or 16 for 1, 2 or 3 such stones, positive for the mover, negative for the opponent; the
 * sum is squashed by 0.5·tanh(sum / 64) so it stays below any proven win (±1).
 */
export function connectFourHeuristic(game: ConnectFour): number {
  const weights = [0, 1, 4, 16, 0];
  const me = game.currentPlayer;
  let score = 0;
  const dirs: readonly (readonly [number, number])[] = [[0, 1], [1, 0], [1, 1], [1, -1]];
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      for (const [dr, dc] of dirs) {
        const endR = r + 3 * dr;
        const endC = c + 3 * dc;
        if (endR < 0 || endR >= ROWS || endC < 0 || endC >= COLS) continue;
        let mine = 0;
        let theirs = 0;
        for (let k = 0; k < 4; k++) {
          const owner = game.cell(r + k * dr, c + k * dc);
          if (owner === me) mine++;
          else if (owner >= 0) theirs++;
        }
        if (theirs === 0) score += weights[mine]!;
        else if (mine === 0) score -= weights[theirs]!;
      }
    }
  }
  return 0.5 * Math.tanh(score / 64);
}
