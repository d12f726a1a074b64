// The relaxed (Concrete / binary Gumbel-softmax) Bernoulli distribution on (0, 1).
import type { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { rand } from "../ops/creation.js";
import { expand } from "../ops/movement.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { asTensor, clampProbs, finfo, logitsToProbs, probsOrLogits, probsToLogits, softplus, type Param, type ProbsOrLogits } from "./utils.js";

/**
 * RelaxedBernoulli(temperature, probs | { logits }): a continuous relaxation of Bernoulli on (0, 1)
 * (Maddison et al. 2017, https://arxiv.org/abs/1611.00712; Jang et al. 2017). A sample is
 * σ((logit U + logits)/temperature) with U uniform: reparameterized, and as temperature → 0 the
 * samples approach Bernoulli draws. PyTorch builds it as sigmoid of a LogitRelaxedBernoulli, whose
 * density and Jacobian give `logProb` here.
 */
export class RelaxedBernoulli extends Distribution {
  readonly temperature: Tensor;
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;

  constructor(temperature: Param, probs: Param | ProbsOrLogits, options: DistributionOptions = {}) {
    const given = probsOrLogits("RelaxedBernoulli", probs);
    const param = given.probs !== undefined ? asTensor("RelaxedBernoulli", "probs", given.probs) : asTensor("RelaxedBernoulli", "logits", given.logits);
    super(param.shape, [], options);
    this.temperature = E.cast(asTensor("RelaxedBernoulli", "temperature", temperature), param.dtype);
    if (given.probs !== undefined) this.probsValue = param;
    else this.logitsValue = param;
    this.checkParameters({ temperature: this.temperature, [given.probs !== undefined ? "probs" : "logits"]: param });
  }

  get name(): string {
    return "RelaxedBernoulli";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { temperature: constraints.positive, probs: constraints.unitInterval, logits: constraints.real };
  }
  get support(): constraints.Constraint {
    return constraints.unitInterval;
  }
  override get hasRsample(): boolean {
    return true;
  }

  get probs(): Tensor {
    return (this.probsValue ??= logitsToProbs(this.logitsValue!, true));
  }
  get logits(): Tensor {
    return (this.logitsValue ??= probsToLogits(this.probsValue!, true));
  }

  /** σ((log U − log(1 − U) + log p − log(1 − p)) / temperature), clamped into [tiny, 1 − eps]. */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const probs = clampProbs(expand(this.probs, shape));
    const u = clampProbs(rand(shape, { dtype: probs.dtype, generator: this.generatorOf(options) }));
    const logit = E.add(E.sub(E.log(u), E.log1p(E.neg(u))), E.sub(E.log(probs), E.log1p(E.neg(probs))));
    const { eps, tiny } = finfo(probs.dtype);
    return E.clamp(E.sigmoid(E.div(logit, this.temperature)), { min: tiny, max: 1 - eps });
  }

  /**
   * The LogitRelaxedBernoulli density at x = logit(value), log T + d − 2 log(1 + eᵈ) with
   * d = logits − T·x, minus log |dσ/dx| = −softplus(−x) − softplus(x).
   */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const { eps, tiny } = finfo(this.temperature.dtype);
    const y = E.clamp(value, { min: tiny, max: 1 - eps });
    const x = E.sub(E.log(y), E.log1p(E.neg(y)));
    const T = this.temperature;
    const d = E.sub(this.logits, E.mul(x, T));
    const base = E.sub(E.add(E.log(T), d), E.mul(softplus(d), 2));
    const logAbsDetJacobian = E.neg(E.add(softplus(E.neg(x)), softplus(x)));
    return E.sub(base, logAbsDetJacobian);
  }
}
