// MultiheadAttention: PyTorch's layer (same parameters, state-dict keys, masks and outputs), computed
// as F.multi_head_attention_forward does — projections, heads, masks, attention, output projection.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkSize, describe } from "../tensor/validate.js";
import type { Generator } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { add, cast, mul } from "../ops/elementwise.js";
import { cat, expand, reshape, slice, squeeze, transpose, unsqueeze } from "../ops/movement.js";
import { where } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { mean } from "../ops/reduce.js";
import { softmax } from "../ops/softmax.js";
import { zeros } from "../ops/creation.js";
import { empty } from "./empty.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { Linear } from "./Linear.js";
import * as init from "./init.js";
import { dropout, linear } from "./functional/layers.js";
import { scaledDotProductAttention } from "./functional/attention.js";

/**
 * Options of {@link MultiheadAttention} (PyTorch's keyword arguments in camelCase): attention dropout,
 * biases, extra key/value vectors, key and value sizes, layout, dtype and initialization generator.
 */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases of the input and output projections (default true). */
  bias?: boolean;
  /** Learned key and value vectors appended to the keys and values (`bias_k`, `bias_v`). */
  addBiasKv?: boolean;
  /** Appends a zero key and value (so each query may attend "nothing"). */
  addZeroAttn?: boolean;
  /** Feature size of the keys (default embedDim). */
  kdim?: number;
  /** Feature size of the values (default embedDim). */
  vdim?: number;
  /** Inputs and output are (N, L, E) instead of (L, N, E). */
  batchFirst?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Options of {@link MultiheadAttention}'s `forward(query, key, value, options)`: padding and attention masks,
 * and whether and how to return the attention weights.
 */
export interface MultiheadAttentionForwardOptions {
  /** (N, S), or (S) unbatched: true (bool) marks a padding key to ignore; float values are added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true, as PyTorch). */
  needWeights?: boolean;
  /** (L, S) or (N·numHeads, L, S): true (bool) forbids attending; float values are added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true); false returns (N, numHeads, L, S). */
  averageAttnWeights?: boolean;
  /** A hint that `attnMask` is the causal mask (PyTorch's `is_causal`); requires `attnMask`. */
  isCausal?: boolean;
}

/** PyTorch's name for the output projection's class (it shows in the printed module). */
class NonDynamicallyQuantizableLinear extends Linear {}

/**
 * Multi-head attention (Vaswani et al. 2017, arXiv:1706.03762): headᵢ = Attention(Q·W_qᵢ, K·W_kᵢ, V·W_vᵢ),
 * output = concat(heads)·W_o. Equal to PyTorch's `nn.MultiheadAttention`, with its parameter names
 * (`in_proj_weight`, `in_proj_bias`, `q_proj_weight`… when kdim/vdim differ, `bias_k`, `bias_v`,
 * `out_proj.weight`), so a PyTorch state dict loads unchanged. `forward(query, key, value, options)`
 * returns `[output, weights]` (weights null unless `needWeights`).
 *
 * ```ts
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = mha.forward(x, x, x, { keyPaddingMask: pad }); // (N, L, 64), (N, L, L)
 * ```
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  inProjWeight: Parameter | null;
  qProjWeight: Parameter | null;
  kProjWeight: Parameter | null;
  vProjWeight: Parameter | null;
  inProjBias: Parameter | null;
  biasK: Parameter | null;
  biasV: Parameter | null;
  outProj: Linear;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  private readonly _generator: Generator | undefined;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const op = "MultiheadAttention";
    const known = ["dropout", "bias", "addBiasKv", "addZeroAttn", "kdim", "vdim", "batchFirst", "dtype", "generator"];
    const unknown = Object.keys(options).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}`);
    checkSize(op, "embedDim", embedDim);
    checkSize(op, "numHeads", numHeads);
    if (numHeads === 0 || embedDim % numHeads !== 0) {
      throw new Error(`${op}: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    this.kdim = options.kdim === undefined ? embedDim : checkSize(op, "kdim", options.kdim);
    this.vdim = options.vdim === undefined ? embedDim : checkSize(op, "vdim", options.vdim);
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== "number" || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new Error(`${op}: dropout must be a probability in [0, 1], got ${describe(options.dropout)}`);
    }
    for (const flag of ["bias", "addBiasKv", "addZeroAttn", "batchFirst"] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== "boolean") throw new Error(`${op}: ${flag} must be a boolean, got ${describe(options[flag])}`);
    }
    this.batchFirst = options.batchFirst ?? false;
    this.addZeroAttn = options.addZeroAttn ?? false;
    this._generator = options.generator;
    const dtype = options.dtype ?? "float32";
    const bias = options.bias ?? true;
    const param = (shape: number[]): Parameter => new Parameter(empty(op, shape, dtype));
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    this.inProjWeight = packed ? param([3 * embedDim, embedDim]) : null;
    this.qProjWeight = packed ? null : param([embedDim, embedDim]);
    this.kProjWeight = packed ? null : param([embedDim, this.kdim]);
    this.vProjWeight = packed ? null : param([embedDim, this.vdim]);
    this.inProjBias = bias ? param([3 * embedDim]) : null;
    this.outProj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype, generator: options.generator });
    this.biasK = options.addBiasKv ? param([1, 1, embedDim]) : null;
    this.biasV = options.addBiasKv ? param([1, 1, embedDim]) : null;
    this.resetParameters(options.generator);
  }

  /** PyTorch's `_reset_parameters`: Xavier-uniform projections, zero biases, Xavier-normal bias_k/bias_v. */
  resetParameters(generator?: Generator): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w) init.xavierUniform(w, { generator });
    if (this.inProjBias) {
      init.constant(this.inProjBias, 0);
      init.constant(this.outProj.bias!, 0);
    }
    if (this.biasK) init.xavierNormal(this.biasK, { generator });
    if (this.biasV) init.xavierNormal(this.biasV, { generator });
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = "MultiheadAttention";
    const known = ["keyPaddingMask", "needWeights", "attnMask", "averageAttnWeights", "isCausal"];
    const unknown = Object.keys(options).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`${op}.forward: unknown option(s) ${unknown.join(", ")}`);
    for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) {
      if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(t)}`);
    }
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2) {
      throw new Error(`${op}: query must be 3-D (batched) or 2-D (unbatched), got shape ${fmtShape(query.shape)}`);
    }
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new Error(`${op}: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must all be ${query.ndim}-D`);
    }
    // Batch-first (N, L, E) from here on (a view of sequence-first inputs); an unbatched input is a batch of one.
    let q = query, k = key, v = value;
    if (!batched) [q, k, v] = [unsqueeze(q, 0), unsqueeze(k, 0), unsqueeze(v, 0)];
    else if (!this.batchFirst) [q, k, v] = [transpose(q, 0, 1), transpose(k, 0, 1), transpose(v, 0, 1)];
    const [N, L, E] = q.shape as [number, number, number];
    const H = this.numHeads, hd = this.headDim;
    if (E !== this.embedDim) throw new Error(`${op}: query ${fmtShape(query.shape)} must have ${this.embedDim} features (embedDim), got ${E}`);
    if (k.shape[2] !== this.kdim) throw new Error(`${op}: key ${fmtShape(key.shape)} must have ${this.kdim} features (kdim), got ${k.shape[2]}`);
    if (v.shape[2] !== this.vdim) throw new Error(`${op}: value ${fmtShape(value.shape)} must have ${this.vdim} features (vdim), got ${v.shape[2]}`);
    if (k.shape[1] !== v.shape[1] || k.shape[0] !== N || v.shape[0] !== N) {
      throw new Error(`${op}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must match each other's sequence length and the query's batch size (query ${fmtShape(query.shape)})`);
    }
    let S = k.shape[1]!;
    const dtype = q.dtype;

    // Masks as additive floats: a boolean true (masked) becomes −∞.
    let keyPaddingMask = canonicalMask(op, "keyPaddingMask", options.keyPaddingMask, dtype);
    if (keyPaddingMask) {
      const want = batched ? [N, S] : [S];
      if (keyPaddingMask.shape.join() !== want.join()) {
        throw new Error(`${op}: keyPaddingMask has shape ${fmtShape(keyPaddingMask.shape)}, but should be ${fmtShape(want)} (batch ${N}, key length ${S})`);
      }
      if (!batched) keyPaddingMask = unsqueeze(keyPaddingMask, 0);
    }
    let attnMask = canonicalMask(op, "attnMask", options.attnMask, dtype);
    const needWeights = options.needWeights ?? true;
    let isCausal = options.isCausal ?? false;
    if (isCausal && !attnMask) throw new Error(`${op}: isCausal is a hint about attnMask and needs attnMask to be given`);
    if (isCausal && !keyPaddingMask && !needWeights) attnMask = null; // the fused kernel applies the causal mask itself
    else isCausal = false;
    if (attnMask) {
      if (attnMask.ndim === 2) {
        if (attnMask.shape[0] !== L || attnMask.shape[1] !== S) {
          throw new Error(`${op}: the 2-D attnMask has shape ${fmtShape(attnMask.shape)}, but should be ${fmtShape([L, S])} (query length ${L}, key length ${S})`);
        }
        attnMask = unsqueeze(attnMask, 0);
      } else if (attnMask.ndim === 3) {
        if (attnMask.shape[0] !== N * H || attnMask.shape[1] !== L || attnMask.shape[2] !== S) {
          throw new Error(`${op}: the 3-D attnMask has shape ${fmtShape(attnMask.shape)}, but should be ${fmtShape([N * H, L, S])} (batch·heads ${N}·${H}, query length ${L}, key length ${S})`);
        }
      } else {
        throw new Error(`${op}: attnMask must be 2-D or 3-D, got shape ${fmtShape(attnMask.shape)}`);
      }
    }

    // Input projections (N, L, ·) → (N, L, E), one product per row block of the packed weight: the same
    // sums as PyTorch's packed product, and no (N, L, 3E) gradient to assemble from three slices.
    const b = this.inProjBias, w = this.inProjWeight;
    const part = (t: Tensor | null, i: number): Tensor | null => (t ? slice(t, 0, i * E, (i + 1) * E) : null);
    let qp = linear(q, w ? part(w, 0)! : this.qProjWeight!, part(b, 0));
    let kp = linear(k, w ? part(w, 1)! : this.kProjWeight!, part(b, 1));
    let vp = linear(v, w ? part(w, 2)! : this.vProjWeight!, part(b, 2));
    const padKey = (m: Tensor | null): Tensor | null => (m ? cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype })], -1) : null);
    if (this.biasK && this.biasV) {
      kp = cat([kp, expand(this.biasK, [N, 1, E])], 1); // (N, S + 1, E)
      vp = cat([vp, expand(this.biasV, [N, 1, E])], 1);
      attnMask = padKey(attnMask);
      keyPaddingMask = padKey(keyPaddingMask);
      S += 1;
    }
    const dropoutP = this.training ? this.dropout : 0;
    // Heads: (N, L, E) → (N, L, H, hd) → (N, H, L, hd), a view; the fused attention takes it as it is.
    const heads4 = needWeights || this.addZeroAttn ? null : (t: Tensor, len: number): Tensor => transpose(reshape(t, [N, len, H, hd]), 1, 2);
    // Otherwise heads into the batch: (N, H, L, hd) → (N·H, L, hd), a copy
    const heads = (t: Tensor, len: number): Tensor => reshape(transpose(reshape(t, [N, len, H, hd]), 1, 2), [N * H, len, hd]);
    let qh = heads4 ? null : heads(qp, L);
    let kh = heads4 ? null : heads(kp, S);
    let vh = heads4 ? null : heads(vp, S);
    if (this.addZeroAttn) {
      kh = cat([kh!, zeros([N * H, 1, hd], { dtype })], 1); // (N·H, S + 1, hd)
      vh = cat([vh!, zeros([N * H, 1, hd], { dtype })], 1);
      attnMask = padKey(attnMask);
      keyPaddingMask = padKey(keyPaddingMask);
      S += 1;
    }
    if (keyPaddingMask) {
      // (N, S) → (N, H, 1, S) → (N·H, 1, S), added to the attention mask
      const perHead = reshape(expand(reshape(keyPaddingMask, [N, 1, 1, S]), [N, H, 1, S]), [N * H, 1, S]);
      attnMask = attnMask ? add(attnMask, perHead) : perHead;
    }

    let out: Tensor; // (N, H, L, hd)
    let weights: Tensor | null = null;
    if (needWeights) {
      let scores = matmul(mul(qh!, Math.sqrt(1 / hd)), transpose(kh!, 1, 2)); // (N·H, L, S)
      if (attnMask) scores = add(attnMask, scores);
      weights = softmax(scores, -1);
      // PyTorch returns the weights after dropout, the ones that multiplied the values
      if (dropoutP > 0) weights = dropout(weights, { p: dropoutP, training: true, generator: this._generator });
      out = matmul(weights, vh!);
      out = reshape(out, [N, H, L, hd]);
    } else if (heads4) {
      // The fused kernel reads the (N, H, ·, hd) views through their strides and writes its output in
      // (N, L, H, hd) order: no copies for the heads on either side, forward or backward.
      const mask4 = attnMask ? reshape(attnMask, [attnMask.shape[0] === 1 ? 1 : N, attnMask.shape[0] === 1 ? 1 : H, ...attnMask.shape.slice(1)]) : null;
      out = scaledDotProductAttention(heads4(qp, L), heads4(kp, S), heads4(vp, S), { attnMask: mask4, dropoutP, isCausal, generator: this._generator });
    } else {
      out = reshape(scaledDotProductAttention(qh!, kh!, vh!, { attnMask, dropoutP, isCausal, generator: this._generator }), [N, H, L, hd]);
    }
    // (N, H, L, hd) → (N, L, H, hd) → (N·L, E) → output projection → (N, L, E)
    const merged = reshape(transpose(out, 1, 2), [N * L, E]);
    let y = reshape(linear(merged, this.outProj.weight, this.outProj.bias), [N, L, E]);
    if (!batched) y = squeeze(y, 0);
    else if (!this.batchFirst) y = transpose(y, 0, 1);
    if (weights) {
      weights = reshape(weights, [N, H, L, S]);
      if (options.averageAttnWeights ?? true) weights = mean(weights, 1);
      if (!batched) weights = squeeze(weights, 0);
    }
    return [y, weights];
  }
}

/** PyTorch's `_canonical_mask`: a boolean mask (true = masked) becomes 0/−∞ in `dtype`; a float mask is kept. */
export function canonicalMask(op: string, name: string, mask: Tensor | null | undefined, dtype: DType): Tensor | null {
  if (mask === undefined || mask === null) return null;
  if (!(mask instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(mask)}`);
  if (mask.dtype === "bool") return noGrad(() => cast(where(mask, -Infinity, 0), dtype));
  if (mask.dtype !== dtype) throw new Error(`${op}: ${name} must be bool or ${dtype} like the input, got ${mask.dtype}`);
  return mask;
}
