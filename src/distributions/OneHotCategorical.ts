// The one-hot categorical distribution: a Categorical whose samples are one-hot vectors.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { oneHot } from "../ops/indexing.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { Categorical } from "./Categorical.js";
import type { Param, ProbsOrLogits } from "./utils.js";

/**
 * OneHotCategorical(probs) or OneHotCategorical({ logits }): a class drawn as Categorical, returned as a
 * one-hot float vector of length K (the event). See RelaxedOneHotCategorical for a differentiable relaxation.
 */
export class OneHotCategorical extends Distribution {
  /** The Categorical over class indices that this distribution one-hot encodes. */
  readonly categorical: Categorical;

  constructor(probs: Param | ProbsOrLogits, options: DistributionOptions = {}) {
    const categorical = new Categorical(probs, { ...options, validateArgs: false });
    super(categorical.batchShape, [categorical.numEvents], options);
    this.categorical = categorical;
    const given = categorical.parameterization;
    this.checkParameters({ [given]: categorical[given] });
  }

  get name(): string {
    return "OneHotCategorical";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.oneHot;
  }

  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }

  override get mean(): Tensor {
    return this.probs;
  }
  /** The one-hot vector of the most probable class. */
  override get mode(): Tensor {
    return E.cast(oneHot(this.probs.argmax(-1), this.categorical.numEvents), this.probs.dtype);
  }
  override get variance(): Tensor {
    return E.mul(this.probs, E.sub(1, this.probs));
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    this.extendedShape("sample", sampleShape);
    return E.cast(oneHot(this.categorical.sample(sampleShape, options), this.categorical.numEvents), this.probs.dtype);
  }

  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    return this.categorical.logProb(value.argmax(-1));
  }

  override entropy(): Tensor {
    return this.categorical.entropy();
  }
}
