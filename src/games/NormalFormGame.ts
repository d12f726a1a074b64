// Two-player normal-form (bimatrix) games and a catalogue of the classic ones.

/** A mixed strategy: probabilities over a player's actions, summing to 1. */
export type MixedStrategy = number[];

/**
 * A two-player game in normal form: the row player picks a row `i`, the column player a column `j`,
 * and they receive `A[i][j]` and `B[i][j]`. A zero-sum game has `B = -A`.
 *
 * ```ts
 * const g = new NormalFormGame([[3, 0], [5, 1]], [[3, 5], [0, 1]], { name: "prisoner's dilemma" });
 * g.payoffs([0, 1], [0, 1]); // [1, 1]: defect–defect
 * ```
 */
export class NormalFormGame {
  /** Row player's payoffs, (m, n). */
  readonly A: number[][];
  /** Column player's payoffs, (m, n). */
  readonly B: number[][];
  readonly rowActions: string[];
  readonly columnActions: string[];
  readonly name: string;

  constructor(
    A: number[][],
    B: number[][],
    options: { rowActions?: string[]; columnActions?: string[]; name?: string } = {},
  ) {
    checkPayoffMatrix("NormalFormGame", "A", A);
    checkPayoffMatrix("NormalFormGame", "B", B);
    const m = A.length;
    const n = A[0]!.length;
    if (B.length !== m || B[0]!.length !== n) {
      throw new Error(`NormalFormGame: payoff matrices must have the same shape, got A [${m},${n}] and B [${B.length},${B[0]!.length}]`);
    }
    this.A = A.map((row) => row.slice());
    this.B = B.map((row) => row.slice());
    this.rowActions = options.rowActions ?? Array.from({ length: m }, (_, i) => `r${i}`);
    this.columnActions = options.columnActions ?? Array.from({ length: n }, (_, j) => `c${j}`);
    if (this.rowActions.length !== m || this.columnActions.length !== n) {
      throw new Error(
        `NormalFormGame: got ${this.rowActions.length} row and ${this.columnActions.length} column action names for a [${m},${n}] game`,
      );
    }
    this.name = options.name ?? "custom";
  }

  /** A zero-sum game from the row player's payoffs (the column player gets `-A`). */
  static zeroSum(A: number[][], options: { rowActions?: string[]; columnActions?: string[]; name?: string } = {}): NormalFormGame {
    checkPayoffMatrix("NormalFormGame.zeroSum", "A", A);
    return new NormalFormGame(A, A.map((row) => row.map((a) => (a === 0 ? 0 : -a))), options);
  }

  get numRows(): number {
    return this.A.length;
  }

  get numColumns(): number {
    return this.A[0]!.length;
  }

  /** True when `A + B = 0` everywhere (up to `tol`). */
  isZeroSum(tol = 1e-12): boolean {
    return this.A.every((row, i) => row.every((a, j) => Math.abs(a + this.B[i]![j]!) <= tol));
  }

  /** Expected payoffs `[xᵀA y, xᵀB y]` of the mixed profile (x, y). */
  payoffs(row: MixedStrategy, column: MixedStrategy): [number, number] {
    checkStrategy("NormalFormGame.payoffs", "row", row, this.numRows);
    checkStrategy("NormalFormGame.payoffs", "column", column, this.numColumns);
    return [bilinear(row, this.A, column), bilinear(row, this.B, column)];
  }
}

/** xᵀ M y. */
export function bilinear(x: number[], M: number[][], y: number[]): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    let rowSum = 0;
    for (let j = 0; j < y.length; j++) rowSum += M[i]![j]! * y[j]!;
    total += x[i]! * rowSum;
  }
  return total;
}

/** Throws unless `M` is a non-empty rectangular matrix of finite numbers. */
export function checkPayoffMatrix(op: string, name: string, M: number[][]): void {
  if (!Array.isArray(M) || M.length === 0 || !Array.isArray(M[0]) || M[0].length === 0) {
    throw new Error(`${op}: payoff matrix ${name} must be a non-empty 2-D array`);
  }
  const n = M[0].length;
  M.forEach((row, i) => {
    if (row.length !== n) throw new Error(`${op}: payoff matrix ${name} is ragged: row ${i} has ${row.length} entries, row 0 has ${n}`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new Error(`${op}: payoff matrix ${name}[${i}][${j}] is ${v}, expected a finite number`);
    });
  });
}

/** Throws unless `p` is a probability vector of length `n` (sums to 1 within 1e-9). */
export function checkStrategy(op: string, who: string, p: number[], n: number): void {
  if (p.length !== n) throw new Error(`${op}: ${who} strategy has ${p.length} entries, the game has ${n} actions`);
  let total = 0;
  for (const v of p) {
    if (!(v >= -1e-12)) throw new Error(`${op}: ${who} strategy has a negative or NaN entry ${v}`);
    total += v;
  }
  if (Math.abs(total - 1) > 1e-9) throw new Error(`${op}: ${who} strategy sums to ${total}, expected 1`);
}

// ---------------------------------------------------------------------------------------------
// Catalogue. Payoffs follow the usual textbook conventions (Osborne, "An Introduction to Game
// Theory", 2004, ch. 2 and 4); action 0 is listed first in each name list.

/** Rock-paper-scissors: win 1, lose -1, tie 0. Unique equilibrium: both uniform, value 0. */
export function rockPaperScissors(): NormalFormGame {
  const actions = ["rock", "paper", "scissors"];
  return NormalFormGame.zeroSum(
    [
      [0, -1, 1],
      [1, 0, -1],
      [-1, 1, 0],
    ],
    { rowActions: actions, columnActions: actions, name: "rock-paper-scissors" },
  );
}

/** Matching pennies: the row player wins 1 when the coins match. Unique equilibrium: both 1/2. */
export function matchingPennies(): NormalFormGame {
  const actions = ["heads", "tails"];
  return NormalFormGame.zeroSum(
    [
      [1, -1],
      [-1, 1],
    ],
    { rowActions: actions, columnActions: actions, name: "matching pennies" },
  );
}

/**
 * Battle of the sexes (Bach or Stravinsky, Osborne 2004 §2.7.2): both prefer to meet; the row player
 * prefers Bach (2 vs 1), the column player Stravinsky.
 */
export function battleOfTheSexes(): NormalFormGame {
  const actions = ["bach", "stravinsky"];
  return new NormalFormGame(
    [
      [2, 0],
      [0, 1],
    ],
    [
      [1, 0],
      [0, 2],
    ],
    { rowActions: actions, columnActions: actions, name: "battle of the sexes" },
  );
}

/**
 * Prisoner's dilemma with Axelrod's payoffs (R=3, S=0, T=5, P=1; "The Evolution of Cooperation",
 * 1984): defecting strictly dominates, so defect–defect is the unique equilibrium.
 */
export function prisonersDilemma(): NormalFormGame {
  const actions = ["cooperate", "defect"];
  return new NormalFormGame(
    [
      [3, 0],
      [5, 1],
    ],
    [
      [3, 5],
      [0, 1],
    ],
    { rowActions: actions, columnActions: actions, name: "prisoner's dilemma" },
  );
}

/**
 * Stag hunt (Skyrms 2004): hunting stag together pays 4, hunting hare pays 3 whatever the other does,
 * hunting stag alone pays 0.
 */
export function stagHunt(): NormalFormGame {
  const actions = ["stag", "hare"];
  const A = [
    [4, 0],
    [3, 3],
  ];
  return new NormalFormGame(A, [
    [4, 3],
    [0, 3],
  ], { rowActions: actions, columnActions: actions, name: "stag hunt" });
}
