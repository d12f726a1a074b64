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
  seed?: number;
}

/**
 * The cross-entropy method for optimization (R. Rubinstein, "The cross-entropy method for combinatorial
 * and continuous optimization", Methodology and Computing in Applied Probability 1, 1999;
 * de Boer, Kroese, Mannor & Rubinstein, "A tutorial on the cross-entropy method", Ann. Oper. Res. 134, 2005):
 * sample from N(μ, diag σ²), keep the ⌈ρλ⌉ best, set μ, σ to the elite's mean and standard deviation
 * (smoothed). Its σ tends to shrink quickly — a noise floor keeps it searching.
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
    this.best = { x: Float64Array.from(x0), f: Infinity };
  }

  ask(): Float64Array[] {
    const pop = Array.from({ length: this.lambda }, () => this.mean.map((m, i) => m + this.sigma[i]! * this.gen.normal()));
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
