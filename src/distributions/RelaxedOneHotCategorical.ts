// The relaxed one-hot categorical (Concrete / Gumbel-softmax) distribution on the simplex.
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { rand } from "../ops/creation.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { Categorical } from "./Categorical.js";
import { asTensor, clampProbs, type Param, type ProbsOrLogits } from "./utils.js";

/**
 * RelaxedOneHotCategorical(temperature, probs | { logits }): the Gumbel-softmax relaxation of
 * OneHotCategorical (Jang et al. 2017, https://arxiv.org/abs/1611.01144; Maddison et al. 2017).
 * A sample is softmax((logits + G)/temperature) with Gumbel noise G = −log(−log U): a point of the
 * simplex, differentiable in logits and temperature, one-hot in the limit temperature → 0.
 */
export class RelaxedOneHotCategorical extends Distribution {
  readonly temperature: Tensor;
  private readonly categorical: Categorical;

  constructor(temperature: Param, probs: Param | ProbsOrLogits, options: DistributionOptions = {}) {
    const categorical = new Categorical(probs, { validateArgs: false });
    super(categorical.batchShape, [categorical.numEvents], options);
    this.categorical = categorical;
    const given = categorical.parameterization;
    this.temperature = E.cast(asTensor("RelaxedOneHotCategorical", "temperature", temperature), categorical[given].dtype);
    this.checkParameters({ temperature: this.temperature, [given]: categorical[given] });
  }

  get name(): string {
    return "RelaxedOneHotCategorical";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { temperature: constraints.positive, probs: constraints.simplex, logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.simplex;
  }
  override get hasRsample(): boolean {
    return true;
  }

  get probs(): Tensor {
    return this.categorical.probs;
  }
  /** Normalized log-probabilities. */
  get logits(): Tensor {
    return this.categorical.logits;
  }

  /** softmax((logits + G)/T) with G = −log(−log U), computed as exp of a log-softmax. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const u = clampProbs(rand(shape, { dtype: this.logits.dtype, generator: this.generatorOf(options) }));
    const gumbels = E.neg(E.log(E.neg(E.log(u))));
    const scores = E.div(E.add(this.logits, gumbels), this.temperature);
    return E.exp(E.sub(scores, scores.logsumexp(-1, true)));
  }

  /**
   * The ExpRelaxedCategorical density at x = log(value),
   * log Γ(K) + (K − 1) log T + Σ (s − logsumexp s) with s = logits − T·x, minus the Jacobian Σ x.
   */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const K = this.categorical.numEvents, T = this.temperature;
    const x = E.log(value);
    let logGammaK = 0; // log Γ(K) = log (K − 1)!
    for (let j = 2; j < K; j++) logGammaK += Math.log(j);
    const logScale = E.add(E.mul(E.log(T), K - 1), logGammaK);
    const score = E.sub(this.logits, E.mul(x, T));
    const base = E.add(E.sub(score, score.logsumexp(-1, true)).sum(-1), logScale);
    return E.sub(base, x.sum(-1));
  }
}
