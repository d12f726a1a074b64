// Separable natural evolution strategy (SNES) with rank-based fitness shaping and antithetic sampling.

import { Generator } from "../random/Generator.js";
import { checkFitness, type AskTellOptimizer } from "./askTell.js";

export interface NaturalESOptions {
  /** Initial per-coordinate standard deviation (a number or one per coordinate). */
  sigma0: number | ArrayLike<number>;
  /** Population size λ, rounded up to even for antithetic pairs. Default 4 + ⌊3 ln n⌋ (made even). */
  popsize?: number;
  /** Learning rate of the mean. Default 1. */
  lrMean?: number;
  /** Learning rate of log σ. Default (3 + ln n)/(5√n) (Schaul et al. 2011). Set 0 to keep σ fixed. */
  lrSigma?: number;
  /** Sample ε and −ε in pairs (mirrored sampling). Default true. */
  antithetic?: boolean;
  seed?: number;
}

/**
 * Rank-based fitness shaping (Wierstra et al., "Natural Evolution Strategies", JMLR 15, 2014, §3.1):
 * the k-th best of λ gets uₖ = max(0, ln(λ/2 + 1) − ln k) / Σⱼ max(0, ln(λ/2 + 1) − ln j) − 1/λ,
 * so utilities sum to 0 and are invariant to monotone transformations of f.
 */
export function fitnessShaping(lambda: number): Float64Array {
  const raw = Float64Array.from({ length: lambda }, (_, k) => Math.max(0, Math.log(lambda / 2 + 1) - Math.log(k + 1)));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total - 1 / lambda);
}

/**
 * SNES: search distribution N(μ, diag(σ²)); with sᵢ the standard-normal samples sorted by fitness and
 * uᵢ their utilities, the natural gradient steps are (Schaul, Glasmachers & Schmidhuber, "High
 * dimensions and heavy tails for natural evolution strategies", GECCO 2011; Wierstra et al. 2014, Alg. 6):
 *   ∇_μ = Σ uᵢ sᵢ,  ∇_σ = Σ uᵢ (sᵢ² − 1),
 *   μ ← μ + η_μ σ ⊙ ∇_μ,  σ ← σ ⊙ exp(η_σ/2 · ∇_σ).
 * With antithetic sampling (sᵢ, −sᵢ) the mean-gradient estimate has lower variance (Brockhoff et al.,
 * "Mirrored sampling and sequential selection for evolution strategies", PPSN 2010).
 */
export class NaturalES implements AskTellOptimizer {
  mean: Float64Array;
  sigma: Float64Array;
  best: { x: Float64Array; f: number };
  evaluations = 0;
  generation = 0;
  readonly lambda: number;
  private readonly lrMean: number;
  private readonly lrSigma: number;
  private readonly antithetic: boolean;
  private readonly utilities: Float64Array;
  private readonly gen: Generator;
  private pending: { x: Float64Array[]; s: Float64Array[] } | null = null;

  constructor(x0: ArrayLike<number>, opts: NaturalESOptions) {
    const n = x0.length;
    this.mean = Float64Array.from(x0);
    this.sigma = typeof opts.sigma0 === "number" ? new Float64Array(n).fill(opts.sigma0) : Float64Array.from(opts.sigma0);
    if (this.sigma.length !== n || this.sigma.some((s) => !(s > 0))) {
      throw new Error(`NaturalES: sigma0 must be positive (one value or ${n}), got [${Array.from(this.sigma).join(", ")}]`);
    }
    this.antithetic = opts.antithetic ?? true;
    let lambda = opts.popsize ?? 4 + Math.floor(3 * Math.log(n));
    if (this.antithetic && lambda % 2 === 1) lambda++;
    this.lambda = lambda;
    this.lrMean = opts.lrMean ?? 1;
    this.lrSigma = opts.lrSigma ?? (3 + Math.log(n)) / (5 * Math.sqrt(n));
    this.utilities = fitnessShaping(lambda);
    this.gen = new Generator(opts.seed ?? 0);
    this.best = { x: Float64Array.from(x0), f: Infinity };
  }

  ask(): Float64Array[] {
    const n = this.mean.length;
    const s: Float64Array[] = [];
    while (s.length < this.lambda) {
      const e = Float64Array.from({ length: n }, () => this.gen.normal());
      s.push(e);
      if (this.antithetic) s.push(e.map((v) => -v));
    }
    const x = s.map((e) => this.mean.map((m, i) => m + this.sigma[i]! * e[i]!));
    this.pending = { x, s };
    return x.map((v) => Float64Array.from(v));
  }

  tell(fitness: ArrayLike<number>): void {
    if (!this.pending) throw new Error("NaturalES.tell: call ask() first");
    checkFitness("NaturalES", this.lambda, fitness);
    const { x, s } = this.pending;
    this.pending = null;
    const n = this.mean.length;
    this.evaluations += this.lambda;
    this.generation++;
    const order = Array.from({ length: this.lambda }, (_, i) => i).sort((a, b) => fitness[a]! - fitness[b]!);
    if (fitness[order[0]!]! < this.best.f) this.best = { x: Float64Array.from(x[order[0]!]!), f: fitness[order[0]!]! };
    const gMean = new Float64Array(n), gSigma = new Float64Array(n);
    order.forEach((idx, rank) => {
      const u = this.utilities[rank]!;
      const e = s[idx]!;
      for (let i = 0; i < n; i++) {
        gMean[i] = gMean[i]! + u * e[i]!;
        gSigma[i] = gSigma[i]! + u * (e[i]! * e[i]! - 1);
      }
    });
    for (let i = 0; i < n; i++) {
      this.mean[i] = this.mean[i]! + this.lrMean * this.sigma[i]! * gMean[i]!;
      this.sigma[i] = this.sigma[i]! * Math.exp((this.lrSigma / 2) * gSigma[i]!);
    }
  }

  stop(): string | null {
    return this.sigma.every((s) => s < 1e-12) ? "tolx" : null;
  }
}
