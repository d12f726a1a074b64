// Embedding: a lookup table of learned vectors indexed by int32 ids.
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { noGrad } from "../autograd/engine.js";
import type { Generator } from "../random/Generator.js";
import { empty } from "./empty.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import * as init from "./init.js";
import { embedding } from "./functional/layers.js";

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, initialized N(0, 1) as PyTorch. The row
 * `paddingIdx` (if given) starts at zero and receives no gradient.
 *
 * ```ts
 * const emb = new nn.Embedding(1000, 64, { paddingIdx: 0 });
 * emb.call(tokens); // int32 (B, T) → (B, T, 64)
 * ```
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | undefined;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { paddingIdx?: number; dtype?: DType; generator?: Generator } = {}) {
    super();
    let pad = options.paddingIdx;
    if (pad !== undefined) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new Error(`Embedding: paddingIdx ${pad} must be within [-${numEmbeddings}, ${numEmbeddings})`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = new Parameter(empty("Embedding", [numEmbeddings, embeddingDim], options.dtype ?? "float32"));
    this.resetParameters(options.generator);
  }
  resetParameters(generator?: Generator): void {
    init.normal(this.weight, 0, 1, { generator });
    if (this.paddingIdx !== undefined) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
