// onnx.importModel on sequence models exported by PyTorch (torch.onnx.export, TorchScript exporter): LSTM, GRU
// and RNN operators, MultiheadAttention and TransformerEncoder graphs predict PyTorch's outputs (within 1e-5)
// (test/fixtures/onnx/make_seq_fixtures.py); an imported LSTM fine-tunes and is written back for ONNX Runtime.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { onnx, optim } from "../../src/index.js";
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
