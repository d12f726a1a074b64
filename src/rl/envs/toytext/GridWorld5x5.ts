// The 5×5 gridworld of Sutton & Barto Example 3.5 (special states A → A' worth +10 and B → B' worth +5).

import type { TabularMDP, Transition } from "../../Env.js";
import { TabularEnv, uniformOver } from "./TabularEnv.js";

/** Grid actions shared by the book's grid worlds (and Gymnasium's CliffWalking): 0 up, 1 right, 2 down, 3 left. */
export const UP = 0, RIGHT = 1, DOWN = 2, LEFT = 3;
/** Row/column change of each action, indexed by action. */
export const GRID_MOVES: readonly (readonly [number, number])[] = [[-1, 0], [0, 1], [1, 0], [0, -1]];
/** Arrow glyph of each action (for plots). */
export const GRID_ARROWS = ["↑", "→", "↓", "←"] as const;

/**
 * Sutton & Barto (2nd ed., 2018), Example 3.5 / Figure 3.2:
 * http://incompleteideas.net/book/RLbook2020.pdf#page=82
 *
 * - States (Discrete(25)): cell (row, col), row 0 on top, is state `row·5 + col`.
 *   A is (0,1) = state 1, A' is (4,1) = 21, B is (0,3) = 3, B' is (2,3) = 13.
 * - Actions (Discrete(4)): 0 up, 1 right, 2 down, 3 left.
 * - Every action in A gives +10 and moves to A'; every action in B gives +5 and moves to B'.
 *   An action that would leave the grid gives −1 and leaves the state unchanged; all others give 0.
 * - A continuing task (never terminates); reset starts uniformly at random (the book names no start).
 *   `make("GridWorld5x5")` truncates episodes at 100 steps.
 */
export class GridWorld5x5 extends TabularEnv {
  static readonly A = 1;
  static readonly A_PRIME = 21;
  static readonly B = 3;
  static readonly B_PRIME = 13;

  constructor() {
    const model = gridWorld5x5Model();
    super("GridWorld5x5", model, uniformOver(model.nS, Array.from({ length: model.nS }, (_, s) => s)));
  }
}

function gridWorld5x5Model(): TabularMDP {
  const size = 5;
  const P: Transition[][][] = [];
  for (let s = 0; s < size * size; s++) {
    const row: Transition[][] = [];
    for (let a = 0; a < 4; a++) {
      if (s === GridWorld5x5.A) row.push([{ prob: 1, next: GridWorld5x5.A_PRIME, reward: 10, done: false }]);
      else if (s === GridWorld5x5.B) row.push([{ prob: 1, next: GridWorld5x5.B_PRIME, reward: 5, done: false }]);
      else {
        const r = Math.floor(s / size) + GRID_MOVES[a]![0];
        const c = (s % size) + GRID_MOVES[a]![1];
        const offGrid = r < 0 || r >= size || c < 0 || c >= size;
        row.push([{ prob: 1, next: offGrid ? s : r * size + c, reward: offGrid ? -1 : 0, done: false }]);
      }
    }
    P.push(row);
  }
  return { nS: size * size, nA: 4, P };
}
