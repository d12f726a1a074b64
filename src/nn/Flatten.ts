// Shape layers: Flatten merges a range of dims, Unflatten splits one dim into several.
import type { Tensor } from "../tensor/Tensor.js";
import { normalizeDim, numel } from "../tensor/shape.js";
import { Module } from "./Module.js";
import { pyTuple } from "./pyRepr.js";

/** Flattens dims startDim..endDim into one (default 1..−1: keeps the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `sizes` (one entry may be −1): (N, 12) → (N, 3, 4). */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly sizes: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    const d = normalizeDim("Unflatten", this.dim, x.ndim);
    const known = numel(this.sizes.filter((s) => s !== -1));
    const n = x.shape[d]!;
    if (this.sizes.includes(-1) ? n % known !== 0 : known !== n) {
      throw new Error(`Unflatten: dim ${this.dim} of size ${n} cannot be split into [${this.sizes.join(", ")}]`);
    }
    return x.reshape([...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.sizes)}`;
  }
}
