// Vision Transformer (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words", arXiv:2010.11929), laid out as
// torchvision's VisionTransformer so its state dict keys (conv_proj, class_token, encoder.pos_embedding,
// encoder.layers.encoder_layer_0.ln_1, self_attention.in_proj_weight, mlp.0, heads.head, …) are the same.
import { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../../nn/Module.js";
import { Parameter } from "../../nn/Parameter.js";
import { Linear } from "../../nn/Linear.js";
import { Conv2d } from "../../nn/Conv.js";
import { LayerNorm } from "../../nn/LayerNorm.js";
import { Dropout } from "../../nn/Dropout.js";
import { GELU } from "../../nn/activations.js";
import { MultiheadAttention } from "../../nn/MultiheadAttention.js";
import { Sequential } from "../../nn/containers.js";
import * as init from "../../nn/init.js";
import { zeros } from "../../ops/creation.js";
import { cat } from "../../ops/movement.js";
import type { DType } from "../../tensor/dtype.js";
import type { Generator } from "../../random/Generator.js";
import { fmtShape } from "../../tensor/shape.js";
import { NamedSequential } from "./NamedSequential.js";

/** Options of `ViT` (torchvision's VisionTransformer arguments, camelCase). */
export interface ViTOptions {
  /** Side of the square input image. */
  imageSize: number;
  /** Side of the square patches (must divide imageSize). */
  patchSize: number;
  /** Transformer blocks. */
  numLayers: number;
  /** Attention heads (must divide hiddenDim). */
  numHeads: number;
  /** Width of the token embeddings. */
  hiddenDim: number;
  /** Width of each block's MLP. */
  mlpDim: number;
  /** Input channels (torchvision: 3; 1 for Fashion-MNIST). */
  inChannels?: number;
  /** Output classes. */
  numClasses?: number;
  /** Dropout after the position embedding, the attention and in the MLP. */
  dropout?: number;
  /** Dropout on the attention weights. */
  attentionDropout?: number;
  dtype?: DType;
  /** Random stream of the initialization. */
  generator?: Generator;
}

/** One pre-norm block: x + attn(ln_1(x)), then x + mlp(ln_2(x)) (torchvision's EncoderBlock). */
export class ViTEncoderBlock extends Module {
  ln1: LayerNorm;
  selfAttention: MultiheadAttention;
  dropout: Dropout;
  ln2: LayerNorm;
  /** Linear → GELU → Dropout → Linear → Dropout, keys mlp.0 and mlp.3 as torchvision's MLPBlock. */
  mlp: Sequential;
  constructor(numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number, options: { dtype?: DType; generator?: Generator } = {}) {
    super();
    const o = { dtype: options.dtype, generator: options.generator };
    this.ln1 = new LayerNorm(hiddenDim, { eps: 1e-6, dtype: options.dtype });
    this.selfAttention = new MultiheadAttention(hiddenDim, numHeads, { dropout: attentionDropout, batchFirst: true, ...o });
    this.dropout = new Dropout(dropout);
    this.ln2 = new LayerNorm(hiddenDim, { eps: 1e-6, dtype: options.dtype });
    this.mlp = new Sequential(new Linear(hiddenDim, mlpDim, o), new GELU(), new Dropout(dropout), new Linear(mlpDim, hiddenDim, o), new Dropout(dropout));
    for (const i of [0, 3]) {
      const lin = this.mlp.at(i) as Linear;
      init.xavierUniform(lin.weight, { generator: options.generator });
      init.normal(lin.bias!, 0, 1e-6, { generator: options.generator });
    }
  }
  /** torchvision's names: ln_1, self_attention, ln_2, mlp. */
  protected override stateKey(name: string): string {
    return name === "ln1" ? "ln_1" : name === "ln2" ? "ln_2" : super.stateKey(name);
  }
  forward(input: Tensor): Tensor {
    return this.forwardWithWeights(input, false).output;
  }
  /** The block's output and, with `needWeights`, its attention weights averaged over heads, (N, L, L). */
  forwardWithWeights(input: Tensor, needWeights = true): { output: Tensor; weights: Tensor | null } {
    if (input.ndim !== 3) throw new Error(`ViTEncoderBlock: expected (batch, sequence, hidden) input, got ${fmtShape(input.shape)}`);
    const h = this.ln1.call(input);
    const [attended, weights] = this.selfAttention.call(h, h, h, { needWeights });
    const x = this.dropout.call(attended).add(input);
    return { output: x.add(this.mlp.call(this.ln2.call(x))), weights };
  }
}

/** The position embedding, the blocks and the final layer norm (torchvision's Encoder). */
export class ViTEncoder extends Module {
  posEmbedding: Parameter;
  dropout: Dropout;
  layers: NamedSequential;
  ln: LayerNorm;
  constructor(seqLength: number, options: Required<Pick<ViTOptions, "numLayers" | "numHeads" | "hiddenDim" | "mlpDim">> & { dropout: number; attentionDropout: number; dtype?: DType; generator?: Generator }) {
    super();
    const { numLayers, numHeads, hiddenDim, mlpDim, dropout, attentionDropout } = options;
    this.posEmbedding = new Parameter(init.normal(zeros([1, seqLength, hiddenDim], { dtype: options.dtype }), 0, 0.02, { generator: options.generator }));
    this.dropout = new Dropout(dropout);
    this.layers = new NamedSequential(
      Array.from({ length: numLayers }, (_, i) => [`encoder_layer_${i}`, new ViTEncoderBlock(numHeads, hiddenDim, mlpDim, dropout, attentionDropout, options)] as [string, ViTEncoderBlock]),
    );
    this.ln = new LayerNorm(hiddenDim, { eps: 1e-6, dtype: options.dtype });
  }
  forward(input: Tensor): Tensor {
    if (input.shape[1] !== this.posEmbedding.shape[1]) {
      throw new Error(`ViTEncoder: the sequence has ${input.shape[1]} tokens but the position table has ${this.posEmbedding.shape[1]} (input ${fmtShape(input.shape)})`);
    }
    return this.ln.call(this.layers.call(this.dropout.call(input.add(this.posEmbedding))));
  }
}

/**
 * Vision Transformer for classification, torchvision's `VisionTransformer` with any channel count: the image is cut
 * into patchSize² patches by a strided convolution (`conv_proj`), a learned class token is prepended, learned
 * position embeddings are added, `numLayers` pre-norm Transformer blocks run, and the class token's final
 * state goes through the linear head. Same parameter names, shapes and initialization scheme as torchvision,
 * so its state dicts load unchanged.
 *
 * ```ts
 * const vit = new vision.models.ViT({ imageSize: 28, patchSize: 7, numLayers: 2, numHeads: 4, hiddenDim: 64, mlpDim: 128, inChannels: 1 });
 * vit.call(images); // images (N, 1, 28, 28) → logits (N, 10)
 * ```
 */
export class ViT extends Module {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly hiddenDim: number;
  readonly inChannels: number;
  convProj: Conv2d;
  classToken: Parameter;
  encoder: ViTEncoder;
  heads: NamedSequential;
  constructor(options: ViTOptions) {
    super();
    const op = "ViT";
    const { imageSize, patchSize, numLayers, numHeads, hiddenDim, mlpDim } = options;
    for (const [name, v] of Object.entries({ imageSize, patchSize, numLayers, numHeads, hiddenDim, mlpDim })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${String(v)}`);
    }
    if (imageSize % patchSize !== 0) throw new Error(`${op}: patchSize ${patchSize} must divide imageSize ${imageSize}`);
    if (hiddenDim % numHeads !== 0) throw new Error(`${op}: hiddenDim ${hiddenDim} must be divisible by numHeads ${numHeads}`);
    this.imageSize = imageSize;
    this.patchSize = patchSize;
    this.hiddenDim = hiddenDim;
    this.inChannels = options.inChannels ?? 3;
    const o = { dtype: options.dtype, generator: options.generator };
    this.convProj = new Conv2d(this.inChannels, hiddenDim, patchSize, { stride: patchSize, ...o });
    const fanIn = this.inChannels * patchSize * patchSize;
    init.truncNormal(this.convProj.weight, 0, Math.sqrt(1 / fanIn), -2, 2, { generator: options.generator });
    init.constant(this.convProj.bias!, 0);
    this.classToken = new Parameter(zeros([1, 1, hiddenDim], { dtype: options.dtype }));
    const seqLength = (imageSize / patchSize) ** 2 + 1;
    this.encoder = new ViTEncoder(seqLength, { numLayers, numHeads, hiddenDim, mlpDim, dropout: options.dropout ?? 0, attentionDropout: options.attentionDropout ?? 0, ...o });
    const head = new Linear(hiddenDim, options.numClasses ?? 10, o);
    init.constant(head.weight, 0);
    init.constant(head.bias!, 0);
    this.heads = new NamedSequential([["head", head]]);
  }

  /** Patch tokens: (N, C, H, W) → (N, (H/p)·(W/p), hidden). */
  processInput(x: Tensor): Tensor {
    const s = this.imageSize;
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2] !== s || x.shape[3] !== s) {
      throw new Error(`ViT: expected images (N, ${this.inChannels}, ${s}, ${s}), got ${fmtShape(x.shape)}`);
    }
    const n = x.shape[0]!, g = s / this.patchSize;
    return this.convProj.call(x).reshape([n, this.hiddenDim, g * g]).permute([0, 2, 1]);
  }

  /** Each block's attention weights (averaged over heads) for images x: one (N, L, L) tensor per block, L = patches + 1 (token 0 is the class token). */
  attentionWeights(x: Tensor): Tensor[] {
    const tokens = this.processInput(x);
    const n = tokens.shape[0]!;
    let h = this.encoder.dropout.call(cat([this.classToken.expand([n, 1, this.hiddenDim]), tokens], 1).add(this.encoder.posEmbedding));
    const out: Tensor[] = [];
    for (const block of this.encoder.layers.children() as Iterable<ViTEncoderBlock>) {
      const { output, weights } = block.forwardWithWeights(h);
      out.push(weights!);
      h = output;
    }
    return out;
  }

  forward(x: Tensor): Tensor {
    const tokens = this.processInput(x);
    const n = tokens.shape[0]!;
    const withClass = cat([this.classToken.expand([n, 1, this.hiddenDim]), tokens], 1);
    const encoded = this.encoder.call(withClass);
    return this.heads.call(encoded.select(1, 0));
  }
}
