// Seeded 2-D toy datasets for classification: xor, productSign (needs x₁·x₂), twoMoons, circles, spirals, gaussianBlobs.
import { Tensor } from "../tensor/Tensor.js";
import { Generator } from "../random/Generator.js";

/** Features x: float32 [N, 2] (or [N, D] for blobs) and int32 labels y: [N]. */
export interface Labeled {
  x: Tensor;
  y: Tensor;
}

/**
 * Options of the synthetic 2-D datasets ({@link xor}, {@link twoMoons}, {@link circles}, ...): the seed and
 * the std of the Gaussian noise added to each coordinate.
 */
export interface SyntheticOptions {
  /** Seed of every draw (default 0): same seed, same points. */
  seed?: number;
  /** Std of Gaussian noise added to each coordinate. */
  noise?: number;
}

function pack(xs: number[], ys: number[], dim: number): Labeled {
  return { x: Tensor.fromData(Float32Array.from(xs), [ys.length, dim], "float32"), y: Tensor.fromData(Int32Array.from(ys), [ys.length], "int32") };
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: number of samples must be a positive integer, got ${n}`);
}

/**
 * XOR: N points in four Gaussian clusters at (±1, ±1) (std = noise, default 0.3); label 1 when the
 * corner's coordinates have different signs. No linear classifier separates it.
 */
export function xor(n: number, options: SyntheticOptions = {}): Labeled {
  checkCount("xor", n);
  const g = new Generator(options.seed ?? 0);
  const noise = options.noise ?? 0.3;
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = i % 2 === 0 ? 1 : -1;
    const b = Math.floor(i / 2) % 2 === 0 ? 1 : -1;
    xs.push(a + g.normal(0, noise), b + g.normal(0, noise));
    ys.push(a !== b ? 1 : 0);
  }
  return pack(xs, ys, 2);
}

/**
 * The course's "needs the x₁·x₂ feature" data: x uniform in [−1, 1]², label = 1 when x₁·x₂ > 0
 * (sign(x₁x₂) as {0, 1}), optionally with `noise` added to the features after labelling. Linear in
 * the crossed feature x₁·x₂, not in (x₁, x₂).
 */
export function productSign(n: number, options: SyntheticOptions = {}): Labeled {
  checkCount("productSign", n);
  const g = new Generator(options.seed ?? 0);
  const noise = options.noise ?? 0;
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = g.uniform(-1, 1), b = g.uniform(-1, 1);
    ys.push(a * b > 0 ? 1 : 0);
    xs.push(a + (noise ? g.normal(0, noise) : 0), b + (noise ? g.normal(0, noise) : 0));
  }
  return pack(xs, ys, 2);
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 on (cos t, sin t), class 1 on
 * (1 − cos t, 0.5 − sin t), t ∈ [0, π]; ⌈N/2⌉ and ⌊N/2⌋ points; Gaussian noise (default 0.1).
 */
export function twoMoons(n: number, options: SyntheticOptions = {}): Labeled {
  checkCount("twoMoons", n);
  const g = new Generator(options.seed ?? 0);
  const noise = options.noise ?? 0.1;
  const nOut = Math.ceil(n / 2), nIn = n - nOut;
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < nOut; i++) {
    const t = nOut > 1 ? (Math.PI * i) / (nOut - 1) : 0;
    xs.push(Math.cos(t) + g.normal(0, noise), Math.sin(t) + g.normal(0, noise));
    ys.push(0);
  }
  for (let i = 0; i < nIn; i++) {
    const t = nIn > 1 ? (Math.PI * i) / (nIn - 1) : 0;
    xs.push(1 - Math.cos(t) + g.normal(0, noise), 0.5 - Math.sin(t) + g.normal(0, noise));
    ys.push(1);
  }
  return pack(xs, ys, 2);
}

/**
 * Two concentric circles (scikit-learn's make_circles): class 0 on the unit circle, class 1 on the
 * circle of radius `factor` (default 0.5); noise default 0.05.
 */
export function circles(n: number, options: SyntheticOptions & { factor?: number } = {}): Labeled {
  checkCount("circles", n);
  const g = new Generator(options.seed ?? 0);
  const noise = options.noise ?? 0.05;
  const factor = options.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new Error(`circles: factor must be in (0, 1), got ${factor}`);
  const nOut = Math.ceil(n / 2);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const outer = i < nOut;
    const count = outer ? nOut : n - nOut;
    const t = (2 * Math.PI * (outer ? i : i - nOut)) / count;
    const r = outer ? 1 : factor;
    xs.push(r * Math.cos(t) + g.normal(0, noise), r * Math.sin(t) + g.normal(0, noise));
    ys.push(outer ? 0 : 1);
  }
  return pack(xs, ys, 2);
}

/**
 * K interleaved spiral arms (the CS231n "spiral" data, https://cs231n.github.io/neural-networks-case-study/):
 * arm k has N/K points at radius r ∈ [0, 1] and angle 4k … 4(k+1) (+ noise·N(0,1), default 0.2).
 */
export function spirals(n: number, options: SyntheticOptions & { classes?: number } = {}): Labeled {
  checkCount("spirals", n);
  const g = new Generator(options.seed ?? 0);
  const noise = options.noise ?? 0.2;
  const classes = options.classes ?? 2;
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`spirals: classes must be an integer ≥ 2, got ${classes}`);
  const xs: number[] = [], ys: number[] = [];
  for (let k = 0; k < classes; k++) {
    const count = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const r = count > 1 ? i / (count - 1) : 0;
      const t = 4 * k + (count > 1 ? (4 * i) / (count - 1) : 0) + g.normal(0, noise);
      xs.push(r * Math.sin(t), r * Math.cos(t));
      ys.push(k);
    }
  }
  return pack(xs, ys, 2);
}

/**
 * Isotropic Gaussian clusters (scikit-learn's make_blobs): `centers` is a list of points, or a count
 * of centres drawn uniformly in [−10, 10]^dim; each sample picks centres round-robin; std default 1.
 */
export function gaussianBlobs(n: number, options: { seed?: number; centers?: number | number[][]; std?: number; dim?: number } = {}): Labeled & { centers: number[][] } {
  checkCount("gaussianBlobs", n);
  const g = new Generator(options.seed ?? 0);
  const std = options.std ?? 1;
  const dim = Array.isArray(options.centers) ? options.centers[0]!.length : (options.dim ?? 2);
  const centers = Array.isArray(options.centers)
    ? options.centers
    : Array.from({ length: options.centers ?? 3 }, () => Array.from({ length: dim }, () => g.uniform(-10, 10)));
  for (const c of centers) if (c.length !== dim) throw new Error(`gaussianBlobs: every centre needs ${dim} coordinates, got [${c.join(", ")}]`);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % centers.length;
    for (const c of centers[k]!) xs.push(c + g.normal(0, std));
    ys.push(k);
  }
  return { ...pack(xs, ys, dim), centers };
}
