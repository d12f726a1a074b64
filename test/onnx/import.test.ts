// onnx.importModel on files exported by PyTorch (torch.onnx.export): predictions, gradients and one
// SGD step equal PyTorch's (test/fixtures/onnx/make_onnx_fixtures.py), and bad files give clear errors.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { nn, onnx, optim, tensor } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { expected, fixtureBytes, fixturePath, fromFlat, maxAbsDiff, type FixtureModel } from "./fixture.js";

/** Every recorded case of a fixture model: the imported graph's output against PyTorch's. */
async function expectPredictionsMatch(fixture: FixtureModel, inputDType: "float32" | "int32" = "float32"): Promise<void> {
  const model = await onnx.importModel(fixturePath(fixture.file));
  expect(fixture.cases!.length).toBeGreaterThan(1);
  for (const c of fixture.cases!) {
    const y = model.call(...c.inputs.map((x) => fromFlat(x, inputDType)));
    expect(maxAbsDiff(y, c.output), `batch ${c.inputs[0]!.shape[0]}`).toBeLessThanOrEqual(1e-5);
  }
}

describe("onnx.importModel: PyTorch-exported models predict as in PyTorch", () => {
  it("MLP (Gemm, Relu, BatchNormalization, LayerNormalization, Gelu, Tanh) at opset 20, for two batch sizes of the dynamic batch axis", async () => {
    expect(expected.mlp.opset).toBe(20);
    await expectPredictionsMatch(expected.mlp);
  });

  it("the same MLP at opset 13, where LayerNorm and GELU are decomposed (ReduceMean, Pow, Sqrt, Erf, Constant, ...)", async () => {
    expect(expected.mlp_opset13.ops).toEqual(expect.arrayContaining(["ReduceMean", "Pow", "Erf", "Constant"]));
    const model = await onnx.importModel(fixturePath(expected.mlp_opset13.file));
    for (const c of expected.mlp.cases!) {
      expect(maxAbsDiff(model.call(fromFlat(c.inputs[0]!)), c.output)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("Embedding + Flatten + Linear + LogSoftmax: INT64 ids in the graph are passed as int32", async () => {
    expect(expected.embedding.ops).toContain("Gather");
    await expectPredictionsMatch(expected.embedding, "int32");
  });

  it("activations and shape arithmetic (LeakyRelu, Elu, Selu, SiLU, Softplus, Clip, Unflatten's Shape/Slice/Mod/Concat/Reshape, Softmax, Flatten)", async () => {
    expect(expected.activations.ops).toEqual(expect.arrayContaining(["Shape", "Slice", "Mod", "Concat", "Clip", "Selu"]));
    await expectPredictionsMatch(expected.activations);
  });

  it("opset 9: Clip bounds and ReduceMean axes as attributes, BatchNormalization and Softmax of the old opsets", async () => {
    expect(expected.legacy_opset9.opset).toBe(9);
    await expectPredictionsMatch(expected.legacy_opset9);
  });

  it("accepts the file's bytes as well as its path", async () => {
    const fromBytes = onnx.importModelBytes(fixtureBytes(expected.mlp.file));
    const fromBuffer = await onnx.importModel(fixtureBytes(expected.mlp.file).slice().buffer);
    const c = expected.mlp.cases![0]!;
    expect(maxAbsDiff(fromBytes.call(fromFlat(c.inputs[0]!)), c.output)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(fromBuffer.call(fromFlat(c.inputs[0]!)), c.output)).toBeLessThanOrEqual(1e-5);
  });
});

describe("onnx.importModel: the imported model trains", () => {
  it("parameters carry PyTorch's names; running statistics are buffers", async () => {
    const model = await onnx.importModel(fixturePath(expected.mlp.file));
    expect([...model.namedParameters()].map(([n]) => n).sort()).toEqual(Object.keys(expected.mlp.train.grads).sort());
    expect([...model.namedBuffers()].map(([n]) => n).sort()).toEqual(["2.running_mean", "2.running_var"]);
    expect(model).toBeInstanceOf(nn.Module);
  });

  it("gradients of an MSE loss equal PyTorch's, and one SGD step (lr 0.1) gives PyTorch's next predictions", async () => {
    const model = await onnx.importModel(fixturePath(expected.mlp.file));
    const { train } = expected.mlp;
    const loss = nn.functional.mseLoss(model.call(fromFlat(train.input)), fromFlat(train.target));
    expect(Math.abs(loss.item() - train.loss)).toBeLessThanOrEqual(1e-6);
    loss.backward();
    const params = new Map(model.namedParameters());
    for (const [name, grad] of Object.entries(train.grads)) {
      const g = params.get(name)!.grad;
      expect(g, name).not.toBeNull();
      expect(maxAbsDiff(g!, grad), name).toBeLessThanOrEqual(1e-5);
    }
    new optim.SGD(model.parameters(), { lr: 0.1 }).step();
    expect(maxAbsDiff(model.call(fromFlat(train.input)), train.outputAfterStep)).toBeLessThanOrEqual(1e-5);
  });

  it("loads a state dict by the exporter's names", async () => {
    const model = await onnx.importModel(fixturePath(expected.mlp.file));
    const state = model.stateDict();
    expect(Object.keys(state)).toEqual(expect.arrayContaining(["0.weight", "2.running_mean", "8.bias"]));
    const zeroed = Object.fromEntries(Object.entries(state).map(([k, v]): [string, Tensor] => [k, v.mul(0)]));
    model.loadStateDict(zeroed);
    const y = model.call(fromFlat(expected.mlp.train.input));
    expect(maxAbsDiff(y, tensor(new Array<number>(15).fill(0), { shape: [5, 3] }))).toBe(0);
  });
});

describe("a PyTorch model fine-tuned in deepscript is exported again and served by ONNX Runtime", () => {
  it("MLP: after one SGD step, ONNX Runtime's predictions on the re-exported file equal PyTorch's after the same step", async () => {
    const model = await onnx.importModel(fixturePath(expected.mlp.file));
    const { train } = expected.mlp;
    nn.functional.mseLoss(model.call(fromFlat(train.input)), fromFlat(train.target)).backward();
    new optim.SGD(model.parameters(), { lr: 0.1 }).step();
    const bytes = onnx.exportModelBytes(model, fromFlat(train.input), { inputNames: ["x"], outputNames: ["y"], dynamicAxes: { x: { 0: "batch" } } });
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputMetadata[0]).toMatchObject({ name: "x", shape: ["batch", 6] });
    const x = fromFlat(train.input);
    const { y } = await session.run({ x: new ort.Tensor("float32", x.dataSync() as Float32Array, x.shape) });
    await session.release();
    expect(maxAbsDiff(tensor(y!.data as Float32Array, { shape: y!.dims.map(Number) }), train.outputAfterStep)).toBeLessThanOrEqual(1e-5);
  });

  it("embedding model: the re-exported graph keeps its INT64 ids input", async () => {
    const model = await onnx.importModel(fixturePath(expected.embedding.file));
    const c = expected.embedding.cases![1]!;
    const bytes = onnx.exportModelBytes(model, fromFlat(c.inputs[0]!, "int32"), { inputNames: ["x"], outputNames: ["y"] });
    const session = await ort.InferenceSession.create(bytes);
    const ids = BigInt64Array.from(c.inputs[0]!.data, (v) => BigInt(v));
    const { y } = await session.run({ x: new ort.Tensor("int64", ids, c.inputs[0]!.shape) });
    await session.release();
    expect(maxAbsDiff(tensor(y!.data as Float32Array, { shape: y!.dims.map(Number) }), c.output)).toBeLessThanOrEqual(1e-5);
  });

  it("an imported graph is written at its own opset", async () => {
    const model = await onnx.importModel(fixturePath(expected.mlp.file));
    expect(() => onnx.exportModelBytes(model, fromFlat(expected.mlp.train.input), { opsetVersion: 18 })).toThrow(
      "onnx.exportModelBytes: module (the model) is an imported ONNX graph of opset 20; export it with opsetVersion: 20",
    );
  });
});

describe("onnx.importModel: bad input", () => {
  it("an unsupported operator: the error names the operator and the node", async () => {
    const cumsum = expected.unsupported.nodes.find((n) => n.op === "CumSum")!;
    await expect(onnx.importModel(fixturePath(expected.unsupported.file))).rejects.toThrow(
      `onnx.importModel: operator CumSum (node "${cumsum.name}") is not supported by deepscript's ONNX importer`,
    );
  });

  it("truncated files: a clear error at every cut, never a crash", () => {
    const bytes = fixtureBytes(expected.mlp.file);
    for (let cut = 1; cut < bytes.length; cut += 37) {
      expect(() => onnx.importModelBytes(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(/^onnx\.importModelBytes: /);
    }
    expect(() => onnx.importModelBytes(bytes.subarray(0, bytes.length - 100))).toThrow(/not a valid ONNX model .*truncated/);
  });

  it("garbage, empty and non-ONNX bytes", async () => {
    let seed = 12345;
    const noise = Uint8Array.from({ length: 2000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    expect(() => onnx.importModelBytes(noise)).toThrow(/^onnx\.importModelBytes: /);
    expect(() => onnx.importModelBytes(new Uint8Array(0))).toThrow("onnx.importModelBytes: the bytes are empty, not an ONNX model");
    expect(() => onnx.importModelBytes(new TextEncoder().encode('{"format": "json"}'))).toThrow(/^onnx\.importModelBytes: /);
    await expect(onnx.importModel(fixturePath("no-such-file.onnx"))).rejects.toThrow(/onnx\.importModel: cannot read ".*no-such-file\.onnx"/);
    expect(() => onnx.importModelBytes("model.onnx" as unknown as Uint8Array)).toThrow("onnx.importModelBytes: expected a file path (string), Uint8Array or ArrayBuffer, got string");
  });

  it("forward checks the inputs against the graph's declared types and shapes", async () => {
    const mlp = await onnx.importModel(fixturePath(expected.mlp.file));
    expect(() => mlp.call(tensor([[1, 2, 3]]))).toThrow('OnnxModule.forward: input "x" must have shape [batch,6], got [1,3]');
    expect(() => mlp.call()).toThrow("OnnxModule.forward: the graph takes 1 input (x [batch,6]), got 0");
    const emb = await onnx.importModel(fixturePath(expected.embedding.file));
    expect(() => emb.call(tensor([[1, 2, 3]]))).toThrow('OnnxModule.forward: input "x" has type INT64 in the graph and needs an int32 tensor, got dtype float32');
    expect(() => emb.call(tensor([[1, 2, 30]], { dtype: "int32" }))).toThrow(/OnnxModule\.forward: node "\/0\/Gather" \(Gather\): index 30 is out of range for axis 0 of size 12/);
  });
});
