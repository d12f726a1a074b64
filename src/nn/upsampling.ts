// Upsampling layers: Upsample (and its fixed-mode forms UpsamplingNearest2d / UpsamplingBilinear2d),
// PixelShuffle and PixelUnshuffle — modules over src/ops/resample.ts that print as PyTorch's.
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";
import { pyFloat, pyStr, pyTuple } from "./pyRepr.js";
import { pixelShuffle, pixelUnshuffle, resize, type InterpolateMode } from "../ops/resample.js";
import { checkOptions } from "../ops/pooling.js";
import { checkInt } from "../tensor/validate.js";

/**
 * Options of {@link Upsample} (those of `nn.functional.interpolate`): the output size or the scale factor,
 * the interpolation mode, and the corner-alignment and scale-recomputation flags.
 */
export interface UpsampleOptions {
  /** Output size of the spatial dims (one for all, or one per dim); exactly one of size and scaleFactor. */
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  /** Default "nearest". */
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

/**
 * Resizes (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs as `nn.functional.interpolate` (PyTorch's
 * `nn.Upsample`); the size may come first, as in PyTorch.
 * ```ts
 * new nn.Upsample({ scaleFactor: 2, mode: "bilinear" });
 * new nn.Upsample([32, 32]);
 * ```
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  constructor(sizeOrOptions?: number | readonly number[] | UpsampleOptions | null, options: UpsampleOptions = {}) {
    super();
    const name = new.target.name;
    const allowed = ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor"];
    const o = typeof sizeOrOptions === "number" || Array.isArray(sizeOrOptions)
      ? { ...checkOptions(name, options, allowed), size: sizeOrOptions }
      : checkOptions(name, sizeOrOptions ?? options, allowed);
    this.size = (o.size as number | readonly number[] | undefined) ?? null;
    this.scaleFactor = (o.scaleFactor as number | readonly number[] | undefined) ?? null;
    this.mode = (o.mode as InterpolateMode | undefined) ?? "nearest";
    this.alignCorners = (o.alignCorners as boolean | undefined) ?? null;
    this.recomputeScaleFactor = (o.recomputeScaleFactor as boolean | undefined) ?? null;
  }
  forward(x: Tensor): Tensor {
    const { size, scaleFactor, mode, alignCorners, recomputeScaleFactor } = this;
    return resize(this.constructor.name, x, { size, scaleFactor, mode, alignCorners, recomputeScaleFactor });
  }
  override extraRepr(): string {
    // PyTorch stores the scale factor as float(s), the size as given
    const info = this.scaleFactor !== null
      ? `scale_factor=${typeof this.scaleFactor === "number" ? pyFloat(this.scaleFactor) : `(${this.scaleFactor.map(pyFloat).join(", ")}${this.scaleFactor.length === 1 ? "," : ""})`}`
      : `size=${typeof this.size === "number" ? this.size : this.size === null ? "None" : pyTuple(this.size)}`;
    return `${info}, mode=${pyStr(this.mode)}`;
  }
}

/** Nearest-neighbour upsampling of (N, C, H, W) (PyTorch's `nn.UpsamplingNearest2d`). */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null } = {}) {
    super({ ...checkOptions("UpsamplingNearest2d", options, ["size", "scaleFactor"]), mode: "nearest" });
  }
}

/** Bilinear upsampling of (N, C, H, W) with aligned corners (PyTorch's `nn.UpsamplingBilinear2d`). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null } = {}) {
    super({ ...checkOptions("UpsamplingBilinear2d", options, ["size", "scaleFactor"]), mode: "bilinear", alignCorners: true });
  }
}

/** (*, C·r², H, W) → (*, C, H·r, W·r): sub-pixel convolution's rearrangement (Shi et al. 2016, arXiv:1609.05158). */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
    if (checkInt("PixelShuffle", "upscaleFactor", upscaleFactor) <= 0) throw new Error(`PixelShuffle: upscaleFactor must be positive, got ${upscaleFactor}`);
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor, "PixelShuffle");
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** (*, C, H·r, W·r) → (*, C·r², H, W): the inverse of PixelShuffle. */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
    if (checkInt("PixelUnshuffle", "downscaleFactor", downscaleFactor) <= 0) throw new Error(`PixelUnshuffle: downscaleFactor must be positive, got ${downscaleFactor}`);
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor, "PixelUnshuffle");
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
