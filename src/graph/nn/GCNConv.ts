// GCNConv: the graph convolution of Kipf & Welling (2017), arXiv:1609.02907.
import { Tensor } from "../../tensor/Tensor.js";
import { checkSize, describe } from "../../tensor/validate.js";
import type { DType } from "../../tensor/dtype.js";
import type { Generator } from "../../random/Generator.js";
import { apply } from "../../autograd/engine.js";
import * as E from "../../ops/elementwise.js";
import { zeros } from "../../ops/creation.js";
import { Linear } from "../../nn/Linear.js";
import { Parameter } from "../../nn/Parameter.js";
import { empty } from "../../nn/empty.js";
import * as init from "../../nn/init.js";
import { checkEdgeRows, edgeArrays, edgeIndexOf } from "../edges.js";
import { addRemainingSelfLoops, type EdgesWithAttr } from "../utils.js";
import { MessagePassing } from "./MessagePassing.js";

/**
 * PyG's gcn_norm: adds the remaining self-loops (weight `fillValue`: 1, or 2 when improved) and
 * scales each edge j → i by 1/√(deg(j)·deg(i)), the degrees counted at the targets with the weights:
 * the symmetric normalization D^−½ (A + I) D^−½.
 */
export function gcnNorm(
  edgeIndex: Tensor,
  options: { edgeWeight?: Tensor | null; numNodes: number; improved?: boolean; addSelfLoops?: boolean; dtype?: DType },
): EdgesWithAttr & [Tensor, Tensor] {
  const N = options.numNodes;
  const dtype = options.dtype ?? options.edgeWeight?.dtype ?? "float32";
  const E_ = edgeIndex.shape[1]!;
  let weight = options.edgeWeight ?? E.cast(Tensor.fromData(new Float64Array(E_).fill(1), [E_], "float64"), dtype);
  let ei = edgeIndex;
  if (options.addSelfLoops ?? true) [ei, weight] = addRemainingSelfLoops(edgeIndex, { edgeAttr: weight, fillValue: options.improved ? 2 : 1, numNodes: N }) as [Tensor, Tensor];
  const { source, target } = edgeArrays("gcnNorm", ei, N);
  const col = Tensor.fromData(target.slice(), [target.length], "int32");
  const row = Tensor.fromData(source.slice(), [source.length], "int32");
  const deg = apply("indexAdd", [zeros([N], { dtype: weight.dtype }), col, weight], { dim: 0 });
  // deg^−½ with 1/√0 = ∞ set to 0 (isolated nodes without self-loops)
  const inf = E.pow(deg, -0.5);
  const degInvSqrt = apply("where", [E.eq(inf, Infinity), E.mul(inf, 0), inf], {});
  const norm = E.mul(E.mul(apply("indexSelect", [degInvSqrt, row], { dim: 0 }), weight), apply("indexSelect", [degInvSqrt, col], { dim: 0 }));
  return [edgeIndexOf(source, target), norm];
}

/**
 * Options of {@link GCNConv} (PyG's keyword arguments in camelCase): the improved self-loop weight, caching
 * of the normalized adjacency, self-loops, normalization, bias, dtype and generator.
 */
export interface GCNConvOptions {
  /** Â = A + 2I instead of A + I (default false). */
  improved?: boolean;
  /** Compute the normalized adjacency on the first call and reuse it (transductive learning; default false). */
  cached?: boolean;
  /** Add self-loops before normalizing (default: `normalize`). */
  addSelfLoops?: boolean;
  /** Symmetric normalization (default true); false propagates with the raw edge weights. */
  normalize?: boolean;
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Graph convolution X' = D̂^−½ Â D̂^−½ X Θ + b with Â = A + I and D̂ its degree matrix (Kipf & Welling 2017),
 * PyG's GCNConv: parameters `lin.weight` [out, in] (Glorot) and `bias` [out] (zeros). Propagation is a
 * sparse × dense product over the edges; the dense N × N matrix is never built.
 *
 * ```ts
 * const conv = new graph.nn.GCNConv(1433, 16);
 * conv.call(data.x, data.edgeIndex); // [N, 16]
 * ```
 */
export class GCNConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor, edgeWeight?: Tensor | null]> {
  readonly improved: boolean;
  readonly cached: boolean;
  readonly addSelfLoops: boolean;
  readonly normalize: boolean;
  lin: Linear;
  bias: Parameter | null;
  private _cache: { edges: [Tensor, Tensor]; numNodes: number; numEdges: number } | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, options: GCNConvOptions = {}) {
    super("GCNConv", "sum");
    checkSize("GCNConv", "inChannels", inChannels);
    checkSize("GCNConv", "outChannels", outChannels);
    this.improved = flag("improved", options.improved, false);
    this.cached = flag("cached", options.cached, false);
    this.normalize = flag("normalize", options.normalize, true);
    this.addSelfLoops = flag("addSelfLoops", options.addSelfLoops, this.normalize);
    if (this.addSelfLoops && !this.normalize) throw new Error("GCNConv: addSelfLoops needs normalize (PyG does not add self-loops without on-the-fly normalization)");
    const dtype = options.dtype ?? "float32";
    this.lin = new Linear(inChannels, outChannels, { bias: false, dtype, generator: options.generator });
    this.bias = flag("bias", options.bias, true) ? new Parameter(empty("GCNConv", [outChannels], dtype)) : null;
    this.resetParameters(options.generator);
  }

  /** Glorot-uniform weights and zero bias (PyG's initialization); forgets the cached normalization. */
  resetParameters(generator?: Generator): void {
    init.xavierUniform(this.lin.weight, { generator });
    if (this.bias) init.constant(this.bias, 0);
    this._cache = null;
  }

  forward(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    this.checkNodeFeatures(x, this.inChannels);
    const N = x.shape[0]!;
    // the caller's edges are checked on every call, cached or not
    const { source } = edgeArrays("GCNConv", edgeIndex, N, `x has ${N} rows`);
    if (edgeWeight !== null) checkEdgeRows("GCNConv", "edgeWeight", edgeWeight, source.length);
    let ei = edgeIndex, w = edgeWeight;
    if (this.normalize) {
      const cache = this._cache;
      if (this.cached && cache !== null) {
        if (cache.numNodes !== N || cache.numEdges !== source.length) {
          throw new Error(
            `GCNConv: cached normalization is of a graph of ${cache.numNodes} nodes and ${cache.numEdges} edges, got x with ${N} rows and ${source.length} edges; ` +
              "cached: true is for one fixed graph (call resetParameters() or use cached: false)",
          );
        }
        [ei, w] = cache.edges;
      } else {
        [ei, w] = gcnNorm(edgeIndex, { edgeWeight, numNodes: N, improved: this.improved, addSelfLoops: this.addSelfLoops, dtype: x.dtype });
        if (this.cached) this._cache = { edges: [ei, w.detach()], numNodes: N, numEdges: source.length };
      }
    }
    const out = this.propagate(ei, { x: this.lin.call(x), edgeWeight: w });
    return this.bias === null ? out : E.add(out, this.bias);
  }

  protected override reprArgs(): string {
    return `${this.inChannels}, ${this.outChannels}`;
  }
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new Error(`GCNConv: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}
