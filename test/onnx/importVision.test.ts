// onnx.importModel on CNNs exported by PyTorch (torch.onnx.export): predictions, gradients and one SGD step
// equal PyTorch's (test/fixtures/onnx/make_onnx_fixtures.py); the fine-tuned graph is served by ONNX Runtime.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { nn, onnx, optim, tensor } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { expected, fixturePath, fromFlat, maxAbsDiff, type FixtureModel } from "./fixture.js";

/** Fixed weights for hand-written graphs (a deterministic pattern). */
const randnLike = (shape: number[]): Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.cos(i * 2.1 + 0.3)), { shape });
};

async function expectPredictionsMatch(fixture: FixtureModel): Promise<void> {
  const model = await onnx.importModel(fixturePath(fixture.file));
  expect(fixture.cases!.length).toBeGreaterThan(1);
  for (const c of fixture.cases!) {
    expect(maxAbsDiff(model.call(fromFlat(c.inputs[0]!)), c.output), `batch ${c.inputs[0]!.shape[0]}`).toBeLessThanOrEqual(1e-5);
  }
}

describe("onnx.importModel: CNNs exported by PyTorch predict as in PyTorch (within 1e-5)", () => {
  it("CNN at opset 20: Conv, BatchNormalization on 4-D, MaxPool (ceil mode), Pad (reflect), AveragePool, Resize (linear, nearest), ConvTranspose, DepthToSpace, GlobalAveragePool", async () => {
    expect(expected.cnn.opset).toBe(20);
    expect(expected.cnn.ops).toEqual(expect.arrayContaining([
      "Conv", "BatchNormalization", "MaxPool", "Pad", "AveragePool", "Resize", "ConvTranspose", "DepthToSpace", "GlobalAveragePool", "Gemm",
    ]));
    await expectPredictionsMatch(expected.cnn);
  });

  it("the same CNN at opset 13", async () => {
    expect(expected.cnn_opset13.opset).toBe(13);
    await expectPredictionsMatch(expected.cnn_opset13);
  });

  it("CNN at opset 9: Pad with its pads as attributes (reflect and constant), Upsample (Resize's predecessor), PixelShuffle as Reshape/Transpose", async () => {
    expect(expected.cnn_opset9.opset).toBe(9);
    expect(expected.cnn_opset9.ops).toEqual(expect.arrayContaining(["Pad", "Upsample", "ConvTranspose", "AveragePool"]));
    await expectPredictionsMatch(expected.cnn_opset9);
  });

  it("1-D CNN: Conv with auto_pad SAME_UPPER (an even kernel), InstanceNormalization, dilated MaxPool, BatchNormalization on 3-D", async () => {
    expect(expected.cnn1d.ops).toEqual(expect.arrayContaining(["Conv", "InstanceNormalization", "MaxPool", "BatchNormalization"]));
    await expectPredictionsMatch(expected.cnn1d);
  });
});

describe("onnx.importModel: an imported CNN fine-tunes", () => {
  it("parameters carry PyTorch's names; the batch norm's running statistics are buffers", async () => {
    const model = await onnx.importModel(fixturePath(expected.cnn.file));
    expect([...model.namedParameters()].map(([n]) => n).sort()).toEqual(Object.keys(expected.cnn.train.grads).sort());
    expect([...model.namedBuffers()].map(([n]) => n).sort()).toEqual(["2.running_mean", "2.running_var"]);
  });

  it("gradients of an MSE loss equal PyTorch's for every convolution, transposed convolution, norm and linear weight; one SGD step gives PyTorch's next predictions", async () => {
    const model = await onnx.importModel(fixturePath(expected.cnn.file));
    const { train } = expected.cnn;
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

  it("after the step, the graph exported again runs in ONNX Runtime with PyTorch's post-step predictions", async () => {
    const model = await onnx.importModel(fixturePath(expected.cnn.file));
    const { train } = expected.cnn;
    const x = fromFlat(train.input);
    nn.functional.mseLoss(model.call(x), fromFlat(train.target)).backward();
    new optim.SGD(model.parameters(), { lr: 0.1 }).step();
    const bytes = onnx.exportModelBytes(model, x, { inputNames: ["x"], outputNames: ["y"], dynamicAxes: { x: { 0: "batch" } } });
    const session = await ort.InferenceSession.create(bytes);
    const { y } = await session.run({ x: new ort.Tensor("float32", x.dataSync() as Float32Array, x.shape) });
    await session.release();
    expect(maxAbsDiff(tensor(y!.data as Float32Array, { shape: y!.dims.map(Number) }), train.outputAfterStep)).toBeLessThanOrEqual(1e-5);
  });
});

describe("onnx.importModel: a deepscript CNN exported and imported back", () => {
  it("predicts as the original, with the same parameter names", () => {
    const model = new nn.Sequential(
      new nn.Conv2d(2, 4, 3, { padding: "same", paddingMode: "replicate" }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      new nn.ConvTranspose2d(4, 4, 2, { stride: 2 }), new nn.AvgPool2d(2, { countIncludePad: false }), new nn.PixelShuffle(2), new nn.InstanceNorm2d(1),
      new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample({ size: [9, 11], mode: "bilinear", alignCorners: true }), new nn.Upsample([10, 13]),
      new nn.GroupNorm(1, 1), new nn.Flatten(), new nn.Linear(130, 2), // where every pixel lands matters
    ).eval();
    const x = fromFlat({ shape: [2, 2, 7, 6], data: Array.from({ length: 168 }, (_, i) => Math.sin(i * 0.7) * 2) });
    const back = onnx.importModelBytes(onnx.exportModelBytes(model, x, { opsetVersion: 18 }));
    expect(maxAbsDiff(back.call(x), model.call(x))).toBeLessThanOrEqual(1e-5);
    expect([...back.namedParameters()].map(([n]) => n).sort()).toEqual([...model.namedParameters()].map(([n]) => n).sort());
    // 1-D and 3-D windows, global max and average pooling
    const pools = new nn.Sequential(new nn.Conv1d(2, 3, 2, { padding: "same", dilation: 3 }), new nn.MaxPool1d(2), new nn.AvgPool1d(2, { ceilMode: true }), new nn.AdaptiveMaxPool1d(1));
    const x1 = fromFlat({ shape: [2, 2, 9], data: Array.from({ length: 36 }, (_, i) => Math.cos(i * 1.3)) });
    expect(maxAbsDiff(onnx.importModelBytes(onnx.exportModelBytes(pools, x1)).call(x1), pools.eval().call(x1))).toBeLessThanOrEqual(1e-5);
    const volume = new nn.Sequential(new nn.Conv3d(1, 2, 2, { padding: 1 }), new nn.MaxPool3d(2, { ceilMode: true }), new nn.AdaptiveAvgPool3d(1));
    const x3 = fromFlat({ shape: [1, 1, 3, 4, 5], data: Array.from({ length: 60 }, (_, i) => Math.sin(i * 0.9)) });
    expect(maxAbsDiff(onnx.importModelBytes(onnx.exportModelBytes(volume, x3)).call(x3), volume.eval().call(x3))).toBeLessThanOrEqual(1e-5);
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

describe("onnx.importModel: operators PyTorch's CNN exports do not use, against ONNX Runtime", () => {
  const x = fromFlat({ shape: [2, 8, 4, 6], data: Array.from({ length: 384 }, (_, i) => Math.sin(i * 0.37) * 3) });
  const int64 = (g: onnx.GraphBuilder, v: number[]) => g.int64(v);
  const cases: [string, (g: onnx.GraphBuilder, input: string) => string, number][] = [
    ["DepthToSpace DCR", (g, input) => g.node("DepthToSpace", [input], { blocksize: { i: 2 } }), 18],
    ["SpaceToDepth", (g, input) => g.node("SpaceToDepth", [input], { blocksize: { i: 2 } }), 18],
    ["Pad reflect on two axes (opset 18 axes input)", (g, input) => g.node("Pad", [input, int64(g, [1, 2, 3, 1]), "", int64(g, [2, 3])], { mode: { s: "reflect" } }), 18],
    ["Pad edge", (g, input) => g.node("Pad", [input, int64(g, [0, 1, 2, 1, 0, 0, 1, 3])], { mode: { s: "edge" } }), 13],
    ["Pad wrap", (g, input) => g.node("Pad", [input, int64(g, [0, 0, 2, 3, 0, 0, 1, 2])], { mode: { s: "wrap" } }), 19],
    ["Pad constant with a value and negative pads (crop)", (g, input) => g.node("Pad", [input, int64(g, [0, -2, 1, 0, 0, 1, -1, 2]), g.scalar(0.5, input)]), 13],
    ["MaxPool with pads larger than half the kernel", (g, input) => g.node("MaxPool", [input], { kernel_shape: { ints: [3, 3] }, pads: { ints: [2, 0, 1, 2] }, strides: { ints: [1, 2] } }), 13],
    ["Conv with SAME_LOWER", (g, input) => g.node("Conv", [input, g.constant(randnLike([3, 8, 2, 3]))], { auto_pad: { s: "SAME_LOWER" }, strides: { ints: [2, 1] } }), 13],
    ["ConvTranspose with uneven pads", (g, input) => g.node("ConvTranspose", [input, g.constant(randnLike([8, 2, 3, 3]))], { pads: { ints: [0, 1, 2, 0] }, strides: { ints: [2, 2] } }), 13],
    ["Resize linear, pytorch_half_pixel, an output of length 1", (g, input) => g.node("Resize", [input, "", "", int64(g, [2, 8, 1, 9])], { mode: { s: "linear" }, coordinate_transformation_mode: { s: "pytorch_half_pixel" } }), 13],
    ["Resize linear, half_pixel, an output of length 1", (g, input) => g.node("Resize", [input, "", "", int64(g, [2, 8, 1, 9])], { mode: { s: "linear" }, coordinate_transformation_mode: { s: "half_pixel" } }), 13],
    ["Resize nearest by sizes", (g, input) => g.node("Resize", [input, "", "", int64(g, [2, 8, 7, 13])], { mode: { s: "nearest" }, coordinate_transformation_mode: { s: "asymmetric" }, nearest_mode: { s: "floor" } }), 13],
  ];
  for (const [name, write, opset] of cases) {
    it(name, async () => {
      const bytes = handWritten(write, x, opset);
      // The graph declares the identity's output shape; ONNX Runtime's warning about the real one is expected.
      const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
      const { output } = await session.run({ input: new ort.Tensor("float32", x.dataSync() as Float32Array, x.shape) });
      await session.release();
      const want = tensor(output!.data as Float32Array, { shape: output!.dims.map(Number) });
      expect(maxAbsDiff(onnx.importModelBytes(bytes).call(x), want)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe("onnx.importModel: operator settings deepscript cannot evaluate give errors naming the node", () => {
  const oneNodeGraph = (write: (g: onnx.GraphBuilder, x: string) => string): Uint8Array => handWritten(write, x);
  const x = fromFlat({ shape: [1, 1, 2, 2], data: [1, 2, 3, 4] });

  it("Resize in cubic mode, MaxPool's Indices output, AveragePool with uneven pads, ConvTranspose with output_shape", () => {
    const cubic = onnx.importModelBytes(oneNodeGraph((g, input) => g.node("Resize", [input, "", g.constant(tensor([1, 1, 2, 2]))], { mode: { s: "cubic" } })));
    expect(() => cubic.call(x)).toThrow('OnnxModule.forward: node "/Resize" (Resize): mode "cubic" is not supported (nearest or linear)');
    const indices = onnx.importModelBytes(oneNodeGraph((g, input) => g.nodeOutputs("MaxPool", [input], { kernel_shape: { ints: [2, 2] } }, 2)[0]!));
    expect(() => indices.call(x)).toThrow('OnnxModule.forward: node "/MaxPool" (MaxPool): the Indices output is not supported (only the pooled values)');
    const uneven = onnx.importModelBytes(oneNodeGraph((g, input) => g.node("AveragePool", [input], { kernel_shape: { ints: [2, 2] }, pads: { ints: [0, 0, 1, 1] } })));
    expect(() => uneven.call(x)).toThrow(/node "\/AveragePool" \(AveragePool\): pads \[0, 0, 1, 1\] are not supported: AveragePool needs equal pads before and after/);
    const shaped = onnx.importModelBytes(oneNodeGraph((g, input) => g.node("ConvTranspose", [input, g.constant(tensor([[[[1]]]]))], { output_shape: { ints: [3, 3] } })));
    expect(() => shaped.call(x)).toThrow('OnnxModule.forward: node "/ConvTranspose" (ConvTranspose): the output_shape attribute is not supported (give pads and output_padding)');
  });
});
