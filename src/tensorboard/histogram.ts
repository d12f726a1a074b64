// Histogram buckets as torch.utils.tensorboard computes them: TensorFlow's exponential bucket edges or numpy's bin rules.
import type { HistogramProto } from "./events.js";

/**
 * How to bucket values: `"tensorflow"` (the default: ±1e-12·1.1^k up to 1e20, and 0), one of numpy's
 * bin-width rules, a number of equal-width bins over [min, max], or explicit increasing edges.
 */
export type Bins = "tensorflow" | "auto" | "fd" | "sturges" | "sqrt" | "rice" | "scott" | number | readonly number[];

const RULES = ["auto", "fd", "sturges", "sqrt", "rice", "scott"] as const;

let defaultEdges: number[] | null = null;

/**
 * torch's SummaryWriter.default_bins: v = 1e-12, multiplied by 1.1 while below 1e20, mirrored to
 * the negative side around 0 (1,549 edges). The repeated float64 products are the same in every
 * IEEE-754 language, so the edges equal PyTorch's bit for bit.
 */
export function tensorflowBins(): readonly number[] {
  if (defaultEdges) return defaultEdges;
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  defaultEdges = [...positive.map((v) => -v).reverse(), 0, ...positive];
  return defaultEdges;
}

/**
 * numpy's pairwise summation (the float64 `add.reduce` loop): blocks of up to 128 summed with eight
 * accumulators, larger ranges split in halves. `values.sum()` in numpy gives exactly this number.
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j]!;
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}

/** numpy.linspace(first, last, count) in float64: i·step + first, the last edge exactly `last`. */
function linspace(first: number, last: number, count: number): number[] {
  const div = count - 1;
  const delta = last - first;
  const step = delta / div;
  const edges = new Array<number>(count);
  for (let i = 0; i < count; i++) edges[i] = step === 0 ? (i / div) * delta + first : i * step + first;
  edges[count - 1] = last;
  return edges;
}

/** numpy.percentile(sorted, q) with the default linear method. */
function percentile(sorted: Float64Array, q: number): number {
  const virtual = (sorted.length - 1) * (q / 100);
  if (virtual >= sorted.length - 1) return sorted[sorted.length - 1]!;
  const previous = Math.floor(virtual);
  const a = sorted[previous]!, b = sorted[previous + 1]!;
  const t = virtual - previous;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy.std(x) (population): the mean and the mean square deviation by pairwise sums. */
function std(x: Float64Array): number {
  const mean = pairwiseSum(x) / x.length;
  const sq = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) sq[i] = (x[i]! - mean) * (x[i]! - mean);
  return Math.sqrt(pairwiseSum(sq) / x.length);
}

/** The bin width numpy's rule `name` picks (numpy/lib/_histograms_impl.py, `_hist_bin_*`). */
function ruleWidth(name: (typeof RULES)[number], x: Float64Array, min: number, max: number): number {
  const n = x.length;
  const ptp = max - min;
  const sturges = () => ptp / (Math.log2(n) + 1);
  const sqrt = () => ptp / Math.sqrt(n);
  const fd = () => {
    const sorted = x.slice().sort();
    return 2 * (percentile(sorted, 75) - percentile(sorted, 25)) * n ** (-1 / 3);
  };
  switch (name) {
    case "sturges": return sturges();
    case "sqrt": return sqrt();
    case "rice": return ptp / (2 * n ** (1 / 3));
    case "scott": return (24 * Math.PI ** 0.5 / n) ** (1 / 3) * std(x);
    case "fd": return fd();
    case "auto": return Math.min(Math.max(fd(), sqrt() / 2), sturges());
  }
}

/** The bucket edges for `bins`, as numpy.histogram(values, bins) chooses them. */
export function binEdges(x: Float64Array, bins: Bins, min: number, max: number): readonly number[] {
  if (bins === "tensorflow") return tensorflowBins();
  if (Array.isArray(bins) || ArrayBuffer.isView(bins)) {
    const edges = Array.from(bins as readonly number[]);
    if (edges.length < 2) throw new Error(`addHistogram: explicit bins need at least 2 edges, got ${edges.length}`);
    for (let i = 1; i < edges.length; i++) {
      if (!(edges[i]! >= edges[i - 1]!)) throw new Error(`addHistogram: bins must increase monotonically, but edge ${i} (${edges[i]}) < edge ${i - 1} (${edges[i - 1]})`);
    }
    return edges;
  }
  // numpy widens an empty range to [min − 0.5, max + 0.5].
  const [first, last] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  let count: number;
  if (typeof bins === "number") {
    if (!Number.isSafeInteger(bins) || bins < 1) throw new Error(`addHistogram: bins must be a positive integer, got ${bins}`);
    count = bins;
  } else if ((RULES as readonly string[]).includes(bins as string)) {
    const width = ruleWidth(bins as (typeof RULES)[number], x, min, max);
    count = width ? Math.ceil((last - first) / width) : 1;
  } else {
    throw new Error(`addHistogram: unknown bins "${String(bins)}" (use "tensorflow", ${RULES.map((r) => `"${r}"`).join(", ")}, a count or an array of edges)`);
  }
  const edges = linspace(first, last, count + 1);
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! > edges[i - 1]!)) throw new Error(`addHistogram: too many bins for the data range [${first}, ${last}]: cannot make ${count} finite-sized bins`);
  }
  return edges;
}

/**
 * Counts per bucket with numpy.histogram's rule: bucket i holds edges[i] ≤ v < edges[i+1], the last
 * bucket also v = edges[last]; values outside the edges are not counted.
 */
function countBuckets(sorted: Float64Array, edges: readonly number[]): number[] {
  // cumulative[i] = how many values lie below edge i (the last edge inclusive), as numpy's searchsorted.
  const lowerBound = (v: number, inclusive: boolean): number => {
    let lo = 0, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inclusive ? sorted[mid]! <= v : sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const cumulative = edges.map((e, i) => lowerBound(e, i === edges.length - 1));
  const counts = new Array<number>(edges.length - 1);
  for (let i = 0; i < counts.length; i++) counts[i] = cumulative[i + 1]! - cumulative[i]!;
  return counts;
}

/** Options of {@link makeHistogram}: the bucketing and the maximum number of buckets. */
export interface HistogramOptions {
  bins?: Bins;
  /** torch's `max_bins`: with more buckets than this, sum groups of ⌊buckets / maxBins⌋ neighbours. */
  maxBins?: number;
}

/**
 * The HistogramProto torch.utils.tensorboard writes for `values` (summary.make_histogram): min, max,
 * num, numpy's sum, the sum of squares, and the buckets trimmed to the non-empty span plus one empty
 * bucket on the left, because TensorBoard stores only right edges.
 */
export function makeHistogram(values: Float64Array, options: HistogramOptions = {}): HistogramProto {
  const n = values.length;
  if (n === 0) throw new Error("addHistogram: values are empty; a histogram needs at least one value");
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new Error(`addHistogram: value ${i} is ${v}; histograms need finite values`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let limits = binEdges(values, options.bins ?? "tensorflow", min, max);
  const sorted = values.slice().sort();
  let counts = countBuckets(sorted, limits);

  const maxBins = options.maxBins;
  if (maxBins !== undefined) {
    if (!Number.isSafeInteger(maxBins) || maxBins < 1) throw new Error(`addHistogram: maxBins must be a positive integer, got ${maxBins}`);
    if (counts.length > maxBins) {
      // torch: sum groups of `sub` buckets (zero-padding the last group), keep every sub-th left edge.
      const sub = Math.floor(counts.length / maxBins);
      const groups = Math.ceil(counts.length / sub);
      const merged = new Array<number>(groups).fill(0);
      counts.forEach((c, i) => (merged[Math.floor(i / sub)]! += c));
      const mergedLimits: number[] = [];
      for (let i = 0; i < limits.length - 1; i += sub) mergedLimits.push(limits[i]!);
      mergedLimits.push(limits[limits.length - 1]!);
      counts = merged;
      limits = mergedLimits;
    }
  }

  // The support: from the first to the last non-empty bucket. With every bucket empty, torch's
  // searchsorted gives start = #buckets, end = 0 (an empty slice unless there is one bucket).
  let start = counts.findIndex((c) => c > 0);
  let end = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (start < 0) { start = counts.length; end = 0; }
  const bucket = start > 0 ? counts.slice(start - 1, end + 1) : [0, ...counts.slice(0, end + 1)];
  const bucketLimit = limits.slice(start, end + 2);
  if (bucket.length === 0 || bucketLimit.length === 0) throw new Error("addHistogram: no value falls inside the bins");

  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) squares[i] = values[i]! * values[i]!;
  return { min, max, num: n, sum: pairwiseSum(values), sumSquares: pairwiseSum(squares), bucketLimit, bucket };
}
