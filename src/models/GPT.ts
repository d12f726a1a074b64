// GPT: a decoder-only Transformer language model, written after nanoGPT's model.py (Karpathy), with its
// parameter names, so a nanoGPT state dict loads unchanged; plus sampling with a KV cache.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import { Generator, defaultGenerator } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { add, div } from "../ops/elementwise.js";
import { arange, tensor } from "../ops/creation.js";
import { cat, reshape, slice, transpose } from "../ops/movement.js";
import { softmax } from "../ops/softmax.js";
import { Module } from "../nn/Module.js";
import { ModuleList } from "../nn/containers.js";
import { Linear } from "../nn/Linear.js";
import { Embedding } from "../nn/Embedding.js";
import { LayerNorm } from "../nn/LayerNorm.js";
import { Dropout } from "../nn/Dropout.js";
import * as init from "../nn/init.js";
import { gelu } from "../nn/functional/activations.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { scaledDotProductAttention } from "../nn/functional/attention.js";

/**
 * The shape of a {@link GPT} (nanoGPT's `GPTConfig`): vocabulary size, context length, layers, heads and
 * embedding width, plus dropout, biases, dtype and the generator of the initial weights.
 */
export interface GPTConfig {
  vocabSize: number;
  /** The longest context (the position table's length). */
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Dropout on embeddings, attention weights and residual branches (default 0). */
  dropout?: number;
  /** Biases in the linear layers and LayerNorms, as GPT-2 (default true). */
  bias?: boolean;
  dtype?: DType;
  /** Random source of the initial weights. */
  generator?: Generator;
}

/** One layer's cached keys and values, (B, nh, T, hs) each; null before the first step. */
export interface LayerCache {
  k: Tensor | null;
  v: Tensor | null;
}

/** Keys and values of every layer for incremental decoding (`GPT.forward(idx, { cache })`). */
export class KVCache {
  readonly layers: LayerCache[];
  constructor(nLayer: number) {
    this.layers = Array.from({ length: nLayer }, () => ({ k: null, v: null }));
  }
  /** Tokens already in the cache (the position of the next one). */
  get length(): number {
    return this.layers[0]?.k?.shape[2] ?? 0;
  }
}

/** Multi-head causal self-attention with one fused q, k, v projection. */
export class CausalSelfAttention extends Module<[Tensor, LayerCache?], Tensor> {
  cAttn: Linear;
  cProj: Linear;
  residDropout: Dropout;
  readonly nHead: number;
  readonly nEmbd: number;
  readonly dropout: number;
  constructor(config: GPTConfig) {
    super();
    const lin = { bias: config.bias ?? true, dtype: config.dtype, generator: config.generator };
    this.cAttn = new Linear(config.nEmbd, 3 * config.nEmbd, lin);
    this.cProj = new Linear(config.nEmbd, config.nEmbd, lin);
    this.residDropout = new Dropout(config.dropout ?? 0);
    this.nHead = config.nHead;
    this.nEmbd = config.nEmbd;
    this.dropout = config.dropout ?? 0;
  }
  forward(x: Tensor, cache?: LayerCache): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.nHead, hs = C / nh;
    const qkv = this.cAttn.call(x); // (B, T, 3C)
    const heads = (t: Tensor): Tensor => transpose(reshape(t, [B, T, nh, hs]), 1, 2); // (B, T, C) → (B, nh, T, hs)
    const q = heads(slice(qkv, 2, 0, C));
    let k = heads(slice(qkv, 2, C, 2 * C));
    let v = heads(slice(qkv, 2, 2 * C, 3 * C));
    const past = cache?.k ? cache.k.shape[2]! : 0;
    if (cache) {
      if (cache.k && cache.v) {
        k = cat([cache.k, k], 2); // (B, nh, past + T, hs)
        v = cat([cache.v, v], 2);
      }
      cache.k = k;
      cache.v = v;
    }
    const dropoutP = this.training ? this.dropout : 0;
    // New queries sit at positions past…past+T−1: each sees every cached key and the new ones up to itself.
    const mask = past > 0 && T > 1 ? arange(past + T).le(reshape(arange(past, past + T), [T, 1])) : null; // (T, past + T)
    const y = scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal: past === 0 && T > 1, dropoutP }); // (B, nh, T, hs)
    const merged = reshape(transpose(y, 1, 2), [B, T, C]); // (B, nh, T, hs) → (B, T, C)
    return this.residDropout.call(this.cProj.call(merged));
  }
}

/** The position-wise feed-forward block: Linear(C, 4C), GELU, Linear(4C, C), dropout. */
export class MLP extends Module {
  cFc: Linear;
  cProj: Linear;
  dropout: Dropout;
  constructor(config: GPTConfig) {
    super();
    const lin = { bias: config.bias ?? true, dtype: config.dtype, generator: config.generator };
    this.cFc = new Linear(config.nEmbd, 4 * config.nEmbd, lin);
    this.cProj = new Linear(4 * config.nEmbd, config.nEmbd, lin);
    this.dropout = new Dropout(config.dropout ?? 0);
  }
  forward(x: Tensor): Tensor {
    return this.dropout.call(this.cProj.call(gelu(this.cFc.call(x))));
  }
}

/** A pre-norm Transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export class Block extends Module<[Tensor, LayerCache?], Tensor> {
  ln1: LayerNorm;
  attn: CausalSelfAttention;
  ln2: LayerNorm;
  mlp: MLP;
  constructor(config: GPTConfig) {
    super();
    const norm = { bias: config.bias ?? true, dtype: config.dtype };
    this.ln1 = new LayerNorm(config.nEmbd, norm);
    this.attn = new CausalSelfAttention(config);
    this.ln2 = new LayerNorm(config.nEmbd, norm);
    this.mlp = new MLP(config);
  }
  protected override stateKey(name: string): string {
    return name === "ln1" ? "ln_1" : name === "ln2" ? "ln_2" : super.stateKey(name);
  }
  forward(x: Tensor, cache?: LayerCache): Tensor {
    x = add(x, this.attn.forward(this.ln1.call(x), cache));
    return add(x, this.mlp.call(this.ln2.call(x)));
  }
}

/** nanoGPT's `transformer` ModuleDict: token and position tables, dropout, the blocks, the final norm. */
export class GPTTransformer extends Module<never[], never> {
  wte: Embedding;
  wpe: Embedding;
  drop: Dropout;
  h: ModuleList<Block>;
  lnF: LayerNorm;
  constructor(config: GPTConfig) {
    super();
    this.wte = new Embedding(config.vocabSize, config.nEmbd, { dtype: config.dtype });
    this.wpe = new Embedding(config.blockSize, config.nEmbd, { dtype: config.dtype });
    this.drop = new Dropout(config.dropout ?? 0);
    this.h = new ModuleList(Array.from({ length: config.nLayer }, () => new Block(config)));
    this.lnF = new LayerNorm(config.nEmbd, { bias: config.bias ?? true, dtype: config.dtype });
  }
  forward(): never {
    throw new Error("GPTTransformer holds GPT's layers; call GPT.forward");
  }
}

/**
 * Options of {@link GPT.generate}: the sampling temperature, top-k and top-p (nucleus) filtering, the
 * key/value cache and the random generator.
 */
export interface GenerateOptions {
  /** Divides the logits (default 1; smaller is greedier). */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  /** Nucleus sampling: among the most likely tokens whose probabilities first reach p. */
  topP?: number;
  /** Reuse each layer's keys and values instead of recomputing the context (default true; same tokens either way). */
  useCache?: boolean;
  generator?: Generator;
}

/**
 * GPT-2-style language model (Radford et al. 2019) as nanoGPT writes it: token + learned position
 * embeddings, `nLayer` pre-norm blocks, a final LayerNorm and a head tied to the token embedding.
 * Initialized as nanoGPT: N(0, 0.02) weights, zero biases, residual projections N(0, 0.02/√(2·nLayer)).
 *
 * ```ts
 * const gpt = new models.GPT({ vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 });
 * const { logits, loss } = gpt.forward(x, { targets: y }); // (B, T) int32 → (B, T, 65)
 * const sample = gpt.generate(prompt, 100, { temperature: 0.8, topK: 40 });
 * ```
 */
export class GPT extends Module<[Tensor, { targets?: Tensor | null; cache?: KVCache }?], { logits: Tensor; loss: Tensor | null }> {
  transformer: GPTTransformer;
  lmHead: Linear;
  readonly config: Readonly<GPTConfig>;
  constructor(config: GPTConfig) {
    super();
    const op = "GPT";
    const known = ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd", "dropout", "bias", "dtype", "generator"];
    const unknown = Object.keys(config).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`${op}: unknown config field(s) ${unknown.join(", ")}`);
    for (const f of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"] as const) checkSize(op, f, config[f]);
    if (config.nHead === 0 || config.nEmbd % config.nHead !== 0) throw new Error(`${op}: nEmbd ${config.nEmbd} must be divisible by nHead ${config.nHead}`);
    this.config = { ...config };
    this.transformer = new GPTTransformer(config);
    this.lmHead = new Linear(config.nEmbd, config.vocabSize, { bias: false, dtype: config.dtype });
    this.lmHead.weight = this.transformer.wte.weight; // weight tying (Press & Wolf 2017)
    const g = config.generator;
    for (const m of this.modules()) {
      if (m instanceof Linear) {
        init.normal(m.weight, 0, 0.02, { generator: g });
        if (m.bias) init.constant(m.bias, 0);
      } else if (m instanceof Embedding) {
        init.normal(m.weight, 0, 0.02, { generator: g });
      }
    }
    for (const block of this.transformer.h) init.normal(block.attn.cProj.weight, 0, 0.02 / Math.sqrt(2 * config.nLayer), { generator: g });
    for (const block of this.transformer.h) init.normal(block.mlp.cProj.weight, 0, 0.02 / Math.sqrt(2 * config.nLayer), { generator: g });
  }

  /**
   * idx (B, T) int32 token ids → logits (B, T, vocab); with `targets` (B, T) also the mean cross-entropy.
   * With a `cache`, idx holds only the new tokens, at positions after the cached ones.
   */
  forward(idx: Tensor, options: { targets?: Tensor | null; cache?: KVCache } = {}): { logits: Tensor; loss: Tensor | null } {
    const op = "GPT";
    if (!(idx instanceof Tensor) || idx.dtype !== "int32" || idx.ndim !== 2) {
      throw new Error(`${op}: idx must be an int32 (B, T) tensor of token ids, got ${idx instanceof Tensor ? `${idx.dtype} ${fmtShape(idx.shape)}` : describe(idx)}`);
    }
    const [B, T] = idx.shape as [number, number];
    const past = options.cache?.length ?? 0;
    if (past + T > this.config.blockSize) {
      throw new Error(`${op}: sequence of ${past + T} tokens${past ? ` (${past} cached)` : ""} is longer than blockSize ${this.config.blockSize} (idx shape ${fmtShape(idx.shape)})`);
    }
    const { wte, wpe, drop, h, lnF } = this.transformer;
    const pos = arange(past, past + T, 1, { dtype: "int32" }); // (T)
    let x = drop.call(add(wte.call(idx), wpe.call(pos))); // (B, T, C) + (T, C)
    for (let i = 0; i < h.length; i++) x = h.at(i).forward(x, options.cache?.layers[i]);
    x = lnF.call(x);
    const logits = this.lmHead.call(x); // (B, T, vocab)
    let loss: Tensor | null = null;
    if (options.targets) {
      const V = this.config.vocabSize;
      loss = crossEntropy(reshape(logits, [B * T, V]), reshape(options.targets, [B * T]), { ignoreIndex: -1 });
    }
    return { logits, loss };
  }

  /**
   * Extends idx (B, T) by `maxNewTokens` sampled tokens, feeding each prediction back (nanoGPT's
   * generate); the context is cropped to the last blockSize tokens. Runs without gradients.
   */
  generate(idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Tensor {
    const op = "GPT.generate";
    checkSize(op, "maxNewTokens", maxNewTokens);
    const known = ["temperature", "topK", "topP", "useCache", "generator"];
    const unknown = Object.keys(options).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}`);
    const temperature = options.temperature ?? 1;
    if (typeof temperature !== "number" || !(temperature > 0)) throw new Error(`${op}: temperature must be a positive number, got ${describe(options.temperature)}`);
    if (options.topK !== undefined) checkSize(op, "topK", options.topK);
    if (options.topP !== undefined && !(options.topP > 0 && options.topP <= 1)) throw new Error(`${op}: topP must be in (0, 1], got ${describe(options.topP)}`);
    const generator = options.generator ?? defaultGenerator;
    const { blockSize } = this.config;
    return noGrad(() => {
      if (!(idx instanceof Tensor) || idx.dtype !== "int32" || idx.ndim !== 2) {
        throw new Error(`${op}: idx must be an int32 (B, T) tensor of token ids, got ${idx instanceof Tensor ? `${idx.dtype} ${fmtShape(idx.shape)}` : describe(idx)}`);
      }
      const [B, T0] = idx.shape as [number, number];
      const flat = idx.toList();
      const rows = Array.from({ length: B }, (_, b) => flat.slice(b * T0, (b + 1) * T0));
      let cache: KVCache | null = null;
      for (let step = 0; step < maxNewTokens; step++) {
        const T = rows[0]!.length;
        let logits: Tensor;
        if (options.useCache ?? true) {
          if (cache && cache.length === T - 1 && T <= blockSize) {
            logits = this.forward(tensor(rows.map((r) => [r[T - 1]!]), { dtype: "int32" }), { cache }).logits; // the new token only
          } else {
            // the first step, or the context slid past blockSize: recompute the cropped context into a new cache
            cache = new KVCache(this.config.nLayer);
            logits = this.forward(tensor(rows.map((r) => r.slice(-blockSize)), { dtype: "int32" }), { cache }).logits;
          }
        } else {
          logits = this.forward(tensor(rows.map((r) => r.slice(-blockSize)), { dtype: "int32" })).logits;
        }
        const last = div(slice(logits, 1, logits.shape[1]! - 1, logits.shape[1]!), temperature); // (B, 1, vocab)
        const probs = softmax(last, -1).toList(); // (B, 1, vocab), flat
        const V = this.config.vocabSize;
        rows.forEach((r, b) => r.push(sample(probs.slice(b * V, (b + 1) * V), options.topK, options.topP, generator)));
      }
      return tensor(rows, { dtype: "int32" });
    });
  }
}

/** A token drawn from probabilities, restricted to the top k and/or the nucleus of mass p. */
function sample(probs: number[], topK: number | undefined, topP: number | undefined, generator: Generator): number {
  const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  let keep = topK === undefined ? order.length : Math.min(topK, order.length);
  if (topP !== undefined) {
    // the smallest prefix of the sorted tokens whose mass reaches p (the token that crosses p is kept)
    let mass = 0, n = 0;
    while (n < keep && mass < topP) mass += probs[order[n++]!]!;
    keep = Math.max(1, n);
  }
  const weights = new Float64Array(probs.length);
  for (let i = 0; i < keep; i++) weights[order[i]!] = probs[order[i]!]!;
  return generator.categorical(weights);
}
