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

export class MSELoss extends Loss<F.ReductionOptions> {
  constructor(options: F.ReductionOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}
export class L1Loss extends Loss<F.ReductionOptions> {
  constructor(options: F.ReductionOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}
export class LpLoss extends Loss<F.ReductionOptions & { p?: number }> {
  constructor(options: F.ReductionOptions & { p?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.lpLoss(input, target, this.options);
  }
}
export class HuberLoss extends Loss<F.ReductionOptions & { delta?: number }> {
  constructor(options: F.ReductionOptions & { delta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
}
export class SmoothL1Loss extends Loss<F.ReductionOptions & { beta?: number }> {
  constructor(options: F.ReductionOptions & { beta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}
export class BCELoss extends Loss<F.ReductionOptions & { weight?: Tensor }> {
  constructor(options: F.ReductionOptions & { weight?: Tensor } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}
export class BCEWithLogitsLoss extends Loss<F.ReductionOptions & { weight?: Tensor; posWeight?: Tensor }> {
  constructor(options: F.ReductionOptions & { weight?: Tensor; posWeight?: Tensor } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
export class CrossEntropyLoss extends Loss<F.CrossEntropyOptions> {
  constructor(options: F.CrossEntropyOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
}
export class NLLLoss extends Loss<F.NllOptions> {
  constructor(options: F.NllOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.options);
  }
}
export class KLDivLoss extends Loss<{ reduction?: F.Reduction | "batchmean"; logTarget?: boolean }> {
  constructor(options: { reduction?: F.Reduction | "batchmean"; logTarget?: boolean } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}
export class HingeEmbeddingLoss extends Loss<F.ReductionOptions & { margin?: number }> {
  constructor(options: F.ReductionOptions & { margin?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this.options);
  }
}
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
