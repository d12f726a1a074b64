// Dehazing: the dark channel prior with guided-filter refinement, the guided filter itself, and the PSNR/SSIM image-quality measures.
import { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { describe } from "../tensor/validate.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { isFloating } from "../tensor/dtype.js";

// ---- helpers on planes of float64 values ------------------------------------------------------

function describeTensor(x: unknown): string {
  return x instanceof Tensor ? `${fmtShape(x.shape)} ${x.dtype}` : describe(x);
}

function checkFloatTensor(op: string, what: string, x: unknown, ranks: readonly number[], expect: string): Tensor {
  if (!(x instanceof Tensor) || !ranks.includes(x.ndim) || !isFloating(x.dtype)) {
    throw new Error(`${op}: ${what} must be a floating-point tensor ${expect}, got ${describeTensor(x)}`);
  }
  return x;
}

function floatData(x: Tensor): Float64Array {
  return Float64Array.from(x.dataSync() as ArrayLike<number>);
}

/** A tensor of `x`'s floating dtype holding `values` (float64 in, float32 or float64 out). */
function like(x: Tensor, values: Float64Array, shape: readonly number[]): Tensor {
  return x.dtype === "float64" ? tensor(values, { shape }) : tensor(Float32Array.from(values), { shape });
}

/**
 * The mean over each pixel's (2r + 1) × (2r + 1) window, clipped at the borders (divided by the number
 * of pixels inside), from one summed-area table: O(1) per pixel whatever the radius.
 */
function boxMean(src: Float64Array, srcOffset: number, h: number, w: number, r: number): Float64Array {
  const W1 = w + 1;
  const table = new Float64Array((h + 1) * W1); // table[y][x] = sum of src over rows < y, columns < x
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += src[srcOffset + y * w + x]!;
      table[(y + 1) * W1 + x + 1] = table[y * W1 + x + 1]! + row;
    }
  }
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1);
      const sum = table[y1 * W1 + x1]! - table[y0 * W1 + x1]! - table[y1 * W1 + x0]! + table[y0 * W1 + x0]!;
      out[y * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** The guided filter of one plane (He et al. 2010, Algorithm 1), all windows clipped at the borders. */
function guidedPlane(I: Float64Array, iOff: number, p: Float64Array, pOff: number, h: number, w: number, r: number, eps: number, out: Float64Array, outOff: number): void {
  const n = h * w;
  const Ip = new Float64Array(n), II = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = I[iOff + i]!;
    Ip[i] = g * p[pOff + i]!;
    II[i] = g * g;
  }
  const meanI = boxMean(I, iOff, h, w, r), meanP = boxMean(p, pOff, h, w, r);
  const corrI = boxMean(II, 0, h, w, r), corrIp = boxMean(Ip, 0, h, w, r);
  const a = new Float64Array(n), b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const varI = corrI[i]! - meanI[i]! * meanI[i]!;
    const covIp = corrIp[i]! - meanI[i]! * meanP[i]!;
    a[i] = covIp / (varI + eps);
    b[i] = meanP[i]! - a[i]! * meanI[i]!;
  }
  const meanA = boxMean(a, 0, h, w, r), meanB = boxMean(b, 0, h, w, r);
  for (let i = 0; i < n; i++) out[outOff + i] = meanA[i]! * I[iOff + i]! + meanB[i]!;
}

/** The minimum over each pixel's patch × patch window, clipped at the borders (separable: rows, then columns). */
function minFilter(src: Float64Array, h: number, w: number, patch: number): Float64Array {
  const r = (patch - 1) >> 1;
  const rows = new Float64Array(h * w), out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = Infinity;
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) m = Math.min(m, src[y * w + k]!);
      rows[y * w + x] = m;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = Infinity;
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) m = Math.min(m, rows[k * w + x]!);
      out[y * w + x] = m;
    }
  }
  return out;
}

// ---- guided filter ---------------------------------------------------------------------------

/**
 * The guided filter (He, Sun and Tang, "Guided Image Filtering", ECCV 2010, Algorithm 1): an
 * edge-preserving smoothing of `src` that follows the edges of `guide`. In every (2r + 1)² window the
 * output is a linear function of the guide, q = a·I + b, with a = cov(I, p)/(var(I) + eps) and
 * b = mean(p) − a·mean(I); each pixel averages the (a, b) of the windows that cover it. Every mean is a
 * box filter computed from a summed-area table, so the cost is O(1) per pixel whatever the radius;
 * windows are clipped at the image borders (the mean over the pixels inside), as the paper's
 * reference code.
 *
 * Shapes: `src` is [H, W], [C, H, W] or [N, C, H, W]; `guide` has the same rank and spatial size with
 * one channel (a grayscale guide used for every channel of `src`) or C channels (each channel of `src`
 * guided by its own). Returns a tensor of `src`'s shape and dtype.
 *
 * ```ts
 * const gray = vision.dehaze.guidedFilter(image.mean(0, true), noisy, 4, 1e-3);
 * ```
 */
export function guidedFilter(guide: Tensor, src: Tensor, radius: number, eps: number): Tensor {
  const op = "guidedFilter";
  checkFloatTensor(op, "src", src, [2, 3, 4], "[H, W], [C, H, W] or [N, C, H, W]");
  checkFloatTensor(op, "guide", guide, [src.ndim], `of the same rank as src ${fmtShape(src.shape)}`);
  if (!Number.isInteger(radius) || radius < 0) throw new Error(`${op}: radius must be an integer ≥ 0, got ${describe(radius)}`);
  if (typeof eps !== "number" || !(eps > 0) || !Number.isFinite(eps)) throw new Error(`${op}: eps must be a finite number > 0, got ${describe(eps)}`);
  const s4 = src.ndim === 4 ? src.shape : src.ndim === 3 ? [1, ...src.shape] : [1, 1, ...src.shape];
  const g4 = guide.ndim === 4 ? guide.shape : guide.ndim === 3 ? [1, ...guide.shape] : [1, 1, ...guide.shape];
  const [N, C, H, W] = s4 as [number, number, number, number];
  if (g4[0] !== N || g4[2] !== H || g4[3] !== W || (g4[1] !== 1 && g4[1] !== C)) {
    throw new Error(`${op}: guide ${fmtShape(guide.shape)} must match src ${fmtShape(src.shape)} in batch and spatial size, with 1 or ${C} channels`);
  }
  const I = floatData(guide), p = floatData(src), out = new Float64Array(p.length);
  const plane = H * W, guideChannels = g4[1]!;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const gOff = (n * guideChannels + (guideChannels === 1 ? 0 : c)) * plane, off = (n * C + c) * plane;
      guidedPlane(I, gOff, p, off, H, W, radius, eps, out, off);
    }
  }
  return like(src, out, src.shape);
}

// ---- dark channel prior ----------------------------------------------------------------------

/** Options of {@link darkChannelPrior}. */
export interface DarkChannelPriorOptions {
  /**
   * Side of the square patch of the dark channel (odd). Default: the paper's 15 for images whose
   * shorter side is at least 224 pixels, scaled down for smaller ones (2·⌊side/16⌋ + 1, at least 3:
   * 9 at 64 × 64).
   */
  patchSize?: number;
  /** How much haze to remove, ω (keeping 1 − ω of it for depth perception). Default 0.95, as the paper. */
  omega?: number;
  /** Lower bound t₀ of the transmission when recovering the scene. Default 0.1, as the paper. */
  t0?: number;
  /**
   * Refinement of the transmission by the guided filter with the grayscale hazy image as guide
   * (He et al. 2010 §4, replacing the 2009 paper's soft matting), or `false` for the raw patch-wise
   * transmission. Default: radius = patchSize, eps = 1e-3 (the 2010 paper's radius of 4 × patchSize
   * over-smooths small images: on 64 × 64 HazyScenes images it gives a lower PSNR).
   */
  guidedFilter?: { radius: number; eps: number } | false;
}

/** What {@link darkChannelPrior} returns. */
export interface DarkChannelPriorResult {
  /** The scene radiance J, of the input's shape, in [0, 1]. */
  dehazed: Tensor;
  /** The (refined) transmission t in [0, 1], [1, H, W] or [N, 1, H, W]. */
  transmission: Tensor;
  /** The estimated atmospheric light A (r, g, b), [3] or [N, 3]. */
  airlight: Tensor;
}

/** The default dark-channel patch: the paper's 15 from a 224-pixel shorter side on, 2·⌊side/16⌋ + 1 below (odd, at least 3). */
function defaultPatch(h: number, w: number): number {
  return Math.min(15, Math.max(3, 2 * Math.floor(Math.min(h, w) / 16) + 1));
}

/**
 * Single-image haze removal with the dark channel prior (He, Sun and Tang, CVPR 2009,
 * https://doi.org/10.1109/CVPR.2009.5206515), with the transmission refined by the guided filter
 * (He et al. 2010). Under the scattering model I = J·t + A·(1 − t):
 * 1. dark channel: the minimum over the colour channels, then over a patch around each pixel;
 * 2. atmospheric light A: among the 0.1 % pixels with the brightest dark channel, the input pixel of
 *    highest intensity (the sum of its channels; the first one in raster order on ties);
 * 3. transmission t = 1 − ω · dark(I / A) (the dark channel of the image divided by A channel-wise);
 * 4. refinement: the guided filter of t with the grayscale hazy image (0.299 R + 0.587 G + 0.114 B) as
 *    guide, clipped to [0, 1];
 * 5. scene radiance J = (I − A) / max(t, t₀) + A, clipped to [0, 1].
 * Patches and filter windows are clipped at the image borders.
 *
 * `hazy` is one image [3, H, W] or a batch [N, 3, H, W] with values in [0, 1]; each image is processed
 * on its own (its own A).
 *
 * ```ts
 * const { dehazed, transmission, airlight } = vision.dehaze.darkChannelPrior(hazy);
 * ```
 */
export function darkChannelPrior(hazy: Tensor, options: DarkChannelPriorOptions = {}): DarkChannelPriorResult {
  const op = "darkChannelPrior";
  checkFloatTensor(op, "hazy", hazy, [3, 4], "[3, H, W] or [N, 3, H, W] (RGB in [0, 1])");
  if (typeof options !== "object" || options === null) throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  const batched = hazy.ndim === 4;
  const [N, C, H, W] = (batched ? hazy.shape : [1, ...hazy.shape]) as [number, number, number, number];
  if (C !== 3) throw new Error(`${op}: hazy must have 3 (RGB) channels, got ${fmtShape(hazy.shape)}`);
  const patch = options.patchSize ?? defaultPatch(H, W);
  if (!Number.isInteger(patch) || patch < 1 || patch % 2 === 0) throw new Error(`${op}: patchSize must be an odd integer ≥ 1, got ${describe(patch)}`);
  const omega = options.omega ?? 0.95;
  if (typeof omega !== "number" || !(omega >= 0 && omega <= 1)) throw new Error(`${op}: omega must be a number in [0, 1], got ${describe(omega)}`);
  const t0 = options.t0 ?? 0.1;
  if (typeof t0 !== "number" || !(t0 > 0 && t0 <= 1)) throw new Error(`${op}: t0 must be a number in (0, 1], got ${describe(t0)}`);
  const refine = options.guidedFilter ?? { radius: patch, eps: 1e-3 };
  if (refine !== false) {
    if (typeof refine !== "object" || refine === null || !Number.isInteger(refine.radius) || refine.radius < 0 || typeof refine.eps !== "number" || !(refine.eps > 0)) {
      throw new Error(`${op}: guidedFilter must be { radius: integer ≥ 0, eps: number > 0 } or false, got ${describe(refine)}`);
    }
  }
  const I = floatData(hazy);
  const plane = H * W;
  const J = new Float64Array(I.length), T = new Float64Array(N * plane), A = new Float64Array(N * 3);
  const count = Math.max(1, Math.floor(plane * 0.001));
  const channelMin = new Float64Array(plane), gray = new Float64Array(plane);
  for (let n = 0; n < N; n++) {
    const base = n * 3 * plane;
    // 1. dark channel of I.
    for (let i = 0; i < plane; i++) channelMin[i] = Math.min(I[base + i]!, I[base + plane + i]!, I[base + 2 * plane + i]!);
    const dark = minFilter(channelMin, H, W, patch);
    // 2. airlight: the brightest input pixel among the `count` highest dark-channel values.
    const order = Array.from({ length: plane }, (_, i) => i).sort((a, b) => dark[b]! - dark[a]! || a - b);
    let best = order[0]!, bestIntensity = -Infinity;
    for (let k = 0; k < count; k++) {
      const i = order[k]!;
      const intensity = I[base + i]! + I[base + plane + i]! + I[base + 2 * plane + i]!;
      if (intensity > bestIntensity) {
        bestIntensity = intensity;
        best = i;
      }
    }
    const air = [I[base + best]!, I[base + plane + best]!, I[base + 2 * plane + best]!];
    A.set(air, n * 3);
    // 3. t = 1 − ω · dark(I / A); an airlight channel of 0 (a black image) leaves that channel out.
    for (let i = 0; i < plane; i++) {
      let m = Infinity;
      for (let c = 0; c < 3; c++) if (air[c]! > 0) m = Math.min(m, I[base + c * plane + i]! / air[c]!);
      channelMin[i] = m === Infinity ? 0 : m;
    }
    const darkNorm = minFilter(channelMin, H, W, patch);
    const t = new Float64Array(plane);
    for (let i = 0; i < plane; i++) t[i] = 1 - omega * darkNorm[i]!;
    // 4. guided-filter refinement with the grayscale hazy image as guide.
    if (refine !== false) {
      for (let i = 0; i < plane; i++) gray[i] = 0.299 * I[base + i]! + 0.587 * I[base + plane + i]! + 0.114 * I[base + 2 * plane + i]!;
      guidedPlane(gray, 0, t, 0, H, W, refine.radius, refine.eps, t, 0);
    }
    for (let i = 0; i < plane; i++) T[n * plane + i] = Math.min(1, Math.max(0, t[i]!));
    // 5. J = (I − A) / max(t, t₀) + A.
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        const v = (I[base + c * plane + i]! - air[c]!) / Math.max(T[n * plane + i]!, t0) + air[c]!;
        J[base + c * plane + i] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return {
    dehazed: like(hazy, J, hazy.shape),
    transmission: like(hazy, T, batched ? [N, 1, H, W] : [1, H, W]),
    airlight: like(hazy, A, batched ? [N, 3] : [3]),
  };
}

// ---- image quality ---------------------------------------------------------------------------

/** Splits a pair of equally shaped images ([H, W], [C, H, W] or [N, C, H, W]) into N images of C planes. */
function imagePair(op: string, a: unknown, b: unknown): { x: Float64Array; y: Float64Array; N: number; C: number; H: number; W: number } {
  checkFloatTensor(op, "a", a, [2, 3, 4], "[H, W], [C, H, W] or [N, C, H, W]");
  checkFloatTensor(op, "b", b, [2, 3, 4], "[H, W], [C, H, W] or [N, C, H, W]");
  const ta = a as Tensor, tb = b as Tensor;
  if (!shapesEqual(ta.shape, tb.shape)) throw new Error(`${op}: a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)} must have the same shape`);
  const s = ta.ndim === 4 ? ta.shape : ta.ndim === 3 ? [1, ...ta.shape] : [1, 1, ...ta.shape];
  const [N, C, H, W] = s as [number, number, number, number];
  if (N * C * H * W === 0) throw new Error(`${op}: the images are empty (${fmtShape(ta.shape)})`);
  return { x: floatData(ta), y: floatData(tb), N, C, H, W };
}

/**
 * Peak signal-to-noise ratio in decibels, 10 · log₁₀(maxValue² / MSE), computed per image (the MSE over
 * all its channels and pixels) and then averaged over the images of a batch — the mean of per-image
 * PSNRs, not the PSNR of the pooled MSE. Images are [H, W], [C, H, W] (one image) or [N, C, H, W]; an
 * image equal to its reference has PSNR +∞. Equals scikit-image's `peak_signal_noise_ratio(a, b,
 * data_range=maxValue)` per image.
 */
export function psnr(a: Tensor, b: Tensor, maxValue = 1): number {
  const op = "psnr";
  const { x, y, N } = imagePair(op, a, b);
  if (typeof maxValue !== "number" || !(maxValue > 0) || !Number.isFinite(maxValue)) throw new Error(`${op}: maxValue must be a finite number > 0, got ${describe(maxValue)}`);
  const per = x.length / N;
  let total = 0;
  for (let n = 0; n < N; n++) {
    let se = 0;
    for (let i = n * per; i < (n + 1) * per; i++) se += (x[i]! - y[i]!) ** 2;
    total += 10 * Math.log10((maxValue * maxValue) / (se / per));
  }
  return total / N;
}

/** Options of {@link ssim}. */
export interface SSIMOptions {
  /** The range of the values, L (default 1: images in [0, 1]). */
  dataRange?: number;
  /** Standard deviation of the Gaussian window (default 1.5); the window is truncated at 3.5 σ (11 × 11 for σ = 1.5). */
  sigma?: number;
  /** The constant K₁ of C₁ = (K₁ L)² (default 0.01). */
  k1?: number;
  /** The constant K₂ of C₂ = (K₂ L)² (default 0.03). */
  k2?: number;
}

/**
 * Structural similarity (Wang, Bovik, Sheikh and Simoncelli, "Image Quality Assessment: From Error
 * Visibility to Structural Similarity", IEEE TIP 2004): with local means μ, variances σ² and covariance
 * σxy under a normalized Gaussian window (σ = 1.5, 11 × 11),
 * SSIM = (2 μx μy + C₁)(2 σxy + C₂) / ((μx² + μy² + C₁)(σx² + σy² + C₂)), averaged over the pixels whose
 * window lies inside the image, then over the channels and the images. Equals scikit-image's
 * `structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1)` per channel (population covariances; the border of half a window is left out), mean
 * over channels and images. Images are [H, W], [C, H, W] or [N, C, H, W], at least 11 × 11.
 */
export function ssim(a: Tensor, b: Tensor, options: SSIMOptions = {}): number {
  const op = "ssim";
  const { x, y, N, C, H, W } = imagePair(op, a, b);
  if (typeof options !== "object" || options === null) throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  const L = options.dataRange ?? 1, sigma = options.sigma ?? 1.5, k1 = options.k1 ?? 0.01, k2 = options.k2 ?? 0.03;
  for (const [name, v] of [["dataRange", L], ["sigma", sigma], ["k1", k1], ["k2", k2]] as const) {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number > 0, got ${describe(v)}`);
  }
  const r = Math.floor(3.5 * sigma + 0.5), win = 2 * r + 1;
  if (H < win || W < win) throw new Error(`${op}: images ${H}×${W} are smaller than the ${win}×${win} Gaussian window (σ = ${sigma})`);
  const g = Array.from({ length: win }, (_, k) => Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)));
  const gSum = g.reduce((s, v) => s + v, 0);
  for (let k = 0; k < win; k++) g[k]! /= gSum;
  const C1 = (k1 * L) ** 2, C2 = (k2 * L) ** 2;
  const Ho = H - 2 * r, Wo = W - 2 * r, plane = H * W;
  // Gaussian means of the five maps (x, y, x², y², xy) at the valid pixels: along rows, then along columns.
  const rowPass = new Float64Array(5 * H * Wo), means = new Float64Array(5 * Ho * Wo);
  let total = 0;
  for (let p = 0; p < N * C; p++) {
    const off = p * plane;
    for (let yy = 0; yy < H; yy++) {
      for (let xo = 0; xo < Wo; xo++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        for (let k = 0; k < win; k++) {
          const i = off + yy * W + xo + k, u = x[i]!, v = y[i]!, gk = g[k]!;
          s0 += gk * u; s1 += gk * v; s2 += gk * u * u; s3 += gk * v * v; s4 += gk * u * v;
        }
        const j = yy * Wo + xo;
        rowPass[j] = s0; rowPass[H * Wo + j] = s1; rowPass[2 * H * Wo + j] = s2; rowPass[3 * H * Wo + j] = s3; rowPass[4 * H * Wo + j] = s4;
      }
    }
    for (let m = 0; m < 5; m++) {
      for (let yo = 0; yo < Ho; yo++) {
        for (let xo = 0; xo < Wo; xo++) {
          let s = 0;
          for (let k = 0; k < win; k++) s += g[k]! * rowPass[m * H * Wo + (yo + k) * Wo + xo]!;
          means[m * Ho * Wo + yo * Wo + xo] = s;
        }
      }
    }
    let sum = 0;
    const n = Ho * Wo;
    for (let i = 0; i < n; i++) {
      const mx = means[i]!, my = means[n + i]!;
      const vx = means[2 * n + i]! - mx * mx, vy = means[3 * n + i]! - my * my, cxy = means[4 * n + i]! - mx * my;
      sum += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }
    total += sum / n;
  }
  return total / (N * C);
}
