// 2-D Gaussian mixtures for GANs (8 on a ring, 25 on a grid) and how well samples cover their modes.
import type { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { tensor } from "../ops/creation.js";
import type { Generator } from "../random/Generator.js";
import { defaultGenerator } from "../random/Generator.js";

/** A mixture of equal-weight isotropic Gaussians in the plane. */
export interface GaussianMixture2d {
  centers: [number, number][];
  std: number;
}

/** `modes` Gaussians evenly spaced on a circle of `radius` (default: 8 modes, radius 2, σ = 0.02). */
export function gaussianRing(options: { modes?: number; radius?: number; std?: number } = {}): GaussianMixture2d {
  const modes = options.modes ?? 8, radius = options.radius ?? 2;
  checkPositive("gaussianRing", "modes", modes, true);
  checkPositive("gaussianRing", "radius", radius);
  const centers = Array.from({ length: modes }, (_, k): [number, number] => [radius * Math.cos((2 * Math.PI * k) / modes), radius * Math.sin((2 * Math.PI * k) / modes)]);
  return { centers, std: checkPositive("gaussianRing", "std", options.std ?? 0.02) };
}

/** A `size` × `size` grid of Gaussians at spacing `spacing`, centred on 0 (default 5 × 5 at −4, −2, 0, 2, 4; σ = 0.05). */
export function gaussianGrid(options: { size?: number; spacing?: number; std?: number } = {}): GaussianMixture2d {
  const size = options.size ?? 5, spacing = options.spacing ?? 2;
  checkPositive("gaussianGrid", "size", size, true);
  checkPositive("gaussianGrid", "spacing", spacing);
  const offset = ((size - 1) * spacing) / 2;
  const centers: [number, number][] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) centers.push([i * spacing - offset, j * spacing - offset]);
  return { centers, std: checkPositive("gaussianGrid", "std", options.std ?? 0.05) };
}

/** `n` samples [n, 2] (float32 unless `dtype`): a uniformly chosen mode plus N(0, σ²I) noise. */
export function sampleMixture(mixture: GaussianMixture2d, n: number, options: { generator?: Generator; dtype?: "float32" | "float64" } = {}): Tensor {
  checkPositive("sampleMixture", "n", n, true);
  const g = options.generator ?? defaultGenerator;
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = mixture.centers[Math.min(mixture.centers.length - 1, Math.floor(g.random() * mixture.centers.length))]!;
    data[2 * i] = c[0] + mixture.std * g.normal();
    data[2 * i + 1] = c[1] + mixture.std * g.normal();
  }
  return tensor(data, { dtype: options.dtype ?? "float32" }).reshape([n, 2]);
}

/**
 * What {@link modeCoverage} returns: how many mixture modes the samples cover, the fraction of high-quality
 * samples, the per-mode counts and the count a mode needed.
 */
export interface ModeCoverage {
  /** Modes that received at least `minCount` high-quality samples. */
  modesCovered: number;
  /** Fraction of samples within `radius`·σ of their nearest mode. */
  highQualityFraction: number;
  /** High-quality samples per mode. */
  counts: number[];
  /** The count a mode needed to be covered. */
  minCount: number;
}

/**
 * Mode coverage of generated 2-D samples, the metric of the mode-collapse literature (Metz et al.,
 * "Unrolled GANs", 2017; Srivastava et al., "VEEGAN", 2017): a sample is high quality when it lies
 * within `radius` standard deviations (default 3) of its nearest mode; a mode counts as covered when
 * at least `minCount` high-quality samples fall to it — by default a quarter of the samples a perfect
 * generator would put there (⌈n / (4·modes)⌉), so a mode hit only by stray samples does not count.
 */
export function modeCoverage(samples: Tensor, mixture: GaussianMixture2d, options: { radius?: number; minCount?: number } = {}): ModeCoverage {
  if (samples.ndim !== 2 || samples.shape[1] !== 2 || samples.shape[0] === 0) {
    throw new Error(`modeCoverage: samples must have shape [n, 2] with n ≥ 1, got [${samples.shape.join(", ")}]`);
  }
  const radius = checkPositive("modeCoverage", "radius", options.radius ?? 3);
  const n = samples.shape[0]!, modes = mixture.centers.length;
  const minCount = options.minCount ?? Math.ceil(n / (4 * modes));
  checkPositive("modeCoverage", "minCount", minCount, true);
  const xs = samples.contiguous().dataSync();
  const counts = new Array<number>(modes).fill(0);
  let good = 0;
  const limit2 = (radius * mixture.std) ** 2;
  for (let i = 0; i < n; i++) {
    const x = Number(xs[2 * i]), y = Number(xs[2 * i + 1]);
    let best = -1, bestD = Infinity;
    mixture.centers.forEach(([cx, cy], k) => {
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (d < bestD) [best, bestD] = [k, d];
    });
    if (bestD <= limit2) {
      good++;
      counts[best]!++;
    }
  }
  return { modesCovered: counts.filter((c) => c >= minCount).length, highQualityFraction: good / n, counts, minCount };
}

function checkPositive(op: string, name: string, v: unknown, integer = false): number {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(`${op}: ${name} must be a positive ${integer ? "integer" : "number"}, got ${describe(v)}`);
  }
  return v;
}
