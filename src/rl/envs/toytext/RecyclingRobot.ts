// The recycling robot of Sutton & Barto Example 3.3: search, wait or recharge with a high or low battery.

import type { TabularMDP } from "../../Env.js";
import { TabularEnv, uniformOver } from "./TabularEnv.js";

/**
 * Options of {@link RecyclingRobot} (Sutton & Barto, Example 3.3): the battery transition probabilities α and
 * β and the rewards of searching, waiting and being rescued.
 */
export interface RecyclingRobotOptions {
  /** P(battery stays high | high, search). Default 0.8. */
  alpha?: number;
  /** P(battery stays low | low, search). Default 0.6. */
  beta?: number;
  /** Expected cans collected while searching, r_search. Default 2. */
  rSearch?: number;
  /** Expected cans collected while waiting, r_wait (the book requires r_wait < r_search). Default 1. */
  rWait?: number;
  /** Reward when the battery runs flat and the robot must be rescued. Default −3. */
  rescue?: number;
}

/**
 * Sutton & Barto (2nd ed., 2018), Example 3.3 (http://incompleteideas.net/book/RLbook2020.pdf#page=74);
 * the book leaves α, β, r_search, r_wait symbolic, so the defaults here are only illustrative.
 *
 * - States (Discrete(2)): 0 high, 1 low (battery level).
 * - Actions (Discrete(3)): 0 search, 1 wait, 2 recharge.
 * - Dynamics (the book's transition table):
 *     high, search → high w.p. α, low w.p. 1−α, reward r_search
 *     low,  search → low w.p. β with r_search; high w.p. 1−β with the rescue reward (−3)
 *     high|low, wait → same state, reward r_wait
 *     low,  recharge → high, reward 0
 *   The book's A(high) has no recharge; here recharging when high is a no-op (stay high, reward 0),
 *   never better than waiting when r_wait ≥ 0, so it does not change the optimal policy.
 * - A continuing task; reset starts high. `make("RecyclingRobot")` truncates at 100 steps.
 */
export class RecyclingRobot extends TabularEnv {
  static readonly HIGH = 0;
  static readonly LOW = 1;
  static readonly SEARCH = 0;
  static readonly WAIT = 1;
  static readonly RECHARGE = 2;

  constructor(options: RecyclingRobotOptions = {}) {
    super("RecyclingRobot", recyclingRobotModel(options), uniformOver(2, [RecyclingRobot.HIGH]));
  }
}

function recyclingRobotModel(options: RecyclingRobotOptions): TabularMDP {
  const { alpha = 0.8, beta = 0.6, rSearch = 2, rWait = 1, rescue = -3 } = options;
  for (const [name, p] of [["alpha", alpha], ["beta", beta]] as const) {
    if (!(p >= 0 && p <= 1)) throw new Error(`RecyclingRobot: ${name} must be a probability in [0, 1], got ${p}`);
  }
  const HIGH = 0, LOW = 1;
  return {
    nS: 2,
    nA: 3,
    P: [
      [
        [
          { prob: alpha, next: HIGH, reward: rSearch, done: false },
          { prob: 1 - alpha, next: LOW, reward: rSearch, done: false },
        ],
        [{ prob: 1, next: HIGH, reward: rWait, done: false }],
        [{ prob: 1, next: HIGH, reward: 0, done: false }],
      ],
      [
        [
          { prob: beta, next: LOW, reward: rSearch, done: false },
          { prob: 1 - beta, next: HIGH, reward: rescue, done: false },
        ],
        [{ prob: 1, next: LOW, reward: rWait, done: false }],
        [{ prob: 1, next: HIGH, reward: 0, done: false }],
      ],
    ],
  };
}
