// Dropout and channel dropout (Dropout1d/2d/3d): zero activations at random in training (scaled by
// 1/(1 − p)), identity in evaluation.
import type { Tensor } from "../tensor/Tensor.js";
import type { Generator } from "../random/Generator.js";
import { Module } from "./Module.js";
import { dropout, dropout1d, dropout2d, dropout3d } from "./functional/layers.js";
import { pyFloat } from "./pyRepr.js";

/**
 * Inverted dropout (Srivastava et al. 2014): each element is kept with probability 1 − p and scaled by
 * 1/(1 − p) in training mode; `eval()` turns it off. Masks come from `generator` (seeded) or the default
 * generator (`manualSeed`).
 */
export class Dropout extends Module {
  private readonly _generator: Generator | undefined;
  constructor(readonly p = 0.5, options: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: probability p must be in [0, 1], got ${p}`);
    this._generator = options.generator;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, generator: this._generator });
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

/** Shared by Dropout1d/2d/3d: whole channels are zeroed, as PyTorch's feature dropout. */
abstract class ChannelDropout extends Module {
  private readonly _generator: Generator | undefined;
  constructor(readonly p = 0.5, options: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`${new.target.name}: probability p must be in [0, 1], got ${p}`);
    this._generator = options.generator;
  }
  protected abstract drop(x: Tensor, options: { p: number; training: boolean; generator?: Generator }): Tensor;
  forward(x: Tensor): Tensor {
    return this.drop(x, { p: this.p, training: this.training, generator: this._generator });
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

/** Channel dropout of (N, C, L) or (C, L): each channel's sequence is kept or zeroed as a whole. */
export class Dropout1d extends ChannelDropout {
  protected drop(x: Tensor, options: { p: number; training: boolean; generator?: Generator }): Tensor {
    return dropout1d(x, options);
  }
}

/**
 * Channel dropout of (N, C, H, W) (Tompson et al. 2015, arXiv:1411.4280): each feature map is kept or
 * zeroed as a whole, for convolutional features whose neighbouring pixels are correlated.
 */
export class Dropout2d extends ChannelDropout {
  protected drop(x: Tensor, options: { p: number; training: boolean; generator?: Generator }): Tensor {
    return dropout2d(x, options);
  }
}

/** Channel dropout of (N, C, D, H, W) or (C, D, H, W). */
export class Dropout3d extends ChannelDropout {
  protected drop(x: Tensor, options: { p: number; training: boolean; generator?: Generator }): Tensor {
    return dropout3d(x, options);
  }
}
