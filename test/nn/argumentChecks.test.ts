// Plain-JavaScript calls with wrong argument types are errors naming the layer, loss or optimizer
// (issue #12 item 2: "a wrong call from plain JS is a clear error, never a silent different computation").
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";

const { nn, optim } = ds;
const bad = (v: unknown) => v as never;
const params = () => [ds.randn([2], { requiresGrad: true })];

describe("layers", () => {
  it("sizes and flags", () => {
    expect(() => new nn.Linear(2.5, 3)).toThrow(/^Linear: /);
    expect(() => new nn.Linear(2, 3, bad({ bias: "no" }))).toThrow(/^Linear: bias must be a boolean, got "no"/);
    expect(() => new nn.Bilinear(2, 2, 3, bad({ bias: 1 }))).toThrow(/^Bilinear: bias must be a boolean/);
    expect(() => new nn.LayerNorm(bad("a"))).toThrow(/^LayerNorm: normalizedShape must be an array of integers, got "a"/);
    expect(() => new nn.Sequential(new nn.ReLU(), bad(3))).toThrow(/^Sequential: argument 1 must be a Module, got 3/);
  });
});

describe("losses name themselves on a bad reduction", () => {
  const x = ds.ones([2, 3]);
  const t = ds.tensor([0, 1], { dtype: "int32" });
  it.each([
    ["mseLoss", () => nn.functional.mseLoss(ds.ones([2]), ds.ones([2]), bad({ reduction: "avg" }))],
    ["l1Loss", () => nn.functional.l1Loss(ds.ones([2]), ds.ones([2]), bad({ reduction: "avg" }))],
    ["crossEntropy", () => nn.functional.crossEntropy(x, t, bad({ reduction: "avg" }))],
    ["nllLoss", () => nn.functional.nllLoss(x, t, bad({ reduction: "avg" }))],
    ["binaryCrossEntropy", () => nn.functional.binaryCrossEntropy(ds.full([2], 0.5), ds.ones([2]), bad({ reduction: "avg" }))],
  ])("%s", (name, call) => {
    expect(call).toThrow(new RegExp(`^${name}: unknown reduction "avg"`));
  });
});

describe("optimizers", () => {
  it("a hyperparameter given as a string or NaN", () => {
    expect(() => new optim.SGD(params(), bad({ lr: "0.1" }))).toThrow(/^SGD: lr must be a number, got the string "0.1"/);
    expect(() => new optim.Adam(params(), bad({ lr: 0.1, eps: "1e-8" }))).toThrow(/^Adam: eps must be a number/);
    expect(() => new optim.Adam(params(), { lr: 0.1, betas: [0.9, NaN] })).toThrow(/^Adam: /);
  });
  it("an unknown option (a typo) instead of being ignored", () => {
    expect(() => new optim.SGD(params(), bad({ lr: 0.1, momentun: 0.9 }))).toThrow(/^SGD: unknown option "momentun"/);
    expect(() => new optim.Adam(params(), bad({ lr: 0.1, beta: [0.9, 0.99] }))).toThrow(/^Adam: unknown option "beta"/);
    expect(() => new optim.RMSprop(params(), bad({ lr: 0.1, decay: 0.9 }))).toThrow(/^RMSprop: unknown option "decay"/);
    expect(() => new optim.LBFGS(params(), bad({ lineSearch: "strong_wolfe" }))).toThrow(/^LBFGS: unknown option "lineSearch"/);
    expect(() => new optim.SGD([{ params: params(), learningRate: 0.1 }] as never, { lr: 0.1 })).toThrow(/^SGD: unknown option "learningRate" in a parameter group/);
  });
  it("valid options still work", () => {
    expect(() => new optim.SGD(params(), { lr: 0.1, momentum: 0.9, nesterov: true })).not.toThrow();
    expect(() => new optim.LBFGS(params(), { lineSearchFn: "strong_wolfe" })).not.toThrow();
    expect(() => new optim.AdamW(params(), { lr: 0.1, weightDecay: 0.01, amsgrad: true })).not.toThrow();
  });
});

describe("ops", () => {
  it("matmul, cat and stack refuse non-tensors", () => {
    expect(() => ds.matmul(ds.ones([2, 3]), bad([1, 2]))).toThrow(/^matmul: both arguments must be Tensors/);
    expect(() => ds.cat(bad(ds.ones([2])))).toThrow(/^cat: expected an array of tensors/);
    expect(() => ds.stack([ds.ones([2]), bad(1)])).toThrow(/^stack: element 1 of the list is not a Tensor/);
  });
});
