// The Poisson distribution over counts.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { lgamma } from "../ops/special.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { drawEach, poisson } from "./samplers.js";
import { asTensor, xlogy, type Param } from "./utils.js";

/**
 * Poisson(rate λ): P(k) = λᵏ e^(−λ) / k! on k = 0, 1, 2, …. Samples (floats holding integers, as
 * PyTorch) by Knuth's method for λ < 10 and Hörmann's PTRS above; not reparameterizable.
 */
export class Poisson extends Distribution {
  readonly rate: Tensor;

  constructor(rate: Param, options: DistributionOptions = {}) {
    const r = asTensor("Poisson", "rate", rate);
    super(r.shape, [], options);
    this.rate = r;
    this.checkParameters({ rate: r });
  }

  get name(): string {
    return "Poisson";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { rate: constraints.nonnegative };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegativeInteger;
  }

  override get mean(): Tensor {
    return this.rate;
  }
  override get mode(): Tensor {
    return E.floor(this.rate);
  }
  override get variance(): Tensor {
    return this.rate;
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("sample", sampleShape);
    const gen = this.generatorOf(options);
    return drawEach(this.rate, shape, (rate) => poisson(rate, gen));
  }

  /** k log λ − λ − log k!. */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    return E.sub(E.sub(xlogy(value, this.rate), this.rate), lgamma(E.add(value, 1)));
  }
}
