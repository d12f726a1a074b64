// Upper-confidence-bound action selection (Auer, Cesa-Bianchi & Fischer 2002; Sutton & Barto Section 2.7).

import type { Generator } from "../../random/Generator.js";
import { argmaxTiesRandom, type BanditAgent, type BanditAgentFactory } from "./BanditAgent.js";

/** Options of {@link UCB}: the exploration degree c and an optional constant step size. */
export interface UCBOptions {
  /** Exploration degree c (default 2, as in Figure 2.4). */
  c?: number;
  /** Constant step size; default sample averages. */
  alpha?: number;
}

/**
 * UCB, http://incompleteideas.net/book/RLbook2020.pdf#page=57 :
 *
 *   A_t = argmax_a [ Q_t(a) + c sqrt(ln t / N_t(a)) ],
 *
 * where an arm with N_t(a) = 0 counts as maximizing (so every arm is tried once first).
 */
export class UCB implements BanditAgent {
  readonly values: number[];
  readonly counts: number[];
  private t = 0;
  private readonly c: number;
  private readonly alpha: number | undefined;
  private readonly scores: number[];

  constructor(
    readonly k: number,
    private readonly rng: Generator,
    options: UCBOptions = {},
  ) {
    this.c = options.c ?? 2;
    this.alpha = options.alpha;
    if (!(this.c >= 0)) throw new Error(`UCB: c must be non-negative, got ${this.c}`);
    this.values = new Array<number>(k).fill(0);
    this.counts = new Array<number>(k).fill(0);
    this.scores = new Array<number>(k).fill(0);
  }

  static factory(options: UCBOptions = {}): BanditAgentFactory {
    return (k, rng) => new UCB(k, rng, options);
  }

  select(): number {
    this.t++;
    const logT = Math.log(this.t);
    for (let a = 0; a < this.k; a++) {
      const n = this.counts[a]!;
      this.scores[a] = n === 0 ? Infinity : this.values[a]! + this.c * Math.sqrt(logT / n);
    }
    return argmaxTiesRandom(this.scores, this.rng);
  }

  update(action: number, reward: number): void {
    this.counts[action]!++;
    const stepSize = this.alpha ?? 1 / this.counts[action]!;
    this.values[action]! += stepSize * (reward - this.values[action]!);
  }
}
