// The 4×4 gridworld of Sutton & Barto Example 4.1: reward −1 per step until one of two terminal corners.

import type { TabularMDP, Transition } from "../../Env.js";
import { GRID_MOVES } from "./GridWorld5x5.js";
import { TabularEnv, uniformOver } from "./TabularEnv.js";

/**
 * Sutton & Barto (2nd ed., 2018), Example 4.1 / Figure 4.1:
 * http://incompleteideas.net/book/RLbook2020.pdf#page=98
 *
 * - States (Discrete(16)): cell (row, col), row 0 on top, is state `row·4 + col`. The book's
 *   nonterminal states 1..14 are our states 1..14; its shaded terminal corners are states 0 and 15.
 * - Actions (Discrete(4)): 0 up, 1 right, 2 down, 3 left; an action that would leave the grid leaves
 *   the state unchanged.
 * - Reward −1 on every transition; entering state 0 or 15 terminates. The terminal states are
 *   absorbing in `P` (`{ prob: 1, next: s, reward: 0, done: true }`), so their value is 0.
 * - Reset starts uniformly among the 14 nonterminal states. `make("GridWorld4x4")` truncates at 100 steps.
 */
export class GridWorld4x4 extends TabularEnv {
  static readonly TERMINAL_STATES: readonly number[] = [0, 15];

  constructor() {
    const model = gridWorld4x4Model();
    super("GridWorld4x4", model, uniformOver(16, Array.from({ length: 14 }, (_, i) => i + 1)));
  }
}

function gridWorld4x4Model(): TabularMDP {
  const size = 4;
  const terminal = (s: number): boolean => s === 0 || s === size * size - 1;
  const P: Transition[][][] = [];
  for (let s = 0; s < size * size; s++) {
    const row: Transition[][] = [];
    for (let a = 0; a < 4; a++) {
      if (terminal(s)) {
        row.push([{ prob: 1, next: s, reward: 0, done: true }]);
        continue;
      }
      const r = Math.floor(s / size) + GRID_MOVES[a]![0];
      const c = (s % size) + GRID_MOVES[a]![1];
      const next = r < 0 || r >= size || c < 0 || c >= size ? s : r * size + c;
      row.push([{ prob: 1, next, reward: -1, done: terminal(next) }]);
    }
    P.push(row);
  }
  return { nS: size * size, nA: 4, P };
}
