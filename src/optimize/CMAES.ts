// CMA-ES, the covariance matrix adaptation evolution strategy, with Hansen's default parameters and ask/tell.

import { Generator } from "../random/Generator.js";
import { checkFitness, runAskTell, type AskTellOptimizer } from "./askTell.js";
import { eigh } from "./linalg.js";
import type { ObjectiveFn, OptimizeResult } from "./types.js";

/**
 * Strategy parameters of Table 1 in N. Hansen, "The CMA Evolution Strategy: A Tutorial",
 * arXiv:1604.00772 (2016), which are also pycma's defaults:
 *   λ = 4 + ⌊3 ln n⌋, μ = ⌊λ/2⌋, wᵢ' = ln((λ+1)/2) − ln i (i = 1…λ),
 *   μ_eff = (Σ_{i≤μ} wᵢ')² / Σ_{i≤μ} wᵢ'²,
 *   c_σ = (μ_eff + 2)/(n + μ_eff + 5),  d_σ = 1 + 2 max(0, √((μ_eff − 1)/(n + 1)) − 1) + c_σ,
 *   c_c = (4 + μ_eff/n)/(n + 4 + 2μ_eff/n),
 *   c₁ = α_cov/((n + 1.3)² + μ_eff),  c_μ = min(1 − c₁, α_cov(μ_eff − 2 + 1/μ_eff)/((n + 2)² + α_cov μ_eff/2)),  α_cov = 2,
 * positive weights normalized to sum 1; negative weights (active CMA) scaled by
 * min(1 + c₁/c_μ, 1 + 2μ_eff⁻/(μ_eff + 2), (1 − c₁ − c_μ)/(n c_μ)) / Σ|wᵢ'⁻|.
 */
export interface CMAESParameters {
  n: number;
  lambda: number;
  mu: number;
  /** All λ weights, positive for the μ best, negative (active) or zero for the rest. */
  weights: Float64Array;
  muEff: number;
  cSigma: number;
  dSigma: number;
  cC: number;
  c1: number;
  cMu: number;
  /** E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)). */
  chiN: number;
}

/**
 * Hansen's default CMA-ES strategy parameters ({@link CMAESParameters}) for dimension `n`, with an optional
 * population size λ and active (negative) weights.
 */
export function cmaesParameters(n: number, opts: { popsize?: number; active?: boolean } = {}): CMAESParameters {
  if (!Number.isInteger(n) || n < 1) throw new Error(`CMAES: dimension must be a positive integer, got ${n}`);
  const lambda = opts.popsize ?? 4 + Math.floor(3 * Math.log(n));
  if (!Number.isInteger(lambda) || lambda < 2) throw new Error(`CMAES: popsize must be an integer ≥ 2, got ${lambda}`);
  const mu = Math.floor(lambda / 2);
  const raw = Float64Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  let sumPos = 0, sumPosSq = 0, sumNeg = 0, sumNegSq = 0;
  for (let i = 0; i < lambda; i++) {
    if (i < mu) { sumPos += raw[i]!; sumPosSq += raw[i]! ** 2; } else { sumNeg += Math.abs(raw[i]!); sumNegSq += raw[i]! ** 2; }
  }
  const muEff = (sumPos * sumPos) / sumPosSq;
  const muEffNeg = sumNegSq > 0 ? (sumNeg * sumNeg) / sumNegSq : 0;
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  const cMu = Math.min(1 - c1, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2));
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const weights = new Float64Array(lambda);
  const active = opts.active ?? true;
  const negScale = active && sumNeg > 0
    ? Math.min(1 + c1 / cMu, 1 + (2 * muEffNeg) / (muEff + 2), (1 - c1 - cMu) / (n * cMu)) / sumNeg
    : 0;
  for (let i = 0; i < lambda; i++) weights[i] = i < mu ? raw[i]! / sumPos : raw[i]! * negScale;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { n, lambda, mu, weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN };
}

export interface CMAESOptions {
  /** Initial step size σ₀ (required): the optimum should lie within x₀ ± 3σ₀. */
  sigma0: number;
  /** λ; default 4 + ⌊3 ln n⌋. */
  popsize?: number;
  /** Active CMA (negative weights in the rank-μ update), as pycma's default. Default true. */
  active?: boolean;
  seed?: number;
  /** Stop when the best fitness of the recent generations varies less than this. Default 1e-11 (pycma). */
  tolFun?: number;
  /** Stop when σ·max(√Cᵢᵢ, |p_c,ᵢ|) < tolX for all i. Default 1e-11 (pycma). */
  tolX?: number;
}

/**
 * CMA-ES (Hansen & Ostermeier, "Completely derandomized self-adaptation in evolution strategies",
 * Evolutionary Computation 9(2), 2001), following the tutorial's summary (Hansen 2016, Appendix A):
 *   x_k = m + σ y_k,  y_k = B D z_k,  z_k ~ N(0, I)                                (sample, in `ask`)
 *   ⟨y⟩_w = Σ_{i≤μ} wᵢ y_{i:λ},  m ← m + σ⟨y⟩_w                                   (recombine)
 *   p_σ ← (1 − c_σ)p_σ + √(c_σ(2 − c_σ)μ_eff) C^{−½}⟨y⟩_w
 *   σ ← σ exp((c_σ/d_σ)(‖p_σ‖/E‖N(0,I)‖ − 1))                                     (step-size control)
 *   h_σ = [‖p_σ‖/√(1 − (1 − c_σ)^{2(g+1)}) < (1.4 + 2/(n + 1)) E‖N(0,I)‖]
 *   p_c ← (1 − c_c)p_c + h_σ√(c_c(2 − c_c)μ_eff)⟨y⟩_w
 *   C ← (1 + c₁δ(h_σ) − c₁ − c_μΣwⱼ)C + c₁p_c p_cᵀ + c_μ Σᵢ wᵢ° y_{i:λ}y_{i:λ}ᵀ     (covariance)
 * with δ(h_σ) = (1 − h_σ)c_c(2 − c_c) and wᵢ° = wᵢ·(1 if wᵢ ≥ 0 else n/‖C^{−½}y_{i:λ}‖²).
 * C = B D² Bᵀ is re-decomposed lazily, every λ/(10 n (c₁ + c_μ)) evaluations.
 */
export class CMAES implements AskTellOptimizer {
  readonly params: CMAESParameters;
  mean: Float64Array;
  sigma: number;
  /** Covariance matrix C (row-major) and its eigendecomposition C = B diag(D²) Bᵀ. */
  C: Float64Array;
  B: Float64Array;
  D: Float64Array;
  pSigma: Float64Array;
  pC: Float64Array;
  best: { x: Float64Array; f: number };
  evaluations = 0;
  generation = 0;
  private readonly gen: Generator;
  private readonly sigma0: number;
  private readonly tolFun: number;
  private readonly tolX: number;
  private pending: { x: Float64Array[]; y: Float64Array[] } | null = null;
  private eigenEval = 0;
  private history: number[] = [];
  private lastFitness: number[] = [];

  constructor(x0: ArrayLike<number>, opts: CMAESOptions) {
    const n = x0.length;
    if (!(opts.sigma0 > 0)) throw new Error(`CMAES: sigma0 must be > 0, got ${opts.sigma0}`);
    this.params = cmaesParameters(n, opts);
    this.mean = Float64Array.from(x0);
    this.sigma = opts.sigma0;
    this.sigma0 = opts.sigma0;
    this.C = new Float64Array(n * n);
    this.B = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { this.C[i * n + i] = 1; this.B[i * n + i] = 1; }
    this.D = new Float64Array(n).fill(1);
    this.pSigma = new Float64Array(n);
    this.pC = new Float64Array(n);
    this.best = { x: Float64Array.from(x0), f: Infinity };
    this.gen = new Generator(opts.seed ?? 0);
    this.tolFun = opts.tolFun ?? 1e-11;
    this.tolX = opts.tolX ?? 1e-11;
  }

  ask(): Float64Array[] {
    const { n, lambda, c1, cMu } = this.params;
    if (this.evaluations - this.eigenEval > lambda / (c1 + cMu) / n / 10) this.decompose();
    const xs: Float64Array[] = [], ys: Float64Array[] = [];
    for (let k = 0; k < lambda; k++) {
      const z = Float64Array.from({ length: n }, () => this.gen.normal());
      const y = new Float64Array(n); // y = B D z
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += this.B[i * n + j]! * this.D[j]! * z[j]!;
        y[i] = s;
      }
      ys.push(y);
      xs.push(this.mean.map((m, i) => m + this.sigma * y[i]!));
    }
    this.pending = { x: xs, y: ys };
    return xs.map((x) => Float64Array.from(x));
  }

  tell(fitness: ArrayLike<number>): void {
    if (!this.pending) throw new Error("CMAES.tell: call ask() first");
    const { n, lambda, mu, weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN } = this.params;
    checkFitness("CMAES", lambda, fitness);
    const { x: xs, y: ys } = this.pending;
    this.pending = null;
    this.evaluations += lambda;
    this.generation++;
    const order = Array.from({ length: lambda }, (_, i) => i).sort((a, b) => fitness[a]! - fitness[b]!);
    const fBest = fitness[order[0]!]!;
    if (fBest < this.best.f) this.best = { x: Float64Array.from(xs[order[0]!]!), f: fBest };
    this.lastFitness = order.map((i) => fitness[i]!);
    this.history.push(fBest);

    // Recombination: ⟨y⟩_w over the μ best, m ← m + σ⟨y⟩_w.
    const yw = new Float64Array(n);
    for (let r = 0; r < mu; r++) {
      const y = ys[order[r]!]!;
      for (let i = 0; i < n; i++) yw[i] = yw[i]! + weights[r]! * y[i]!;
    }
    for (let i = 0; i < n; i++) this.mean[i] = this.mean[i]! + this.sigma * yw[i]!;

    // Step-size path with C^{−½}⟨y⟩_w = B D⁻¹ Bᵀ ⟨y⟩_w.
    const invSqrtYw = this.invSqrtC(yw);
    const cs = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    for (let i = 0; i < n; i++) this.pSigma[i] = (1 - cSigma) * this.pSigma[i]! + cs * invSqrtYw[i]!;
    const psNorm = Math.sqrt(this.pSigma.reduce((s, v) => s + v * v, 0));
    const hSigma = psNorm / Math.sqrt(1 - (1 - cSigma) ** (2 * this.generation)) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
    const cc = Math.sqrt(cC * (2 - cC) * muEff);
    for (let i = 0; i < n; i++) this.pC[i] = (1 - cC) * this.pC[i]! + hSigma * cc * yw[i]!;

    // Covariance: decay, rank-one update, rank-μ update (negative weights rescaled to keep C positive definite).
    const deltaH = (1 - hSigma) * cC * (2 - cC);
    let sumW = 0;
    for (let i = 0; i < lambda; i++) sumW += weights[i]!;
    const decay = 1 + c1 * deltaH - c1 - cMu * sumW;
    const wCirc = new Float64Array(lambda);
    for (let r = 0; r < lambda; r++) {
      const w = weights[r]!;
      if (w >= 0) { wCirc[r] = w; continue; }
      const v = this.invSqrtC(ys[order[r]!]!);
      wCirc[r] = (w * n) / v.reduce((s, t) => s + t * t, 0);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        for (let r = 0; r < lambda; r++) {
          if (wCirc[r] === 0) continue;
          const y = ys[order[r]!]!;
          rankMu += wCirc[r]! * y[i]! * y[j]!;
        }
        const v = decay * this.C[i * n + j]! + c1 * this.pC[i]! * this.pC[j]! + cMu * rankMu;
        this.C[i * n + j] = v;
        this.C[j * n + i] = v;
      }
    }

    this.sigma *= Math.exp((cSigma / dSigma) * (psNorm / chiN - 1));
  }

  /** Termination criteria of the tutorial's appendix B.3 (and pycma's names), or null. */
  stop(): string | null {
    const { n, lambda } = this.params;
    if (this.generation === 0) return null;
    const window = 10 + Math.ceil((30 * n) / lambda);
    if (this.history.length >= window) {
      const recent = this.history.slice(-window).concat(this.lastFitness);
      if (Math.max(...recent) - Math.min(...recent) < this.tolFun) return "tolfun";
    }
    let tolx = true;
    for (let i = 0; i < n; i++) {
      if (this.sigma * Math.max(Math.sqrt(this.C[i * n + i]!), Math.abs(this.pC[i]!)) >= this.tolX) { tolx = false; break; }
    }
    if (tolx) return "tolx";
    const dMax = Math.max(...this.D), dMin = Math.min(...this.D);
    if ((dMax / dMin) ** 2 > 1e14) return "conditioncov";
    // NoEffectAxis: a 0.1σ step along principal axis (g mod n) does not move the mean.
    const axis = this.generation % n;
    let noEffectAxis = true;
    for (let i = 0; i < n; i++) {
      const m = this.mean[i]!;
      if (m + 0.1 * this.sigma * this.D[axis]! * this.B[i * n + axis]! !== m) { noEffectAxis = false; break; }
    }
    if (noEffectAxis) return "noeffectaxis";
    for (let i = 0; i < n; i++) {
      const m = this.mean[i]!;
      if (m + 0.2 * this.sigma * Math.sqrt(this.C[i * n + i]!) === m) return "noeffectcoord";
    }
    if (this.sigma > 1e8 * this.sigma0 * Math.max(...this.D)) return "tolupsigma";
    return null;
  }

  /** C^{−½} v = B D⁻¹ Bᵀ v. */
  private invSqrtC(v: Float64Array): Float64Array {
    const n = this.params.n;
    const t = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += this.B[i * n + k]! * v[i]!;
      t[k] = s / this.D[k]!;
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += this.B[i * n + k]! * t[k]!;
      out[i] = s;
    }
    return out;
  }

  private decompose(): void {
    const n = this.params.n;
    this.eigenEval = this.evaluations;
    const { values, vectors } = eigh(this.C, n);
    this.B = vectors;
    this.D = values.map((v) => Math.sqrt(Math.max(v, 1e-300)));
  }
}

export interface CMAESRunOptions extends CMAESOptions {
  maxEvals?: number;
  ftarget?: number;
  /** IPOP restarts: after a stop, start again from x₀ with the population doubled (Auger & Hansen, CEC 2005). Default 0. */
  restarts?: number;
  /** Population growth factor per restart. Default 2. */
  incPopSize?: number;
  batch?: (population: Float64Array[]) => ArrayLike<number>;
}

/** Minimizes `fn` from x₀ with CMA-ES (plus optional IPOP restarts); the budget counts every restart. */
export function cmaes(fn: ObjectiveFn, x0: ArrayLike<number>, opts: CMAESRunOptions): OptimizeResult {
  const n = x0.length;
  const maxEvals = opts.maxEvals ?? 1e3 * n * n + 1e4;
  let popsize = opts.popsize ?? 4 + Math.floor(3 * Math.log(n));
  let best: OptimizeResult | undefined;
  let used = 0, generations = 0;
  const trajectory: OptimizeResult["trajectory"] = [];
  let message = "";
  for (let run = 0; run <= (opts.restarts ?? 0); run++) {
    const es = new CMAES(x0, { ...opts, popsize, seed: (opts.seed ?? 0) + 7919 * run });
    const res = runAskTell(es, fn, { maxEvals: maxEvals - used, ftarget: opts.ftarget, batch: opts.batch });
    for (const p of res.trajectory) trajectory.push({ ...p, nfev: p.nfev + used });
    used += res.nfev;
    generations += res.nit;
    message = res.message;
    if (!best || res.fun < best.fun) best = res;
    if (message === "stopped: ftarget" || message === "stopped: maxEvals") break;
    popsize *= opts.incPopSize ?? 2;
  }
  return { ...best!, nfev: used, nit: generations, trajectory, message, success: message !== "stopped: maxEvals" };
}
