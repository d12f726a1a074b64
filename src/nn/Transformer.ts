// The Transformer of Vaswani et al. (2017) as PyTorch builds it: encoder and decoder layers (post-norm
// or pre-norm), their stacks, the full encoder–decoder model, and the square causal mask helper.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { allocateFor, checkDType, checkSize, describe } from "../tensor/validate.js";
import type { Generator } from "../random/Generator.js";
import { add } from "../ops/elementwise.js";
import { fromHost } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Linear } from "./Linear.js";
import { LayerNorm } from "./LayerNorm.js";
import { Dropout } from "./Dropout.js";
import { ModuleList } from "./containers.js";
import { MultiheadAttention } from "./MultiheadAttention.js";
import { gelu, relu } from "./functional/activations.js";
import * as init from "./init.js";

/**
 * The feed-forward block's activation in the Transformer layers: "relu", "gelu", or any elementwise function.
 */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor);

/**
 * Options of {@link TransformerEncoderLayer} and {@link TransformerDecoderLayer} (PyTorch's keyword arguments
 * in camelCase): feed-forward width, dropout, activation, layout (`batchFirst`), pre- or post-norm, biases,
 * dtype and initialization generator.
 */
export interface TransformerLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** "relu" (default), "gelu" or a function. */
  activation?: TransformerActivation;
  layerNormEps?: number;
  /** Inputs are (N, L, E) instead of (L, N, E). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before each block instead of after the residual sum (Xiong et al. 2020). */
  normFirst?: boolean;
  /** Biases in the linear layers and LayerNorms (default true). */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Masks for a Transformer encoder layer or stack's `forward(src, options)`, as PyTorch's `src_mask`,
 * `src_key_padding_mask`, `is_causal`.
 */
export interface EncoderForwardOptions {
  /** Attention mask (L, L) or (N·nhead, L, L): bool true forbids, float is added. */
  srcMask?: Tensor | null;
  /** (N, L): bool true marks padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Hint that `srcMask` is the causal mask. */
  isCausal?: boolean;
}

/**
 * Masks for a Transformer decoder layer or stack's `forward(tgt, memory, options)`: attention masks and
 * key-padding masks (bool true forbids / marks padding, float is added) for the target self-attention and the
 * memory cross-attention, as PyTorch's.
 */
export interface DecoderForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

const LAYER_OPTIONS = ["dimFeedforward", "dropout", "activation", "layerNormEps", "batchFirst", "normFirst", "bias", "dtype", "generator"];

function checkOptions(op: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}`);
}

function activationFn(op: string, activation: TransformerActivation | undefined): (x: Tensor) => Tensor {
  if (activation === undefined || activation === "relu") return relu;
  if (activation === "gelu") return (x) => gelu(x);
  if (typeof activation === "function") return activation;
  throw new Error(`${op}: activation should be "relu", "gelu" or a function, not ${describe(activation)}`);
}

/** The parts both layer kinds share: the feed-forward block and the options. */
abstract class TransformerLayerBase<I extends unknown[]> extends Module<I, Tensor> {
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  protected readonly _activation: (x: Tensor) => Tensor;
  protected readonly _options: TransformerLayerOptions;
  constructor(op: string, readonly dModel: number, readonly nhead: number, options: TransformerLayerOptions) {
    super();
    checkOptions(op, options, LAYER_OPTIONS);
    checkSize(op, "dModel", dModel);
    checkSize(op, "nhead", nhead);
    if (nhead === 0 || dModel % nhead !== 0) throw new Error(`${op}: dModel ${dModel} must be divisible by nhead ${nhead}`);
    this._options = options;
    const ff = options.dimFeedforward === undefined ? 2048 : checkSize(op, "dimFeedforward", options.dimFeedforward);
    const p = options.dropout ?? 0.1;
    const lin = { bias: options.bias ?? true, dtype: options.dtype, generator: options.generator };
    this.linear1 = new Linear(dModel, ff, lin);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, lin);
    this.normFirst = options.normFirst ?? false;
    this._activation = activationFn(op, options.activation);
  }
  protected attention(dropout: number, options: TransformerLayerOptions): MultiheadAttention {
    return new MultiheadAttention(this.dModel, this.nhead, {
      dropout, bias: options.bias ?? true, batchFirst: options.batchFirst ?? false, dtype: options.dtype, generator: options.generator,
    });
  }
  protected norm(options: TransformerLayerOptions): LayerNorm {
    return new LayerNorm(this.dModel, { eps: options.layerNormEps ?? 1e-5, bias: options.bias ?? true, dtype: options.dtype });
  }
  /** linear2(dropout(activation(linear1(x)))) */
  protected ffBlock(x: Tensor, out: Dropout): Tensor {
    return out.call(this.linear2.call(this.dropout.call(this._activation(this.linear1.call(x)))));
  }
  /** A new layer with the same options and a copy of this one's parameters (PyTorch's deepcopy in the stacks). */
  abstract clone(): TransformerLayerBase<I>;
  protected copyInto<T extends TransformerLayerBase<I>>(layer: T): T {
    layer.loadStateDict(this.stateDict());
    layer.train(this.training);
    return layer;
  }
}

/**
 * One encoder layer: self-attention and a feed-forward block, each with a residual connection and
 * LayerNorm — `norm1(x + SA(x))`, `norm2(x + FF(x))`, or with `normFirst` `x + SA(norm1(x))`,
 * `x + FF(norm2(x))`. Equal to PyTorch's `nn.TransformerEncoderLayer` (same keys: `self_attn.in_proj_weight`,
 * `linear1.weight`, `norm1.weight`, …).
 *
 * ```ts
 * const layer = new nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, batchFirst: true });
 * layer.forward(x, { srcMask: nn.Transformer.generateSquareSubsequentMask(64) });
 * ```
 */
export class TransformerEncoderLayer extends TransformerLayerBase<[Tensor, EncoderForwardOptions?]> {
  selfAttn: MultiheadAttention;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super("TransformerEncoderLayer", dModel, nhead, options);
    const p = options.dropout ?? 0.1;
    this.selfAttn = this.attention(p, options);
    this.norm1 = this.norm(options);
    this.norm2 = this.norm(options);
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    // PyTorch's field order puts self_attn first in the state dict.
    reorder(this, ["selfAttn", "linear1", "dropout", "linear2", "normFirst", "norm1", "norm2", "dropout1", "dropout2"]);
  }
  forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    checkOptions("TransformerEncoderLayer.forward", options, ["srcMask", "srcKeyPaddingMask", "isCausal"]);
    const sa = (x: Tensor): Tensor => {
      const [y] = this.selfAttn.forward(x, x, x, {
        attnMask: options.srcMask ?? null, keyPaddingMask: options.srcKeyPaddingMask ?? null, needWeights: false, isCausal: options.isCausal ?? false,
      });
      return this.dropout1.call(y);
    };
    let x = src;
    if (this.normFirst) {
      x = add(x, sa(this.norm1.call(x)));
      x = add(x, this.ffBlock(this.norm2.call(x), this.dropout2));
    } else {
      x = this.norm1.call(add(x, sa(x)));
      x = this.norm2.call(add(x, this.ffBlock(x, this.dropout2)));
    }
    return x;
  }
  clone(): TransformerEncoderLayer {
    return this.copyInto(new TransformerEncoderLayer(this.dModel, this.nhead, this._options));
  }
}

/**
 * One decoder layer: masked self-attention, attention over the encoder's output (`memory`) and a
 * feed-forward block, each residual with LayerNorm (post-norm, or pre-norm with `normFirst`). Equal to
 * PyTorch's `nn.TransformerDecoderLayer` (`self_attn`, `multihead_attn`, `norm1..3`, …).
 */
export class TransformerDecoderLayer extends TransformerLayerBase<[Tensor, Tensor, DecoderForwardOptions?]> {
  selfAttn: MultiheadAttention;
  multiheadAttn: MultiheadAttention;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super("TransformerDecoderLayer", dModel, nhead, options);
    const p = options.dropout ?? 0.1;
    this.selfAttn = this.attention(p, options);
    this.multiheadAttn = this.attention(p, options);
    this.norm1 = this.norm(options);
    this.norm2 = this.norm(options);
    this.norm3 = this.norm(options);
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    reorder(this, ["selfAttn", "multiheadAttn", "linear1", "dropout", "linear2", "normFirst", "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"]);
  }
  forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    checkOptions("TransformerDecoderLayer.forward", options, ["tgtMask", "memoryMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask", "tgtIsCausal", "memoryIsCausal"]);
    const sa = (x: Tensor): Tensor => {
      const [y] = this.selfAttn.forward(x, x, x, {
        attnMask: options.tgtMask ?? null, keyPaddingMask: options.tgtKeyPaddingMask ?? null, needWeights: false, isCausal: options.tgtIsCausal ?? false,
      });
      return this.dropout1.call(y);
    };
    const mha = (x: Tensor): Tensor => {
      const [y] = this.multiheadAttn.forward(x, memory, memory, {
        attnMask: options.memoryMask ?? null, keyPaddingMask: options.memoryKeyPaddingMask ?? null, needWeights: false, isCausal: options.memoryIsCausal ?? false,
      });
      return this.dropout2.call(y);
    };
    let x = tgt;
    if (this.normFirst) {
      x = add(x, sa(this.norm1.call(x)));
      x = add(x, mha(this.norm2.call(x)));
      x = add(x, this.ffBlock(this.norm3.call(x), this.dropout3));
    } else {
      x = this.norm1.call(add(x, sa(x)));
      x = this.norm2.call(add(x, mha(x)));
      x = this.norm3.call(add(x, this.ffBlock(x, this.dropout3)));
    }
    return x;
  }
  clone(): TransformerDecoderLayer {
    return this.copyInto(new TransformerDecoderLayer(this.dModel, this.nhead, this._options));
  }
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (each starts with the same parameters, as PyTorch's
 * deepcopy), then an optional final `norm`. Keys: `layers.0.self_attn.in_proj_weight`, …, `norm.weight`.
 */
export class TransformerEncoder extends Module<[Tensor, { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }?], Tensor> {
  layers: ModuleList<TransformerEncoderLayer>;
  norm: LayerNorm | null;
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: LayerNorm | null } = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new Error(`TransformerEncoder: encoderLayer must be a TransformerEncoderLayer, got ${describe(encoderLayer)}`);
    checkSize("TransformerEncoder", "numLayers", numLayers);
    checkOptions("TransformerEncoder", options, ["norm"]);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = options.norm ?? null;
  }
  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    checkOptions("TransformerEncoder.forward", options, ["mask", "srcKeyPaddingMask", "isCausal"]);
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
    return this.norm ? this.norm.call(x) : x;
  }
}

/** A stack of `numLayers` copies of `decoderLayer`, then an optional final `norm` (PyTorch's TransformerDecoder). */
export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderForwardOptions?], Tensor> {
  layers: ModuleList<TransformerDecoderLayer>;
  norm: LayerNorm | null;
  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, options: { norm?: LayerNorm | null } = {}) {
    super();
    if (!(decoderLayer instanceof TransformerDecoderLayer)) throw new Error(`TransformerDecoder: decoderLayer must be a TransformerDecoderLayer, got ${describe(decoderLayer)}`);
    checkSize("TransformerDecoder", "numLayers", numLayers);
    checkOptions("TransformerDecoder", options, ["norm"]);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone()));
    this.norm = options.norm ?? null;
  }
  forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, options);
    return this.norm ? this.norm.call(x) : x;
  }
}

/**
 * Options of {@link Transformer}: the layer options plus the model width, the number of heads and the number
 * of encoder and decoder layers (PyTorch defaults 512, 8, 6, 6).
 */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Width of the model (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
}

/**
 * Masks for {@link Transformer}'s `forward(src, tgt, options)`: those of the encoder (`src*`), of the
 * decoder's self-attention (`tgt*`) and of its cross-attention (`memory*`), as PyTorch's keyword arguments.
 */
export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder–decoder Transformer (Vaswani et al. 2017, arXiv:1706.03762) as PyTorch's `nn.Transformer`:
 * an encoder stack with a final LayerNorm, a decoder stack with a final LayerNorm, every ≥2-D
 * parameter re-initialized Xavier-uniform. `forward(src, tgt, options)` → (N, T, E) or (T, N, E).
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?], Tensor> {
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  constructor(options: TransformerOptions = {}) {
    super();
    const op = "Transformer";
    checkOptions(op, options, [...LAYER_OPTIONS, "dModel", "nhead", "numEncoderLayers", "numDecoderLayers"]);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, ...layerOptions } = options;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = options.batchFirst ?? false;
    const norm = (): LayerNorm => new LayerNorm(dModel, { eps: options.layerNormEps ?? 1e-5, bias: options.bias ?? true, dtype: options.dtype });
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, { norm: norm() });
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, { norm: norm() });
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform(p, { generator: options.generator });
  }
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const op = "Transformer";
    checkOptions(`${op}.forward`, options, [
      "srcMask", "tgtMask", "memoryMask", "srcKeyPaddingMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask", "srcIsCausal", "tgtIsCausal", "memoryIsCausal",
    ]);
    const batchDim = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[batchDim] !== tgt.shape[batchDim]) {
      throw new Error(`${op}: src ${JSON.stringify(src.shape)} and tgt ${JSON.stringify(tgt.shape)} must have the same batch size`);
    }
    if (src.shape.at(-1) !== this.dModel || tgt.shape.at(-1) !== this.dModel) {
      throw new Error(`${op}: the feature size of src ${JSON.stringify(src.shape)} and tgt ${JSON.stringify(tgt.shape)} must equal dModel ${this.dModel}`);
    }
    const memory = this.encoder.forward(src, { mask: options.srcMask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.srcIsCausal });
    return this.decoder.forward(tgt, memory, {
      tgtMask: options.tgtMask, memoryMask: options.memoryMask, tgtKeyPaddingMask: options.tgtKeyPaddingMask,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask, tgtIsCausal: options.tgtIsCausal, memoryIsCausal: options.memoryIsCausal,
    });
  }
  /** PyTorch's `generate_square_subsequent_mask`: (sz, sz) float, −∞ above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): Tensor {
    return generateSquareSubsequentMask(sz, options);
  }
}

/** (sz, sz) additive causal mask: −∞ where key j > query i, 0 elsewhere (PyTorch's generate_square_subsequent_mask). */
export function generateSquareSubsequentMask(sz: number, options: { dtype?: DType } = {}): Tensor {
  checkSize("generateSquareSubsequentMask", "sz", sz);
  const dtype = checkDType("generateSquareSubsequentMask", options.dtype ?? "float32");
  const values = allocateFor("generateSquareSubsequentMask", dtype, [sz, sz]);
  for (let i = 0; i < sz; i++) for (let j = i + 1; j < sz; j++) values[i * sz + j] = -Infinity;
  return fromHost("generateSquareSubsequentMask", values, [sz, sz], dtype);
}

/**
 * (N, maxLen) bool key-padding mask from sequence lengths: true at positions ≥ lengths[n] (the keys
 * MultiheadAttention's `keyPaddingMask` ignores).
 */
export function paddingMask(lengths: readonly number[] | Tensor, maxLen?: number): Tensor {
  const op = "paddingMask";
  const lens = lengths instanceof Tensor ? Array.from(lengths.toList() as number[]) : [...lengths];
  lens.forEach((n, i) => checkSize(op, `lengths[${i}]`, n));
  const T = maxLen === undefined ? Math.max(0, ...lens) : checkSize(op, "maxLen", maxLen);
  const longest = Math.max(0, ...lens);
  if (longest > T) throw new Error(`${op}: a length ${longest} exceeds maxLen ${T}`);
  const values = new Uint8Array(lens.length * T);
  lens.forEach((n, i) => values.fill(1, i * T + n, (i + 1) * T));
  return fromHost(op, values, [lens.length, T], "bool");
}

/** Moves the named own fields to the front in this order (the state-dict order follows field order). */
function reorder(target: object, names: readonly string[]): void {
  const record = target as Record<string, unknown>;
  const rest = Object.keys(record).filter((k) => !names.includes(k));
  const saved = Object.fromEntries([...names, ...rest].map((k) => [k, record[k]]));
  for (const k of Object.keys(saved)) delete record[k];
  Object.assign(record, saved);
}
