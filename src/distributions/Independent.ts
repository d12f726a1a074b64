// Reinterprets batch dims of a distribution as event dims (e.g. a diagonal Gaussian from Normal).
import type { Tensor } from "../tensor/Tensor.js";
import { checkInt } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { sumRightmost } from "./utils.js";

/**
 * Independent(base, n): the `n` rightmost batch dims of `base` become event dims, so `logProb` and
 * `entropy` sum over them. `new Independent(new Normal(mu, sigma), 1)` is a Gaussian with diagonal
 * covariance whose `logProb` gives one number per vector.
 */
export class Independent extends Distribution {
  readonly baseDist: Distribution;
  readonly reinterpretedBatchNdims: number;

  constructor(baseDistribution: Distribution, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    if (!(baseDistribution instanceof Distribution)) throw new Error("Independent: baseDistribution must be a Distribution");
    checkInt("Independent", "reinterpretedBatchNdims", reinterpretedBatchNdims);
    const batch = baseDistribution.batchShape;
    if (reinterpretedBatchNdims < 0 || reinterpretedBatchNdims > batch.length) {
      throw new Error(
        `Independent: reinterpretedBatchNdims must be between 0 and the base distribution's ${batch.length} batch dims ${fmtShape(batch)}, got ${reinterpretedBatchNdims}`,
      );
    }
    const split = batch.length - reinterpretedBatchNdims;
    super(batch.slice(0, split), [...batch.slice(split), ...baseDistribution.eventShape], options);
    this.baseDist = baseDistribution;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
  }

  get name(): string {
    return "Independent";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  get support(): constraints.Constraint {
    return constraints.independent(this.baseDist.support, this.reinterpretedBatchNdims);
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }

  override get mean(): Tensor {
    return this.baseDist.mean;
  }
  override get mode(): Tensor {
    return this.baseDist.mode;
  }
  override get variance(): Tensor {
    return this.baseDist.variance;
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.baseDist.sample(sampleShape, options);
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.baseDist.rsample(sampleShape, options);
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims);
  }

  override entropy(): Tensor {
    return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims);
  }

  override toString(): string {
    return `Independent(${this.baseDist}, ${this.reinterpretedBatchNdims})`;
  }
}
