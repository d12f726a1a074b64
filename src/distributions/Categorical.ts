// The categorical distribution over class indices {0, …, K − 1}.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape, broadcastShapes } from "../tensor/shape.js";
import * as E from "../ops/elementwise.js";
import { arange, full } from "../ops/creation.js";
import { expand, reshape, squeeze, unsqueeze } from "../ops/movement.js";
import { gather } from "../ops/indexing.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { asTensor, finfo, logitsToProbs, probsOrLogits, probsToLogits, type Param, type ProbsOrLogits } from "./utils.js";

/**
 * Categorical(probs) or Categorical({ logits }) over the last dim: P(k) = probs[..., k]. probs are
 * normalized to sum to 1 and logits to log-probabilities (as PyTorch). Samples are int32 class indices.
 * ```ts
 * const d = new ds.distributions.Categorical({ logits: ds.tensor([[0, 1, 2]]) });
 * d.sample([4]);                        // shape [4, 1]
 * d.logProb(ds.tensor([2], { dtype: "int32" }));
 * ```
 */
export class Categorical extends Distribution {
  private probsValue: Tensor | null = null;
  private logitsValue: Tensor | null = null;
  /** K, the number of categories. */
  readonly numEvents: number;
  /** Which parameter the distribution was built from. */
  readonly parameterization: "probs" | "logits";

  constructor(probs: Param | ProbsOrLogits, options: DistributionOptions = {}) {
    const given = probsOrLogits("Categorical", probs);
    const raw = given.probs !== undefined ? asTensor("Categorical", "probs", given.probs) : asTensor("Categorical", "logits", given.logits);
    const what = given.probs !== undefined ? "probs" : "logits";
    if (raw.ndim < 1) throw new Error(`Categorical: ${what} must have at least one dim (the categories), got shape ${fmtShape(raw.shape)}`);
    if (raw.shape[raw.ndim - 1]! < 1) throw new Error(`Categorical: ${what} must have at least one category, got shape ${fmtShape(raw.shape)}`);
    super(raw.shape.slice(0, -1), [], options);
    this.numEvents = raw.shape[raw.ndim - 1]!;
    this.parameterization = what;
    if (given.probs !== undefined) {
      this.probsValue = E.div(raw, raw.sum(-1, true));
      this.checkParameters({ probs: this.probsValue });
    } else {
      this.logitsValue = E.sub(raw, raw.logsumexp(-1, true));
      this.checkParameters({ logits: this.logitsValue });
    }
  }

  get name(): string {
    return "Categorical";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return { probs: constraints.simplex, logits: constraints.realVector };
  }
  get support(): constraints.Constraint {
    return constraints.integerInterval(0, this.numEvents - 1);
  }

  /** Normalized probabilities, shape [...batchShape, K]. */
  get probs(): Tensor {
    return (this.probsValue ??= logitsToProbs(this.logitsValue!));
  }
  /** Normalized log-probabilities (log of probs clamped to [eps, 1 − eps] when built from probs). */
  get logits(): Tensor {
    return (this.logitsValue ??= probsToLogits(this.probsValue!));
  }

  /** Undefined for class labels: NaN (as PyTorch). */
  override get mean(): Tensor {
    return full([...this.batchShape], Number.NaN, { dtype: this.probs.dtype });
  }
  override get variance(): Tensor {
    return full([...this.batchShape], Number.NaN, { dtype: this.probs.dtype });
  }
  /** The most probable class (int32). */
  override get mode(): Tensor {
    return this.probs.argmax(-1);
  }

  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("sample", sampleShape);
    const gen = this.generatorOf(options);
    const K = this.numEvents;
    const probs = this.probs.detach().dataSync();
    const rows = probs.length / K;
    const out = new Int32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < out.length; i++) out[i] = gen.categorical(probs.subarray((i % rows) * K, (i % rows + 1) * K));
    return Tensor.fromData(out, shape, "int32");
  }

  /** logits[..., value]; value holds class indices (int32, or floats holding integers) broadcast with the batch. */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const index = value.dtype === "int32" ? value : E.cast(value, "int32");
    const shape = broadcastShapes("Categorical.logProb", index.shape, this.batchShape);
    const logits = expand(this.logits, [...shape, this.numEvents]);
    return squeeze(gather(logits, -1, unsqueeze(expand(index, shape), -1).contiguous()), -1);
  }

  /** −Σ p log p (with −∞ logits clamped to the most negative float, so 0·log 0 = 0). */
  override entropy(): Tensor {
    const logits = E.clamp(this.logits, { min: -finfo(this.logits.dtype).max });
    return E.neg(E.mul(logits, this.probs).sum(-1));
  }

  /** 0, …, K − 1 broadcast over the batch: shape [K, ...batchShape] (int32; [K, 1, …] with expand = false). */
  enumerateSupport(expandValues = true): Tensor {
    const values = reshape(arange(0, this.numEvents, 1, { dtype: "int32" }), [this.numEvents, ...this.batchShape.map(() => 1)]);
    return expandValues ? expand(values, [this.numEvents, ...this.batchShape]) : values;
  }
}
