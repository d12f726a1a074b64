// Conv and ConvTranspose layers against PyTorch 2.x (test/fixtures/conv/make_conv_fixture.py): outputs,
// input and parameter gradients with PyTorch's state dict loaded, printed form, default-init bounds
// and fan-in, and errors for bad configurations and inputs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { fromJson, maxRelErr, tol, type TensorJson } from "./fixture.js";

const { nn } = ds;

interface ConvLayerCase {
  name: string;
  kind: string;
  args: unknown[];
  options: Record<string, unknown>;
  outputSize: number[] | null;
  state: Record<string, TensorJson>;
  input: TensorJson;
  output: TensorJson;
  gradOutput: TensorJson;
  gradInput: TensorJson;
  gradParams: Record<string, TensorJson>;
  repr: string;
}
interface InitCase {
  kind: string;
  args: unknown[];
  options: Record<string, unknown>;
  weightShape: number[];
  fanIn: number;
  weightBound: number;
  biasBound: number;
}
const ref: {
  torch_version: string;
  layers: ConvLayerCase[];
  reprs: { kind: string; args: unknown[]; options: Record<string, unknown>; repr: string }[];
  inits: InitCase[];
  errors: Record<string, { torch: string; input?: number[]; padding?: number }>;
} = JSON.parse(readFileSync(new URL("../fixtures/conv/conv_reference.json", import.meta.url), "utf8"));

type ConvModule = ds.nn.Conv2d | ds.nn.ConvTranspose2d;
const layers = nn as unknown as Record<string, new (...args: unknown[]) => ConvModule>;
const make = (kind: string, args: unknown[], options: Record<string, unknown>): ConvModule => new layers[kind]!(...args, options);

describe(`Conv layers equal PyTorch ${ref.torch_version}`, () => {
  for (const c of ref.layers) {
    it(`${c.name}: output, input and parameter gradients`, () => {
      const dtype = c.input.dtype;
      const m = make(c.kind, c.args, { ...c.options, dtype });
      const state: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.state)) state[k] = fromJson(v);
      m.loadStateDict(state);
      const x = fromJson(c.input, { requiresGrad: true });
      const y = c.outputSize ? (m as ds.nn.ConvTranspose2d).call(x, c.outputSize) : m.call(x);
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      y.backward(fromJson(c.gradOutput));
      expect(maxRelErr(x.grad!, c.gradInput)).toBeLessThan(tol(c.gradInput));
      const params = Object.fromEntries(m.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.gradParams).sort());
      for (const [k, g] of Object.entries(c.gradParams)) expect(maxRelErr(params[k]!.grad!, g), k).toBeLessThan(tol(g));
      expect(String(m)).toBe(c.repr);
    });
  }

  it("include reflect padding with stride + dilation + groups and transposed convolution with output padding, in both dtypes", () => {
    const names = ref.layers.map((c) => c.name);
    for (const dt of ["f64", "f32"]) {
      expect(names).toContain(`Conv2d reflect padding, stride + dilation + groups ${dt}`);
      expect(names).toContain(`ConvTranspose2d output padding, groups, dilation ${dt}`);
    }
  });

  it("print as PyTorch prints them", () => {
    for (const r of ref.reprs) expect(String(make(r.kind, r.args, r.options))).toBe(r.repr);
  });

  it("have PyTorch's state-dict keys and shapes", () => {
    const conv = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(Object.fromEntries(Object.entries(conv.stateDict()).map(([k, v]) => [k, v.shape]))).toEqual({ weight: [6, 2, 3, 2], bias: [6] });
    const up = new nn.ConvTranspose1d(4, 6, 3, { groups: 2, bias: false });
    expect(Object.fromEntries(Object.entries(up.stateDict()).map(([k, v]) => [k, v.shape]))).toEqual({ weight: [4, 3, 3] });
  });
});

describe("default initialization: kaiming_uniform(a=√5) weights and U(±1/√fanIn) biases, as PyTorch", () => {
  for (const c of ref.inits) {
    it(`${c.kind}(${c.args.join(", ")}${Object.keys(c.options).length ? `, ${JSON.stringify(c.options)}` : ""}): fanIn ${c.fanIn}`, () => {
      const m = make(c.kind, c.args, { ...c.options, generator: new ds.Generator(7) });
      expect(m.weight.shape).toEqual(c.weightShape);
      expect(nn.init.calculateFanInAndFanOut(m.weight).fanIn).toBe(c.fanIn);
      // PyTorch's bound for the weight (from its gain and fan-in) is 1/√fanIn, as is the bias bound.
      expect(c.weightBound).toBeCloseTo(1 / Math.sqrt(c.fanIn), 12);
      for (const [t, bound] of [[m.weight, c.weightBound], [m.bias!, c.biasBound]] as [Tensor, number][]) {
        const v = t.toList();
        const absMax = Math.max(...v.map(Math.abs));
        expect(absMax).toBeLessThanOrEqual(bound * (1 + 1e-7)); // float32 rounding of the bound
        // n draws of U(−b, b) all stay below (1 − q)·b with probability (1 − q)ⁿ < e^−15 for q = 15/n.
        expect(absMax).toBeGreaterThan(bound * (1 - 15 / v.length));
      }
      // The weight's standard deviation is b/√3 (standard error b/√(15n) for the sample deviation; 5 allowed).
      const w = m.weight.toList(), n = w.length;
      const mean = w.reduce((s, x) => s + x, 0) / n;
      const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
      expect(Math.abs(std - c.weightBound / Math.sqrt(3))).toBeLessThan((5 * c.weightBound) / Math.sqrt(15 * n));
    });
  }

  it("is seeded: the same generator seed gives the same weights", () => {
    const a = new nn.Conv2d(3, 4, 3, { generator: new ds.Generator(5) });
    const b = new nn.Conv2d(3, 4, 3, { generator: new ds.Generator(5) });
    expect(a.weight.toList()).toEqual(b.weight.toList());
    expect(a.bias!.toList()).toEqual(b.bias!.toList());
  });
});

describe("bad configurations and inputs get errors naming the layer and the shapes (PyTorch's message in the fixture)", () => {
  const E = ref.errors;
  it(`groups not dividing the channels (PyTorch: "${E.layerGroupsNotDividing!.torch}")`, () => {
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4 })).toThrow(/^Conv2d: outChannels \(6\) must be divisible by groups \(4\)/);
    expect(() => new nn.Conv2d(3, 6, 3, { groups: 2 })).toThrow(/^Conv2d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => new nn.ConvTranspose2d(3, 6, 3, { groups: 2 })).toThrow(/^ConvTranspose2d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => new nn.Conv1d(3, 6, 3, { groups: 0 })).toThrow(/^Conv1d: groups must be a positive integer, got 0/);
  });
  it(`reflect padding not smaller than the input (PyTorch: "${E.reflectTooLarge!.torch}")`, () => {
    const conv = new nn.Conv2d(1, 1, 3, { padding: E.reflectTooLarge!.padding, paddingMode: "reflect" });
    expect(() => conv.call(ds.zeros(E.reflectTooLarge!.input!))).toThrow(
      /^Conv2d: reflect padding \(4, 4\) must be smaller than the input size 4 in dimension 3 of input \[1,1,4,4\]/,
    );
    const circular = new nn.Conv1d(1, 1, 3, { padding: 5, paddingMode: "circular" });
    expect(() => circular.call(ds.zeros([1, 1, 4]))).toThrow(/^Conv1d: circular padding \(5, 5\) must be at most the input size 4 in dimension 2 of input \[1,1,4\]/);
  });
  it("wrong channel count and kernel larger than the input name the layer", () => {
    expect(() => new nn.Conv2d(3, 8, 5).call(ds.zeros([2, 4, 8, 8]))).toThrow(/^Conv2d: weight of shape \[8,3,5,5\] with groups=1 expects input \[2,4,8,8\] to have 3 channels, but got 4/);
    expect(() => new nn.Conv2d(3, 8, 5).call(ds.zeros([2, 3, 4, 4]))).toThrow(/^Conv2d: the padded input size per channel \(4 x 4\) of input \[2,3,4,4\] is smaller than the kernel size \(5 x 5\)/);
    expect(() => new nn.Conv2d(3, 8, 5, { paddingMode: "replicate", padding: 1 }).call(ds.zeros([2, 3, 2, 2]))).toThrow(/^Conv2d: the padded input size per channel \(4 x 4\) .*kernel size \(5 x 5\)/);
    expect(() => new nn.ConvTranspose2d(3, 8, 3).call(ds.zeros([1, 2, 4, 4]))).toThrow(/^ConvTranspose2d: weight of shape \[3,8,3,3\] expects input \[1,2,4,4\] to have 3 channels, but got 2/);
  });
  it(`non-positive stride or dilation, bad padding (PyTorch: "${E.zeroStride!.torch}", "${E.sameStrided!.torch}")`, () => {
    expect(() => new nn.Conv2d(1, 1, 3, { stride: 0 })).toThrow(/^Conv2d: stride must be positive, got \[0,0\]/);
    expect(() => new nn.Conv3d(1, 1, 3, { dilation: [1, 0, 1] })).toThrow(/^Conv3d: dilation must be positive, got \[1,0,1\]/);
    expect(() => new nn.ConvTranspose1d(1, 1, 3, { stride: -1 })).toThrow(/^ConvTranspose1d: stride must be positive, got \[-1\]/);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: "same", stride: 2 })).toThrow(/^Conv2d: padding='same' is not supported for strided convolutions/);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: "full" as never })).toThrow(/^Conv2d: invalid padding string 'full'/);
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: "mirror" as never })).toThrow(/^Conv2d: paddingMode must be one of/);
    expect(() => new nn.ConvTranspose2d(1, 1, 3, { paddingMode: "reflect" as never })).toThrow(/^ConvTranspose2d: only "zeros" padding mode is supported/);
    expect(() => new nn.Conv2d(1, 1, [3, 3, 3])).toThrow(/^Conv2d: kernelSize must be an integer or 2 integers/);
  });
  it("ConvTranspose forward(x, outputSize) refuses sizes the stride cannot reach", () => {
    const up = new nn.ConvTranspose1d(2, 3, 3, { stride: 3, padding: 1 });
    expect(up.call(ds.zeros([1, 2, 4]), [12]).shape).toEqual([1, 3, 12]);
    expect(() => up.call(ds.zeros([1, 2, 4]), [13])).toThrow(/^ConvTranspose1d: requested output size \[13\] is not reachable from input \[1,2,4\]: dim 0 must be between 10 and 12/);
  });
});

describe("Conv layers train", () => {
  it("a small CNN overfits a tiny batch (loss falls by 10x in 60 Adam steps)", () => {
    const g = new ds.Generator(0);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1, generator: g }), new nn.ReLU(),
      new nn.Conv2d(4, 4, 3, { stride: 2, groups: 2, paddingMode: "reflect", padding: 1, generator: g }), new nn.ReLU(),
      new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3, { generator: g }),
    );
    const x = ds.randn([6, 1, 8, 8], { generator: g });
    const y = ds.tensor(Int32Array.from([0, 1, 2, 0, 1, 2]), { dtype: "int32" });
    const opt = new ds.optim.Adam(model.parameters(), { lr: 0.03 });
    const lossAt = (): Tensor => nn.functional.crossEntropy(model.call(x), y);
    const first = lossAt().item();
    for (let i = 0; i < 60; i++) {
      opt.zeroGrad();
      const loss = lossAt();
      loss.backward();
      opt.step();
    }
    expect(lossAt().item()).toBeLessThan(first / 10);
  });
});
