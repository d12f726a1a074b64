// The gradient table: one row per primitive, each a vector-Jacobian product written with deepscript's
// own differentiable ops (so gradients of gradients work). null marks a non-differentiable primitive.
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import type { Prim, PrimParams } from "./prims.js";
import { apply, applyMulti, isGradEnabled } from "./engine.js";
import * as E from "../ops/elementwise.js";
import { sumTo } from "../ops/reduce.js";
import { expand, reshape, transpose, slice as sliceOp } from "../ops/movement.js";
import { indexAdd, indexSelect, gather, scatter, scatterAdd, where } from "../ops/indexing.js";
import { inv, matmul, solve } from "../ops/linalg.js";
import { zeros, zerosLike } from "../ops/creation.js";
import { cat as catOp } from "../ops/movement.js";
import { lstmRecurrenceBackwardReference } from "../ops/lstm.js";
import { gruRecurrenceBackwardReference } from "../ops/gru.js";

export interface VjpContext<P extends Prim> {
  /** Gradient with respect to the (first) output. */
  g: Tensor;
  /** Gradients with respect to every output (null where the output was unused). */
  grads: (Tensor | null)[];
  params: PrimParams[P];
  /** A saved input (throws if it was modified in place since the forward pass). */
  input(i: number): Tensor;
  /** A saved output (same check). */
  output(i?: number): Tensor;
  inputShape(i: number): readonly number[];
  numInputs: number;
  inputDtype(i: number): DType;
  needsGrad(i: number): boolean;
}

/** Returns one gradient per input (null where none flows, e.g. integer indices). */
export type VjpRule<P extends Prim> = (ctx: VjpContext<P>) => (Tensor | null)[];

// Late-bound (modules import each other in a cycle; nothing may be read at load time).
const mul = (a: Tensor | number, b: Tensor | number): Tensor => E.mul(a, b);
const div = (a: Tensor | number, b: Tensor | number): Tensor => E.div(a, b);
const add = (a: Tensor | number, b: Tensor | number): Tensor => E.add(a, b);
const sub = (a: Tensor | number, b: Tensor | number): Tensor => E.sub(a, b);
const neg = (a: Tensor): Tensor => E.neg(a);
const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
/** Shape of a reduction's output with the reduced dims kept as size 1. */
const keptShape = (shape: readonly number[], dims: readonly number[]): number[] => shape.map((s, i) => (dims.includes(i) ? 1 : s));
/** g (reduced) broadcast back over the input: the adjoint of a sum. */
const unreduce = (g: Tensor, shape: readonly number[], dims: readonly number[]): Tensor => expand(reshape(g, keptShape(shape, dims)), shape);
const zeroGrad = (c: VjpContext<Prim>): (Tensor | null)[] => [zerosLike(c.g)];
/** PyTorch's EPSILON in binary_cross_entropy_backward: the float 1e-12f. */
const BCE_EPSILON = Math.fround(1e-12);
/** Lower triangle with the diagonal halved: Φ in the Cholesky adjoint. */
function phi(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1]!;
  const m = zeros([n, n], { dtype: x.dtype });
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m.storage.data[i * n + j] = i === j ? 0.5 : 1;
  return mul(x, m);
}

export const vjpRules: { [P in Prim]: VjpRule<P> | null } = {
  // d(−x) = −dx
  neg: (c) => [neg(c.g)],
  // d|x| = sign(x) dx
  abs: (c) => [mul(c.g, E.sign(c.input(0)))],
  // d(eˣ) = eˣ dx
  exp: (c) => [mul(c.g, c.output())],
  // d(log x) = dx / x
  log: (c) => [div(c.g, c.input(0))],
  // d(log(1+x)) = dx / (1 + x)
  log1p: (c) => [div(c.g, add(c.input(0), 1))],
  // d(eˣ − 1) = eˣ dx
  expm1: (c) => [mul(c.g, E.exp(c.input(0)))],
  // d√x = dx / (2√x)
  sqrt: (c) => [div(c.g, mul(c.output(), 2))],
  // d(x^−½) = −½ x^−3/2 dx
  rsqrt: (c) => {
    const y = c.output();
    return [mul(c.g, mul(mul(y, mul(y, y)), -0.5))];
  },
  // d sin x = cos x dx
  sin: (c) => [mul(c.g, E.cos(c.input(0)))],
  // d cos x = −sin x dx
  cos: (c) => [neg(mul(c.g, E.sin(c.input(0))))],
  // d tanh x = (1 − tanh² x) dx
  tanh: (c) => {
    const y = c.output();
    return [mul(c.g, E.sub(1, mul(y, y)))];
  },
  // d σ(x) = σ(x)(1 − σ(x)) dx
  sigmoid: (c) => {
    const y = c.output();
    return [mul(c.g, mul(y, E.sub(1, y)))];
  },
  // d relu(x) = [x > 0] dx
  relu: (c) => [apply("reluBackward", [c.g, c.output()], {})],
  // reluBackward(g, y) is linear in g with the same mask; y only selects (no gradient), as in PyTorch
  reluBackward: (c) => [c.needsGrad(0) ? apply("reluBackward", [c.g, c.input(1)], {}) : null, null],
  // d gelu(x) = (Φ(x) + x·φ(x)) dx
  gelu: (c) => [apply("geluBackward", [c.g, c.input(0)], {})],
  // geluBackward(g, x) = g·(Φ(x) + x·φ(x)): ∂/∂g = Φ(x) + x·φ(x), ∂/∂x = g·φ(x)·(2 − x²) (φ' = −x·φ)
  geluBackward: (c) => {
    const g = c.input(0), x = c.input(1);
    const phi = mul(E.exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    const dg = c.needsGrad(0) ? apply("geluBackward", [c.g, x], {}) : null;
    const dx = c.needsGrad(1) ? mul(c.g, mul(g, mul(phi, E.sub(2, mul(x, x))))) : null;
    return [dg, dx];
  },
  // sign, floor, ceil, round are piecewise constant: zero gradient (as PyTorch)
  sign: zeroGrad,
  floor: zeroGrad,
  ceil: zeroGrad,
  round: zeroGrad,
  // d erf x = 2/√π e^(−x²) dx
  erf: (c) => {
    const x = c.input(0);
    return [mul(c.g, mul(E.exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))];
  },

  // d(a + b) = da + db (broadcasting is undone centrally by the engine)
  add: (c) => [c.g, c.g],
  sub: (c) => [c.g, neg(c.g)],
  // d(ab) = b da + a db
  mul: (c) => [c.needsGrad(0) ? mul(c.g, c.input(1)) : null, c.needsGrad(1) ? mul(c.g, c.input(0)) : null],
  // d(a/b) = da/b − a db/b²
  div: (c) => {
    const a = c.input(0), b = c.input(1);
    return [c.needsGrad(0) ? div(c.g, b) : null, c.needsGrad(1) ? neg(div(mul(c.g, a), mul(b, b))) : null];
  },
  // d(aᵇ) = b aᵇ⁻¹ da + aᵇ log a db  (0 where b = 0, resp. where a = 0 and b ≥ 0, as PyTorch)
  pow: (c) => {
    const a = c.input(0), b = c.input(1);
    const ga = c.needsGrad(0) ? where(E.eq(b, 0), 0, mul(c.g, mul(b, E.pow(a, sub(b, 1))))) : null;
    const gb = c.needsGrad(1)
      ? mul(c.g, where(E.logicalAnd(E.eq(a, 0), E.ge(b, 0)), 0, mul(c.output(), E.log(a))))
      : null;
    return [ga, gb];
  },
  // d max(a, b): to the larger operand, split evenly on ties; where a or b is NaN (no order) both get
  // the gradient. PyTorch's formula: where(a == b, g/2, g), zeroed where a < b (for a) or a > b (for b).
  maximum: (c) => {
    const a = c.input(0), b = c.input(1);
    const share = where(E.eq(a, b), mul(c.g, 0.5), c.g);
    return [where(E.lt(a, b), 0, share), where(E.gt(a, b), 0, share)];
  },
  minimum: (c) => {
    const a = c.input(0), b = c.input(1);
    const share = where(E.eq(a, b), mul(c.g, 0.5), c.g);
    return [where(E.gt(a, b), 0, share), where(E.lt(a, b), 0, share)];
  },

  eq: null, ne: null, lt: null, le: null, gt: null, ge: null,
  logicalAnd: null, logicalOr: null, logicalXor: null, logicalNot: null,
  // d where(c, a, b) = where(c, da, db)
  where: (c) => [null, where(c.input(0), c.g, 0), where(c.input(0), 0, c.g)],

  // d Σx = broadcast of the output gradient
  sum: (c) => [unreduce(c.g, c.inputShape(0), c.params.dims)],
  // d Πx / dxᵢ = Π_{j≠i} xⱼ (computed without dividing by zero)
  prod: (c) => {
    const x = c.input(0), { dims } = c.params, shape = c.inputShape(0);
    const isZero = E.eq(x, 0);
    const out = unreduce(c.output(), shape, dims);
    const nonzeroProd = unreduce(apply("prod", [where(isZero, 1, x)], { dims, keepdim: true }), shape, dims);
    const zeroCount = unreduce(apply("sum", [E.cast(isZero, "int32")], { dims, keepdim: true }), shape, dims);
    const others = where(isZero, where(E.eq(zeroCount, 1), nonzeroProd, 0), div(out, where(isZero, 1, x)));
    return [mul(unreduce(c.g, shape, dims), others)];
  },
  // d max: to the maximal elements, split evenly among ties (as torch.amax)
  max: (c) => extremumGrad(c),
  min: (c) => extremumGrad(c),
  // d BCE(x, y) = (x − y)/max(x(1 − x), ε) dx + (max(log1p(−x), −100) − max(log x, −100)) dy, with
  // PyTorch's ε = 1e-12 as a float32 constant (9.99999996e-13)
  binaryCrossEntropy: (c) => {
    const x = c.input(0), y = c.input(1);
    const gx = c.needsGrad(0) ? mul(c.g, div(sub(x, y), E.maximum(mul(x, sub(1, x)), BCE_EPSILON))) : null;
    const gy = c.needsGrad(1)
      ? mul(c.g, sub(E.maximum(E.log1p(neg(x)), -100), E.maximum(E.log(x), -100)))
      : null;
    return [gx, gy];
  },
  argmax: null,
  argmin: null,
  // y = log softmax(x): dx = dy − softmax(x) Σ dy  (softmax(x) = e^y)
  logSoftmax: (c) => {
    const dim = c.params.dim;
    return [sub(c.g, mul(E.exp(c.output()), apply("sum", [c.g], { dims: [dim], keepdim: true })))];
  },
  // y = x̂·w + b with x̂ = (x − μ)·rstd per row of D: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·w,
  // dw = Σ_rows dy·x̂, db = Σ_rows dy; the statistics' own gradients add dμ/D − d rstd·rstd²·x̂/D.
  layerNorm: (c) => {
    const { size: D, eps } = c.params;
    const x = c.input(0), w = c.input(1), shape = c.inputShape(0);
    const gMean = c.grads[1], gRstd = c.grads[2];
    if (!isGradEnabled() && !gMean && !gRstd) {
      // No graph of the gradient is being built: one fused kernel with the saved statistics.
      return applyMulti("layerNormBackward", [c.g, x, c.output(1), c.output(2), w], { size: D });
    }
    const rows = D === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / D;
    const rowMean = (t: Tensor): Tensor => div(apply("sum", [t], { dims: [1], keepdim: true }), D); // (rows, 1)
    const x2 = reshape(x, [rows, D]), g2 = reshape(c.g, [rows, D]), w2 = reshape(w, [1, D]);
    const centered = sub(x2, rowMean(x2));
    const rstd = E.rsqrt(add(rowMean(mul(centered, centered)), eps)); // (rows, 1)
    const xhat = mul(centered, rstd);
    const gh = mul(g2, w2);
    let dx = mul(rstd, sub(sub(gh, rowMean(gh)), mul(xhat, rowMean(mul(gh, xhat)))));
    if (gMean) dx = add(dx, div(reshape(gMean, [rows, 1]), D));
    if (gRstd) dx = sub(dx, div(mul(mul(reshape(gRstd, [rows, 1]), mul(rstd, rstd)), xhat), D));
    return [
      reshape(dx, shape),
      c.needsGrad(1) ? reshape(apply("sum", [mul(g2, xhat)], { dims: [0], keepdim: false }), c.inputShape(1)) : null,
      c.needsGrad(2) ? reshape(apply("sum", [g2], { dims: [0], keepdim: false }), c.inputShape(2)) : null,
    ];
  },
  layerNormBackward: null,
  // d log Γ(x) = ψ(x) dx
  lgamma: (c) => [mul(c.g, apply("digamma", [c.input(0)], {}))],
  // d ψ(x) = ψ⁽¹⁾(x) dx
  digamma: (c) => [mul(c.g, apply("polygamma", [c.input(0)], { n: 1 }))],
  // d ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x) dx
  polygamma: (c) => [mul(c.g, apply("polygamma", [c.input(0)], { n: c.params.n + 1 }))],
  standardGammaGrad: null,
  // x = F⁻¹(u; α) at fixed u: dx = (∂x/∂α) dα; the sample input carries no gradient. The derivative of
  // ∂x/∂α itself is not implemented (nor in PyTorch), so a second-order pass stops with an error.
  standardGammaReparam: (c) => {
    if (isGradEnabled() && c.input(0).requiresGrad) {
      throw new Error(
        "standardGammaReparam: second-order gradients through Gamma, Beta or Dirichlet rsample are not implemented " +
          "(the derivative of the implicit reparameterization gradient is unavailable, as in PyTorch); " +
          "differentiate once, or without createGraph",
      );
    }
    return [mul(c.g, apply("standardGammaGrad", [c.input(0), c.input(1)], {})), null];
  },
  // the adjoint of a prefix sum is a suffix sum
  cumsum: (c) => [apply("cumsum", [c.g], { dim: c.params.dim, reverse: !c.params.reverse })],
  // d max-pool: each output gradient goes to the position its maximum came from (the saved indices),
  // added up where windows overlap
  maxPool: (c) => {
    const shape = c.inputShape(0);
    return [apply("maxPoolBackward", [c.g, c.output(1)], { inShape: shape.slice(shape.length - c.params.windows.length) })];
  },
  // maxPoolBackward is linear in g: its adjoint reads the gradient back at the same indices, plane by plane
  maxPoolBackward: (c) => {
    const idx = c.input(1), k = c.params.inShape.length;
    const lead = idx.shape.slice(0, idx.ndim - k);
    const count = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
    const planes = count(lead), inPlane = count(c.params.inShape), outPlane = count(idx.shape.slice(lead.length));
    const read = apply("gather", [reshape(c.g, [planes, inPlane]), reshape(idx, [planes, outPlane])], { dim: 1 });
    return [reshape(read, idx.shape), null];
  },
  // average pooling is linear: its VJP is its adjoint, and the adjoint's VJP is the pooling again
  avgPool: (c) => [apply("avgPoolBackward", [c.g], c.params)],
  avgPoolBackward: (c) => [apply("avgPool", [c.g], c.params)],

  reshape: (c) => [reshape(c.g, c.inputShape(0))],
  permute: (c) => {
    const inverse = new Array<number>(c.params.dims.length);
    c.params.dims.forEach((d, i) => (inverse[d] = i));
    return [apply("permute", [c.g], { dims: inverse })];
  },
  // the adjoint of broadcasting is summation
  expand: (c) => [sumTo(c.g, c.inputShape(0))],
  slice: (c) => [apply("unslice", [c.g], { ...c.params, shape: [...c.inputShape(0)] })],
  unslice: (c) => [apply("slice", [c.g], { starts: c.params.starts, ends: c.params.ends, steps: c.params.steps })],
  contiguous: (c) => [c.g],
  cast: (c) => [E.cast(c.g, c.inputDtype(0))],
  // the adjoint of concatenation is splitting
  cat: (c) => {
    const { dim } = c.params;
    const out: Tensor[] = [];
    let start = 0;
    for (let i = 0; i < c.numInputs; i++) {
      const n = c.inputShape(i)[dim]!;
      out.push(sliceOp(c.g, dim, start, start + n));
      start += n;
    }
    return out;
  },
  // gather reads, so its adjoint adds back into the read positions
  gather: (c) => [scatterAdd(zeros(c.inputShape(0), { dtype: c.g.dtype }), c.params.dim, c.input(1), c.g), null],
  scatter: (c) => {
    const index = c.input(1);
    return [scatter(c.g, c.params.dim, index, 0), null, padTo(gather(c.g, c.params.dim, index), c.inputShape(2))];
  },
  scatterAdd: (c) => {
    const index = c.input(1);
    return [c.g, null, padTo(gather(c.g, c.params.dim, index), c.inputShape(2))];
  },
  indexSelect: (c) => [indexAdd(zeros(c.inputShape(0), { dtype: c.g.dtype }), c.params.dim, c.input(1), c.g), null],
  indexAdd: (c) => [c.g, null, indexSelect(c.g, c.params.dim, c.input(1))],
  nonzero: null,
  // out = A·x with A = COO(row, col, values): x̄ = Aᵀ·ḡ (Aᵀ swaps row and col), v̄[e] = ⟨ḡ[row[e]], x[col[e]]⟩
  // (multi-head: v̄[e, h] = Σ_c ḡ[row[e], h·C + c]·x[col[e], h·C + c])
  spmm: (c) => {
    const row = c.input(0), col = c.input(1), vShape = c.inputShape(2);
    let gValues: Tensor | null = null;
    if (c.needsGrad(2)) {
      const E_ = vShape[0]!, H = vShape.length === 2 ? vShape[1]! : 1;
      gValues = apply("sddmm", [row, col, c.g, c.input(3)], { heads: H }); // (E, H)
      if (vShape.length === 1) gValues = reshape(gValues, [E_]);
    }
    const gx = c.needsGrad(3) ? apply("spmm", [col, row, c.input(2), c.g], { rows: c.inputShape(3)[0]! }) : null;
    return [null, null, gValues, gx];
  },
  // out[e, h] = ⟨a[row[e]], b[col[e]]⟩ over head h's columns: ā = spmm(row, col, ḡ, b) (each entry's ḡ·b row
  // lands on its row), b̄ = spmm(col, row, ḡ, a)
  sddmm: (c) => {
    const row = c.input(0), col = c.input(1);
    const ga = c.needsGrad(2) ? apply("spmm", [row, col, c.g, c.input(3)], { rows: c.inputShape(2)[0]! }) : null;
    const gb = c.needsGrad(3) ? apply("spmm", [col, row, c.g, c.input(2)], { rows: c.inputShape(3)[0]! }) : null;
    return [null, null, ga, gb];
  },
  // y = p / (S + ε) with p = e^{x − m}, S = Σ_group p (m constant): dy_e/dx_e' = y_e·(δ − y_e') within a group,
  // so x̄ = y·(ḡ − Σ_group y·ḡ)
  segmentSoftmax: (c) => {
    const y = c.output(), index = c.input(1);
    const yg = mul(y, c.g);
    const groupSum = apply("indexAdd", [zeros([c.params.numNodes, ...y.shape.slice(1)], { dtype: y.dtype }), index, yg], { dim: 0 });
    return [sub(yg, mul(y, apply("indexSelect", [groupSum, index], { dim: 0 }))), null];
  },
  // d max over a segment: to the elements equal to their segment's maximum, split evenly among ties
  // (torch.scatter_reduce "amax"); NaN maxima came from the NaN elements
  scatterMax: (c) => {
    const src = c.input(0), index = c.input(1), out = c.output();
    const picked = apply("indexSelect", [out, index], { dim: 0 });
    const isMax = E.cast(E.logicalOr(E.eq(src, picked), E.logicalAnd(E.ne(src, src), E.ne(picked, picked))), src.dtype);
    const count = apply("indexAdd", [zeros(out.shape, { dtype: src.dtype }), index, isMax], { dim: 0 });
    // empty segments have count 0 and receive nothing; max(count, 1) keeps their second-order terms finite
    return [mul(apply("indexSelect", [div(c.g, E.maximum(count, 1)), index], { dim: 0 }), isMax), null];
  },

  // y = x·wᵀ + b: dx = dy·w, dw = dyᵀ·x (contiguous, in w's layout), db = Σ_rows dy
  linear: (c) => [
    c.needsGrad(0) ? matmul(c.g, c.input(1)) : null,
    c.needsGrad(1) ? matmul(mT(c.g), c.input(0)) : null,
    c.needsGrad(2) ? apply("sum", [c.g], { dims: [0], keepdim: false }) : null,
  ],
  // C = AB: dA = dC Bᵀ, dB = Aᵀ dC. An operand that is a transposed view (Wᵀ in a linear layer) gets
  // its gradient computed transposed, (dB)ᵀ = dCᵀ A, so the leaf receives a contiguous gradient.
  matmul: (c) => {
    const a = c.input(0), b = c.input(1);
    const ga = !c.needsGrad(0) ? null : isTransposed(a) ? mT(matmul(b, mT(c.g))) : matmul(c.g, mT(b));
    const gb = !c.needsGrad(1) ? null : isTransposed(b) ? mT(matmul(mT(c.g), a)) : matmul(mT(a), c.g);
    return [ga, gb];
  },
  // The convolution family is closed under adjoints: y = conv(x, w) + b is bilinear in (x, w), so
  // x̄ = convTranspose(ȳ, w) (the adjoint in x), w̄ = convWeight(x, ȳ) (the adjoint in w), and
  // b̄ = Σ ȳ over batch and space (summed over space first: two reductions of consecutive dims).
  conv: (c) => [
    c.needsGrad(0) ? apply("convTranspose", [c.g, c.input(1)], { ...c.params, outputSize: spatial(c.inputShape(0)) }) : null,
    c.needsGrad(1) ? apply("convWeight", [c.input(0), c.g], { ...c.params, outputSize: spatial(c.inputShape(1)) }) : null,
    ...(c.numInputs > 2 ? [c.needsGrad(2) ? sumBatchAndSpace(c.g) : null] : []),
  ],
  // out = convTranspose(y, w) = Aᵀy with A = conv(·, w): ȳ = conv(ōut, w), w̄ = convWeight(ōut, y)
  convTranspose: (c) => [
    c.needsGrad(0) ? apply("conv", [c.g, c.input(1)], { ...c.params, outputSize: spatial(c.inputShape(0)) }) : null,
    c.needsGrad(1) ? apply("convWeight", [c.g, c.input(0)], { ...c.params, outputSize: spatial(c.inputShape(1)) }) : null,
  ],
  // dw = convWeight(x, dy) satisfies ⟨W̄, dw⟩ = ⟨dy, conv(x, W̄)⟩ = ⟨convTranspose(dy, W̄), x⟩:
  // x̄ = convTranspose(dy, W̄), d̄y = conv(x, W̄)
  convWeight: (c) => [
    c.needsGrad(0) ? apply("convTranspose", [c.input(1), c.g], { ...c.params, outputSize: spatial(c.inputShape(0)) }) : null,
    c.needsGrad(1) ? apply("conv", [c.input(0), c.g], { ...c.params, outputSize: spatial(c.inputShape(1)) }) : null,
  ],
  // unfold and fold copy (and add) values between the same positions: each is the other's adjoint
  unfold: (c) => [apply("fold", [c.g], c.params)],
  fold: (c) => [apply("unfold", [c.g], c.params)],
  // O = P·V, P = exp(S − lse), S = scale·Q·Kᵀ + M, lse = log Σⱼ e^Sᵢⱼ. P is recomputed from the saved lse
  // (no L×S tensor is kept between passes): dV = Pᵀ·dO, dS = P ∘ (dO·Vᵀ − rowsum(dO ∘ O) + d lse),
  // dQ = scale·dS·K, dK = scale·dSᵀ·Q, dM = dS.
  // Operands are (B, ·, ·) or (N, H, ·, ·): `lead` is the batch dims.
  scaledDotProductAttention: (c) => {
    const q = c.input(0), k = c.input(1), v = c.input(2), { scale, isCausal } = c.params;
    const qShape = c.inputShape(0), lead = qShape.slice(0, -2), L = qShape[qShape.length - 2]!, last = qShape.length - 1;
    const hasMask = c.numInputs > 3;
    if (!isGradEnabled()) {
      // No graph of the gradient is being built: the same formulas in one fused kernel.
      const gOut = c.grads[0] ?? zerosLike(c.output(0)), gLse = c.grads[1] ?? zerosLike(c.output(1));
      const maskGrad = hasMask && c.needsGrad(3);
      const inputs = [q, k, v, c.output(0), c.output(1), gOut, gLse, ...(hasMask ? [c.input(3)] : [])];
      const [dq, dk, dv, dm] = applyMulti("scaledDotProductAttentionBackward", inputs, { scale, isCausal, maskGrad });
      return [dq!, dk!, dv!, ...(hasMask ? [dm ?? null] : [])];
    }
    const S = c.inputShape(1)[last - 1]!;
    let scores = mul(matmul(q, mT(k)), scale); // (…, L, S)
    if (c.numInputs > 3) scores = add(scores, c.input(3));
    if (isCausal) scores = where(causalKeep(L, S), scores, -Infinity);
    const p = E.exp(sub(scores, reshape(c.output(1), [...lead, L, 1]))); // (…, L, S)
    const gOut = c.grads[0], gLse = c.grads[1];
    let gScores: Tensor | null = null;
    let gv: Tensor | null = null;
    if (gOut) {
      gv = c.needsGrad(2) ? matmul(mT(p), gOut) : null;
      const rowDot = apply("sum", [mul(gOut, c.output(0))], { dims: [last], keepdim: true }); // (…, L, 1)
      gScores = sub(matmul(gOut, mT(v)), rowDot);
    }
    if (gLse) {
      const g = reshape(gLse, [...lead, L, 1]);
      gScores = gScores ? add(gScores, g) : expand(g, [...lead, L, S]);
    }
    if (!gScores) return [null, null, null, ...(c.numInputs > 3 ? [null] : [])];
    const ds = mul(p, gScores); // (…, L, S)
    return [
      c.needsGrad(0) ? mul(matmul(ds, k), scale) : null,
      c.needsGrad(1) ? mul(matmul(mT(ds), q), scale) : null,
      gv,
      ...(c.numInputs > 3 ? [c.needsGrad(3) ? ds : null] : []),
    ];
  },
  scaledDotProductAttentionBackward: null,
  // A = LLᵀ: dA = ½ sym(L⁻ᵀ Φ(Lᵀ dL) L⁻¹), Φ = lower triangle with halved diagonal
  // Backpropagation through time (formulas at lstmRecurrenceBackwardReference): the fused backward
  // kernel gives the pre-activation gate gradients dxg and dh0, dc0 from the saved c's and gates, and
  // dW_hh = Σ_t dgates_tᵀ h_{t−1} from one GEMM over all steps in the same call. Under createGraph
  // the composite reference computes the same gradient differentiably (the fused backward has no
  // gradient of its own).
  lstmRecurrence: (c) => {
    if (c.grads[2]) throw new Error("lstmRecurrence: its third output (the saved gates) is a workspace; no gradient may flow into it");
    const reverse = c.params.reverse;
    const ghs = c.grads[0] ?? zerosLike(c.output(0));
    const gcs = c.grads[1] ?? zerosLike(c.output(1));
    if (isGradEnabled()) return lstmRecurrenceBackwardReference(ghs, gcs, c.input(0), c.input(1), c.input(2), c.input(3), reverse);
    const weightGrad = c.needsGrad(1);
    const [dxg, dh0, dc0, dWhh] = applyMulti(
      "lstmRecurrenceBackward", [ghs, gcs, c.input(1), c.input(3), c.output(1), c.output(2), c.input(2), c.output(0)], { reverse, weightGrad },
    );
    return [dxg!, weightGrad ? dWhh! : null, dh0!, dc0!];
  },
  lstmRecurrenceBackward: null,
  // Backpropagation through time (formulas at gruRecurrenceBackwardReference): the fused backward kernel
  // gives the gradients of the input projections dxg, of every gh = h W_hhᵀ + b_hh (dgh) and of h0;
  // dW_hh = Σ_t dgh_tᵀ h_{t−1} is one GEMM over all steps and db_hh = Σ_t dgh_t one sum. Under
  // createGraph the composite reference computes the same gradient differentiably.
  gruRecurrence: (c) => {
    if (c.grads[1]) throw new Error("gruRecurrence: its second output (the saved gates) is a workspace; no gradient may flow into it");
    const reverse = c.params.reverse;
    const [T, B, G] = c.inputShape(0) as [number, number, number];
    const H = G / 3;
    const ghs = c.grads[0] ?? zerosLike(c.output(0));
    if (isGradEnabled()) return gruRecurrenceBackwardReference(ghs, c.input(0), c.input(1), c.input(2), c.input(3), reverse);
    const hs = c.output(0);
    const [dxg, dgh, dh0] = applyMulti("gruRecurrenceBackward", [ghs, c.input(1), c.input(3), hs, c.output(1)], { reverse });
    const dgh2 = reshape(dgh!, [T * B, G]);
    let dWhh: Tensor | null = null;
    if (c.needsGrad(1)) {
      const h0 = reshape(c.input(3), [1, B, H]);
      // h_{t−1} for every t, in time order: (T, B, H)
      const hPrev = T === 1 ? h0 : reverse ? catOp([sliceOp(hs, 0, 1, T), h0], 0) : catOp([h0, sliceOp(hs, 0, 0, T - 1)], 0);
      dWhh = matmul(mT(dgh2), reshape(hPrev, [T * B, H]));
    }
    return [dxg!, dWhh, c.needsGrad(2) ? sumTo(dgh2, [G]) : null, dh0!];
  },
  gruRecurrenceBackward: null,
  cholesky: (c) => {
    const upper = c.params.upper;
    const L = upper ? mT(c.output()) : c.output();
    const gL = upper ? mT(c.g) : c.g;
    const Linv = inv(L);
    const gA = matmul(mT(Linv), matmul(phi(matmul(mT(L), gL)), Linv));
    return [mul(add(gA, mT(gA)), 0.5)];
  },
  // d(A⁻¹) = −A⁻¹ dA A⁻¹  ⇒  Ā = −A⁻ᵀ Ḡ A⁻ᵀ
  inv: (c) => {
    const Y = mT(c.output());
    return [neg(matmul(Y, matmul(c.g, Y)))];
  },
  // X = A⁻¹B: B̄ = A⁻ᵀ X̄, Ā = −B̄ Xᵀ
  solve: (c) => {
    const gB = solve(mT(c.input(0)), c.g);
    return [c.needsGrad(0) ? neg(matmul(gB, mT(c.output()))) : null, gB];
  },
  // d det A = det A · tr(A⁻¹ dA)  ⇒  Ā = ḡ det A A⁻ᵀ
  det: (c) => {
    const scale = E.mul(c.g, c.output());
    return [mul(reshape(scale, [...scale.shape, 1, 1]), mT(inv(c.input(0))))];
  },
  // d log|det A| = tr(A⁻¹ dA)  ⇒  Ā = ḡ A⁻ᵀ (the sign output has no gradient)
  slogdet: (c) => {
    const g = c.grads[1];
    if (!g) return [zeros(c.inputShape(0), { dtype: c.inputDtype(0) })];
    return [mul(reshape(g, [...g.shape, 1, 1]), mT(inv(c.input(0))))];
  },
  eigh: null,
  qr: null,
  svd: null,
};

/** (L, S) bool: query i may attend key j ≤ i (PyTorch's top-left causal mask). */
function causalKeep(L: number, S: number): Tensor {
  const keep = zeros([L, S], { dtype: "bool" });
  for (let i = 0; i < L; i++) for (let j = 0; j <= Math.min(i, S - 1); j++) keep.storage.data[i * S + j] = 1;
  return keep;
}

/** Σ over every dim but 1 of an (N, C, *spatial) tensor → (C). */
function sumBatchAndSpace(g: Tensor): Tensor {
  // Over the spatial dims first, of g itself: a reshaped view would keep a claim on g's memory after
  // backward has released g (see releaseConsumed in backward.ts).
  const space = g.shape.slice(2).map((_, i) => i + 2);
  const perImage = space.length > 0 ? apply("sum", [g], { dims: space, keepdim: false }) : g; // (N, C)
  return apply("sum", [perImage], { dims: [0], keepdim: false });
}

/** The spatial dims of an (N, C, *spatial) shape. */
const spatial = (shape: readonly number[]): number[] => shape.slice(2);

/** A column-major matrix (a transposed view): its last two strides are swapped. */
function isTransposed(x: Tensor): boolean {
  const n = x.ndim;
  return x.strides[n - 1] !== 1 && x.strides[n - 2] === 1 && x.shape[n - 1]! > 1 && x.shape[n - 2]! > 1;
}

function extremumGrad(c: VjpContext<"max"> | VjpContext<"min">): Tensor[] {
  const x = c.input(0), { dims } = c.params, shape = c.inputShape(0);
  const out = unreduce(c.output(), shape, dims);
  // A NaN extremum came from the NaN elements: they share the gradient (PyTorch's evenly_distribute_backward).
  const isExtreme = E.cast(E.logicalOr(E.eq(x, out), E.logicalAnd(E.ne(x, x), E.ne(out, out))), x.dtype);
  const count = unreduce(apply("sum", [isExtreme], { dims, keepdim: true }), shape, dims);
  return [mul(unreduce(c.g, shape, dims), div(isExtreme, count))];
}

/** Zero-pads `g` (at the end of each dim) up to `shape` — for scatter sources larger than the index. */
function padTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.every((s, i) => s === shape[i])) return g;
  return apply("unslice", [g], { shape: [...shape], starts: shape.map(() => 0), ends: [...g.shape], steps: shape.map(() => 1) });
}

