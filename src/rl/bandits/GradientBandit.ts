// The gradient bandit algorithm: softmax over learned preferences (Sutton & Barto Section 2.8).

import type { Generator } from "../../random/Generator.js";
import type { BanditAgent, BanditAgentFactory } from "./BanditAgent.js";

/** Options of {@link GradientBandit}: the step size α and whether to use the average reward as a baseline. */
export interface GradientBanditOptions {
  /** Step size α (default 0.1). */
  alpha?: number;
  /** Subtract the average reward R̄ as a baseline (default true; Figure 2.5 compares both). */
  baseline?: boolean;
}

/**
 * Gradient bandit, http://incompleteideas.net/book/RLbook2020.pdf#page=59 :
 *
 *   π(a) = exp(H(a)) / Σ_b exp(H(b)),  A ~ π,
 *   H(a) ← H(a) + α (R − R̄) (1[a = A] − π(a)),
 *
 * with R̄ the average of all rewards so far (including R) or 0 without a baseline — stochastic
 * gradient ascent on the expected reward. `values` are the preferences H.
 */
export class GradientBandit implements BanditAgent {
  readonly values: number[];
  /** The current action probabilities π. */
  readonly probs: number[];
  private readonly alpha: number;
  private readonly baseline: boolean;
  private averageReward = 0;
  private steps = 0;

  constructor(
    readonly k: number,
    private readonly rng: Generator,
    options: GradientBanditOptions = {},
  ) {
    this.alpha = options.alpha ?? 0.1;
    this.baseline = options.baseline ?? true;
    if (!(this.alpha > 0)) throw new Error(`GradientBandit: alpha must be positive, got ${this.alpha}`);
    this.values = new Array<number>(k).fill(0);
    this.probs = new Array<number>(k).fill(1 / k);
  }

  static factory(options: GradientBanditOptions = {}): BanditAgentFactory {
    return (k, rng) => new GradientBandit(k, rng, options);
  }

  select(): number {
    return this.rng.categorical(this.probs);
  }

  update(action: number, reward: number): void {
    this.steps++;
    if (this.baseline) this.averageReward += (reward - this.averageReward) / this.steps;
    const advantage = reward - (this.baseline ? this.averageReward : 0);
    for (let a = 0; a < this.k; a++) {
      this.values[a]! += this.alpha * advantage * ((a === action ? 1 : 0) - this.probs[a]!);
    }
    // Refresh π = softmax(H), max subtracted for stability.
    const max = Math.max(...this.values);
    let total = 0;
    for (let a = 0; a < this.k; a++) total += this.probs[a] = Math.exp(this.values[a]! - max);
    for (let a = 0; a < this.k; a++) this.probs[a]! /= total;
  }
}
