// onnx.exportModel: exported files run in ONNX Runtime (onnxruntime-node) with deepscript's outputs, at
// several opsets and with a dynamic batch axis; unsupported modules and bad options give clear errors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { Generator, Tensor, nn, onnx, randint, randn, tensor } from "../../src/index.js";
import type { DType } from "../../src/index.js";
import { decodeModel } from "../../src/onnx/proto.js";
import { maxAbsDiff } from "./fixture.js";

const gen = new Generator(7);
const rnd = (shape: number[], dtype: DType = "float32"): Tensor => randn(shape, { generator: gen, dtype });
const ids = (shape: number[], high: number): Tensor => randint(0, high, shape, { generator: gen, dtype: "int32" });

const ORT_TYPE: Record<string, ort.Tensor.Type> = { float32: "float32", float64: "float64", int32: "int32", bool: "bool" };

/** Runs an .onnx model in ONNX Runtime; returns its outputs by name as deepscript tensors. */
async function runOrt(model: Uint8Array | string, feeds: Record<string, Tensor>): Promise<{ outputs: Record<string, Tensor>; session: ort.InferenceSession }> {
  const session = await ort.InferenceSession.create(model as Uint8Array);
  const ortFeeds = Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(ORT_TYPE[t.dtype]!, t.contiguous().dataSync() as Float32Array, t.shape)]),
  );
  const result = await session.run(ortFeeds);
  const outputs = Object.fromEntries(
    Object.entries(result).map(([name, v]) => [name, tensor(v.data as Float32Array, { shape: v.dims.map(Number), dtype: v.type === "float64" ? "float64" : v.type === "int32" ? "int32" : "float32" })]),
  );
  await session.release();
  return { outputs, session };
}

/** A batch-norm layer whose running statistics moved away from 0 and 1 (a few training-mode batches). */
function trainedBatchNorm(features: number, shape: number[] = [8, features]): nn.BatchNorm1d {
  const bn = new nn.BatchNorm1d(features);
  for (let i = 0; i < 3; i++) bn.call(rnd(shape).mul(2).add(0.5));
  return bn;
}

/** Exports `model` on `example`, runs the file in ONNX Runtime on `input`, and returns the worst |ORT − deepscript|. */
async function exportAndCompare(model: nn.AnyModule, example: Tensor[], input: Tensor[], options: onnx.ExportOptions = {}): Promise<number> {
  const bytes = onnx.exportModelBytes(model, example, options);
  const names = options.inputNames ?? (input.length === 1 ? ["input"] : input.map((_, i) => `input_${i}`));
  const { outputs } = await runOrt(bytes, Object.fromEntries(names.map((n, i) => [n, input[i]!])));
  model.eval();
  const want = (model.forward as (...a: Tensor[]) => Tensor)(...input);
  const got = outputs[(options.outputNames ?? ["output"])[0]!]!;
  return maxAbsDiff(got, want);
}

const batchAxes = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { 0: "batch" }]));

describe("onnx.exportModel: ONNX Runtime reproduces deepscript's outputs (within 1e-5)", () => {
  const mlp = () => new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), trainedBatchNorm(16), new nn.Dropout(0.3), new nn.LayerNorm(16), new nn.Linear(16, 4));

  for (const opset of [13, 17, 18, 20, 21]) {
    it(`MLP (Linear, ReLU, BatchNorm1d, Dropout, LayerNorm) at opset ${opset}, run on another batch size than the example`, async () => {
      const model = mlp();
      const worst = await exportAndCompare(model, [rnd([4, 6])], [rnd([7, 6])], { opsetVersion: opset, dynamicAxes: batchAxes("input", "output") });
      expect(worst).toBeLessThanOrEqual(1e-5);
    });
  }

  it("the dynamic batch axis is a symbol in the graph's inputs, outputs and every intermediate value", async () => {
    const model = mlp();
    const bytes = onnx.exportModelBytes(model, rnd([4, 6]), { dynamicAxes: { input: { 0: "batch" } } });
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputMetadata[0]).toMatchObject({ name: "input", isTensor: true, shape: ["batch", 6] });
    expect(session.outputMetadata[0]).toMatchObject({ name: "output", isTensor: true, shape: ["batch", 4] });
    await session.release();
    const graph = decodeModel(bytes, "test").graph!;
    const shapes = graph.valueInfo.map((v) => v.type!.tensorType!.shape!.dim.map((d) => d.dimParam ?? d.dimValue));
    // Linear(6, 16), ReLU, BatchNorm1d, LayerNorm (16 features each) and the last Linear's output (renamed "output").
    expect(shapes).toEqual([["batch", 16], ["batch", 16], ["batch", 16], ["batch", 16]]);
    // Without dynamic axes every size is fixed, and another batch size is refused by ONNX Runtime.
    const fixed = await ort.InferenceSession.create(onnx.exportModelBytes(model, rnd([4, 6])));
    expect(fixed.inputMetadata[0]).toMatchObject({ shape: [4, 6] });
    await expect(fixed.run({ input: new ort.Tensor("float32", new Float32Array(42), [7, 6]) })).rejects.toThrow();
    await fixed.release();
  });

  it("MLP without affine norms and biases (constant scale/shift, Gemm without C)", async () => {
    const bn = new nn.BatchNorm1d(8, { affine: false });
    for (let i = 0; i < 2; i++) bn.call(rnd([6, 8]).add(1));
    const model = new nn.Sequential(new nn.Linear(5, 8, { bias: false }), bn, new nn.LayerNorm(8, { elementwiseAffine: false }), new nn.Tanh());
    for (const opset of [13, 18]) {
      expect(await exportAndCompare(model, [rnd([3, 5])], [rnd([9, 5])], { opsetVersion: opset, dynamicAxes: batchAxes("input") })).toBeLessThanOrEqual(1e-5);
    }
  });

  it("Embedding (Gather on int32 ids) + Flatten + Linear + LogSoftmax", async () => {
    const model = new nn.Sequential(new nn.Embedding(20, 8), new nn.Flatten(), new nn.Linear(24, 5), new nn.LogSoftmax(-1));
    const worst = await exportAndCompare(model, [ids([4, 3], 20)], [ids([11, 3], 20)], { dynamicAxes: batchAxes("input", "output") });
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  for (const opset of [13, 18, 20]) {
    it(`activations at opset ${opset}: LeakyReLU ELU SELU GELU (exact and tanh) SiLU Swish Softplus Hardtanh Sigmoid Tanh, Unflatten, Softmax, Flatten`, async () => {
      const model = new nn.Sequential(
        new nn.Linear(5, 8), new nn.LeakyReLU(0.1), new nn.ELU(0.5), new nn.SELU(), new nn.GELU(), new nn.GELU("tanh"), new nn.SiLU(),
        new nn.Swish(1.5), new nn.Softplus({ beta: 2, threshold: 0.5 }), new nn.Hardtanh(-0.7, 0.9), new nn.Sigmoid(), new nn.Tanh(),
        new nn.Unflatten(1, [2, 4]), new nn.Softmax(-1), new nn.Flatten(), new nn.Linear(8, 3), new nn.Softmax(1),
      );
      const worst = await exportAndCompare(model, [rnd([4, 5]).mul(3)], [rnd([6, 5]).mul(3)], { opsetVersion: opset, dynamicAxes: batchAxes("input") });
      expect(worst).toBeLessThanOrEqual(1e-5);
    });
  }

  it("3-D inputs: Linear as MatMul, BatchNorm1d over (N, C, L), LayerNorm over two dims, Flatten(0, 1), Identity", async () => {
    const model = new nn.Sequential(
      new nn.Linear(4, 6), trainedBatchNorm(5, [8, 5, 6]), new nn.LayerNorm([5, 6]), new nn.Identity(), new nn.Flatten(0, 1), new nn.Linear(6, 2),
    );
    for (const opset of [13, 18]) {
      const worst = await exportAndCompare(model, [rnd([3, 5, 4])], [rnd([8, 5, 4])], { opsetVersion: opset, dynamicAxes: batchAxes("input") });
      expect(worst).toBeLessThanOrEqual(1e-5);
    }
  });

  it("Bilinear with two inputs, both with a dynamic batch axis", async () => {
    const model = new nn.Bilinear(3, 4, 5);
    for (const opset of [13, 18]) {
      const options = { opsetVersion: opset, inputNames: ["a", "b"], outputNames: ["y"], dynamicAxes: batchAxes("a", "b") };
      const worst = await exportAndCompare(model, [rnd([2, 3]), rnd([2, 4])], [rnd([6, 3]), rnd([6, 4])], options);
      expect(worst).toBeLessThanOrEqual(1e-5);
    }
  });

  it("float64 models export as DOUBLE and agree to 1e-12", async () => {
    const model = new nn.Sequential(new nn.Linear(4, 6, { dtype: "float64" }), new nn.Tanh(), new nn.LayerNorm(6, { dtype: "float64" }), new nn.Linear(6, 2, { dtype: "float64" }));
    expect(await exportAndCompare(model, [rnd([3, 4], "float64")], [rnd([5, 4], "float64")], { dynamicAxes: batchAxes("input") })).toBeLessThanOrEqual(1e-12);
  });

  it("a custom module exports through registerModuleExporter, reusing its children's mappings", async () => {
    class Residual extends nn.Module {
      body = new nn.Sequential(new nn.Linear(4, 4), new nn.GELU());
      forward(x: Tensor): Tensor {
        return x.add(this.body.call(x));
      }
    }
    onnx.registerModuleExporter(Residual, (g, m, [x]) => g.node("Add", [x!, g.module(m.body, [x!], "body")[0]!]));
    const model = new nn.Sequential(new nn.Linear(3, 4), new Residual(), new nn.Linear(4, 2));
    expect(await exportAndCompare(model, [rnd([2, 3])], [rnd([5, 3])], { dynamicAxes: batchAxes("input") })).toBeLessThanOrEqual(1e-5);
    const init = decodeModel(onnx.exportModelBytes(model, rnd([2, 3])), "test").graph!.initializer.map((t) => t.name);
    expect(init).toEqual(["0.weight", "0.bias", "1.body.0.weight", "1.body.0.bias", "2.weight", "2.bias"]);
  });

  it("exportModel writes a file ONNX Runtime loads by path; the model's train/eval modes are restored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deepscript-onnx-"));
    try {
      const model = new nn.Sequential(new nn.Linear(3, 5), new nn.Dropout(0.5), new nn.ReLU(), new nn.Linear(5, 2));
      model.train();
      const path = join(dir, "model.onnx");
      await onnx.exportModel(model, rnd([2, 3]), path, { inputNames: ["x"], outputNames: ["y"], dynamicAxes: { x: [0], y: [0] } });
      expect([...model.modules()].every((m) => m.training)).toBe(true);
      const x = rnd([4, 3]);
      const { outputs, session } = await runOrt(path, { x });
      expect(session.inputMetadata[0]).toMatchObject({ shape: ["x_dynamic_axes_1", 3] });
      model.eval();
      expect(maxAbsDiff(outputs.y!, model.call(x))).toBeLessThanOrEqual(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("round trip: a deepscript export imports back with the same predictions and parameter names", () => {
    const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), trainedBatchNorm(8), new nn.LayerNorm(8), new nn.GELU(), new nn.Linear(8, 3));
    model.eval();
    const back = onnx.importModelBytes(onnx.exportModelBytes(model, rnd([2, 6]), { dynamicAxes: batchAxes("input") }));
    const x = rnd([5, 6]);
    expect(maxAbsDiff(back.call(x), model.call(x))).toBeLessThanOrEqual(1e-6);
    expect([...back.namedParameters()].map(([n]) => n)).toEqual([...model.namedParameters()].map(([n]) => n));
  });
});

describe("onnx.exportModel: bad input", () => {
  it("a module without a mapping is named by its path and class", () => {
    class Block extends nn.Module {
      fc = new nn.Linear(3, 3);
      forward(x: Tensor): Tensor {
        return this.fc.call(x).relu();
      }
    }
    const model = new nn.Sequential(new nn.Linear(3, 3), new Block());
    expect(() => onnx.exportModelBytes(model, rnd([2, 3]))).toThrow(
      'onnx.exportModelBytes: no ONNX mapping for module "1" (Block); deepscript exports its built-in layers and nn.Sequential',
    );
  });

  it("BatchNorm1d without running statistics", () => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4, { trackRunningStats: false }));
    expect(() => onnx.exportModelBytes(model, rnd([2, 3]))).toThrow('onnx.exportModelBytes: module "1" (BatchNorm1d) keeps no running statistics');
  });

  it("options and example inputs are checked", () => {
    const model = new nn.Linear(3, 2);
    const x = rnd([2, 3]);
    expect(() => onnx.exportModelBytes(model, x, { opsetVersion: 12 })).toThrow("onnx.exportModelBytes: opsetVersion must be an integer from 13 to 21, got 12");
    expect(() => onnx.exportModelBytes(model, x, { dynamic_axes: {} } as onnx.ExportOptions)).toThrow('onnx.exportModelBytes: unknown option "dynamic_axes"');
    expect(() => onnx.exportModelBytes(model, x, { dynamicAxes: { x: [0] } })).toThrow('onnx.exportModelBytes: dynamicAxes names "x", which is neither an input (input) nor an output (output)');
    expect(() => onnx.exportModelBytes(model, x, { dynamicAxes: { input: [2] } })).toThrow('dynamicAxes["input"] has axis 2, out of range for a value of rank 2');
    expect(() => onnx.exportModelBytes(model, x, { inputNames: ["a", "b"] })).toThrow("onnx.exportModelBytes: inputNames has 2 names for 1 example inputs");
    expect(() => onnx.exportModelBytes(model, [x, x])).toThrow("onnx.exportModelBytes: Linear.forward takes 1 input, got 2 example inputs");
    expect(() => onnx.exportModelBytes(model, rnd([2, 4]))).toThrow(/onnx\.exportModelBytes: model\.forward failed on exampleInputs of shapes \[2,4\]: linear: input \[2,4\]/);
    expect(() => onnx.exportModelBytes(model, [] as Tensor[])).toThrow("onnx.exportModelBytes: exampleInputs must be a Tensor or a non-empty array of Tensors");
    // A feature axis cannot be dynamic: Linear fails on the grown input, and the error says so.
    expect(() => onnx.exportModelBytes(model, x, { dynamicAxes: { input: [1] } })).toThrow(/failed on the inputs resized along the dynamic axes \(\[2,4\]\)/);
  });
});
