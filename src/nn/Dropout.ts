// Dropout: zeroes activations at random in training (scaled by 1/(1 − p)), identity in evaluation.
import type { Tensor } from "../tensor/Tensor.js";
import type { Generator } from "../random/Generator.js";
import { Module } from "./Module.js";
import { dropout } from "./functional/layers.js";
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
