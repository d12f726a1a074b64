// Cross-entropy method: refit a diagonal Gaussian to the elite fraction of each population.

import { Generator } from "../random/Generator.js";
import { checkFitness, type AskTellOptimizer } from "./askTell.js";

export interface CrossEntropyOptions {
  /** Initial per-coordinate standard deviation. */
  sigma0: number | ArrayLike<number>;
  /** Population size. Default 4 + ⌊3 ln n⌋ rounded up to at least 10. */
  popsize?: number;
  /** Fraction ρ of the population kept as elite. Default 0.2. */
  eliteFraction?: number;
  /** Smoothing α: θ ← α θ_elite + (1 − α) θ. Default 0.7. */
  smoothing?: number;
  /** Extra variance added after each refit, decaying as `noise`/(1 + t) (Szita & Lőrincz 2006) against premature collapse. Default 0. */
  extraNoise?: number;
  /** Lower bound of the search box (one value or one per coordinate): samples are clipped into it. Default −∞. */
  lower?: number | ArrayLike<number>;
  /** Upper bound of the search box (one value or one per coordinate): samples are clipped into it. Default +∞. */
  upper?: number | ArrayLike<number>;
  seed?: number;
}

function boundVector(name: string, value: number | ArrayLike<number> | undefined, fallback: number, n: number): Float64Array {
  if (value === undefined) return new Float64Array(n).fill(fallback);
  const v = typeof value === "number" ? new Float64Array(n).fill(value) : Float64Array.from(value);
  if (v.length !== n || v.some((b) => Number.isNaN(b))) {
    throw new Error(`CrossEntropyMethod: ${name} must be a number or ${n} numbers (one per coordinate), got ${typeof value === "number" ? value : `${v.length} values`}`);
  }
  return v;
}

/**
 * The cross-entropy method for optimization (R. Rubinstein, "The cross-entropy method for combinatorial
 * and continuous optimization", Methodology and Computing in Applied Probability 1, 1999;
 * de Boer, Kroese, Mannor & Rubinstein, "A tutorial on the cross-entropy method", Ann. Oper. Res. 134, 2005):
 * sample from N(μ, diag σ²), keep the ⌈ρλ⌉ best, set μ, σ to the elite's mean and standard deviation
 * (smoothed). Its σ tends to shrink quickly — a noise floor keeps it searching. With `lower`/`upper`, every
 * sample is clipped into the box, so the mean and σ stay inside it (how CEM plans bounded actions in
 * model-predictive control: Chua et al. 2018, "Deep Reinforcement Learning in a Handful of Trials",
 * https://arxiv.org/abs/1805.12114 ).
 */
export class CrossEntropyMethod implements AskTellOptimizer {
  mean: Float64Array;
  sigma: Float64Array;
  best: { x: Float64Array; f: number };
  evaluations = 0;
  generation = 0;
  readonly lambda: number;
  private readonly nElite: number;
  private readonly smoothing: number;
  private readonly extraNoise: number;
  private readonly gen: Generator;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private pending: Float64Array[] | null = null;

  constructor(x0: ArrayLike<number>, opts: CrossEntropyOptions) {
    const n = x0.length;
    this.mean = Float64Array.from(x0);
    this.sigma = typeof opts.sigma0 === "number" ? new Float64Array(n).fill(opts.sigma0) : Float64Array.from(opts.sigma0);
    if (this.sigma.length !== n || this.sigma.some((s) => !(s > 0))) {
      throw new Error(`CrossEntropyMethod: sigma0 must be positive (one value or ${n})`);
    }
    this.lambda = opts.popsize ?? Math.max(10, 4 + Math.floor(3 * Math.log(n)));
    const rho = opts.eliteFraction ?? 0.2;
    if (!(rho > 0 && rho <= 1)) throw new Error(`CrossEntropyMethod: eliteFraction must be in (0, 1], got ${rho}`);
    this.nElite = Math.max(2, Math.ceil(rho * this.lambda));
    this.smoothing = opts.smoothing ?? 0.7;
    this.extraNoise = opts.extraNoise ?? 0;
    this.gen = new Generator(opts.seed ?? 0);
    this.lower = boundVector("lower", opts.lower, -Infinity, n);
    this.upper = boundVector("upper", opts.upper, Infinity, n);
    for (let i = 0; i < n; i++) {
      if (!(this.lower[i]! < this.upper[i]!)) throw new Error(`CrossEntropyMethod: lower[${i}] = ${this.lower[i]} must be below upper[${i}] = ${this.upper[i]}`);
    }
    this.best = { x: Float64Array.from(x0), f: Infinity };
  }

  ask(): Float64Array[] {
    const pop = Array.from({ length: this.lambda }, () =>
      this.mean.map((m, i) => Math.min(Math.max(m + this.sigma[i]! * this.gen.normal(), this.lower[i]!), this.upper[i]!)));
    this.pending = pop;
    return pop.map((x) => Float64Array.from(x));
  }

  tell(fitness: ArrayLike<number>): void {
    if (!this.pending) throw new Error("CrossEntropyMethod.tell: call ask() first");
    checkFitness("CrossEntropyMethod", this.lambda, fitness);
    const pop = this.pending;
    this.pending = null;
    this.evaluations += this.lambda;
    this.generation++;
    const order = Array.from({ length: this.lambda }, (_, i) => i).sort((a, b) => fitness[a]! - fitness[b]!);
    if (fitness[order[0]!]! < this.best.f) this.best = { x: Float64Array.from(pop[order[0]!]!), f: fitness[order[0]!]! };
    const elite = order.slice(0, this.nElite).map((i) => pop[i]!);
    const n = this.mean.length;
    const a = this.smoothing;
    const noise = this.extraNoise / (1 + this.generation);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (const x of elite) m += x[i]!;
      m /= elite.length;
      let v = 0;
      for (const x of elite) v += (x[i]! - m) ** 2;
      v /= elite.length;
      this.mean[i] = a * m + (1 - a) * this.mean[i]!;
      this.sigma[i] = a * Math.sqrt(v + noise) + (1 - a) * this.sigma[i]!;
    }
  }

  stop(): string | null {
    return this.sigma.every((s) => s < 1e-12) ? "tolx" : null;
  }
}
