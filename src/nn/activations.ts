// Activation layers: thin Modules over nn.functional's activations.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";
import * as F from "./functional/activations.js";
import { pyFloat, pyStr } from "./pyRepr.js";

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}
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
