// The Gamma distribution with shape (concentration) α and rate β.
import type { Tensor } from "../tensor/Tensor.js";
import type { Generator } from "../random/Generator.js";
import * as E from "../ops/elementwise.js";
import { digamma, lgamma, standardGammaReparam } from "../ops/special.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { drawEach, standardGamma } from "./samplers.js";
import { broadcastAll, finfo, xlogy, type Param } from "./utils.js";

/**
 * Standard Gamma(α, 1) samples of `shape` (α broadcast to it), reparameterized: differentiable in α
 * through the implicit gradient ∂x/∂α (Figurnov et al. 2018). Values are clamped below at the
 * dtype's smallest normal number (as PyTorch), so that their logarithms stay finite.
 */
export function rsampleStandardGamma(concentration: Tensor, shape: readonly number[], generator: Generator): Tensor {
  const tiny = finfo(concentration.dtype).tiny;
  const raw = drawEach(concentration, shape, (alpha) => Math.max(standardGamma(alpha, generator), tiny));
  return standardGammaReparam(concentration, raw);
}

/**
 * Gamma(concentration α, rate β): density βᵅ xᵅ⁻¹ e^(−βx) / Γ(α) on x ≥ 0; mean α/β.
 * Samples by Marsaglia–Tsang; `rsample` is differentiable in both parameters (implicit
 * reparameterization for α).
 */
export class Gamma extends Distribution {
  readonly concentration: Tensor;
  readonly rate: Tensor;

  constructor(concentration: Param, rate: Param, options: DistributionOptions = {}) {
    const [a, b] = broadcastAll("Gamma", { concentration, rate });
    super(a!.shape, [], options);
    this.concentration = a!;
    this.rate = b!;
    this.checkParameters({ concentration: this.concentration, rate: this.rate });
  }

  get name(): string {
    return "Gamma";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration: constraints.positive, rate: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  override get hasRsample(): boolean {
    return true;
  }

  override get mean(): Tensor {
    return E.div(this.concentration, this.rate);
  }
  /** (α − 1)/β, or 0 for α < 1. */
  override get mode(): Tensor {
    return E.clamp(E.div(E.sub(this.concentration, 1), this.rate), { min: 0 });
  }
  override get variance(): Tensor {
    return E.div(this.concentration, E.square(this.rate));
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    return E.div(rsampleStandardGamma(this.concentration, shape, this.generatorOf(options)), this.rate);
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const a = this.concentration, b = this.rate;
    return E.sub(E.sub(E.add(xlogy(a, b), xlogy(E.sub(a, 1), value)), E.mul(b, value)), lgamma(a));
  }

  /** α − log β + log Γ(α) + (1 − α) ψ(α). */
  override entropy(): Tensor {
    const a = this.concentration;
    return E.add(E.add(E.sub(a, E.log(this.rate)), lgamma(a)), E.mul(E.sub(1, a), digamma(a)));
  }
}
