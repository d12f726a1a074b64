// Loss layers: Modules holding a loss's options, `loss.call(input, target)`.
import { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";
import * as F from "./functional/losses.js";

/**
 * Base of the two-argument losses: forward(input, target) → loss. Class weights (`weight`,
 * `posWeight`) are buffers, as PyTorch's, so they appear in the state dict (`weight`, `pos_weight`)
 * and `loadStateDict` writes into the tensors the options hold.
 */
abstract class Loss<O> extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: O) {
    super();
    const { weight, posWeight } = options as { weight?: unknown; posWeight?: unknown };
    if (weight instanceof Tensor) this.registerBuffer("weight", weight);
    if (posWeight instanceof Tensor) this.registerBuffer("posWeight", posWeight);
  }
}

/**
 * Mean squared error (x − y)² as a layer (`torch.nn.MSELoss`); `forward(input, target)`, reduced by
 * `options.reduction` (default "mean").
 */
export class MSELoss extends Loss<F.ReductionOptions> {
  constructor(options: F.ReductionOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}
/**
 * Mean absolute error |x − y| as a layer (`torch.nn.L1Loss`), reduced by `options.reduction` (default
 * "mean").
 */
export class L1Loss extends Loss<F.ReductionOptions> {
  constructor(options: F.ReductionOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}
/**
 * Power-p error |x − y|ᵖ as a layer (`options.p`, default 2; p = 1 is L1), reduced by `options.reduction`.
 */
export class LpLoss extends Loss<F.ReductionOptions & { p?: number }> {
  constructor(options: F.ReductionOptions & { p?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.lpLoss(input, target, this.options);
  }
}
/**
 * Huber loss as a layer (`torch.nn.HuberLoss`): ½d² for |d| < δ, δ(|d| − ½δ) otherwise, with d = x − y and δ
 * = `options.delta` (default 1).
 */
export class HuberLoss extends Loss<F.ReductionOptions & { delta?: number }> {
  constructor(options: F.ReductionOptions & { delta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
}
/**
 * Smooth L1 loss as a layer (`torch.nn.SmoothL1Loss`): ½d²/β for |d| < β, |d| − ½β otherwise (`options.beta`,
 * default 1).
 */
export class SmoothL1Loss extends Loss<F.ReductionOptions & { beta?: number }> {
  constructor(options: F.ReductionOptions & { beta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}
/**
 * Binary cross-entropy on probabilities as a layer (`torch.nn.BCELoss`), with optional per-element `weight`
 * (a buffer).
 */
export class BCELoss extends Loss<F.ReductionOptions & { weight?: Tensor }> {
  constructor(options: F.ReductionOptions & { weight?: Tensor } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}
/**
 * Binary cross-entropy on logits, computed stably, as a layer (`torch.nn.BCEWithLogitsLoss`); `weight` and
 * `posWeight` are buffers.
 */
export class BCEWithLogitsLoss extends Loss<F.ReductionOptions & { weight?: Tensor; posWeight?: Tensor }> {
  constructor(options: F.ReductionOptions & { weight?: Tensor; posWeight?: Tensor } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
/**
 * Cross-entropy of logits (N, C, …) with class indices or class probabilities as a layer
 * (`torch.nn.CrossEntropyLoss`); see {@link F.crossEntropy | functional.crossEntropy} for the options.
 */
export class CrossEntropyLoss extends Loss<F.CrossEntropyOptions> {
  constructor(options: F.CrossEntropyOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
}
/**
 * Negative log-likelihood of class indices given log-probabilities as a layer (`torch.nn.NLLLoss`), with
 * optional class `weight` and `ignoreIndex`.
 */
export class NLLLoss extends Loss<F.NllOptions> {
  constructor(options: F.NllOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.options);
  }
}
/**
 * Kullback–Leibler divergence KL(target ‖ input) with `input` as log-probabilities as a layer
 * (`torch.nn.KLDivLoss`); "batchmean" divides the sum by the batch size.
 */
export class KLDivLoss extends Loss<{ reduction?: F.Reduction | "batchmean"; logTarget?: boolean }> {
  constructor(options: { reduction?: F.Reduction | "batchmean"; logTarget?: boolean } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}
/**
 * Hinge embedding loss as a layer (`torch.nn.HingeEmbeddingLoss`): x where y = 1, max(0, margin − x) where y
 * = −1 (`options.margin`, default 1).
 */
export class HingeEmbeddingLoss extends Loss<F.ReductionOptions & { margin?: number }> {
  constructor(options: F.ReductionOptions & { margin?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this.options);
  }
}
/**
 * Multi-class hinge loss as a layer (`torch.nn.MultiMarginLoss`): Σ_{i≠y} w_y·max(0, margin − x_y + x_i)ᵖ / C
 * per sample (p ∈ {1, 2}, default 1; margin default 1).
 */
export class MultiMarginLoss extends Loss<F.ReductionOptions & { p?: 1 | 2; margin?: number; weight?: Tensor }> {
  constructor(options: F.ReductionOptions & { p?: 1 | 2; margin?: number; weight?: Tensor } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.multiMarginLoss(input, target, this.options);
  }
}
/** forward(input1, input2, target): max(0, −y(x₁ − x₂) + margin). */
export class MarginRankingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  constructor(readonly options: F.ReductionOptions & { margin?: number } = {}) {
    super();
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, this.options);
  }
}
