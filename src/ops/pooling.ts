// Pooling over 1, 2 or 3 trailing dims: max pooling (with PyTorch's indices) and average pooling with
// kernel, stride, padding, dilation and ceil mode; adaptive average and max pooling; max unpooling.
// Every form computes PyTorch's output size and windows here and runs the maxPool / avgPool primitives.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape, numel, shapesEqual } from "../tensor/shape.js";
import { applyMulti, apply } from "../autograd/engine.js";
import type { AvgPoolParams, PoolWindows } from "../autograd/prims.js";
import { checkInt, describe } from "../tensor/validate.js";
import { reshape } from "./movement.js";
import { zeros } from "./creation.js";
import { scatter } from "./indexing.js";
import { denseValues } from "../backend/cpu/strided.js";

/** An int for every pooled dim, or one int per pooled dim (PyTorch's `_pair(3)` = `(3, 3)`). */
export type IntOrTuple = number | readonly number[];

/**
 * Options of the max pooling functions (`maxPool1d`, `maxPool2d`, `maxPool3d`, as
 * `torch.nn.functional.max_pool*d`): stride, padding, dilation, ceil mode and whether to return the indices
 * of the maxima.
 */
export interface MaxPoolOptions {
  /** Step between windows; default (or null): the kernel size. */
  stride?: IntOrTuple | null;
  /** Implicit −∞ padding on both sides; at most half the kernel size. Default 0. */
  padding?: IntOrTuple;
  /** Spacing between the elements of a window. Default 1. */
  dilation?: IntOrTuple;
  /** Round the output size up (a last, partial window that starts inside the input or left padding). */
  ceilMode?: boolean;
  /** Also return the position of each maximum in its flattened input plane. */
  returnIndices?: boolean;
}

/**
 * Options of the average pooling functions (`avgPool1d`, `avgPool2d`, `avgPool3d`, as
 * `torch.nn.functional.avg_pool*d`): stride, padding, ceil mode and the divisor.
 */
export interface AvgPoolOptions {
  /** Step between windows; default (or null): the kernel size. */
  stride?: IntOrTuple | null;
  /** Implicit zero padding on both sides; at most half the kernel size. Default 0. */
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead (2-D and 3-D only, as PyTorch). */
  divisorOverride?: number | null;
}

/**
 * Options of the max unpooling functions (`maxUnpool1d`, `maxUnpool2d`, `maxUnpool3d`): the pooling's stride
 * and padding, and the output size to restore.
 */
export interface MaxUnpoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  /** The size to restore (the pooled dims, or the whole shape); default (in − 1)·stride − 2·padding + kernel. */
  outputSize?: readonly number[] | null;
}

/** An adaptive pooling's output size: one size for every pooled dim, or one per dim (null keeps the input's). */
export type AdaptiveSize = number | readonly (number | null)[];

const layoutNames = ["(C, L) or (N, C, L)", "(C, H, W) or (N, C, H, W)", "(C, D, H, W) or (N, C, D, H, W)"];

/** Option keys must be known: a misspelt option would otherwise be silently ignored. */
export function checkOptions(op: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options) || options instanceof Tensor) {
    throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new Error(`${op}: unknown option ${JSON.stringify(key)} (expected one of ${allowed.join(", ")})`);
  }
  return options as Record<string, unknown>;
}

/** A floating tensor of rank nd + 1 (unbatched) or nd + 2 whose non-batch dims are not empty. */
function checkPoolInput(op: string, x: unknown, nd: number): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor as input, got ${describe(x)}`);
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    throw new Error(`${op}: expected a ${nd + 1}-D or ${nd + 2}-D input ${layoutNames[nd - 1]}, got shape ${fmtShape(x.shape)}`);
  }
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  const first = x.ndim - nd - 1; // the channel dim: the batch dim alone may be empty
  if (x.shape.slice(first).some((s) => s === 0)) {
    throw new Error(`${op}: input ${fmtShape(x.shape)} has an empty channel or pooled dim; only the batch dim may be 0`);
  }
}

/** PyTorch's `_single/_pair/_triple`: an int, or a list of 1 or nd ints, as nd ints ≥ `min`. */
export function intTuple(op: string, what: string, value: unknown, nd: number, min: number): number[] {
  let list: unknown[];
  if (typeof value === "number") list = new Array<unknown>(nd).fill(value);
  else if (Array.isArray(value) && (value.length === nd || value.length === 1)) list = value.length === nd ? [...value] : new Array<unknown>(nd).fill(value[0]);
  else throw new Error(`${op}: ${what} must be an integer or a list of ${nd === 1 ? "1 integer" : `1 or ${nd} integers`}, got ${describe(value)}`);
  for (const v of list) {
    checkInt(op, what, v);
    if ((v as number) < min) {
      const shown = typeof value === "number" ? String(value) : fmtShape(list as number[]);
      throw new Error(`${op}: ${what} must be ${min > 0 ? "positive" : "non-negative"}, got ${shown}`);
    }
  }
  return list as number[];
}

/** PyTorch's pooling_output_shape: ⌊(in + 2p − d(k − 1) − 1 [+ s − 1 in ceil mode]) / s⌋ + 1, less a window starting past the input. */
export function poolOutputSize(inSize: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((inSize + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

/** Max pooling's windows along one dim: start o·s − p, every d-th element of k, clipped to the input. */
export function maxPoolWindows(inSize: number, kernel: number, stride: number, pad: number, dilation: number, outSize: number): PoolWindows {
  const lo: number[] = [], hi: number[] = [];
  for (let o = 0; o < outSize; o++) {
    let start = o * stride - pad;
    hi.push(Math.min(start + (kernel - 1) * dilation + 1, inSize));
    while (start < 0) start += dilation;
    lo.push(start);
  }
  return { lo, hi, step: dilation };
}

/**
 * Average pooling's windows along one dim, and each window's factor of the divisor: its size within
 * the padded input (countIncludePad) or within the input itself.
 */
export function avgPoolWindows(inSize: number, kernel: number, stride: number, pad: number, outSize: number, countIncludePad: boolean): { windows: PoolWindows; counts: number[] } {
  const lo: number[] = [], hi: number[] = [], counts: number[] = [];
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - pad;
    const end = Math.min(start + kernel, inSize + pad);
    const a = Math.max(start, 0), b = Math.min(end, inSize);
    lo.push(a);
    hi.push(b);
    counts.push(countIncludePad ? end - start : b - a);
  }
  return { windows: { lo, hi, step: 1 }, counts };
}

/** Adaptive pooling's windows: output o of n reads [⌊o·in/n⌋, ⌈(o + 1)·in/n⌉). */
export function adaptiveWindows(inSize: number, outSize: number): PoolWindows {
  const lo: number[] = [], hi: number[] = [];
  for (let o = 0; o < outSize; o++) {
    lo.push(Math.floor((o * inSize) / outSize));
    hi.push(Math.ceil(((o + 1) * inSize) / outSize));
  }
  return { lo, hi, step: 1 };
}

/** Kernel, stride and padding checked against each other and the input: PyTorch's pool shape checks. */
function poolGeometry(
  op: string, nd: number, x: Tensor, kernelSize: unknown, o: Record<string, unknown>, dilation: number[],
): { kernel: number[]; stride: number[]; padding: number[]; ceilMode: boolean; outShape: number[] } {
  const kernel = intTuple(op, "kernelSize", kernelSize, nd, 1);
  const noStride = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0);
  const stride = noStride ? kernel : intTuple(op, "stride", o.stride, nd, 1);
  const padding = intTuple(op, "padding", o.padding ?? 0, nd, 0);
  const ceilMode = o.ceilMode ?? false;
  if (typeof ceilMode !== "boolean") throw new Error(`${op}: ceilMode must be a boolean, got ${describe(ceilMode)}`);
  const spatial = x.shape.slice(x.ndim - nd);
  for (let i = 0; i < nd; i++) {
    if (padding[i]! > Math.floor(kernel[i]! / 2)) {
      throw new Error(
        `${op}: padding ${fmtShape(padding)} must be at most half of kernelSize ${fmtShape(kernel)} (padding ${padding[i]} > ⌊${kernel[i]}/2⌋ in pooled dim ${i}; input ${fmtShape(x.shape)})`,
      );
    }
  }
  const outShape = spatial.map((s, i) => poolOutputSize(s, kernel[i]!, padding[i]!, stride[i]!, dilation[i]!, ceilMode));
  if (outShape.some((s) => s < 1)) {
    const i = outShape.findIndex((s) => s < 1);
    throw new Error(
      `${op}: input ${fmtShape(x.shape)} is too small: kernelSize ${fmtShape(kernel)} (dilation ${fmtShape(dilation)}) is larger than the padded input ` +
        `(${spatial[i]} + 2·${padding[i]} in pooled dim ${i}); the output size would be ${fmtShape(outShape)}`,
    );
  }
  return { kernel, stride, padding, ceilMode, outShape };
}

/** Max pooling over the last nd dims (the public `maxPool1d/2d/3d` and `nn.MaxPool*d`); `op` names the caller in errors. */
export function maxPoolNd(op: string, nd: number, x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  checkPoolInput(op, x, nd);
  const o = checkOptions(op, options, ["stride", "padding", "dilation", "ceilMode", "returnIndices"]);
  const dilation = intTuple(op, "dilation", o.dilation ?? 1, nd, 1);
  const { kernel, stride, padding, outShape } = poolGeometry(op, nd, x, kernelSize, o, dilation);
  const spatial = x.shape.slice(x.ndim - nd);
  const windows = spatial.map((s, i) => maxPoolWindows(s, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, outShape[i]!));
  const [values, indices] = applyMulti("maxPool", [x], { windows }) as [Tensor, Tensor];
  return returnIndices(op, o.returnIndices) ? [values, indices] : values;
}

function returnIndices(op: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== "boolean") throw new Error(`${op}: returnIndices must be a boolean, got ${describe(value)}`);
  return value ?? false;
}

/** Average pooling over the last nd dims (the public `avgPool1d/2d/3d` and `nn.AvgPool*d`). */
export function avgPoolNd(op: string, nd: number, x: Tensor, kernelSize: IntOrTuple, options?: AvgPoolOptions): Tensor {
  checkPoolInput(op, x, nd);
  const allowed = ["stride", "padding", "ceilMode", "countIncludePad", ...(nd > 1 ? ["divisorOverride"] : [])];
  const o = checkOptions(op, options, allowed);
  const { kernel, stride, padding, outShape } = poolGeometry(op, nd, x, kernelSize, o, new Array<number>(nd).fill(1));
  const countIncludePad = o.countIncludePad ?? true;
  if (typeof countIncludePad !== "boolean") throw new Error(`${op}: countIncludePad must be a boolean, got ${describe(countIncludePad)}`);
  let divisorOverride: number | null = null;
  if (o.divisorOverride !== undefined && o.divisorOverride !== null) {
    divisorOverride = checkInt(op, "divisorOverride", o.divisorOverride);
    if (divisorOverride === 0) throw new Error(`${op}: divisorOverride must not be zero`);
  }
  const inShape = x.shape.slice(x.ndim - nd);
  const dims = inShape.map((s, i) => avgPoolWindows(s, kernel[i]!, stride[i]!, padding[i]!, outShape[i]!, countIncludePad));
  const params: AvgPoolParams = { windows: dims.map((d) => d.windows), counts: dims.map((d) => d.counts), divisorOverride, inShape };
  return apply("avgPool", [x], params);
}

/** The output size of an adaptive pooling: nd sizes ≥ 0, null entries replaced by the input's. */
function adaptiveShape(op: string, nd: number, x: Tensor, outputSize: unknown): number[] {
  const spatial = x.shape.slice(x.ndim - nd);
  let list: unknown[];
  if (typeof outputSize === "number") list = new Array<unknown>(nd).fill(outputSize);
  else if (Array.isArray(outputSize) && outputSize.length === nd) list = outputSize;
  else throw new Error(`${op}: outputSize must be an integer or a list of ${nd} integers (or nulls), got ${describe(outputSize)}`);
  return list.map((v, i) => {
    if (v === null) return spatial[i]!;
    checkInt(op, "outputSize", v);
    if ((v as number) < 0) throw new Error(`${op}: outputSize must be non-negative, got ${typeof outputSize === "number" ? outputSize : `[${list.join(", ")}]`}`);
    return v as number;
  });
}

/** Adaptive average pooling over the last nd dims to `outputSize`. */
export function adaptiveAvgPoolNd(op: string, nd: number, x: Tensor, outputSize: AdaptiveSize): Tensor {
  checkPoolInput(op, x, nd);
  const outShape = adaptiveShape(op, nd, x, outputSize);
  const inShape = x.shape.slice(x.ndim - nd);
  const windows = inShape.map((s, i) => adaptiveWindows(s, outShape[i]!));
  const counts = windows.map((w) => w.lo.map((lo, o) => w.hi[o]! - lo));
  return apply("avgPool", [x], { windows, counts, divisorOverride: null, inShape });
}

/** Adaptive max pooling over the last nd dims to `outputSize`, optionally with the indices of the maxima. */
export function adaptiveMaxPoolNd(op: string, nd: number, x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  checkPoolInput(op, x, nd);
  const o = checkOptions(op, options, ["returnIndices"]);
  const outShape = adaptiveShape(op, nd, x, outputSize);
  const windows = x.shape.slice(x.ndim - nd).map((s, i) => adaptiveWindows(s, outShape[i]!));
  const [values, indices] = applyMulti("maxPool", [x], { windows }) as [Tensor, Tensor];
  return returnIndices(op, o.returnIndices) ? [values, indices] : values;
}

/**
 * The partial inverse of max pooling: each value written at its index in a zero plane of the
 * unpooled size (PyTorch's max_unpool; the gradient reads back from the same positions).
 */
export function maxUnpoolNd(op: string, nd: number, x: Tensor, indices: Tensor, kernelSize: IntOrTuple, options?: MaxUnpoolOptions): Tensor {
  checkPoolInput(op, x, nd);
  const o = checkOptions(op, options, ["stride", "padding", "outputSize"]);
  if (!(indices instanceof Tensor)) throw new Error(`${op}: indices must be a Tensor, got ${describe(indices)}`);
  if (indices.dtype !== "int32") throw new Error(`${op}: indices must be int32 (as returned with returnIndices), got ${indices.dtype}`);
  if (!shapesEqual(indices.shape, x.shape)) throw new Error(`${op}: indices ${fmtShape(indices.shape)} must have the input's shape ${fmtShape(x.shape)}`);
  const kernel = intTuple(op, "kernelSize", kernelSize, nd, 1);
  const noStride = o.stride === undefined || o.stride === null;
  const stride = noStride ? kernel : intTuple(op, "stride", o.stride, nd, 1);
  const padding = intTuple(op, "padding", o.padding ?? 0, nd, 0);
  const spatial = x.shape.slice(x.ndim - nd);
  const defaults = spatial.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + kernel[i]!);
  let outShape = defaults;
  if (o.outputSize !== undefined && o.outputSize !== null) {
    const given = o.outputSize;
    if (!Array.isArray(given) || (given.length !== nd && given.length !== x.ndim)) {
      throw new Error(`${op}: outputSize must list the ${nd} pooled sizes (or the whole shape), got ${describe(given)}`);
    }
    outShape = given.slice(given.length - nd).map((v: unknown) => checkInt(op, "outputSize", v));
    outShape.forEach((s, i) => {
      const lo = defaults[i]! - stride[i]!, hi = defaults[i]! + stride[i]!;
      if (!(s > lo && s < hi)) throw new Error(`${op}: outputSize ${fmtShape(outShape)} is invalid: pooled dim ${i} must be between ${lo} and ${hi} (exclusive)`);
    });
  }
  if (outShape.some((s) => s < 1)) throw new Error(`${op}: the unpooled size ${fmtShape(outShape)} of input ${fmtShape(x.shape)} must be positive`);
  const lead = x.shape.slice(0, x.ndim - nd);
  const planes = numel(lead), inPlane = numel(spatial), outPlane = numel(outShape);
  const iv = denseValues(indices);
  for (let i = 0; i < iv.length; i++) {
    if (iv[i]! < 0 || iv[i]! >= outPlane) {
      throw new Error(`${op}: index ${iv[i]} is out of range for the unpooled plane of size ${fmtShape(outShape)} (${outPlane} elements)`);
    }
  }
  const flat = scatter(zeros([planes, outPlane], { dtype: x.dtype }), 1, reshape(indices, [planes, inPlane]), reshape(x, [planes, inPlane]));
  return reshape(flat, [...lead, ...outShape]);
}

/** Max pooling of (N, C, L) or (C, L) over L: PyTorch's `F.max_pool1d` (`returnIndices` adds the indices). */
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool1d", 1, x, kernelSize, options);
}

/**
 * Max pooling of (N, C, H, W) or (C, H, W): PyTorch's `F.max_pool2d`.
 * ```ts
 * nn.functional.maxPool2d(x, 2);                                   // 2×2 windows, stride 2
 * const [y, idx] = nn.functional.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true });
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool2d", 2, x, kernelSize, options);
}

/** Max pooling of (N, C, D, H, W) or (C, D, H, W): PyTorch's `F.max_pool3d`. */
export function maxPool3d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(x: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool3d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool3d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool3d", 3, x, kernelSize, options);
}

/** Average pooling of (N, C, L) or (C, L): PyTorch's `F.avg_pool1d` (no divisorOverride, as PyTorch). */
export function avgPool1d(x: Tensor, kernelSize: IntOrTuple, options?: Omit<AvgPoolOptions, "divisorOverride">): Tensor {
  return avgPoolNd("avgPool1d", 1, x, kernelSize, options);
}

/**
 * Average pooling of (N, C, H, W) or (C, H, W): PyTorch's `F.avg_pool2d`. With padding, the divisor
 * counts the padding zeros unless `countIncludePad: false`; `divisorOverride` replaces it.
 */
export function avgPool2d(x: Tensor, kernelSize: IntOrTuple, options?: AvgPoolOptions): Tensor {
  return avgPoolNd("avgPool2d", 2, x, kernelSize, options);
}

/** Average pooling of (N, C, D, H, W) or (C, D, H, W): PyTorch's `F.avg_pool3d`. */
export function avgPool3d(x: Tensor, kernelSize: IntOrTuple, options?: AvgPoolOptions): Tensor {
  return avgPoolNd("avgPool3d", 3, x, kernelSize, options);
}

/** Adaptive average pooling of (N, C, L) or (C, L) to `outputSize` windows. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool1d", 1, x, outputSize);
}

/**
 * Adaptive average pooling of (N, C, H, W) or (C, H, W) to `outputSize`: output i of n averages the
 * input rows ⌊i·in/n⌋ … ⌈(i + 1)·in/n⌉ − 1, as PyTorch (`adaptiveAvgPool2d(x, 1)` is global average pooling).
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool2d", 2, x, outputSize);
}

/** Adaptive average pooling of (N, C, D, H, W) or (C, D, H, W). */
export function adaptiveAvgPool3d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool3d", 3, x, outputSize);
}

/** Adaptive max pooling of (N, C, L) or (C, L); `returnIndices` adds the positions of the maxima. */
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool1d", 1, x, outputSize, options);
}

/** Adaptive max pooling of (N, C, H, W) or (C, H, W), windows as {@link adaptiveAvgPool2d}. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool2d", 2, x, outputSize, options);
}

/** Adaptive max pooling of (N, C, D, H, W) or (C, D, H, W). */
export function adaptiveMaxPool3d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool3d(x: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool3d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool3d(x: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool3d", 3, x, outputSize, options);
}

/** Undoes `maxPool1d` given its indices (zeros elsewhere): PyTorch's `F.max_unpool1d`. */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: IntOrTuple, options?: MaxUnpoolOptions): Tensor {
  return maxUnpoolNd("maxUnpool1d", 1, x, indices, kernelSize, options);
}

/** Undoes `maxPool2d` given its indices (zeros elsewhere): PyTorch's `F.max_unpool2d`. */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: IntOrTuple, options?: MaxUnpoolOptions): Tensor {
  return maxUnpoolNd("maxUnpool2d", 2, x, indices, kernelSize, options);
}

/** Undoes `maxPool3d` given its indices (zeros elsewhere): PyTorch's `F.max_unpool3d`. */
export function maxUnpool3d(x: Tensor, indices: Tensor, kernelSize: IntOrTuple, options?: MaxUnpoolOptions): Tensor {
  return maxUnpoolNd("maxUnpool3d", 3, x, indices, kernelSize, options);
}
