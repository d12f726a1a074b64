// Every primitive of the table is gradchecked (first and second order) — a new primitive without a
// case here fails the coverage test below, so it is tested automatically.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { apply, applyMulti } from "../../src/autograd/engine.js";
import { vjpRules } from "../../src/autograd/vjp.js";
import type { Prim, PrimParams } from "../../src/autograd/prims.js";
import { gammainc, lgamma as lgammaNumber } from "../../src/backend/cpu/special.js";
import type { Tensor } from "../../src/index.js";
import { adaptiveWindows, avgPoolWindows, maxPoolWindows, poolOutputSize } from "../../src/ops/pooling.js";

const gen = new ds.Generator(1234);
const f64 = (shape: number[], opts: { lo?: number; hi?: number } = {}): Tensor => {
  const lo = opts.lo ?? -1, hi = opts.hi ?? 1;
  return ds.rand(shape, { dtype: "float64", generator: gen }).mul(hi - lo).add(lo).requiresGrad_(true);
};
const positive = (shape: number[]): Tensor => f64(shape, { lo: 0.5, hi: 2 });
const idx = (values: number[], shape: number[]): Tensor => ds.tensor(Int32Array.from(values), { shape, dtype: "int32" });
/** Values away from the kinks of piecewise functions (|x| > 0.1), so finite differences are valid. */
const awayFromZero = (shape: number[]): Tensor =>
  ds.noGrad(() => {
    const x = ds.rand(shape, { dtype: "float64", generator: gen }).mul(0.9).add(0.1);
    const s = ds.rand(shape, { dtype: "float64", generator: gen }).gt(0.5);
    return ds.where(s, x, x.neg());
  }).requiresGrad_(true);
/** Distinct values (spaced 2/n apart in [−1, 1)) in random order: max pooling has no ties to break. */
const distinct = (shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return ds.randperm(n, { generator: gen }).double().mul(2 / n).sub(1).reshape(shape).requiresGrad_(true);
};
/** PyTorch's max-pool windows over `inShape` (kernel, stride, padding, dilation, ceil mode per dim). */
const maxWindows = (inShape: number[], k: number, s: number, p: number, d: number, ceil: boolean): PrimParams["maxPool"] => ({
  windows: inShape.map((n) => maxPoolWindows(n, k, s, p, d, poolOutputSize(n, k, p, s, d, ceil))),
});
/** PyTorch's average-pool windows and divisors over `inShape`. */
const avgParams = (inShape: number[], k: number, s: number, p: number, ceil: boolean, countIncludePad: boolean, divisorOverride: number | null = null): PrimParams["avgPool"] => {
  const dims = inShape.map((n) => avgPoolWindows(n, k, s, p, poolOutputSize(n, k, p, s, 1, ceil), countIncludePad));
  return { windows: dims.map((d) => d.windows), counts: dims.map((d) => d.counts), divisorOverride, inShape };
};
/** Adaptive windows (overlapping where out does not divide in), averaged. */
const adaptiveAvgParams = (inShape: number[], outShape: number[]): PrimParams["avgPool"] => {
  const windows = inShape.map((n, i) => adaptiveWindows(n, outShape[i]!));
  return { windows, counts: windows.map((w) => w.lo.map((lo, o) => w.hi[o]! - lo)), divisorOverride: null, inShape };
};
const maxPoolValues = (params: PrimParams["maxPool"]) => (x: Tensor): Tensor => applyMulti("maxPool", [x], params)[0]!;
/** The output shape (leading dims kept) of a pooling with these windows. */
const pooledShape = (lead: number[], params: { windows: { lo: number[] }[] }): number[] => [...lead, ...params.windows.map((w) => w.lo.length)];

/** Values away from integers and half-integers (for floor/ceil/round/sign). */
const offGrid = (shape: number[]): Tensor => ds.noGrad(() => awayFromZero(shape).detach().mul(0.4).add(2.25)).requiresGrad_(true);
/** A well-conditioned matrix: I·n + noise. */
const wellConditioned = (n: number, batch: number[] = []): Tensor =>
  ds.noGrad(() => f64([...batch, n, n]).detach().mul(0.3).add(ds.eye(n, n, { dtype: "float64" }).mul(2))).requiresGrad_(true);

/** P⁻¹(α, u): the Gamma(α, 1) quantile by Newton's method on the regularized incomplete gamma function. */
function gammaQuantile(alpha: number, u: number): number {
  let x = alpha;
  for (let i = 0; i < 200; i++) {
    const pdf = Math.exp((alpha - 1) * Math.log(x) - x - lgammaNumber(alpha));
    const next = Math.max(x - (gammainc(alpha, x) - u) / pdf, x / 10);
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}

interface Case {
  name: string;
  inputs: () => Tensor[];
  /** The function checked: usually the primitive itself; composites only to build valid inputs. */
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Skip the second-order check (with the reason). */
  noGradgrad?: string;
  options?: ds.GradcheckOptions;
}

const prim = <P extends Prim>(p: P, params: PrimParams[P]) => (...xs: Tensor[]): Tensor => apply(p, xs, params);
const unaryCase = (p: Prim, make: (s: number[]) => Tensor = f64, options?: ds.GradcheckOptions): Case[] => [
  { name: `${p} [3,4]`, inputs: () => [make([3, 4])], fn: prim(p, {} as never), options },
  { name: `${p} 0-d`, inputs: () => [make([])], fn: prim(p, {} as never), options },
];
/** Piecewise-constant primitives: their gradient row is a constant 0, which may be cut from the graph. */
const piecewiseConstant: ds.GradcheckOptions = { allowDetachedOutputs: true };
const binaryCase = (p: Prim, make: (s: number[]) => Tensor = f64, makeB: (s: number[]) => Tensor = make): Case[] => [
  { name: `${p} same shape`, inputs: () => [make([2, 3]), makeB([2, 3])], fn: prim(p, {} as never) },
  { name: `${p} broadcast row`, inputs: () => [make([2, 3]), makeB([3])], fn: prim(p, {} as never) },
  { name: `${p} broadcast both`, inputs: () => [make([2, 1, 3]), makeB([4, 1])], fn: prim(p, {} as never) },
  { name: `${p} scalar operand`, inputs: () => [make([]), makeB([2, 2])], fn: prim(p, {} as never) },
];
const reduceCases = (p: "sum" | "prod" | "max" | "min"): Case[] =>
  (
    [
      [[0], false], [[2], true], [[0, 2], false], [[1], false], [[0, 1, 2], true],
    ] as [number[], boolean][]
  ).map(([dims, keepdim]) => ({
    name: `${p} dims=[${dims}] keepdim=${keepdim}`,
    inputs: () => [p === "prod" ? awayFromZero([2, 3, 4]) : f64([2, 3, 4])],
    fn: prim(p, { dims, keepdim }),
  }));

const cases: { [P in Prim]: Case[] | "not differentiable" } = {
  neg: unaryCase("neg"),
  abs: unaryCase("abs", awayFromZero),
  exp: unaryCase("exp"),
  log: unaryCase("log", positive),
  log1p: unaryCase("log1p", positive),
  expm1: unaryCase("expm1"),
  sqrt: unaryCase("sqrt", positive),
  rsqrt: unaryCase("rsqrt", positive),
  sin: unaryCase("sin"),
  cos: unaryCase("cos"),
  tanh: unaryCase("tanh"),
  sigmoid: unaryCase("sigmoid"),
  relu: unaryCase("relu", awayFromZero),
  sign: unaryCase("sign", awayFromZero, piecewiseConstant),
  floor: unaryCase("floor", offGrid, piecewiseConstant),
  ceil: unaryCase("ceil", offGrid, piecewiseConstant),
  round: unaryCase("round", offGrid, piecewiseConstant),
  erf: unaryCase("erf"),
  add: binaryCase("add"),
  sub: binaryCase("sub"),
  mul: binaryCase("mul"),
  div: binaryCase("div", f64, positive),
  pow: [...binaryCase("pow", positive, f64), { name: "pow negative base, integer exponent", inputs: () => [f64([3]).detach().sub(2).requiresGrad_(true), idx([2, 3, 1], [3]).double()], fn: prim("pow", {}) }],
  maximum: binaryCase("maximum"),
  minimum: binaryCase("minimum"),
  eq: "not differentiable", ne: "not differentiable", lt: "not differentiable", le: "not differentiable",
  gt: "not differentiable", ge: "not differentiable", logicalAnd: "not differentiable",
  logicalOr: "not differentiable", logicalXor: "not differentiable", logicalNot: "not differentiable",
  where: [
    {
      name: "where broadcast",
      inputs: () => [ds.tensor([[true, false, true], [false, false, true]]), f64([2, 3]), f64([3])],
      fn: prim("where", {}),
    },
  ],
  sum: reduceCases("sum"),
  prod: [
    ...reduceCases("prod"),
    // A zero in the group: the gradient there is the product of the others (no division by zero).
    { name: "prod with a zero", inputs: () => [ds.tensor([[0.5, 0, 2], [1.5, -1, 3]], { dtype: "float64", requiresGrad: true })], fn: prim("prod", { dims: [1], keepdim: false }) },
  ],
  max: reduceCases("max"),
  min: reduceCases("min"),
  argmax: "not differentiable",
  argmin: "not differentiable",
  linear: [
    { name: "linear (3,4)·(5,4)ᵀ + (5)", inputs: () => [f64([3, 4]), f64([5, 4]), f64([5])], fn: prim("linear", {}) },
    { name: "linear with a transposed x", inputs: () => [f64([4, 3]).detach().t().requiresGrad_(), f64([2, 4]), f64([2])], fn: prim("linear", {}) },
  ],
  reluBackward: [
    {
      // y is a ReLU output: zeros and positive values away from 0 (it only selects; no gradient flows to it)
      name: "reluBackward [3,4]",
      inputs: () => [f64([3, 4]), ds.noGrad(() => awayFromZero([3, 4]).detach().relu())],
      fn: prim("reluBackward", {}),
    },
  ],
  gelu: [{ name: "gelu [3,4]", inputs: () => [f64([3, 4])], fn: prim("gelu", {}) }],
  geluBackward: [{ name: "geluBackward [3,4]", inputs: () => [f64([3, 4]), f64([3, 4])], fn: prim("geluBackward", {}) }],
  binaryCrossEntropy: [
    {
      // probabilities away from 0 and 1, targets in [0, 1]
      name: "binaryCrossEntropy [3,4]",
      inputs: () => [ds.noGrad(() => positive([3, 4]).detach().mul(0.8).add(0.1).clamp({ max: 0.9 })).requiresGrad_(true), ds.noGrad(() => positive([3, 4]).detach().clamp({ max: 1 })).requiresGrad_(true)],
      fn: prim("binaryCrossEntropy", {}),
    },
  ],
  logSoftmax: [
    { name: "logSoftmax last dim", inputs: () => [f64([3, 5])], fn: prim("logSoftmax", { dim: 1 }) },
    { name: "logSoftmax inner dim of 3-D", inputs: () => [f64([2, 4, 3])], fn: prim("logSoftmax", { dim: 1 }) },
  ],
  cumsum: [
    { name: "cumsum dim 1", inputs: () => [f64([3, 4])], fn: prim("cumsum", { dim: 1, reverse: false }) },
    { name: "cumsum reverse dim 0", inputs: () => [f64([3, 4])], fn: prim("cumsum", { dim: 0, reverse: true }) },
  ],
  maxPool: [
    // overlapping windows (kernel 3, stride 2) with padding and a ceil-mode partial window
    { name: "maxPool 2-D k3 s2 p1 ceil", inputs: () => [distinct([2, 2, 5, 6])], fn: maxPoolValues(maxWindows([5, 6], 3, 2, 1, 1, true)) },
    { name: "maxPool 1-D dilation 2", inputs: () => [distinct([2, 3, 9])], fn: maxPoolValues(maxWindows([9], 2, 1, 1, 2, false)) },
    { name: "maxPool 3-D k2", inputs: () => [distinct([1, 2, 4, 3, 4])], fn: maxPoolValues(maxWindows([4, 3, 4], 2, 2, 0, 1, true)) },
    { name: "maxPool adaptive 5×7 → 3×4", inputs: () => [distinct([2, 5, 7])], fn: maxPoolValues({ windows: [adaptiveWindows(5, 3), adaptiveWindows(7, 4)] }) },
  ],
  maxPoolBackward: [
    // overlapping windows: one input position may receive several output gradients
    {
      name: "maxPoolBackward of a 2-D k3 s2 p1 pooling",
      inputs: () => [f64(pooledShape([2, 2], maxWindows([5, 6], 3, 2, 1, 1, true))), applyMulti("maxPool", [distinct([2, 2, 5, 6]).detach()], maxWindows([5, 6], 3, 2, 1, 1, true))[1]!],
      fn: prim("maxPoolBackward", { inShape: [5, 6] }),
    },
  ],
  avgPool: [
    { name: "avgPool 2-D k3 s2 p1 ceil, padding counted", inputs: () => [f64([2, 2, 5, 6])], fn: prim("avgPool", avgParams([5, 6], 3, 2, 1, true, true)) },
    { name: "avgPool 2-D padding not counted", inputs: () => [f64([1, 3, 4, 5])], fn: prim("avgPool", avgParams([4, 5], 3, 2, 1, false, false)) },
    { name: "avgPool 1-D divisor override 2", inputs: () => [f64([2, 7])], fn: prim("avgPool", avgParams([7], 3, 2, 1, true, true, 2)) },
    { name: "avgPool 3-D", inputs: () => [f64([1, 2, 3, 4, 4])], fn: prim("avgPool", avgParams([3, 4, 4], 2, 2, 1, false, false)) },
    { name: "avgPool adaptive 5×7 → 3×4", inputs: () => [f64([2, 5, 7])], fn: prim("avgPool", adaptiveAvgParams([5, 7], [3, 4])) },
  ],
  avgPoolBackward: [
    { name: "avgPoolBackward 2-D ceil, padding counted", inputs: () => [f64(pooledShape([2, 2], avgParams([5, 6], 3, 2, 1, true, true)))], fn: prim("avgPoolBackward", avgParams([5, 6], 3, 2, 1, true, true)) },
    { name: "avgPoolBackward adaptive 5×7 → 3×4", inputs: () => [f64(pooledShape([2], adaptiveAvgParams([5, 7], [3, 4])))], fn: prim("avgPoolBackward", adaptiveAvgParams([5, 7], [3, 4])) },
    { name: "avgPoolBackward 1-D divisor override", inputs: () => [f64(pooledShape([3], avgParams([7], 3, 2, 1, true, true, 2)))], fn: prim("avgPoolBackward", avgParams([7], 3, 2, 1, true, true, 2)) },
  ],
  reshape: [{ name: "reshape", inputs: () => [f64([2, 6])], fn: prim("reshape", { shape: [3, 2, 2] }) }],
  permute: [{ name: "permute", inputs: () => [f64([2, 3, 4])], fn: prim("permute", { dims: [2, 0, 1] }) }],
  expand: [{ name: "expand", inputs: () => [f64([3, 1])], fn: prim("expand", { shape: [2, 3, 4] }) }],
  slice: [{ name: "slice with step", inputs: () => [f64([5, 6])], fn: prim("slice", { starts: [1, 0], ends: [5, 6], steps: [2, 3] }) }],
  unslice: [{ name: "unslice", inputs: () => [f64([2, 2])], fn: prim("unslice", { shape: [5, 6], starts: [1, 0], ends: [5, 6], steps: [2, 3] }) }],
  contiguous: [{ name: "contiguous of a transpose", inputs: () => [f64([3, 4])], fn: (x) => apply("contiguous", [x.t()], {}) }],
  // Through float32 and back: the rounding (~1e-7 relative) needs a larger difference step.
  cast: [{ name: "cast float64 → float32 → float64", inputs: () => [f64([3])], fn: (x) => apply("cast", [apply("cast", [x], { dtype: "float32" })], { dtype: "float64" }), options: { eps: 1e-2, atol: 1e-4, rtol: 1e-4 } }],
  cat: [{ name: "cat dim 1", inputs: () => [f64([2, 3]), f64([2, 1]), f64([2, 2])], fn: prim("cat", { dim: 1 }) }],
  gather: [{ name: "gather dim 1", inputs: () => [f64([3, 4]), idx([0, 3, 3, 1, 2, 0], [3, 2])], fn: prim("gather", { dim: 1 }) }],
  scatter: [{ name: "scatter dim 0", inputs: () => [f64([3, 2]), idx([2, 0], [1, 2]), f64([1, 2])], fn: prim("scatter", { dim: 0 }) }],
  scatterAdd: [{ name: "scatterAdd dim 1 with duplicates", inputs: () => [f64([2, 3]), idx([0, 0, 2, 1, 1, 1], [2, 3]), f64([2, 3])], fn: prim("scatterAdd", { dim: 1 }) }],
  indexSelect: [{ name: "indexSelect dim 0 with repeats", inputs: () => [f64([4, 2]), idx([3, 0, 3], [3])], fn: prim("indexSelect", { dim: 0 }) }],
  indexAdd: [{ name: "indexAdd dim 1", inputs: () => [f64([2, 4]), idx([1, 1, 3], [3]), f64([2, 3])], fn: prim("indexAdd", { dim: 1 }) }],
  spmm: [
    {
      // a 4 × 3 COO matrix with a duplicate entry (0, 2) and an empty row 3, times x (3, 2)
      name: "spmm (4 × 3 COO with a duplicate) · (3, 2)",
      inputs: () => [idx([0, 2, 0, 1, 2], [5]), idx([2, 0, 2, 1, 1], [5]), f64([5]), f64([3, 2])],
      fn: prim("spmm", { rows: 4 }),
    },
    {
      // two heads: values (E, 2), each scaling its block of 3 columns of x (3, 6)
      name: "spmm multi-head (values (5, 2), x (3, 6))",
      inputs: () => [idx([0, 2, 0, 1, 2], [5]), idx([2, 0, 2, 1, 1], [5]), f64([5, 2]), f64([3, 6])],
      fn: prim("spmm", { rows: 3 }),
    },
  ],
  sddmm: [
    {
      // the pattern of a 4 × 3 COO matrix with a duplicate entry (0, 2): a (4, 2) rows against b (3, 2) rows
      name: "sddmm on 5 entries, a (4, 2), b (3, 2)",
      inputs: () => [idx([0, 2, 0, 1, 3], [5]), idx([2, 0, 2, 1, 1], [5]), f64([4, 2]), f64([3, 2])],
      fn: prim("sddmm", { heads: 1 }),
    },
    {
      // two heads of 3 columns each
      name: "sddmm multi-head (a (3, 6), b (3, 6), 2 heads)",
      inputs: () => [idx([0, 2, 0, 1, 2], [5]), idx([2, 0, 2, 1, 1], [5]), f64([3, 6]), f64([3, 6])],
      fn: prim("sddmm", { heads: 2 }),
    },
  ],
  scatterMax: [
    {
      // segments {0, 3}, {2}, {1, 4}, and segment 3 empty (output 0, no gradient)
      name: "scatterMax of (5, 3) into 4 segments, one empty",
      inputs: () => [distinct([5, 3]), idx([0, 2, 1, 0, 2], [5])],
      fn: prim("scatterMax", { dimSize: 4 }),
    },
  ],
  segmentSoftmax: [
    {
      // groups {0, 3}, {2}, {1, 4} of (5, 3) scores, group 3 empty
      name: "segmentSoftmax of (5, 3) over 4 groups, one empty",
      inputs: () => [f64([5, 3]), idx([0, 2, 1, 0, 2], [5])],
      fn: prim("segmentSoftmax", { numNodes: 4 }),
    },
  ],
  nonzero: "not differentiable",
  matmul: [
    { name: "batched matmul", inputs: () => [f64([2, 3, 4]), f64([2, 4, 2])], fn: prim("matmul", {}) },
    // Transposed-view operands take the transposed-gradient path of the rule.
    { name: "matmul of transposed views", inputs: () => [f64([2, 4, 3]), f64([2, 2, 4])], fn: (a, b) => apply("matmul", [a.transpose(1, 2), b.transpose(1, 2)], {}) },
  ],
  // Geometry mixes: stride with dilation and padding, groups, asymmetric end padding, 1-D and 3-D.
  conv: [
    { name: "conv 2-D stride 2, dilation 2, padding 1", inputs: () => [f64([2, 2, 6, 7]), f64([3, 2, 2, 3])], fn: prim("conv", { stride: [2, 1], padding: [1, 1], dilation: [2, 2], groups: 1, outputSize: [3, 4] }) },
    { name: "conv 1-D groups 2, 'same' with an even kernel", inputs: () => [f64([1, 4, 5]), f64([4, 2, 2])], fn: prim("conv", { stride: [1], padding: [0], dilation: [1], groups: 2, outputSize: [5] }) },
    { name: "conv 2-D with the fused bias", inputs: () => [f64([2, 3, 4, 5]), f64([2, 3, 3, 2]), f64([2])], fn: prim("conv", { stride: [1, 2], padding: [1, 0], dilation: [1, 1], groups: 1, outputSize: [4, 2] }) },
    { name: "conv 3-D depthwise", inputs: () => [f64([1, 2, 3, 3, 4]), f64([2, 1, 2, 2, 2])], fn: prim("conv", { stride: [1, 1, 2], padding: [0, 1, 0], dilation: [1, 1, 1], groups: 2, outputSize: [2, 4, 2] }) },
  ],
  convTranspose: [
    { name: "convTranspose 2-D stride 2, padding 1, output padding 1", inputs: () => [f64([2, 2, 3, 2]), f64([2, 3, 3, 2])], fn: prim("convTranspose", { stride: [2, 2], padding: [1, 0], dilation: [1, 1], groups: 1, outputSize: [6, 5] }) },
    { name: "convTranspose 1-D groups 2, dilation 2", inputs: () => [f64([1, 4, 3]), f64([4, 1, 3])], fn: prim("convTranspose", { stride: [1], padding: [1], dilation: [2], groups: 2, outputSize: [5] }) },
  ],
  convWeight: [
    { name: "convWeight 2-D stride 2, padding 1", inputs: () => [f64([2, 2, 5, 4]), f64([2, 3, 3, 2])], fn: prim("convWeight", { stride: [2, 2], padding: [1, 0], dilation: [1, 1], groups: 1, outputSize: [2, 3] }) },
    { name: "convWeight 1-D groups 2, dilation 2", inputs: () => [f64([2, 4, 6]), f64([2, 2, 2])], fn: prim("convWeight", { stride: [1], padding: [0], dilation: [2], groups: 2, outputSize: [3] }) },
  ],
  scaledDotProductAttention: [
    {
      name: "attention with an additive mask, both outputs",
      inputs: () => [f64([2, 3, 4]), f64([2, 5, 4]), f64([2, 5, 3]), f64([2, 3, 5])],
      fn: (q, k, v, m) => applyMulti("scaledDotProductAttention", [q!, k!, v!, m!], { scale: 0.7, isCausal: false }),
    },
    {
      name: "causal attention, more queries than keys, a mask broadcast over the batch",
      inputs: () => [f64([2, 4, 3]), f64([2, 3, 3]), f64([2, 3, 2]), f64([4, 3])],
      fn: (q, k, v, m) => applyMulti("scaledDotProductAttention", [q!, k!, v!, m!.expand([2, 4, 3])], { scale: 1.3, isCausal: true }),
    },
    {
      name: "causal attention without a mask, output only",
      inputs: () => [f64([3, 4, 2]), f64([3, 6, 2]), f64([3, 6, 3])],
      fn: (q, k, v) => applyMulti("scaledDotProductAttention", [q!, k!, v!], { scale: 0.5, isCausal: true })[0]!,
    },
    {
      name: "(N, H, ·, ·) heads split by a transpose, a mask broadcast over both batch dims",
      inputs: () => [f64([2, 3, 2, 2]), f64([2, 4, 2, 2]), f64([2, 4, 2, 3]), f64([3, 4])],
      fn: (q, k, v, m) => applyMulti("scaledDotProductAttention", [q!.transpose(1, 2), k!.transpose(1, 2), v!.transpose(1, 2), m!.expand([2, 2, 3, 4])], { scale: 0.8, isCausal: false }),
    },
  ],
  scaledDotProductAttentionBackward: "not differentiable",
  layerNorm: [
    {
      name: "layerNorm over the last dim, output only (the fused backward at first order)",
      inputs: () => [f64([3, 5]), f64([5]), f64([5])],
      fn: (x, w, b) => applyMulti("layerNorm", [x!, w!, b!], { size: 5, eps: 1e-5 })[0]!,
    },
    {
      name: "layerNorm over two dims, with the mean and rstd outputs",
      inputs: () => [f64([2, 3, 4]), f64([3, 4]), f64([3, 4])],
      fn: (x, w, b) => applyMulti("layerNorm", [x!, w!, b!], { size: 12, eps: 0.1 }),
    },
  ],
  layerNormBackward: "not differentiable",
  unfold: [{ name: "unfold 2-D stride, padding, dilation", inputs: () => [f64([2, 2, 5, 4])], fn: prim("unfold", { kernelSize: [2, 3], stride: [2, 1], padding: [1, 1], dilation: [1, 2], imageSize: [5, 4], blocks: [3, 2] }) }],
  fold: [{ name: "fold 2-D overlapping taps", inputs: () => [f64([2, 2 * 6, 3 * 2])], fn: prim("fold", { kernelSize: [2, 3], stride: [2, 1], padding: [1, 1], dilation: [1, 2], imageSize: [5, 4], blocks: [3, 2] }) }],
  cholesky: [
    {
      name: "cholesky of X Xᵀ + 3I (lower)",
      inputs: () => [f64([3, 3])],
      fn: (x) => apply("cholesky", [x.matmul(x.t()).add(ds.eye(3, 3, { dtype: "float64" }).mul(3))], { upper: false }),
    },
    {
      name: "cholesky upper, batched",
      inputs: () => [f64([2, 3, 3])],
      fn: (x) => apply("cholesky", [x.matmul(x.mT).add(ds.eye(3, 3, { dtype: "float64" }).mul(3))], { upper: true }),
    },
  ],
  inv: [{ name: "inv batched", inputs: () => [wellConditioned(3, [2])], fn: prim("inv", {}) }],
  solve: [{ name: "solve", inputs: () => [wellConditioned(3), f64([3, 2])], fn: prim("solve", {}) }],
  det: [{ name: "det", inputs: () => [wellConditioned(3, [2])], fn: prim("det", {}) }],
  slogdet: [{ name: "slogdet (log|det|)", inputs: () => [wellConditioned(3)], fn: (a) => ds.linalg.slogdet(a).logabsdet }],
  eigh: "not differentiable",
  qr: "not differentiable",
  svd: "not differentiable",
  lgamma: [
    ...unaryCase("lgamma", positive),
    // between the poles at −1 and 0, where Γ < 0 (log |Γ|)
    { name: "lgamma on (−0.9, −0.1)", inputs: () => [f64([5], { lo: -0.9, hi: -0.1 })], fn: prim("lgamma", {}) },
  ],
  digamma: [
    ...unaryCase("digamma", positive),
    { name: "digamma on (−1.9, −1.1)", inputs: () => [f64([5], { lo: -1.9, hi: -1.1 })], fn: prim("digamma", {}) },
  ],
  polygamma: [
    { name: "polygamma n=1 (trigamma)", inputs: () => [positive([3, 4])], fn: prim("polygamma", { n: 1 }) },
    { name: "polygamma n=2", inputs: () => [positive([5])], fn: prim("polygamma", { n: 2 }) },
    { name: "polygamma n=3 on (−0.9, −0.1)", inputs: () => [f64([5], { lo: -0.9, hi: -0.1 })], fn: prim("polygamma", { n: 3 }) },
  ],
  lstmRecurrence: [
    // every h and c of a 2-step recurrence (B = 2, H = 2), forwards and backwards in time
    {
      name: "lstmRecurrence T2 B2 H2",
      inputs: () => [f64([2, 2, 8]), f64([8, 2]), f64([2, 2]), f64([2, 2])],
      fn: (xg, w, h, c) => applyMulti("lstmRecurrence", [xg!, w!, h!, c!], { reverse: false }).slice(0, 2),
    },
    {
      name: "lstmRecurrence reverse",
      inputs: () => [f64([2, 2, 8]), f64([8, 2]), f64([2, 2]), f64([2, 2])],
      fn: (xg, w, h, c) => applyMulti("lstmRecurrence", [xg!, w!, h!, c!], { reverse: true }).slice(0, 2),
    },
  ],
  lstmRecurrenceBackward: "not differentiable",
  gruRecurrence: [
    // every h of a 2-step recurrence (B = 2, H = 2), forwards and backwards in time
    {
      name: "gruRecurrence T2 B2 H2",
      inputs: () => [f64([2, 2, 6]), f64([6, 2]), f64([6]), f64([2, 2])],
      fn: (xg, w, b, h) => applyMulti("gruRecurrence", [xg!, w!, b!, h!], { reverse: false })[0]!,
    },
    {
      name: "gruRecurrence reverse, T3",
      inputs: () => [f64([3, 2, 6]), f64([6, 2]), f64([6]), f64([2, 2])],
      fn: (xg, w, b, h) => applyMulti("gruRecurrence", [xg!, w!, b!, h!], { reverse: true })[0]!,
    },
  ],
  gruRecurrenceBackward: "not differentiable",
  standardGammaGrad: "not differentiable",
  standardGammaReparam: [
    {
      // The sample is the α-quantile function at fixed u, x(α) = P⁻¹(α, u), recomputed at every α the
      // finite differences visit: the implicit gradient must equal its numerical derivative.
      name: "standardGammaReparam at fixed CDF values",
      inputs: () => [ds.tensor([0.3, 0.9, 1.7, 4.2, 12.5], { dtype: "float64", requiresGrad: true })],
      fn: (alpha) => {
        const u = [0.15, 0.5, 0.8, 0.35, 0.97];
        const x = ds.tensor(Array.from(alpha.dataSync(), (a, i) => gammaQuantile(a, u[i]!)), { dtype: "float64" });
        return apply("standardGammaReparam", [alpha, x], {});
      },
      noGradgrad: "the derivative of the implicit gradient is not implemented (PyTorch neither); a second-order pass raises",
    },
  ],
};

describe("primitive table", () => {
  it("has a gradcheck case or an explicit exemption for every primitive", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(vjpRules).sort());
    for (const [p, c] of Object.entries(cases)) {
      // A primitive with a gradient row must be gradchecked; one without must be declared so.
      expect(c === "not differentiable", p).toBe(vjpRules[p as Prim] === null);
    }
  });
});

for (const [p, list] of Object.entries(cases)) {
  if (list === "not differentiable") continue;
  describe(`gradcheck ${p}`, () => {
    for (const c of list) {
      it(`${c.name}: first order`, () => {
        expect(ds.gradcheck(c.fn, c.inputs(), c.options)).toBe(true);
      });
      if (!c.noGradgrad) {
        it(`${c.name}: second order`, () => {
          expect(ds.gradgradcheck(c.fn, c.inputs(), c.options)).toBe(true);
        });
      }
    }
  });
}
