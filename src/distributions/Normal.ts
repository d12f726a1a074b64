// The normal (Gaussian) distribution N(loc, scale²).
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { randn } from "../ops/creation.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { broadcastAll, type Param } from "./utils.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Normal(loc, scale): density exp(−(x − loc)²/(2 scale²)) / (scale √(2π)).
 * ```ts
 * const d = new ds.distributions.Normal(0, 1);
 * d.logProb(ds.tensor(0.5)); // −1.0439
 * d.rsample([3]);            // loc + scale·ε, differentiable in loc and scale
 * ```
 */
export class Normal extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    const [l, s] = broadcastAll("Normal", { loc, scale });
    super(l!.shape, [], options);
    this.loc = l!;
    this.scale = s!;
    this.checkParameters({ loc: this.loc, scale: this.scale });
  }

  get name(): string {
    return "Normal";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { loc: constraints.real, scale: constraints.positive };
  }
  get support(): constraints.Constraint {
    return constraints.real;
  }
  override get hasRsample(): boolean {
    return true;
  }

  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get stddev(): Tensor {
    return this.scale;
  }
  override get variance(): Tensor {
    return E.square(this.scale);
  }

  /** loc + scale·ε with ε ~ N(0, 1). */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const eps = randn(shape, { dtype: this.loc.dtype, generator: this.generatorOf(options) });
    return E.add(this.loc, E.mul(eps, this.scale));
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const z = E.div(E.sub(value, this.loc), this.scale);
    return E.sub(E.sub(E.mul(E.square(z), -0.5), E.log(this.scale)), LOG_SQRT_2PI);
  }

  override cdf(value: Tensor): Tensor {
    this.validateSample("cdf", value);
    return E.mul(E.add(E.erf(E.div(E.sub(value, this.loc), E.mul(this.scale, Math.SQRT2))), 1), 0.5);
  }

  override entropy(): Tensor {
    return E.add(E.log(this.scale), 0.5 + LOG_SQRT_2PI);
  }
}
