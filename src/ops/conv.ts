// Convolutions as torch.nn.functional has them: conv1d/2d/3d, convTranspose1d/2d/3d, unfold/fold
// (im2col/col2im) and the doubly-block Toeplitz matrix of a 2-D convolution. They bottom out in the
// conv, convTranspose, convWeight, unfold and fold primitives; the arguments are checked here.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { isFloating } from "../tensor/dtype.js";
import { apply } from "../autograd/engine.js";
import type { ConvParams } from "../autograd/prims.js";
import { describe } from "../tensor/validate.js";
import { add } from "./elementwise.js";
import { cat, reshape, squeeze, unsqueeze } from "./movement.js";
import { indexSelect } from "./indexing.js";
import { zeros } from "./creation.js";

/** An int for every spatial dim, or one per dim. */
export type IntOrTuple = number | readonly number[];

/**
 * Options of the convolutions (`conv1d`, `conv2d`, `conv3d`, as `torch.nn.functional.conv*d`): stride,
 * padding, dilation and groups.
 */
export interface ConvOptions {
  /** Default 1. */
  stride?: IntOrTuple;
  /**
   * Zeros added on both sides of each spatial dim (default 0); "valid" is 0, "same" pads so that the
   * output has the input's size (stride 1 only; an odd total puts the extra zero at the end, as PyTorch).
   */
  padding?: IntOrTuple | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: IntOrTuple;
  /** Input and output channels split into this many independent groups (default 1). */
  groups?: number;
}

/**
 * Options of the transposed convolutions (`convTranspose1d`, `convTranspose2d`, `convTranspose3d`, as
 * `torch.nn.functional.conv_transpose*d`): stride, padding, output padding, groups and dilation.
 */
export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  /** dilation·(kernel − 1) − padding zeros are implicitly added to both sides of the input (default 0). */
  padding?: IntOrTuple;
  /** Extra size added to one side of the output (default 0; smaller than stride or dilation). */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

const prod = (xs: readonly number[]): number => xs.reduce((p, s) => p * s, 1);
const fmtSize = (xs: readonly number[]): string => `(${xs.join(" x ")})`;

/** `value` as `d` integers (one int is repeated), each at least `min`. */
export function ntuple(op: string, name: string, value: unknown, d: number, min: number): number[] {
  const list = typeof value === "number" ? new Array<number>(d).fill(value) : value;
  if (!Array.isArray(list) || list.length !== d) {
    throw new Error(`${op}: ${name} must be an integer or ${d} integers, got ${Array.isArray(value) ? `[${value.join(", ")}]` : describe(value)}`);
  }
  for (const v of list as unknown[]) {
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new Error(`${op}: ${name} must be an integer or ${d} integers, got ${describe(v)} in ${describe(value)}`);
    }
    if (v < min) {
      const rule = min === 1 ? "positive" : "non-negative";
      throw new Error(`${op}: ${name} must be ${rule}, got ${fmtShape(list as number[])}`);
    }
  }
  return [...(list as number[])];
}

function checkGroups(op: string, groups: unknown): number {
  if (typeof groups !== "number" || !Number.isInteger(groups) || groups < 1) {
    throw new Error(`${op}: groups must be a positive integer, got ${describe(groups)}`);
  }
  return groups;
}

/** x as (N, C, *spatial): an unbatched (C, *spatial) input gets a batch dim of 1 (undone by the caller). */
function batched(op: string, x: Tensor, weight: Tensor, d: number): { x: Tensor; unbatched: boolean } {
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (!(weight instanceof Tensor)) throw new Error(`${op}: weight must be a Tensor, got ${describe(weight)}`);
  if (x.ndim !== d + 1 && x.ndim !== d + 2) {
    throw new Error(`${op}: expected a ${d + 1}-D (unbatched) or ${d + 2}-D (batched) input, got input of shape ${fmtShape(x.shape)}`);
  }
  if (weight.ndim !== d + 2) {
    throw new Error(`${op}: expected a ${d + 2}-D weight (out channels, in channels / groups, ${d === 1 ? "kernel" : `${d} kernel dims`}), got weight of shape ${fmtShape(weight.shape)}`);
  }
  if (!isFloating(x.dtype) || x.dtype !== weight.dtype) {
    throw new Error(`${op}: input (${x.dtype}) and weight (${weight.dtype}) must have the same floating dtype`);
  }
  return x.ndim === d + 1 ? { x: unsqueeze(x, 0), unbatched: true } : { x, unbatched: false };
}

/** The bias after checking it: null, or a (channels) tensor of `dtype`. */
function checkBias(op: string, bias: Tensor | null | undefined, channels: number, dtype: Tensor["dtype"]): Tensor | null {
  if (bias === null || bias === undefined) return null;
  if (!(bias instanceof Tensor)) throw new Error(`${op}: bias must be a Tensor or null, got ${describe(bias)}`);
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new Error(`${op}: bias of shape ${fmtShape(bias.shape)} does not match the ${channels} output channels (expected [${channels}])`);
  }
  if (bias.dtype !== dtype) throw new Error(`${op}: bias (${bias.dtype}) must have the input's dtype ${dtype}`);
  return bias;
}

/**
 * PyTorch's "same" padding: dilation·(kernel − 1) zeros per dim, half before (rounded down) and the
 * rest after. Returns the [before, after] pairs.
 */
export function samePadding(kernel: readonly number[], dilation: readonly number[]): [number, number][] {
  return kernel.map((k, i) => {
    const total = dilation[i]! * (k - 1);
    const before = Math.floor(total / 2);
    return [before, total - before];
  });
}

/**
 * Resolves a convolution's padding argument to [before, after] pairs per spatial dim: an int, a tuple,
 * "valid" or "same".
 */
export function convPadding(op: string, padding: unknown, kernel: readonly number[], dilation: readonly number[], stride: readonly number[]): [number, number][] {
  const d = kernel.length;
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new Error(`${op}: padding="same" is not supported for strided convolutions (stride ${fmtShape(stride)})`);
    return samePadding(kernel, dilation);
  }
  if (typeof padding === "string") throw new Error(`${op}: padding must be an integer, ${d} integers, "same" or "valid", got ${describe(padding)}`);
  return ntuple(op, "padding", padding, d, 0).map((p) => [p, p]);
}

/**
 * The shared core of conv1d/2d/3d and the Conv layers: x (N, Cin, *in) or (Cin, *in), weight
 * (Cout, Cin/groups, *k), padding as [before, after] pairs. `op` names the caller in errors.
 */
export function convNd(
  op: string,
  d: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: { stride?: unknown; padding?: unknown; dilation?: unknown; groups?: unknown },
): Tensor {
  const { x, unbatched } = batched(op, input, weight, d);
  const stride = ntuple(op, "stride", options.stride ?? 1, d, 1);
  const dilation = ntuple(op, "dilation", options.dilation ?? 1, d, 1);
  const groups = checkGroups(op, options.groups ?? 1);
  const kernel = weight.shape.slice(2);
  const pads = convPadding(op, options.padding ?? 0, kernel, dilation, stride);
  const [Cout, Cg] = weight.shape as [number, number];
  const Cin = x.shape[1]!;
  if (Cout % groups !== 0) {
    throw new Error(`${op}: weight of shape ${fmtShape(weight.shape)} has ${Cout} output channels, which groups=${groups} does not divide`);
  }
  if (Cin !== Cg * groups) {
    throw new Error(
      `${op}: weight of shape ${fmtShape(weight.shape)} with groups=${groups} expects input ${fmtShape(input.shape)} to have ${Cg * groups} channels, but got ${Cin} channels`,
    );
  }
  const inSize = x.shape.slice(2);
  const padded = inSize.map((s, i) => s + pads[i]![0] + pads[i]![1]);
  const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  if (padded.some((s, i) => s < span[i]!)) {
    throw new Error(
      `${op}: the padded input size per channel ${fmtSize(padded)} of input ${fmtShape(input.shape)} is smaller than the ` +
        `kernel size ${fmtSize(kernel)}${dilation.some((v) => v !== 1) ? ` (with dilation ${fmtSize(dilation)}: ${fmtSize(span)})` : ""}`,
    );
  }
  const outputSize = padded.map((s, i) => Math.floor((s - span[i]!) / stride[i]!) + 1);
  const b = checkBias(op, bias, Cout, x.dtype);
  const params: ConvParams = { stride, padding: pads.map((p) => p[0]), dilation, groups, outputSize };
  const y = apply("conv", b ? [x, weight, b] : [x, weight], params);
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * The shared core of convTranspose1d/2d/3d: x (N, Cin, *in) or (Cin, *in), weight (Cin, Cout/groups, *k)
 * → (N, Cout, *out) with out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 */
export function convTransposeNd(
  op: string,
  d: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: { stride?: unknown; padding?: unknown; outputPadding?: unknown; groups?: unknown; dilation?: unknown },
): Tensor {
  const { x, unbatched } = batched(op, input, weight, d);
  const stride = ntuple(op, "stride", options.stride ?? 1, d, 1);
  const dilation = ntuple(op, "dilation", options.dilation ?? 1, d, 1);
  if (typeof options.padding === "string") throw new Error(`${op}: padding must be an integer or ${d} integers, got ${describe(options.padding)}`);
  const padding = ntuple(op, "padding", options.padding ?? 0, d, 0);
  const outputPadding = ntuple(op, "outputPadding", options.outputPadding ?? 0, d, 0);
  const groups = checkGroups(op, options.groups ?? 1);
  if (outputPadding.some((p, i) => p >= stride[i]! && p >= dilation[i]!)) {
    throw new Error(
      `${op}: outputPadding ${fmtShape(outputPadding)} must be smaller than either stride ${fmtShape(stride)} or dilation ${fmtShape(dilation)}`,
    );
  }
  const [Cin, Og] = weight.shape as [number, number];
  if (Cin % groups !== 0) {
    throw new Error(`${op}: weight of shape ${fmtShape(weight.shape)} has ${Cin} input channels, which groups=${groups} does not divide`);
  }
  if (x.shape[1] !== Cin) {
    throw new Error(`${op}: weight of shape ${fmtShape(weight.shape)} expects input ${fmtShape(input.shape)} to have ${Cin} channels, but got ${x.shape[1]} channels`);
  }
  const kernel = weight.shape.slice(2);
  const inSize = x.shape.slice(2);
  const outputSize = inSize.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1);
  if (outputSize.some((s) => s < 1)) {
    throw new Error(`${op}: input ${fmtShape(input.shape)} with weight ${fmtShape(weight.shape)} gives an output size per channel ${fmtSize(outputSize)}, which is too small`);
  }
  const b = checkBias(op, bias, Og * groups, x.dtype);
  const params: ConvParams = { stride, padding, dilation, groups, outputSize };
  let y = apply("convTranspose", [x, weight], params);
  if (b) y = add(y, reshape(b, [1, Og * groups, ...outputSize.map(() => 1)]));
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * 1-D convolution (cross-correlation) as `torch.nn.functional.conv1d`: x (N, Cin, L) or (Cin, L),
 * weight (Cout, Cin/groups, k), bias (Cout) → (N, Cout, Lout).
 * ```ts
 * const y = nn.functional.conv1d(x, w, b, { stride: 2, padding: "valid" });
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convNd("conv1d", 1, x, weight, bias, options);
}

/** 2-D convolution as `torch.nn.functional.conv2d`: x (N, Cin, H, W), weight (Cout, Cin/groups, kH, kW). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convNd("conv2d", 2, x, weight, bias, options);
}

/** 3-D convolution as `torch.nn.functional.conv3d`: x (N, Cin, D, H, W), weight (Cout, Cin/groups, kD, kH, kW). */
export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convNd("conv3d", 3, x, weight, bias, options);
}

/**
 * Transposed 1-D convolution (the gradient of conv1d in its input) as
 * `torch.nn.functional.conv_transpose1d`: x (N, Cin, L), weight (Cin, Cout/groups, k) → (N, Cout, Lout).
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd("convTranspose1d", 1, x, weight, bias, options);
}

/** Transposed 2-D convolution as `torch.nn.functional.conv_transpose2d`: weight (Cin, Cout/groups, kH, kW). */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd("convTranspose2d", 2, x, weight, bias, options);
}

/** Transposed 3-D convolution as `torch.nn.functional.conv_transpose3d`. */
export function convTranspose3d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd("convTranspose3d", 3, x, weight, bias, options);
}

/**
 * Options of {@link unfold} and {@link fold}: the dilation, padding and stride of the sliding blocks (default
 * 1, 0, 1).
 */
export interface UnfoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

/**
 * Sliding local blocks of a batched image (im2col), as `torch.nn.functional.unfold`: x (N, C, H, W) or
 * (C, H, W) → (N, C·kH·kW, L) with L the number of block positions; channel c, tap k is row c·kH·kW + k.
 * ```ts
 * const cols = nn.functional.unfold(x, [3, 3], { padding: 1 }); // (N, C·9, H·W)
 * ```
 */
export function unfold(x: Tensor, kernelSize: IntOrTuple, options: UnfoldOptions = {}): Tensor {
  const op = "unfold";
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: expected a 3-D (unbatched) or 4-D (batched) input, got input of shape ${fmtShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  const kernel = ntuple(op, "kernelSize", kernelSize, 2, 1);
  const dilation = ntuple(op, "dilation", options.dilation ?? 1, 2, 1);
  const padding = ntuple(op, "padding", options.padding ?? 0, 2, 0);
  const stride = ntuple(op, "stride", options.stride ?? 1, 2, 1);
  const xb = x.ndim === 3 ? unsqueeze(x, 0) : x;
  const imageSize = xb.shape.slice(2);
  const grid = blocks(op, imageSize, kernel, dilation, padding, stride, x.shape);
  const cols = apply("unfold", [xb], { kernelSize: kernel, stride, padding, dilation, imageSize, blocks: grid }); // (N, C·K, L)
  return x.ndim === 3 ? squeeze(cols, 0) : cols;
}

/** The number of block positions per spatial dim, with an error when the kernel does not fit. */
function blocks(
  op: string, size: readonly number[], kernel: number[], dilation: number[], padding: number[], stride: number[], shape: readonly number[],
): number[] {
  const out = size.map((s, i) => Math.floor((s + 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1);
  if (out.some((s) => s < 1)) {
    throw new Error(
      `${op}: kernel ${fmtSize(kernel)} with dilation ${fmtSize(dilation)} does not fit the padded spatial size ` +
        `${fmtSize(size.map((s, i) => s + 2 * padding[i]!))} of input ${fmtShape(shape)}`,
    );
  }
  return out;
}

/**
 * The adjoint of unfold (col2im), as `torch.nn.functional.fold`: blocks (N, C·kH·kW, L) or (C·kH·kW, L)
 * are summed into an image (N, C, *outputSize); overlapping taps add up.
 */
export function fold(x: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, options: UnfoldOptions = {}): Tensor {
  const op = "fold";
  if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${op}: expected a 2-D (unbatched) or 3-D (batched) input, got input of shape ${fmtShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  const size = ntuple(op, "outputSize", outputSize, 2, 1);
  const kernel = ntuple(op, "kernelSize", kernelSize, 2, 1);
  const dilation = ntuple(op, "dilation", options.dilation ?? 1, 2, 1);
  const padding = ntuple(op, "padding", options.padding ?? 0, 2, 0);
  const stride = ntuple(op, "stride", options.stride ?? 1, 2, 1);
  const xb = x.ndim === 2 ? unsqueeze(x, 0) : x;
  const [, CK, L] = xb.shape as [number, number, number];
  const K = prod(kernel);
  if (CK % K !== 0) {
    throw new Error(`${op}: input ${fmtShape(x.shape)} must have a dimension ${x.ndim - 2} divisible by the ${K} kernel taps ${fmtSize(kernel)}, got ${CK}`);
  }
  const grid = blocks(op, size, kernel, dilation, padding, stride, x.shape);
  if (prod(grid) !== L) {
    throw new Error(
      `${op}: outputSize ${fmtSize(size)}, kernel ${fmtSize(kernel)}, dilation ${fmtSize(dilation)}, padding ${fmtSize(padding)} and ` +
        `stride ${fmtSize(stride)} give ${grid.join(" * ")} = ${prod(grid)} blocks, but input ${fmtShape(x.shape)} has ${L}`,
    );
  }
  const y = apply("fold", [xb], { kernelSize: kernel, stride, padding, dilation, imageSize: size, blocks: grid }); // (N, C, *size)
  return x.ndim === 2 ? squeeze(y, 0) : y;
}

/**
 * The doubly-block Toeplitz matrix T of a 2-D convolution: for an unbatched image x (Cin, H, W),
 * `matmul(T, x.flatten())` equals `conv2d(x, weight, null, options).flatten()`. T has one row per output
 * element (Cout·outH·outW) and one column per input element (Cin·H·W); for one channel pair and
 * stride 1 it is a block Toeplitz matrix of Toeplitz blocks, one block per kernel row. T is a
 * differentiable function of `weight` (each entry is a weight or a structural zero).
 * ```ts
 * const T = nn.functional.toeplitz2d(w, [1, 5, 5], { padding: 1 }); // (Cout·25, 25)
 * ```
 */
export function toeplitz2d(weight: Tensor, inputShape: readonly number[], options: ConvOptions = {}): Tensor {
  const op = "toeplitz2d";
  if (!(weight instanceof Tensor) || weight.ndim !== 4) {
    throw new Error(`${op}: weight must be a 4-D tensor (out channels, in channels / groups, kH, kW), got ${weight instanceof Tensor ? `shape ${fmtShape(weight.shape)}` : describe(weight)}`);
  }
  if (!Array.isArray(inputShape) || (inputShape.length !== 3 && inputShape.length !== 2)) {
    throw new Error(`${op}: inputShape must be [channels, height, width] (or [height, width] for one channel), got ${describe(inputShape)}`);
  }
  const [Cin, H, W] = (inputShape.length === 2 ? [1, ...inputShape] : inputShape) as [number, number, number];
  ntuple(op, "inputShape", [Cin, H, W], 3, 1);
  const stride = ntuple(op, "stride", options.stride ?? 1, 2, 1);
  const dilation = ntuple(op, "dilation", options.dilation ?? 1, 2, 1);
  const groups = checkGroups(op, options.groups ?? 1);
  const [Cout, Cg, kH, kW] = weight.shape as [number, number, number, number];
  const pads = convPadding(op, options.padding ?? 0, [kH, kW], dilation, stride);
  if (Cout % groups !== 0 || Cin !== Cg * groups) {
    throw new Error(`${op}: weight of shape ${fmtShape(weight.shape)} with groups=${groups} does not fit an input of ${Cin} channels (expected ${Cg * groups})`);
  }
  const spanH = dilation[0]! * (kH - 1) + 1, spanW = dilation[1]! * (kW - 1) + 1;
  const oH = Math.floor((H + pads[0]![0] + pads[0]![1] - spanH) / stride[0]!) + 1;
  const oW = Math.floor((W + pads[1]![0] + pads[1]![1] - spanW) / stride[1]!) + 1;
  if (oH < 1 || oW < 1) throw new Error(`${op}: kernel (${kH} x ${kW}) does not fit the padded input of shape ${fmtShape(inputShape)}`);
  const rows = Cout * oH * oW, cols = Cin * H * W;
  if (rows * cols > 2 ** 28) throw new Error(`${op}: the matrix would have ${rows} x ${cols} entries; use conv2d for inputs this large`);
  // Entry (row, col) reads weight element idx (or the appended zero at index weight.size).
  const zeroAt = weight.size;
  const idx = new Int32Array(rows * cols).fill(zeroAt);
  const Og = Cout / groups;
  for (let o = 0; o < Cout; o++) {
    const g = Math.floor(o / Og);
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++) {
        const row = (o * oH + oh) * oW + ow;
        for (let c = 0; c < Cg; c++) {
          for (let kh = 0; kh < kH; kh++) {
            const ih = oh * stride[0]! - pads[0]![0] + kh * dilation[0]!;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < kW; kw++) {
              const iw = ow * stride[1]! - pads[1]![0] + kw * dilation[1]!;
              if (iw < 0 || iw >= W) continue;
              idx[row * cols + ((g * Cg + c) * H + ih) * W + iw] = ((o * Cg + c) * kH + kh) * kW + kw;
            }
          }
        }
      }
    }
  }
  const values = cat([reshape(weight, [weight.size]), zeros([1], { dtype: weight.dtype })]);
  return reshape(indexSelect(values, 0, Tensor.fromData(idx, [idx.length], "int32")), [rows, cols]);
}
