// The Laplace (double exponential) distribution.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { rand } from "../ops/creation.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { broadcastAll, finfo, type Param } from "./utils.js";

/**
 * Laplace(loc, scale): density exp(−|x − loc|/scale) / (2 scale). `rsample` inverts the CDF at
 * U ~ Uniform(eps − 1, 1): loc − scale·sign(U)·log(1 − |U|).
 */
export class Laplace extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  constructor(loc: Param, scale: Param, options: DistributionOptions = {}) {
    const [l, s] = broadcastAll("Laplace", { loc, scale });
    super(l!.shape, [], options);
    this.loc = l!;
    this.scale = s!;
    this.checkParameters({ loc: this.loc, scale: this.scale });
  }

  get name(): string {
    return "Laplace";
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
    return E.mul(this.scale, Math.SQRT2);
  }
  override get variance(): Tensor {
    return E.mul(E.square(this.scale), 2);
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const eps = finfo(this.loc.dtype).eps;
    // U uniform on [eps − 1, 1): |U| < 1, so log1p(−|U|) is finite
    const u = E.add(E.mul(rand(shape, { dtype: this.loc.dtype, generator: this.generatorOf(options) }), 2 - eps), eps - 1);
    return E.sub(this.loc, E.mul(E.mul(this.scale, E.sign(u)), E.log1p(E.neg(E.abs(u)))));
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    return E.sub(E.neg(E.log(E.mul(this.scale, 2))), E.div(E.abs(E.sub(value, this.loc)), this.scale));
  }

  override cdf(value: Tensor): Tensor {
    this.validateSample("cdf", value);
    const d = E.sub(value, this.loc);
    return E.sub(0.5, E.mul(E.mul(E.sign(d), 0.5), E.expm1(E.neg(E.div(E.abs(d), this.scale)))));
  }

  override entropy(): Tensor {
    return E.add(E.log(E.mul(this.scale, 2)), 1);
  }
}
