// onnx.exportModel for the sequence layers: RNN/GRU/LSTM (ONNX's recurrent operators) and their cells,
// MultiheadAttention, the Transformer layers and stacks, run in ONNX Runtime (onnxruntime-node) and
// compared with deepscript's outputs (within 1e-5), on inputs whose batch and sequence sizes differ from the example's.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { Generator, Tensor, nn, onnx, randn, tensor } from "../../src/index.js";
import type { ExampleArg } from "../../src/onnx/index.js";
import { maxAbsDiff } from "./fixture.js";

const gen = new Generator(5);
const rnd = (shape: number[]): Tensor => randn(shape, { generator: gen });

/** Runs the bytes in ONNX Runtime on the named inputs and returns every output, in the graph's order. */
async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) => {
    const c = t.contiguous();
    const value = t.dtype === "bool" ? new ort.Tensor("bool", Uint8Array.from(c.dataSync() as ArrayLike<number>), t.shape) : new ort.Tensor("float32", c.dataSync() as Float32Array, t.shape);
    return [name, value];
  }));
  const result = await session.run(ortFeeds);
  const names = session.outputNames;
  await session.release();
  return names.map((n) => tensor(result[n]!.data as Float32Array, { shape: result[n]!.dims.map(Number) }));
}

/** The tensors of `args`, depth-first (the graph inputs). */
function flat(args: readonly ExampleArg[]): Tensor[] {
  const out: Tensor[] = [];
  const visit = (a: ExampleArg): void => {
    if (a instanceof Tensor) out.push(a);
    else if (Array.isArray(a)) (a as readonly ExampleArg[]).forEach(visit);
    else if (a !== null && typeof a === "object") Object.values(a).forEach(visit);
  };
  args.forEach(visit);
  return out;
}

function flatOutputs(out: unknown): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(flatOutputs);
  return [];
}

/**
 * Exports `model` on `example` with the given dynamic axes per flat input, runs it in ORT on `run` (the
 * same structure) and returns the worst |ORT − deepscript| per output, then the same for the file
 * imported back by deepscript.
 */
async function compare(
  model: nn.AnyModule, example: ExampleArg[], run: ExampleArg[], opsetVersion: number, axes: (Record<number, string> | null)[],
): Promise<number[]> {
  const inputs = flat(example);
  const inputNames = inputs.map((_, i) => `in${i}`);
  const dynamicAxes = Object.fromEntries(axes.flatMap((a, i) => (a ? [[`in${i}`, a]] : [])));
  const bytes = onnx.exportModelBytes(model, example, { opsetVersion, inputNames, dynamicAxes });
  model.eval();
  const want = flatOutputs((model.forward as (...a: unknown[]) => unknown)(...run));
  const got = await runOrt(bytes, Object.fromEntries(flat(run).map((t, i) => [`in${i}`, t])));
  expect(got.length).toBe(want.length);
  // deepscript's importer reads the file back with the same outputs (its LSTM/GRU/RNN operators, Softmax, …)
  const imported = onnx.importModelBytes(bytes).run(...flat(run));
  expect(imported.length).toBe(want.length);
  return [...got.map((t, i) => maxAbsDiff(t, want[i]!)), ...imported.map((t, i) => maxAbsDiff(t, want[i]!))];
}

const worst = (diffs: number[]): number => Math.max(...diffs);
const TB = { 0: "time", 1: "batch" }, BT = { 0: "batch", 1: "time" }, LB = { 1: "batch" };

describe("onnx.exportModel: recurrent layers run in ONNX Runtime with deepscript's outputs (within 1e-5)", () => {
  for (const opset of [13, 18, 21]) {
    it(`LSTM, GRU, RNN (tanh and relu): 2 layers, bidirectional, with and without initial states, dynamic time and batch, at opset ${opset}`, async () => {
      const layers = [
        new nn.LSTM(4, 6, { numLayers: 2, bidirectional: true }), new nn.GRU(4, 6, { numLayers: 2, bidirectional: true }),
        new nn.RNN(4, 6, { numLayers: 2, bidirectional: true }), new nn.RNN(4, 6, { nonlinearity: "relu", numLayers: 2 }),
        new nn.LSTM(4, 5, { bias: false }), new nn.GRU(4, 5, { numLayers: 3 }),
      ];
      for (const layer of layers) {
        const D = layer.bidirectional ? 2 : 1, L = layer.numLayers, H = layer.hiddenSize;
        expect(worst(await compare(layer, [rnd([5, 2, 4])], [rnd([7, 3, 4])], opset, [TB])), `${String(layer)}`).toBeLessThanOrEqual(1e-5);
        const state = (B: number): ExampleArg => (layer instanceof nn.LSTM ? [rnd([D * L, B, H]), rnd([D * L, B, H])] : rnd([D * L, B, H]));
        const stateAxes = layer instanceof nn.LSTM ? [LB, LB] : [LB];
        expect(worst(await compare(layer, [rnd([5, 2, 4]), state(2)], [rnd([6, 4, 4]), state(4)], opset, [TB, ...stateAxes])), `${String(layer)} with h0`).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it("batchFirst and unbatched inputs, inside a Sequential-free model: output, h_n and c_n are the graph's three outputs", async () => {
    const lstm = new nn.LSTM(3, 4, { batchFirst: true, numLayers: 2, bidirectional: true });
    const diffs = await compare(lstm, [rnd([2, 5, 3]), [rnd([4, 2, 4]), rnd([4, 2, 4])]], [rnd([3, 8, 3]), [rnd([4, 3, 4]), rnd([4, 3, 4])]], 18, [BT, LB, LB]);
    expect(diffs.length).toBe(6); // output, h_n, c_n from ONNX Runtime and from deepscript's importer
    expect(worst(diffs)).toBeLessThanOrEqual(1e-5);
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    expect(worst(await compare(gru, [rnd([2, 5, 3])], [rnd([4, 2, 3])], 17, [BT]))).toBeLessThanOrEqual(1e-5);
    for (const layer of [new nn.LSTM(3, 4, { bidirectional: true }), new nn.GRU(3, 4, { numLayers: 2 }), new nn.RNN(3, 4)]) {
      expect(worst(await compare(layer, [rnd([6, 3])], [rnd([9, 3])], 18, [{ 0: "time" }])), `${String(layer)} unbatched`).toBeLessThanOrEqual(1e-5);
    }
  });

  it("LSTMCell, GRUCell and RNNCell: one step of the sequence operator, with and without a state", async () => {
    for (const cell of [new nn.LSTMCell(3, 5), new nn.GRUCell(3, 5), new nn.RNNCell(3, 5, { nonlinearity: "relu" }), new nn.GRUCell(3, 4, { bias: false })]) {
      const H = cell.hiddenSize;
      expect(worst(await compare(cell, [rnd([2, 3])], [rnd([4, 3])], 18, [{ 0: "batch" }])), String(cell)).toBeLessThanOrEqual(1e-5);
      const state = (B: number): ExampleArg => (cell instanceof nn.LSTMCell ? [rnd([B, H]), rnd([B, H])] : rnd([B, H]));
      const axes = cell instanceof nn.LSTMCell ? [{ 0: "batch" }, { 0: "batch" }, { 0: "batch" }] : [{ 0: "batch" }, { 0: "batch" }];
      expect(worst(await compare(cell, [rnd([2, 3]), state(2)], [rnd([5, 3]), state(5)], 13, axes)), `${String(cell)} with state`).toBeLessThanOrEqual(1e-5);
    }
  });

  it("an LSTM with projections, which ONNX's LSTM operator lacks, gives an error naming the module", () => {
    const model = new nn.LSTM(3, 4, { projSize: 2 });
    expect(() => onnx.exportModelBytes(model, rnd([5, 2, 3]))).toThrow("onnx.exportModelBytes: module (the model) (LSTM) has projSize 2; ONNX's LSTM operator has no projection");
  });
});

describe("onnx.exportModel: attention and Transformer layers run in ONNX Runtime with deepscript's outputs (within 1e-5)", () => {
  for (const opset of [13, 17, 18, 20]) {
    it(`MultiheadAttention: self- and cross-attention, averaged and per-head weights, kdim/vdim, batchFirst, at opset ${opset}`, async () => {
      const mha = new nn.MultiheadAttention(8, 2);
      const x = rnd([5, 2, 8]);
      expect(worst(await compare(mha, [x, x, x], [rnd([7, 3, 8]), rnd([7, 3, 8]), rnd([7, 3, 8])], opset, [TB, TB, TB]))).toBeLessThanOrEqual(1e-5);
      const cross = new nn.MultiheadAttention(8, 4, { kdim: 6, vdim: 5, batchFirst: true });
      const ex = [rnd([2, 4, 8]), rnd([2, 6, 6]), rnd([2, 6, 5]), { averageAttnWeights: false }];
      const run = [rnd([3, 5, 8]), rnd([3, 2, 6]), rnd([3, 2, 5]), { averageAttnWeights: false }];
      expect(worst(await compare(cross, ex, run, opset, [{ 0: "batch", 1: "tgt" }, { 0: "batch", 1: "src" }, { 0: "batch", 1: "src" }]))).toBeLessThanOrEqual(1e-5);
      const noWeights = new nn.MultiheadAttention(6, 3, { bias: false });
      const y = rnd([4, 6]);
      const diffs = await compare(noWeights, [y, y, y, { needWeights: false }], [y, y, y, { needWeights: false }], opset, [null, null, null]);
      expect(diffs.length).toBe(2);
      expect(worst(diffs)).toBeLessThanOrEqual(1e-5);
    });
  }

  it("MultiheadAttention masks as graph inputs: a bool key padding mask, a float causal mask, a bool (N·H, L, S) mask", async () => {
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const pad = (lengths: number[], T: number): Tensor => nn.paddingMask(lengths, T);
    const causal = (T: number): Tensor => nn.Transformer.generateSquareSubsequentMask(T);
    const x = rnd([2, 5, 8]), z = rnd([3, 6, 8]);
    const ex = [x, x, x, { keyPaddingMask: pad([5, 3], 5), attnMask: causal(5) }];
    const run = [z, z, z, { keyPaddingMask: pad([6, 2, 4], 6), attnMask: causal(6) }];
    expect(worst(await compare(mha, ex, run, 18, [BT, BT, BT, BT, { 0: "time", 1: "time" }]))).toBeLessThanOrEqual(1e-5);
    const perHead = rnd([4, 5, 5]).gt(0.8);
    expect(worst(await compare(mha, [x, x, x, { attnMask: perHead }], [x, x, x, { attnMask: perHead }], 13, [null, null, null, null]))).toBeLessThanOrEqual(1e-5);
  });

  for (const opset of [13, 17, 20]) {
    it(`TransformerEncoder (post-norm relu and pre-norm gelu layers, final LayerNorm) with a causal mask and a key padding mask, at opset ${opset}`, async () => {
      for (const options of [{ dimFeedforward: 16, dropout: 0.1 }, { dimFeedforward: 12, activation: "gelu" as const, normFirst: true, batchFirst: true }]) {
        const layer = new nn.TransformerEncoderLayer(8, 2, options);
        const encoder = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8) });
        const bf = options.batchFirst === true;
        const shape = (T: number, B: number): number[] => (bf ? [B, T, 8] : [T, B, 8]);
        const axes = bf ? BT : TB;
        expect(worst(await compare(layer, [rnd(shape(5, 2))], [rnd(shape(7, 3))], opset, [axes])), `layer ${JSON.stringify(options)}`).toBeLessThanOrEqual(1e-5);
        const ex = [rnd(shape(5, 2)), { mask: nn.Transformer.generateSquareSubsequentMask(5), srcKeyPaddingMask: nn.paddingMask([5, 4], 5) }];
        const run = [rnd(shape(6, 3)), { mask: nn.Transformer.generateSquareSubsequentMask(6), srcKeyPaddingMask: nn.paddingMask([6, 3, 5], 6) }];
        expect(worst(await compare(encoder, ex, run, opset, [axes, { 0: "time", 1: "time" }, BT])), `encoder ${JSON.stringify(options)}`).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it("TransformerDecoderLayer and nn.Transformer (encoder–decoder) with a causal target mask", async () => {
    const dec = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect(worst(await compare(dec, [rnd([4, 2, 8]), rnd([6, 2, 8])], [rnd([5, 3, 8]), rnd([3, 3, 8])], 18, [TB, { 0: "src", 1: "batch" }]))).toBeLessThanOrEqual(1e-5);
    const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, batchFirst: true });
    const ex = [rnd([2, 6, 8]), rnd([2, 4, 8]), { tgtMask: nn.Transformer.generateSquareSubsequentMask(4) }];
    const run = [rnd([3, 5, 8]), rnd([3, 7, 8]), { tgtMask: nn.Transformer.generateSquareSubsequentMask(7) }];
    expect(worst(await compare(model, ex, run, 18, [{ 0: "batch", 1: "src" }, { 0: "batch", 1: "tgt" }, { 0: "tgt", 1: "tgt" }]))).toBeLessThanOrEqual(1e-5);
  });

  it("a custom activation function and addBiasKv give errors naming the module", () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, activation: (t) => t.tanh() });
    expect(() => onnx.exportModelBytes(layer, rnd([3, 1, 4]))).toThrow(/module \(the model\) \(TransformerEncoderLayer\) has a custom activation function/);
    const mha = new nn.MultiheadAttention(4, 2, { addBiasKv: true });
    const x = rnd([3, 1, 4]);
    expect(() => onnx.exportModelBytes(mha, [x, x, x])).toThrow(/module \(the model\) \(MultiheadAttention\) has addBiasKv or addZeroAttn/);
  });
});
