// The Bernoulli distribution over {0, 1}.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { arange } from "../ops/creation.js";
import { expand, reshape } from "../ops/movement.js";
import { where } from "../ops/indexing.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { drawEach } from "./samplers.js";
import { asTensor, logitsToProbs, probsOrLogits, probsToLogits, softplus, type Param, type ProbsOrLogits } from "./utils.js";

/**
 * Bernoulli(probs) or Bernoulli({ logits }): P(1) = p, P(0) = 1 − p. Samples are floats 0/1 (as
 * PyTorch); not reparameterizable (see RelaxedBernoulli for a relaxed, differentiable version).
 * ```ts
 * new ds.distributions.Bernoulli(0.3).sample([5]);
 * new ds.distributions.Bernoulli({ logits: ds.tensor([-1, 2]) }).logProb(ds.tensor([0, 1]));
 * ```
 */
export class Bernoulli extends Distribution {
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;

  constructor(probs: Param | ProbsOrLogits, options: DistributionOptions = {}) {
    const given = probsOrLogits("Bernoulli", probs);
    const param = given.probs !== undefined ? asTensor("Bernoulli", "probs", given.probs) : asTensor("Bernoulli", "logits", given.logits);
    super(param.shape, [], options);
    if (given.probs !== undefined) {
      this.probsValue = param;
      this.checkParameters({ probs: param });
    } else {
      this.logitsValue = param;
      this.checkParameters({ logits: param });
    }
  }

  get name(): string {
    return "Bernoulli";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.unitInterval, logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.boolean;
  }

  /** P(1). */
  get probs(): Tensor {
    return (this.probsValue ??= logitsToProbs(this.logitsValue!, true));
  }
  /** log(p / (1 − p)), from probs clamped into [eps, 1 − eps]. */
  get logits(): Tensor {
    return (this.logitsValue ??= probsToLogits(this.probsValue!, true));
  }

  override get mean(): Tensor {
    return this.probs;
  }
  /** 1 where p > 1/2, 0 where p < 1/2, NaN at 1/2 (as PyTorch). */
  override get mode(): Tensor {
    const p = this.probs;
    return where(E.eq(p, 0.5), Number.NaN, E.cast(E.ge(p, 0.5), p.dtype));
  }
  override get variance(): Tensor {
    return E.mul(this.probs, E.sub(1, this.probs));
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("sample", sampleShape);
    const gen = this.generatorOf(options);
    return drawEach(this.probs, shape, (p) => (gen.random() < p ? 1 : 0));
  }

  /** −BCE with logits: v·l − softplus(l) = −softplus(−l) − (1 − v)·l. */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const l = this.logits;
    return E.neg(E.add(softplus(E.neg(l)), E.mul(E.sub(1, value), l)));
  }

  /** BCE with logits of p against itself. */
  override entropy(): Tensor {
    const l = this.logits;
    return E.add(softplus(E.neg(l)), E.mul(E.sub(1, this.probs), l));
  }

  /** [0, 1] broadcast over the batch: shape [2, ...batchShape] (or [2] with expand = false). */
  enumerateSupport(expandValues = true): Tensor {
    const values = reshape(arange(0, 2, 1, { dtype: this.probs.dtype }), [2, ...this.batchShape.map(() => 1)]);
    return expandValues ? expand(values, [2, ...this.batchShape]) : values;
  }
}
