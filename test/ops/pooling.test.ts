// Pooling, resampling and group/instance normalization (nn.functional forms) against PyTorch 2.x:
// forward values, max-pool indices, gradients of every input and updated running statistics.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { nn } from "../../src/index.js";
import { fromJson, maxRelErr, tol } from "../nn/fixture.js";
import { poolingRef } from "./poolingFixture.js";

type AnyFn = (...args: unknown[]) => Tensor | [Tensor, Tensor];
const F = ds.nn.functional as unknown as Record<string, AnyFn>;

describe(`nn.functional pooling and resampling equal PyTorch ${poolingRef.torch_version}`, () => {
  for (const c of poolingRef.ops) {
    it(c.name, () => {
      const xs = c.inputs.map((x) => fromJson(x, { requiresGrad: x.dtype !== "int32" }));
      const state = Object.fromEntries(Object.entries(c.stateOptions).map(([k, v]) => [k, fromJson(v)]));
      let options: Record<string, unknown> | undefined;
      if (c.options !== null) {
        options = { ...c.options, ...state };
        for (const [k, i] of Object.entries(c.tensorOptions)) options[k] = xs[i];
      }
      const out = F[c.fn]!(...xs.slice(0, c.nTensorArgs), ...c.args, ...(options === undefined ? [] : [options]));
      const [y, indices] = Array.isArray(out) ? out : [out, null];
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      if (c.indices) {
        expect(indices!.dtype).toBe("int32");
        expect(indices!.shape).toEqual(c.indices.shape);
        expect(indices!.toList()).toEqual(c.indices.data);
      } else {
        expect(indices).toBeNull();
      }
      y.backward(fromJson(c.gradOutput));
      c.gradInputs.forEach((g, i) => {
        if (g) expect(maxRelErr(xs[i]!.grad!, g), `gradient of input ${i}`).toBeLessThan(tol(g));
      });
      for (const [k, v] of Object.entries(c.stateAfter)) expect(maxRelErr(state[k]!, v), k).toBeLessThan(tol(v));
    });
  }
});

describe("the composites are differentiable to second order (gradcheck and gradgradcheck, float64)", () => {
  const gen = new ds.Generator(99);
  const f64 = (shape: number[]): Tensor => ds.randn(shape, { dtype: "float64", generator: gen }).requiresGrad_(true);
  const [, unpoolIndices] = nn.functional.maxPool2d(ds.randn([1, 2, 4, 6], { generator: gen }), 2, { returnIndices: true });
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ["interpolate nearest, scaleFactor 1.7", () => [f64([1, 2, 3, 2])], (x) => nn.functional.interpolate(x, { scaleFactor: 1.7 })],
    ["interpolate nearest, integer factor (broadcast path)", () => [f64([1, 1, 2, 3])], (x) => nn.functional.interpolate(x, { scaleFactor: [2, 3] })],
    ["interpolate nearest-exact, downsampling", () => [f64([1, 1, 5, 4])], (x) => nn.functional.interpolate(x, [3, 2], { mode: "nearest-exact" })],
    ["interpolate linear", () => [f64([2, 1, 4])], (x) => nn.functional.interpolate(x, { size: 7, mode: "linear" })],
    ["interpolate bilinear, alignCorners", () => [f64([1, 2, 3, 3])], (x) => nn.functional.interpolate(x, [5, 4], { mode: "bilinear", alignCorners: true })],
    ["interpolate trilinear", () => [f64([1, 1, 2, 2, 3])], (x) => nn.functional.interpolate(x, { scaleFactor: 1.5, mode: "trilinear" })],
    ["interpolate area", () => [f64([1, 1, 5, 7])], (x) => nn.functional.interpolate(x, [2, 3], { mode: "area" })],
    ["adaptiveAvgPool2d", () => [f64([2, 5, 7])], (x) => nn.functional.adaptiveAvgPool2d(x, [3, 4])],
    ["maxUnpool2d", () => [f64([1, 2, 2, 3])], (x) => nn.functional.maxUnpool2d(x, unpoolIndices, 2)],
    ["pixelShuffle ∘ pixelUnshuffle", () => [f64([1, 8, 2, 3])], (x) => nn.functional.pixelUnshuffle(nn.functional.pixelShuffle(x, 2).mul(x.sum()), 2)],
    ["groupNorm with weight and bias", () => [f64([2, 4, 3]), f64([4]), f64([4])], (x, w, b) => nn.functional.groupNorm(x, 2, { weight: w, bias: b })],
    ["instanceNorm", () => [f64([2, 2, 4])], (x) => nn.functional.instanceNorm(x)],
  ];
  for (const [name, inputs, fn] of cases) {
    it(`${name}: first order`, () => expect(ds.gradcheck(fn, inputs())).toBe(true));
    it(`${name}: second order`, () => expect(ds.gradgradcheck(fn, inputs())).toBe(true));
  }
});
