// DETR (Carion et al. 2020, "End-to-End Object Detection with Transformers", arXiv:2005.12872) at small
// scale, laid out as the authors' models/detr.py, backbone.py, position_encoding.py and transformer.py:
// a ResNet-style backbone, a 1×1 input projection, 2-D sine positions, a Transformer encoder–decoder
// whose learned object queries become one box and one class (or "no object") each.
import { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";
import type { Generator } from "../../random/Generator.js";
import { tensor, zeros } from "../../ops/creation.js";
import { Module } from "../../nn/Module.js";
import { Sequential, ModuleList, type TensorModule } from "../../nn/containers.js";
import { Conv2d } from "../../nn/Conv.js";
import { BatchNorm2d } from "../../nn/BatchNorm.js";
import { ReLU } from "../../nn/activations.js";
import { Linear } from "../../nn/Linear.js";
import { LayerNorm } from "../../nn/LayerNorm.js";
import { Dropout } from "../../nn/Dropout.js";
import { Embedding } from "../../nn/Embedding.js";
import { MultiheadAttention } from "../../nn/MultiheadAttention.js";
import { relu } from "../../nn/functional/activations.js";
import { checkOptions } from "../../ops/pooling.js";
import * as init from "../../nn/init.js";
import { noGrad } from "../../autograd/engine.js";
import { describe } from "../../tensor/validate.js";
import { BasicBlock } from "./ResNet.js";
import { modelInt, modelIntList, modelProb } from "./checks.js";

/** Options of {@link positionEmbeddingSine} (DETR's `PositionEmbeddingSine` arguments). */
export interface PositionEmbeddingSineOptions {
  /** Features per axis (DETR: hidden_dim / 2); the result has 2·numPosFeats channels. Default 64. */
  numPosFeats?: number;
  /** Base of the wavelengths. Default 10000. */
  temperature?: number;
  /** Divide the cumulative positions by the last one (so they lie in (0, 1]) and multiply by `scale`. Default true (DETR's setting). */
  normalize?: boolean;
  /** Default 2π. */
  scale?: number;
  dtype?: DType;
}

/**
 * The 2-D sine position encoding of DETR (`PositionEmbeddingSine` for an image without padding): for
 * pixel (y, x) of an H×W map, with the 1-based positions normalized as y' = y / (H + 1e-6) · scale
 * and x' = x / (W + 1e-6) · scale and dim_t(i) = temperature^(2⌊i/2⌋ / numPosFeats), the channels are
 * [sin(y'/dim_t(0)), cos(y'/dim_t(1)), sin(y'/dim_t(2)), …] for y, then the same for x. Returns a
 * [2·numPosFeats, H, W] tensor (no gradient: it is constant).
 */
export function positionEmbeddingSine(height: number, width: number, options: PositionEmbeddingSineOptions = {}): Tensor {
  const op = "positionEmbeddingSine";
  checkOptions(op, options, ["numPosFeats", "temperature", "normalize", "scale", "dtype"]);
  const H = modelInt(op, "height", height, 1);
  const W = modelInt(op, "width", width, 1);
  const F = modelInt(op, "numPosFeats", options.numPosFeats ?? 64, 1);
  const temperature = options.temperature ?? 10000;
  const normalize = options.normalize ?? true;
  const scale = options.scale ?? 2 * Math.PI;
  if (!(temperature > 0)) throw new Error(`${op}: temperature must be positive, got ${describe(temperature)}`);
  const eps = 1e-6;
  const out = new Float64Array(2 * F * H * W);
  const dimT = Array.from({ length: F }, (_, i) => temperature ** ((2 * Math.floor(i / 2)) / F));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // cumsum of an all-ones mask: 1-based positions, normalized by the last one.
      const yEmbed = normalize ? ((y + 1) / (H + eps)) * scale : y + 1;
      const xEmbed = normalize ? ((x + 1) / (W + eps)) * scale : x + 1;
      for (let i = 0; i < F; i++) {
        const trig = i % 2 === 0 ? Math.sin : Math.cos;
        out[(i * H + y) * W + x] = trig(yEmbed / dimT[i]!);
        out[((F + i) * H + y) * W + x] = trig(xEmbed / dimT[i]!);
      }
    }
  }
  return tensor(out, { shape: [2 * F, H, W], dtype: options.dtype ?? "float32" });
}

/** The small ResNet-style backbone: a stride-2 3×3 stem, then one stage of BasicBlocks per width (the first stage stride 1, the rest stride 2). */
export class DETRBackbone extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly layers: ModuleList<Sequential>;
  /** Channels of the output feature map. */
  readonly numChannels: number;
  /** Total downsampling factor (2 for the stem, 2 per later stage). */
  readonly stride: number;
  constructor(inChannels: number, widths: readonly number[], blocks: number, o: { dtype: DType; generator?: Generator }) {
    super();
    const stem = widths[0]!;
    this.conv1 = new Conv2d(inChannels, stem, 3, { stride: 2, padding: 1, bias: false, dtype: o.dtype, generator: o.generator });
    this.bn1 = new BatchNorm2d(stem, { dtype: o.dtype });
    let inPlanes = stem;
    const stages: Sequential[] = [];
    widths.forEach((planes, s) => {
      const stride = s === 0 ? 1 : 2;
      const downsample: TensorModule | null = stride !== 1 || inPlanes !== planes
        ? new Sequential(new Conv2d(inPlanes, planes, 1, { stride, bias: false, dtype: o.dtype, generator: o.generator }), new BatchNorm2d(planes, { dtype: o.dtype }))
        : null;
      const stage: TensorModule[] = [new BasicBlock(inPlanes, planes, { stride, downsample, dtype: o.dtype, generator: o.generator })];
      for (let b = 1; b < blocks; b++) stage.push(new BasicBlock(planes, planes, { stride: 1, downsample: null, dtype: o.dtype, generator: o.generator }));
      stages.push(new Sequential(...stage));
      inPlanes = planes;
    });
    this.layers = new ModuleList(stages);
    this.numChannels = inPlanes;
    this.stride = 2 ** widths.length;
    noGrad(() => {
      for (const m of this.modules()) if (m instanceof Conv2d) init.kaimingNormal(m.weight, { mode: "fanOut", nonlinearity: "relu", generator: o.generator });
    });
  }
  /** (B, C, H, W) → (B, numChannels, H / stride, W / stride). */
  forward(x: Tensor): Tensor {
    let h = this.relu.call(this.bn1.call(this.conv1.call(x)));
    for (const stage of this.layers) h = stage.call(h);
    return h;
  }
}

interface LayerOptions { dimFeedforward: number; dropout: number; dtype: DType; generator?: Generator }

/** `x + pos`, or `x` when there is no position. */
const withPos = (x: Tensor, pos: Tensor | null): Tensor => (pos === null ? x : x.add(pos));

/**
 * DETR's encoder layer (post-norm): the positions are added to the queries and keys of the
 * self-attention, not to its values — `norm1(src + SA(src + pos, src + pos, src))`, then the
 * feed-forward block. Sequences are (L, B, d).
 */
export class DETREncoderLayer extends Module<[Tensor, Tensor | null], Tensor> {
  selfAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  constructor(dModel: number, nhead: number, o: LayerOptions) {
    super();
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, dtype: o.dtype, generator: o.generator });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { dtype: o.dtype, generator: o.generator });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { dtype: o.dtype, generator: o.generator });
    this.norm1 = new LayerNorm(dModel, { dtype: o.dtype });
    this.norm2 = new LayerNorm(dModel, { dtype: o.dtype });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
  }
  forward(src: Tensor, pos: Tensor | null): Tensor {
    const qk = withPos(src, pos);
    const [attended] = this.selfAttn.forward(qk, qk, src, { needWeights: false });
    let x = this.norm1.call(src.add(this.dropout1.call(attended)));
    x = this.norm2.call(x.add(this.dropout2.call(this.linear2.call(this.dropout.call(relu(this.linear1.call(x)))))));
    return x;
  }
}

/**
 * DETR's decoder layer (post-norm): the query positions (the learned object queries) are added to the
 * queries and keys of the self-attention and to the queries of the cross-attention, whose keys get the
 * image positions — at every layer, which is why nn.TransformerDecoderLayer (no positional inputs)
 * is not used here. Sequences are (L, B, d).
 */
export class DETRDecoderLayer extends Module<[Tensor, Tensor, Tensor | null, Tensor | null], Tensor> {
  selfAttn: MultiheadAttention;
  multiheadAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  constructor(dModel: number, nhead: number, o: LayerOptions) {
    super();
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, dtype: o.dtype, generator: o.generator });
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, dtype: o.dtype, generator: o.generator });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { dtype: o.dtype, generator: o.generator });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { dtype: o.dtype, generator: o.generator });
    this.norm1 = new LayerNorm(dModel, { dtype: o.dtype });
    this.norm2 = new LayerNorm(dModel, { dtype: o.dtype });
    this.norm3 = new LayerNorm(dModel, { dtype: o.dtype });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.dropout3 = new Dropout(o.dropout);
  }
  /** tgt (Q, B, d), memory (HW, B, d), pos (HW, B, d), queryPos (Q, B, d) → (Q, B, d). */
  forward(tgt: Tensor, memory: Tensor, pos: Tensor | null, queryPos: Tensor | null): Tensor {
    const qk = withPos(tgt, queryPos);
    const [selfAttended] = this.selfAttn.forward(qk, qk, tgt, { needWeights: false });
    let x = this.norm1.call(tgt.add(this.dropout1.call(selfAttended)));
    const [crossAttended] = this.multiheadAttn.forward(withPos(x, queryPos), withPos(memory, pos), memory, { needWeights: false });
    x = this.norm2.call(x.add(this.dropout2.call(crossAttended)));
    x = this.norm3.call(x.add(this.dropout3.call(this.linear2.call(this.dropout.call(relu(this.linear1.call(x)))))));
    return x;
  }
}

/** The encoder–decoder of DETR's transformer.py: encoder layers, decoder layers, and the decoder's shared final LayerNorm. */
export class DETRTransformer extends Module<[Tensor, Tensor, Tensor], Tensor[]> {
  encoder: ModuleList<DETREncoderLayer>;
  decoder: ModuleList<DETRDecoderLayer>;
  decoderNorm: LayerNorm;
  constructor(readonly dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, o: LayerOptions) {
    super();
    this.encoder = new ModuleList(Array.from({ length: numEncoderLayers }, () => new DETREncoderLayer(dModel, nhead, o)));
    this.decoder = new ModuleList(Array.from({ length: numDecoderLayers }, () => new DETRDecoderLayer(dModel, nhead, o)));
    this.decoderNorm = new LayerNorm(dModel, { dtype: o.dtype });
    // transformer.py's _reset_parameters: Xavier-uniform for every matrix.
    noGrad(() => {
      for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform(p, { generator: o.generator });
    });
  }
  /**
   * src (B, d, H, W) features, queryEmbed (Q, d), pos (B, d, H, W) → the decoder's output after every
   * layer, each passed through the final norm (DETR's return_intermediate): (numDecoderLayers, Q, B, d).
   */
  forward(src: Tensor, queryEmbed: Tensor, pos: Tensor): Tensor[] {
    const [B, d] = src.shape as [number, number, number, number];
    const tokens = src.flatten(2).permute(2, 0, 1); // (B, d, H, W) → (HW, B, d)
    const posTokens = pos.flatten(2).permute(2, 0, 1); // (HW, B, d)
    const queryPos = queryEmbed.unsqueeze(1).expand(queryEmbed.shape[0]!, B, d); // (Q, B, d)
    let memory = tokens;
    for (const layer of this.encoder) memory = layer.forward(memory, posTokens);
    let tgt = zeros(queryPos.shape, { dtype: src.dtype }); // the queries start empty; their positions carry them
    const outputs: Tensor[] = [];
    for (const layer of this.decoder) {
      tgt = layer.forward(tgt, memory, posTokens, queryPos);
      outputs.push(this.decoderNorm.call(tgt));
    }
    return outputs;
  }
}

/** A stack of Linear layers with ReLU between them (DETR's MLP, the box head). */
export class MLP extends Module {
  layers: ModuleList<Linear>;
  constructor(inputDim: number, hiddenDim: number, outputDim: number, numLayers: number, o: { dtype: DType; generator?: Generator }) {
    super();
    const dims = [inputDim, ...Array.from({ length: numLayers - 1 }, () => hiddenDim), outputDim];
    this.layers = new ModuleList(Array.from({ length: numLayers }, (_, i) => new Linear(dims[i]!, dims[i + 1]!, { dtype: o.dtype, generator: o.generator })));
  }
  forward(x: Tensor): Tensor {
    let h = x;
    let i = 0;
    for (const layer of this.layers) {
      h = layer.call(h);
      if (++i < this.layers.length) h = relu(h);
    }
    return h;
  }
}

/** Options of {@link DETR}. */
export interface DETROptions {
  /**
   * Number of class logits before the "no object" one: as DETR, the largest category id + 1 (category
   * ids are used as class indices directly). HazyScenes (ids 1–4): 5.
   */
  numClasses: number;
  /** Object queries: the most objects one image can yield. Default 20. */
  numQueries?: number;
  /** Transformer width d. Default 64. */
  hiddenDim?: number;
  /** Attention heads. Default 4. */
  nheads?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Feed-forward width of the Transformer layers. Default 4·hiddenDim. */
  dimFeedforward?: number;
  /** Dropout in the Transformer layers. Default 0.1 (DETR's). */
  dropout?: number;
  /** Widths of the backbone's stages, each halving the resolution after the stride-2 stem. Default [32, 64, 128] (64×64 images → 8×8 features). */
  backboneWidths?: readonly number[];
  /** BasicBlocks per backbone stage. Default 1. */
  blocksPerStage?: number;
  /** Input channels. Default 3. */
  inChannels?: number;
  dtype?: DType;
  generator?: Generator;
}

/** What {@link DETR}'s forward returns: the last decoder layer's predictions and those of the earlier layers. */
export interface DETROutput {
  /** (B, Q, numClasses + 1) class logits; the last is "no object". */
  logits: Tensor;
  /** (B, Q, 4) boxes as (cx, cy, w, h) normalized by the image size, in (0, 1). */
  boxes: Tensor;
  /** The same two for every decoder layer but the last, first layer first (the auxiliary losses' inputs). */
  auxOutputs: { logits: Tensor; boxes: Tensor }[];
}

/**
 * DETR: backbone → 1×1 projection to d channels → Transformer encoder over the H/s·W/s feature tokens
 * (with 2-D sine positions) → decoder whose `numQueries` learned queries attend to them → per query
 * a class (numClasses + 1 logits, the last "no object") and a sigmoid box (cx, cy, w, h). Trained with
 * {@link SetCriterion}: each ground-truth object is matched to one query by the Hungarian algorithm.
 *
 * ```ts
 * const detr = new vision.models.DETR({ numClasses: 5, numQueries: 10, hiddenDim: 64 });
 * const { logits, boxes } = detr.forward(images); // (B, 10, 6), (B, 10, 4)
 * ```
 */
export class DETR extends Module<[Tensor], DETROutput> {
  readonly numClasses: number;
  readonly numQueries: number;
  readonly hiddenDim: number;
  backbone: DETRBackbone;
  inputProj: Conv2d;
  transformer: DETRTransformer;
  queryEmbed: Embedding;
  classEmbed: Linear;
  bboxEmbed: MLP;
  private readonly dtype: DType;
  private posCache: { key: string; pos: Tensor } | null = null;

  constructor(options: DETROptions) {
    super();
    const op = "DETR";
    if (typeof options !== "object" || options === null) throw new Error(`${op}: options must be an object with numClasses, got ${describe(options)}`);
    checkOptions(op, options, ["numClasses", "numQueries", "hiddenDim", "nheads", "numEncoderLayers", "numDecoderLayers", "dimFeedforward", "dropout", "backboneWidths", "blocksPerStage", "inChannels", "dtype", "generator"]);
    this.numClasses = modelInt(op, "numClasses", options.numClasses, 1);
    this.numQueries = modelInt(op, "numQueries", options.numQueries ?? 20, 1);
    this.hiddenDim = modelInt(op, "hiddenDim", options.hiddenDim ?? 64, 2);
    if (this.hiddenDim % 2 !== 0) throw new Error(`${op}: hiddenDim must be even (half of it encodes y, half x), got ${this.hiddenDim}`);
    const nheads = modelInt(op, "nheads", options.nheads ?? 4, 1);
    if (this.hiddenDim % nheads !== 0) throw new Error(`${op}: hiddenDim ${this.hiddenDim} must be divisible by nheads ${nheads}`);
    const numEncoderLayers = modelInt(op, "numEncoderLayers", options.numEncoderLayers ?? 2, 0);
    const numDecoderLayers = modelInt(op, "numDecoderLayers", options.numDecoderLayers ?? 2, 1);
    const dimFeedforward = modelInt(op, "dimFeedforward", options.dimFeedforward ?? 4 * this.hiddenDim, 1);
    const dropout = modelProb(op, "dropout", options.dropout ?? 0.1);
    const widths = modelIntList(op, "backboneWidths", options.backboneWidths ?? [32, 64, 128], null, 1);
    const blocks = modelInt(op, "blocksPerStage", options.blocksPerStage ?? 1, 1);
    const inChannels = modelInt(op, "inChannels", options.inChannels ?? 3, 1);
    const dtype = (this.dtype = options.dtype ?? "float32");
    const generator = options.generator;

    this.backbone = new DETRBackbone(inChannels, widths, blocks, { dtype, generator });
    this.inputProj = new Conv2d(this.backbone.numChannels, this.hiddenDim, 1, { dtype, generator });
    this.transformer = new DETRTransformer(this.hiddenDim, nheads, numEncoderLayers, numDecoderLayers, { dimFeedforward, dropout, dtype, generator });
    this.queryEmbed = new Embedding(this.numQueries, this.hiddenDim, { dtype, generator });
    this.classEmbed = new Linear(this.hiddenDim, this.numClasses + 1, { dtype, generator });
    this.bboxEmbed = new MLP(this.hiddenDim, this.hiddenDim, 4, 3, { dtype, generator });
  }

  /** The sine positions of an H×W feature map, (1, d, H, W), computed once per size. */
  private positions(height: number, width: number): Tensor {
    const key = `${height}x${width}`;
    if (this.posCache?.key !== key) {
      const pos = positionEmbeddingSine(height, width, { numPosFeats: this.hiddenDim / 2, dtype: this.dtype }).unsqueeze(0);
      this.posCache = { key, pos };
    }
    return this.posCache.pos;
  }

  /** images (B, C, H, W) → class logits (B, Q, numClasses + 1), boxes (B, Q, 4) in normalized cxcywh, and the earlier layers' predictions. */
  forward(images: Tensor): DETROutput {
    if (!(images instanceof Tensor) || images.ndim !== 4) throw new Error(`DETR.forward: images must be a (B, C, H, W) tensor, got ${images instanceof Tensor ? `shape [${images.shape.join(", ")}]` : describe(images)}`);
    const features = this.inputProj.call(this.backbone.call(images)); // (B, d, h, w)
    const [B, d, h, w] = features.shape as [number, number, number, number];
    const pos = this.positions(h, w).expand(B, d, h, w);
    const hs = this.transformer.forward(features, this.queryEmbed.weight, pos); // each (Q, B, d)
    const heads = hs.map((layerOut) => {
      const q = layerOut.transpose(0, 1); // (Q, B, d) → (B, Q, d)
      return { logits: this.classEmbed.call(q), boxes: this.bboxEmbed.call(q).sigmoid() };
    });
    const last = heads[heads.length - 1]!;
    return { logits: last.logits, boxes: last.boxes, auxOutputs: heads.slice(0, -1) };
  }
}
