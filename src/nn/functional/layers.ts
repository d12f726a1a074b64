// Stateless forms of the layers: linear, bilinear, embedding, dropout, batch and layer normalization.
import { Tensor } from "../../tensor/Tensor.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import * as E from "../../ops/elementwise.js";
import { mean, sum, variance } from "../../ops/reduce.js";
import { index, where } from "../../ops/indexing.js";
import { matmul } from "../../ops/linalg.js";
import { fromHost, ones, rand, zeros } from "../../ops/creation.js";
import { apply, applyMulti, noGrad } from "../../autograd/engine.js";
import { allocate, isFloating } from "../../tensor/dtype.js";
import { defaultGenerator, type Generator } from "../../random/Generator.js";

/** y = x Wᵀ + b with x (…, in), W (out, in), b (out) → (…, out). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inFeatures = weight.shape[1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(`linear: input ${fmtShape(x.shape)} must end in ${inFeatures} features to match weight ${fmtShape(weight.shape)}`);
  }
  const N = weight.shape[0]!;
  if (bias && weight.ndim === 2 && bias.ndim === 1 && bias.shape[0] === N && isFloating(x.dtype) && weight.dtype === x.dtype && bias.dtype === x.dtype) {
    // One fused primitive (x·wᵀ + b, as PyTorch's addmm) on the rows of x.
    const rows = x.ndim === 2 ? x : x.reshape(-1, inFeatures);
    const y = apply("linear", [rows, weight, bias], {});
    return x.ndim === 2 ? y : y.reshape(...x.shape.slice(0, -1), N);
  }
  if (x.ndim > 2 && weight.ndim === 2) {
    // Leading dims folded into rows: one GEMM for y and for the weight's gradient (a batched product
    // against a broadcast weight would leave a (batch, N, in) gradient to sum over the batch).
    const y = matmul(x.reshape(-1, inFeatures), weight.t()).reshape(...x.shape.slice(0, -1), N);
    return bias ? E.add(y, bias) : y;
  }
  const y = matmul(x, weight.t());
  return bias ? E.add(y, bias) : y;
}

/** y_k = x₁ᵀ W_k x₂ + b_k with x₁ (…, in1), x₂ (…, in2), W (out, in1, in2) → (…, out). */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const [out, in1, in2] = weight.shape as [number, number, number];
  if (x1.shape[x1.ndim - 1] !== in1 || x2.shape[x2.ndim - 1] !== in2 || !shapesEqual(x1.shape.slice(0, -1), x2.shape.slice(0, -1))) {
    throw new Error(`bilinear: inputs ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)} do not match weight ${fmtShape(weight.shape)}`);
  }
  const lead = x1.shape.slice(0, -1);
  const a = x1.reshape(-1, in1); // (B, in1)
  const b = x2.reshape(-1, in2); // (B, in2)
  const w = weight.permute(1, 0, 2).reshape(in1, out * in2); // (in1, out·in2)
  const aw = matmul(a, w).reshape(-1, out, in2); // (B, out, in2)
  let y = sum(E.mul(aw, b.reshape(-1, 1, in2)), { dim: 2 }); // (B, out)
  if (bias) y = E.add(y, bias);
  return y.reshape([...lead, out]);
}

/**
 * Rows of `weight` (num, dim) picked by int32 indices (any shape) → (…, dim). Rows equal to
 * `paddingIdx` receive no gradient (their output is still the stored row).
 */
export function embedding(indices: Tensor, weight: Tensor, options: { paddingIdx?: number } = {}): Tensor {
  if (indices.dtype !== "int32") throw new Error(`embedding: indices must be int32, got dtype ${indices.dtype}`);
  const rowsInTable = weight.shape[0] ?? 0;
  const place = (t: Tensor) => (t.storage.device === null ? "the cpu" : `the ${t.storage.device.device} device`);
  if ((indices.storage.device === null) !== (weight.storage.device === null)) {
    throw new Error(`embedding: indices ${fmtShape(indices.shape)} live on ${place(indices)} while weight ${fmtShape(weight.shape)} lives on ${place(weight)}; move the indices with ds.toDevice(indices) (or create them after setBackend)`);
  }
  // Indices on a device are not read back here (that would wait for the GPU): the gather kernel checks
  // them there, and an index out of range fails the next read from the device, naming the op and the index.
  const iv = indices.storage.device === null ? indices.dataSync() : [];
  for (let i = 0; i < iv.length; i++) {
    const k = iv[i]!;
    if (k < 0 || k >= rowsInTable) {
      throw new Error(`embedding: index ${k} is out of range for an embedding table of ${rowsInTable} rows (weight ${fmtShape(weight.shape)})`);
    }
  }
  const rows = index(weight, indices);
  if (options.paddingIdx === undefined) return rows;
  const pad = noGrad(() => E.eq(indices, options.paddingIdx!).reshape([...indices.shape, 1]));
  return where(pad, index(weight.detach(), indices), rows);
}

/**
 * Inverted dropout (Srivastava et al. 2014, JMLR 15): in training each element is zeroed with
 * probability p and the survivors are scaled by 1/(1 − p), so evaluation needs no rescaling.
 */
export function dropout(x: Tensor, options: { p?: number; training?: boolean; generator?: Generator } = {}): Tensor {
  const p = options.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability p must be in [0, 1], got ${p}`);
  if (options.training === false || p === 0) return x;
  if (p === 1) return E.mul(x, 0);
  // The mask in one pass: the same uniform draws and values as cast(rand(shape, float64) < 1 − p) · 1/(1 − p).
  const g = options.generator ?? defaultGenerator;
  const scale = 1 / (1 - p), keepBelow = 1 - p;
  const maskType = isFloating(x.dtype) ? x.dtype : "float32";
  const mask = allocate(maskType, x.size);
  const chunk = new Float64Array(Math.min(4096, mask.length));
  for (let start = 0; start < mask.length; start += chunk.length) {
    const u = g.fillRandom(start + chunk.length <= mask.length ? chunk : chunk.subarray(0, mask.length - start));
    for (let i = 0; i < u.length; i++) mask[start + i] = u[i]! < keepBelow ? scale : 0;
  }
  return E.mul(x, fromHost("dropout", mask, x.shape, maskType, x)); // the mask goes where x lives
}

/**
 * Options of the channel dropouts (`dropout1d`, `dropout2d`, `dropout3d`): the drop probability `p` (default
 * 0.5), whether in training (dropout is a no-op otherwise) and the random generator.
 */
export interface DropoutOptions {
  p?: number;
  training?: boolean;
  generator?: Generator;
}

/**
 * Channel dropout (Tompson et al. 2015, arXiv:1411.4280): whole channels are zeroed with probability p
 * and the others scaled by 1/(1 − p). The mask has one entry per (sample, channel), or per channel for
 * an unbatched input, drawn from `generator` (or the default one).
 */
function featureDropout(op: string, x: Tensor, spatialDims: number, options: DropoutOptions, batchedOnly = false): Tensor {
  const p = options.p ?? 0.5;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`${op}: probability p must be in [0, 1], got ${p}`);
  const batched = x.ndim === spatialDims + 2;
  if (!batched && (batchedOnly || x.ndim !== spatialDims + 1)) {
    const forms = batchedOnly ? `${spatialDims + 2}-D (N, C, …)` : `${spatialDims + 1}-D (C, …) or ${spatialDims + 2}-D (N, C, …)`;
    throw new Error(`${op}: expected a ${forms} input, got shape ${fmtShape(x.shape)}`);
  }
  if (options.training === false || p === 0) return x;
  if (p === 1) return E.mul(x, 0);
  const channels = batched ? 2 : 1;
  const maskShape = x.shape.map((s, i) => (i < channels ? s : 1)); // (N, C, 1, …)
  const keep = noGrad(() => E.lt(rand(maskShape, { dtype: "float64", generator: options.generator }), 1 - p));
  return E.mul(x, E.mul(E.cast(keep, x.dtype), 1 / (1 - p)));
}

/** Channel dropout of (N, C, L) or (C, L): each channel's whole sequence is kept or dropped. */
export function dropout1d(x: Tensor, options: DropoutOptions = {}): Tensor {
  return featureDropout("dropout1d", x, 1, options);
}

/**
 * Channel dropout of (N, C, H, W): each feature map is kept or dropped as a whole. A 3-D input is
 * taken as (N, C, L), as PyTorch 2.x does (it warns; 1-D channels are dropout1d's job).
 */
export function dropout2d(x: Tensor, options: DropoutOptions = {}): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`dropout2d: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input, got shape ${fmtShape(x.shape)}`);
  return featureDropout("dropout2d", x, x.ndim - 2, options, true);
}

/** Channel dropout of (N, C, D, H, W) or (C, D, H, W). */
export function dropout3d(x: Tensor, options: DropoutOptions = {}): Tensor {
  return featureDropout("dropout3d", x, 3, options);
}

/**
 * Options of {@link batchNorm}: the running statistics, the affine weight and bias (γ, β), training mode,
 * momentum and ε.
 */
export interface BatchNormOptions {
  /** Running mean and variance (C): updated in place in training, used in evaluation. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** running ← (1 − momentum)·running + momentum·batch statistic; default 0.1. */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015, arXiv:1502.03167) over every dim but the channel dim 1:
 * x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β. Training normalizes with the batch's biased variance and
 * updates the running variance with the unbiased one, as PyTorch.
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  if (x.ndim < 2) throw new Error(`batchNorm: input must be (N, C, …), got ${fmtShape(x.shape)}`);
  const C = x.shape[1]!;
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1)); // (1, C, 1, …)
  const eps = options.eps ?? 1e-5;
  const training = options.training ?? true;
  let mu: Tensor, var_: Tensor;
  if (training) {
    const n = x.size / C;
    if (n <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    mu = mean(x, { dim: dims, keepdim: true });
    var_ = variance(x, { dim: dims, keepdim: true, correction: 0 });
    const momentum = options.momentum ?? 0.1;
    noGrad(() => {
      if (options.runningMean) {
        options.runningMean.copy_(E.add(E.mul(options.runningMean, 1 - momentum), E.mul(mu.reshape(C), momentum)));
      }
      if (options.runningVar) {
        const unbiased = E.mul(var_.reshape(C), n / (n - 1));
        options.runningVar.copy_(E.add(E.mul(options.runningVar, 1 - momentum), E.mul(unbiased, momentum)));
      }
    });
  } else {
    if (!options.runningMean || !options.runningVar) throw new Error("batchNorm: evaluation mode needs runningMean and runningVar");
    mu = options.runningMean.reshape(bshape);
    var_ = options.runningVar.reshape(bshape);
  }
  // As PyTorch's CPU kernel: per-channel α = γ/√(σ² + ε) and β' = β − μα on the small (1, C, 1, …)
  // tensors, then one multiply and one add over the input (instead of four full-size passes).
  let alpha = E.rsqrt(E.add(var_, eps));
  if (options.weight) alpha = E.mul(alpha, options.weight.reshape(bshape));
  let shift = E.neg(E.mul(mu, alpha));
  if (options.bias) shift = E.add(shift, options.bias.reshape(bshape));
  return E.add(E.mul(x, alpha), shift);
}

/**
 * Layer normalization (Ba et al. 2016, arXiv:1607.06450) over the trailing dims `normalizedShape`:
 * (x − μ)/√(σ² + ε)·γ + β with the biased variance.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || !shapesEqual(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new Error(`layerNorm: input ${fmtShape(x.shape)} must end in the normalized shape ${fmtShape(normalizedShape)}`);
  }
  const eps = options.eps ?? 1e-5;
  const weight = options.weight ?? null, bias = options.bias ?? null;
  const fits = (t: Tensor | null): boolean => t === null || (t.dtype === x.dtype && shapesEqual(t.shape, normalizedShape));
  if (isFloating(x.dtype) && fits(weight) && fits(bias)) {
    // One fused primitive (mean, variance and the affine map per row), as PyTorch's native_layer_norm.
    const D = normalizedShape.reduce((a, b) => a * b, 1);
    const w = weight ?? ones(normalizedShape, { dtype: x.dtype }), b = bias ?? zeros(normalizedShape, { dtype: x.dtype });
    return applyMulti("layerNorm", [x, w, b], { size: D, eps })[0]!;
  }
  return layerNormComposite(x, normalizedShape, options);
}

/** {@link layerNorm} written with reductions and elementwise ops: the fused primitive's test oracle. */
export function layerNormComposite(
  x: Tensor,
  normalizedShape: readonly number[],
  options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const k = normalizedShape.length;
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const mu = mean(x, { dim: dims, keepdim: true });
  const var_ = variance(x, { dim: dims, keepdim: true, correction: 0 });
  let y = E.div(E.sub(x, mu), E.sqrt(E.add(var_, options.eps ?? 1e-5)));
  if (options.weight) y = E.mul(y, options.weight);
  if (options.bias) y = E.add(y, options.bias);
  return y;
}
