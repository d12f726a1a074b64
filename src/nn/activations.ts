// Activation layers: thin Modules over nn.functional's activations.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";
import * as F from "./functional/activations.js";
import { pyFloat, pyStr } from "./pyRepr.js";

/** Elementwise `max(x, 0)` as a layer (`torch.nn.ReLU`). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}
/** Elementwise logistic sigmoid `1 / (1 + e⁻ˣ)` as a layer (`torch.nn.Sigmoid`). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}
/** Elementwise hyperbolic tangent as a layer (`torch.nn.Tanh`). */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}
/**
 * Leaky ReLU as a layer (`torch.nn.LeakyReLU`): x for x > 0, `negativeSlope`·x otherwise (default slope
 * 0.01).
 */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}
/** ELU as a layer (`torch.nn.ELU`): x for x > 0, α(eˣ − 1) otherwise (default α = 1). */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}
/**
 * SELU as a layer (`torch.nn.SELU`): scale · elu(x, α) with the self-normalizing constants of Klambauer et
 * al. (2017).
 */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return F.selu(x);
  }
}
/** GELU, exact (erf) by default or with the tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}
/** x·σ(βx); β = 1 is SiLU (printed `SiLU()` as PyTorch's; other β, which PyTorch lacks, as `SiLU(beta=2.5)`). */
export class SiLU extends Module {
  constructor(readonly beta = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.silu(x, this.beta);
  }
  override extraRepr(): string {
    return this.beta === 1 ? "" : `beta=${pyFloat(this.beta)}`;
  }
}
/** Swish with a fixed β (Ramachandran et al. 2017); the same function as SiLU(β). */
export class Swish extends SiLU {}
/**
 * Softplus as a layer (`torch.nn.Softplus`): (1/β)·log(1 + e^(βx)), and x itself where βx exceeds `threshold`
 * (defaults β = 1, threshold = 20).
 */
export class Softplus extends Module {
  constructor(readonly options: { beta?: number; threshold?: number } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.options);
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.options.beta ?? 1)}, threshold=${pyFloat(this.options.threshold ?? 20)}`;
  }
}
/** Hardtanh as a layer (`torch.nn.Hardtanh`): x clamped into [`minVal`, `maxVal`] (default [−1, 1]). */
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
  }
}
/** Softmax over `dim` (default the last) as a layer (`torch.nn.Softmax`). */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
/** Log-softmax over `dim` (default the last) as a layer (`torch.nn.LogSoftmax`). */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
