// onnx.importModel on sequence models exported by PyTorch (torch.onnx.export, TorchScript exporter): LSTM, GRU
// and RNN operators, MultiheadAttention and TransformerEncoder graphs predict PyTorch's outputs (within 1e-5)
// (test/fixtures/onnx/make_seq_fixtures.py); an imported LSTM fine-tunes and is written back for ONNX Runtime.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { Tensor, nn, onnx, optim, tensor } from "../../src/index.js";
import { fixturePath, maxAbsDiff } from "./fixture.js";
import { seqExpected, typedFromFlat, type SeqOnnxModel } from "./seqFixture.js";

async function expectPredictionsMatch(fixture: SeqOnnxModel): Promise<void> {
  const model = await onnx.importModel(fixturePath(fixture.file));
  expect(model.inputNames).toEqual(fixture.inputNames);
  expect(model.outputNames).toEqual(fixture.outputNames);
  expect(fixture.cases.length).toBe(2);
  for (const c of fixture.cases) {
    const outputs = model.run(...c.inputs.map(typedFromFlat));
    expect(outputs.length).toBe(c.outputs.length);
    outputs.forEach((y, i) => expect(maxAbsDiff(y, c.outputs[i]!), `${fixture.file} output ${fixture.outputNames[i]} on ${JSON.stringify(c.inputs[0]!.shape)}`).toBeLessThanOrEqual(1e-5));
  }
}

describe("onnx.importModel: recurrent layers exported by PyTorch predict as in PyTorch (within 1e-5)", () => {
  it("a 2-layer bidirectional LSTM with initial states (h0, c0): ONNX LSTM operators, outputs y, h_n, c_n, on two time/batch sizes", async () => {
    expect(seqExpected.onnx.lstm.ops).toContain("LSTM");
    await expectPredictionsMatch(seqExpected.onnx.lstm);
  });

  it("a 2-layer batch-first GRU (linear_before_reset = 1), its zero initial state built by ConstantOfShape", async () => {
    expect(seqExpected.onnx.gru.ops).toEqual(expect.arrayContaining(["GRU", "ConstantOfShape"]));
    await expectPredictionsMatch(seqExpected.onnx.gru);
  });

  it("a bidirectional relu RNN at opset 13 (activations attribute [Relu, Relu])", async () => {
    expect(seqExpected.onnx.rnn.opset).toBe(13);
    expect(seqExpected.onnx.rnn.ops).toContain("RNN");
    await expectPredictionsMatch(seqExpected.onnx.rnn);
  });
});

describe("onnx.importModel: attention and Transformer graphs exported by PyTorch predict as in PyTorch (within 1e-5)", () => {
  it("MultiheadAttention with a bool key padding mask input: output and head-averaged weights", async () => {
    expect(seqExpected.onnx.mha.ops).toEqual(expect.arrayContaining(["MatMul", "Softmax", "Where", "ReduceMean"]));
    await expectPredictionsMatch(seqExpected.onnx.mha);
  });

  it("TransformerEncoder (2 layers and a final LayerNorm) called with a causal mask at opset 17: LayerNormalization, the mask rebuilt by Trilu", async () => {
    expect(seqExpected.onnx.encoder.opset).toBe(17);
    expect(seqExpected.onnx.encoder.ops).toEqual(expect.arrayContaining(["LayerNormalization", "Softmax", "Trilu"]));
    await expectPredictionsMatch(seqExpected.onnx.encoder);
  });

  it("the same encoder at opset 14 with an additive float mask input (−∞ at some places), LayerNorm decomposed (ReduceMean, Pow, Sqrt)", async () => {
    expect(seqExpected.onnx.encoder_opset14.inputNames).toEqual(["src", "mask"]);
    expect(seqExpected.onnx.encoder_opset14.opset).toBe(14);
    expect(seqExpected.onnx.encoder_opset14.ops).toEqual(expect.arrayContaining(["ReduceMean", "Pow", "Sqrt"]));
    await expectPredictionsMatch(seqExpected.onnx.encoder_opset14);
  });
});

describe("onnx.importModel: an imported LSTM graph trains and exports again", () => {
  it("gradients reach the LSTM weights; after an SGD step the re-exported graph runs in ONNX Runtime with deepscript's new outputs", async () => {
    const model = await onnx.importModel(fixturePath(seqExpected.onnx.lstm.file));
    const [c] = seqExpected.onnx.lstm.cases;
    const inputs = c!.inputs.map(typedFromFlat);
    const [y0] = model.run(...inputs);
    y0!.square().mean().backward();
    const params = [...model.namedParameters()];
    expect(params.length).toBeGreaterThan(0);
    for (const [name, p] of params) expect(p.grad, name).not.toBeNull();
    new optim.SGD(model.parameters(), { lr: 0.5 }).step();
    const after = model.run(...inputs);
    expect(maxAbsDiff(after[0]!, c!.outputs[0]!)).toBeGreaterThan(1e-3);
    const bytes = onnx.exportModelBytes(model, inputs, { inputNames: ["x", "h0", "c0"], outputNames: ["y", "h_n", "c_n"] });
    const session = await ort.InferenceSession.create(bytes);
    const feeds = Object.fromEntries(["x", "h0", "c0"].map((n, i) => [n, new ort.Tensor("float32", inputs[i]!.dataSync() as Float32Array, inputs[i]!.shape)]));
    const result = await session.run(feeds);
    await session.release();
    ["y", "h_n", "c_n"].forEach((n, i) => {
      const t = result[n]!;
      const diff = maxAbsDiff(after[i]!, { shape: t.dims.map(Number), data: Array.from(t.data as Float32Array) });
      expect(diff, n).toBeLessThanOrEqual(1e-5);
    });
  });

  it("an unknown operator is named with its node (a CumSum), as before", async () => {
    await expect(onnx.importModel(fixturePath("unsupported.onnx"))).rejects.toThrow(/CumSum/);
  });
});

/** A graph of nodes written by hand (through a custom exporter of a module whose forward is the identity). */
function handWritten(write: (g: onnx.GraphBuilder, x: string) => string, example: Tensor, opsetVersion = 18): Uint8Array {
  class Custom extends nn.Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  onnx.registerModuleExporter(Custom, (g, _m, [x]) => write(g, x!));
  return onnx.exportModelBytes(new Custom(), example, { opsetVersion });
}

/** Fixed weights (a deterministic pattern). */
const pattern = (shape: number[], phase = 0): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Array.from({ length: n }, (_, i) => 0.6 * Math.cos(i * 1.7 + phase)), { shape });
};

describe("onnx.importModel: recurrent operator settings PyTorch's exporter does not use, against ONNX Runtime", () => {
  const x = pattern([5, 2, 3], 0.4); // (T, B, I)
  const H = 4;
  const weights = (g: onnx.GraphBuilder, gates: number, D: number, bias = true): string[] => [
    g.constant(pattern([D, gates * H, 3], 1)), g.constant(pattern([D, gates * H, H], 2)), bias ? g.constant(pattern([D, 2 * gates * H], 3)) : "",
  ];
  const cases: [string, (g: onnx.GraphBuilder, input: string) => string, number][] = [
    ["GRU with linear_before_reset 0 (the reset gate before the recurrent product), bidirectional, an initial state", (g, input) =>
      g.nodeOutputs("GRU", [input, ...weights(g, 3, 2), "", g.constant(pattern([2, 2, H], 4))], { hidden_size: { i: H }, direction: { s: "bidirectional" } }, 2)[0]!, 13],
    ["GRU in reverse, Y_h", (g, input) =>
      g.nodeOutputs("GRU", [input, ...weights(g, 3, 1)], { hidden_size: { i: H }, direction: { s: "reverse" }, linear_before_reset: { i: 1 } }, 2)[1]!, 13],
    ["LSTM with sequence_lens all equal to the length and no bias, Y_c", (g, input) =>
      g.nodeOutputs("LSTM", [input, ...weights(g, 4, 1, false), g.node("Cast", [g.int64([5, 5])], { to: { i: 6 } })], { hidden_size: { i: H } }, 3)[2]!, 13],
    ["RNN in reverse without bias (Tanh)", (g, input) => g.nodeOutputs("RNN", [input, ...weights(g, 1, 1, false)], { hidden_size: { i: H }, direction: { s: "reverse" } }, 2)[0]!, 13],
    ["Trilu lower with k = 1 on the last two dims", (g, input) => g.node("Trilu", [input, g.int64([1])], { upper: { i: 0 } }), 14],
    ["Trilu upper with k = −1", (g, input) => g.node("Trilu", [input, g.int64([-1])]), 14],
  ];
  for (const [name, write, opset] of cases) {
    it(name, async () => {
      const bytes = handWritten(write, x, opset);
      const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
      const { output } = await session.run({ input: new ort.Tensor("float32", x.dataSync() as Float32Array, x.shape) });
      await session.release();
      const want = tensor(output!.data as Float32Array, { shape: output!.dims.map(Number) });
      expect(maxAbsDiff(onnx.importModelBytes(bytes).call(x), want)).toBeLessThanOrEqual(1e-5);
    });
  }

  it("settings deepscript cannot evaluate (clip, peepholes, a shorter sequence_lens, other activations) give errors naming the node", () => {
    const run = (write: (g: onnx.GraphBuilder, input: string) => string): (() => unknown) => {
      const model = onnx.importModelBytes(handWritten(write, x, 13));
      return () => model.call(x);
    };
    const weights1 = (g: onnx.GraphBuilder, gates: number): string[] => weights(g, gates, 1);
    expect(run((g, input) => g.nodeOutputs("LSTM", [input, ...weights1(g, 4)], { hidden_size: { i: H }, clip: { f: 1 } }, 1)[0]!))
      .toThrow('OnnxModule.forward: node "/LSTM" (LSTM): the clip attribute is not supported');
    expect(run((g, input) => g.nodeOutputs("LSTM", [input, ...weights1(g, 4), "", "", "", g.constant(pattern([1, 3 * H]))], { hidden_size: { i: H } }, 1)[0]!))
      .toThrow('OnnxModule.forward: node "/LSTM" (LSTM): peephole weights (input P) are not supported');
    expect(run((g, input) => g.nodeOutputs("GRU", [input, ...weights1(g, 3), g.node("Cast", [g.int64([5, 3])], { to: { i: 6 } })], { hidden_size: { i: H } }, 1)[0]!))
      .toThrow('OnnxModule.forward: node "/GRU" (GRU): sequence_lens shorter than the sequence (5) are not supported');
    expect(run((g, input) => g.nodeOutputs("RNN", [input, ...weights1(g, 1)], { hidden_size: { i: H }, activations: { strings: ["Sigmoid"] } }, 1)[0]!))
      .toThrow('OnnxModule.forward: node "/RNN" (RNN): only the default activations [Tanh] or Relu are supported, got [Sigmoid]');
  });
});
