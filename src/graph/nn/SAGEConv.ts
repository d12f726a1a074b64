// SAGEConv: GraphSAGE's convolution (Hamilton, Ying & Leskovec 2017), arXiv:1706.02216.
import type { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { checkSize, describe } from "../../tensor/validate.js";
import type { Generator } from "../../random/Generator.js";
import * as E from "../../ops/elementwise.js";
import { Linear } from "../../nn/Linear.js";
import { MessagePassing, type Aggregation } from "./MessagePassing.js";

/**
 * Options of {@link SAGEConv} (PyG's keyword arguments in camelCase): the neighbour aggregation, output L2
 * normalization, the root weight, bias, dtype and generator.
 */
export interface SAGEConvOptions {
  /** How neighbours combine: "mean" (default), "max", "sum" or "min". */
  aggr?: Aggregation;
  /** Scale each output row to unit L2 norm (default false). */
  normalize?: boolean;
  /** Add the node's own transformed features, W₂ x_i (default true). */
  rootWeight?: boolean;
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * x'_i = W₁ · aggr_{j ∈ N(i)} x_j + W₂ x_i (Hamilton et al. 2017), PyG's SAGEConv: parameters
 * `lin_l.weight`, `lin_l.bias` (W₁, b) and `lin_r.weight` (W₂), both initialized as torch.nn.Linear.
 */
export class SAGEConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor]> {
  readonly normalize: boolean;
  readonly rootWeight: boolean;
  linL: Linear;
  linR: Linear | null;

  constructor(readonly inChannels: number, readonly outChannels: number, options: SAGEConvOptions = {}) {
    super("SAGEConv", options.aggr ?? "mean");
    checkSize("SAGEConv", "inChannels", inChannels);
    checkSize("SAGEConv", "outChannels", outChannels);
    for (const k of ["normalize", "rootWeight", "bias"] as const) {
      if (options[k] !== undefined && typeof options[k] !== "boolean") throw new Error(`SAGEConv: ${k} must be a boolean, got ${describe(options[k])}`);
    }
    this.normalize = options.normalize ?? false;
    this.rootWeight = options.rootWeight ?? true;
    const common = { dtype: options.dtype, generator: options.generator };
    this.linL = new Linear(inChannels, outChannels, { bias: options.bias ?? true, ...common });
    this.linR = this.rootWeight ? new Linear(inChannels, outChannels, { bias: false, ...common }) : null;
  }

  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    this.checkNodeFeatures(x, this.inChannels);
    let out = this.linL.call(this.propagate(edgeIndex, { x }));
    if (this.linR !== null) out = E.add(out, this.linR.call(x));
    if (this.normalize) {
      // F.normalize(out, p=2, dim=-1): out / max(‖out‖₂, 1e-12)
      out = E.div(out, E.maximum(out.norm(2, -1, true), 1e-12));
    }
    return out;
  }

  protected override reprArgs(): string {
    return `${this.inChannels}, ${this.outChannels}, aggr=${this.aggr}`;
  }
}
