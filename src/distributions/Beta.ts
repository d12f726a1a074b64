// The Beta distribution on [0, 1].
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { stack, select } from "../ops/movement.js";
import { digamma, lgamma } from "../ops/special.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { rsampleStandardGamma } from "./Gamma.js";
import { broadcastAll, xlogy, type Param } from "./utils.js";

/**
 * Beta(concentration1 a, concentration0 b): density x^(a−1) (1 − x)^(b−1) / B(a, b) on [0, 1].
 * Samples are X/(X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (the two-class Dirichlet, as PyTorch), so
 * `rsample` is differentiable in both concentrations.
 */
export class Beta extends Distribution {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;

  constructor(concentration1: Param, concentration0: Param, options: DistributionOptions = {}) {
    const [a, b] = broadcastAll("Beta", { concentration1, concentration0 });
    super(a!.shape, [], options);
    this.concentration1 = a!;
    this.concentration0 = b!;
    this.checkParameters({ concentration1: a!, concentration0: b! });
  }

  get name(): string {
    return "Beta";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { concentration1: constraints.positive, concentration0: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  override get hasRsample(): boolean {
    return true;
  }

  override get mean(): Tensor {
    return E.div(this.concentration1, E.add(this.concentration1, this.concentration0));
  }
  /** ab / ((a + b)²(a + b + 1)). */
  override get variance(): Tensor {
    const a = this.concentration1, b = this.concentration0, total = E.add(a, b);
    return E.div(E.mul(a, b), E.mul(E.square(total), E.add(total, 1)));
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    // (..., 2): the Gamma draws for a and b, interleaved per element
    const concentrations = stack([this.concentration1, this.concentration0], -1);
    const gammas = rsampleStandardGamma(concentrations, [...shape, 2], this.generatorOf(options));
    return select(E.div(gammas, gammas.sum(-1, true)), -1, 0);
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const a = this.concentration1, b = this.concentration0;
    const logNormalizer = E.sub(E.add(lgamma(a), lgamma(b)), lgamma(E.add(a, b)));
    return E.sub(E.add(xlogy(E.sub(a, 1), value), xlogy(E.sub(b, 1), E.sub(1, value))), logNormalizer);
  }

  /** log B(a, b) − (a − 1)ψ(a) − (b − 1)ψ(b) + (a + b − 2)ψ(a + b). */
  override entropy(): Tensor {
    const a = this.concentration1, b = this.concentration0, total = E.add(a, b);
    const t = E.sub(E.add(lgamma(a), lgamma(b)), lgamma(total));
    const u = E.add(E.mul(E.sub(a, 1), digamma(a)), E.mul(E.sub(b, 1), digamma(b)));
    return E.add(E.sub(t, u), E.mul(E.sub(total, 2), digamma(total)));
  }
}
