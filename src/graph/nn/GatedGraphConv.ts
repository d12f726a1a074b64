// GatedGraphConv: gated graph neural networks (Li, Tarlow, Brockschmidt & Zemel 2016), arXiv:1511.05493.
import type { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import { checkSize, describe } from "../../tensor/validate.js";
import type { Generator } from "../../random/Generator.js";
import * as E from "../../ops/elementwise.js";
import { zeros } from "../../ops/creation.js";
import { cat, chunk, select } from "../../ops/movement.js";
import { matmul } from "../../ops/linalg.js";
import { Module } from "../../nn/Module.js";
import { Parameter } from "../../nn/Parameter.js";
import { empty } from "../../nn/empty.js";
import * as init from "../../nn/init.js";
import { linear } from "../../nn/functional/layers.js";
import { MessagePassing, type Aggregation } from "./MessagePassing.js";

/**
 * A GRU cell (Cho et al. 2014) with PyTorch's parameters and gate order (r, z, n):
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 */
export class GRUCell extends Module<[Tensor, Tensor], Tensor> {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  constructor(readonly inputSize: number, readonly hiddenSize: number, options: { bias?: boolean; dtype?: DType; generator?: Generator } = {}) {
    super();
    const dtype = options.dtype ?? "float32";
    this.weightIh = new Parameter(empty("GRUCell", [3 * hiddenSize, inputSize], dtype));
    this.weightHh = new Parameter(empty("GRUCell", [3 * hiddenSize, hiddenSize], dtype));
    const bias = options.bias ?? true;
    this.biasIh = bias ? new Parameter(empty("GRUCell", [3 * hiddenSize], dtype)) : null;
    this.biasHh = bias ? new Parameter(empty("GRUCell", [3 * hiddenSize], dtype)) : null;
    // PyTorch: every parameter ~ U(±1/√hidden)
    const bound = 1 / Math.sqrt(hiddenSize);
    for (const p of [this.weightIh, this.weightHh, this.biasIh, this.biasHh]) if (p) init.uniform(p, -bound, bound, { generator: options.generator });
  }
  forward(x: Tensor, h: Tensor): Tensor {
    const [ir, iz, inn] = chunk(linear(x, this.weightIh, this.biasIh), 3, 1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = chunk(linear(h, this.weightHh, this.biasHh), 3, 1) as [Tensor, Tensor, Tensor];
    const r = E.sigmoid(E.add(ir, hr));
    const z = E.sigmoid(E.add(iz, hz));
    const n = E.tanh(E.add(inn, E.mul(r, hn)));
    return E.add(E.mul(E.sub(1, z), n), E.mul(z, h));
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.biasIh === null ? ", bias=False" : ""}`;
  }
}

/**
 * Gated graph convolution (Li et al. 2016), PyG's GatedGraphConv: node states padded with zeros to
 * `outChannels`, then `numLayers` rounds of m_i = Σ_{j → i} e_ji · (W_l x_j), x_i ← GRU(m_i, x_i).
 * Parameters `weight` [numLayers, out, out] and the GRU's `rnn.weight_ih`, `rnn.weight_hh`, `rnn.bias_ih`,
 * `rnn.bias_hh`.
 */
export class GatedGraphConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor, edgeWeight?: Tensor | null]> {
  weight: Parameter;
  rnn: GRUCell;
  constructor(readonly outChannels: number, readonly numLayers: number, options: { aggr?: Aggregation; bias?: boolean; dtype?: DType; generator?: Generator } = {}) {
    super("GatedGraphConv", options.aggr ?? "sum");
    checkSize("GatedGraphConv", "outChannels", outChannels);
    checkSize("GatedGraphConv", "numLayers", numLayers);
    if (options.bias !== undefined && typeof options.bias !== "boolean") throw new Error(`GatedGraphConv: bias must be a boolean, got ${describe(options.bias)}`);
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(empty("GatedGraphConv", [numLayers, outChannels, outChannels], dtype));
    const bound = 1 / Math.sqrt(outChannels); // PyG's uniform(size=outChannels)
    init.uniform(this.weight, -bound, bound, { generator: options.generator });
    this.rnn = new GRUCell(outChannels, outChannels, { bias: options.bias ?? true, dtype, generator: options.generator });
  }

  forward(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    this.checkNodeFeatures(x);
    if (x.ndim !== 2 || x.shape[1]! > this.outChannels) {
      throw new Error(`GatedGraphConv: x must have shape [N, F] with F ≤ outChannels (${this.outChannels}), got ${fmtShape(x.shape)}`);
    }
    let h = x;
    if (x.shape[1]! < this.outChannels) h = cat([x, zeros([x.shape[0]!, this.outChannels - x.shape[1]!], { dtype: x.dtype })], 1);
    for (let i = 0; i < this.numLayers; i++) {
      const m = matmul(h, select(this.weight, 0, i));
      h = this.rnn.call(this.propagate(edgeIndex, { x: m, edgeWeight }), h);
    }
    return h;
  }

  protected override reprArgs(): string {
    return `${this.outChannels}, num_layers=${this.numLayers}`;
  }
}
