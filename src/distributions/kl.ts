// KL divergences KL(p ‖ q) in closed form, looked up in one registry by the pair of distribution types.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { expand } from "../ops/movement.js";
import { where } from "../ops/indexing.js";
import { digamma, lgamma } from "../ops/special.js";
import { softplus as torchSoftplus } from "../nn/functional/activations.js";
import { Distribution } from "./Distribution.js";
import { Normal } from "./Normal.js";
import { MultivariateNormal, batchDiagonal, batchMahalanobis, solveLower } from "./MultivariateNormal.js";
import { Bernoulli } from "./Bernoulli.js";
import { Categorical } from "./Categorical.js";
import { OneHotCategorical } from "./OneHotCategorical.js";
import { Beta } from "./Beta.js";
import { Gamma } from "./Gamma.js";
import { Dirichlet } from "./Dirichlet.js";
import { Exponential } from "./Exponential.js";
import { Laplace } from "./Laplace.js";
import { Uniform } from "./Uniform.js";
import { Poisson } from "./Poisson.js";
import { Independent } from "./Independent.js";
import { sumRightmost } from "./utils.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DistributionClass<D extends Distribution> = abstract new (...args: any[]) => D;
type KLFn = (p: Distribution, q: Distribution) => Tensor;

const registry = new Map<DistributionClass<Distribution>, Map<DistributionClass<Distribution>, KLFn>>();

/**
 * Registers the closed form of KL(p ‖ q) for p of class P and q of class Q (subclasses included;
 * the most specific registered pair wins). Replaces an earlier registration of the same pair.
 * ```ts
 * registerKL(MyDist, Normal, (p, q) => ...);
 * ```
 */
export function registerKL<P extends Distribution, Q extends Distribution>(P: DistributionClass<P>, Q: DistributionClass<Q>, fn: (p: P, q: Q) => Tensor): void {
  if (typeof P !== "function" || typeof Q !== "function" || typeof fn !== "function") {
    throw new Error("registerKL: expected two distribution classes and a function (p, q) => Tensor");
  }
  let row = registry.get(P);
  if (!row) registry.set(P, (row = new Map()));
  row.set(Q, fn as KLFn);
}

/** The class chain of a distribution, most specific first (up to Distribution). */
function classChain(d: Distribution): DistributionClass<Distribution>[] {
  const out: DistributionClass<Distribution>[] = [];
  for (let c = d.constructor as DistributionClass<Distribution>; c && c !== (Distribution as unknown); c = Object.getPrototypeOf(c)) out.push(c);
  out.push(Distribution as DistributionClass<Distribution>);
  return out;
}

/**
 * KL(p ‖ q) = E_p[log p(x) − log q(x)], batched over the broadcast batch shapes, from the registry of
 * closed forms (Normal, MultivariateNormal, Bernoulli, Categorical, OneHotCategorical, Beta, Gamma,
 * Dirichlet, Exponential, Laplace, Uniform, Poisson pairs, and Independent of any registered pair).
 * ```ts
 * const { Normal, klDivergence } = ds.distributions;
 * klDivergence(new Normal(0, 1), new Normal(1, 2)); // 0.4431
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  if (!(p instanceof Distribution) || !(q instanceof Distribution)) throw new Error("klDivergence: p and q must be distributions");
  const pChain = classChain(p), qChain = classChain(q);
  let best: { fn: KLFn; rank: number } | null = null;
  pChain.forEach((P, i) => {
    const row = registry.get(P);
    if (!row) return;
    qChain.forEach((Q, j) => {
      const fn = row.get(Q);
      if (fn && (best === null || i + j < best.rank)) best = { fn, rank: i + j };
    });
  });
  if (best === null) {
    throw new Error(`klDivergence: no closed form is registered for KL(${p.name} ‖ ${q.name}); register one with registerKL(${p.name}, ${q.name}, (p, q) => ...)`);
  }
  return (best as { fn: KLFn }).fn(p, q);
}

/** Replaces entries by +∞ where `infinite`, then by 0 where `zero` (the conventions 0·log 0 = 0, p·log(p/0) = ∞). */
function withLimits(t: Tensor, infinite: Tensor, zero: Tensor): Tensor {
  return where(zero, 0, where(infinite, Number.POSITIVE_INFINITY, t));
}

// ½ (σp²/σq² + (μp − μq)²/σq² − 1 − log(σp²/σq²))
registerKL(Normal, Normal, (p, q) => {
  const varRatio = E.square(E.div(p.scale, q.scale));
  const t1 = E.square(E.div(E.sub(p.loc, q.loc), q.scale));
  return E.mul(E.sub(E.sub(E.add(varRatio, t1), 1), E.log(varRatio)), 0.5);
});

// Σ log Lq,ii − Σ log Lp,ii + ½ (‖Lq⁻¹ Lp‖²_F + ‖Lq⁻¹(μq − μp)‖² − k)
registerKL(MultivariateNormal, MultivariateNormal, (p, q) => {
  const k = p.eventShape[0]!;
  if (q.eventShape[0] !== k) {
    throw new Error(`klDivergence: MultivariateNormals of different event shapes [${p.eventShape}] and [${q.eventShape}] have no KL divergence`);
  }
  const Lp = p.unbroadcastedScaleTril, Lq = q.unbroadcastedScaleTril;
  const halfTerm1 = E.sub(E.log(batchDiagonal(Lq)).sum(-1), E.log(batchDiagonal(Lp)).sum(-1));
  const term2 = E.square(solveLower(Lq, Lp)).sum([-2, -1]);
  const term3 = batchMahalanobis(Lq, E.sub(q.loc, p.loc));
  return E.add(halfTerm1, E.mul(E.sub(E.add(term2, term3), k), 0.5));
});

// p (softplus(−lq) − softplus(−lp)) + (1 − p)(softplus(lq) − softplus(lp)), with PyTorch's limits at 0 and 1
registerKL(Bernoulli, Bernoulli, (p, q) => {
  const pp = p.probs, qp = q.probs;
  const t1 = withLimits(E.mul(pp, E.sub(torchSoftplus(E.neg(q.logits)), torchSoftplus(E.neg(p.logits)))), E.eq(qp, 0), E.eq(pp, 0));
  const t2 = withLimits(E.mul(E.sub(1, pp), E.sub(torchSoftplus(q.logits), torchSoftplus(p.logits))), E.eq(qp, 1), E.eq(pp, 1));
  return E.add(t1, t2);
});

// Σ p (log p − log q), +∞ where q = 0 < p
function klCategorical(p: Categorical, q: Categorical): Tensor {
  const t = E.mul(p.probs, E.sub(p.logits, q.logits));
  const shape = t.shape;
  return withLimits(t, expand(E.eq(q.probs, 0), shape), expand(E.eq(p.probs, 0), shape)).sum(-1);
}
registerKL(Categorical, Categorical, klCategorical);
registerKL(OneHotCategorical, OneHotCategorical, (p, q) => klCategorical(p.categorical, q.categorical));

// log B(aq, bq) − log B(ap, bp) + (ap − aq)ψ(ap) + (bp − bq)ψ(bp) + (aq + bq − ap − bp)ψ(ap + bp)
registerKL(Beta, Beta, (p, q) => {
  const sumP = E.add(p.concentration1, p.concentration0), sumQ = E.add(q.concentration1, q.concentration0);
  const t1 = E.add(E.add(lgamma(q.concentration1), lgamma(q.concentration0)), lgamma(sumP));
  const t2 = E.add(E.add(lgamma(p.concentration1), lgamma(p.concentration0)), lgamma(sumQ));
  const t3 = E.mul(E.sub(p.concentration1, q.concentration1), digamma(p.concentration1));
  const t4 = E.mul(E.sub(p.concentration0, q.concentration0), digamma(p.concentration0));
  const t5 = E.mul(E.sub(sumQ, sumP), digamma(sumP));
  return E.add(E.add(E.add(E.sub(t1, t2), t3), t4), t5);
});

// αq log(βp/βq) + log Γ(αq) − log Γ(αp) + (αp − αq)ψ(αp) + (βq − βp) αp/βp
registerKL(Gamma, Gamma, (p, q) => {
  const t1 = E.mul(q.concentration, E.log(E.div(p.rate, q.rate)));
  const t2 = E.sub(lgamma(q.concentration), lgamma(p.concentration));
  const t3 = E.mul(E.sub(p.concentration, q.concentration), digamma(p.concentration));
  const t4 = E.mul(E.sub(q.rate, p.rate), E.div(p.concentration, p.rate));
  return E.add(E.add(E.add(t1, t2), t3), t4);
});

// log Γ(Σαp) − log Γ(Σαq) − Σ (log Γ(αp) − log Γ(αq)) + Σ (αp − αq)(ψ(αp) − ψ(Σαp))
registerKL(Dirichlet, Dirichlet, (p, q) => {
  const sumP = p.concentration.sum(-1), sumQ = q.concentration.sum(-1);
  const t1 = E.sub(lgamma(sumP), lgamma(sumQ));
  const t2 = E.sub(lgamma(p.concentration), lgamma(q.concentration)).sum(-1);
  const t3 = E.sub(p.concentration, q.concentration);
  const t4 = E.sub(digamma(p.concentration), digamma(sumP).unsqueeze(-1));
  return E.add(E.sub(t1, t2), E.mul(t3, t4).sum(-1));
});

// λq/λp − log(λq/λp) − 1
registerKL(Exponential, Exponential, (p, q) => {
  const ratio = E.div(q.rate, p.rate);
  return E.sub(E.sub(ratio, E.log(ratio)), 1);
});

// −log(bp/bq) + |μp − μq|/bq + (bp/bq) e^(−|μp − μq|/bp) − 1
registerKL(Laplace, Laplace, (p, q) => {
  const scaleRatio = E.div(p.scale, q.scale);
  const diff = E.abs(E.sub(p.loc, q.loc));
  const t3 = E.mul(scaleRatio, E.exp(E.neg(E.div(diff, p.scale))));
  return E.sub(E.add(E.add(E.neg(E.log(scaleRatio)), E.div(diff, q.scale)), t3), 1);
});

// log((hq − lq)/(hp − lp)), +∞ unless [lp, hp] ⊆ [lq, hq]
registerKL(Uniform, Uniform, (p, q) => {
  const result = E.log(E.div(E.sub(q.high, q.low), E.sub(p.high, p.low)));
  return where(E.logicalOr(E.gt(q.low, p.low), E.lt(q.high, p.high)), Number.POSITIVE_INFINITY, result);
});

// λp (log λp − log λq) − (λp − λq)
registerKL(Poisson, Poisson, (p, q) => E.sub(E.mul(p.rate, E.sub(E.log(p.rate), E.log(q.rate))), E.sub(p.rate, q.rate)));

// KL of the bases, summed over the reinterpreted dims
registerKL(Independent, Independent, (p, q) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw new Error(
      `klDivergence: Independent distributions with different reinterpretedBatchNdims (${p.reinterpretedBatchNdims} and ${q.reinterpretedBatchNdims}) have no closed-form KL here`,
    );
  }
  return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
});
