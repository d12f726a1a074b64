// Positional encodings for Transformers: fixed sinusoids, a learned table, and rotary embeddings (RoPE).
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { allocateFor, checkDType, checkInt, checkSize, describe } from "../tensor/validate.js";
import type { Generator } from "../random/Generator.js";
import { add, mul, neg } from "../ops/elementwise.js";
import { cat, reshape, slice } from "../ops/movement.js";
import { fromHost, zeros } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { Dropout } from "./Dropout.js";
import * as init from "./init.js";

interface SequenceOptions {
  /** Inputs are (N, T, E) instead of (T, N, E) (default false, as the Transformer layers). */
  batchFirst?: boolean;
}

/** The sequence length of x for a positional layer; an error names the layer when the table is too short. */
function sequenceLength(op: string, x: Tensor, batchFirst: boolean, dModel: number, maxLen: number, offset = 0): number {
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (x.ndim < 2 || x.shape.at(-1) !== dModel) {
    throw new Error(`${op}: input must be (${batchFirst ? "N, T" : "T, N"}, ${dModel}) or (T, ${dModel}), got shape ${fmtShape(x.shape)}`);
  }
  const T = x.ndim === 2 || !batchFirst ? x.shape[0]! : x.shape[1]!;
  if (offset + T > maxLen) {
    throw new Error(`${op}: sequence length ${T}${offset ? ` at offset ${offset}` : ""} exceeds the table's maxLen ${maxLen} (input shape ${fmtShape(x.shape)})`);
  }
  return T;
}

/** rows [0, T) of a (maxLen, E) table shaped to add onto (T, E), (N, T, E) or (T, N, E) inputs. */
function rowsFor(table: Tensor, x: Tensor, T: number, batchFirst: boolean, offset = 0): Tensor {
  const rows = slice(table, 0, offset, offset + T); // (T, E)
  return x.ndim === 3 && !batchFirst ? reshape(rows, [T, 1, table.shape[1]!]) : rows;
}

/**
 * The fixed sinusoidal encoding of Vaswani et al. (2017): PE[pos, 2i] = sin(pos / 10000^(2i/d)),
 * PE[pos, 2i+1] = cos(pos / 10000^(2i/d)), added to the input, then dropout (PyTorch tutorial's
 * `PositionalEncoding`). The table is a buffer `pe` (maxLen, dModel).
 */
export class SinusoidalPositionalEncoding extends Module {
  pe: Tensor;
  dropout: Dropout;
  readonly batchFirst: boolean;
  constructor(readonly dModel: number, options: SequenceOptions & { maxLen?: number; dropout?: number; dtype?: DType } = {}) {
    super();
    const op = "SinusoidalPositionalEncoding";
    checkSize(op, "dModel", dModel);
    const maxLen = options.maxLen === undefined ? 5000 : checkSize(op, "maxLen", options.maxLen);
    this.batchFirst = options.batchFirst ?? false;
    const dtype = checkDType(op, options.dtype ?? "float32");
    const d = allocateFor(op, dtype, [maxLen, dModel]);
    for (let pos = 0; pos < maxLen; pos++) {
      for (let i = 0; i < dModel; i += 2) {
        const angle = pos * Math.exp(-(i * Math.log(10000)) / dModel);
        d[pos * dModel + i] = Math.sin(angle);
        if (i + 1 < dModel) d[pos * dModel + i + 1] = Math.cos(angle);
      }
    }
    this.pe = this.registerBuffer("pe", fromHost(op, d, [maxLen, dModel], dtype), { persistent: false });
    this.dropout = new Dropout(options.dropout ?? 0);
  }
  get maxLen(): number {
    return this.pe.shape[0]!;
  }
  forward(x: Tensor, offset = 0): Tensor {
    const T = sequenceLength("SinusoidalPositionalEncoding", x, this.batchFirst, this.dModel, this.maxLen, checkInt("SinusoidalPositionalEncoding", "offset", offset));
    return this.dropout.call(add(x, rowsFor(this.pe, x, T, this.batchFirst, offset)));
  }
}

/**
 * A learned absolute position table `weight` (maxLen, dModel), N(0, 0.02²) at the start (GPT-2's
 * initialization), added to the input.
 */
export class LearnedPositionalEmbedding extends Module {
  weight: Parameter;
  readonly batchFirst: boolean;
  constructor(readonly maxLen: number, readonly dModel: number, options: SequenceOptions & { dtype?: DType; generator?: Generator } = {}) {
    super();
    const op = "LearnedPositionalEmbedding";
    checkSize(op, "maxLen", maxLen);
    checkSize(op, "dModel", dModel);
    this.batchFirst = options.batchFirst ?? false;
    this.weight = new Parameter(zeros([maxLen, dModel], { dtype: options.dtype ?? "float32" }));
    init.normal(this.weight, 0, 0.02, { generator: options.generator });
  }
  forward(x: Tensor, offset = 0): Tensor {
    const T = sequenceLength("LearnedPositionalEmbedding", x, this.batchFirst, this.dModel, this.maxLen, checkInt("LearnedPositionalEmbedding", "offset", offset));
    return add(x, rowsFor(this.weight, x, T, this.batchFirst, offset));
  }
}

/**
 * Rotary position embedding (RoPE; Su et al. 2021, arXiv:2104.09864) in the "rotate half" layout of
 * GPT-NeoX and Hugging Face: with θᵢ = base^(−2i/dim), x = (x₁, x₂) halves,
 * RoPE(x, pos) = x·cos(pos·θ) + (−x₂, x₁)·sin(pos·θ). Applied to queries and keys (…, T, dim), it
 * makes q·k depend on positions only through their difference. `forward(x, offset)` starts at
 * position `offset` (for a KV cache).
 */
export class RotaryEmbedding extends Module {
  cos: Tensor;
  sin: Tensor;
  constructor(readonly dim: number, options: { maxLen?: number; base?: number; dtype?: DType } = {}) {
    super();
    const op = "RotaryEmbedding";
    checkSize(op, "dim", dim);
    if (dim % 2 !== 0) throw new Error(`${op}: dim must be even, got ${dim}`);
    const maxLen = options.maxLen === undefined ? 2048 : checkSize(op, "maxLen", options.maxLen);
    const base = options.base ?? 10000;
    if (typeof base !== "number" || !(base > 0)) throw new Error(`${op}: base must be a positive number, got ${describe(options.base)}`);
    const dtype = checkDType(op, options.dtype ?? "float32");
    const cos = allocateFor(op, dtype, [maxLen, dim]), sin = allocateFor(op, dtype, [maxLen, dim]);
    const half = dim / 2;
    for (let pos = 0; pos < maxLen; pos++) {
      for (let i = 0; i < half; i++) {
        const angle = pos * Math.pow(base, -(2 * i) / dim);
        cos[pos * dim + i] = cos[pos * dim + half + i] = Math.cos(angle);
        sin[pos * dim + i] = sin[pos * dim + half + i] = Math.sin(angle);
      }
    }
    this.cos = this.registerBuffer("cos", fromHost(op, cos, [maxLen, dim], dtype), { persistent: false });
    this.sin = this.registerBuffer("sin", fromHost(op, sin, [maxLen, dim], dtype), { persistent: false });
  }
  get maxLen(): number {
    return this.cos.shape[0]!;
  }
  forward(x: Tensor, offset = 0): Tensor {
    const op = "RotaryEmbedding";
    if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
    checkInt(op, "offset", offset);
    if (x.ndim < 2 || x.shape.at(-1) !== this.dim) throw new Error(`${op}: input must be (…, T, ${this.dim}), got shape ${fmtShape(x.shape)}`);
    const T = x.shape.at(-2)!;
    if (offset < 0 || offset + T > this.maxLen) {
      throw new Error(`${op}: positions ${offset}..${offset + T - 1} exceed the table's maxLen ${this.maxLen} (input shape ${fmtShape(x.shape)})`);
    }
    const half = this.dim / 2;
    const rotated = cat([neg(slice(x, -1, half, this.dim)), slice(x, -1, 0, half)], -1); // (−x₂, x₁)
    return add(mul(x, slice(this.cos, 0, offset, offset + T)), mul(rotated, slice(this.sin, 0, offset, offset + T)));
  }
}
