// PyTorch's call forms of the reductions (issue #12 item 2): positional dim and keepdim, max/min along
// a dim returning { values, indices } with the gradient at the returned index, checked against PyTorch
// (test/fixtures/signatures/make_signatures_fixture.py). Calls that would mean something else are errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

interface TJ { sh: number[]; d: number[]; dt: string }
const fx = JSON.parse(readFileSync(new URL("../fixtures/signatures/signatures.json", import.meta.url), "utf8")) as {
  torch: string; x: TJ; calls: Record<string, { out: TJ; grad?: TJ }>;
};

const calls: Record<string, (x: Tensor) => Tensor> = {
  "sum()": (x) => x.sum(),
  "sum(1)": (x) => x.sum(1),
  "sum(-1, true)": (x) => x.sum(-1, true),
  "sum([0, 1], true)": (x) => x.sum([0, 1], true),
  "mean(-1)": (x) => x.mean(-1),
  "mean([0])": (x) => x.mean([0]),
  "prod(1)": (x) => x.prod(1),
  "max()": (x) => x.max(),
  "max(1).values": (x) => x.max(1).values,
  "max(1).indices": (x) => x.max(1).indices,
  "max(0, true).values": (x) => x.max(0, true).values,
  "max(0, true).indices": (x) => x.max(0, true).indices,
  "min(1).values": (x) => x.min(1).values,
  "min(1).indices": (x) => x.min(1).indices,
  "amax(1)": (x) => x.amax(1),
  "amin([0, 1])": (x) => x.amin([0, 1]),
  "argmax()": (x) => x.argmax(),
  "argmax(1)": (x) => x.argmax(1),
  "argmin(0, true)": (x) => x.argmin(0, true),
  "var()": (x) => x.var(),
  "var(1)": (x) => x.var(1),
  "var(1, {keepdim, correction: 0})": (x) => x.var(1, { keepdim: true, correction: 0 }),
  "std(0)": (x) => x.std(0),
  "logsumexp(1)": (x) => x.logsumexp(1),
  "logsumexp(0, true)": (x) => x.logsumexp(0, true),
  "norm()": (x) => x.norm(),
  "norm(1)": (x) => x.norm(1),
  "norm(2, 1)": (x) => x.norm(2, 1),
  "norm(2, 1, true)": (x) => x.norm(2, 1, true),
  "max(y)": (x) => x.max(ds.flip(x, 0)),
};

describe(`reductions take PyTorch's positional forms (PyTorch ${fx.torch})`, () => {
  it("covers every fixture call", () => expect(Object.keys(calls).sort()).toEqual(Object.keys(fx.calls).sort()));
  for (const [name, want] of Object.entries(fx.calls)) {
    it(`x.${name}`, () => {
      const x = ds.tensor(fx.x.d, { dtype: "float64", shape: fx.x.sh, requiresGrad: true });
      const y = calls[name]!(x);
      expect(y.shape).toEqual(want.out.sh);
      expect(y.dtype).toBe(want.out.dt === "int64" ? "int32" : want.out.dt);
      y.toList().forEach((v, i) => expect(v).toBeCloseTo(want.out.d[i]!, 12));
      if (want.grad) {
        const w = ds.arange(1, y.size + 1, 1, { dtype: "float64" }).reshape(y.shape);
        y.mul(w).sum().backward();
        x.grad!.toList().forEach((v, i) => expect(v, `grad[${i}]`).toBeCloseTo(want.grad!.d[i]!, 12));
      }
    });
  }
  it("the options-object forms keep working", () => {
    const x = ds.tensor([[1, 5, 2], [7, 0, 3]]);
    expect(x.sum({ dim: 1, keepdim: true }).toList()).toEqual([8, 10]);
    expect(x.sum({ dim: 1, keepdim: true }).shape).toEqual([2, 1]);
    expect(ds.mean(x, { dim: 0 }).toList()).toEqual([4, 2.5, 2.5]);
    const { values, indices } = x.max({ dim: 1 });
    expect(values.toList()).toEqual([5, 7]);
    expect(indices.toList()).toEqual([1, 0]);
    expect(x.argmax({ dim: 0 }).toList()).toEqual([1, 0, 1]);
    expect(x.norm({ p: 1, dim: 1 }).toList()).toEqual([8, 10]);
  });
});

describe("calls that would mean something else are errors", () => {
  const x = ds.tensor([[1, 5, 2], [7, 0, 3]]);
  const bad = (v: unknown) => v as never;
  it("a dim that is not an integer or list", () => {
    expect(() => x.sum(bad("1"))).toThrow(/^sum: dim must be an integer, a list of integers or an options object, got "1"/);
    expect(() => x.mean(bad(null))).toThrow(/^mean: /);
    expect(() => x.argmax(bad([0, 1]))).toThrow(/^argmax: dim must be one integer/);
    expect(() => x.max(bad([0, 1]))).toThrow(/^max: dim must be one integer when returning indices/);
  });
  it("a keepdim that is not a boolean", () => {
    expect(() => x.sum(1, bad(1))).toThrow(/^sum: keepdim must be a boolean, got 1/);
    expect(() => x.sum({ dim: 1, keepdim: bad("yes") })).toThrow(/^sum: keepdim must be a boolean/);
  });
  it("an unknown option name (numpy's axis, a typo)", () => {
    expect(() => x.sum(bad({ axis: 1 }))).toThrow(/^sum: unknown option "axis"/);
    expect(() => x.var(bad({ dim: 1, unbaised: false }))).toThrow(/^var: unknown option "unbaised"/);
  });
  it("keepdim given twice, or without a dim for max", () => {
    expect(() => x.sum(bad({ dim: 1 }), true)).toThrow(/^sum: pass keepdim inside the options object/);
    expect(() => x.max(bad(undefined), true)).toThrow(/^max: keepdim needs a dim/);
  });
  it("a non-tensor input to the functional form", () => {
    expect(() => ds.sum(bad([1, 2]))).toThrow(/^sum: expected a Tensor as input, got an array of length 2/);
    expect(() => ds.max(bad(3))).toThrow(/^max: expected a Tensor/);
  });
  it("elementwise operands that are not tensors, numbers or booleans", () => {
    expect(() => ds.add(x, bad([1, 2]))).toThrow(/^add: operands must be tensors, numbers or booleans, got an array of length 2 \(wrap arrays with ds.tensor\)/);
    expect(() => x.mul(bad("2"))).toThrow(/^mul: .*got "2"/);
    expect(() => ds.exp(bad(1))).toThrow(/^exp: expected a Tensor, got 1/);
  });
});
