// Resampling: interpolate (nearest, nearest-exact, linear/bilinear/trilinear, area) with PyTorch's
// source-index rules, and pixelShuffle / pixelUnshuffle. All are composites of differentiable ops.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { checkInt, describe } from "../tensor/validate.js";
import { add, mul } from "./elementwise.js";
import { indexSelect } from "./indexing.js";
import { expand, permute, reshape, unsqueeze } from "./movement.js";
import { tensor } from "./creation.js";
import { adaptiveAvgPoolNd, checkOptions } from "./pooling.js";

/**
 * The interpolation mode of {@link interpolate} and the Upsample layer: nearest neighbour (PyTorch's legacy
 * rule or "nearest-exact"), (bi/tri)linear for 1/2/3 spatial dims, or area averaging.
 */
export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "trilinear" | "area";

/**
 * Options of {@link interpolate} (`torch.nn.functional.interpolate`): the output size or the scale factor,
 * the mode, and the corner-alignment and scale-recomputation flags.
 */
export interface InterpolateOptions {
  /** Output size of the spatial dims: one int for all, or one per dim. Exactly one of size and scaleFactor. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial sizes (output size ⌊in·scale⌋); one for all, or one per dim. */
  scaleFactor?: number | readonly number[] | null;
  /** Default "nearest" (PyTorch's legacy rule src = ⌊dst·in/out⌋); "nearest-exact" uses ⌊(dst + ½)·in/out⌋. */
  mode?: InterpolateMode;
  /** Linear modes only: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean | null;
  /** With scaleFactor: compute the source index from in/out instead of 1/scaleFactor (default false). */
  recomputeScaleFactor?: boolean | null;
}

const linearModes: Record<string, number> = { linear: 1, bilinear: 2, trilinear: 3 };
const modes = ["nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area"];

/** A list of `nd` values from a number or a list of length nd. */
function perDim(op: string, what: string, value: unknown, nd: number, x: Tensor): unknown[] {
  if (typeof value === "number") return new Array<unknown>(nd).fill(value);
  if (Array.isArray(value) && value.length === nd) return value;
  throw new Error(
    `${op}: ${what} must be a number or a list of ${nd} numbers (one per spatial dim of input ${fmtShape(x.shape)}), got ${Array.isArray(value) ? `[${value.join(", ")}]` : describe(value)}`,
  );
}

/** PyTorch's nearest source index (deprecated rule kept for compatibility): computed in float32 arithmetic. */
function nearestIndex(o: number, inSize: number, outSize: number, scale: number | null, exact: boolean): number {
  if (!exact && outSize === inSize) return o;
  if (!exact && outSize === 2 * inSize) return o >> 1;
  const s = scale !== null && scale > 0 ? Math.fround(1 / scale) : Math.fround(inSize / outSize);
  const src = exact ? Math.fround((o + 0.5) * s) : Math.fround(o * s);
  return Math.min(Math.floor(src), inSize - 1);
}

/**
 * PyTorch's linear source index and weights (area_pixel_compute_source_index, guard_index_and_lambda),
 * in float32 arithmetic for float32 inputs as its kernels compute them.
 */
function linearIndices(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, f32: boolean) {
  const r = f32 ? Math.fround : (v: number): number => v;
  let ratio: number;
  if (alignCorners) ratio = outSize > 1 ? r((inSize - 1) / (outSize - 1)) : 0;
  else ratio = scale !== null && scale > 0 ? r(1 / scale) : r(inSize / outSize);
  const i0: number[] = [], i1: number[] = [], w0: number[] = [], w1: number[] = [];
  for (let o = 0; o < outSize; o++) {
    let src = alignCorners ? r(ratio * o) : r(r(ratio * r(o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(Math.fround(src)), inSize - 1);
    const lambda = Math.min(Math.max(r(src - lo), 0), 1);
    i0.push(lo);
    i1.push(lo + (lo < inSize - 1 ? 1 : 0));
    w1.push(lambda);
    w0.push(r(1 - lambda));
  }
  return { i0, i1, w0, w1 };
}

/** x indexed along `dim` by `idx`; integer upsampling (idx = ⌊o/r⌋) as a broadcast instead of a gather. */
function nearestAlong(x: Tensor, dim: number, idx: number[]): Tensor {
  const inSize = x.shape[dim]!, outSize = idx.length;
  const r = outSize / inSize;
  if (Number.isInteger(r) && idx.every((v, o) => v === Math.floor(o / r))) {
    const shape = [...x.shape.slice(0, dim + 1), r, ...x.shape.slice(dim + 1)];
    const repeated = expand(unsqueeze(x, dim + 1), shape); // (…, in, r, …)
    return reshape(repeated, [...x.shape.slice(0, dim), outSize, ...x.shape.slice(dim + 1)]);
  }
  return indexSelect(x, dim, idx);
}

/** Linear interpolation along `dim`: w0·x[i0] + w1·x[i1]. */
function linearAlong(x: Tensor, dim: number, outSize: number, alignCorners: boolean, scale: number | null): Tensor {
  const { i0, i1, w0, w1 } = linearIndices(x.shape[dim]!, outSize, alignCorners, scale, x.dtype === "float32");
  const wShape = x.shape.map((s, i) => (i === dim ? outSize : 1)); // (1, …, out, …, 1)
  const weight = (w: number[]): Tensor => tensor(w, { dtype: x.dtype, shape: wShape });
  return add(mul(indexSelect(x, dim, i0), weight(w0)), mul(indexSelect(x, dim, i1), weight(w1)));
}

/**
 * Resizes the spatial dims of (N, C, L), (N, C, H, W) or (N, C, D, H, W) inputs, as PyTorch's
 * `F.interpolate`: the size is given (`interpolate(x, [8, 8])` or `{ size }`) or scaled
 * (`{ scaleFactor: 2 }`, output ⌊in·scale⌋, source index from 1/scale unless `recomputeScaleFactor`).
 * ```ts
 * nn.functional.interpolate(x, { scaleFactor: 2, mode: "bilinear", alignCorners: false });
 * ```
 */
export function interpolate(x: Tensor, sizeOrOptions?: number | readonly number[] | InterpolateOptions, options?: InterpolateOptions): Tensor {
  const op = "interpolate";
  let opts: Record<string, unknown>;
  const allowed = ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor"];
  if (typeof sizeOrOptions === "number" || Array.isArray(sizeOrOptions)) {
    opts = { ...checkOptions(op, options, allowed.filter((k) => k !== "size")), size: sizeOrOptions };
  } else {
    if (options !== undefined) throw new Error(`${op}: options come second when no size is given; got a third argument ${describe(options)}`);
    opts = checkOptions(op, sizeOrOptions, allowed);
  }
  return resize(op, x, opts);
}

/** The interpolation itself (`op` names the caller in errors: interpolate or Upsample). */
export function resize(op: string, x: Tensor, o: Record<string, unknown>): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor as input, got ${describe(x)}`);
  const mode = o.mode ?? "nearest";
  if (typeof mode !== "string" || !modes.includes(mode)) throw new Error(`${op}: unknown mode ${describe(mode)} (expected one of ${modes.join(", ")})`);
  if (x.ndim < 3 || x.ndim > 5) {
    throw new Error(`${op}: expected a 3-D, 4-D or 5-D input (N, C, spatial…), got shape ${fmtShape(x.shape)}`);
  }
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  const nd = x.ndim - 2;
  const linearDims = linearModes[mode];
  if (linearDims !== undefined && linearDims !== nd) {
    throw new Error(`${op}: mode "${mode}" needs a ${linearDims + 2}-D input, got shape ${fmtShape(x.shape)}`);
  }
  const alignGiven = o.alignCorners !== undefined && o.alignCorners !== null;
  if (alignGiven && typeof o.alignCorners !== "boolean") throw new Error(`${op}: alignCorners must be a boolean, got ${describe(o.alignCorners)}`);
  if (alignGiven && linearDims === undefined) {
    throw new Error(`${op}: alignCorners can only be set with the interpolating modes linear, bilinear and trilinear (mode is "${mode}")`);
  }
  const alignCorners = alignGiven ? (o.alignCorners as boolean) : false;
  const hasSize = o.size !== undefined && o.size !== null, hasScale = o.scaleFactor !== undefined && o.scaleFactor !== null;
  if (hasSize === hasScale) throw new Error(`${op}: give exactly one of size and scaleFactor, got ${hasSize ? "both" : "neither"}`);
  const recompute = o.recomputeScaleFactor ?? false;
  if (typeof recompute !== "boolean") throw new Error(`${op}: recomputeScaleFactor must be a boolean, got ${describe(recompute)}`);
  if (recompute && hasSize) throw new Error(`${op}: recomputeScaleFactor is not meaningful with an explicit size`);
  const spatial = x.shape.slice(2);
  let outShape: number[];
  let scales: (number | null)[] = new Array<null>(nd).fill(null);
  if (hasSize) {
    outShape = perDim(op, "size", o.size, nd, x).map((v) => checkInt(op, "size", v));
  } else {
    const factors = perDim(op, "scaleFactor", o.scaleFactor, nd, x).map((v) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new Error(`${op}: scaleFactor must be positive and finite, got ${describe(v)}`);
      return v;
    });
    outShape = spatial.map((s, i) => Math.floor(s * factors[i]!));
    // "area" always works from the sizes (PyTorch recomputes its scale)
    if (!recompute && mode !== "area") scales = factors;
  }
  if (outShape.some((s) => s <= 0)) {
    throw new Error(`${op}: the output size ${fmtShape(outShape)} for input ${fmtShape(x.shape)} must be positive in every spatial dim`);
  }
  if (mode === "area") return adaptiveAvgPoolNd(op, nd, x, outShape);
  let y = x;
  for (let i = 0; i < nd; i++) {
    const dim = i + 2, inSize = spatial[i]!, outSize = outShape[i]!;
    if (outSize === inSize && (mode !== "nearest-exact" || scales[i] === null)) continue; // PyTorch copies
    if (mode === "nearest" || mode === "nearest-exact") {
      const idx = Array.from({ length: outSize }, (_, k) => nearestIndex(k, inSize, outSize, scales[i] ?? null, mode === "nearest-exact"));
      y = nearestAlong(y, dim, idx);
    } else {
      y = linearAlong(y, dim, outSize, alignCorners, scales[i] ?? null);
    }
  }
  return y;
}

/** r must be a positive integer. */
function checkFactor(op: string, what: string, r: unknown): number {
  checkInt(op, what, r);
  if ((r as number) <= 0) throw new Error(`${op}: ${what} must be positive, got ${r}`);
  return r as number;
}

/**
 * Rearranges (*, C·r², H, W) into (*, C, H·r, W·r) (Shi et al. 2016, arXiv:1609.05158): PyTorch's
 * `F.pixel_shuffle`.
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number, op = "pixelShuffle"): Tensor {
  const r = checkFactor(op, "upscaleFactor", upscaleFactor);
  if (!(x instanceof Tensor) || x.ndim < 3) throw new Error(`${op}: expected an input with at least 3 dims (*, C, H, W), got ${x instanceof Tensor ? fmtShape(x.shape) : describe(x)}`);
  const lead = x.shape.slice(0, -3), L = lead.length;
  const [C, H, W] = x.shape.slice(-3) as [number, number, number];
  if (C % (r * r) !== 0) {
    throw new Error(`${op}: the channel dim of input ${fmtShape(x.shape)} (${C}) must be divisible by upscaleFactor² = ${r * r}`);
  }
  const oc = C / (r * r);
  const split = reshape(x, [...lead, oc, r, r, H, W]); // (*, oc, r, r, H, W)
  const moved = permute(split, [...lead.keys(), L, L + 3, L + 1, L + 4, L + 2]); // (*, oc, H, r, W, r)
  return reshape(moved, [...lead, oc, H * r, W * r]);
}

/** The inverse of {@link pixelShuffle}: (*, C, H·r, W·r) → (*, C·r², H, W), PyTorch's `F.pixel_unshuffle`. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number, op = "pixelUnshuffle"): Tensor {
  const r = checkFactor(op, "downscaleFactor", downscaleFactor);
  if (!(x instanceof Tensor) || x.ndim < 3) throw new Error(`${op}: expected an input with at least 3 dims (*, C, H, W), got ${x instanceof Tensor ? fmtShape(x.shape) : describe(x)}`);
  const lead = x.shape.slice(0, -3), L = lead.length;
  const [C, H, W] = x.shape.slice(-3) as [number, number, number];
  if (H % r !== 0 || W % r !== 0) {
    throw new Error(`${op}: the height and width of input ${fmtShape(x.shape)} (${H}, ${W}) must be divisible by downscaleFactor ${r}`);
  }
  const split = reshape(x, [...lead, C, H / r, r, W / r, r]); // (*, C, H/r, r, W/r, r)
  const moved = permute(split, [...lead.keys(), L, L + 2, L + 4, L + 1, L + 3]); // (*, C, r, r, H/r, W/r)
  return reshape(moved, [...lead, C * r * r, H / r, W / r]);
}
