// The ONNX mappings of the sequence layers: RNN/GRU/LSTM (and their cells) as ONNX's RNN/GRU/LSTM
// operators, MultiheadAttention decomposed into MatMul/Softmax, and the Transformer layers and stacks.
import type { Tensor } from "../tensor/Tensor.js";
import { cat, stack } from "../ops/movement.js";
import { gelu, relu } from "../nn/functional/activations.js";
import type { AnyModule } from "../nn/Module.js";
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from "../nn/rnn.js";
import { MultiheadAttention } from "../nn/MultiheadAttention.js";
import {
  Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer, type TransformerLayerOptions,
} from "../nn/Transformer.js";
import type { ExportArg, GraphBuilder, ModuleExporter } from "./GraphBuilder.js";

type ModuleClass<M extends AnyModule> = abstract new (...args: never[]) => M;
type Pair = [ModuleClass<AnyModule>, ModuleExporter];
const pair = <M extends AnyModule>(moduleClass: ModuleClass<M>, exporter: ModuleExporter<M>): Pair => [moduleClass, exporter as ModuleExporter];

/** `module "0" (LSTM)`, for errors. */
function where(g: GraphBuilder, m: AnyModule): string {
  return `module ${g.path === "" ? "(the model)" : `"${g.path}"`} (${m.constructor.name})`;
}

const squeeze = (g: GraphBuilder, x: string, axes: number[]): string => g.node("Squeeze", [x, g.int64(axes)]);
const transpose = (g: GraphBuilder, x: string, perm: number[]): string => g.node("Transpose", [x], { perm: { ints: perm } });
const reshape = (g: GraphBuilder, x: string, shape: number[]): string => g.node("Reshape", [x, g.int64(shape)]);

/** A value name from an argument slot (undefined and null: absent). */
function valueArg(g: GraphBuilder, m: AnyModule, a: ExportArg, what: string): string | null {
  if (a === undefined || a === null) return null;
  if (typeof a !== "string") throw new Error(`${g.op}: ${where(g, m)} takes ${what} as a Tensor in the example inputs`);
  return a;
}

/** An options object from an argument slot ({} when absent). */
function optionsArg(a: ExportArg): Record<string, ExportArg> {
  return a !== null && typeof a === "object" && !Array.isArray(a) ? (a as Record<string, ExportArg>) : {};
}

// ---------------------------------------------------------------- recurrent layers

type RecurrentKind = "RNN" | "GRU" | "LSTM";

/**
 * PyTorch's gate blocks in ONNX's order: LSTM i f g o → i o f c, GRU r z n → z r h (the rows of each
 * weight and bias are blocks of hiddenSize).
 */
const GATE_ORDER: Record<RecurrentKind, number[]> = { RNN: [0], GRU: [1, 0, 2], LSTM: [0, 3, 1, 2] };

function reorderGates(t: Tensor, kind: RecurrentKind, H: number): Tensor {
  const order = GATE_ORDER[kind];
  return order.length === 1 ? t.detach() : cat(order.map((k) => t.detach().narrow(0, k * H, H)), 0);
}

interface DirectionWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/**
 * One ONNX RNN/GRU/LSTM node over X (T, B, I) with the weights of each direction; returns its outputs
 * Y (T, D, B, H), Y_h (D, B, H) and, for LSTM, Y_c.
 */
function recurrentNode(
  g: GraphBuilder, kind: RecurrentKind, dirs: DirectionWeights[], H: number, name: string, x: string,
  h0: string | null, c0: string | null, nonlinearity: "tanh" | "relu",
): string[] {
  const W = g.initializer(stack(dirs.map((d) => reorderGates(d.weightIh, kind, H)), 0), `${name}.W`);
  const R = g.initializer(stack(dirs.map((d) => reorderGates(d.weightHh, kind, H)), 0), `${name}.R`);
  const hasBias = dirs[0]!.biasIh !== null;
  const B = hasBias ? g.initializer(stack(dirs.map((d) => cat([reorderGates(d.biasIh!, kind, H), reorderGates(d.biasHh!, kind, H)], 0)), 0), `${name}.B`) : null;
  const attrs: Parameters<GraphBuilder["nodeOutputs"]>[2] = { hidden_size: { i: H }, direction: { s: dirs.length === 2 ? "bidirectional" : "forward" } };
  if (kind === "GRU") attrs.linear_before_reset = { i: 1 }; // PyTorch's n = tanh(x W_inᵀ + b_in + r·(h W_hnᵀ + b_hn))
  if (kind === "RNN") attrs.activations = { strings: dirs.map(() => (nonlinearity === "relu" ? "Relu" : "Tanh")) };
  const inputs = [x, W, R, B, null, h0, ...(kind === "LSTM" ? [c0] : [])];
  return g.nodeOutputs(kind, inputs, attrs, kind === "LSTM" ? 3 : 2);
}

type AnyRecurrent = RNN | GRU | LSTM;

/**
 * A stacked (bidirectional) RNN/GRU/LSTM: one ONNX operator per layer, the directions in one
 * operator; batchFirst and unbatched inputs are transposed/unsqueezed to ONNX's (T, B, I) and back.
 * Outputs as forward's: output, h_n (and c_n).
 */
function recurrentExporter(kind: RecurrentKind): ModuleExporter<AnyRecurrent> {
  return (g, m, _inputs, args) => {
    if (m.projSize > 0) throw new Error(`${g.op}: ${where(g, m)} has projSize ${m.projSize}; ONNX's LSTM operator has no projection`);
    const x = valueArg(g, m, args[0], "its input")!;
    const hx = args[1];
    let h0: string | null = null, c0: string | null = null;
    if (kind === "LSTM" && hx !== undefined && hx !== null) {
      if (!Array.isArray(hx) || hx.length !== 2) throw new Error(`${g.op}: ${where(g, m)} takes its initial state as a pair [h0, c0]`);
      h0 = valueArg(g, m, (hx as ExportArg[])[0], "h0");
      c0 = valueArg(g, m, (hx as ExportArg[])[1], "c0");
    } else if (kind !== "LSTM") h0 = valueArg(g, m, hx, "h0");
    const unbatched = g.shape(x).length === 2;
    let seq = unbatched ? g.unsqueeze(x, [1]) : m.batchFirst ? transpose(g, x, [1, 0, 2]) : x; // (T, B, I)
    if (unbatched) [h0, c0] = [h0, c0].map((s) => (s ? g.unsqueeze(s, [1]) : null));
    const D = m.bidirectional ? 2 : 1;
    const H = m.hiddenSize;
    const layerState = (s: string | null, l: number): string | null =>
      s === null || m.numLayers === 1 ? s : g.node("Slice", [s, g.int64([l * D]), g.int64([(l + 1) * D]), g.int64([0])]);
    const finals: string[][] = [[], []];
    for (let l = 0; l < m.numLayers; l++) {
      const dirs = Array.from({ length: D }, (_, d) => m.weightsOf(l, d));
      const nonlinearity = m instanceof RNN ? m.nonlinearity : "tanh";
      const [y, yh, yc] = recurrentNode(g, kind, dirs, H, `l${l}`, seq, layerState(h0, l), layerState(c0, l), nonlinearity);
      finals[0]!.push(yh!);
      if (yc) finals[1]!.push(yc);
      // Y (T, D, B, H) → (T, B, D·H)
      seq = D === 1 ? squeeze(g, y!, [1]) : reshape(g, transpose(g, y!, [0, 2, 1, 3]), [0, 0, -1]);
    }
    const out = unbatched ? squeeze(g, seq, [1]) : m.batchFirst ? transpose(g, seq, [1, 0, 2]) : seq;
    const states = finals.filter((f) => f.length > 0).map((f) => {
      const s = f.length === 1 ? f[0]! : g.node("Concat", f, { axis: { i: 0 } });
      return unbatched ? squeeze(g, s, [1]) : s;
    });
    return [out, ...states];
  };
}

type AnyCell = RNNCell | GRUCell | LSTMCell;

/** A cell is one time step of the sequence operator: x (B, I) → (1, B, I), the new state is Y_h (1, B, H) squeezed. */
function cellExporter(kind: RecurrentKind): ModuleExporter<AnyCell> {
  return (g, m, _inputs, args) => {
    const x = valueArg(g, m, args[0], "its input")!;
    const hx = args[1];
    let h0: string | null = null, c0: string | null = null;
    if (kind === "LSTM" && hx !== undefined && hx !== null) {
      if (!Array.isArray(hx) || hx.length !== 2) throw new Error(`${g.op}: ${where(g, m)} takes its state as a pair [h, c]`);
      h0 = valueArg(g, m, (hx as ExportArg[])[0], "h");
      c0 = valueArg(g, m, (hx as ExportArg[])[1], "c");
    } else if (kind !== "LSTM") h0 = valueArg(g, m, hx, "h");
    const axes = g.shape(x).length === 1 ? [0, 1] : [0];
    const nonlinearity = m instanceof RNNCell ? m.nonlinearity : "tanh";
    const [, yh, yc] = recurrentNode(
      g, kind, [{ weightIh: m.weightIh, weightHh: m.weightHh, biasIh: m.biasIh, biasHh: m.biasHh }], m.hiddenSize, "cell",
      g.unsqueeze(x, axes), h0 && g.unsqueeze(h0, axes), c0 && g.unsqueeze(c0, axes), nonlinearity,
    );
    return kind === "LSTM" ? [squeeze(g, yh!, axes), squeeze(g, yc!, axes)] : squeeze(g, yh!, axes);
  };
}

// ---------------------------------------------------------------- attention

/** A float additive mask from a bool (true = masked → −∞) or float mask. */
function additiveMask(g: GraphBuilder, mask: string, like: string): string {
  if (g.dtype(mask) !== "bool") return mask;
  return g.node("Where", [mask, g.scalar(-Infinity, like), g.scalar(0, like)]);
}

/**
 * MultiheadAttention as F.multi_head_attention_forward computes it, batch-first inside: projections
 * (slices of in_proj_weight), heads (N, L, E) → (N, H, L, hd), softmax(q·kᵀ/√hd + masks)·v, the output
 * projection. Masks may be bool or float: attnMask (L, S) or (N·H, L, S), keyPaddingMask (N, S).
 */
const mhaExporter: ModuleExporter<MultiheadAttention> = (g, m, _inputs, args) => {
  if (m.biasK || m.addZeroAttn) throw new Error(`${g.op}: ${where(g, m)} has addBiasKv or addZeroAttn, which the ONNX export does not support`);
  const [q0, k0, v0] = [0, 1, 2].map((i) => valueArg(g, m, args[i], ["query", "key", "value"][i]!)!) as [string, string, string];
  const opts = optionsArg(args[3]);
  const attnMask = valueArg(g, m, opts.attnMask, "attnMask");
  const keyPaddingMask = valueArg(g, m, opts.keyPaddingMask, "keyPaddingMask");
  const needWeights = opts.needWeights !== false;
  const average = opts.averageAttnWeights !== false;
  const E = m.embedDim, H = m.numHeads, hd = m.headDim;
  const batched = g.shape(q0).length === 3;
  // to batch-first (N, L, E), once per distinct value (self-attention passes one value three times)
  const firsts = new Map<string, string>();
  const first = (t: string): string => {
    let y = firsts.get(t);
    if (y === undefined) {
      y = !batched ? g.unsqueeze(t, [0]) : m.batchFirst ? t : transpose(g, t, [1, 0, 2]);
      firsts.set(t, y);
    }
    return y;
  };
  const [q, k, v] = [first(q0), first(k0), first(v0)];
  const packed = m.inProjWeight ? g.initializer(m.inProjWeight, "in_proj_weight") : null;
  const separate = [m.qProjWeight, m.kProjWeight, m.vProjWeight].map((w, i) => (w ? g.initializer(w, `${["q", "k", "v"][i]}_proj_weight`) : null));
  const bias = m.inProjBias ? g.initializer(m.inProjBias, "in_proj_bias") : null;
  const rows = (t: string, i: number): string => g.node("Slice", [t, g.int64([i * E]), g.int64([(i + 1) * E]), g.int64([0])]);
  const project = (x: string, i: number): string => {
    const w = packed ? rows(packed, i) : separate[i]!;
    const y = g.node("MatMul", [x, transpose(g, w, [1, 0])]);
    return bias ? g.node("Add", [y, rows(bias, i)]) : y;
  };
  const heads = (t: string): string => transpose(g, reshape(g, t, [0, 0, H, hd]), [0, 2, 1, 3]); // (N, H, len, hd)
  const qh = heads(project(q, 0)), kh = heads(project(k, 1)), vh = heads(project(v, 2));
  let scores = g.node("MatMul", [g.node("Mul", [qh, g.scalar(Math.sqrt(1 / hd), q0)]), transpose(g, kh, [0, 1, 3, 2])]); // (N, H, L, S)
  if (attnMask) {
    let mask = additiveMask(g, attnMask, q0);
    if (g.shape(attnMask).length === 3) mask = reshape(g, g.unsqueeze(mask, [0]), [-1, H, 0, 0]); // (N·H, L, S) → (1, N·H, L, S) → (N, H, L, S)
    scores = g.node("Add", [scores, mask]);
  }
  if (keyPaddingMask) scores = g.node("Add", [scores, g.unsqueeze(additiveMask(g, keyPaddingMask, q0), batched ? [1, 2] : [0, 1, 2])]);
  const weights = g.node("Softmax", [scores], { axis: { i: -1 } });
  const merged = reshape(g, transpose(g, g.node("MatMul", [weights, vh]), [0, 2, 1, 3]), [0, 0, E]); // (N, L, E)
  const outW = g.initializer(m.outProj.weight, "out_proj.weight");
  let y = g.node("MatMul", [merged, transpose(g, outW, [1, 0])]);
  if (m.outProj.bias) y = g.node("Add", [y, g.initializer(m.outProj.bias, "out_proj.bias")]);
  y = !batched ? squeeze(g, y, [0]) : m.batchFirst ? y : transpose(g, y, [1, 0, 2]);
  if (!needWeights) return y;
  let w = average ? g.reduce("ReduceMean", weights, [1], false) : weights;
  if (!batched) w = squeeze(g, w, [0]);
  return [y, w];
};

// ---------------------------------------------------------------- Transformer layers

type AnyLayer = TransformerEncoderLayer | TransformerDecoderLayer;

/** The activation of the feed-forward block: relu or gelu (a user function cannot be exported). */
function activation(g: GraphBuilder, m: AnyLayer, h: string): string {
  const a = (m as unknown as { _options: TransformerLayerOptions })._options.activation ?? "relu";
  if (a === "relu" || a === relu) return g.track(g.node("Relu", [h]), [h], (t) => relu(t));
  if (a === "gelu" || a === gelu) {
    const y = g.opset >= 20
      ? g.node("Gelu", [h])
      : g.node("Mul", [g.node("Mul", [h, g.scalar(0.5, h)]), g.node("Add", [g.node("Erf", [g.node("Mul", [h, g.scalar(Math.SQRT1_2, h)])]), g.scalar(1, h)])]);
    return g.track(y, [h], (t) => gelu(t));
  }
  throw new Error(`${g.op}: ${where(g, m)} has a custom activation function; the ONNX export knows "relu" and "gelu"`);
}

/** Sub-module helpers for the layer exporters: each output is traced, so the next sub-module may read its shape. */
function blocks(g: GraphBuilder, m: AnyLayer) {
  const one = (mod: AnyModule, args: ExportArg[], name: string): string => g.module(mod, args, name)[0]!;
  return {
    one,
    add: (a: string, b: string): string => g.track(g.node("Add", [a, b]), [a, b], (x, y) => x.add(y)),
    ff: (x: string): string => one(m.linear2, [activation(g, m, one(m.linear1, [x], "linear1"))], "linear2"),
  };
}

/** norm1(x + SA(x)), norm2(x + FF(x)), or pre-norm x + SA(norm1(x)), x + FF(norm2(x)); dropouts are off in eval. */
const encoderLayerExporter: ModuleExporter<TransformerEncoderLayer> = (g, m, _inputs, args) => {
  const src = valueArg(g, m, args[0], "src")!;
  const opts = optionsArg(args[1]);
  const mask = { attnMask: opts.srcMask ?? null, keyPaddingMask: opts.srcKeyPaddingMask ?? null, needWeights: false };
  const { one, add, ff } = blocks(g, m);
  const sa = (x: string): string => one(m.selfAttn, [x, x, x, mask], "self_attn");
  let x = src;
  if (m.normFirst) {
    x = add(x, sa(one(m.norm1, [x], "norm1")));
    x = add(x, ff(one(m.norm2, [x], "norm2")));
  } else {
    x = one(m.norm1, [add(x, sa(x))], "norm1");
    x = one(m.norm2, [add(x, ff(x))], "norm2");
  }
  return x;
};

const decoderLayerExporter: ModuleExporter<TransformerDecoderLayer> = (g, m, _inputs, args) => {
  const tgt = valueArg(g, m, args[0], "tgt")!;
  const memory = valueArg(g, m, args[1], "memory")!;
  const opts = optionsArg(args[2]);
  const selfMask = { attnMask: opts.tgtMask ?? null, keyPaddingMask: opts.tgtKeyPaddingMask ?? null, needWeights: false };
  const memMask = { attnMask: opts.memoryMask ?? null, keyPaddingMask: opts.memoryKeyPaddingMask ?? null, needWeights: false };
  const { one, add, ff } = blocks(g, m);
  const sa = (x: string): string => one(m.selfAttn, [x, x, x, selfMask], "self_attn");
  const mha = (x: string): string => one(m.multiheadAttn, [x, memory, memory, memMask], "multihead_attn");
  let x = tgt;
  if (m.normFirst) {
    x = add(x, sa(one(m.norm1, [x], "norm1")));
    x = add(x, mha(one(m.norm2, [x], "norm2")));
    x = add(x, ff(one(m.norm3, [x], "norm3")));
  } else {
    x = one(m.norm1, [add(x, sa(x))], "norm1");
    x = one(m.norm2, [add(x, mha(x))], "norm2");
    x = one(m.norm3, [add(x, ff(x))], "norm3");
  }
  return x;
};

const encoderExporter: ModuleExporter<TransformerEncoder> = (g, m, _inputs, args) => {
  const opts = optionsArg(args[1]);
  let x = valueArg(g, m, args[0], "src")!;
  [...m.layers].forEach((layer, i) => {
    x = g.module(layer, [x, { srcMask: opts.mask ?? null, srcKeyPaddingMask: opts.srcKeyPaddingMask ?? null }], `layers.${i}`)[0]!;
  });
  return m.norm ? g.module(m.norm, [x], "norm")[0]! : x;
};

const DECODER_MASKS = ["tgtMask", "memoryMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask"] as const;

const decoderExporter: ModuleExporter<TransformerDecoder> = (g, m, _inputs, args) => {
  const opts = optionsArg(args[2]);
  const memory = valueArg(g, m, args[1], "memory")!;
  const masks = Object.fromEntries(DECODER_MASKS.map((k) => [k, opts[k] ?? null]));
  let x = valueArg(g, m, args[0], "tgt")!;
  [...m.layers].forEach((layer, i) => (x = g.module(layer, [x, memory, masks], `layers.${i}`)[0]!));
  return m.norm ? g.module(m.norm, [x], "norm")[0]! : x;
};

const transformerExporter: ModuleExporter<Transformer> = (g, m, _inputs, args) => {
  const opts = optionsArg(args[2]);
  const src = valueArg(g, m, args[0], "src")!;
  const tgt = valueArg(g, m, args[1], "tgt")!;
  const memory = g.module(m.encoder, [src, { mask: opts.srcMask ?? null, srcKeyPaddingMask: opts.srcKeyPaddingMask ?? null }], "encoder")[0]!;
  const masks = Object.fromEntries(DECODER_MASKS.map((k) => [k, opts[k] ?? null]));
  return g.module(m.decoder, [tgt, memory, masks], "decoder")[0]!;
};

export const SEQUENCE_EXPORTERS: Pair[] = [
  pair(RNN, recurrentExporter("RNN")),
  pair(GRU, recurrentExporter("GRU")),
  pair(LSTM, recurrentExporter("LSTM")),
  pair(RNNCell, cellExporter("RNN")),
  pair(GRUCell, cellExporter("GRU")),
  pair(LSTMCell, cellExporter("LSTM")),
  pair(MultiheadAttention, mhaExporter),
  pair(TransformerEncoderLayer, encoderLayerExporter),
  pair(TransformerDecoderLayer, decoderLayerExporter),
  pair(TransformerEncoder, encoderExporter),
  pair(TransformerDecoder, decoderExporter),
  pair(Transformer, transformerExporter),
];
