// GATConv: graph attention (Veličković et al. 2018), arXiv:1710.10903.
import { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { checkNumber, checkSize, describe } from "../../tensor/validate.js";
import type { Generator } from "../../random/Generator.js";
import { apply } from "../../autograd/engine.js";
import * as E from "../../ops/elementwise.js";
import { reshape } from "../../ops/movement.js";
import { Linear } from "../../nn/Linear.js";
import { Parameter } from "../../nn/Parameter.js";
import { empty } from "../../nn/empty.js";
import * as init from "../../nn/init.js";
import { dropout } from "../../nn/functional/layers.js";
import { leakyRelu } from "../../nn/functional/activations.js";
import { addSelfLoops, removeSelfLoops } from "../utils.js";
import { edgeArrays } from "../edges.js";
import { segmentSoftmax } from "../sparse.js";
import { MessagePassing } from "./MessagePassing.js";

/**
 * Options of {@link GATConv} (PyG's keyword arguments in camelCase): heads, concatenation or averaging, the
 * attention LeakyReLU slope, attention dropout, self-loops, bias, a residual connection, dtype and generator.
 */
export interface GATConvOptions {
  /** Attention heads (default 1). */
  heads?: number;
  /** Concatenate the heads' outputs (default true) or average them. */
  concat?: boolean;
  /** Slope of the LeakyReLU inside the attention score (default 0.2). */
  negativeSlope?: number;
  /** Dropout on the attention coefficients in training (default 0). */
  dropout?: number;
  /** Replace self-loops by one self-loop per node (default true). */
  addSelfLoops?: boolean;
  bias?: boolean;
  /** Add a linear skip connection `res` (default false). */
  residual?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Multi-head graph attention (Veličković et al. 2018), PyG's GATConv:
 * α_ij = softmax_j(LeakyReLU(a_srcᵀ W x_j + a_dstᵀ W x_i)), x'_i = ‖_h Σ_j α^h_ij W^h x_j (or the heads'
 * mean) + b. Parameters `lin.weight` [heads·out, in], `att_src`, `att_dst` [1, heads, out] (Glorot),
 * `bias` (zeros), and `res.weight` with `residual`.
 */
export class GATConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor]> {
  readonly heads: number;
  readonly concat: boolean;
  readonly negativeSlope: number;
  readonly dropout: number;
  readonly addSelfLoops: boolean;
  lin: Linear;
  attSrc: Parameter;
  attDst: Parameter;
  res: Linear | null;
  bias: Parameter | null;
  private readonly _generator: Generator | undefined;
  /** The attention coefficients [E', heads] of the last forward pass, over its edges (self-loops included). */
  private _attention: { edgeIndex: Tensor; alpha: Tensor } | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, options: GATConvOptions = {}) {
    super("GATConv", "sum");
    const op = "GATConv";
    checkSize(op, "inChannels", inChannels);
    checkSize(op, "outChannels", outChannels);
    this.heads = checkSize(op, "heads", options.heads ?? 1);
    if (this.heads < 1) throw new Error(`${op}: heads must be at least 1, got ${this.heads}`);
    for (const k of ["concat", "addSelfLoops", "bias", "residual"] as const) {
      if (options[k] !== undefined && typeof options[k] !== "boolean") throw new Error(`${op}: ${k} must be a boolean, got ${describe(options[k])}`);
    }
    this.concat = options.concat ?? true;
    this.negativeSlope = checkNumber(op, "negativeSlope", options.negativeSlope ?? 0.2);
    this.dropout = checkNumber(op, "dropout", options.dropout ?? 0);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error(`${op}: dropout must be in [0, 1], got ${this.dropout}`);
    this.addSelfLoops = options.addSelfLoops ?? true;
    const dtype = options.dtype ?? "float32";
    const H = this.heads, C = outChannels, total = this.concat ? H * C : C;
    this.lin = new Linear(inChannels, H * C, { bias: false, dtype, generator: options.generator });
    this.attSrc = new Parameter(empty(op, [1, H, C], dtype));
    this.attDst = new Parameter(empty(op, [1, H, C], dtype));
    this.res = options.residual ? new Linear(inChannels, total, { bias: false, dtype, generator: options.generator }) : null;
    this.bias = (options.bias ?? true) ? new Parameter(empty(op, [total], dtype)) : null;
    this._generator = options.generator;
    this.resetParameters(options.generator);
  }

  /** Glorot-uniform weights and attention vectors, zero bias (PyG's initialization). */
  resetParameters(generator?: Generator): void {
    init.xavierUniform(this.lin.weight, { generator });
    if (this.res) init.xavierUniform(this.res.weight, { generator });
    // PyG's glorot on a [1, H, C] tensor: bound √(6 / (H + C)) from its last two dims
    const bound = Math.sqrt(6 / (this.heads + this.outChannels));
    init.uniform(this.attSrc, -bound, bound, { generator });
    init.uniform(this.attDst, -bound, bound, { generator });
    if (this.bias) init.constant(this.bias, 0);
  }

  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    this.checkNodeFeatures(x, this.inChannels);
    const N = x.shape[0]!, H = this.heads, C = this.outChannels;
    const h = reshape(this.lin.call(x), [N, H, C]); // (N, H, C)
    const alphaSrc = E.mul(h, this.attSrc).sum(-1); // (N, H)
    const alphaDst = E.mul(h, this.attDst).sum(-1); // (N, H)
    const [ei, source, target] = this.edgesWithLoops(edgeIndex, N);
    // edge update (PyG's edge_updater): α_ij = softmax_j(LeakyReLU(α_src[j] + α_dst[i])) over each node's incoming edges
    let alpha = E.add(apply("indexSelect", [alphaSrc, source], { dim: 0 }), apply("indexSelect", [alphaDst, target], { dim: 0 })); // (E, H)
    alpha = segmentSoftmax(leakyRelu(alpha, this.negativeSlope), target, N);
    this._attention = { edgeIndex: ei, alpha: alpha.detach() };
    alpha = dropout(alpha, { p: this.dropout, training: this.training, generator: this._generator });
    // messages α_ij W x_j per head, summed at i: one multi-head SpMM
    let out = this.propagate(ei, { x: h, edgeWeight: alpha }); // (N, H, C)
    out = this.concat ? reshape(out, [N, H * C]) : out.mean(1);
    if (this.res !== null) out = E.add(out, this.res.call(x));
    return this.bias === null ? out : E.add(out, this.bias);
  }

  /**
   * The edges attention runs over (self-loops replaced by one per node, with addSelfLoops) and their
   * rows; remembered for the last edge index seen (unchanged storage), since a graph is usually fixed.
   */
  private edgesWithLoops(edgeIndex: Tensor, N: number): [Tensor, Tensor, Tensor] {
    const c = this._loops;
    if (c !== null && c.from === edgeIndex && c.version === edgeIndex.storage.version && c.numNodes === N) return c.edges;
    edgeArrays(this._layer, edgeIndex, N, `x has ${N} rows`); // the caller's edges are checked before they are rewritten
    let ei = edgeIndex;
    if (this.addSelfLoops) {
      [ei] = removeSelfLoops(edgeIndex);
      [ei] = addSelfLoops(ei, { numNodes: N });
    }
    const edges: [Tensor, Tensor, Tensor] = [ei, ...edgeRows(ei)];
    this._loops = { from: edgeIndex, version: edgeIndex.storage.version, numNodes: N, edges };
    return edges;
  }
  private _loops: { from: Tensor; version: number; numNodes: number; edges: [Tensor, Tensor, Tensor] } | null = null;

  /** The attention coefficients α [E', heads] of the last forward pass (before dropout) and their edges (self-loops added). */
  attentionWeights(): { edgeIndex: Tensor; alpha: Tensor } {
    if (this._attention === null) throw new Error("GATConv.attentionWeights: call forward first");
    return this._attention;
  }

  protected override reprArgs(): string {
    return `${this.inChannels}, ${this.outChannels}, heads=${this.heads}`;
  }
}

/** The source and target rows of an edge index as int32 vectors. */
function edgeRows(edgeIndex: Tensor): [Tensor, Tensor] {
  const { source, target } = edgeArrays("GATConv", edgeIndex);
  return [Tensor.fromData(source.slice(), [source.length], "int32"), Tensor.fromData(target.slice(), [target.length], "int32")];
}
