// Recurrent layers as PyTorch's: the cells RNNCell, LSTMCell, GRUCell and the sequence layers RNN,
// LSTM, GRU (stacked, bidirectional, batchFirst, packed variable-length batches, LSTM projections).
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { checkInt, describe } from "../tensor/validate.js";
import { cat, stack } from "../ops/movement.js";
import { zeros } from "../ops/creation.js";
import { indexSelect } from "../ops/indexing.js";
import type { Generator } from "../random/Generator.js";
import { empty } from "./empty.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import * as init from "./init.js";
import { pyFloat } from "./pyRepr.js";
import { dropout, linear } from "./functional/layers.js";
import { gruStep, lstmStep, rnnReluStep, rnnTanhStep, type CellWeights } from "./functional/rnn.js";
import { lstmRecurrence } from "../ops/lstm.js";
import { gruRecurrence } from "../ops/gru.js";
import { PackedSequence } from "./packedSequence.js";
import { internalOutputs, releaseStorage } from "../tensor/recycle.js";

/** The recurrence of a layer: PyTorch's mode names. */
export type RNNMode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** h for RNN and GRU, (h, c) for LSTM. */
type LSTMState = [Tensor, Tensor];

function checkPositive(layer: string, what: string, value: unknown): number {
  const n = checkInt(layer, what, value);
  if (n <= 0) throw new Error(`${layer}: ${what} must be a positive integer, got ${n}`);
  return n;
}

function checkBool(layer: string, what: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") throw new Error(`${layer}: ${what} must be a boolean, got ${describe(value)}`);
}

/** Fills every parameter with U(±1/√hidden), PyTorch's default for recurrent layers. */
function resetUniform(params: Iterable<Parameter>, hiddenSize: number, generator?: Generator): void {
  const bound = 1 / Math.sqrt(hiddenSize);
  for (const p of params) init.uniform(p, -bound, bound, { generator });
}

// ---------------------------------------------------------------- cells

/**
 * Options of the recurrent cells ({@link RNNCell}, {@link LSTMCell}, {@link GRUCell}): whether to learn
 * biases, the parameters' dtype and the generator for the initial weights.
 */
export interface RNNCellOptions {
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** Shared by the three cells: W_ih (G·H, I), W_hh (G·H, H), b_ih, b_hh (G·H). */
abstract class RNNCellBase<S> extends Module<[Tensor, S?], S> {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  readonly bias: boolean;
  constructor(readonly inputSize: number, readonly hiddenSize: number, gates: number, options: RNNCellOptions) {
    super();
    const name = new.target.name;
    checkPositive(name, "inputSize", inputSize);
    checkPositive(name, "hiddenSize", hiddenSize);
    checkBool(name, "bias", options.bias);
    this.bias = options.bias ?? true;
    const dtype = options.dtype ?? "float32";
    this.weightIh = new Parameter(empty(name, [gates * hiddenSize, inputSize], dtype));
    this.weightHh = new Parameter(empty(name, [gates * hiddenSize, hiddenSize], dtype));
    this.biasIh = this.bias ? new Parameter(empty(name, [gates * hiddenSize], dtype)) : null;
    this.biasHh = this.bias ? new Parameter(empty(name, [gates * hiddenSize], dtype)) : null;
    this.resetParameters(options.generator);
  }
  resetParameters(generator?: Generator): void {
    resetUniform(this.parameters(), this.hiddenSize, generator);
  }
  protected weights(): CellWeights {
    return { weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh };
  }
  /** Checks the input (B, I) or (I) and returns it batched, with whether it was unbatched. */
  protected batched(input: Tensor): [Tensor, boolean] {
    const name = this.constructor.name;
    if (!(input instanceof Tensor)) throw new Error(`${name}: input must be a Tensor, got ${describe(input)}`);
    if (input.ndim !== 1 && input.ndim !== 2) throw new Error(`${name}: Expected input to be 1D or 2D, got ${input.ndim}D instead (shape ${fmtShape(input.shape)})`);
    const size = input.shape[input.ndim - 1]!;
    if (size !== this.inputSize) throw new Error(`${name}: input has inconsistent input_size: got ${size} expected ${this.inputSize} (input shape ${fmtShape(input.shape)})`);
    return input.ndim === 1 ? [input.unsqueeze(0), true] : [input, false];
  }
  /** Checks a hidden state against the (batched) input; returns it batched, or zeros when absent. */
  protected hidden(h: Tensor | undefined, x: Tensor, unbatched: boolean, what: string): Tensor {
    const name = this.constructor.name;
    const B = x.shape[0]!;
    if (h === undefined) return zeros([B, this.hiddenSize], { dtype: x.dtype });
    if (!(h instanceof Tensor)) throw new Error(`${name}: ${what} must be a Tensor, got ${describe(h)}`);
    const expected = unbatched ? [this.hiddenSize] : [B, this.hiddenSize];
    if (!shapesEqual(h.shape, expected)) {
      throw new Error(`${name}: ${what} has shape ${fmtShape(h.shape)}, expected ${fmtShape(expected)} for input of shape ${fmtShape(unbatched ? x.shape.slice(1) : x.shape)}`);
    }
    return unbatched ? h.unsqueeze(0) : h;
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? "" : ", bias=False"}`;
  }
}

/** Options of {@link RNNCell}: those of every cell plus the nonlinearity, "tanh" (default) or "relu". */
export interface RNNCellModuleOptions extends RNNCellOptions {
  /** "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
}

/** An Elman cell: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu). `forward(x, h?)` → h'. */
export class RNNCell extends RNNCellBase<Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, options: RNNCellModuleOptions = {}) {
    super(inputSize, hiddenSize, 1, options);
    const nl = options.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new Error(`RNNCell: Unknown nonlinearity ${describe(nl)}; expected "tanh" or "relu"`);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx?: Tensor): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.hidden(hx, x, unbatched, "hx");
    const gx = linear(x, this.weightIh, this.biasIh);
    const out = this.nonlinearity === "tanh" ? rnnTanhStep(gx, h, this.weights()) : rnnReluStep(gx, h, this.weights());
    return unbatched ? out.squeeze(0) : out;
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === "tanh" ? "" : `, nonlinearity=${this.nonlinearity}`);
  }
}

/** An LSTM cell (gates i, f, g, o). `forward(x, [h, c]?)` → [h', c']. */
export class LSTMCell extends RNNCellBase<LSTMState> {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 4, options);
  }
  forward(input: Tensor, hx?: LSTMState): LSTMState {
    const [x, unbatched] = this.batched(input);
    if (hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) throw new Error(`LSTMCell: hx must be a pair [h, c], got ${describe(hx)}`);
    const h = this.hidden(hx?.[0], x, unbatched, "hx[0]");
    const c = this.hidden(hx?.[1], x, unbatched, "hx[1]");
    const [h2, c2] = lstmStep(linear(x, this.weightIh, this.biasIh), h, c, this.weights());
    return unbatched ? [h2.squeeze(0), c2.squeeze(0)] : [h2, c2];
  }
}

/** A GRU cell (gates r, z, n). `forward(x, h?)` → h'. */
export class GRUCell extends RNNCellBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 3, options);
  }
  forward(input: Tensor, hx?: Tensor): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.hidden(hx, x, unbatched, "hx");
    const out = gruStep(linear(x, this.weightIh, this.biasIh), h, this.weights());
    return unbatched ? out.squeeze(0) : out;
  }
}

// ---------------------------------------------------------------- sequence layers

/**
 * Options of the sequence layers {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch's keyword arguments in
 * camelCase): layers, biases, layout, inter-layer dropout, direction, dtype and generator.
 */
export interface RNNOptions {
  /** Stacked layers (default 1); layer l > 0 reads layer l − 1's output. */
  numLayers?: number;
  /** Learn the biases (default true). */
  bias?: boolean;
  /** Input and output are (B, T, *) instead of (T, B, *) (hidden states stay (D·L, B, H)). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run a second recurrence backwards in time; outputs are concatenated (default false). */
  bidirectional?: boolean;
  dtype?: DType;
  /** Random source for the initial weights and for the inter-layer dropout. */
  generator?: Generator;
}

/** The output and final state of a layer: a tensor output for a tensor input, a PackedSequence for a packed one. */
export type RNNOutput<X extends Tensor | PackedSequence, S> = [X, S];

/**
 * The machinery shared by RNN, LSTM and GRU (PyTorch's RNNBase). Parameters are own fields named as
 * PyTorch's (`weight_ih_l0`, `weight_hh_l0_reverse`, `bias_ih_l1`, `weight_hr_l0`), in PyTorch's
 * order, so state dicts move between the two unchanged.
 */
abstract class RNNBase<S> extends Module<[Tensor | PackedSequence, S?], [Tensor | PackedSequence, S]> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  private readonly _generator: Generator | undefined;
  /** Parameter names per layer and direction: [weight_ih, weight_hh, bias_ih, bias_hh, weight_hr]. */
  private readonly _names: string[][];

  constructor(readonly mode: RNNMode, readonly inputSize: number, readonly hiddenSize: number, options: RNNOptions & { projSize?: number }) {
    super();
    const name = new.target.name;
    checkPositive(name, "inputSize", inputSize);
    checkPositive(name, "hiddenSize", hiddenSize);
    this.numLayers = checkPositive(name, "numLayers", options.numLayers ?? 1);
    for (const k of ["bias", "batchFirst", "bidirectional"] as const) checkBool(name, k, options[k]);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.bidirectional = options.bidirectional ?? false;
    const p = options.dropout ?? 0;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new Error(`${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${describe(p)}`);
    }
    this.dropout = p;
    this.projSize = checkInt(name, "projSize", options.projSize ?? 0);
    if (this.projSize < 0) throw new Error(`${name}: projSize should be a positive integer or zero to disable projections, got ${this.projSize}`);
    if (this.projSize >= hiddenSize) throw new Error(`${name}: projSize has to be smaller than hiddenSize (got projSize ${this.projSize}, hiddenSize ${hiddenSize})`);
    this._generator = options.generator;
    const dtype = options.dtype ?? "float32";
    const G = GATES[mode] * hiddenSize;
    const outSize = this.projSize > 0 ? this.projSize : hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    const fields = this as unknown as Record<string, Parameter>;
    this._names = [];
    for (let l = 0; l < this.numLayers; l++) {
      const layerInput = l === 0 ? inputSize : outSize * D;
      for (let d = 0; d < D; d++) {
        const suffix = `_l${l}${d === 1 ? "_reverse" : ""}`;
        const names = [`weight_ih${suffix}`, `weight_hh${suffix}`, `bias_ih${suffix}`, `bias_hh${suffix}`, `weight_hr${suffix}`];
        fields[names[0]!] = new Parameter(empty(name, [G, layerInput], dtype));
        fields[names[1]!] = new Parameter(empty(name, [G, outSize], dtype));
        if (this.bias) {
          fields[names[2]!] = new Parameter(empty(name, [G], dtype));
          fields[names[3]!] = new Parameter(empty(name, [G], dtype));
        }
        if (this.projSize > 0) fields[names[4]!] = new Parameter(empty(name, [this.projSize, hiddenSize], dtype));
        this._names.push(names);
      }
    }
    this.resetParameters(options.generator);
  }

  /** PyTorch's default initialization: every parameter ~ U(±1/√hiddenSize). */
  resetParameters(generator?: Generator): void {
    resetUniform(this.parameters(), this.hiddenSize, generator);
  }

  /** The weights of layer `layer`, direction `direction` (1 = reverse), read from the fields (which `to(dtype)` replaces). */
  weightsOf(layer: number, direction: number): CellWeights {
    const names = this._names[layer * (this.bidirectional ? 2 : 1) + direction]!;
    const fields = this as unknown as Record<string, Parameter | undefined>;
    return {
      weightIh: fields[names[0]!]!, weightHh: fields[names[1]!]!,
      biasIh: fields[names[2]!] ?? null, biasHh: fields[names[3]!] ?? null, weightHr: fields[names[4]!] ?? null,
    };
  }

  /** PyTorch's all_weights: per layer and direction, the parameters in state-dict order. */
  get allWeights(): Parameter[][] {
    const fields = this as unknown as Record<string, Parameter | undefined>;
    return this._names.map((names) => names.map((n) => fields[n]).filter((p): p is Parameter => p !== undefined));
  }

  /** Checks and batches the initial state(s); zeros when absent. Subclasses unpack (h, c). */
  protected abstract states(hx: S | undefined, B: number, dtype: DType, unbatched: boolean, sortedIndices: Tensor | null): Tensor[];
  protected abstract result(states: Tensor[]): S;

  /** Checks one initial state tensor and returns it as (D·L, B, size). */
  protected checkState(h: unknown, what: string, size: number, B: number, dtype: DType, unbatched: boolean, sortedIndices: Tensor | null): Tensor {
    const name = this.constructor.name;
    const layers = this.numLayers * (this.bidirectional ? 2 : 1);
    if (h === undefined) return zeros([layers, B, size], { dtype });
    if (!(h instanceof Tensor)) throw new Error(`${name}: ${what} must be a Tensor, got ${describe(h)}`);
    const expected = unbatched ? [layers, size] : [layers, B, size];
    if (!shapesEqual(h.shape, expected)) {
      throw new Error(`${name}: Expected ${what} size (${expected.join(", ")}), got ${fmtShape(h.shape)}`);
    }
    if (h.dtype !== dtype) throw new Error(`${name}: ${what} has dtype ${h.dtype} but the input has ${dtype}`);
    const batched = unbatched ? h.unsqueeze(1) : h;
    return sortedIndices ? indexSelect(batched, 1, sortedIndices) : batched;
  }

  override call<X extends Tensor | PackedSequence>(input: X, hx?: S): RNNOutput<X, S> {
    return this.forward(input, hx);
  }

  /**
   * Runs the layer over a sequence: input (T, B, inputSize) ((B, T, inputSize) with batchFirst, (T,
   * inputSize) unbatched) or a PackedSequence, with optional initial state(s) (D·L, B, H). Returns the
   * output (T, B, D·H) — a PackedSequence for a packed input — and the final state(s) (D·L, B, H).
   */
  forward<X extends Tensor | PackedSequence>(input: X, hx?: S): RNNOutput<X, S> {
    const name = this.constructor.name;
    const packed = input instanceof PackedSequence ? input : null;
    let data: Tensor, sizes: number[], unbatched = false, T = 0;
    if (packed) {
      data = packed.data;
      if (data.ndim !== 2 || data.shape[1] !== this.inputSize) {
        throw new Error(`${name}: the packed input's data ${fmtShape(data.shape)} must be (N, ${this.inputSize}): input.size(-1) must be equal to input_size`);
      }
      sizes = [...packed.sizes];
    } else {
      if (!(input instanceof Tensor)) throw new Error(`${name}: input must be a Tensor or a PackedSequence, got ${describe(input)}`);
      const x0 = input as Tensor;
      if (x0.ndim !== 2 && x0.ndim !== 3) throw new Error(`${name}: Expected input to be 2D or 3D, got ${x0.ndim}D tensor instead (shape ${fmtShape(x0.shape)})`);
      const size = x0.shape[x0.ndim - 1]!;
      if (size !== this.inputSize) {
        throw new Error(`${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${size} (input shape ${fmtShape(x0.shape)})`);
      }
      unbatched = x0.ndim === 2;
      const x = unbatched ? x0.unsqueeze(1) : this.batchFirst ? x0.transpose(0, 1) : x0; // (T, B, I)
      T = x.shape[0]!;
      const B0 = x.shape[1]!;
      data = x.reshape(T * B0, this.inputSize); // (T·B, I), time-major as packed data
      sizes = new Array<number>(T).fill(B0);
    }
    if (!data.dtype.startsWith("float")) throw new Error(`${name}: input must be floating point, got ${data.dtype}`);
    const B = sizes[0] ?? 0;
    const h0 = this.states(hx, B, data.dtype, unbatched, packed?.sortedIndices ?? null);
    const D = this.bidirectional ? 2 : 1;
    const finals: Tensor[][] = h0.map(() => []);
    let layerInput = data;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const k = l * D + d;
        const r = runDirection(this.mode, layerInput, sizes, this.weightsOf(l, d), h0.map((h) => h.select(0, k)), d === 1);
        outs.push(r.out);
        r.states.forEach((s, i) => finals[i]!.push(s));
      }
      layerInput = D === 1 ? outs[0]! : cat(outs, 1); // (N, D·Hout)
      if (l < this.numLayers - 1 && this.dropout > 0 && this.training) {
        layerInput = dropout(layerInput, { p: this.dropout, training: true, generator: this._generator });
      }
    }
    let states = finals.map((f) => stack(f, 0)); // (D·L, B, H)
    if (packed?.unsortedIndices) states = states.map((s) => indexSelect(s, 1, packed.unsortedIndices!));
    if (unbatched) states = states.map((s) => s.squeeze(1));
    let output: Tensor | PackedSequence;
    if (packed) output = packed.withData(layerInput);
    else {
      const y = layerInput.reshape(T, B, layerInput.shape[1]!); // (T, B, D·Hout)
      output = unbatched ? y.squeeze(1) : this.batchFirst ? y.transpose(0, 1) : y;
    }
    return [output as X, this.result(states)];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ", bias=False";
    if (this.batchFirst) s += ", batch_first=True";
    if (this.dropout !== 0) s += `, dropout=${Number.isInteger(this.dropout) ? this.dropout : pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ", bidirectional=True";
    return s;
  }
}

/**
 * Drops this module's claims on the input projections once the recurrence has read them (see
 * Storage.refs): only the tape still holds them, so after backward their memory goes back to the
 * pool and the next step's projection is written there (in the kernels' memory, without copies).
 */
function dropClaims(projected: Tensor, xg: Tensor): void {
  releaseStorage(projected.storage);
  if (xg !== projected) releaseStorage(xg.storage);
}

/**
 * One direction of one layer over packed-layout data (N, I), time-major, with batchSizes `sizes`
 * (all equal for a padded batch): the input projection for every step is one GEMM, then the
 * recurrence steps through time. Rows past a sequence's end leave the batch (forward) or join it
 * (reverse), as PyTorch's packed kernels do. Returns the outputs (N, Hout) and the final state(s) (B, ·).
 */
function runDirection(mode: RNNMode, data: Tensor, sizes: readonly number[], w: CellWeights, initial: Tensor[], reverse: boolean): { out: Tensor; states: Tensor[] } {
  const T = sizes.length;
  const B = sizes[0] ?? 0;
  if (mode === "LSTM" && !w.weightHr && T > 0 && sizes.every((b) => b === B)) {
    // fused recurrence: all four gates per step from one GEMM, backward without per-gate tensors;
    // both biases join the input projection, one GEMM over every step
    const H = w.weightHh.shape[1]!;
    const bias = w.biasIh && w.biasHh ? w.biasIh.add(w.biasHh) : w.biasIh;
    const projected = internalOutputs(() => linear(data, w.weightIh, bias)); // (T·B, 4H); its claim dropped below
    const xg = projected.reshape(T, B, 4 * H); // (T, B, 4H)
    const [hs, cs] = lstmRecurrence(xg, w.weightHh, initial[0]!, initial[1]!, reverse);
    dropClaims(projected, xg);
    const last = reverse ? 0 : T - 1;
    return { out: hs.reshape(T * B, H), states: [hs.select(0, last), cs.select(0, last)] };
  }
  if (mode === "GRU" && T > 0 && sizes.every((b) => b === B)) {
    // fused recurrence: gh = h W_hhᵀ + b_hh from one GEMM per step, the gates in one pass, backward
    // without per-gate tensors; the input projection is one GEMM over every step
    const H = w.weightHh.shape[1]!;
    const projected = internalOutputs(() => linear(data, w.weightIh, w.biasIh)); // (T·B, 3H); its claim dropped below
    const xg = projected.reshape(T, B, 3 * H); // (T, B, 3H)
    const biasHh = w.biasHh ?? zeros([3 * H], { dtype: data.dtype });
    const hs = gruRecurrence(xg, w.weightHh, biasHh, initial[0]!, reverse); // (T, B, H)
    dropClaims(projected, xg);
    return { out: hs.reshape(T * B, H), states: [hs.select(0, reverse ? 0 : T - 1)] };
  }
  const gx = linear(data, w.weightIh, w.biasIh); // (N, G·H)
  const offsets: number[] = [];
  let acc = 0;
  for (const b of sizes) {
    offsets.push(acc);
    acc += b;
  }
  const step = (g: Tensor, state: Tensor[]): Tensor[] => {
    switch (mode) {
      case "RNN_TANH": return [rnnTanhStep(g, state[0]!, w)];
      case "RNN_RELU": return [rnnReluStep(g, state[0]!, w)];
      case "GRU": return [gruStep(g, state[0]!, w)];
      case "LSTM": return lstmStep(g, state[0]!, state[1]!, w);
    }
  };
  const outs = new Array<Tensor>(T);
  let state: Tensor[];
  if (!reverse) {
    state = initial;
    const done: Tensor[][] = initial.map(() => []);
    for (let t = 0; t < T; t++) {
      const b = sizes[t]!;
      const rows = state[0]!.shape[0]!;
      if (b < rows) {
        // sequences rows b.. ended at step t − 1: their state is final
        state.forEach((s, i) => done[i]!.push(s.narrow(0, b, rows - b)));
        state = state.map((s) => s.narrow(0, 0, b));
      }
      state = step(gx.narrow(0, offsets[t]!, b), state);
      outs[t] = state[0]!;
    }
    state.forEach((s, i) => done[i]!.push(s));
    state = done.map((pieces) => (pieces.length === 1 ? pieces[0]! : cat(pieces.reverse(), 0)));
  } else {
    state = initial.map((s) => s.narrow(0, 0, sizes[T - 1] ?? 0));
    for (let t = T - 1; t >= 0; t--) {
      const b = sizes[t]!;
      const rows = state[0]!.shape[0]!;
      // sequences rows.. start (from their last step) at step t, from their initial state
      if (b > rows) state = state.map((s, i) => cat([s, initial[i]!.narrow(0, rows, b - rows)], 0));
      state = step(gx.narrow(0, offsets[t]!, b), state);
      outs[t] = state[0]!;
    }
  }
  return { out: cat(outs, 0), states: state };
}

/**
 * A multi-layer Elman RNN, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or relu), as PyTorch's nn.RNN.
 *
 * ```ts
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.call(x); // x (T, B, 10) → output (T, B, 20), hN (2, B, 20)
 * ```
 */
export class RNN extends RNNBase<Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { nonlinearity?: "tanh" | "relu" } = {}) {
    const nl = options.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new Error(`RNN: Unknown nonlinearity ${describe(nl)}. Select from "tanh" or "relu".`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }
  protected states(hx: Tensor | undefined, B: number, dtype: DType, unbatched: boolean, sorted: Tensor | null): Tensor[] {
    return [this.checkState(hx, "hidden", this.hiddenSize, B, dtype, unbatched, sorted)];
  }
  protected result(states: Tensor[]): Tensor {
    return states[0]!;
  }
}

/**
 * A multi-layer GRU (gates r, z, n; h' = (1 − z)·n + z·h), as PyTorch's nn.GRU.
 * `gru.call(x, h0?)` → [output, hN].
 */
export class GRU extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("GRU", inputSize, hiddenSize, options);
  }
  protected states(hx: Tensor | undefined, B: number, dtype: DType, unbatched: boolean, sorted: Tensor | null): Tensor[] {
    return [this.checkState(hx, "hidden", this.hiddenSize, B, dtype, unbatched, sorted)];
  }
  protected result(states: Tensor[]): Tensor {
    return states[0]!;
  }
}

/**
 * A multi-layer LSTM (gates i, f, g, o), as PyTorch's nn.LSTM, with optional projections
 * (`projSize`: h_t = (o_t·tanh c_t) W_hrᵀ, of size projSize). `lstm.call(x, [h0, c0]?)` →
 * [output, [hN, cN]]; hN is (D·L, B, projSize || hiddenSize), cN (D·L, B, hiddenSize).
 *
 * ```ts
 * const lstm = new nn.LSTM(32, 128, { numLayers: 2, batchFirst: true });
 * const [out, [h, c]] = lstm.call(x); // x (B, T, 32) → out (B, T, 128)
 * ```
 */
export class LSTM extends RNNBase<LSTMState> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { projSize?: number } = {}) {
    super("LSTM", inputSize, hiddenSize, options);
  }
  protected states(hx: LSTMState | undefined, B: number, dtype: DType, unbatched: boolean, sorted: Tensor | null): Tensor[] {
    if (hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) throw new Error(`LSTM: hx must be a pair [h0, c0], got ${describe(hx)}`);
    const out = this.projSize > 0 ? this.projSize : this.hiddenSize;
    return [
      this.checkState(hx?.[0], "hidden[0]", out, B, dtype, unbatched, sorted),
      this.checkState(hx?.[1], "hidden[1]", this.hiddenSize, B, dtype, unbatched, sorted),
    ];
  }
  protected result(states: Tensor[]): LSTMState {
    return [states[0]!, states[1]!];
  }
}
