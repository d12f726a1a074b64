// The primitive set: every tensor computation bottoms out in one of these; each has one kernel per
// backend (src/backend) and one gradient row (src/autograd/vjp.ts), enforced by mapped types.
import type { DType } from "../tensor/dtype.js";

/** Differentiable elementwise functions of one tensor. */
export type UnaryPrim =
  | "neg" | "abs" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "sin" | "cos"
  | "tanh" | "sigmoid" | "relu" | "sign" | "floor" | "ceil" | "round" | "erf";

/** Differentiable elementwise functions of two broadcast tensors. */
export type BinaryPrim = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum";

/** Elementwise predicates (bool output, no gradient). */
export type ComparePrim = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "logicalXor";

export type ReducePrim = "sum" | "prod" | "max" | "min";

export interface ReduceParams {
  /** Sorted, normalized dims to reduce. */
  dims: number[];
  keepdim: boolean;
}

/**
 * The windows of one pooled dim: output o reads the input positions lo[o], lo[o] + step, … below
 * hi[o], already clipped to the input. The op (src/ops/pooling.ts) derives them from PyTorch's
 * formulas (kernel, stride, padding, dilation, ceil mode; or adaptive start/end indices).
 */
export interface PoolWindows {
  lo: number[];
  hi: number[];
  step: number;
}

/** Average pooling of the trailing `windows.length` dims (and its adjoint). */
export interface AvgPoolParams {
  windows: PoolWindows[];
  /** Per dim, each output's factor of the divisor; the window sum is divided by their product. */
  counts: number[][];
  /** PyTorch's divisor_override: divides every window sum by this instead, when not null. */
  divisorOverride: number | null;
  /** The pooled dims of the input (the output shape of the adjoint). */
  inShape: number[];
}

export interface SliceParams {
  /** Per dimension: first index, end (exclusive) and positive step; already clamped to the shape. */
  starts: number[];
  ends: number[];
  steps: number[];
}

/** Geometry shared by the convolution primitives (one entry per spatial dim). */
export interface ConvParams {
  stride: number[];
  /** Implicit zeros before the first element of each spatial dim of the convolution's input. */
  padding: number[];
  dilation: number[];
  groups: number;
  /** Spatial size of this primitive's output (for convWeight: the kernel's). */
  outputSize: number[];
}

/** Geometry of im2col/col2im: a kernel sliding over an image (one entry per spatial dim). */
export interface UnfoldParams {
  kernelSize: number[];
  stride: number[];
  /** Implicit zeros before the first element of each spatial dim of the image. */
  padding: number[];
  dilation: number[];
  /** Spatial size of the image. */
  imageSize: number[];
  /** Number of kernel positions along each spatial dim. */
  blocks: number[];
}

/** Parameters of each primitive. */
export type PrimParams = { [P in UnaryPrim]: Record<string, never> } & {
  [P in BinaryPrim]: Record<string, never>;
} & { [P in ComparePrim]: Record<string, never> } & { [P in ReducePrim]: ReduceParams } & {
  logicalNot: Record<string, never>;
  where: Record<string, never>;
  /** ReLU's gradient, fused (PyTorch's threshold_backward): inputs (g, y = relu(x)) → g where y > 0, else 0. */
  reluBackward: Record<string, never>;
  /** GELU x·Φ(x) in its exact (erf) form, fused; the composite ½x(1 + erf(x/√2)) is the test oracle. */
  gelu: Record<string, never>;
  /** GELU's gradient, fused: inputs (g, x) of one shape → g·(Φ(x) + x·φ(x)), φ the standard normal density. */
  geluBackward: Record<string, never>;
  /**
   * Binary cross-entropy, elementwise, of probabilities x and targets y of one shape (PyTorch's kernel):
   * −(y·max(log x, −100) + (1 − y)·max(log1p(−x), −100)). A primitive so that its gradient is PyTorch's
   * (x − y)/max(x(1 − x), 1e-12f), finite where x saturates at 0 or 1.
   */
  binaryCrossEntropy: Record<string, never>;
  argmax: { dim: number; keepdim: boolean };
  argmin: { dim: number; keepdim: boolean };
  /** log softmax along `dim`, fused (one pass per line; the composite x − m − log Σ e^(x−m) is the test oracle). */
  logSoftmax: { dim: number };
  /**
   * Layer normalization over the last `size` elements of each row, fused: inputs (x, weight, bias) with
   * weight and bias of `size` elements (ones and zeros when the layer has none) → y = (x − μ)·rstd·w + b
   * (x's shape), and the per-row statistics μ and rstd = 1/√(σ² + eps) (rows) that the backward reuses.
   * The composite (mean, var, sub, div) is the test oracle.
   */
  layerNorm: { size: number; eps: number };
  /** layerNorm's gradient in one kernel: inputs (dy, x, μ, rstd, w) → (dx, dw, db). */
  layerNormBackward: { size: number };
  /** log |Γ(x)|, elementwise. */
  lgamma: Record<string, never>;
  /** ψ(x) = d log Γ(x)/dx, elementwise. */
  digamma: Record<string, never>;
  /** ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n ≥ 1), elementwise. */
  polygamma: { n: number };
  /** ∂x/∂α of standard Gamma(α, 1) samples x at fixed CDF value (PyTorch's _standard_gamma_grad); inputs (α, x). */
  standardGammaGrad: Record<string, never>;
  /**
   * Inputs (α, x) with x drawn from Gamma(α, 1) → x itself, carrying the implicit reparameterization
   * gradient ∂x/∂α = standardGammaGrad(α, x) (what PyTorch's _standard_gamma records).
   */
  standardGammaReparam: Record<string, never>;
  /** Inclusive prefix sum along `dim`; `reverse` sums from the end (the VJP of the forward sum). */
  cumsum: { dim: number; reverse: boolean };
  /**
   * Max pooling of the trailing `windows.length` dims; two outputs: the maxima and, as int32, each
   * one's position in its flattened input plane (PyTorch's indices). The first maximum of a window
   * wins; NaN counts as maximal.
   */
  maxPool: { windows: PoolWindows[] };
  /**
   * Max pooling's gradient: inputs (g, indices) of the pooled shape; each g added at its index in a
   * zero input plane whose pooled dims are `inShape` (a scatter-add per plane).
   */
  maxPoolBackward: { inShape: number[] };
  /** Window sums divided by the divisors: average pooling (also adaptive). */
  avgPool: AvgPoolParams;
  /** The adjoint of avgPool: each output gradient spread over its window, divided by its divisor. */
  avgPoolBackward: AvgPoolParams;
  reshape: { shape: number[] };
  permute: { dims: number[] };
  expand: { shape: number[] };
  slice: SliceParams;
  /** Zeros of `shape` with the input written into the slice region (the adjoint of slice). */
  unslice: SliceParams & { shape: number[] };
  contiguous: Record<string, never>;
  cast: { dtype: DType };
  cat: { dim: number };
  gather: { dim: number };
  scatter: { dim: number };
  scatterAdd: { dim: number };
  indexSelect: { dim: number };
  indexAdd: { dim: number };
  nonzero: Record<string, never>;
  /** A linear layer, fused (PyTorch's addmm): x (M, K), w (N, K), b (N) → x·wᵀ + b, (M, N). */
  linear: Record<string, never>;
  /** Batched matrix product of 3-D operands: (B, M, K) · (B, K, N) → (B, M, N). */
  matmul: Record<string, never>;
  /**
   * Convolution (cross-correlation, as PyTorch) of x (N, G·Cg, *in) with w (G·Og, Cg, *k), 1 to 3 spatial
   * dims: y[n, o, p] = Σ_{c,k} x[n, g·Cg + c, p·stride − padding + k·dilation] · w[o, c, k], zeros
   * outside x. `outputSize` gives the spatial size of y, so the padding at the end may differ from the
   * start (padding="same" with an even kernel). An optional third input b (G·Og) is added per output
   * channel (fused, as PyTorch's convolution).
   */
  conv: ConvParams;
  /**
   * The adjoint of `conv` in x (PyTorch's conv_transpose): y (N, G·Ig, *in) and w (G·Ig, Og, *k) →
   * (N, G·Og, *outputSize), each y[n, c, p]·w[c, o, k] added at position p·stride − padding + k·dilation.
   */
  convTranspose: ConvParams;
  /**
   * The adjoint of `conv` in w: x (N, G·Cg, *in) and dy (N, Cout, *out) → (Cout, Cg, *outputSize),
   * dw[o, c, k] = Σ_{n,p} dy[n, o, p] · x[n, g·Cg + c, p·stride − padding + k·dilation].
   */
  convWeight: ConvParams;
  /**
   * im2col (torch.nn.functional.unfold): x (N, C, *imageSize) → (N, C·K, L) with K kernel taps and
   * L = Π blocks; cols[n, c·K + k, l] = x[n, c, l·stride − padding + k·dilation], 0 outside the image.
   */
  unfold: UnfoldParams;
  /** col2im, the adjoint of unfold (torch.nn.functional.fold): (N, C·K, L) → (N, C, *imageSize), overlaps summed. */
  fold: UnfoldParams;
  /**
   * Scaled dot-product attention, fused: q (B, L, E), k (B, S, E), v (B, S, Ev) and an optional additive
   * float mask (B, L, S) → out = softmax(scale·q·kᵀ + mask)·v (B, L, Ev) and, as a second output, each
   * query row's logsumexp of the scores (B, L): the one statistic the backward keeps instead of the
   * L×S weights. `isCausal` masks keys j > i (PyTorch's top-left causal mask). The kernel streams over
   * blocks of keys with an online softmax (Milakov & Gimelshein 2018, FlashAttention's recurrence).
   * Every operand may instead have two batch dims (N, H) in place of B (heads split from the features by
   * a transpose, read through their strides without a copy; a kernel may write an output in its
   * operand's memory order).
   */
  scaledDotProductAttention: { scale: number; isCausal: boolean };
  /**
   * The gradient of scaledDotProductAttention in one kernel (used when no graph of the gradient is
   * built; the VJP row is the differentiable composite otherwise): inputs (q, k, v, out, lse, dOut, dLse
   * [, mask]) → (dq, dk, dv[, dmask when `maskGrad`]).
   */
  scaledDotProductAttentionBackward: { scale: number; isCausal: boolean; maskGrad: boolean };
  /**
   * The recurrence of one LSTM direction over a whole sequence, fused: inputs xg (T, B, 4H) (the input
   * projections x_t W_ihᵀ + b_ih + b_hh of every step), W_hh (4H, H), h0 and c0 (B, H). Per step
   * (t = 0 … T−1, or T−1 … 0 with `reverse`) the gates xg_t + h W_hhᵀ come from one GEMM and
   * c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c) from one pass over them. Three outputs: every h and
   * every c, (T, B, H), and the activated gates σ(i), σ(f), tanh(g), σ(o), (T, B, 4H), which backward
   * reads instead of recomputing them (a workspace: no gradient flows into it).
   */
  lstmRecurrence: { reverse: boolean };
  /**
   * Backpropagation through time of lstmRecurrence: inputs (dhs, dcs (T, B, H), W_hh, c0, cs, gates,
   * h0, hs) → dxg (T, B, 4H) (the gradient of the pre-activation gates), dh0 and dc0 (B, H); one GEMM
   * per step (dgates_t W_hh). With `weightGrad` a fourth output, dW_hh = Σ_t dgates_tᵀ h_{t−1} (4H, H):
   * one GEMM over all steps in the same call, reading dxg where the kernel wrote it.
   */
  lstmRecurrenceBackward: { reverse: boolean; weightGrad: boolean };
  /**
   * The recurrence of one GRU direction over a whole sequence, fused: inputs xg (T, B, 3H) (the input
   * projections x_t W_ihᵀ + b_ih of every step), W_hh (3H, H), b_hh (3H) and h0 (B, H). Per step
   * (t = 0 … T−1, or T−1 … 0 with `reverse`) gh = h W_hhᵀ + b_hh comes from one GEMM and, gate order
   * r, z, n, r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn), h = (1 − z)·n + z·h from one pass.
   * Two outputs: every h (T, B, H), and r, z, n, hn (T, B, 4H), which backward reads instead of
   * recomputing them (a workspace: no gradient flows into it).
   */
  gruRecurrence: { reverse: boolean };
  /**
   * Backpropagation through time of gruRecurrence: inputs (dhs (T, B, H), W_hh, h0, hs, saved gates) →
   * dxg (T, B, 3H) (the gradient of the input projections), dgh (T, B, 3H) (the gradient of every
   * h W_hhᵀ + b_hh) and dh0 (B, H); one GEMM per step (dgh_t W_hh). The W_hh and b_hh gradients are
   * one GEMM and one sum over all steps, done by the caller.
   */
  gruRecurrenceBackward: { reverse: boolean };
  /**
   * Sparse × dense product (SpMM) of a COO matrix A (rows × x.shape[0]) with a dense x (M, F): inputs
   * (row, col, values, x) with int32 row/col of length E and float values (E) (duplicates add up) →
   * out (rows, F), out[row[e]] += values[e]·x[col[e]]. Never builds A densely (graph convolutions).
   * Multi-head form: values (E, H) and F = H·C, one sparse matrix per block of C columns
   * (out[row[e], h·C + c] += values[e, h]·x[col[e], h·C + c]), for graph attention.
   */
  spmm: { rows: number };
  /**
   * Sampled dense-dense product (SDDMM), the adjoint of spmm in its values: inputs (row, col int32 (E),
   * a (R, F), b (M, F)) → (E, H) with F = H·C, out[e, h] = Σ_c a[row[e], h·C + c]·b[col[e], h·C + c]
   * (one dot product per entry of the sparsity pattern and head; H = 1: plain row dot products).
   */
  sddmm: { heads: number };
  /**
   * Segment maximum (torch.scatter_reduce "amax", include_self=False): inputs (src (E, *rest), index
   * int32 (E)) → (dimSize, *rest), out[n] = max over {e : index[e] = n} of src[e]; 0 where no e
   * points at n. NaN propagates.
   */
  scatterMax: { dimSize: number };
  /**
   * Softmax over edge groups (PyG's `softmax`): inputs (src (E, *rest), index int32 (E)) → (E, *rest),
   * out[e] = exp(src[e] − m_g) / (Σ_{e' : index[e'] = g} exp(src[e'] − m_g) + 1e-16) with g = index[e] and
   * m_g the group's maximum, held constant (it cancels mathematically). numNodes bounds the groups.
   */
  segmentSoftmax: { numNodes: number };
  cholesky: { upper: boolean };
  inv: Record<string, never>;
  solve: Record<string, never>;
  det: Record<string, never>;
  /** Two outputs: sign and log|det|. */
  slogdet: Record<string, never>;
  /** Two outputs: eigenvalues (ascending) and eigenvectors (columns). */
  eigh: Record<string, never>;
  /** Two outputs: Q and R. */
  qr: { mode: "reduced" | "complete" };
  /** Three outputs: U, S (descending), Vh. */
  svd: { fullMatrices: boolean };
};

/**
 * The name of an autograd primitive: the operations backends implement and the tape records (`"add"`,
 * `"matmul"`, `"conv"`, ...).
 */
export type Prim = keyof PrimParams;

/** Every primitive, for code that enumerates the table (gradcheck tests, backend coverage). */
export const unaryPrims: readonly UnaryPrim[] = [
  "neg", "abs", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos",
  "tanh", "sigmoid", "relu", "sign", "floor", "ceil", "round", "erf",
];
export const binaryPrims: readonly BinaryPrim[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"];
export const comparePrims: readonly ComparePrim[] = [
  "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor",
];
export const reducePrims: readonly ReducePrim[] = ["sum", "prod", "max", "min"];
