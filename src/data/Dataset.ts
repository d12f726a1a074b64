// Datasets: the `Dataset` interface (length + get), TensorDataset, Subset and randomSplit.
import { Tensor } from "../tensor/Tensor.js";
import { Generator, defaultGenerator } from "../random/Generator.js";
import { indexSelect } from "../ops/indexing.js";

/**
 * Anything indexable: `length` items, `get(i)` returns item i (PyTorch's map-style dataset).
 * `getBatch(indices)` is optional: a dataset that can gather many items at once (TensorDataset uses
 * one `indexSelect` per tensor) lets the DataLoader skip per-item collation.
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  getBatch?(indices: readonly number[]): T;
}

function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new Error(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Rows of equally long tensors: item i is `[t0[i], t1[i], ...]`.
 *
 * ```ts
 * const ds = new data.TensorDataset(x, y); // x: [N, D], y: [N]
 * const [xi, yi] = ds.get(0);             // xi: [D], yi: []
 * ```
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error("TensorDataset: needs at least one tensor");
    const n = tensors[0]!.shape[0];
    for (const [i, t] of tensors.entries()) {
      if (t.ndim === 0 || t.shape[0] !== n) {
        throw new Error(`TensorDataset: every tensor needs the same first dimension; tensor 0 has ${n} rows, tensor ${i} has shape [${t.shape.join(", ")}]`);
      }
    }
    this.tensors = tensors;
    this.length = n!;
  }

  get(index: number): Tensor[] {
    checkIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => t.select(0, index));
  }

  /** `[t0[indices], t1[indices], ...]`, each of shape [indices.length, ...]. */
  getBatch(indices: readonly number[]): Tensor[] {
    for (const i of indices) checkIndex("TensorDataset.getBatch", i, this.length);
    return this.tensors.map((t) => indexSelect(t, 0, indices));
  }
}

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T> implements Dataset<T> {
  /** Present when the underlying dataset has `getBatch`. */
  readonly getBatch?: (indices: readonly number[]) => T;

  constructor(
    readonly dataset: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    for (const i of indices) checkIndex("Subset", i, dataset.length);
    const inner = dataset.getBatch?.bind(dataset);
    if (inner) {
      this.getBatch = (batch) =>
        inner(
          batch.map((i) => {
            checkIndex("Subset.getBatch", i, this.indices.length);
            return this.indices[i]!;
          }),
        );
    }
  }
  get length(): number {
    return this.indices.length;
  }
  get(index: number): T {
    checkIndex("Subset.get", index, this.indices.length);
    return this.dataset.get(this.indices[index]!);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets (torch.utils.data.random_split).
 * `lengths` are counts summing to the dataset's length, or fractions summing to 1 (remainders go
 * round-robin to the first subsets, as PyTorch does).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: { generator?: Generator } = {}): Subset<T>[] {
  const n = dataset.length;
  let counts: number[];
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((l) => l >= 0 && l <= 1) && Math.abs(total - 1) < 1e-9 && total !== n) {
    counts = lengths.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]! += 1;
  } else {
    if (!lengths.every((l) => Number.isInteger(l) && l >= 0) || total !== n) {
      throw new Error(`randomSplit: lengths [${lengths.join(", ")}] must be non-negative integers summing to the dataset length ${n}, or fractions summing to 1`);
    }
    counts = [...lengths];
  }
  const perm = (options.generator ?? defaultGenerator).permutation(n);
  const out: Subset<T>[] = [];
  let start = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.slice(start, start + c)));
    start += c;
  }
  return out;
}
