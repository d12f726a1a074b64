// Stochastic variational inference: the ELBO estimated from traces of the guide and the replayed model,
// and SVI, which steps an optimizer on the parameters those traces touched (Pyro's Trace_ELBO and SVI).
import { Tensor } from "../tensor/Tensor.js";
import type { Parameter } from "../nn/Parameter.js";
import { Generator } from "../random/Generator.js";
import type { Optimizer } from "../optim/Optimizer.js";
import { noGrad } from "../autograd/engine.js";
import { klDivergence } from "../distributions/kl.js";
import { paramStore, replay, seed, trace, type Trace } from "./core.js";

/** A model or guide: any function of the data that calls `sample`/`param`/`plate`. */
export type Program<A extends unknown[]> = (...args: A) => unknown;

/** Options of `TraceELBO`. */
export interface ElboOptions {
  /** Monte Carlo samples of the guide per estimate (averaged). */
  numParticles?: number;
}

/**
 * The evidence lower bound E_q[log p(x, z) − log q(z)] (Pyro's Trace_ELBO), estimated with `numParticles`
 * draws from the guide. Reparameterizable guide sites carry their gradient through the sample; the others
 * get the score-function term log q(z)·(ELBO, detached), so the surrogate's gradient is unbiased either way.
 */
export class TraceELBO {
  readonly numParticles: number;
  constructor(options: ElboOptions = {}) {
    const n = options.numParticles ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`TraceELBO: numParticles must be a positive integer, got ${n}`);
    this.numParticles = n;
  }

  /**
   * The differentiable surrogate loss (−ELBO plus the score-function terms) and the ELBO's value, with the
   * parameters the traces touched.
   */
  lossAndParams<A extends unknown[]>(model: Program<A>, guide: Program<A>, args: A): { loss: Tensor; elbo: number; params: Set<string> } {
    let surrogate: Tensor | null = null;
    let elboSum = 0;
    const params = new Set<string>();
    for (let k = 0; k < this.numParticles; k++) {
      const guideTrace = trace(guide, ...args);
      const modelTrace = trace(() => replay(() => model(...args), guideTrace));
      checkSites(modelTrace, guideTrace);
      for (const tr of [guideTrace, modelTrace]) for (const s of tr.sites.values()) if (s.type === "param") params.add(s.name);
      const elbo = this.particleElbo(modelTrace, guideTrace);
      const elboValue = elbo.item();
      elboSum += elboValue;
      let particle = elbo;
      const scoreSites = guideTrace.sampleSites().filter((s) => !s.isObserved && !s.reparameterized);
      if (scoreSites.length > 0) {
        const logQScore = guideTrace.logProbSum((s) => !s.isObserved && !s.reparameterized);
        particle = particle.add(logQScore.mul(elboValue));
      }
      surrogate = surrogate === null ? particle : surrogate.add(particle);
    }
    return { loss: surrogate!.div(-this.numParticles), elbo: elboSum / this.numParticles, params };
  }

  /** One particle's ELBO: log p(x, z) − log q(z) at the guide's draw. */
  protected particleElbo(modelTrace: Trace, guideTrace: Trace): Tensor {
    return modelTrace.logProbSum().sub(guideTrace.logProbSum());
  }

  /** −ELBO, averaged over the particles (a number; no gradient kept). */
  loss<A extends unknown[]>(model: Program<A>, guide: Program<A>, ...args: A): number {
    return -noGrad(() => this.lossAndParams(model, guide, args).elbo);
  }
}

/**
 * The ELBO with each latent site's log p(z) − log q(z) replaced by −KL(q ‖ p) where a closed form is
 * registered (Pyro's TraceMeanField_ELBO): lower variance. Valid when the model's prior of such a site
 * does not depend on other latent sites (a mean-field guide over independent priors); sites without a
 * closed form fall back to the sampled difference.
 */
export class TraceMeanFieldELBO extends TraceELBO {
  protected override particleElbo(modelTrace: Trace, guideTrace: Trace): Tensor {
    let total: Tensor | null = null;
    const add = (t: Tensor) => void (total = total === null ? t : total.add(t));
    for (const m of modelTrace.sampleSites()) {
      const g = m.isObserved ? undefined : guideTrace.sites.get(m.name);
      if (g === undefined || g.fn === null || m.fn === null) {
        add(modelTrace.siteLogProb(m));
        continue;
      }
      let kl: Tensor | null = null;
      try {
        kl = klDivergence(g.fn, m.fn);
      } catch {
        kl = null; // no closed form registered for this pair: use the sampled difference
      }
      if (kl === null) add(modelTrace.siteLogProb(m).sub(guideTrace.siteLogProb(g)));
      else add(kl.sum().mul(-m.scale));
    }
    return total ?? Tensor.fromData(new Float64Array(1), [], "float64");
  }
}

/** Every latent site of the model must be drawn by the guide, and the guide must not observe. */
function checkSites(modelTrace: Trace, guideTrace: Trace): void {
  for (const s of modelTrace.sampleSites()) {
    if (!s.isObserved && !guideTrace.sites.has(s.name)) {
      throw new Error(`TraceELBO: the model's latent site "${s.name}" is missing from the guide (the guide must sample every unobserved model site)`);
    }
  }
  for (const s of guideTrace.sampleSites()) {
    if (s.isObserved) throw new Error(`TraceELBO: the guide observes site "${s.name}"; observations belong in the model`);
    if (!modelTrace.sites.has(s.name)) throw new Error(`TraceELBO: the guide's site "${s.name}" does not occur in the model`);
  }
}

/** Options of `SVI`. */
export interface SVIOptions {
  /** Makes an optimizer for the parameters (the unconstrained leaves), e.g. `(ps) => new optim.Adam(ps, { lr: 0.01 })`. */
  optimizer: (params: Parameter[]) => Optimizer<any, any>;
  /** The objective (default `new TraceELBO()`). */
  loss?: TraceELBO;
  /** Seed of the random stream every step draws from (default: the global stream). */
  seed?: number;
}

/**
 * Stochastic variational inference (pyro.infer.SVI): each `step(...args)` estimates the ELBO of `guide`
 * for `model`, backpropagates and moves the parameters; parameters first seen in a step join the optimizer.
 */
export class SVI<A extends unknown[]> {
  readonly loss: TraceELBO;
  private optimizer: Optimizer<any, any> | null = null;
  private readonly known = new Set<Parameter>();
  private readonly generator: Generator | undefined;

  constructor(
    readonly model: Program<A>,
    readonly guide: Program<A>,
    private readonly options: SVIOptions,
  ) {
    if (typeof model !== "function" || typeof guide !== "function") throw new Error("SVI: model and guide must be functions");
    if (typeof options?.optimizer !== "function") throw new Error("SVI: options.optimizer must be a function (params) => optimizer, e.g. (ps) => new optim.Adam(ps, { lr: 0.01 })");
    this.loss = options.loss ?? new TraceELBO();
    this.generator = options.seed === undefined ? undefined : new Generator(options.seed);
  }

  /** One gradient step; returns the loss (−ELBO estimate) before the step. */
  step(...args: A): number {
    const run = () => this.loss.lossAndParams(this.model, this.guide, args);
    const { loss, elbo, params } = this.generator ? seed(run, this.generator) : run();
    const leaves = [...new Set([...params].map((name) => paramStore.unconstrained(name)))]; // a tensor under two names is optimized once
    const fresh = leaves.filter((p) => !this.known.has(p));
    if (fresh.length > 0) {
      if (this.optimizer === null) this.optimizer = this.options.optimizer(fresh);
      else this.optimizer.addParamGroup({ params: fresh });
      for (const p of fresh) this.known.add(p);
    }
    if (this.optimizer === null) throw new Error("SVI.step: the model and guide have no parameters to optimize");
    this.optimizer.zeroGrad();
    if (loss.requiresGrad) loss.backward();
    this.optimizer.step();
    return -elbo;
  }

  /** The −ELBO estimate without a step. */
  evaluateLoss(...args: A): number {
    const run = () => noGrad(() => this.loss.lossAndParams(this.model, this.guide, args).elbo);
    return -(this.generator ? seed(run, this.generator) : run());
  }

  /** The optimizer, once the first step has made it. */
  get optim(): Optimizer<any, any> | null {
    return this.optimizer;
  }
}
