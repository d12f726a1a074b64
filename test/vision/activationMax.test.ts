// Activation maximization: with the regularizers off and a unit linear in the input, gradient ascent on
// a(x) − λ/2·‖x‖² has the closed-form optimum x* = ∇a/λ; ∇a is worked out here from the weights by
// hand (a Linear row; a convolution channel's spatial mean), not by the library's autograd.
import { describe, expect, it } from "vitest";
import * as nn from "../../src/nn/index.js";
import { Generator } from "../../src/random/Generator.js";
import { activationMaximization } from "../../src/vision/activationMax.js";

describe("activationMaximization", () => {
  it("converges to w/λ for a class score of a linear model", () => {
    const model = new nn.Linear(6, 3, { dtype: "float64", generator: new Generator(1) });
    const w = model.weight.toArray() as number[][];
    const lambda = 0.5;
    const { image, activation, history } = activationMaximization(model, { inputShape: [6], unit: 1, l2: lambda, lr: 0.5, steps: 200 });
    const expected = w[1]!.map((v) => v / lambda);
    const got = (image.toArray() as number[][])[0]!;
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
    // a(x*) = w·w/λ + b
    const b = (model.bias!.toArray() as number[])[1]!;
    expect(activation).toBeCloseTo(w[1]!.reduce((s, v) => s + v * v, 0) / lambda + b, 10);
    expect(history.length).toBe(200);
    expect(history[199]!).toBeGreaterThan(history[0]!);
  });

  it("maximizes the spatial mean of one channel of an inner layer (forward hook)", () => {
    const g = new Generator(2);
    const conv = new nn.Conv2d(2, 3, 3, { dtype: "float64", generator: g });
    const model = new nn.Sequential(conv, new nn.ReLU(), new nn.Flatten(), new nn.Linear(3 * 3 * 4, 2, { dtype: "float64", generator: g }));
    const lambda = 0.25, c = 2, H = 5, W = 6, oH = 3, oW = 4;
    const weight = conv.weight.toArray() as number[][][][];
    // ∂/∂x[ci, i, j] of mean_{oh, ow} conv(x)[c, oh, ow] = Σ over output positions covering (i, j) of w[c, ci, i − oh, j − ow] / (oH·oW)
    const expected: number[] = [];
    for (let ci = 0; ci < 2; ci++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          let s = 0;
          for (let oh = 0; oh < oH; oh++)
            for (let ow = 0; ow < oW; ow++) {
              const ki = i - oh, kj = j - ow;
              if (ki >= 0 && ki < 3 && kj >= 0 && kj < 3) s += weight[c]![ci]![ki]![kj]!;
            }
          expected.push(s / (oH * oW) / lambda);
        }
    const { image } = activationMaximization(model, { inputShape: [2, H, W], unit: c, layer: conv, l2: lambda, lr: 1, steps: 120 });
    expect(image.shape).toEqual([1, 2, H, W]);
    const got = Array.from(image.dataSync());
    got.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 9));
  });

  it("with jitter, blur and clamping: raises the unit, smooths the image, stays in range; same seed, same image", () => {
    const make = () => {
      const g = new Generator(3);
      return new nn.Sequential(new nn.Conv2d(1, 4, 3, { generator: g }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 5 * 5, 3, { generator: g }));
    };
    const opts = { inputShape: [1, 12, 12], unit: 2, steps: 40, lr: 0.5, l2: 0.05, jitter: 2, blurEvery: 4, blurSigma: 0.6, clamp: [-1, 1] as const };
    const a = activationMaximization(make(), { ...opts, generator: new Generator(7) });
    const b = activationMaximization(make(), { ...opts, generator: new Generator(7) });
    expect(Array.from(a.image.dataSync())).toEqual(Array.from(b.image.dataSync()));
    const start = activationMaximization(make(), { ...opts, steps: 0 }).activation;
    expect(a.activation).toBeGreaterThan(start);
    for (const v of a.image.dataSync()) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    // Total variation: the blurred ascent gives a smoother image than the plain one.
    const tv = (x: number[]) => {
      let s = 0;
      for (let i = 0; i < 12; i++) for (let j = 0; j < 11; j++) s += Math.abs(x[i * 12 + j + 1]! - x[i * 12 + j]!) + Math.abs(x[j * 12 + 12 + i]! - x[j * 12 + i]!);
      return s;
    };
    const sharp = activationMaximization(make(), { ...opts, blurEvery: 0, jitter: 0 });
    const smooth = activationMaximization(make(), { ...opts, jitter: 0 });
    expect(tv(Array.from(smooth.image.dataSync()))).toBeLessThan(0.8 * tv(Array.from(sharp.image.dataSync())));
  });

  it("rejects bad input with the operation's name", () => {
    const model = new nn.Linear(4, 2);
    expect(() => activationMaximization(model, { inputShape: [4], unit: 5 })).toThrow(/activationMaximization: unit 5 is out of range for an output of shape \[1,\s?2\]/);
    expect(() => activationMaximization(model, { inputShape: [0], unit: 0 })).toThrow(/activationMaximization: inputShape/);
    expect(() => activationMaximization(model, { inputShape: [4], unit: 0, jitter: 1 })).toThrow(/jitter and blur need an image inputShape/);
    expect(() => activationMaximization({} as never, { inputShape: [4], unit: 0 })).toThrow(/activationMaximization: model must be an nn.Module/);
  });
});
