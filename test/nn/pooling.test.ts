// Pooling, normalization, upsampling and channel-dropout layers against PyTorch 2.x: printed form,
// state-dict keys, outputs and gradients over several training steps (BatchNorm's running statistics
// included), and the errors bad arguments get.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { nn } from "../../src/index.js";
import { fromJson, maxRelErr, tol } from "./fixture.js";
import { poolingRef } from "../ops/poolingFixture.js";

type AnyLayer = nn.Module<Tensor[], Tensor | [Tensor, Tensor]>;
type LayerClass = new (...args: unknown[]) => AnyLayer;

function build(kind: string, args: unknown[], options: Record<string, unknown>): AnyLayer {
  const Layer = (nn as unknown as Record<string, LayerClass>)[kind];
  if (!Layer) throw new Error(`unknown layer ${kind}`);
  return Object.keys(options).length > 0 ? new Layer(...args, options) : new Layer(...args);
}

describe(`nn layers equal PyTorch ${poolingRef.torch_version} (repr, state dict, outputs, gradients, running statistics)`, () => {
  for (const c of poolingRef.layers) {
    it(c.name, () => {
      const layer = build(c.kind, c.args, c.options);
      expect(String(layer)).toBe(c.repr);
      expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
      layer.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])));
      for (const [s, step] of c.steps.entries()) {
        layer.train(step.training);
        layer.zeroGrad();
        const xs = step.inputs.map((x) => fromJson(x, { requiresGrad: x.dtype !== "int32" }));
        const out = layer.call(...xs);
        const [y, indices] = Array.isArray(out) ? out : [out, null];
        expect(maxRelErr(y, step.output), `step ${s} output`).toBeLessThan(tol(step.output));
        if (step.indices) expect(indices!.toList(), `step ${s} indices`).toEqual(step.indices.data);
        else expect(indices).toBeNull();
        y.backward(fromJson(step.gradOutput));
        step.gradInputs.forEach((g, i) => {
          if (g) expect(maxRelErr(xs[i]!.grad!, g), `step ${s} gradient of input ${i}`).toBeLessThan(tol(g));
        });
        const params = Object.fromEntries(layer.namedParameters());
        expect(Object.keys(params).sort()).toEqual(Object.keys(step.gradParams).sort());
        for (const [name, g] of Object.entries(step.gradParams)) expect(maxRelErr(params[name]!.grad!, g), `step ${s} ${name}.grad`).toBeLessThan(tol(g));
      }
      const after = layer.stateDict();
      expect(Object.keys(after)).toEqual(Object.keys(c.stateAfter));
      for (const [k, v] of Object.entries(c.stateAfter)) expect(maxRelErr(after[k]!, v), k).toBeLessThan(tol(v));
    });
  }
});

describe("channel dropout", () => {
  const x = ds.ones([8, 16, 3, 3]);

  it("Dropout2d zeroes whole feature maps and scales the kept ones by 1/(1 − p)", () => {
    const y = new nn.Dropout2d(0.25, { generator: new ds.Generator(7) }).call(x);
    const maps = y.reshape(8 * 16, 9).toArray() as number[][];
    let dropped = 0;
    for (const m of maps) {
      const v = m[0]!;
      expect(v === 0 || Math.abs(v - 1 / 0.75) < 1e-6).toBe(true);
      expect(m.every((e) => e === v)).toBe(true); // one decision per (sample, channel)
      if (v === 0) dropped++;
    }
    // 128 Bernoulli(0.25) draws: mean 32, sd 4.9 — within 4 sd
    expect(Math.abs(dropped - 32)).toBeLessThan(20);
  });

  it("the same seed gives the same mask; evaluation mode is the identity", () => {
    const a = new nn.Dropout2d(0.5, { generator: new ds.Generator(3) }).call(x).toList();
    const b = new nn.Dropout2d(0.5, { generator: new ds.Generator(3) }).call(x).toList();
    expect(a).toEqual(b);
    const layer = new nn.Dropout2d(0.5);
    layer.eval();
    expect(layer.call(x)).toBe(x);
  });

  it("gradients flow through the kept channels only, scaled as the forward pass", () => {
    const xg = ds.randn([2, 4, 2, 2], { dtype: "float64", requiresGrad: true });
    const y = nn.functional.dropout2d(xg, { p: 0.5, generator: new ds.Generator(11) });
    y.sum().backward();
    const mask = ds.noGrad(() => y.div(xg)).toList();
    expect(xg.grad!.toList()).toEqual(mask);
  });

  it("Dropout1d takes (C, L) as one sample; Dropout3d takes (N, C, D, H, W)", () => {
    const y1 = new nn.Dropout1d(0.5, { generator: new ds.Generator(5) }).call(ds.ones([6, 4]));
    for (const row of y1.toArray() as number[][]) expect(new Set(row).size).toBe(1);
    const y3 = new nn.Dropout3d(0.5, { generator: new ds.Generator(5) }).call(ds.ones([2, 3, 2, 2, 2]));
    for (const vol of y3.reshape(6, 8).toArray() as number[][]) expect(new Set(vol).size).toBe(1);
  });

  it("rejects a probability outside [0, 1] and inputs of the wrong rank", () => {
    expect(() => new nn.Dropout2d(1.5)).toThrow(/Dropout2d: probability p must be in \[0, 1\], got 1.5/);
    expect(() => new nn.Dropout2d().call(ds.ones([4, 4]))).toThrow(/dropout2d: expected a 3-D \(N, C, L\) or 4-D \(N, C, H, W\) input, got shape \[4,4\]/);
    expect(() => new nn.Dropout1d().call(ds.ones([2, 3, 4, 5]))).toThrow(/dropout1d: expected a 2-D \(C, …\) or 3-D \(N, C, …\) input, got shape \[2,3,4,5\]/);
  });
});

describe("pooling layers compose", () => {
  it("MaxPool2d and AdaptiveAvgPool2d sit in a Sequential (Tensor → Tensor)", () => {
    const net = new nn.Sequential(new nn.MaxPool2d(2), new nn.AdaptiveAvgPool2d(1), new nn.Flatten());
    expect(net.call(ds.randn([2, 3, 8, 8])).shape).toEqual([2, 3]);
  });

  it("MaxUnpool2d puts each maximum back at its position, zeros elsewhere", () => {
    const x = ds.tensor([[[[1, 5, 2, 0], [3, 4, 8, 7], [9, 1, 2, 2], [0, 6, 3, 4]]]]);
    const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true }).call(x);
    expect(y.toArray()).toEqual([[[[5, 8], [9, 4]]]]);
    expect(idx.toArray()).toEqual([[[[1, 6], [8, 15]]]]);
    expect(new nn.MaxUnpool2d(2).call(y, idx).toArray()).toEqual([[[[0, 5, 0, 0], [0, 0, 8, 0], [9, 0, 0, 0], [0, 0, 0, 4]]]]);
  });
});

describe("bad arguments get errors that name the layer and the shapes", () => {
  const x4 = ds.randn([1, 1, 4, 4]);
  const cases: [string, () => unknown, RegExp][] = [
    ["kernel larger than the padded input", () => new nn.MaxPool2d(5).call(x4), /MaxPool2d: input \[1,1,4,4\] is too small: kernelSize \[5,5\] .*larger than the padded input/],
    ["kernel larger than the padded input (avg, 3-D)", () => new nn.AvgPool3d([2, 5, 2]).call(ds.randn([1, 2, 4, 4, 4])), /AvgPool3d: input \[1,2,4,4,4\] is too small/],
    ["dilated kernel larger than the input", () => nn.functional.maxPool1d(ds.randn([1, 5]), 3, { dilation: 3 }), /maxPool1d: input \[1,5\] is too small: kernelSize \[3\] \(dilation \[3\]\)/],
    ["padding more than half the kernel", () => new nn.MaxPool2d(3, { padding: 2 }).call(x4), /MaxPool2d: padding \[2,2\] must be at most half of kernelSize \[3,3\]/],
    ["padding more than half the kernel (avg)", () => nn.functional.avgPool2d(x4, [4, 2], { padding: [1, 2] }), /avgPool2d: padding \[1,2\] must be at most half of kernelSize \[4,2\].*input \[1,1,4,4\]/],
    ["zero stride", () => new nn.MaxPool2d(2, { stride: 0 }), /MaxPool2d: stride must be positive, got 0/],
    ["negative stride (functional)", () => nn.functional.avgPool1d(ds.randn([1, 2, 6]), 2, { stride: -1 }), /avgPool1d: stride must be positive, got -1/],
    ["zero dilation", () => nn.functional.maxPool2d(x4, 2, { dilation: [1, 0] }), /maxPool2d: dilation must be positive, got \[1,0\]/],
    ["zero kernel", () => new nn.AvgPool2d(0), /AvgPool2d: kernelSize must be positive, got 0/],
    ["kernel tuple of the wrong length", () => nn.functional.maxPool2d(x4, [2, 2, 2]), /maxPool2d: kernelSize must be an integer or a list of 1 or 2 integers/],
    ["divisorOverride 0", () => new nn.AvgPool2d(2, { divisorOverride: 0 }).call(x4), /AvgPool2d: divisorOverride must not be zero/],
    ["divisorOverride on 1-D (as PyTorch, not an option)", () => nn.functional.avgPool1d(ds.randn([1, 4]), 2, { divisorOverride: 2 } as never), /avgPool1d: unknown option "divisorOverride"/],
    ["misspelt option", () => new nn.MaxPool2d(2, { strides: 2 } as never), /MaxPool2d: unknown option "strides"/],
    ["wrong input rank (pool)", () => new nn.MaxPool2d(2).call(ds.randn([4, 4])), /MaxPool2d: expected a 3-D or 4-D input \(C, H, W\) or \(N, C, H, W\), got shape \[4,4\]/],
    ["wrong input rank (adaptive)", () => new nn.AdaptiveAvgPool2d(2).call(ds.randn([2, 3, 4, 4, 4])), /AdaptiveAvgPool2d: expected a 3-D or 4-D input .* got shape \[2,3,4,4,4\]/],
    ["empty pooled dim", () => nn.functional.maxPool2d(ds.randn([1, 2, 0, 4]), 2), /maxPool2d: input \[1,2,0,4\] has an empty channel or pooled dim/],
    ["integer input", () => nn.functional.avgPool2d(ds.ones([1, 1, 2, 2], { dtype: "int32" }), 2), /avgPool2d: input must be float32 or float64, got int32/],
    ["negative adaptive size", () => new nn.AdaptiveMaxPool2d([2, -1]), /AdaptiveMaxPool2d: outputSize must be non-negative, got \(2, -1\)/],
    ["wrong input rank (BatchNorm2d)", () => new nn.BatchNorm2d(3).call(ds.randn([2, 3, 4])), /BatchNorm2d: expected a 4-D input \(N, 3, H, W\), got \[2,3,4\]/],
    ["wrong channel count (BatchNorm3d)", () => new nn.BatchNorm3d(3).call(ds.randn([2, 4, 2, 2, 2])), /BatchNorm3d: expected a 5-D input \(N, 3, D, H, W\), got \[2,4,2,2,2\]/],
    ["wrong input rank (InstanceNorm2d)", () => new nn.InstanceNorm2d(3).call(ds.randn([2, 3])), /InstanceNorm2d: expected a 3-D or 4-D input \(C, H, W\) or \(N, C, H, W\), got \[2,3\]/],
    ["wrong channel count (InstanceNorm2d, affine)", () => new nn.InstanceNorm2d(3, { affine: true }).call(ds.randn([2, 4, 3, 3])), /InstanceNorm2d: expected 3 channels, got input \[2,4,3,3\]/],
    ["channels not divisible by groups (GroupNorm)", () => new nn.GroupNorm(4, 6), /GroupNorm: numChannels \(6\) must be divisible by numGroups \(4\)/],
    ["input channels differ (GroupNorm)", () => new nn.GroupNorm(2, 6).call(ds.randn([2, 4, 3])), /GroupNorm: expected an input \(N, 6, \*\) whose channels split into 2 groups, got \[2,4,3\]/],
    ["channels not divisible by groups (groupNorm)", () => nn.functional.groupNorm(ds.randn([2, 5, 3]), 2), /groupNorm: the 5 channels of input \[2,5,3\] cannot be split into 2 groups/],
    ["upscale factor not dividing the channels", () => new nn.PixelShuffle(2).call(ds.randn([1, 5, 2, 2])), /PixelShuffle: the channel dim of input \[1,5,2,2\] \(5\) must be divisible by upscaleFactor² = 4/],
    ["downscale factor not dividing the height", () => new nn.PixelUnshuffle(2).call(ds.randn([1, 1, 5, 4])), /PixelUnshuffle: the height and width of input \[1,1,5,4\] \(5, 4\) must be divisible by downscaleFactor 2/],
    ["non-positive upscale factor", () => new nn.PixelShuffle(0), /PixelShuffle: upscaleFactor must be positive, got 0/],
    ["pixelShuffle of a 2-D input", () => nn.functional.pixelShuffle(ds.randn([4, 4]), 2), /pixelShuffle: expected an input with at least 3 dims \(\*, C, H, W\), got \[4,4\]/],
    ["bilinear on a 3-D input", () => new nn.Upsample({ scaleFactor: 2, mode: "bilinear" }).call(ds.randn([1, 2, 4])), /Upsample: mode "bilinear" needs a 4-D input, got shape \[1,2,4\]/],
    ["both size and scaleFactor", () => nn.functional.interpolate(x4, { size: 8, scaleFactor: 2 }), /interpolate: give exactly one of size and scaleFactor, got both/],
    ["alignCorners with nearest", () => nn.functional.interpolate(x4, { scaleFactor: 2, alignCorners: true }), /interpolate: alignCorners can only be set with the interpolating modes/],
    ["size of the wrong length", () => nn.functional.interpolate(x4, [8, 8, 8]), /interpolate: size must be a number or a list of 2 numbers \(one per spatial dim of input \[1,1,4,4\]\), got \[8, 8, 8\]/],
    ["scale factor giving an empty output", () => nn.functional.interpolate(x4, { scaleFactor: 0.2 }), /interpolate: the output size \[0,0\] for input \[1,1,4,4\] must be positive/],
    ["unknown mode", () => nn.functional.interpolate(x4, { scaleFactor: 2, mode: "bicubic" as never }), /interpolate: unknown mode "bicubic"/],
    ["unpool output size out of range", () => nn.functional.maxUnpool2d(ds.randn([1, 1, 2, 2]), ds.zeros([1, 1, 2, 2], { dtype: "int32" }), 2, { outputSize: [6, 4] }), /maxUnpool2d: outputSize \[6,4\] is invalid: pooled dim 0 must be between 2 and 6 \(exclusive\)/],
    ["unpool index out of range", () => new nn.MaxUnpool2d(2).call(ds.randn([1, 1, 2, 2]), ds.full([1, 1, 2, 2], 16, { dtype: "int32" })), /MaxUnpool2d: index 16 is out of range for the unpooled plane of size \[4,4\] \(16 elements\)/],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
