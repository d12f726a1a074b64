// BERT: a bidirectional Transformer encoder pretrained by masked-language modelling (Devlin et al. 2019,
// arXiv:1810.04805), with its [CLS] pooler, the MLM head, a sequence-classification head and the 80/10/10 masking rule.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import { Generator, defaultGenerator } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { add, tanh } from "../ops/elementwise.js";
import { arange, tensor, zeros } from "../ops/creation.js";
import { reshape, select } from "../ops/movement.js";
import { Module } from "../nn/Module.js";
import { Linear } from "../nn/Linear.js";
import { Embedding } from "../nn/Embedding.js";
import { LayerNorm } from "../nn/LayerNorm.js";
import { Dropout } from "../nn/Dropout.js";
import { TransformerEncoder, TransformerEncoderLayer } from "../nn/Transformer.js";
import { MultiheadAttention } from "../nn/MultiheadAttention.js";
import * as init from "../nn/init.js";
import { gelu } from "../nn/functional/activations.js";
import { crossEntropy } from "../nn/functional/losses.js";

/**
 * The shape of a {@link BERT}, with Hugging Face's `BertConfig` names in camelCase: vocabulary, width,
 * depth, heads, feed-forward width, position and segment tables, dropout, LayerNorm epsilon, the padding
 * token, the number of classes of the classification head, dtype and the generator of the initial weights.
 */
export interface BERTConfig {
  vocabSize: number;
  /** Width of the token vectors (BERT-base: 768). */
  hiddenSize: number;
  /** Encoder layers (BERT-base: 12). */
  numHiddenLayers: number;
  /** Attention heads per layer; must divide hiddenSize (BERT-base: 12). */
  numAttentionHeads: number;
  /** Width of the feed-forward block (default 4 · hiddenSize). */
  intermediateSize?: number;
  /** Longest sequence (the position table's length; default 512). */
  maxPositionEmbeddings?: number;
  /** Segment (token-type) ids: sentence A = 0, sentence B = 1 (default 2 of them). */
  typeVocabSize?: number;
  /** Dropout on the embeddings, attention weights, residual branches and before the classifier (default 0.1). */
  hiddenDropoutProb?: number;
  /** LayerNorm epsilon (default 1e-12, as BERT). */
  layerNormEps?: number;
  /** The padding token: its embedding row starts at zero and gets no gradient (default 0). */
  padTokenId?: number;
  /** Classes of the sequence-classification head (default 2). */
  numLabels?: number;
  dtype?: DType;
  /** Random source of the initial weights. */
  generator?: Generator;
}

/** The inputs besides the token ids, as Hugging Face's `BertModel`: segment ids and the attention mask. */
export interface BERTInputs {
  /** (B, T) int32 segment ids in [0, typeVocabSize) (default all 0). */
  tokenTypeIds?: Tensor | null;
  /** (B, T): 1 (or true) for a real token, 0 (false) for padding, which no position attends to (default all 1). */
  attentionMask?: Tensor | null;
}

/** The encoder's outputs: every position's final vector and the pooled [CLS] vector. */
export interface BERTOutput {
  /** (B, T, hiddenSize) */
  lastHiddenState: Tensor;
  /** (B, hiddenSize): tanh(dense(lastHiddenState[:, 0])), the [CLS] summary. */
  poolerOutput: Tensor;
}

/** Word + position + segment embeddings, summed, then LayerNorm and dropout. */
export class BertEmbeddings extends Module<[Tensor, Tensor], Tensor> {
  wordEmbeddings: Embedding;
  positionEmbeddings: Embedding;
  tokenTypeEmbeddings: Embedding;
  layerNorm: LayerNorm;
  dropout: Dropout;
  constructor(config: Required<Omit<BERTConfig, "generator">>) {
    super();
    const { dtype } = config;
    this.wordEmbeddings = new Embedding(config.vocabSize, config.hiddenSize, { paddingIdx: config.padTokenId, dtype });
    this.positionEmbeddings = new Embedding(config.maxPositionEmbeddings, config.hiddenSize, { dtype });
    this.tokenTypeEmbeddings = new Embedding(config.typeVocabSize, config.hiddenSize, { dtype });
    this.layerNorm = new LayerNorm(config.hiddenSize, { eps: config.layerNormEps, dtype });
    this.dropout = new Dropout(config.hiddenDropoutProb);
  }
  forward(inputIds: Tensor, tokenTypeIds: Tensor): Tensor {
    const T = inputIds.shape[1]!;
    const positions = arange(0, T, 1, { dtype: "int32" }); // (T)
    const x = add(add(this.wordEmbeddings.call(inputIds), this.positionEmbeddings.call(positions)), this.tokenTypeEmbeddings.call(tokenTypeIds)); // (B, T, H) + (T, H) + (B, T, H)
    return this.dropout.call(this.layerNorm.call(x));
  }
}

/** tanh(dense(h_[CLS])): the sequence summary the classification head reads. */
export class BertPooler extends Module {
  dense: Linear;
  constructor(config: Required<Omit<BERTConfig, "generator">>) {
    super();
    this.dense = new Linear(config.hiddenSize, config.hiddenSize, { dtype: config.dtype });
  }
  forward(hidden: Tensor): Tensor {
    return tanh(this.dense.call(select(hidden, 1, 0))); // (B, T, H) → (B, H), the first token
  }
}

/** The MLM head: dense + GELU + LayerNorm, then a decoder whose weight is the word embedding table (plus a bias). */
export class BertLMPredictionHead extends Module {
  dense: Linear;
  layerNorm: LayerNorm;
  decoder: Linear;
  constructor(config: Required<Omit<BERTConfig, "generator">>) {
    super();
    const { dtype } = config;
    this.dense = new Linear(config.hiddenSize, config.hiddenSize, { dtype });
    this.layerNorm = new LayerNorm(config.hiddenSize, { eps: config.layerNormEps, dtype });
    this.decoder = new Linear(config.hiddenSize, config.vocabSize, { dtype });
  }
  /** hidden (…, H) → logits (…, vocabSize) */
  forward(hidden: Tensor): Tensor {
    return this.decoder.call(this.layerNorm.call(gelu(this.dense.call(hidden))));
  }
}

const CONFIG_FIELDS = [
  "vocabSize", "hiddenSize", "numHiddenLayers", "numAttentionHeads", "intermediateSize", "maxPositionEmbeddings", "typeVocabSize",
  "hiddenDropoutProb", "layerNormEps", "padTokenId", "numLabels", "dtype", "generator",
];

/**
 * BERT (Devlin et al. 2019): token + learned position + segment embeddings, `numHiddenLayers` post-norm
 * encoder layers (`nn.TransformerEncoderLayer` with GELU), and three readers of the result: the [CLS]
 * pooler, the masked-language-model head (tied to the word embeddings) and a sequence classifier on the
 * pooled vector. Initialized as BERT: N(0, 0.02) weights, zero biases, unit LayerNorms.
 *
 * ```ts
 * const bert = new models.BERT({ vocabSize: 100, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4 });
 * const masked = models.maskTokens(ids, { vocabSize: 100, maskTokenId: 4, specialTokenIds: [0, 2, 3] });
 * const { loss } = bert.maskedLM(masked.inputIds, { labels: masked.labels, attentionMask }); // pretraining
 * const { logits } = bert.classify(ids, { attentionMask });                                 // (B, numLabels)
 * ```
 */
export class BERT extends Module<[Tensor, BERTInputs?], BERTOutput> {
  embeddings: BertEmbeddings;
  encoder: TransformerEncoder;
  pooler: BertPooler;
  mlmHead: BertLMPredictionHead;
  classifierDropout: Dropout;
  classifier: Linear;
  readonly config: Readonly<Required<Omit<BERTConfig, "generator">>>;
  constructor(config: BERTConfig) {
    super();
    const op = "BERT";
    const unknown = Object.keys(config).filter((k) => !CONFIG_FIELDS.includes(k));
    if (unknown.length > 0) throw new Error(`${op}: unknown config field(s) ${unknown.join(", ")}`);
    for (const f of ["vocabSize", "hiddenSize", "numHiddenLayers", "numAttentionHeads"] as const) checkSize(op, f, config[f]);
    if (config.numAttentionHeads === 0 || config.hiddenSize % config.numAttentionHeads !== 0) {
      throw new Error(`${op}: hiddenSize ${config.hiddenSize} must be divisible by numAttentionHeads ${config.numAttentionHeads}`);
    }
    const c = {
      vocabSize: config.vocabSize, hiddenSize: config.hiddenSize, numHiddenLayers: config.numHiddenLayers, numAttentionHeads: config.numAttentionHeads,
      intermediateSize: checkSize(op, "intermediateSize", config.intermediateSize ?? 4 * config.hiddenSize),
      maxPositionEmbeddings: checkSize(op, "maxPositionEmbeddings", config.maxPositionEmbeddings ?? 512),
      typeVocabSize: checkSize(op, "typeVocabSize", config.typeVocabSize ?? 2),
      hiddenDropoutProb: config.hiddenDropoutProb ?? 0.1,
      layerNormEps: config.layerNormEps ?? 1e-12,
      padTokenId: checkSize(op, "padTokenId", config.padTokenId ?? 0),
      numLabels: checkSize(op, "numLabels", config.numLabels ?? 2),
      dtype: config.dtype ?? "float32",
    };
    if (!(c.hiddenDropoutProb >= 0 && c.hiddenDropoutProb < 1)) throw new Error(`${op}: hiddenDropoutProb must be in [0, 1), got ${describe(config.hiddenDropoutProb)}`);
    if (c.padTokenId >= c.vocabSize) throw new Error(`${op}: padTokenId ${c.padTokenId} is outside the vocabulary of ${c.vocabSize}`);
    this.config = c;
    this.embeddings = new BertEmbeddings(c);
    const layer = new TransformerEncoderLayer(c.hiddenSize, c.numAttentionHeads, {
      dimFeedforward: c.intermediateSize, dropout: c.hiddenDropoutProb, activation: "gelu", layerNormEps: c.layerNormEps, batchFirst: true, dtype: c.dtype,
    });
    this.encoder = new TransformerEncoder(layer, c.numHiddenLayers);
    this.pooler = new BertPooler(c);
    this.mlmHead = new BertLMPredictionHead(c);
    this.mlmHead.decoder.weight = this.embeddings.wordEmbeddings.weight; // weight tying, as BERT's output embedding
    this.classifierDropout = new Dropout(c.hiddenDropoutProb);
    this.classifier = new Linear(c.hiddenSize, c.numLabels, { dtype: c.dtype });

    const g = config.generator;
    for (const m of this.modules()) {
      if (m instanceof Linear) {
        if (m !== this.mlmHead.decoder) init.normal(m.weight, 0, 0.02, { generator: g }); // the decoder's weight is the embedding table
        if (m.bias) init.constant(m.bias, 0);
      } else if (m instanceof Embedding) {
        init.normal(m.weight, 0, 0.02, { generator: g });
        if (m.paddingIdx !== undefined) noGrad(() => m.weight.select(0, m.paddingIdx!).fill_(0));
      } else if (m instanceof MultiheadAttention) {
        if (m.inProjWeight) init.normal(m.inProjWeight, 0, 0.02, { generator: g });
        if (m.inProjBias) init.constant(m.inProjBias, 0);
      }
    }
  }

  /** inputIds (B, T) int32 → every position's vector (B, T, H) and the pooled [CLS] vector (B, H). */
  forward(inputIds: Tensor, inputs: BERTInputs = {}): BERTOutput {
    const op = "BERT";
    const unknown = Object.keys(inputs).filter((k) => k !== "tokenTypeIds" && k !== "attentionMask");
    if (unknown.length > 0) throw new Error(`${op}: unknown input(s) ${unknown.join(", ")}`);
    this.checkIds(op, "inputIds", inputIds, this.config.vocabSize, "the vocabulary of");
    const [B, T] = inputIds.shape as [number, number];
    if (T > this.config.maxPositionEmbeddings) {
      throw new Error(`${op}: sequence of ${T} tokens is longer than maxPositionEmbeddings ${this.config.maxPositionEmbeddings} (inputIds shape ${fmtShape(inputIds.shape)})`);
    }
    const tokenTypeIds = inputs.tokenTypeIds ?? zeros([B, T], { dtype: "int32" });
    this.checkIds(op, "tokenTypeIds", tokenTypeIds, this.config.typeVocabSize, "typeVocabSize", inputIds.shape);
    const padding = inputs.attentionMask ? paddingMask(op, inputs.attentionMask, inputIds.shape) : null; // (B, T) bool, true = padding
    const embedded = this.embeddings.call(inputIds, tokenTypeIds); // (B, T, H)
    const lastHiddenState = this.encoder.call(embedded, { srcKeyPaddingMask: padding }); // (B, T, H)
    return { lastHiddenState, poolerOutput: this.pooler.call(lastHiddenState) };
  }

  /**
   * Masked-language-model logits (B, T, vocabSize) for every position; with `labels` (B, T) int32 also the
   * mean cross-entropy over the positions whose label is not -100 (see {@link maskTokens}).
   */
  maskedLM(inputIds: Tensor, inputs: BERTInputs & { labels?: Tensor | null } = {}): { logits: Tensor; loss: Tensor | null } {
    const { labels, ...rest } = inputs;
    const logits = this.mlmHead.call(this.forward(inputIds, rest).lastHiddenState); // (B, T, V)
    if (!labels) return { logits, loss: null };
    this.checkLabels("BERT.maskedLM", labels, inputIds.shape);
    const [B, T] = inputIds.shape as [number, number];
    return { logits, loss: crossEntropy(reshape(logits, [B * T, this.config.vocabSize]), reshape(labels, [B * T]), { ignoreIndex: -100 }) };
  }

  /** Class logits (B, numLabels) from the pooled [CLS] vector; with `labels` (B) int32 also the mean cross-entropy. */
  classify(inputIds: Tensor, inputs: BERTInputs & { labels?: Tensor | null } = {}): { logits: Tensor; loss: Tensor | null } {
    const { labels, ...rest } = inputs;
    const logits = this.classifier.call(this.classifierDropout.call(this.forward(inputIds, rest).poolerOutput)); // (B, numLabels)
    if (!labels) return { logits, loss: null };
    this.checkLabels("BERT.classify", labels, [inputIds.shape[0]!]);
    return { logits, loss: crossEntropy(logits, labels) };
  }

  /** An int32 tensor of the expected shape ((B, T) when none is given) whose values are all in [0, limit). */
  private checkIds(op: string, name: string, ids: Tensor, limit: number, limitName: string, shape?: readonly number[]): void {
    if (!(ids instanceof Tensor) || ids.dtype !== "int32" || ids.ndim !== 2 || (shape && fmtShape(ids.shape) !== fmtShape(shape))) {
      const want = shape ? fmtShape(shape) : "(B, T)";
      throw new Error(`${op}: ${name} must be an int32 ${want} tensor, got ${ids instanceof Tensor ? `${ids.dtype} ${fmtShape(ids.shape)}` : describe(ids)}`);
    }
    const values = ids.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < 0 || v >= limit) throw new Error(`${op}: ${name} holds ${v} (element ${i} of ${fmtShape(ids.shape)}), outside ${limitName} ${limit}`);
    }
  }

  private checkLabels(op: string, labels: Tensor, shape: readonly number[]): void {
    if (!(labels instanceof Tensor) || labels.dtype !== "int32" || fmtShape(labels.shape) !== fmtShape(shape)) {
      throw new Error(`${op}: labels must be an int32 ${fmtShape(shape)} tensor, got ${labels instanceof Tensor ? `${labels.dtype} ${fmtShape(labels.shape)}` : describe(labels)}`);
    }
  }
}

/** Hugging Face's attention mask (1 = token, 0 = padding) as PyTorch's key padding mask (true = padding). */
function paddingMask(op: string, attentionMask: Tensor, shape: readonly number[]): Tensor {
  if (!(attentionMask instanceof Tensor) || fmtShape(attentionMask.shape) !== fmtShape(shape)) {
    throw new Error(`${op}: attentionMask must be a ${fmtShape(shape)} tensor like inputIds, got ${attentionMask instanceof Tensor ? `${attentionMask.dtype} ${fmtShape(attentionMask.shape)}` : describe(attentionMask)}`);
  }
  return attentionMask.eq(0);
}

/** Options of {@link maskTokens}: the vocabulary, the [MASK] id, the ids never masked, the masking rate and the generator. */
export interface MaskTokensOptions {
  /** Random replacements are drawn uniformly from [0, vocabSize). */
  vocabSize: number;
  /** The id of [MASK]. */
  maskTokenId: number;
  /** Ids that are never chosen for prediction, e.g. [CLS], [SEP], [PAD] (default none). */
  specialTokenIds?: readonly number[];
  /** Fraction of each sequence's other positions to predict (default 0.15). */
  mlmProbability?: number;
  generator?: Generator;
}

/**
 * BERT's masked-LM corruption (Devlin et al. 2019, §3.1 and appendix A.1; Google's
 * create_pretraining_data.py): in each row of `inputIds` (B, T) int32, choose max(1, round(p · n)) of the
 * n positions that hold no special token (p = mlmProbability, 0.15), uniformly without replacement; of
 * the chosen, 80 % become [MASK], 10 % a token drawn uniformly from the vocabulary, 10 % stay unchanged.
 * Returns the corrupted ids and `labels` (B, T): the original id at the chosen positions, -100 (the
 * ignoreIndex of crossEntropy) elsewhere. Same generator state, same result.
 */
export function maskTokens(inputIds: Tensor, options: MaskTokensOptions): { inputIds: Tensor; labels: Tensor } {
  const op = "maskTokens";
  const known = ["vocabSize", "maskTokenId", "specialTokenIds", "mlmProbability", "generator"];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}`);
  if (!(inputIds instanceof Tensor) || inputIds.dtype !== "int32" || inputIds.ndim !== 2) {
    throw new Error(`${op}: inputIds must be an int32 (B, T) tensor, got ${inputIds instanceof Tensor ? `${inputIds.dtype} ${fmtShape(inputIds.shape)}` : describe(inputIds)}`);
  }
  const vocabSize = checkSize(op, "vocabSize", options.vocabSize);
  const maskId = checkSize(op, "maskTokenId", options.maskTokenId);
  if (vocabSize === 0 || maskId >= vocabSize) throw new Error(`${op}: maskTokenId ${maskId} is outside the vocabulary of ${vocabSize}`);
  const p = options.mlmProbability ?? 0.15;
  if (typeof p !== "number" || !(p > 0 && p <= 1)) throw new Error(`${op}: mlmProbability must be in (0, 1], got ${describe(options.mlmProbability)}`);
  const special = new Set(options.specialTokenIds ?? []);
  const generator = options.generator ?? defaultGenerator;
  const [B, T] = inputIds.shape as [number, number];
  const ids = Int32Array.from(inputIds.dataSync());
  const labels = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++) {
    const candidates: number[] = [];
    for (let t = 0; t < T; t++) if (!special.has(ids[b * T + t]!)) candidates.push(b * T + t);
    if (candidates.length === 0) continue;
    const count = Math.max(1, Math.round(p * candidates.length));
    generator.shuffle(candidates);
    for (const i of candidates.slice(0, count)) {
      labels[i] = ids[i]!;
      const r = generator.random();
      if (r < 0.8) ids[i] = maskId;
      else if (r < 0.9) ids[i] = generator.randint(0, vocabSize);
      // else: keep the original token (the model must still predict it)
    }
  }
  return { inputIds: tensor(ids, { dtype: "int32", shape: [B, T] }), labels: tensor(labels, { dtype: "int32", shape: [B, T] }) };
}
