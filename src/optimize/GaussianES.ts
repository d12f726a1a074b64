// A simple Gaussian evolution strategy: (μ/μ, λ) selection with self-adapted step size.

import { Generator } from "../random/Generator.js";
import { checkFitness, type AskTellOptimizer } from "./askTell.js";

export interface GaussianESOptions {
  /** Initial step size σ₀. */
  sigma0: number;
  /** λ offspring per generation. Default 4 + ⌊3 ln n⌋. */
  popsize?: number;
  /** μ parents. Default ⌊λ/2⌋. */
  parents?: number;
  /** Learning rate τ of log σ. Default 1/√(2n). Set 0 for a fixed σ. */
  tau?: number;
  seed?: number;
}

/**
 * (μ/μ_I, λ)-σSA-ES (H.-G. Beyer & H.-P. Schwefel, "Evolution strategies — A comprehensive
 * introduction", Natural Computing 1, 2002, §4): offspring k draws its own step size
 * σ_k = σ·exp(τ N(0,1)) and its point x_k = m + σ_k z_k, z_k ~ N(0, I); the new mean and σ are the
 * arithmetic mean of the μ best points and the geometric mean of their step sizes.
 */
export class GaussianES implements AskTellOptimizer {
  mean: Float64Array;
  sigma: number;
  best: { x: Float64Array; f: number };
  evaluations = 0;
  generation = 0;
  readonly lambda: number;
  readonly mu: number;
  private readonly tau: number;
  private readonly gen: Generator;
  private pending: { x: Float64Array[]; sigmas: number[] } | null = null;

  constructor(x0: ArrayLike<number>, opts: GaussianESOptions) {
    const n = x0.length;
    if (!(opts.sigma0 > 0)) throw new Error(`GaussianES: sigma0 must be > 0, got ${opts.sigma0}`);
    this.mean = Float64Array.from(x0);
    this.sigma = opts.sigma0;
    this.lambda = opts.popsize ?? 4 + Math.floor(3 * Math.log(n));
    this.mu = opts.parents ?? Math.floor(this.lambda / 2);
    if (!(this.mu >= 1 && this.mu <= this.lambda)) throw new Error(`GaussianES: need 1 ≤ parents ≤ popsize, got ${this.mu} and ${this.lambda}`);
    this.tau = opts.tau ?? 1 / Math.sqrt(2 * n);
    this.gen = new Generator(opts.seed ?? 0);
    this.best = { x: Float64Array.from(x0), f: Infinity };
  }

  ask(): Float64Array[] {
    const x: Float64Array[] = [], sigmas: number[] = [];
    for (let k = 0; k < this.lambda; k++) {
      const s = this.sigma * Math.exp(this.tau * this.gen.normal());
      sigmas.push(s);
      x.push(this.mean.map((m) => m + s * this.gen.normal()));
    }
    this.pending = { x, sigmas };
    return x.map((v) => Float64Array.from(v));
  }

  tell(fitness: ArrayLike<number>): void {
    if (!this.pending) throw new Error("GaussianES.tell: call ask() first");
    checkFitness("GaussianES", this.lambda, fitness);
    const { x, sigmas } = this.pending;
    this.pending = null;
    this.evaluations += this.lambda;
    this.generation++;
    const order = Array.from({ length: this.lambda }, (_, i) => i).sort((a, b) => fitness[a]! - fitness[b]!);
    if (fitness[order[0]!]! < this.best.f) this.best = { x: Float64Array.from(x[order[0]!]!), f: fitness[order[0]!]! };
    const parents = order.slice(0, this.mu);
    const n = this.mean.length;
    const m = new Float64Array(n);
    let logSigma = 0;
    for (const p of parents) {
      for (let i = 0; i < n; i++) m[i] = m[i]! + x[p]![i]! / this.mu;
      logSigma += Math.log(sigmas[p]!) / this.mu;
    }
    this.mean = m;
    this.sigma = Math.exp(logSigma);
  }

  stop(): string | null {
    return this.sigma < 1e-12 ? "tolx" : null;
  }
}
