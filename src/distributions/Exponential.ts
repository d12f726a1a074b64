// The exponential distribution.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { rand, zerosLike } from "../ops/creation.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { asTensor, type Param } from "./utils.js";

/** Exponential(rate λ): density λ e^(−λx) on x ≥ 0. `rsample` = −log(1 − U)/λ. */
export class Exponential extends Distribution {
  readonly rate: Tensor;

  constructor(rate: Param, options: DistributionOptions = {}) {
    const r = asTensor("Exponential", "rate", rate);
    super(r.shape, [], options);
    this.rate = r;
    this.checkParameters({ rate: r });
  }

  get name(): string {
    return "Exponential";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { rate: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.nonnegative;
  }
  override get hasRsample(): boolean {
    return true;
  }

  override get mean(): Tensor {
    return E.reciprocal(this.rate);
  }
  override get mode(): Tensor {
    return zerosLike(this.rate);
  }
  override get stddev(): Tensor {
    return E.reciprocal(this.rate);
  }
  override get variance(): Tensor {
    return E.pow(this.rate, -2);
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const u = rand(shape, { dtype: this.rate.dtype, generator: this.generatorOf(options) });
    return E.div(E.neg(E.log1p(E.neg(u))), this.rate);
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    return E.sub(E.log(this.rate), E.mul(this.rate, value));
  }

  override cdf(value: Tensor): Tensor {
    this.validateSample("cdf", value);
    return E.neg(E.expm1(E.neg(E.mul(this.rate, value))));
  }

  override entropy(): Tensor {
    return E.sub(1, E.log(this.rate));
  }
}
