// Pooling layers: MaxPool1d/2d/3d, AvgPool1d/2d/3d, AdaptiveAvgPool1d/2d/3d, AdaptiveMaxPool1d/2d/3d and
// MaxUnpool1d/2d/3d — thin modules over src/ops/pooling.ts that print as PyTorch's.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";
import { pyBool, pyTuple } from "./pyRepr.js";
import {
  adaptiveAvgPoolNd, adaptiveMaxPoolNd, avgPoolNd, checkOptions, intTuple, maxPoolNd, maxUnpoolNd,
  type AdaptiveSize, type AvgPoolOptions, type IntOrTuple, type MaxPoolOptions,
} from "../ops/pooling.js";
import { checkInt, describe } from "../tensor/validate.js";

/** What a pooling layer returns: the pooled tensor, or [values, indices] with `returnIndices: true`. */
export type PoolOutput<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** Python's repr of an int or a tuple of ints (a size as the user gave it). */
const pyIntOrTuple = (v: IntOrTuple): string => (typeof v === "number" ? String(v) : pyTuple(v));

/** Shared by MaxPool1d/2d/3d (PyTorch's `_MaxPoolNd`). */
export abstract class MaxPoolNd<R extends boolean = false> extends Module<[Tensor], PoolOutput<R>> {
  readonly kernelSize: IntOrTuple;
  /** The kernel size unless given (PyTorch's default). */
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly ceilMode: boolean;
  readonly returnIndices: R;
  constructor(private readonly _nd: number, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super();
    const name = new.target.name;
    checkOptions(name, options, ["stride", "padding", "dilation", "ceilMode", "returnIndices"]);
    intTuple(name, "kernelSize", kernelSize, _nd, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    intTuple(name, "stride", this.stride, _nd, 1);
    this.padding = options.padding ?? 0;
    intTuple(name, "padding", this.padding, _nd, 0);
    this.dilation = options.dilation ?? 1;
    intTuple(name, "dilation", this.dilation, _nd, 1);
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = options.returnIndices ?? (false as R);
  }
  forward(x: Tensor): PoolOutput<R> {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return maxPoolNd(this.constructor.name, this._nd, x, this.kernelSize, { stride, padding, dilation, ceilMode, returnIndices }) as PoolOutput<R>;
  }
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}, dilation=${pyIntOrTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * Max pooling of (N, C, L) or (C, L) over L (PyTorch's `nn.MaxPool1d`); with `returnIndices: true`
 * it returns [values, indices] (the indices feed MaxUnpool1d).
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * Max pooling of (N, C, H, W) or (C, H, W) (PyTorch's `nn.MaxPool2d`).
 * ```ts
 * new nn.MaxPool2d(2);                                        // 2×2 windows, stride 2
 * new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(2, kernelSize, options);
  }
}

/** Max pooling of (N, C, D, H, W) or (C, D, H, W) (PyTorch's `nn.MaxPool3d`). */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(3, kernelSize, options);
  }
}

/** Shared by AvgPool1d/2d/3d (PyTorch's `_AvgPoolNd`). */
export abstract class AvgPoolNd extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(private readonly _nd: number, kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super();
    const name = new.target.name;
    checkOptions(name, options, ["stride", "padding", "ceilMode", "countIncludePad", ...(_nd > 1 ? ["divisorOverride"] : [])]);
    intTuple(name, "kernelSize", kernelSize, _nd, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    intTuple(name, "stride", this.stride, _nd, 1);
    this.padding = options.padding ?? 0;
    intTuple(name, "padding", this.padding, _nd, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    const options = this._nd > 1 ? { stride, padding, ceilMode, countIncludePad, divisorOverride } : { stride, padding, ceilMode, countIncludePad };
    return avgPoolNd(this.constructor.name, this._nd, x, this.kernelSize, options);
  }
  override extraRepr(): string {
    // AvgPool1d stores its sizes as 1-tuples (PyTorch's _single); 2-D and 3-D keep them as given
    const show = (v: IntOrTuple): string => (this._nd === 1 ? pyTuple(intTuple("AvgPool1d", "size", v, 1, 0)) : pyIntOrTuple(v));
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** Average pooling of (N, C, L) or (C, L) (PyTorch's `nn.AvgPool1d`; no divisorOverride, as PyTorch). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: Omit<AvgPoolOptions, "divisorOverride"> = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * Average pooling of (N, C, H, W) or (C, H, W) (PyTorch's `nn.AvgPool2d`): the divisor counts the
 * padding zeros unless `countIncludePad: false`; `divisorOverride` replaces it.
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(2, kernelSize, options);
  }
}

/** Average pooling of (N, C, D, H, W) or (C, D, H, W) (PyTorch's `nn.AvgPool3d`). */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(3, kernelSize, options);
  }
}

/** Python's repr of an adaptive output size: `5`, `(3, None)`. */
function pyOutputSize(v: AdaptiveSize): string {
  if (typeof v === "number") return String(v);
  const items = v.map((s) => (s === null ? "None" : String(s)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** An adaptive output size checked at construction: an int ≥ 0, or nd of them (null keeps the input's size). */
function checkAdaptiveSize(name: string, outputSize: AdaptiveSize, nd: number): void {
  const list = typeof outputSize === "number" ? [outputSize] : Array.isArray(outputSize) && outputSize.length === nd ? outputSize : null;
  if (list === null) throw new Error(`${name}: outputSize must be an integer or a list of ${nd} integers (or nulls), got ${describe(outputSize)}`);
  for (const s of list) {
    if (s === null) continue;
    if (checkInt(name, "outputSize", s) < 0) throw new Error(`${name}: outputSize must be non-negative, got ${pyOutputSize(outputSize)}`);
  }
}

/** Shared by AdaptiveAvgPool1d/2d/3d. */
export abstract class AdaptiveAvgPoolNd extends Module {
  constructor(private readonly _nd: number, readonly outputSize: AdaptiveSize) {
    super();
    checkAdaptiveSize(new.target.name, outputSize, _nd);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPoolNd(this.constructor.name, this._nd, x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyOutputSize(this.outputSize)}`;
  }
}

/** Adaptive average pooling of (N, C, L) or (C, L) to `outputSize` windows. */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(1, outputSize);
  }
}

/**
 * Adaptive average pooling of (N, C, H, W) or (C, H, W) to `outputSize` (PyTorch's windows:
 * ⌊i·in/out⌋ … ⌈(i + 1)·in/out⌉); `new nn.AdaptiveAvgPool2d(1)` is global average pooling.
 */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(2, outputSize);
  }
}

/** Adaptive average pooling of (N, C, D, H, W) or (C, D, H, W). */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(3, outputSize);
  }
}

/** Shared by AdaptiveMaxPool1d/2d/3d. */
export abstract class AdaptiveMaxPoolNd<R extends boolean = false> extends Module<[Tensor], PoolOutput<R>> {
  readonly returnIndices: R;
  constructor(private readonly _nd: number, readonly outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super();
    const name = new.target.name;
    checkOptions(name, options, ["returnIndices"]);
    checkAdaptiveSize(name, outputSize, _nd);
    this.returnIndices = options.returnIndices ?? (false as R);
  }
  forward(x: Tensor): PoolOutput<R> {
    return adaptiveMaxPoolNd(this.constructor.name, this._nd, x, this.outputSize, { returnIndices: this.returnIndices }) as PoolOutput<R>;
  }
  override extraRepr(): string {
    return `output_size=${pyOutputSize(this.outputSize)}`;
  }
}

/** Adaptive max pooling of (N, C, L) or (C, L). */
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(1, outputSize, options);
  }
}

/** Adaptive max pooling of (N, C, H, W) or (C, H, W), windows as AdaptiveAvgPool2d. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(2, outputSize, options);
  }
}

/** Adaptive max pooling of (N, C, D, H, W) or (C, D, H, W). */
export class AdaptiveMaxPool3d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R } = {}) {
    super(3, outputSize, options);
  }
}

/** Shared by MaxUnpool1d/2d/3d; sizes are stored as nd-tuples (PyTorch's `_pair`). */
export abstract class MaxUnpoolNd extends Module<[Tensor, Tensor, (readonly number[] | null)?], Tensor> {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  constructor(private readonly _nd: number, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple } = {}) {
    super();
    const name = new.target.name;
    checkOptions(name, options, ["stride", "padding"]);
    this.kernelSize = intTuple(name, "kernelSize", kernelSize, _nd, 1);
    this.stride = intTuple(name, "stride", options.stride ?? kernelSize, _nd, 1);
    this.padding = intTuple(name, "padding", options.padding ?? 0, _nd, 0);
  }
  /** Writes each value of `x` at its index in a zero plane; `outputSize` picks among the sizes that pool to x's. */
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return maxUnpoolNd(this.constructor.name, this._nd, x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/** The partial inverse of MaxPool1d: `unpool.call(y, indices)` with the pool's indices. */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple } = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * The partial inverse of MaxPool2d: the maxima go back to their positions, zeros elsewhere.
 * ```ts
 * const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true }).call(x);
 * new nn.MaxUnpool2d(2).call(y, idx); // x's shape, zeros but at the maxima
 * ```
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple } = {}) {
    super(2, kernelSize, options);
  }
}

/** The partial inverse of MaxPool3d. */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple } = {}) {
    super(3, kernelSize, options);
  }
}
