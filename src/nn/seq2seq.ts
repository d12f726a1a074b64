// Sequence-to-sequence with attention: Bahdanau (additive) and Luong (dot / general) attention modules,
// an LSTM encoder–decoder with teacher forcing, and greedy and beam-search decoding.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { describe } from "../tensor/validate.js";
import { noGrad } from "../autograd/engine.js";
import { tensor, zeros } from "../ops/creation.js";
import { cat, stack } from "../ops/movement.js";
import { indexSelect } from "../ops/indexing.js";
import { Generator } from "../random/Generator.js";
import { Module } from "./Module.js";
import { Linear } from "./Linear.js";
import { Embedding } from "./Embedding.js";
import { LSTM, LSTMCell } from "./rnn.js";
import { packPaddedSequence, padPackedSequence } from "./packedSequence.js";

// ---------------------------------------------------------------- attention

/** Options of an attention module's `forward(query, keys, values?, options)`. */
export interface Seq2SeqAttentionForwardOptions {
  /** (B, S) bool: true marks a padded source position, which then gets exactly zero weight (as MultiheadAttention's keyPaddingMask). */
  keyPaddingMask?: Tensor | null;
  /** `projectKeys(keys)` computed once for a decoder's many steps over the same keys (default: computed here). */
  projectedKeys?: Tensor | null;
}

/** Options of {@link BahdanauAttention} and {@link LuongAttention}: the parameters' dtype and the initialization generator. */
export interface Seq2SeqAttentionOptions {
  dtype?: DType;
  generator?: Generator;
}

/**
 * Checks query (B, Dq) or (B, T, Dq), keys (B, S, Dk), values (B, S, Dv) and the padding mask; returns the
 * query as (B, T, Dq) and whether it was a single step.
 */
function checkAttentionInputs(name: string, queryDim: number, keyDim: number, query: Tensor, keys: Tensor, values: Tensor, mask: Tensor | null | undefined): [Tensor, boolean] {
  for (const [what, t] of [["query", query], ["keys", keys], ["values", values]] as const) {
    if (!(t instanceof Tensor)) throw new Error(`${name}: ${what} must be a Tensor, got ${describe(t)}`);
  }
  if (query.ndim !== 2 && query.ndim !== 3) throw new Error(`${name}: query must be (B, Dq) or (B, T, Dq), got shape ${fmtShape(query.shape)}`);
  if (query.shape[query.ndim - 1] !== queryDim) throw new Error(`${name}: query has feature size ${query.shape[query.ndim - 1]}, expected ${queryDim} (shape ${fmtShape(query.shape)})`);
  if (keys.ndim !== 3) throw new Error(`${name}: keys must be (B, S, Dk), got shape ${fmtShape(keys.shape)}`);
  if (keys.shape[2] !== keyDim) throw new Error(`${name}: keys have feature size ${keys.shape[2]}, expected ${keyDim} (shape ${fmtShape(keys.shape)})`);
  const B = query.shape[0]!, S = keys.shape[1]!;
  if (keys.shape[0] !== B) throw new Error(`${name}: keys batch ${keys.shape[0]} does not match query batch ${B} (query ${fmtShape(query.shape)}, keys ${fmtShape(keys.shape)})`);
  if (values.ndim !== 3 || values.shape[0] !== B || values.shape[1] !== S) {
    throw new Error(`${name}: values must be (B, S, Dv) = (${B}, ${S}, Dv), got shape ${fmtShape(values.shape)}`);
  }
  if (mask !== undefined && mask !== null) {
    if (!(mask instanceof Tensor)) throw new Error(`${name}: keyPaddingMask must be a Tensor, got ${describe(mask)}`);
    if (mask.dtype !== "bool") throw new Error(`${name}: keyPaddingMask must be bool, got ${mask.dtype}`);
    if (mask.ndim !== 2 || mask.shape[0] !== B || mask.shape[1] !== S) {
      throw new Error(`${name}: keyPaddingMask must be (B, S) = (${B}, ${S}), got shape ${fmtShape(mask.shape)}`);
    }
  }
  return query.ndim === 2 ? [query.unsqueeze(1), true] : [query, false];
}

/** scores (B, T, S) → [context (B, T, Dv), weights (B, T, S)], padded keys masked out; squeezed back for a single-step query. */
function attend(scores: Tensor, values: Tensor, mask: Tensor | null | undefined, single: boolean): [Tensor, Tensor] {
  const masked = mask ? scores.maskedFill(mask.unsqueeze(1), -Infinity) : scores;
  const weights = masked.softmax(-1);
  const context = weights.bmm(values);
  return single ? [context.squeeze(1), weights.squeeze(1)] : [context, weights];
}

/**
 * Additive attention (Bahdanau, Cho & Bengio 2015): score(q, k) = Vaᵀ tanh(Wa q + Ua k), the weights a
 * softmax over the source positions and the context Σ weight·value. Parameters as the PyTorch seq2seq
 * tutorial's `BahdanauAttention`: `Wa` (hidden, Dq), `Ua` (hidden, Dk), `Va` (1, hidden), each with a bias.
 * Batch-first: `forward(query (B, Dq) or (B, T, Dq), keys (B, S, Dk), values = keys, { keyPaddingMask })`
 * → `[context (B, Dv) or (B, T, Dv), weights (B, S) or (B, T, S)]`.
 *
 * ```ts
 * const attn = new nn.BahdanauAttention(64, 64, 32);
 * const [context, weights] = attn.call(h, encoderOutputs, undefined, { keyPaddingMask });
 * ```
 */
export class BahdanauAttention extends Module<[Tensor, Tensor, Tensor?, Seq2SeqAttentionForwardOptions?], [Tensor, Tensor]> {
  Wa: Linear;
  Ua: Linear;
  Va: Linear;
  constructor(readonly queryDim: number, readonly keyDim: number, readonly hiddenDim: number = queryDim, options: Seq2SeqAttentionOptions = {}) {
    super();
    for (const [what, n] of [["queryDim", queryDim], ["keyDim", keyDim], ["hiddenDim", hiddenDim]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`BahdanauAttention: ${what} must be a positive integer, got ${describe(n)}`);
    }
    this.Wa = new Linear(queryDim, hiddenDim, options);
    this.Ua = new Linear(keyDim, hiddenDim, options);
    this.Va = new Linear(hiddenDim, 1, options);
  }
  forward(query: Tensor, keys: Tensor, values: Tensor = keys, options: Seq2SeqAttentionForwardOptions = {}): [Tensor, Tensor] {
    const [q, single] = checkAttentionInputs("BahdanauAttention", this.queryDim, this.keyDim, query, keys, values, options.keyPaddingMask);
    // (B, T, 1, H) + (B, 1, S, H) → (B, T, S, H) → (B, T, S)
    const projected = options.projectedKeys ?? this.projectKeys(keys);
    const energy = this.Wa.call(q).unsqueeze(2).add(projected.unsqueeze(1)).tanh();
    const scores = this.Va.call(energy).squeeze(-1);
    return attend(scores, values, options.keyPaddingMask, single);
  }
  /** Ua k (B, S, hidden): the part of the scores that does not depend on the query. */
  projectKeys(keys: Tensor): Tensor {
    return this.Ua.call(keys);
  }
  override extraRepr(): string {
    return `query_dim=${this.queryDim}, key_dim=${this.keyDim}, hidden_dim=${this.hiddenDim}`;
  }
}

/** The score functions of {@link LuongAttention}: "dot" qᵀk, "general" qᵀ Wa k. */
export type LuongScore = "dot" | "general";

/**
 * Multiplicative attention (Luong, Pham & Manning 2015): score(q, k) = qᵀk ("dot", needs Dq = Dk) or
 * qᵀ Wa k ("general", `Wa` a bias-free Linear (Dq, Dk)). Batch-first, the same call as
 * {@link BahdanauAttention}: `forward(query, keys, values = keys, { keyPaddingMask })` → `[context, weights]`.
 *
 * ```ts
 * const attn = new nn.LuongAttention(64, 64, "general");
 * ```
 */
export class LuongAttention extends Module<[Tensor, Tensor, Tensor?, Seq2SeqAttentionForwardOptions?], [Tensor, Tensor]> {
  Wa: Linear | null;
  readonly score: LuongScore;
  constructor(readonly queryDim: number, readonly keyDim: number = queryDim, score: LuongScore = "general", options: Seq2SeqAttentionOptions = {}) {
    super();
    for (const [what, n] of [["queryDim", queryDim], ["keyDim", keyDim]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`LuongAttention: ${what} must be a positive integer, got ${describe(n)}`);
    }
    if (score !== "dot" && score !== "general") throw new Error(`LuongAttention: score must be "dot" or "general", got ${describe(score)}`);
    if (score === "dot" && queryDim !== keyDim) throw new Error(`LuongAttention: "dot" needs queryDim = keyDim, got ${queryDim} and ${keyDim}`);
    this.score = score;
    this.Wa = score === "general" ? new Linear(keyDim, queryDim, { ...options, bias: false }) : null;
  }
  forward(query: Tensor, keys: Tensor, values: Tensor = keys, options: Seq2SeqAttentionForwardOptions = {}): [Tensor, Tensor] {
    const [q, single] = checkAttentionInputs("LuongAttention", this.queryDim, this.keyDim, query, keys, values, options.keyPaddingMask);
    const k = options.projectedKeys ?? this.projectKeys(keys); // (B, S, Dq)
    const scores = q.bmm(k.transpose(1, 2)); // (B, T, S)
    return attend(scores, values, options.keyPaddingMask, single);
  }
  /** Wa k ("general") or k ("dot"), (B, S, Dq): the keys as the query multiplies them. */
  projectKeys(keys: Tensor): Tensor {
    return this.Wa ? this.Wa.call(keys) : keys;
  }
  override extraRepr(): string {
    return `query_dim=${this.queryDim}, key_dim=${this.keyDim}, score=${this.score}`;
  }
}

// ---------------------------------------------------------------- decoding

/**
 * What {@link greedySearch} and {@link beamSearch} decode with: one step maps the previous tokens (N)
 * int32 and a state to the next token's log-probabilities (N, V), the new state and optionally the
 * attention weights (N, S); `reorder` picks the states of the given rows (beam bookkeeping).
 */
export interface SearchDecoder<S> {
  step(tokens: Tensor, state: S): [Tensor, S, Tensor | null];
  reorder(state: S, rows: readonly number[]): S;
}

/** Options of {@link greedySearch} and {@link beamSearch}. */
export interface SearchOptions {
  /** The start token fed at the first step. */
  bos: number;
  /** The end token: a hypothesis that emits it is finished. */
  eos: number;
  /** At most this many tokens are generated (the end token included). */
  maxLength: number;
}

/** Options of {@link beamSearch}: those of {@link greedySearch} plus the beam width and the length normalization. */
export interface BeamSearchOptions extends SearchOptions {
  /** Hypotheses kept per step (default 4); 1 is greedy decoding. */
  beamWidth?: number;
  /** Length normalization α of GNMT (Wu et al. 2016): score = log p / ((5 + length) / 6)^α; 0 (default) ranks by log p. */
  alpha?: number;
}

/** A decoded sequence: the tokens (the end token included when emitted), its log-probability, normalized score and per-token attention rows. */
export interface Hypothesis {
  tokens: number[];
  logProb: number;
  /** The score beams are ranked by (log p divided by the length penalty; log p for greedy). */
  score: number;
  /** attention[t] is the weight row (over the source positions) used to emit tokens[t]; empty when the decoder returns none. */
  attention: number[][];
}

function checkSearch(op: string, o: SearchOptions): void {
  for (const key of ["bos", "eos", "maxLength"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) throw new Error(`${op}: ${key} must be a non-negative integer, got ${describe(o[key])}`);
  }
  if (o.maxLength < 1) throw new Error(`${op}: maxLength must be ≥ 1, got ${o.maxLength}`);
}

function rows2d(t: Tensor): number[][] {
  const [n, m] = t.shape as [number, number];
  const flat = t.toList() as number[];
  return Array.from({ length: n }, (_, i) => flat.slice(i * m, (i + 1) * m));
}

/**
 * Greedy decoding of a batch of `batchSize` sequences: at each step the most probable token (the first
 * on ties), until every sequence has emitted `eos` or `maxLength` tokens. Runs without gradients.
 */
export function greedySearch<S>(decoder: SearchDecoder<S>, state: S, batchSize: number, options: SearchOptions): Hypothesis[] {
  checkSearch("greedySearch", options);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`greedySearch: batchSize must be a positive integer, got ${describe(batchSize)}`);
  const out: Hypothesis[] = Array.from({ length: batchSize }, () => ({ tokens: [], logProb: 0, score: 0, attention: [] }));
  const done = new Array<boolean>(batchSize).fill(false);
  noGrad(() => {
    let tokens = tensor(new Int32Array(batchSize).fill(options.bos), { dtype: "int32" });
    for (let t = 0; t < options.maxLength && done.some((d) => !d); t++) {
      const [logProbs, next, attn] = decoder.step(tokens, state);
      state = next;
      if (logProbs.ndim !== 2 || logProbs.shape[0] !== batchSize) throw new Error(`greedySearch: step must return log-probabilities (${batchSize}, V), got shape ${fmtShape(logProbs.shape)}`);
      const lp = rows2d(logProbs), at = attn ? rows2d(attn) : null;
      const chosen = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const row = lp[b]!;
        let best = 0;
        for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v;
        chosen[b] = best;
        if (done[b]) continue;
        const h = out[b]!;
        h.tokens.push(best);
        h.logProb += row[best]!;
        if (at) h.attention.push(at[b]!);
        if (best === options.eos) done[b] = true;
      }
      tokens = tensor(chosen, { dtype: "int32" });
    }
  });
  for (const h of out) h.score = h.logProb;
  return out;
}

/**
 * Beam search for one sequence (the state has batch 1): keeps the `beamWidth` most probable unfinished
 * hypotheses, moves those that emit `eos` to the finished list, and stops when `beamWidth` hypotheses
 * are finished and no unfinished one scores above them, or when `maxLength` tokens were generated
 * (unfinished ones then count too when fewer than `beamWidth` finished). Returns the finished
 * hypotheses best first, ranked by log p / ((5 + length) / 6)^α. With beamWidth 1 it is greedy decoding.
 */
export function beamSearch<S>(decoder: SearchDecoder<S>, state: S, options: BeamSearchOptions): Hypothesis[] {
  checkSearch("beamSearch", options);
  const width = options.beamWidth ?? 4, alpha = options.alpha ?? 0;
  if (!Number.isInteger(width) || width < 1) throw new Error(`beamSearch: beamWidth must be a positive integer, got ${describe(width)}`);
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha < 0) throw new Error(`beamSearch: alpha must be a finite number ≥ 0, got ${describe(alpha)}`);
  const normalize = (h: Hypothesis): number => h.logProb / Math.pow((5 + h.tokens.length) / 6, alpha);
  let alive: Hypothesis[] = [{ tokens: [], logProb: 0, score: 0, attention: [] }];
  const finished: Hypothesis[] = [];
  noGrad(() => {
    // Done once `width` hypotheses are finished and none still alive scores above the width-th best of them
    // (with α = 0 exact, as log p only falls; with α > 0 judged at the current length, as Hugging Face's
    // beam search): stopping at `width` finished alone lets improbable early end tokens cut off the likely one.
    const done = (): boolean => {
      if (finished.length < width) return false;
      const kth = finished.map(normalize).sort((x, y) => y - x)[width - 1]!;
      return alive.every((h) => normalize(h) <= kth);
    };
    for (let t = 0; t < options.maxLength && alive.length > 0 && !done(); t++) {
      const prev = tensor(Int32Array.from(alive, (h) => (h.tokens.length ? h.tokens[h.tokens.length - 1]! : options.bos)), { dtype: "int32" });
      const [logProbs, next, attn] = decoder.step(prev, state);
      if (logProbs.ndim !== 2 || logProbs.shape[0] !== alive.length) throw new Error(`beamSearch: step must return log-probabilities (${alive.length}, V), got shape ${fmtShape(logProbs.shape)}`);
      const lp = rows2d(logProbs), at = attn ? rows2d(attn) : null;
      const candidates: { beam: number; token: number; logProb: number }[] = [];
      for (let b = 0; b < alive.length; b++) {
        const row = lp[b]!;
        // the best `width` tokens of this beam, lower token id first on ties
        const order = Array.from(row.keys()).sort((i, j) => row[j]! - row[i]! || i - j).slice(0, width);
        for (const v of order) candidates.push({ beam: b, token: v, logProb: alive[b]!.logProb + row[v]! });
      }
      candidates.sort((x, y) => y.logProb - x.logProb || x.beam - y.beam || x.token - y.token);
      const keep: Hypothesis[] = [], rows: number[] = [];
      for (const c of candidates.slice(0, width)) {
        const parent = alive[c.beam]!;
        const h: Hypothesis = { tokens: [...parent.tokens, c.token], logProb: c.logProb, score: 0, attention: at ? [...parent.attention, at[c.beam]!] : [] };
        if (c.token === options.eos) finished.push(h);
        else { keep.push(h); rows.push(c.beam); }
      }
      alive = keep;
      if (rows.length > 0) state = decoder.reorder(next, rows);
    }
  });
  const all = finished.length > 0 && finished.length >= width ? finished : [...finished, ...alive];
  for (const h of all) h.score = normalize(h);
  return all.sort((x, y) => y.score - x.score);
}

// ---------------------------------------------------------------- encoder–decoder

/** The attention of a {@link Seq2Seq} model: additive ({@link BahdanauAttention}) or Luong's "dot" / "general". */
export type Seq2SeqAttentionKind = "bahdanau" | "dot" | "general";

/** Options of {@link Seq2Seq}: sizes, attention kind, padding index, dtype and the initialization generator. */
export interface Seq2SeqOptions {
  /** Size of the source and target token embeddings (default 32). */
  embeddingDim?: number;
  /** LSTM hidden size of encoder and decoder (default 64). */
  hiddenSize?: number;
  /** Stacked encoder LSTM layers (default 1). */
  numLayers?: number;
  /** Default "bahdanau". */
  attention?: Seq2SeqAttentionKind;
  /** Padding token of the source and target vocabularies (default 0). */
  padIdx?: number;
  dtype?: DType;
  generator?: Generator;
}

/** Options of {@link Seq2Seq}'s `forward`: source lengths and teacher forcing. */
export interface Seq2SeqForwardOptions {
  /** Length of each source sequence (the rest is padding); default: every source is full length. */
  srcLengths?: readonly number[];
  /** Probability of feeding the true previous token at each step (default 1); otherwise the model's own argmax. */
  teacherForcingRatio?: number;
  /** Random source of the teacher-forcing draws (one per step, for the whole batch); required when the ratio is below 1. */
  generator?: Generator;
}

/** The decoder state of {@link Seq2Seq}: LSTM cell state, the previous attentional context (input feeding), the encoder outputs and the source padding mask. */
export interface Seq2SeqState {
  h: Tensor;
  c: Tensor;
  context: Tensor;
  memory: Tensor;
  /** The attention's `projectKeys(memory)`, computed once per source. */
  keys: Tensor;
  mask: Tensor;
}

/**
 * An LSTM encoder–decoder with attention (Luong et al. 2015 with input feeding). The encoder is an
 * `Embedding` and a batch-first `LSTM` over the (packed) source; the decoder an `LSTMCell` reading the
 * previous token's embedding and the previous context, whose new hidden state h queries the attention over
 * the encoder outputs (padding masked out); the logits are `out(tanh(combine([h; context])))`.
 *
 * `forward(src (B, S) int32, tgtIn (B, T) int32, options)` → `[logits (B, T, V), attention (B, T, S)]`
 * (teacher forcing with a seeded ratio); `greedyDecode` and `beamDecode` translate without targets.
 *
 * ```ts
 * const model = new nn.Seq2Seq(40, 14, { hiddenSize: 64, attention: "bahdanau" });
 * const [logits, attn] = model.call(src, tgtIn, { srcLengths });
 * const [best] = model.beamDecode(src.narrow(0, 0, 1), { bos: 1, eos: 2, maxLength: 12, beamWidth: 4 });
 * ```
 */
export class Seq2Seq extends Module<[Tensor, Tensor, Seq2SeqForwardOptions?], [Tensor, Tensor]> {
  srcEmbed: Embedding;
  tgtEmbed: Embedding;
  encoder: LSTM;
  decoder: LSTMCell;
  attention: BahdanauAttention | LuongAttention;
  combine: Linear;
  out: Linear;
  readonly hiddenSize: number;
  readonly padIdx: number;
  constructor(readonly srcVocab: number, readonly tgtVocab: number, options: Seq2SeqOptions = {}) {
    super();
    const E = options.embeddingDim ?? 32, H = options.hiddenSize ?? 64;
    const kind = options.attention ?? "bahdanau";
    if (kind !== "bahdanau" && kind !== "dot" && kind !== "general") throw new Error(`Seq2Seq: attention must be "bahdanau", "dot" or "general", got ${describe(kind)}`);
    const g = options.generator, dtype = options.dtype;
    this.hiddenSize = H;
    this.padIdx = options.padIdx ?? 0;
    this.srcEmbed = new Embedding(srcVocab, E, { paddingIdx: this.padIdx, dtype, generator: g });
    this.tgtEmbed = new Embedding(tgtVocab, E, { paddingIdx: this.padIdx, dtype, generator: g });
    this.encoder = new LSTM(E, H, { numLayers: options.numLayers ?? 1, batchFirst: true, dtype, generator: g });
    this.decoder = new LSTMCell(E + H, H, { dtype, generator: g });
    this.attention = kind === "bahdanau" ? new BahdanauAttention(H, H, H, { dtype, generator: g }) : new LuongAttention(H, H, kind, { dtype, generator: g });
    this.combine = new Linear(2 * H, H, { dtype, generator: g });
    this.out = new Linear(H, tgtVocab, { dtype, generator: g });
  }

  /** Runs the encoder on src (B, S) int32 and returns the decoder's initial state. */
  encode(src: Tensor, srcLengths?: readonly number[]): Seq2SeqState {
    if (!(src instanceof Tensor) || src.ndim !== 2 || src.dtype !== "int32") throw new Error(`Seq2Seq: src must be an int32 (B, S) Tensor, got ${src instanceof Tensor ? `${src.dtype} ${fmtShape(src.shape)}` : describe(src)}`);
    const [B, S] = src.shape as [number, number];
    const lengths = srcLengths ?? new Array<number>(B).fill(S);
    if (lengths.length !== B || lengths.some((l) => !Number.isInteger(l) || l < 1 || l > S)) {
      throw new Error(`Seq2Seq: srcLengths must be ${B} integers in 1..${S}, got ${describe(lengths)}`);
    }
    const emb = this.srcEmbed.call(src);
    let memory: Tensor, h: Tensor, c: Tensor;
    if (lengths.every((l) => l === S)) {
      const [o, [hn, cn]] = this.encoder.call(emb) as [Tensor, [Tensor, Tensor]];
      memory = o; h = hn; c = cn;
    } else {
      const [packed, [hn, cn]] = this.encoder.call(packPaddedSequence(emb, lengths, { batchFirst: true, enforceSorted: false })) as unknown as [Parameters<typeof padPackedSequence>[0], [Tensor, Tensor]];
      [memory] = padPackedSequence(packed, { batchFirst: true, totalLength: S });
      h = hn; c = cn;
    }
    const mask = tensor(Array.from({ length: B * S }, (_, i) => (i % S >= lengths[Math.floor(i / S)]! ? 1 : 0)), { shape: [B, S], dtype: "bool" });
    const L = h.shape[0]!;
    return { h: h.select(0, L - 1), c: c.select(0, L - 1), context: zeros([B, this.hiddenSize], { dtype: memory.dtype }), memory, keys: this.attention.projectKeys(memory), mask };
  }

  /** One decoder step: previous tokens (B) int32 → [logits (B, V), next state, attention weights (B, S)]. */
  step(tokens: Tensor, state: Seq2SeqState): [Tensor, Seq2SeqState, Tensor] {
    const x = cat([this.tgtEmbed.call(tokens), state.context], 1);
    const [h, c] = this.decoder.call(x, [state.h, state.c]);
    const [ctx, weights] = this.attention.call(h, state.memory, state.memory, { keyPaddingMask: state.mask, projectedKeys: state.keys });
    const attentional = this.combine.call(cat([h, ctx], 1)).tanh();
    return [this.out.call(attentional), { h, c, context: attentional, memory: state.memory, keys: state.keys, mask: state.mask }, weights];
  }

  forward(src: Tensor, tgtIn: Tensor, options: Seq2SeqForwardOptions = {}): [Tensor, Tensor] {
    if (!(tgtIn instanceof Tensor) || tgtIn.ndim !== 2 || tgtIn.dtype !== "int32" || tgtIn.shape[0] !== src.shape[0]) {
      throw new Error(`Seq2Seq: tgtIn must be an int32 (B, T) Tensor with the batch of src ${fmtShape(src.shape)}, got ${tgtIn instanceof Tensor ? `${tgtIn.dtype} ${fmtShape(tgtIn.shape)}` : describe(tgtIn)}`);
    }
    const ratio = options.teacherForcingRatio ?? 1;
    if (typeof ratio !== "number" || !(ratio >= 0 && ratio <= 1)) throw new Error(`Seq2Seq: teacherForcingRatio must be in [0, 1], got ${describe(ratio)}`);
    if (ratio < 1 && !(options.generator instanceof Generator)) throw new Error("Seq2Seq: teacherForcingRatio below 1 needs a generator (the draws are seeded)");
    let state = this.encode(src, options.srcLengths);
    const T = tgtIn.shape[1]!;
    const logits: Tensor[] = [], attn: Tensor[] = [];
    let tokens = tgtIn.select(1, 0);
    for (let t = 0; t < T; t++) {
      const [y, next, w] = this.step(tokens, state);
      logits.push(y); attn.push(w);
      state = next;
      if (t + 1 < T) tokens = ratio >= 1 || options.generator!.random() < ratio ? tgtIn.select(1, t + 1) : noGrad(() => y.argmax(1).to("int32"));
    }
    return [stack(logits, 1), stack(attn, 1)];
  }

  /** This model as a {@link SearchDecoder} (log-softmax of the step's logits; states reordered by row). */
  searchDecoder(): SearchDecoder<Seq2SeqState> {
    return {
      step: (tokens, state) => {
        const [logits, next, w] = this.step(tokens, state);
        return [logits.logSoftmax(1), next, w];
      },
      reorder: (s, rows) => {
        const pick = (t: Tensor): Tensor => indexSelect(t, 0, rows);
        return { h: pick(s.h), c: pick(s.c), context: pick(s.context), memory: pick(s.memory), keys: pick(s.keys), mask: pick(s.mask) };
      },
    };
  }

  /** Greedy translation of a batch src (B, S) int32 (eval mode, no gradients): one {@link Hypothesis} per row. */
  greedyDecode(src: Tensor, options: SearchOptions & { srcLengths?: readonly number[] }): Hypothesis[] {
    return noGrad(() => greedySearch(this.searchDecoder(), this.encode(src, options.srcLengths), src.shape[0]!, options));
  }

  /** Beam-search translation of each row of src (B, S) int32: the best {@link Hypothesis} of each. */
  beamDecode(src: Tensor, options: BeamSearchOptions & { srcLengths?: readonly number[] }): Hypothesis[] {
    return noGrad(() => {
      const state = this.encode(src, options.srcLengths);
      const dec = this.searchDecoder();
      return Array.from({ length: src.shape[0]! }, (_, b) => beamSearch(dec, dec.reorder(state, [b]), options)[0]!);
    });
  }
}
