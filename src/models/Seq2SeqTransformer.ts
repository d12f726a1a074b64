// An encoder–decoder Transformer for sequence-to-sequence tasks (Vaswani et al. 2017), as PyTorch's
// "Language translation with nn.Transformer" tutorial builds it: token embeddings scaled by √d, sinusoidal
// positions, nn.Transformer, a linear head; greedy and beam-search decoding, and cross-attention maps.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import type { Generator } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { add, mul } from "../ops/elementwise.js";
import { tensor } from "../ops/creation.js";
import { cat, slice } from "../ops/movement.js";
import { indexSelect } from "../ops/indexing.js";
import { Module } from "../nn/Module.js";
import { Linear } from "../nn/Linear.js";
import { Embedding } from "../nn/Embedding.js";
import { SinusoidalPositionalEncoding } from "../nn/positional.js";
import { Transformer, generateSquareSubsequentMask, type DecoderForwardOptions } from "../nn/Transformer.js";
import { beamSearch, greedySearch, type BeamSearchOptions, type Hypothesis, type SearchDecoder, type SearchOptions } from "../nn/seq2seq.js";
import * as init from "../nn/init.js";

/**
 * The shape of a {@link Seq2SeqTransformer}: the two vocabularies, the width, heads and depth of
 * `nn.Transformer`, dropout, the longest sequence, the padding token, pre- or post-norm, dtype and the
 * generator of the initial weights.
 */
export interface Seq2SeqTransformerConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** Width of the embeddings and of every layer (default 128). */
  dModel?: number;
  /** Attention heads (default 4; must divide dModel). */
  nHead?: number;
  /** Default 2. */
  numEncoderLayers?: number;
  /** Default 2. */
  numDecoderLayers?: number;
  /** Width of the feed-forward blocks (default 4·dModel). */
  dimFeedforward?: number;
  /** Dropout after the positional encoding and inside every layer (default 0.1). */
  dropout?: number;
  /** The positional table's length: the longest source or target (default 256). */
  maxLen?: number;
  /** The padding token of both vocabularies (default 0): masked out of every attention as a key. */
  padIdx?: number;
  /** Pre-norm layers (LayerNorm before each block) instead of PyTorch's default post-norm (default false). */
  normFirst?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** What the decoder needs at every step: the encoder's output, its padding mask and the target tokens so far. */
export interface Seq2SeqTransformerState {
  /** (B, S, d) the encoded source. */
  memory: Tensor;
  /** (B, S) bool, true at source padding; null when no row is padded. */
  srcPaddingMask: Tensor | null;
  /** (B, t) int32, the tokens fed so far (starting with the start token). */
  tokens: Tensor | null;
}

const CONFIG_KEYS = ["srcVocabSize", "tgtVocabSize", "dModel", "nHead", "numEncoderLayers", "numDecoderLayers", "dimFeedforward", "dropout", "maxLen", "padIdx", "normFirst", "dtype", "generator"];

/**
 * An encoder–decoder Transformer over token ids: source and target embeddings (scaled by √dModel, with
 * fairseq's N(0, 1/dModel) initialization so the scaled embedding has unit variance) plus sinusoidal
 * positions feed a batch-first `nn.Transformer`; source padding is masked out of the encoder's
 * self-attention and of the decoder's cross-attention, and a causal mask keeps each target position from
 * seeing later ones. `forward(src (B, S) int32, tgtIn (B, T) int32)` → logits (B, T, tgtVocabSize)
 * (teacher forcing: the logits at position t predict token t + 1 of the target).
 *
 * ```ts
 * const model = new models.Seq2SeqTransformer({ srcVocabSize: 40, tgtVocabSize: 14, dModel: 64, nHead: 4 });
 * const logits = model.call(src, tgtIn);                       // (B, T, 14)
 * const [best] = model.greedyDecode(src, { bos: 1, eos: 2, maxLength: 12 });
 * ```
 */
export class Seq2SeqTransformer extends Module<[Tensor, Tensor], Tensor> {
  srcTokEmb: Embedding;
  tgtTokEmb: Embedding;
  positionalEncoding: SinusoidalPositionalEncoding;
  transformer: Transformer;
  out: Linear;
  readonly dModel: number;
  readonly maxLen: number;
  readonly padIdx: number;
  readonly srcVocabSize: number;
  readonly tgtVocabSize: number;

  constructor(config: Seq2SeqTransformerConfig) {
    super();
    const op = "Seq2SeqTransformer";
    if (typeof config !== "object" || config === null) throw new Error(`${op}: config must be an object, got ${describe(config)}`);
    const unknown = Object.keys(config).filter((k) => !CONFIG_KEYS.includes(k));
    if (unknown.length > 0) throw new Error(`${op}: unknown config field(s) ${unknown.join(", ")}`);
    this.srcVocabSize = checkSize(op, "srcVocabSize", config.srcVocabSize);
    this.tgtVocabSize = checkSize(op, "tgtVocabSize", config.tgtVocabSize);
    const d = checkSize(op, "dModel", config.dModel ?? 128);
    const nHead = checkSize(op, "nHead", config.nHead ?? 4);
    if (nHead === 0 || d % nHead !== 0) throw new Error(`${op}: dModel ${d} must be divisible by nHead ${nHead}`);
    this.dModel = d;
    this.maxLen = checkSize(op, "maxLen", config.maxLen ?? 256);
    this.padIdx = config.padIdx ?? 0;
    if (!Number.isInteger(this.padIdx) || this.padIdx < 0 || this.padIdx >= Math.min(this.srcVocabSize, this.tgtVocabSize)) {
      throw new Error(`${op}: padIdx must be a token id of both vocabularies (0 ≤ padIdx < ${Math.min(this.srcVocabSize, this.tgtVocabSize)}), got ${describe(config.padIdx)}`);
    }
    const { dtype, generator } = config;
    const dropout = config.dropout ?? 0.1;

    this.srcTokEmb = new Embedding(this.srcVocabSize, d, { paddingIdx: this.padIdx, dtype, generator });
    this.tgtTokEmb = new Embedding(this.tgtVocabSize, d, { paddingIdx: this.padIdx, dtype, generator });
    for (const emb of [this.srcTokEmb, this.tgtTokEmb]) {
      init.normal(emb.weight, 0, d ** -0.5, { generator }); // × √d in forward: unit variance (fairseq)
      noGrad(() => emb.weight.select(0, this.padIdx).fill_(0));
    }
    this.positionalEncoding = new SinusoidalPositionalEncoding(d, { maxLen: this.maxLen, dropout, batchFirst: true, dtype });
    this.transformer = new Transformer({
      dModel: d, nhead: nHead, numEncoderLayers: config.numEncoderLayers ?? 2, numDecoderLayers: config.numDecoderLayers ?? 2,
      dimFeedforward: config.dimFeedforward ?? 4 * d, dropout, normFirst: config.normFirst ?? false, batchFirst: true, dtype, generator,
    });
    this.out = new Linear(d, this.tgtVocabSize, { dtype, generator });
  }

  /** Checks that `tokens` is an int32 (B, L) tensor of ids in [0, vocab) with L ≤ maxLen; returns its ids. */
  private checkTokens(what: "src" | "tgtIn", tokens: Tensor, vocab: number): Int32Array {
    const op = "Seq2SeqTransformer";
    if (!(tokens instanceof Tensor) || tokens.ndim !== 2 || tokens.dtype !== "int32") {
      throw new Error(`${op}: ${what} must be an int32 (B, ${what === "src" ? "S" : "T"}) tensor of token ids, got ${tokens instanceof Tensor ? `${tokens.dtype} ${fmtShape(tokens.shape)}` : describe(tokens)}`);
    }
    const L = tokens.shape[1]!;
    if (L === 0) throw new Error(`${op}: ${what} ${fmtShape(tokens.shape)} has no tokens`);
    if (L > this.maxLen) throw new Error(`${op}: ${what} ${fmtShape(tokens.shape)} has ${L} tokens, more than the positional table's maxLen ${this.maxLen}`);
    const ids = tokens.contiguous().dataSync() as Int32Array;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i]! < 0 || ids[i]! >= vocab) {
        throw new Error(`${op}: ${what} ${fmtShape(tokens.shape)} holds token id ${ids[i]} at row ${Math.floor(i / L)}, position ${i % L}, outside the ${what === "src" ? "source" : "target"} vocabulary [0, ${vocab})`);
      }
    }
    return ids;
  }

  /** (B, L) bool, true where ids are padding; null when nothing is padded (so attention can take its unmasked path). */
  private paddingMaskOf(tokens: Tensor, ids: Int32Array): Tensor | null {
    if (!ids.includes(this.padIdx)) return null;
    return tensor(Array.from(ids, (t) => (t === this.padIdx ? 1 : 0)), { shape: [...tokens.shape], dtype: "bool" });
  }

  /** Token ids (B, L) → embedding·√d + position, (B, L, d). */
  private embed(embedding: Embedding, tokens: Tensor): Tensor {
    return this.positionalEncoding.call(mul(embedding.call(tokens), Math.sqrt(this.dModel)));
  }

  /** Runs the encoder on src (B, S) int32: the memory (B, S, d) and the source padding mask (B, S) (null when unpadded). */
  encode(src: Tensor): { memory: Tensor; srcPaddingMask: Tensor | null } {
    const ids = this.checkTokens("src", src, this.srcVocabSize);
    const S = src.shape[1]!;
    for (let b = 0; b < src.shape[0]!; b++) {
      if (ids.subarray(b * S, (b + 1) * S).every((t) => t === this.padIdx)) {
        throw new Error(`Seq2SeqTransformer: src ${fmtShape(src.shape)} row ${b} is all padding (token ${this.padIdx}); attention needs at least one real source token`);
      }
    }
    const srcPaddingMask = this.paddingMaskOf(src, ids);
    const memory = this.transformer.encoder.forward(this.embed(this.srcTokEmb, src), { srcKeyPaddingMask: srcPaddingMask }); // (B, S, d)
    return { memory, srcPaddingMask };
  }

  /** The decoder's masks for tgtIn (B, T): causal self-attention, target padding (when any) and source padding. */
  private decoderMasks(tgtIn: Tensor, ids: Int32Array, srcPaddingMask: Tensor | null): DecoderForwardOptions {
    const T = tgtIn.shape[1]!;
    return {
      tgtMask: generateSquareSubsequentMask(T, { dtype: this.out.weight.dtype }), // (T, T): −∞ above the diagonal
      tgtIsCausal: true,
      tgtKeyPaddingMask: this.paddingMaskOf(tgtIn, ids),
      memoryKeyPaddingMask: srcPaddingMask,
    };
  }

  /** Runs the decoder on tgtIn (B, T) int32 over an encoded source: logits (B, T, tgtVocabSize). */
  decode(tgtIn: Tensor, memory: Tensor, srcPaddingMask: Tensor | null = null): Tensor {
    const ids = this.checkTokens("tgtIn", tgtIn, this.tgtVocabSize);
    if (tgtIn.shape[0] !== memory.shape[0]) {
      throw new Error(`Seq2SeqTransformer: tgtIn ${fmtShape(tgtIn.shape)} and memory ${fmtShape(memory.shape)} must have the same batch size`);
    }
    const x = this.embed(this.tgtTokEmb, tgtIn); // (B, T, d)
    const h = this.transformer.decoder.forward(x, memory, this.decoderMasks(tgtIn, ids, srcPaddingMask)); // (B, T, d)
    return this.out.call(h); // (B, T, V)
  }

  forward(src: Tensor, tgtIn: Tensor): Tensor {
    const { memory, srcPaddingMask } = this.encode(src);
    return this.decode(tgtIn, memory, srcPaddingMask);
  }

  /**
   * This model as a {@link SearchDecoder}: each step appends the new tokens to the state's prefix and reruns
   * the decoder on it (no cache; the prefix is at most `maxLength` long), returning the last position's
   * log-probabilities. It returns no attention rows (see {@link Seq2SeqTransformer.crossAttention}).
   */
  searchDecoder(): SearchDecoder<Seq2SeqTransformerState> {
    return {
      step: (tokens, state) => {
        const prefix = state.tokens ? cat([state.tokens, tokens.unsqueeze(1)], 1) : tokens.unsqueeze(1); // (B, t + 1)
        const logits = this.decode(prefix, state.memory, state.srcPaddingMask); // (B, t + 1, V)
        const T = prefix.shape[1]!;
        const last = slice(logits, 1, T - 1, T).squeeze(1); // (B, V)
        return [last.logSoftmax(1), { ...state, tokens: prefix }, null];
      },
      reorder: (s, rows) => ({
        memory: indexSelect(s.memory, 0, rows),
        srcPaddingMask: s.srcPaddingMask ? indexSelect(s.srcPaddingMask, 0, rows) : null,
        tokens: s.tokens ? indexSelect(s.tokens, 0, rows) : null,
      }),
    };
  }

  private checkSearchLength(op: string, maxLength: number): void {
    if (Number.isInteger(maxLength) && maxLength > this.maxLen) {
      throw new Error(`Seq2SeqTransformer.${op}: maxLength ${maxLength} is longer than the positional table's maxLen ${this.maxLen}`);
    }
  }

  /** Greedy translation of each row of src (B, S) int32, without gradients: one {@link Hypothesis} per row (tokens end with `eos` when it was emitted). */
  greedyDecode(src: Tensor, options: SearchOptions): Hypothesis[] {
    this.checkSearchLength("greedyDecode", options.maxLength);
    return noGrad(() => {
      const { memory, srcPaddingMask } = this.encode(src);
      return greedySearch(this.searchDecoder(), { memory, srcPaddingMask, tokens: null }, src.shape[0]!, options);
    });
  }

  /** Beam-search translation of each row of src (B, S) int32: the best {@link Hypothesis} of each. */
  beamDecode(src: Tensor, options: BeamSearchOptions): Hypothesis[] {
    this.checkSearchLength("beamDecode", options.maxLength);
    return noGrad(() => {
      const { memory, srcPaddingMask } = this.encode(src);
      const decoder = this.searchDecoder();
      const state: Seq2SeqTransformerState = { memory, srcPaddingMask, tokens: null };
      return Array.from({ length: src.shape[0]! }, (_, b) => beamSearch(decoder, decoder.reorder(state, [b]), options)[0]!);
    });
  }

  /**
   * The cross-attention weights of every decoder layer for src (B, S) and tgtIn (B, T), averaged over
   * heads: one (B, T, S) tensor per layer, row t the weights over the source with which target position t
   * reads it (padded source positions get 0). Computed in eval mode (no dropout), without gradients.
   */
  crossAttention(src: Tensor, tgtIn: Tensor): Tensor[] {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const { memory, srcPaddingMask } = this.encode(src);
        const ids = this.checkTokens("tgtIn", tgtIn, this.tgtVocabSize);
        const masks = this.decoderMasks(tgtIn, ids, srcPaddingMask);
        let x = this.embed(this.tgtTokEmb, tgtIn); // (B, T, d)
        const weights: Tensor[] = [];
        for (const layer of this.transformer.decoder.layers) {
          // The query of the layer's cross-attention: x after the self-attention block (post-norm), or that sum normalized by norm2 (pre-norm).
          const selfAttention = (h: Tensor): Tensor => layer.selfAttn.forward(h, h, h, { attnMask: masks.tgtMask, keyPaddingMask: masks.tgtKeyPaddingMask, needWeights: false })[0];
          const query = layer.normFirst ? layer.norm2.call(add(x, selfAttention(layer.norm1.call(x)))) : layer.norm1.call(add(x, selfAttention(x)));
          const [, w] = layer.multiheadAttn.forward(query, memory, memory, { keyPaddingMask: srcPaddingMask, needWeights: true }); // (B, T, S)
          weights.push(w!);
          x = layer.forward(x, memory, masks);
        }
        return weights;
      });
    } finally {
      this.train(wasTraining);
    }
  }
}
