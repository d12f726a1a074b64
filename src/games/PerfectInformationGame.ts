// The interface shared by two-player, turn-based, perfect-information board games (search, MCTS, AlphaZero).

/**
 * A mutable game position with move history. Actions are integers in [0, numDistinctActions); a board
 * game keeps one object and calls `play`/`undo` during search, or `clone()`s it for tree search.
 *
 * Conventions (as in OpenSpiel): players are 0 (moves first) and 1; `returns()` gives each player's
 * final reward (+1 win, −1 loss, 0 draw) and zeros before the end; `currentPlayer` stays defined at a
 * terminal position (the player who would move next), so a negamax search can read
 * `returns()[currentPlayer]`.
 */
export interface PerfectInformationGame {
  readonly name: string;
  readonly numPlayers: 2;
  /** Size of the action space; masks and policy vectors have this length. */
  readonly numDistinctActions: number;
  /** Shape [planes, height, width] of `observation()`. */
  readonly observationShape: readonly [number, number, number];
  /** The player to move (0 or 1). */
  readonly currentPlayer: number;
  /** Number of moves played so far. */
  readonly moveCount: number;
  /** Legal actions in increasing order; empty at a terminal position. */
  legalActions(): number[];
  /** 1 for each legal action, 0 otherwise; length numDistinctActions. */
  legalActionsMask(): number[];
  /** Plays `action` for the current player; throws on an illegal action or a finished game. */
  play(action: number): void;
  /** Takes back the last move; throws when no move has been played. */
  undo(): void;
  isTerminal(): boolean;
  /** Final reward of each player, [r0, r1]; [0, 0] while the game is running. */
  returns(): [number, number];
  /** An independent copy, history included. */
  clone(): PerfectInformationGame;
  /**
   * Planes from the point of view of the player to move, flattened row-major with shape
   * `observationShape`: plane 0 = that player's stones, plane 1 = the opponent's, plane 2 = all ones
   * when player 0 is to move (so a network can tell who moves first).
   */
  observation(): number[];
  /** A string that identifies the position (for transposition tables); equal positions give equal keys. */
  key(): string;
  /** Human-readable name of an action, e.g. "b2" or "column 4". */
  actionToString(action: number): string;
  /** Board as text, top row first. */
  toString(): string;
}
