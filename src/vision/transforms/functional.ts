// Deterministic image operations on CHW / NCHW tensors (torchvision.transforms.functional in camelCase): pad, crop, flips, affine, blur, brightness/contrast, erase, normalize, toTensor.
import { Tensor } from "../../tensor/Tensor.js";
import { describe } from "../../tensor/validate.js";

/** One image's pixels: C planes of H×W values, row-major. */
export interface Planes {
  c: number;
  h: number;
  w: number;
  data: Float32Array | Float64Array;
}

type FloatArray = Float32Array | Float64Array;

function newLike(data: FloatArray, size: number): FloatArray {
  return data instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
}

/** Shape as `[2, 3]` for messages. */
const fmt = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

/** Checks that `x` is a float32/float64 image [C, H, W] or batch [N, C, H, W]; `op` names the caller. */
export function checkImage(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expects an image tensor [C, H, W] or a batch [N, C, H, W], got ${describe(x)}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: expects an image [C, H, W] or a batch [N, C, H, W], got shape ${fmt(x.shape)}`);
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new Error(`${op}: expects a float32 or float64 image, got ${x.dtype} (convert 0–255 pixels with toTensor first)`);
  }
  return x;
}

/**
 * Runs `fn` on each image of `x` (one for [C, H, W], N for [N, C, H, W]) and assembles the results,
 * which must all have one shape. The input is never modified.
 */
export function mapImages(op: string, x: Tensor, fn: (image: Planes, index: number) => Planes): Tensor {
  checkImage(op, x);
  const batched = x.ndim === 4;
  const [n, c, h, w] = batched ? (x.shape as [number, number, number, number]) : [1, ...(x.shape as [number, number, number])];
  const all = x.dataSync() as FloatArray;
  const per = c * h * w;
  const outs: Planes[] = [];
  for (let i = 0; i < n; i++) outs.push(fn({ c, h, w, data: all.subarray(i * per, (i + 1) * per) }, i));
  if (!batched) return Tensor.fromData(outs[0]!.data, [outs[0]!.c, outs[0]!.h, outs[0]!.w], x.dtype);
  const first = outs[0] ?? { c, h, w, data: all };
  const size = first.c * first.h * first.w;
  const data = newLike(all, n * size);
  outs.forEach((o, i) => {
    if (o.c !== first.c || o.h !== first.h || o.w !== first.w) {
      throw new Error(`${op}: the images of a batch came out with different shapes ${fmt([first.c, first.h, first.w])} and ${fmt([o.c, o.h, o.w])}`);
    }
    data.set(o.data, i * size);
  });
  return Tensor.fromData(data, [n, first.c, first.h, first.w], x.dtype);
}

// ---- padding and cropping -------------------------------------------------------------------------

/** How pixels outside the image are filled (torchvision's padding modes). */
export type PaddingMode = "constant" | "edge" | "reflect" | "symmetric";
const PADDING_MODES: readonly PaddingMode[] = ["constant", "edge", "reflect", "symmetric"];

/**
 * The source index of position `i` of a padded axis of length `n`, or -1 for the fill value:
 * edge repeats the border pixel (…a a|a b c|c c…), reflect mirrors about it without repeating it
 * (…c b|a b c|b a…), symmetric mirrors and repeats it (…b a|a b c|c b…).
 */
export function paddedIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "edge":
      return i < 0 ? 0 : n - 1;
    case "reflect": {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const k = ((i % period) + period) % period;
      return k < n ? k : period - k;
    }
    case "symmetric": {
      const period = 2 * n;
      const k = ((i % period) + period) % period;
      return k < n ? k : period - 1 - k;
    }
  }
}

/** [left, top, right, bottom] from torchvision's padding forms: p, [left/right, top/bottom], or [left, top, right, bottom]. */
export function paddingSides(op: string, padding: unknown): [number, number, number, number] {
  const ok = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (ok(padding)) return [padding, padding, padding, padding];
  if (Array.isArray(padding) && padding.every(ok)) {
    if (padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
    if (padding.length === 4) return [padding[0], padding[1], padding[2], padding[3]];
  }
  throw new Error(`${op}: padding must be a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom], got ${Array.isArray(padding) ? fmt(padding) : describe(padding)}`);
}

/** Per-channel fill values: a number for every channel, or one per channel. */
export function fillValues(op: string, fill: unknown, channels: number, what = "fill"): number[] {
  if (typeof fill === "number" && !Number.isNaN(fill)) return new Array<number>(channels).fill(fill);
  if (Array.isArray(fill) && fill.every((v) => typeof v === "number" && !Number.isNaN(v))) {
    if (fill.length === 1) return new Array<number>(channels).fill(fill[0] as number);
    if (fill.length === channels) return fill as number[];
    throw new Error(`${op}: ${what} has ${fill.length} values but the image has ${channels} channels`);
  }
  throw new Error(`${op}: ${what} must be a number or an array of one number per channel, got ${describe(fill)}`);
}

/** Returns `mode` as a {@link PaddingMode}, or throws an error naming `op` when it is not one. */
export function checkPaddingMode(op: string, mode: unknown): PaddingMode {
  if (!PADDING_MODES.includes(mode as PaddingMode)) throw new Error(`${op}: paddingMode must be one of ${PADDING_MODES.join(", ")}, got ${describe(mode)}`);
  return mode as PaddingMode;
}

/** Pads one image by [left, top, right, bottom]; reflect needs each pad smaller than the side it mirrors (as PyTorch). */
export function padPlanes(op: string, image: Planes, sides: [number, number, number, number], mode: PaddingMode, fill: number[]): Planes {
  const [left, top, right, bottom] = sides;
  const { c, h, w, data } = image;
  if (mode === "reflect" && (left >= w || right >= w || top >= h || bottom >= h)) {
    throw new Error(`${op}: reflect padding [left ${left}, top ${top}, right ${right}, bottom ${bottom}] must be smaller than the image's sides (height ${h}, width ${w})`);
  }
  const oh = h + top + bottom, ow = w + left + right;
  const out = newLike(data, c * oh * ow);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < oh; y++) {
      const sy = paddedIndex(y - top, h, mode);
      for (let x = 0; x < ow; x++) {
        const sx = paddedIndex(x - left, w, mode);
        out[(ch * oh + y) * ow + x] = sy < 0 || sx < 0 ? fill[ch]! : data[(ch * h + sy) * w + sx]!;
      }
    }
  }
  return { c, h: oh, w: ow, data: out };
}

/**
 * Pads every image: `padding` is p (all sides), [leftRight, topBottom] or [left, top, right,
 * bottom]; `paddingMode` constant (with `fill`, default 0), edge, reflect or symmetric.
 */
export function pad(x: Tensor, padding: number | readonly number[], options: { fill?: number | readonly number[]; paddingMode?: PaddingMode } = {}): Tensor {
  const op = "pad";
  checkImage(op, x);
  const sides = paddingSides(op, padding);
  const mode = checkPaddingMode(op, options.paddingMode ?? "constant");
  const fill = fillValues(op, options.fill ?? 0, x.shape[x.ndim - 3]!);
  return mapImages(op, x, (image) => padPlanes(op, image, sides, mode, fill));
}

/**
 * The `height`×`width` window of one image whose top-left corner is (`top`, `left`); throws (naming `op`)
 * when it does not fit.
 */
export function cropPlanes(op: string, image: Planes, top: number, left: number, height: number, width: number): Planes {
  const { c, h, w, data } = image;
  for (const [what, v] of [["top", top], ["left", left], ["height", height], ["width", width]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${what} must be a non-negative integer, got ${describe(v)}`);
  }
  if (top + height > h || left + width > w || height === 0 || width === 0) {
    throw new Error(`${op}: the window top ${top}, left ${left}, height ${height}, width ${width} does not fit in an image of height ${h} and width ${w}`);
  }
  const out = newLike(data, c * height * width);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < height; y++) {
      const src = (ch * h + top + y) * w + left;
      out.set(data.subarray(src, src + width), (ch * height + y) * width);
    }
  }
  return { c, h: height, w: width, data: out };
}

/** The window of `height` × `width` pixels whose top-left pixel is (top, left), from every image. */
export function crop(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  return mapImages("crop", x, (image) => cropPlanes("crop", image, top, left, height, width));
}

// ---- flips ------------------------------------------------------------------------------------------

/** One image mirrored left–right (`horizontal`) or top–bottom. */
export function flipPlanes(image: Planes, horizontal: boolean): Planes {
  const { c, h, w, data } = image;
  const out = newLike(data, data.length);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = horizontal ? (ch * h + y) * w + (w - 1 - x) : (ch * h + (h - 1 - y)) * w + x;
        out[(ch * h + y) * w + x] = data[src]!;
      }
    }
  }
  return { c, h, w, data: out };
}

/** Mirrors every image left–right (column x ↔ W−1−x). */
export function hflip(x: Tensor): Tensor {
  return mapImages("hflip", x, (image) => flipPlanes(image, true));
}

/** Mirrors every image top–bottom (row y ↔ H−1−y). */
export function vflip(x: Tensor): Tensor {
  return mapImages("vflip", x, (image) => flipPlanes(image, false));
}

// ---- affine -----------------------------------------------------------------------------------------

/** How {@link affine} samples the source image: nearest neighbour or bilinear interpolation. */
export type Interpolation = "nearest" | "bilinear";

/**
 * Options of {@link affine} (torchvision's `affine` arguments in camelCase): rotation, translation, scale,
 * shear, interpolation, the fill of pixels from outside the image, and the center.
 */
export interface AffineOptions {
  /** Rotation in degrees, counter-clockwise as seen on the screen (default 0). */
  angle?: number;
  /** Shift [tx, ty] in pixels, right and down (default [0, 0]). */
  translate?: readonly [number, number];
  /** Zoom factor, > 0 (default 1). */
  scale?: number;
  /** Shear angles in degrees: a number (x only) or [x, y] (default 0). */
  shear?: number | readonly [number, number];
  /** nearest (default) or bilinear. */
  interpolation?: Interpolation;
  /** Value of pixels mapped from outside the image (default 0): a number or one per channel. */
  fill?: number | readonly number[];
  /** The fixed point [cx, cy] in pixel coordinates (default the image centre [(W−1)/2, (H−1)/2]). */
  center?: readonly [number, number];
}

/**
 * The 2×2 linear part A = R(angle) · scale · Shy · Shx of the forward map, with R(θ) = [[cos θ, sin θ],
 * [−sin θ, cos θ]] (counter-clockwise on screen, where y points down), Shx = [[1, tan φx], [0, 1]]
 * and Shy = [[1, 0], [tan φy, 1]]. Returns [a, b, c, d] for [[a, b], [c, d]].
 */
export function affineMatrix(angle: number, scale: number, shear: readonly [number, number]): [number, number, number, number] {
  const t = (angle * Math.PI) / 180;
  const cos = Math.cos(t), sin = Math.sin(t);
  const tx = Math.tan((shear[0] * Math.PI) / 180), ty = Math.tan((shear[1] * Math.PI) / 180);
  // Sh = Shy · Shx = [[1, tx], [ty, ty·tx + 1]]
  const s00 = 1, s01 = tx, s10 = ty, s11 = ty * tx + 1;
  return [
    scale * (cos * s00 + sin * s10),
    scale * (cos * s01 + sin * s11),
    scale * (-sin * s00 + cos * s10),
    scale * (-sin * s01 + cos * s11),
  ];
}

/** A coordinate within 1e-9 of a whole number is that number, so rotations by multiples of 90° move pixels exactly. */
function snap(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-9 ? r : v;
}

/**
 * One image warped by the affine map of `options` (the work of {@link affine} per image); `op` names the
 * caller in errors.
 */
export function affinePlanes(op: string, image: Planes, options: AffineOptions): Planes {
  const { c, h, w, data } = image;
  const angle = options.angle ?? 0, scale = options.scale ?? 1;
  const translate = options.translate ?? [0, 0];
  const shearOpt = options.shear ?? 0;
  const shear: readonly [number, number] = typeof shearOpt === "number" ? [shearOpt, 0] : shearOpt;
  const interpolation = options.interpolation ?? "nearest";
  if (interpolation !== "nearest" && interpolation !== "bilinear") throw new Error(`${op}: interpolation must be "nearest" or "bilinear", got ${describe(interpolation)}`);
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error(`${op}: scale must be a positive number, got ${describe(scale)}`);
  if (!Number.isFinite(angle)) throw new Error(`${op}: angle must be a finite number of degrees, got ${describe(angle)}`);
  if (!Array.isArray(translate) || translate.length !== 2 || !translate.every(Number.isFinite)) throw new Error(`${op}: translate must be [tx, ty] in pixels, got ${describe(translate)}`);
  if (!Array.isArray(shear) || shear.length !== 2 || !shear.every((s) => Number.isFinite(s) && Math.abs(s) < 90)) {
    throw new Error(`${op}: shear must be an angle or [x, y] angles in degrees, each strictly between -90 and 90, got ${Array.isArray(shearOpt) ? fmt(shearOpt) : describe(shearOpt)}`);
  }
  const [cx, cy] = options.center ?? [(w - 1) / 2, (h - 1) / 2];
  const fill = fillValues(op, options.fill ?? 0, c);
  const [a, b, cc, d] = affineMatrix(angle, scale, shear);
  const det = a * d - b * cc;
  // Inverse map: p = c + A⁻¹ (q − c − t), from output pixel q back to input point p.
  const ia = d / det, ib = -b / det, ic = -cc / det, id = a / det;
  const out = newLike(data, data.length);
  const at = (ch: number, y: number, x: number): number => (y >= 0 && y < h && x >= 0 && x < w ? data[(ch * h + y) * w + x]! : fill[ch]!);
  for (let qy = 0; qy < h; qy++) {
    for (let qx = 0; qx < w; qx++) {
      const dx = qx - cx - translate[0], dy = qy - cy - translate[1];
      const px = snap(cx + ia * dx + ib * dy), py = snap(cy + ic * dx + id * dy);
      for (let ch = 0; ch < c; ch++) {
        let v: number;
        if (interpolation === "nearest") v = at(ch, Math.round(py), Math.round(px));
        else {
          const x0 = Math.floor(px), y0 = Math.floor(py);
          const fx = px - x0, fy = py - y0;
          v = (1 - fy) * ((1 - fx) * at(ch, y0, x0) + fx * at(ch, y0, x0 + 1)) + fy * ((1 - fx) * at(ch, y0 + 1, x0) + fx * at(ch, y0 + 1, x0 + 1));
        }
        out[(ch * h + qy) * w + qx] = v;
      }
    }
  }
  return { c, h, w, data: out };
}

/**
 * Applies the affine map q = c + t + A (p − c) to every image (A from `affineMatrix`, c the centre,
 * t the translation): output pixel q takes the input at p = c + A⁻¹ (q − c − t), the nearest pixel
 * (coordinates rounded, halves up) or the bilinear blend of the four around it; points outside the
 * image read `fill`. Pixel centres sit at integer coordinates, x to the right, y down.
 */
export function affine(x: Tensor, options: AffineOptions = {}): Tensor {
  return mapImages("affine", x, (image) => affinePlanes("affine", image, options));
}

// ---- blur -------------------------------------------------------------------------------------------

/**
 * The normalized 1-D Gaussian of `size` taps (odd) and std `sigma`: w_i ∝ exp(−x_i² / 2σ²) at
 * x_i = i − (size−1)/2, divided by their sum (torchvision's kernel).
 */
export function gaussianKernel1d(size: number, sigma: number): number[] {
  const half = (size - 1) / 2;
  const w = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const total = w.reduce((s, v) => s + v, 0);
  return w.map((v) => v / total);
}

/**
 * `kernelSize` as [kx, ky] when it is a positive odd integer or a pair of them, else throws (naming `op`).
 */
export function checkKernelSize(op: string, kernelSize: unknown): [number, number] {
  const odd = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0 && v % 2 === 1;
  if (odd(kernelSize)) return [kernelSize, kernelSize];
  if (Array.isArray(kernelSize) && kernelSize.length === 2 && kernelSize.every(odd)) return [kernelSize[0], kernelSize[1]];
  throw new Error(`${op}: kernelSize must be a positive odd integer or [kx, ky] of them, got ${Array.isArray(kernelSize) ? fmt(kernelSize) : describe(kernelSize)}`);
}

/**
 * One image blurred by the separable Gaussian kernel of `kernelSize` and `sigma` (per axis), with reflect
 * padding (the work of {@link gaussianBlur} per image).
 */
export function blurPlanes(op: string, image: Planes, kernelSize: [number, number], sigma: [number, number]): Planes {
  const { c, h, w, data } = image;
  const [kx, ky] = kernelSize;
  const rx = (kx - 1) / 2, ry = (ky - 1) / 2;
  if (rx >= w || ry >= h) {
    throw new Error(`${op}: kernel [${kx}, ${ky}] needs reflect padding of [${rx}, ${ry}], which must be smaller than the image's width ${w} and height ${h}`);
  }
  const wx = gaussianKernel1d(kx, sigma[0]), wy = gaussianKernel1d(ky, sigma[1]);
  // Separable: along rows, then along columns, each with reflect padding.
  const rows = new Float64Array(data.length);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = 0; k < kx; k++) s += wx[k]! * data[(ch * h + y) * w + paddedIndex(x + k - rx, w, "reflect")]!;
        rows[(ch * h + y) * w + x] = s;
      }
  const out = newLike(data, data.length);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = 0; k < ky; k++) s += wy[k]! * rows[(ch * h + paddedIndex(y + k - ry, h, "reflect")) * w + x]!;
        out[(ch * h + y) * w + x] = s;
      }
  return { c, h, w, data: out };
}

/**
 * Convolves every image with the normalized Gaussian kernel `kernelSize` (odd, or [kx, ky]) of std
 * `sigma` (or [σx, σy]), borders padded by reflection (torchvision.transforms.functional.gaussian_blur).
 */
export function gaussianBlur(x: Tensor, kernelSize: number | readonly [number, number], sigma: number | readonly [number, number]): Tensor {
  const op = "gaussianBlur";
  const k = checkKernelSize(op, kernelSize);
  const s: [number, number] = typeof sigma === "number" ? [sigma, sigma] : [sigma[0], sigma[1]];
  if (!s.every((v) => Number.isFinite(v) && v > 0)) throw new Error(`${op}: sigma must be a positive number or [σx, σy], got ${Array.isArray(sigma) ? fmt(sigma) : describe(sigma)}`);
  return mapImages(op, x, (image) => blurPlanes(op, image, k, s));
}

// ---- colour -----------------------------------------------------------------------------------------

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * One image with every value multiplied by `factor` and clamped to [0, 1] (the work of
 * {@link adjustBrightness} per image).
 */
export function brightnessPlanes(image: Planes, factor: number): Planes {
  const out = newLike(image.data, image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = clamp01(image.data[i]! * factor);
  return { ...image, data: out };
}

/** The mean grey level: of the single channel, or of the luminance 0.2989 R + 0.587 G + 0.114 B (torchvision's weights). */
export function greyMean(op: string, image: Planes): number {
  const { c, h, w, data } = image;
  const n = h * w;
  let s = 0;
  if (c === 1) for (let i = 0; i < n; i++) s += data[i]!;
  else if (c === 3) for (let i = 0; i < n; i++) s += 0.2989 * data[i]! + 0.587 * data[n + i]! + 0.114 * data[2 * n + i]!;
  else throw new Error(`${op}: contrast needs an image with 1 or 3 channels, got ${c}`);
  return s / n;
}

/**
 * One image blended with its mean grey level, `factor`·x + (1 − `factor`)·mean, clamped to [0, 1] (the work
 * of {@link adjustContrast} per image).
 */
export function contrastPlanes(op: string, image: Planes, factor: number): Planes {
  const mean = greyMean(op, image);
  const out = newLike(image.data, image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = clamp01(factor * image.data[i]! + (1 - factor) * mean);
  return { ...image, data: out };
}

function checkFactor(op: string, factor: unknown): number {
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor < 0) throw new Error(`${op}: factor must be a non-negative number, got ${describe(factor)}`);
  return factor;
}

/** min(1, max(0, factor · x)) for images in [0, 1] (torchvision's adjust_brightness). */
export function adjustBrightness(x: Tensor, factor: number): Tensor {
  const f = checkFactor("adjustBrightness", factor);
  return mapImages("adjustBrightness", x, (image) => brightnessPlanes(image, f));
}

/** min(1, max(0, factor · x + (1 − factor) · m)) with m the image's mean grey level (torchvision's adjust_contrast). */
export function adjustContrast(x: Tensor, factor: number): Tensor {
  const f = checkFactor("adjustContrast", factor);
  return mapImages("adjustContrast", x, (image) => contrastPlanes("adjustContrast", image, f));
}

// ---- erase and normalize ----------------------------------------------------------------------------

/**
 * One image with the box at (`top`, `left`) of `height`×`width` set to `value` per channel, or to draws of
 * `noise` when `value` is "random" (the work of {@link erase} per image).
 */
export function erasePlanes(op: string, image: Planes, top: number, left: number, height: number, width: number, value: number[] | "random", noise?: () => number): Planes {
  const { c, h, w, data } = image;
  if (![top, left, height, width].every((v) => Number.isInteger(v) && v >= 0) || top + height > h || left + width > w) {
    throw new Error(`${op}: the box top ${top}, left ${left}, height ${height}, width ${width} does not fit in an image of height ${h} and width ${w}`);
  }
  const out = newLike(data, data.length);
  out.set(data);
  for (let ch = 0; ch < c; ch++)
    for (let y = top; y < top + height; y++)
      for (let x = left; x < left + width; x++) out[(ch * h + y) * w + x] = value === "random" ? noise!() : value[ch]!;
  return { c, h, w, data: out };
}

/** Sets the box of `height` × `width` pixels at (top, left) to `value` (a number or one per channel) in every image. */
export function erase(x: Tensor, top: number, left: number, height: number, width: number, value: number | readonly number[] = 0): Tensor {
  const op = "erase";
  checkImage(op, x);
  const v = fillValues(op, value, x.shape[x.ndim - 3]!, "value");
  return mapImages(op, x, (image) => erasePlanes(op, image, top, left, height, width, v));
}

/** Checks mean/std against the channel count; std entries must be non-zero. */
export function normalizeParams(op: string, mean: unknown, std: unknown, channels: number): [number[], number[]] {
  const m = fillValues(op, mean, channels, "mean");
  const s = fillValues(op, std, channels, "std");
  const zero = s.findIndex((v) => v === 0 || !Number.isFinite(v));
  if (zero >= 0) throw new Error(`${op}: std must be finite and non-zero, got ${s[zero]} for channel ${zero}`);
  return [m, s];
}

/** One image normalized per channel c: (x − mean[c]) / std[c] (the work of {@link normalize} per image). */
export function normalizePlanes(image: Planes, mean: number[], std: number[]): Planes {
  const { c, h, w, data } = image;
  const out = newLike(data, data.length);
  const n = h * w;
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) out[ch * n + i] = (data[ch * n + i]! - mean[ch]!) / std[ch]!;
  return { c, h, w, data: out };
}

/** (x − mean[c]) / std[c] per channel c; mean and std are numbers or one value per channel. */
export function normalize(x: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor {
  const op = "normalize";
  checkImage(op, x);
  const [m, s] = normalizeParams(op, mean, std, x.shape[x.ndim - 3]!);
  return mapImages(op, x, (image) => normalizePlanes(image, m, s));
}

// ---- toTensor -----------------------------------------------------------------------------------------

/** Pixels as a browser's ImageData holds them: `data` row by row, each pixel's channels together (RGBA there). */
export interface ImageDataLike {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * 0–255 pixels in height × width × channels order to a float32 [C, H, W] tensor in [0, 1]
 * (torchvision's to_tensor): an ImageData-like `{ data, width, height }` (channels = data.length /
 * (width·height): 4 for a canvas), or an int32 tensor [H, W] (one channel), [H, W, C] or
 * [N, H, W, C] (then [N, C, H, W]). Values outside 0–255 or non-integers are an error.
 */
export function toTensor(input: Tensor | ImageDataLike): Tensor {
  const op = "toTensor";
  let values: ArrayLike<number>;
  let n: number, h: number, w: number, c: number, batched: boolean;
  if (input instanceof Tensor) {
    if (input.dtype !== "int32") throw new Error(`${op}: expects int32 pixels 0–255 in [H, W], [H, W, C] or [N, H, W, C], got ${input.dtype} (a float image needs no conversion)`);
    if (input.ndim < 2 || input.ndim > 4) throw new Error(`${op}: expects pixels [H, W], [H, W, C] or [N, H, W, C], got shape ${fmt(input.shape)}`);
    batched = input.ndim === 4;
    const s = input.shape;
    [n, h, w, c] = batched ? [s[0]!, s[1]!, s[2]!, s[3]!] : [1, s[0]!, s[1]!, input.ndim === 3 ? s[2]! : 1];
    values = input.dataSync();
  } else if (input !== null && typeof input === "object" && "data" in input && Number.isInteger(input.width) && Number.isInteger(input.height) && input.width > 0 && input.height > 0) {
    batched = false;
    [n, h, w] = [1, input.height, input.width];
    c = input.data.length / (h * w);
    if (!Number.isInteger(c) || c < 1) throw new Error(`${op}: ${input.data.length} values are not a whole number of channels for ${w} × ${h} pixels`);
    values = input.data;
  } else {
    throw new Error(`${op}: expects an int32 pixel tensor or an ImageData-like { data, width, height }, got ${describe(input)}`);
  }
  const out = new Float32Array(n * c * h * w);
  const plane = h * w;
  for (let i = 0; i < n; i++)
    for (let p = 0; p < plane; p++)
      for (let ch = 0; ch < c; ch++) {
        const v = values[(i * plane + p) * c + ch]!;
        if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`${op}: pixel values must be integers 0–255, got ${v}`);
        out[(i * c + ch) * plane + p] = v / 255;
      }
  return Tensor.fromData(out, batched ? [n, c, h, w] : [c, h, w], "float32");
}
