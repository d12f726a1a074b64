// The continuous uniform distribution on [low, high).
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { rand, fullLike } from "../ops/creation.js";
import { fmtShape } from "../tensor/shape.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { broadcastAll, type Param } from "./utils.js";

/**
 * Uniform(low, high): density 1/(high − low) on [low, high). `rsample` = low + U·(high − low) is
 * differentiable in both bounds.
 */
export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;

  constructor(low: Param, high: Param, options: DistributionOptions = {}) {
    const [lo, hi] = broadcastAll("Uniform", { low, high });
    super(lo!.shape, [], options);
    this.low = lo!;
    this.high = hi!;
    if (this.validateArgs) {
      const ok = E.lt(lo!, hi!).dataSync();
      const at = ok.findIndex((v) => v === 0);
      if (at >= 0) {
        const l = lo!.dataSync()[at], h = hi!.dataSync()[at];
        throw new Error(`Uniform: low must be less than high, but low = ${l} and high = ${h} at flat index ${at} of the batch shape ${fmtShape(lo!.shape)}`);
      }
    }
  }

  get name(): string {
    return "Uniform";
  }
  /** low and high constrain each other (low < high), checked on construction. */
  get argConstraints(): Record<string, constraints.Constraint> {
    return { low: constraints.dependent, high: constraints.dependent };
  }
  get support(): constraints.Constraint {
    return constraints.interval(this.low, this.high);
  }
  override get hasRsample(): boolean {
    return true;
  }

  override get mean(): Tensor {
    return E.mul(E.add(this.high, this.low), 0.5);
  }
  /** Every point is a mode: NaN (as PyTorch). */
  override get mode(): Tensor {
    return fullLike(this.high, Number.NaN);
  }
  override get stddev(): Tensor {
    return E.div(E.sub(this.high, this.low), Math.sqrt(12));
  }
  override get variance(): Tensor {
    return E.div(E.square(E.sub(this.high, this.low)), 12);
  }

  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const u = rand(shape, { dtype: this.low.dtype, generator: this.generatorOf(options) });
    return E.add(this.low, E.mul(u, E.sub(this.high, this.low)));
  }

  /** −log(high − low) inside [low, high), −∞ outside. */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const inside = E.cast(E.logicalAnd(E.le(this.low, value), E.gt(this.high, value)), this.low.dtype);
    return E.sub(E.log(inside), E.log(E.sub(this.high, this.low)));
  }

  override cdf(value: Tensor): Tensor {
    this.validateSample("cdf", value);
    return E.clamp(E.div(E.sub(value, this.low), E.sub(this.high, this.low)), { min: 0, max: 1 });
  }

  override entropy(): Tensor {
    return E.log(E.sub(this.high, this.low));
  }
}
