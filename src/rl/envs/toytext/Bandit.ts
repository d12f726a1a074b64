// Bandit-v0: the k-armed Gaussian testbed of Sutton & Barto Section 2.3 as a one-state environment.

import type { Env, Info, ResetOptions, StepResult } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Discrete } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";

/**
 * Options of the k-armed bandit testbed (Sutton & Barto, §2.3): the number of arms, the distribution of the
 * true action values, the reward noise and the nonstationary random-walk variant.
 */
export interface BanditOptions {
  /** Number of arms k (default 10). */
  k?: number;
  /** Mean of the true action values q*(a) drawn at reset (default 0; Figure 2.5 uses +4). */
  qMean?: number;
  /** Standard deviation of q*(a) at reset (default 1). */
  qStd?: number;
  /** Standard deviation of the reward around q*(a) (default 1). */
  rewardStd?: number;
  /**
   * Exercise 2.5's nonstationary testbed: all q*(a) start equal (at qMean) and each takes an
   * independent N(0, walkStd²) step after every pull. Default false.
   */
  nonstationary?: boolean;
  /** Random-walk step size of the nonstationary testbed (default 0.01). */
  walkStd?: number;
}

/**
 * Sutton & Barto (2nd ed., 2018), Section 2.3, "The 10-armed Testbed"
 * (http://incompleteideas.net/book/RLbook2020.pdf#page=50):
 *
 * - reset draws a new problem: q*(a) ~ N(qMean, qStd²) for each of the k arms (seeded by `seed`);
 * - step(a) returns reward ~ N(q*(a), rewardStd²). The observation is always 0 (one state) and the
 *   episode never terminates; `make("Bandit-v0")` truncates at 1000 pulls, the book's run length.
 * - Infos: `optimal` (whether `a` was an optimal arm at the time of the pull) and `optimalAction`.
 */
export class Bandit implements Env<number, number> {
  readonly id: string = "Bandit-v0";
  readonly k: number;
  readonly observationSpace = new Discrete(1);
  readonly actionSpace: Discrete;
  /** The true action values q*(a) of the current problem. */
  qStar: number[] = [];
  private readonly options: Required<BanditOptions>;
  private rng = new Generator(0);
  private started = false;

  constructor(options: BanditOptions = {}) {
    this.options = { k: 10, qMean: 0, qStd: 1, rewardStd: 1, nonstationary: false, walkStd: 0.01, ...options };
    this.k = this.options.k;
    if (!Number.isInteger(this.k) || this.k < 1) throw new Error(`Bandit: k must be a positive integer, got ${this.k}`);
    this.actionSpace = new Discrete(this.k);
  }

  /** The arm with the highest q*(a) (the first, on ties). */
  optimalAction(): number {
    let best = 0;
    for (let a = 1; a < this.k; a++) if (this.qStar[a]! > this.qStar[best]!) best = a;
    return best;
  }

  reset(args?: ResetOptions): [number, Info] {
    const { seed } = resetArgs(args, this.id, []);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const { qMean, qStd, nonstationary } = this.options;
    this.qStar = Array.from({ length: this.k }, () => (nonstationary ? qMean : this.rng.normal(qMean, qStd)));
    this.started = true;
    return [0, { optimalAction: this.optimalAction() }];
  }

  step(action: number): StepResult<number> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (!this.started) throw new Error(`${this.id}.step(${action}): call reset() first`);
    const optimalAction = this.optimalAction();
    const optimal = this.qStar[action] === this.qStar[optimalAction];
    const reward = this.rng.normal(this.qStar[action]!, this.options.rewardStd);
    if (this.options.nonstationary) {
      for (let a = 0; a < this.k; a++) this.qStar[a]! += this.rng.normal(0, this.options.walkStd);
    }
    return [0, reward, false, false, { optimal, optimalAction }];
  }
}
