// CliffWalking-v0 (Sutton & Barto Example 6.6, as in Gymnasium's toy_text): walk along a cliff edge to the goal.

import type { TabularMDP, Transition } from "../../Env.js";
import { GRID_MOVES } from "./GridWorld5x5.js";
import { TabularEnv, uniformOver } from "./TabularEnv.js";

/**
 * Sutton & Barto (2nd ed., 2018), Example 6.6 (http://incompleteideas.net/book/RLbook2020.pdf#page=154),
 * following Gymnasium's `toy_text/cliffwalking.py` (https://gymnasium.farama.org/environments/toy_text/cliff_walking/).
 *
 * - States (Discrete(48)): cell (row, col) of the 4×12 grid, row 0 on top, is state `row·12 + col`.
 *   Start S = (3, 0) = 36, goal G = (3, 11) = 47, the cliff is (3, 1..10) = states 37..46.
 * - Actions (Discrete(4)): 0 up, 1 right, 2 down, 3 left; moves off the grid leave the state unchanged.
 * - Reward −1 per step. Stepping into the cliff gives −100 and sends the agent back to the start
 *   (the episode goes on). Entering G terminates (that step also gives −1).
 * - Reset always starts at S (unless `options.state` is given). G is absorbing in `P`.
 *   Gymnasium registers no time limit for CliffWalking-v0 and neither do we.
 */
export class CliffWalking extends TabularEnv {
  static readonly ROWS = 4;
  static readonly COLS = 12;
  static readonly START = 36;
  static readonly GOAL = 47;

  constructor() {
    super("CliffWalking-v0", cliffWalkingModel(), uniformOver(48, [CliffWalking.START]));
  }

  /** True for the cliff cells 37..46. */
  static isCliff(s: number): boolean {
    return s > CliffWalking.START && s < CliffWalking.GOAL;
  }
}

function cliffWalkingModel(): TabularMDP {
  const { ROWS, COLS, START, GOAL } = CliffWalking;
  const P: Transition[][][] = [];
  for (let s = 0; s < ROWS * COLS; s++) {
    const row: Transition[][] = [];
    for (let a = 0; a < 4; a++) {
      if (s === GOAL) {
        row.push([{ prob: 1, next: s, reward: 0, done: true }]);
        continue;
      }
      const r = Math.min(ROWS - 1, Math.max(0, Math.floor(s / COLS) + GRID_MOVES[a]![0]));
      const c = Math.min(COLS - 1, Math.max(0, (s % COLS) + GRID_MOVES[a]![1]));
      const next = r * COLS + c;
      if (CliffWalking.isCliff(next)) row.push([{ prob: 1, next: START, reward: -100, done: false }]);
      else row.push([{ prob: 1, next, reward: -1, done: next === GOAL }]);
    }
    P.push(row);
  }
  return { nS: ROWS * COLS, nA: 4, P };
}
