// Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d, PyTorch's modules with their default
// initialization, state-dict keys (weight, bias) and printed form.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { describe } from "../tensor/validate.js";
import { pad } from "../ops/movement.js";
import { convNd, convTransposeNd, ntuple, samePadding, type IntOrTuple } from "../ops/conv.js";
import type { Generator } from "../random/Generator.js";
import { empty } from "./empty.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import * as init from "./init.js";
import { pyStr, pyTuple } from "./pyRepr.js";

/** How a Conv layer fills its padding: zeros (inside the convolution) or by padding the input first. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
const paddingModes: readonly PaddingMode[] = ["zeros", "reflect", "replicate", "circular"];

/**
 * Options of the convolution layers {@link Conv1d}, {@link Conv2d} and {@link Conv3d} (PyTorch's keyword
 * arguments in camelCase): stride, padding, dilation, groups, bias, padding mode, dtype and initialization
 * generator.
 */
export interface ConvLayerOptions {
  /** Default 1. */
  stride?: IntOrTuple;
  /** Default 0; "same" keeps the input size (stride 1 only), "valid" is 0. */
  padding?: IntOrTuple | "same" | "valid";
  /** Default 1. */
  dilation?: IntOrTuple;
  /** Default 1; in and out channels must be divisible by it (groups = inChannels: depthwise). */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Default "zeros"; the others pad the input with F.pad's mode of that name before convolving. */
  paddingMode?: PaddingMode;
  dtype?: DType;
  /** Random source for the initial weights. */
  generator?: Generator;
}

/**
 * Options of the transposed convolution layers {@link ConvTranspose1d}, {@link ConvTranspose2d} and
 * {@link ConvTranspose3d}: stride, padding, output padding, groups, bias, dilation, dtype and initialization
 * generator.
 */
export interface ConvTransposeLayerOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
  /** Only "zeros" (as PyTorch). */
  paddingMode?: "zeros";
  dtype?: DType;
  generator?: Generator;
}

function checkChannels(layer: string, inChannels: unknown, outChannels: unknown, groups: unknown): number {
  for (const [name, v] of [["inChannels", inChannels], ["outChannels", outChannels]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  if (typeof groups !== "number" || !Number.isInteger(groups) || groups < 1) throw new Error(`${layer}: groups must be a positive integer, got ${describe(groups)}`);
  if ((inChannels as number) % groups !== 0) throw new Error(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if ((outChannels as number) % groups !== 0) throw new Error(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
  return groups;
}

/**
 * PyTorch's default initialization of a conv weight and bias: the weight by Kaiming uniform with
 * a = √5, i.e. U(±1/√fanIn), and the bias by U(±1/√fanIn), where fanIn = weight.shape[1]·(kernel
 * elements) — for transposed convolutions that is outChannels/groups·kernel, as in PyTorch.
 */
function resetConvParameters(weight: Parameter, bias: Parameter | null, generator?: Generator): void {
  init.kaimingUniform(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const { fanIn } = init.calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    init.uniform(bias, -bound, bound, { generator });
  }
}

/** PyTorch's `_ConvNd.extra_repr`: only non-default settings after kernel size and stride. */
function convRepr(m: {
  inChannels: number; outChannels: number; kernelSize: number[]; stride: number[]; padding: number[] | string;
  dilation: number[]; outputPadding: number[]; groups: number; bias: Parameter | null; paddingMode: string;
}): string {
  let s = `${m.inChannels}, ${m.outChannels}, kernel_size=${pyTuple(m.kernelSize)}, stride=${pyTuple(m.stride)}`;
  if (typeof m.padding === "string") s += `, padding=${m.padding}`;
  else if (m.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(m.padding)}`;
  if (m.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(m.dilation)}`;
  if (m.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(m.outputPadding)}`;
  if (m.groups !== 1) s += `, groups=${m.groups}`;
  if (m.bias === null) s += ", bias=False";
  if (m.paddingMode !== "zeros") s += `, padding_mode=${m.paddingMode}`;
  return s;
}

/** The shared body of Conv1d/2d/3d. */
abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  /** Per spatial dim, or "same"/"valid" as given. */
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** Always zeros for a forward convolution (PyTorch keeps the attribute on every conv). */
  readonly outputPadding: number[];
  /** F.pad's (before, after) pairs from the last spatial dim backwards, for the non-zeros modes. */
  private readonly _reversedPadding: number[];

  /** The layer's class name, for errors. */
  private readonly _layer: string;

  constructor(
    layer: string,
    d: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvLayerOptions,
  ) {
    super();
    this._layer = layer;
    this.groups = checkChannels(layer, inChannels, outChannels, options.groups ?? 1);
    this.kernelSize = ntuple(layer, "kernelSize", kernelSize, d, 1);
    this.stride = ntuple(layer, "stride", options.stride ?? 1, d, 1);
    this.dilation = ntuple(layer, "dilation", options.dilation ?? 1, d, 1);
    const padding = options.padding ?? 0;
    if (typeof padding === "string") {
      if (padding !== "same" && padding !== "valid") throw new Error(`${layer}: invalid padding string ${pyStr(padding)}, should be one of 'valid', 'same'`);
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new Error(`${layer}: padding='same' is not supported for strided convolutions (stride ${pyTuple(this.stride)})`);
      }
      this.padding = padding;
    } else this.padding = ntuple(layer, "padding", padding, d, 0);
    const mode = options.paddingMode ?? "zeros";
    if (!paddingModes.includes(mode)) {
      throw new Error(`${layer}: paddingMode must be one of ${paddingModes.map((m) => `"${m}"`).join(", ")}, got ${describe(mode)}`);
    }
    this.paddingMode = mode;
    this.outputPadding = new Array<number>(d).fill(0);
    const pairs: [number, number][] =
      this.padding === "same" ? samePadding(this.kernelSize, this.dilation)
      : this.padding === "valid" ? this.kernelSize.map(() => [0, 0])
      : this.padding.map((p) => [p, p]);
    this._reversedPadding = pairs.reverse().flat();
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(empty(layer, [outChannels, inChannels / this.groups, ...this.kernelSize], dtype));
    this.bias = (options.bias ?? true) ? new Parameter(empty(layer, [outChannels], dtype)) : null;
    this.resetParameters(options.generator);
  }

  /** PyTorch's default initialization: weight and bias U(±1/√fanIn), fanIn = inChannels/groups·kernel elements. */
  resetParameters(generator?: Generator): void {
    resetConvParameters(this.weight, this.bias, generator);
  }

  forward(x: Tensor): Tensor {
    const d = this.kernelSize.length;
    if (this.paddingMode === "zeros") {
      return convNd(this._layer, d, x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
    }
    if (!(x instanceof Tensor)) throw new Error(`${this._layer}: input must be a Tensor, got ${describe(x)}`);
    if (x.ndim !== d + 1 && x.ndim !== d + 2) {
      throw new Error(`${this._layer}: expected a ${d + 1}-D (unbatched) or ${d + 2}-D (batched) input, got input of shape ${fmtShape(x.shape)}`);
    }
    const rp = this._reversedPadding;
    for (let k = 0; k < d; k++) {
      const dim = x.ndim - 1 - k, n = x.shape[dim]!, before = rp[2 * k]!, after = rp[2 * k + 1]!;
      const tooLarge = this.paddingMode === "reflect" ? before >= n || after >= n : this.paddingMode === "circular" ? before > n || after > n : false;
      if (tooLarge) {
        const rule = this.paddingMode === "reflect" ? "smaller than" : "at most";
        throw new Error(
          `${this._layer}: ${this.paddingMode} padding (${before}, ${after}) must be ${rule} the input size ${n} in dimension ${dim} of input ${fmtShape(x.shape)}`,
        );
      }
    }
    const padded = pad(x, rp, { mode: this.paddingMode });
    return convNd(this._layer, d, padded, this.weight, this.bias, { stride: this.stride, padding: 0, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}

/**
 * 1-D convolution over (N, Cin, L) or (Cin, L) inputs, PyTorch's `nn.Conv1d`: weight (Cout, Cin/groups, k)
 * and bias (Cout), both initialized U(±1/√(Cin/groups·k)).
 * ```ts
 * const conv = new nn.Conv1d(16, 33, 3, { stride: 2 });
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super("Conv1d", 1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-D convolution over (N, Cin, H, W) or (Cin, H, W) inputs, PyTorch's `nn.Conv2d`: weight
 * (Cout, Cin/groups, kH, kW), bias (Cout).
 * ```ts
 * const conv = new nn.Conv2d(3, 16, 5, { stride: 2, paddingMode: "reflect", padding: 2 });
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super("Conv2d", 2, inChannels, outChannels, kernelSize, options);
  }
}

/** 3-D convolution over (N, Cin, D, H, W) or (Cin, D, H, W) inputs, PyTorch's `nn.Conv3d`. */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super("Conv3d", 3, inChannels, outChannels, kernelSize, options);
  }
}

/** The shared body of ConvTranspose1d/2d/3d. */
abstract class ConvTransposeNd extends Module<[Tensor, (readonly number[])?], Tensor> {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode = "zeros";

  /** The layer's class name, for errors. */
  private readonly _layer: string;

  constructor(
    layer: string,
    d: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvTransposeLayerOptions,
  ) {
    super();
    this._layer = layer;
    this.groups = checkChannels(layer, inChannels, outChannels, options.groups ?? 1);
    if ((options.paddingMode ?? "zeros") !== "zeros") {
      throw new Error(`${layer}: only "zeros" padding mode is supported, got ${describe(options.paddingMode)}`);
    }
    this.kernelSize = ntuple(layer, "kernelSize", kernelSize, d, 1);
    this.stride = ntuple(layer, "stride", options.stride ?? 1, d, 1);
    if (typeof options.padding === "string") throw new Error(`${layer}: padding must be an integer or ${d} integers, got ${describe(options.padding)}`);
    this.padding = ntuple(layer, "padding", options.padding ?? 0, d, 0);
    this.outputPadding = ntuple(layer, "outputPadding", options.outputPadding ?? 0, d, 0);
    this.dilation = ntuple(layer, "dilation", options.dilation ?? 1, d, 1);
    const dtype = options.dtype ?? "float32";
    // (Cin, Cout/groups, *k): the layout of the conv whose input gradient this layer computes.
    this.weight = new Parameter(empty(layer, [inChannels, outChannels / this.groups, ...this.kernelSize], dtype));
    this.bias = (options.bias ?? true) ? new Parameter(empty(layer, [outChannels], dtype)) : null;
    this.resetParameters(options.generator);
  }

  /** PyTorch's default initialization: U(±1/√fanIn) with fanIn = outChannels/groups·kernel elements. */
  resetParameters(generator?: Generator): void {
    resetConvParameters(this.weight, this.bias, generator);
  }

  /**
   * `outputSize` (the spatial size, optionally with the leading batch and channel dims) picks the
   * output padding that reaches it, as PyTorch's `forward(input, output_size)`.
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const outputPadding = outputSize === undefined ? this.outputPadding : this.outputPaddingFor(x, outputSize);
    return convTransposeNd(this._layer, this.kernelSize.length, x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  private outputPaddingFor(x: Tensor, outputSize: readonly number[]): number[] {
    const d = this.kernelSize.length;
    if (!Array.isArray(outputSize) || (outputSize.length !== d && outputSize.length !== d + 1 && outputSize.length !== d + 2)) {
      throw new Error(`${this._layer}: outputSize must list the ${d} spatial sizes (optionally after batch and channels), got ${describe(outputSize)}`);
    }
    if (!(x instanceof Tensor) || x.ndim < d) throw new Error(`${this._layer}: input must be a Tensor with ${d} spatial dims`);
    const size = outputSize.slice(outputSize.length - d);
    const inSize = x.shape.slice(x.ndim - d);
    return size.map((want, i) => {
      const min = (inSize[i]! - 1) * this.stride[i]! - 2 * this.padding[i]! + this.dilation[i]! * (this.kernelSize[i]! - 1) + 1;
      const max = min + this.stride[i]! - 1;
      if (!Number.isInteger(want) || want < min || want > max) {
        throw new Error(`${this._layer}: requested output size ${fmtShape(size)} is not reachable from input ${fmtShape(x.shape)}: dim ${i} must be between ${min} and ${max}`);
      }
      return want - min;
    });
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}

/**
 * Transposed 1-D convolution (the gradient of Conv1d in its input), PyTorch's `nn.ConvTranspose1d`:
 * weight (Cin, Cout/groups, k), bias (Cout).
 * ```ts
 * const up = new nn.ConvTranspose1d(16, 8, 4, { stride: 2, padding: 1 }); // doubles the length
 * ```
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvTransposeLayerOptions = {}) {
    super("ConvTranspose1d", 1, inChannels, outChannels, kernelSize, options);
  }
}

/** Transposed 2-D convolution, PyTorch's `nn.ConvTranspose2d`: weight (Cin, Cout/groups, kH, kW). */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvTransposeLayerOptions = {}) {
    super("ConvTranspose2d", 2, inChannels, outChannels, kernelSize, options);
  }
}

/** Transposed 3-D convolution, PyTorch's `nn.ConvTranspose3d`. */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvTransposeLayerOptions = {}) {
    super("ConvTranspose3d", 3, inChannels, outChannels, kernelSize, options);
  }
}
