// nn.functional's convolutions against PyTorch 2.x (test/fixtures/conv/make_conv_fixture.py): forward
// values and the gradients of every input, float64 at 1e-10 and float32 at 1e-5; toeplitz2d against
// PyTorch's conv2d; bad input named in the errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { fromJson, maxRelErr, tol, type TensorJson } from "../nn/fixture.js";

const F = ds.nn.functional;

interface FunctionalCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  kernelSize?: number | number[];
  outputSize?: number | number[];
  inputs: TensorJson[];
  output: TensorJson;
  gradOutput: TensorJson;
  gradInputs: TensorJson[];
}
interface ErrorCase {
  torch: string;
  input?: number[];
  weight?: number[];
  [key: string]: unknown;
}
export const convRef: {
  torch_version: string;
  functional: FunctionalCase[];
  errors: Record<string, ErrorCase>;
  toeplitz: { options: Record<string, unknown>; input: TensorJson; weight: TensorJson; output: TensorJson }[];
} = JSON.parse(readFileSync(new URL("../fixtures/conv/conv_reference.json", import.meta.url), "utf8"));

/** PyTorch's snake_case function name → deepscript's. */
const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function run(c: FunctionalCase, xs: Tensor[]): Tensor {
  switch (c.fn) {
    case "unfold":
      return F.unfold(xs[0]!, c.kernelSize!, c.options);
    case "fold":
      return F.fold(xs[0]!, c.outputSize!, c.kernelSize!, c.options);
    default: {
      const fn = (F as unknown as Record<string, (x: Tensor, w: Tensor, b: Tensor | null, o: unknown) => Tensor>)[camel(c.fn)];
      if (!fn) throw new Error(`no function ${camel(c.fn)}`);
      return fn(xs[0]!, xs[1]!, xs[2] ?? null, c.options);
    }
  }
}

describe(`nn.functional convolutions equal PyTorch ${convRef.torch_version}`, () => {
  for (const c of convRef.functional) {
    it(`${c.name}: output and gradients of every input`, () => {
      const xs = c.inputs.map((t) => fromJson(t, { requiresGrad: true }));
      const y = run(c, xs);
      expect(y.dtype).toBe(c.output.dtype);
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      y.backward(fromJson(c.gradOutput));
      c.gradInputs.forEach((g, i) => expect(maxRelErr(xs[i]!.grad!, g), `gradient of input ${i}`).toBeLessThan(tol(g)));
    });
  }

  it("covers the acceptance cases: stride + dilation + groups, transposed with output padding, both dtypes", () => {
    const names = convRef.functional.map((c) => c.name);
    for (const dt of ["f64", "f32"]) {
      expect(names).toContain(`conv2d stride+dilation+groups ${dt}`);
      expect(names).toContain(`conv_transpose2d stride 2 padding 1 output padding 1 groups 2 ${dt}`);
    }
  });

  it("unfold copies: an infinite or NaN pixel appears only where PyTorch's unfold puts it", () => {
    const x = ds.tensor([[[[1, Infinity, 2], [NaN, 3, 4]]]]); // (1, 1, 2, 3)
    expect(F.unfold(x, [1, 2]).toArray()).toEqual([[[1, Infinity, NaN, 3], [Infinity, 2, 3, 4]]]);
    expect(F.fold(F.unfold(x, 1), [2, 3], 1).toList()).toEqual(x.toList());
  });

  it("unfold then fold multiplies each pixel by the number of blocks covering it (PyTorch's documented identity)", () => {
    const x = ds.randn([2, 3, 5, 6], { dtype: "float64", generator: new ds.Generator(3) });
    const opts = { padding: 1, stride: [1, 2] };
    const cols = F.unfold(x, [3, 2], opts);
    const divisor = F.fold(F.unfold(ds.onesLike(x), [3, 2], opts), [5, 6], [3, 2], opts);
    const back = F.fold(cols, [5, 6], [3, 2], opts);
    expect(back.sub(x.mul(divisor)).abs().max().item()).toBeLessThan(1e-12);
  });
});

describe("toeplitz2d: matmul with the doubly-block Toeplitz matrix equals PyTorch's conv2d", () => {
  for (const c of convRef.toeplitz) {
    it(`options ${JSON.stringify(c.options)}`, () => {
      const x = fromJson(c.input), w = fromJson(c.weight);
      const T = F.toeplitz2d(w, x.shape, c.options);
      expect(T.shape).toEqual([c.output.data.length, x.size]);
      const y = T.matmul(x.reshape(-1)).reshape(c.output.shape);
      expect(maxRelErr(y, c.output)).toBeLessThan(1e-10);
    });
  }

  it("is block Toeplitz for stride 1: entry (row, col) depends only on the offset of the pixels it joins", () => {
    const w = ds.tensor([[[[1, 2], [3, 4]]]], { dtype: "float64" });
    const T = F.toeplitz2d(w, [3, 3]); // (2·2, 3·3)
    expect(T.toArray()).toEqual([
      [1, 2, 0, 3, 4, 0, 0, 0, 0],
      [0, 1, 2, 0, 3, 4, 0, 0, 0],
      [0, 0, 0, 1, 2, 0, 3, 4, 0],
      [0, 0, 0, 0, 1, 2, 0, 3, 4],
    ]);
  });

  it("is differentiable in the weight: the gradient of Σ T·x equals conv2d's weight gradient", () => {
    const c = convRef.toeplitz[0]!;
    const x = fromJson(c.input);
    const w1 = fromJson(c.weight, { requiresGrad: true }), w2 = fromJson(c.weight, { requiresGrad: true });
    F.toeplitz2d(w1, x.shape, c.options).matmul(x.reshape(-1)).sum().backward();
    F.conv2d(x, w2, null, c.options).sum().backward();
    expect(w1.grad!.sub(w2.grad!).abs().max().item()).toBeLessThan(1e-10);
  });
});

describe("bad input gets an error naming the function and the shapes (PyTorch's message in the fixture)", () => {
  const E = convRef.errors;
  const zeros = (shape: number[]): Tensor => ds.zeros(shape);
  it(`wrong channel count (PyTorch: "${E.wrongChannels!.torch}")`, () => {
    expect(() => F.conv2d(zeros(E.wrongChannels!.input!), zeros(E.wrongChannels!.weight!))).toThrow(
      /^conv2d: .*\[16,3,5,5\].*groups=1.*\[1,4,8,8\].*3 channels.*got 4/,
    );
  });
  it(`kernel larger than the padded input (PyTorch: "${E.kernelTooLarge!.torch}")`, () => {
    expect(() => F.conv2d(zeros(E.kernelTooLarge!.input!), zeros(E.kernelTooLarge!.weight!))).toThrow(/^conv2d: .*\(4 x 4\).*\[1,3,4,4\].*kernel size \(5 x 5\)/);
    const d = E.kernelTooLargeDilated!;
    expect(() => F.conv2d(zeros(d.input!), zeros(d.weight!), null, { dilation: 3, padding: 1 })).toThrow(/^conv2d: .*\(6 x 6\).*\(3 x 3\).*dilation \(3 x 3\): \(7 x 7\)/);
  });
  it(`non-positive stride or dilation (PyTorch: "${E.zeroStride!.torch}", "${E.zeroDilation!.torch}")`, () => {
    const x = zeros([1, 3, 8, 8]), w = zeros([8, 3, 3, 3]);
    expect(() => F.conv2d(x, w, null, { stride: 0 })).toThrow(/^conv2d: stride must be positive, got \[0,0\]/);
    expect(() => F.conv2d(x, w, null, { dilation: [1, -1] })).toThrow(/^conv2d: dilation must be positive, got \[1,-1\]/);
    expect(() => F.convTranspose2d(x, zeros([3, 2, 3, 3]), null, { stride: [0, 1] })).toThrow(/^convTranspose2d: stride must be positive/);
    expect(() => F.unfold(x, 3, { stride: 0 })).toThrow(/^unfold: stride must be positive/);
  });
  it(`groups not dividing the channels (PyTorch: "${E.groupsNotDividing!.torch}")`, () => {
    const g = E.groupsNotDividing!;
    expect(() => F.conv2d(zeros(g.input!), zeros(g.weight!), null, { groups: 2 })).toThrow(/^conv2d: weight of shape \[3,2,3,3\] has 3 output channels, which groups=2 does not divide/);
    expect(() => F.conv2d(zeros([1, 4, 8, 8]), zeros([4, 4, 3, 3]), null, { groups: 2 })).toThrow(/^conv2d: .*groups=2 expects input \[1,4,8,8\] to have 8 channels, but got 4/);
    expect(() => F.conv2d(zeros([1, 4, 8, 8]), zeros([4, 2, 3, 3]), null, { groups: 0 })).toThrow(/^conv2d: groups must be a positive integer, got 0/);
  });
  it(`transposed convolution: output padding at least stride and dilation (PyTorch: "${E.transposeOutputPadding!.torch}")`, () => {
    expect(() => F.convTranspose2d(zeros([1, 2, 3, 3]), zeros([2, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(
      /^convTranspose2d: outputPadding \[2,2\] must be smaller than either stride \[2,2\] or dilation \[1,1\]/,
    );
  });
  it("other argument errors name the function", () => {
    expect(() => F.conv2d(zeros([8, 8]), zeros([1, 1, 3, 3]))).toThrow(/^conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got input of shape \[8,8\]/);
    expect(() => F.conv1d(zeros([1, 1, 8]), zeros([1, 1, 3, 3]))).toThrow(/^conv1d: expected a 3-D weight/);
    expect(() => F.conv2d(zeros([1, 1, 8, 8]), zeros([1, 1, 3, 3]), null, { padding: "same", stride: 2 })).toThrow(/^conv2d: padding="same" is not supported for strided convolutions/);
    expect(() => F.conv2d(zeros([1, 1, 8, 8]), zeros([1, 1, 3, 3]), null, { padding: "full" as never })).toThrow(/^conv2d: padding must be .*"full"/);
    expect(() => F.conv2d(zeros([1, 1, 8, 8]), zeros([1, 1, 3, 3]), null, { stride: 1.5 })).toThrow(/^conv2d: stride must be an integer or 2 integers, got 1.5/);
    expect(() => F.conv2d(zeros([1, 1, 8, 8]), zeros([1, 1, 3, 3]), zeros([2]))).toThrow(/^conv2d: bias of shape \[2\] does not match the 1 output channels/);
    expect(() => F.conv2d(zeros([1, 1, 8, 8]), ds.zeros([1, 1, 3, 3], { dtype: "float64" }))).toThrow(/^conv2d: input \(float32\) and weight \(float64\)/);
    expect(() => F.fold(zeros([1, 12, 8]), [4, 4], 2)).toThrow(/^fold: outputSize \(4 x 4\), kernel \(2 x 2\).* 3 \* 3 = 9 blocks, but input \[1,12,8\] has 8/);
    expect(() => F.fold(zeros([1, 10, 9]), [4, 4], 2)).toThrow(/^fold: input \[1,10,9\] must have a dimension 1 divisible by the 4 kernel taps/);
    expect(() => F.unfold(zeros([1, 1, 2, 2]), 3)).toThrow(/^unfold: kernel \(3 x 3\).*\(2 x 2\) of input \[1,1,2,2\]/);
  });
});

describe("pad", () => {
  it("circular mode wraps around (torch.nn.functional.pad(x, (2, 1), 'circular'))", () => {
    const x = ds.tensor([[[1, 2, 3]]]);
    expect(ds.pad(x, [2, 1], { mode: "circular" }).toArray()).toEqual([[[2, 3, 1, 2, 3, 1]]]);
    expect(() => ds.pad(x, [4, 0], { mode: "circular" })).toThrow(/^pad: circular padding \(4, 0\) must be at most the dimension size 3/);
  });
});
