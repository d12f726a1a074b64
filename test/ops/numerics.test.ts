// Edge-value numerics against PyTorch 2.x (test/fixtures/numerics/make_numerics_fixture.py): ±∞, NaN, ±0,
// overflow and underflow through the public ops. Every case runs with and without requiresGrad and under
// noGrad: the forward value must equal PyTorch's in all three (it must never depend on grad mode), and
// the gradient of output.sum() must equal PyTorch's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { DType, Tensor } from "../../src/index.js";

const F = ds.nn.functional;
interface TensorJson { dt: DType; sh: number[]; d: (number | string | boolean)[] }
interface Case { name: string; dtype: "float32" | "float64"; inputs: TensorJson[]; output: TensorJson; grads: (TensorJson | null)[] }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/numerics/numerics.json", import.meta.url), "utf8")) as { torch: string; cases: Case[] };

const num = (v: number | string | boolean): number =>
  typeof v === "boolean" ? Number(v) : v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "-0" ? -0 : (v as number);

const fns: Record<string, (...x: Tensor[]) => Tensor> = {
  "clamp[-1,1]": (x) => ds.clamp(x, { min: -1, max: 1 }),
  "clamp[min=0]": (x) => ds.clamp(x, { min: 0 }),
  "clamp[max=0]": (x) => ds.clamp(x, { max: 0 }),
  "binaryCrossEntropy(sigmoid(p), 1)": (p) => F.binaryCrossEntropy(ds.sigmoid(p), ds.onesLike(p), { reduction: "none" }),
  "binaryCrossEntropy(sigmoid(p), 0)": (p) => F.binaryCrossEntropy(ds.sigmoid(p), ds.zerosLike(p), { reduction: "none" }),
  binaryCrossEntropyWithLogits: (p, t) => F.binaryCrossEntropyWithLogits(p, t, { reduction: "none" }),
  "softmax[inf,0,1]": (x) => ds.softmax(x, 0),
  "softmax[-inf,-inf]": (x) => ds.softmax(x, 0),
  "softmax[nan,0]": (x) => ds.softmax(x, 0),
  "softmax[1000,0,-1000]": (x) => ds.softmax(x, 0),
  "softmax[0,-inf,1]": (x) => ds.softmax(x, 0),
  "logSoftmax[inf,0,1]": (x) => ds.logSoftmax(x, 0),
  "logSoftmax[1000,0,-1000]": (x) => ds.logSoftmax(x, 0),
  "logSoftmax[0,-inf,1]": (x) => ds.logSoftmax(x, 0),
  "logsumexp[inf,0]": (x) => ds.logsumexp(x, { dim: 0 }),
  "logsumexp[-inf,-inf]": (x) => ds.logsumexp(x, { dim: 0 }),
  "logsumexp[1000,1000]": (x) => ds.logsumexp(x, { dim: 0 }),
  sigmoid: (x) => ds.sigmoid(x),
  tanh: (x) => ds.tanh(x),
  exp: (x) => ds.exp(x),
  log: (x) => ds.log(x),
  "log(negative)": (x) => ds.log(x),
  log1p: (x) => ds.log1p(x),
  expm1: (x) => ds.expm1(x),
  sqrt: (x) => ds.sqrt(x),
  rsqrt: (x) => ds.rsqrt(x),
  reciprocal: (x) => ds.reciprocal(x),
  pow: (a, b) => ds.pow(a, b),
  "pow(negative, fractional)": (a, b) => ds.pow(a, b),
  "div by zero": (a, b) => ds.div(a, b),
  "maximum with nan": (a, b) => ds.maximum(a, b),
  "minimum with nan": (a, b) => ds.minimum(a, b),
  "maximum with ties": (a, b) => ds.maximum(a, b),
  "max with ties": (x) => ds.max(x),
  abs: (x) => ds.abs(x),
  relu: (x) => ds.relu(x),
  sign: (x) => ds.sign(x),
  "round (half to even)": (x) => ds.round(x),
  floor: (x) => ds.floor(x),
  ceil: (x) => ds.ceil(x),
  erf: (x) => ds.erf(x),
  "norm of zeros": (x) => ds.norm(x),
  "norm p=inf": (x) => ds.norm(x, { p: Infinity }),
  "norm p=1": (x) => ds.norm(x, { p: 1 }),
  "sum with inf": (x) => ds.sum(x),
  "mean of empty": (x) => ds.mean(x),
  "std of one element": (x) => ds.std(x),
  "var of two": (x) => ds.var(x),
  "prod with one zero": (x) => ds.prod(x),
  "prod with two zeros": (x) => ds.prod(x),
  "max with nan": (x) => ds.max(x),
  "min with nan": (x) => ds.min(x),
  "cumsum with inf": (x) => ds.cumsum(x, 0),
  softplus: (x) => F.softplus(x),
  gelu: (x) => F.gelu(x),
  silu: (x) => F.silu(x),
  elu: (x) => F.elu(x),
  leakyRelu: (x) => F.leakyRelu(x),
  hardtanh: (x) => F.hardtanh(x),
  "crossEntropy large logits": (x, t) => F.crossEntropy(x, t!, { reduction: "none" }),
  "mseLoss with inf": (a, b) => F.mseLoss(a, b, { reduction: "none" }),
  "l1Loss at zero": (a, b) => F.l1Loss(a, b, { reduction: "none" }),
  "smoothL1Loss at beta": (a, b) => F.smoothL1Loss(a, b, { reduction: "none", beta: 1 }),
  "huberLoss at delta": (a, b) => F.huberLoss(a, b, { reduction: "none", delta: 1 }),
  "klDiv log-target zero": (a, b) => F.klDiv(a, b, { reduction: "none" }),
};

function make(j: TensorJson, requiresGrad: boolean): Tensor {
  const t = ds.tensor(j.d.map(num), { dtype: j.dt, shape: j.sh });
  return requiresGrad && ds.isFloating(j.dt) ? t.requiresGrad_(true) : t;
}

/** Equal as PyTorch's values: NaN with NaN, ±∞ exactly, ±0 alike, finite values to float tolerance. */
function expectClose(what: string, got: Tensor, want: TensorJson, dtype: string, rtolFloat32 = 2e-6): void {
  expect(got.shape, `${what}: shape`).toEqual(want.sh);
  const g = got.toList(), w = want.d.map(num);
  const rtol = dtype === "float64" ? 1e-12 : rtolFloat32, atol = dtype === "float64" ? 1e-300 : 1e-37;
  w.forEach((wv, i) => {
    const gv = g[i]!;
    const ok = Number.isNaN(wv) ? Number.isNaN(gv) : !Number.isFinite(wv) ? gv === wv : Math.abs(gv - wv) <= atol + rtol * Math.abs(wv);
    expect(ok, `${what}[${i}]: got ${gv}, PyTorch ${wv}`).toBe(true);
  });
}

describe(`numerics of edge values equal PyTorch ${fixture.torch}`, () => {
  it("has a function for every fixture case", () => {
    for (const c of fixture.cases) expect(fns[c.name], c.name).toBeDefined();
  });
  for (const c of fixture.cases) {
    it(`${c.name} (${c.dtype})`, () => {
      const fn = fns[c.name]!;
      // Forward without grad, with requiresGrad, and with requiresGrad under noGrad: one value.
      expectClose("forward", fn(...c.inputs.map((j) => make(j, false))), c.output, c.dtype);
      const xs = c.inputs.map((j) => make(j, true));
      expectClose("forward under noGrad", ds.noGrad(() => fn(...xs)), c.output, c.dtype);
      const out = fn(...xs);
      expectClose("forward with requiresGrad", out, c.output, c.dtype);
      if (!c.grads.some((g) => g !== null)) return;
      out.sum().backward();
      // PyTorch's logsumexp gradient is exp(x − lse) with lse ≈ 1000.69 rounded to float32 (ulp 6e-5),
      // so its float32 value is that far from the exact 0.5; allow that rounding, no more.
      const gradRtol = c.name === "logsumexp[1000,1000]" ? 6.2e-5 : undefined;
      c.grads.forEach((g, k) => {
        if (g !== null) expectClose(`grad of input ${k}`, xs[k]!.grad ?? ds.zerosLike(xs[k]!), g, c.dtype, gradRtol);
      });
    });
  }
});
