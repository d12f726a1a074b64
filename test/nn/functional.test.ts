import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { tensor, linspace } from "../../src/ops/creation.js";
import * as F from "../../src/nn/functional/index.js";
import * as nn from "../../src/nn/index.js";
import { fromJson, maxRelErr, nnRef, tol, type TensorJson } from "./fixture.js";

function activation(fn: string, args: (number | string)[]): (x: Tensor) => Tensor {
  switch (fn) {
    case "sigmoid": return F.sigmoid;
    case "tanh": return F.tanh;
    case "relu": return F.relu;
    case "leakyRelu": return (x) => F.leakyRelu(x, args[0] as number);
    case "elu": return (x) => F.elu(x, args[0] as number);
    case "selu": return F.selu;
    case "gelu": return (x) => F.gelu(x, { approximate: args[0] as "none" | "tanh" });
    case "silu": return (x) => F.silu(x, args[0] as number);
    case "softplus": return (x) => F.softplus(x, { beta: args[0] as number, threshold: args[1] as number });
    case "hardtanh": return (x) => F.hardtanh(x, args[0] as number, args[1] as number);
    case "softmax": return (x) => F.softmax(x, args[0] as number);
    case "logSoftmax": return (x) => F.logSoftmax(x, args[0] as number);
  }
  throw new Error(`unknown activation ${fn}`);
}

function lossOptions(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v !== null && typeof v === "object" ? fromJson(v as TensorJson) : v]));
}

function loss(fn: string, inputs: Tensor[], options: Record<string, unknown>): Tensor {
  const [a, b, c] = inputs as [Tensor, Tensor, Tensor];
  switch (fn) {
    case "mseLoss": return F.mseLoss(a, b, options);
    case "l1Loss": return F.l1Loss(a, b, options);
    case "lpLoss": return F.lpLoss(a, b, options);
    case "huberLoss": return F.huberLoss(a, b, options);
    case "smoothL1Loss": return F.smoothL1Loss(a, b, options);
    case "binaryCrossEntropy": return F.binaryCrossEntropy(a, b, options);
    case "binaryCrossEntropyWithLogits": return F.binaryCrossEntropyWithLogits(a, b, options);
    case "crossEntropy": return F.crossEntropy(a, b, options);
    case "nllLoss": return F.nllLoss(a, b, options);
    case "klDiv": return F.klDiv(a, b, options);
    case "hingeEmbeddingLoss": return F.hingeEmbeddingLoss(a, b, options);
    case "multiMarginLoss": return F.multiMarginLoss(a, b, options);
    case "marginRankingLoss": return F.marginRankingLoss(a, b, c, options);
  }
  throw new Error(`unknown loss ${fn}`);
}

describe("nn.functional activations equal PyTorch 1.13 (value and gradient)", () => {
  for (const c of nnRef.activations) {
    it(c.name, () => {
      const x = fromJson(c.input, { requiresGrad: true });
      const y = activation(c.fn, c.args)(x);
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      y.backward(fromJson(c.gradOutput));
      expect(maxRelErr(x.grad!, c.gradInput)).toBeLessThan(tol(c.gradInput));
    });
  }
});

describe("nn.functional losses equal PyTorch 1.13 (value and gradient)", () => {
  for (const c of nnRef.losses) {
    it(c.name, () => {
      const xs = c.inputs.map((x, i) => fromJson(x, { requiresGrad: c.gradInputs[i] !== null }));
      const y = loss(c.fn, xs, lossOptions(c.options));
      expect(maxRelErr(y, c.output)).toBeLessThan(tol(c.output));
      y.backward(fromJson(c.gradOutput));
      c.gradInputs.forEach((g, i) => {
        if (g) expect(maxRelErr(xs[i]!.grad!, g)).toBeLessThan(tol(g));
      });
    });
  }
});

describe("activation identities", () => {
  it("Swish x·σ(βx) tends to ReLU as β → ∞ (|swish − relu| ≤ max_x x·σ(−βx) ≈ 0.2785/β) and is x/2 at β = 0", () => {
    const x = linspace(-3, 3, 61, { dtype: "float64" });
    const relu = F.relu(x).toList();
    for (const beta of [10, 100, 1000]) {
      const s = F.silu(x, beta).toList();
      // max over x ≥ 0 of x/(1 + e^{βx}) is W(1/e)/β = 0.27846…/β (Lambert W), so the gap shrinks like 1/β.
      const gap = Math.max(...s.map((v, i) => Math.abs(v - relu[i]!)));
      expect(gap).toBeLessThanOrEqual(0.27846454276107 / beta + 1e-15);
    }
    expect(F.silu(x, 0).toList()).toEqual(x.toList().map((v) => v / 2));
  });

  it("activation modules apply their functional forms", () => {
    const x = tensor([-2, -0.5, 0.5, 2], { dtype: "float64" });
    const pairs: [nn.Module, (t: Tensor) => Tensor][] = [
      [new nn.ReLU(), F.relu], [new nn.Sigmoid(), F.sigmoid], [new nn.Tanh(), F.tanh], [new nn.LeakyReLU(0.2), (t) => F.leakyRelu(t, 0.2)],
      [new nn.ELU(0.5), (t) => F.elu(t, 0.5)], [new nn.SELU(), F.selu], [new nn.GELU("tanh"), (t) => F.gelu(t, { approximate: "tanh" })],
      [new nn.SiLU(), F.silu], [new nn.Swish(3), (t) => F.silu(t, 3)], [new nn.Softplus({ beta: 2 }), (t) => F.softplus(t, { beta: 2 })],
      [new nn.Softmax(0), (t) => F.softmax(t, 0)], [new nn.LogSoftmax(0), (t) => F.logSoftmax(t, 0)],
    ];
    for (const [m, f] of pairs) expect(m.call(x).toList()).toEqual(f(x).toList());
  });

  it("loss modules apply their functional forms", () => {
    const a = tensor([[0.2, -1, 3]], { dtype: "float64" }), b = tensor([[0.5, 0.1, -2]], { dtype: "float64" });
    expect(new nn.MSELoss({ reduction: "sum" }).call(a, b).item()).toBe(F.mseLoss(a, b, { reduction: "sum" }).item());
    expect(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).call(a, tensor([2], { dtype: "int32" })).item()).toBe(
      F.crossEntropy(a, tensor([2], { dtype: "int32" }), { labelSmoothing: 0.1 }).item(),
    );
  });

  it("losses name the operation and the shapes on bad input", () => {
    const a = tensor([[1, 2, 3]]);
    expect(() => F.mseLoss(a, tensor([1, 2]))).toThrow(/mseLoss: input \[1,3\] and target \[2\]/);
    expect(() => F.crossEntropy(a, tensor([3], { dtype: "int32" }))).toThrow(/target 3 is out of bounds for 3 classes/);
    expect(() => F.crossEntropy(a, tensor([[0, 1]], { dtype: "int32" }))).toThrow(/target \[1,2\] must have shape \[1\]/);
  });
});

describe("gelu's fused primitive", () => {
  it("equals its composite ½x(1 + erf(x/√2)) in float64, with first and second derivatives", () => {
    const composite = (t: Tensor) => t.mul(0.5).mul(t.mul(Math.SQRT1_2).erf().add(1));
    const derivatives = (f: (t: Tensor) => Tensor) => {
      const x = linspace(-6, 6, 97, { dtype: "float64" }).requiresGrad_();
      const y = f(x);
      y.sum().backward(undefined, { createGraph: true });
      const g = x.grad!;
      x.grad = null;
      g.sum().backward();
      return [y.toList() as number[], g.toList() as number[], x.grad!.toList() as number[]];
    };
    const fused = derivatives((t) => F.gelu(t)), reference = derivatives(composite);
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 97; i++) expect(Math.abs(fused[k]![i]! - reference[k]![i]!)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(reference[k]![i]!)));
    }
  });
});
