// k-fold cross-validation: index partitions and a helper that trains once per fold and summarizes the metrics.
import { Generator } from "../random/Generator.js";
import { Subset, type Dataset } from "./Dataset.js";

/** One fold of {@link kFold}: the indices to train on and the held-out indices. */
export interface Fold {
  /** Indices to train on (every index not in `test`, ascending order of the shuffled layout). */
  train: number[];
  /** The held-out indices of this fold. */
  test: number[];
}

/**
 * Partitions 0..n-1 into k folds (scikit-learn's KFold): the first n mod k folds hold ⌊n/k⌋+1
 * indices, the rest ⌊n/k⌋; each index is held out exactly once. With `shuffle`, the indices are
 * permuted first with `new Generator(seed)`.
 */
export function kFold(k: number, n: number, options: { shuffle?: boolean; seed?: number } = {}): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`kFold: k must be an integer ≥ 2, got ${k}`);
  if (!Number.isInteger(n) || n < k) throw new Error(`kFold: need at least k=${k} samples, got n=${n}`);
  const order = options.shuffle ? new Generator(options.seed ?? 0).permutation(n) : Array.from({ length: n }, (_, i) => i);
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    folds.push({ test: order.slice(start, start + size), train: [...order.slice(0, start), ...order.slice(start + size)] });
    start += size;
  }
  return folds;
}

/**
 * What {@link summarizeFolds} returns: every fold's metrics, and each metric's mean, sample variance and
 * standard deviation over the folds.
 */
export interface CrossValidationResult {
  /** Metrics returned by each fold, in fold order. */
  folds: Record<string, number>[];
  /** Mean over folds of each metric. */
  mean: Record<string, number>;
  /** Unbiased sample variance over folds (divides by k − 1). */
  variance: Record<string, number>;
  /** √variance. */
  std: Record<string, number>;
}

/** Mean, unbiased variance and std of each metric over a list of per-fold results. */
export function summarizeFolds(folds: Record<string, number>[]): CrossValidationResult {
  const mean: Record<string, number> = {};
  const variance: Record<string, number> = {};
  const std: Record<string, number> = {};
  const names = Object.keys(folds[0] ?? {});
  for (const name of names) {
    const xs = folds.map((f, i) => {
      const v = f[name];
      if (typeof v !== "number") throw new Error(`crossValidate: fold ${i} did not return metric "${name}"`);
      return v;
    });
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
    mean[name] = m;
    variance[name] = v;
    std[name] = Math.sqrt(v);
  }
  return { folds, mean, variance, std };
}

/**
 * Runs `trainAndEvaluate` once per fold of `dataset` and summarizes the metrics it returns.
 *
 * ```ts
 * const cv = await data.crossValidate(dataset, 5, async ({ train, test }) => {
 *   const model = makeModel(); await fit(model, { trainLoader: new DataLoader(train, ...), ... });
 *   return { accuracy: (await evaluate(model, new DataLoader(test), ...)).accuracy };
 * }, { shuffle: true, seed: 0 });
 * cv.mean.accuracy, cv.std.accuracy
 * ```
 */
export async function crossValidate<T>(
  dataset: Dataset<T>,
  k: number,
  trainAndEvaluate: (split: { train: Subset<T>; test: Subset<T>; fold: number }) => Promise<Record<string, number>> | Record<string, number>,
  options: { shuffle?: boolean; seed?: number } = {},
): Promise<CrossValidationResult> {
  const results: Record<string, number>[] = [];
  for (const [fold, f] of kFold(k, dataset.length, options).entries()) {
    results.push(await trainAndEvaluate({ train: new Subset(dataset, f.train), test: new Subset(dataset, f.test), fold }));
  }
  return summarizeFolds(results);
}
