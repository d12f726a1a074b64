// GINConv: the graph isomorphism network layer (Xu, Hu, Leskovec & Jegelka 2019), arXiv:1810.00826.
import { Tensor } from "../../tensor/Tensor.js";
import { checkNumber, describe } from "../../tensor/validate.js";
import { fmtShape } from "../../tensor/shape.js";
import * as E from "../../ops/elementwise.js";
import { Module } from "../../nn/Module.js";
import { Parameter } from "../../nn/Parameter.js";
import { MessagePassing } from "./MessagePassing.js";

/** A module from node features to node features (an MLP, typically a Sequential). */
type NodeModule = Module<[Tensor], Tensor>;

/**
 * x'_i = h_Θ((1 + ε) x_i + Σ_{j ∈ N(i)} x_j) (Xu et al. 2019), PyG's GINConv: `nn` is the MLP h_Θ (its
 * parameters under `nn.`), ε a buffer `eps` (default 0), or a parameter with `trainEps`.
 */
export class GINConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor]> {
  nn: NodeModule;
  eps: Tensor;

  constructor(nn: NodeModule, options: { eps?: number; trainEps?: boolean } = {}) {
    super("GINConv", "sum");
    if (!(nn instanceof Module)) throw new Error(`GINConv: nn must be a Module (an MLP), got ${describe(nn)}`);
    const eps = checkNumber("GINConv", "eps", options.eps ?? 0);
    if (options.trainEps !== undefined && typeof options.trainEps !== "boolean") throw new Error(`GINConv: trainEps must be a boolean, got ${describe(options.trainEps)}`);
    this.nn = nn;
    const value = Tensor.fromData(new Float32Array([eps]), [1], "float32");
    this.eps = options.trainEps ? new Parameter(value) : this.registerBuffer("eps", value);
  }

  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    this.checkNodeFeatures(x);
    if (x.ndim !== 2) throw new Error(`GINConv: x must have shape [N, F], got ${fmtShape(x.shape)}`);
    const out = this.propagate(edgeIndex, { x });
    const h = E.add(out, E.mul(E.add(this.eps, 1), x));
    try {
      return this.nn.call(h);
    } catch (e) {
      // the MLP's own error (e.g. "linear: input [4,5] must end in 3 features") does not say which layer
      throw new Error(`GINConv: its nn does not accept node features of shape ${fmtShape(x.shape)}: ${(e as Error).message}`, { cause: e });
    }
  }

  protected override reprArgs(): string {
    return `nn=${this.nn.toString()}`;
  }
}
