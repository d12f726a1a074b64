// ε-greedy action-value methods: sample averages or a constant step size, with optional optimistic initial values.

import type { Generator } from "../../random/Generator.js";
import { argmaxTiesRandom, type BanditAgent, type BanditAgentFactory } from "./BanditAgent.js";

/**
 * Options of {@link EpsilonGreedy}: the exploration probability ε, an optional constant step size and the
 * initial estimates.
 */
export interface EpsilonGreedyOptions {
  /** Probability of a uniformly random arm (default 0.1; 0 is greedy). */
  epsilon?: number;
  /** Constant step size α (Section 2.5, for nonstationary problems); default: sample averages 1/N(a). */
  alpha?: number;
  /** Initial estimate Q_1(a) (default 0; Section 2.6's optimistic initial values use +5). */
  initialValue?: number;
}

/**
 * The simple bandit algorithm, Sutton & Barto (2nd ed., 2018), Section 2.4
 * (http://incompleteideas.net/book/RLbook2020.pdf#page=54):
 *
 *   A = argmax_a Q(a) with probability 1 − ε (ties at random), else a random arm;
 *   N(A) ← N(A) + 1;  Q(A) ← Q(A) + α_N [R − Q(A)],  α_N = 1/N(A) or a constant α.
 */
export class EpsilonGreedy implements BanditAgent {
  readonly values: number[];
  /** Times each arm was pulled. */
  readonly counts: number[];
  private readonly epsilon: number;
  private readonly alpha: number | undefined;

  constructor(
    readonly k: number,
    private readonly rng: Generator,
    options: EpsilonGreedyOptions = {},
  ) {
    this.epsilon = options.epsilon ?? 0.1;
    this.alpha = options.alpha;
    if (!(this.epsilon >= 0 && this.epsilon <= 1)) throw new Error(`EpsilonGreedy: epsilon must lie in [0, 1], got ${this.epsilon}`);
    if (this.alpha !== undefined && !(this.alpha > 0 && this.alpha <= 1)) throw new Error(`EpsilonGreedy: alpha must lie in (0, 1], got ${this.alpha}`);
    this.values = new Array<number>(k).fill(options.initialValue ?? 0);
    this.counts = new Array<number>(k).fill(0);
  }

  static factory(options: EpsilonGreedyOptions = {}): BanditAgentFactory {
    return (k, rng) => new EpsilonGreedy(k, rng, options);
  }

  select(): number {
    if (this.epsilon > 0 && this.rng.random() < this.epsilon) return this.rng.randint(0, this.k);
    return argmaxTiesRandom(this.values, this.rng);
  }

  update(action: number, reward: number): void {
    this.counts[action]!++;
    const stepSize = this.alpha ?? 1 / this.counts[action]!;
    this.values[action]! += stepSize * (reward - this.values[action]!);
  }
}
