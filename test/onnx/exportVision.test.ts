// onnx.exportModel for the convolution family: convolutions, pooling, 2-D/3-D norms, Upsample and PixelShuffle
// run in ONNX Runtime (onnxruntime-node) with deepscript's outputs, at the opsets the MLP tests cover.
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { Generator, Tensor, nn, noGrad, onnx, randn, tensor } from "../../src/index.js";
import { maxAbsDiff } from "./fixture.js";

const gen = new Generator(11);
const rnd = (shape: number[]): Tensor => randn(shape, { generator: gen });

/** Runs the bytes in ONNX Runtime on `x` (graph input "input") and returns output "output". */
async function runOrt(bytes: Uint8Array, x: Tensor): Promise<Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ input: new ort.Tensor("float32", x.contiguous().dataSync() as Float32Array, x.shape) });
  await session.release();
  const y = result.output!;
  return tensor(y.data as Float32Array, { shape: y.dims.map(Number) });
}

/** Exports `model` on `example` (dynamic batch unless the input is unbatched) and returns the worst |ORT − deepscript| on `input`. */
async function exportAndCompare(model: nn.AnyModule, example: Tensor, input: Tensor, opsetVersion: number, dynamicBatch = true): Promise<number> {
  const dynamicAxes = dynamicBatch ? { input: { 0: "batch" }, output: { 0: "batch" } } : undefined;
  const bytes = onnx.exportModelBytes(model, example, { opsetVersion, dynamicAxes });
  const got = await runOrt(bytes, input);
  model.eval();
  return maxAbsDiff(got, (model as nn.Module<[Tensor], Tensor>).call(input));
}

/** Overwrites a parameter (trained-looking values instead of the 1/0 initialization). */
const setTo = (p: Tensor, value: Tensor): void => void noGrad(() => p.copy_(value));

/** A BatchNorm2d/3d whose running statistics and affine parameters moved away from 0 and 1. */
function trained<B extends nn.BatchNorm>(bn: B, shape: number[]): B {
  bn.train();
  for (let i = 0; i < 3; i++) bn.call(rnd(shape).mul(2).add(0.5));
  setTo(bn.weight!, rnd([bn.numFeatures]).mul(0.3).add(1));
  setTo(bn.bias!, rnd([bn.numFeatures]).mul(0.2));
  return bn;
}

const OPSETS = [13, 17, 18, 20, 21];

describe("onnx.exportModel: convolution layers run in ONNX Runtime with deepscript's outputs (within 1e-5)", () => {
  for (const opset of OPSETS) {
    it(`a small CNN (Conv2d, BatchNorm2d, ReLU, MaxPool2d, "same" dilated Conv2d, Dropout2d, AvgPool2d, AdaptiveAvgPool2d(1), Flatten, Linear) at opset ${opset}, on another batch size`, async () => {
      const model = new nn.Sequential(
        new nn.Conv2d(3, 8, 3, { padding: 1 }), trained(new nn.BatchNorm2d(8), [4, 8, 6, 6]), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(8, 6, 3, { padding: "same", dilation: 2, bias: false }), new nn.Dropout2d(0.3), new nn.AvgPool2d(2, { stride: 1 }),
        new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(6, 4),
      );
      expect(await exportAndCompare(model, rnd([2, 3, 10, 12]), rnd([5, 3, 10, 12]), opset)).toBeLessThanOrEqual(1e-5);
    });
  }

  it("Conv1d and Conv3d: stride, asymmetric kernel, groups, 'valid' and 'same' padding (odd total: the extra zero at the end)", async () => {
    for (const opset of [13, 18]) {
      const conv1 = new nn.Sequential(new nn.Conv1d(4, 6, 3, { stride: 2, padding: 2, groups: 2 }), new nn.Conv1d(6, 5, 4, { padding: "same" }), new nn.Conv1d(5, 3, 2, { padding: "valid" }));
      expect(await exportAndCompare(conv1, rnd([2, 4, 17]), rnd([3, 4, 17]), opset)).toBeLessThanOrEqual(1e-5);
      const conv3 = new nn.Sequential(new nn.Conv3d(2, 4, [1, 2, 3], { stride: [1, 2, 1], padding: [0, 1, 1] }), new nn.Conv3d(4, 2, 2, { padding: "same", dilation: [1, 2, 1] }));
      expect(await exportAndCompare(conv3, rnd([1, 2, 3, 6, 5]), rnd([2, 2, 3, 6, 5]), opset)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("padding modes: reflect and replicate through a Pad node at every opset, circular from opset 19 (Pad's 'wrap')", async () => {
    for (const opset of OPSETS) {
      const model = new nn.Sequential(
        new nn.Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: "reflect" }), new nn.Conv2d(3, 3, 3, { padding: 1, paddingMode: "replicate" }),
        ...(opset >= 19 ? [new nn.Conv2d(3, 2, 3, { padding: "same", paddingMode: "circular" })] : []),
      );
      expect(await exportAndCompare(model, rnd([2, 2, 7, 8]), rnd([3, 2, 7, 8]), opset), `opset ${opset}`).toBeLessThanOrEqual(1e-5);
    }
    const conv1d = new nn.Conv1d(2, 2, 5, { padding: 2, paddingMode: "reflect" });
    expect(await exportAndCompare(conv1d, rnd([1, 2, 9]), rnd([4, 2, 9]), 13)).toBeLessThanOrEqual(1e-5);
  });

  it("ConvTranspose1d and ConvTranspose2d: stride, padding, outputPadding, dilation, groups", async () => {
    for (const opset of [13, 18, 21]) {
      const up1 = new nn.ConvTranspose1d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
      expect(await exportAndCompare(up1, rnd([2, 4, 7]), rnd([3, 4, 7]), opset)).toBeLessThanOrEqual(1e-5);
      const up2 = new nn.Sequential(
        new nn.ConvTranspose2d(3, 4, [3, 4], { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2] }),
        new nn.ConvTranspose2d(4, 2, 3, { dilation: 2, bias: false }),
      );
      expect(await exportAndCompare(up2, rnd([1, 3, 5, 4]), rnd([2, 3, 5, 4]), opset)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("MaxPool1d/2d with padding, dilation and ceilMode (a last partial window), AvgPool1d/2d with countIncludePad, ceilMode and divisorOverride", async () => {
    for (const opset of [13, 18, 21]) {
      const pools2d = [
        new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
        new nn.MaxPool2d([2, 3], { stride: [2, 1], dilation: [2, 1] }),
        new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
        new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
        new nn.AvgPool2d(2, { padding: 1, divisorOverride: 3 }),
        // rounding up would add a window starting in the right padding, which PyTorch drops
        new nn.MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }),
        new nn.AvgPool2d(2, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
      ];
      for (const pool of pools2d) {
        expect(await exportAndCompare(pool, rnd([2, 3, 8, 9]), rnd([3, 3, 8, 9]), opset), `${String(pool)} at opset ${opset}`).toBeLessThanOrEqual(1e-5);
      }
      const pools1d = [new nn.MaxPool1d(3, { stride: 2, ceilMode: true, dilation: 2 }), new nn.AvgPool1d(4, { stride: 3, padding: 2, countIncludePad: false, ceilMode: true }), new nn.AvgPool1d(3)];
      for (const pool of pools1d) {
        expect(await exportAndCompare(pool, rnd([2, 3, 12]), rnd([1, 3, 12]), opset), `${String(pool)} at opset ${opset}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it("3-D volumes: ConvTranspose3d, MaxPool3d, AvgPool3d, InstanceNorm3d, Dropout3d, AdaptiveMaxPool3d(1)", async () => {
    for (const opset of [13, 18]) {
      const model = new nn.Sequential(
        new nn.ConvTranspose3d(2, 3, 2, { stride: [1, 2, 2], outputPadding: [0, 1, 0] }), new nn.MaxPool3d(2, { stride: 1, padding: 1 }),
        new nn.AvgPool3d([1, 2, 2], { ceilMode: true }), new nn.InstanceNorm3d(3), new nn.Dropout3d(), new nn.AdaptiveMaxPool3d(1),
      );
      expect(await exportAndCompare(model, rnd([1, 2, 3, 4, 5]), rnd([2, 2, 3, 4, 5]), opset)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("AdaptiveAvgPool2d/AdaptiveMaxPool2d: output 1 is a global pooling (any input size), an output size that divides the input a fixed pooling", async () => {
    for (const opset of [13, 18]) {
      const global = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.AdaptiveMaxPool2d(1));
      const bytes = onnx.exportModelBytes(global, rnd([2, 2, 9, 9]), { opsetVersion: opset, dynamicAxes: { input: { 0: "batch", 2: "height", 3: "width" } } });
      const x = rnd([3, 2, 13, 7]);
      expect(maxAbsDiff(await runOrt(bytes, x), global.eval().call(x))).toBeLessThanOrEqual(1e-5);
      for (const pool of [new nn.AdaptiveAvgPool2d(1), new nn.AdaptiveAvgPool2d([2, 3]), new nn.AdaptiveMaxPool2d([null, 2]), new nn.AdaptiveAvgPool1d(4)]) {
        const shape = pool instanceof nn.AdaptiveAvgPool1d ? [2, 3, 12] : [2, 3, 8, 6];
        expect(await exportAndCompare(pool, rnd(shape), rnd([4, ...shape.slice(1)]), opset), String(pool)).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it("BatchNorm3d, InstanceNorm2d (with and without affine, with running statistics) and GroupNorm", async () => {
    for (const opset of [13, 18, 21]) {
      const bn3 = new nn.Sequential(new nn.Conv3d(2, 3, 2), trained(new nn.BatchNorm3d(3), [2, 3, 3, 3, 3]));
      expect(await exportAndCompare(bn3, rnd([1, 2, 4, 4, 4]), rnd([2, 2, 4, 4, 4]), opset)).toBeLessThanOrEqual(1e-5);
      const inorm = new nn.InstanceNorm2d(3, { affine: true });
      setTo(inorm.weight!, rnd([3]).add(1));
      setTo(inorm.bias!, rnd([3]));
      const tracked = new nn.InstanceNorm2d(3, { trackRunningStats: true });
      tracked.train();
      for (let i = 0; i < 3; i++) tracked.call(rnd([2, 3, 5, 5]).mul(3).add(1));
      const gn = new nn.GroupNorm(3, 6, { eps: 1e-3 });
      setTo(gn.weight!, rnd([6]).add(1));
      setTo(gn.bias!, rnd([6]));
      const norms = new nn.Sequential(inorm, new nn.InstanceNorm2d(3), tracked, new nn.GroupNorm(1, 3), new nn.Conv2d(3, 6, 1), gn);
      expect(await exportAndCompare(norms, rnd([2, 3, 5, 6]).mul(2), rnd([3, 3, 5, 6]).mul(2), opset)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("Upsample (nearest by scale and by size, nearest-exact, bilinear with and without alignCorners) and PixelShuffle (DepthToSpace CRD), PixelUnshuffle", async () => {
    for (const opset of [13, 18, 21]) {
      const model = new nn.Sequential(
        new nn.Conv2d(2, 8, 3, { padding: 1 }), new nn.PixelShuffle(2), new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample([20, 13]),
        new nn.Upsample({ scaleFactor: [1.5, 2], mode: "bilinear" }), new nn.UpsamplingBilinear2d({ scaleFactor: 2 }),
        new nn.Upsample({ size: [17, 30], mode: "nearest-exact" }), new nn.Conv2d(2, 2, 3, { stride: 2 }),
      );
      expect(await exportAndCompare(model, rnd([1, 2, 4, 5]), rnd([2, 2, 4, 5]), opset), `opset ${opset}`).toBeLessThanOrEqual(1e-5);
      // an output size of 1 reads PyTorch's half-pixel centre of the whole input (ONNX's half_pixel, not pytorch_half_pixel)
      const squash = new nn.Upsample({ size: [1, 7], mode: "bilinear" });
      expect(await exportAndCompare(squash, rnd([1, 2, 4, 5]), rnd([3, 2, 4, 5]), opset)).toBeLessThanOrEqual(1e-5);
      const pixels = new nn.Sequential(new nn.Upsample({ scaleFactor: 3 }), new nn.PixelShuffle(3), new nn.PixelUnshuffle(3), new nn.Conv2d(18, 4, 3));
      const x = rnd([2, 18, 3, 4]);
      expect(await exportAndCompare(pixels, x, x, opset)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("unbatched (C, H, W) inputs: Conv2d, MaxPool2d, InstanceNorm2d, AdaptiveAvgPool2d, PixelShuffle and ConvTranspose2d add and drop the batch dim", async () => {
    const tracked = new nn.InstanceNorm2d(8, { trackRunningStats: true, affine: true });
    tracked.train();
    tracked.call(rnd([2, 8, 3, 3]).add(1));
    const model = new nn.Sequential(
      new nn.Conv2d(3, 8, 3), new nn.MaxPool2d(2), new nn.InstanceNorm2d(8), tracked, new nn.AdaptiveAvgPool2d([2, 3]), new nn.PixelShuffle(2), new nn.PixelUnshuffle(2), new nn.PixelShuffle(2),
      new nn.ConvTranspose2d(2, 2, 2, { stride: 2 }),
    );
    const x = rnd([3, 10, 14]);
    expect(await exportAndCompare(model, x, x, 18, false)).toBeLessThanOrEqual(1e-5);
  });
});

describe("onnx.exportModel: convolution layers that ONNX cannot express give errors naming the module", () => {
  it("circular padding before opset 19", () => {
    const model = new nn.Sequential(new nn.Conv2d(2, 2, 3), new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: "circular" }));
    expect(() => onnx.exportModelBytes(model, rnd([1, 2, 8, 8]), { opsetVersion: 18 })).toThrow(
      'onnx.exportModelBytes: module "1" (Conv2d) has paddingMode "circular", which ONNX\'s Pad has (mode "wrap") only from opset 19; export with opsetVersion: 19 or later, got 18',
    );
  });

  it("an adaptive pooling whose output size does not divide the input", () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 2), new nn.AdaptiveAvgPool2d(3));
    expect(() => onnx.exportModelBytes(model, rnd([1, 1, 8, 8]))).toThrow(
      'onnx.exportModelBytes: module "1" (AdaptiveAvgPool2d) pools input size [7,7] to [3,3]; ONNX has no adaptive pooling, and 7 is not a multiple of 3',
    );
    const dynamic = new nn.AdaptiveMaxPool2d(2);
    expect(() => onnx.exportModelBytes(dynamic, rnd([1, 1, 8, 8]), { dynamicAxes: { input: { 2: "height" } } })).toThrow(
      /module \(the model\) \(AdaptiveMaxPool2d\) pools to output size 2 with fixed windows, but that size is dynamic \(height\)/,
    );
  });

  it("pooling with indices, batch norm without running statistics, Upsample in area mode", () => {
    expect(() => onnx.exportModelBytes(new nn.MaxPool2d(2, { returnIndices: true }), rnd([1, 1, 4, 4]))).toThrow(
      /module \(the model\) \(MaxPool2d\) returns indices \(returnIndices: true\)/,
    );
    expect(() => onnx.exportModelBytes(new nn.Sequential(new nn.BatchNorm2d(2, { trackRunningStats: false })), rnd([2, 2, 3, 3]))).toThrow(
      'onnx.exportModelBytes: module "0" (BatchNorm2d) keeps no running statistics',
    );
    expect(() => onnx.exportModelBytes(new nn.Upsample({ size: 2, mode: "area" }), rnd([1, 1, 4, 4]))).toThrow(/module \(the model\) \(Upsample\) has mode "area"/);
  });
});
