// The Dirichlet distribution over the probability simplex.
import type { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import * as E from "../ops/elementwise.js";
import { digamma, lgamma } from "../ops/special.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { rsampleStandardGamma } from "./Gamma.js";
import { asTensor, xlogy, type Param } from "./utils.js";

/**
 * Dirichlet(concentration α) over vectors on the simplex (the last dim of α is the event):
 * density Γ(Σα) / Π Γ(αᵢ) · Π xᵢ^(αᵢ − 1). Samples normalize independent Gamma(αᵢ, 1) draws, so
 * `rsample` is differentiable in α through the Gammas' implicit reparameterization gradients.
 */
export class Dirichlet extends Distribution {
  readonly concentration: Tensor;

  constructor(concentration: Param, options: DistributionOptions = {}) {
    const c = asTensor("Dirichlet", "concentration", concentration);
    if (c.ndim < 1) throw new Error(`Dirichlet: concentration must have at least one dim (the event dim), got shape ${fmtShape(c.shape)}`);
    super(c.shape.slice(0, -1), c.shape.slice(-1), options);
    this.concentration = c;
    this.checkParameters({ concentration: c });
  }

  get name(): string {
    return "Dirichlet";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.independent(constraints.positive, 1) };
  }
  get support(): constraints.Constraint {
    return constraints.simplex;
  }
  override get hasRsample(): boolean {
    return true;
  }

  override get mean(): Tensor {
    return E.div(this.concentration, this.concentration.sum(-1, true));
  }
  /** αᵢ(α₀ − αᵢ) / (α₀²(α₀ + 1)), α₀ = Σα. */
  override get variance(): Tensor {
    const a = this.concentration, a0 = a.sum(-1, true);
    return E.div(E.mul(a, E.sub(a0, a)), E.mul(E.square(a0), E.add(a0, 1)));
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const gammas = rsampleStandardGamma(this.concentration, shape, this.generatorOf(options));
    return E.div(gammas, gammas.sum(-1, true));
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const a = this.concentration;
    return E.sub(E.add(xlogy(E.sub(a, 1), value).sum(-1), lgamma(a.sum(-1))), lgamma(a).sum(-1));
  }

  /** Σ log Γ(αᵢ) − log Γ(α₀) − (K − α₀) ψ(α₀) − Σ (αᵢ − 1) ψ(αᵢ). */
  override entropy(): Tensor {
    const a = this.concentration, k = a.shape[a.ndim - 1]!, a0 = a.sum(-1);
    const t = E.sub(E.sub(lgamma(a).sum(-1), lgamma(a0)), E.mul(E.sub(k, a0), digamma(a0)));
    return E.sub(t, E.mul(E.sub(a, 1), digamma(a)).sum(-1));
  }
}
