// DataLoader: batches of a dataset, optionally shuffled with a seeded generator, iterable with for..of.
import { Tensor } from "../tensor/Tensor.js";
import { Generator } from "../random/Generator.js";
import { stack } from "../ops/movement.js";
import { tensor } from "../ops/creation.js";
import type { Dataset } from "./Dataset.js";

/**
 * Options of {@link DataLoader} (PyTorch's keyword arguments in camelCase): batch size, shuffling with its
 * seed or generator, dropping the last partial batch, and the collate function.
 */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Visit items in a new random order each epoch (default false). */
  shuffle?: boolean;
  /**
   * Seed of the shuffle. Epoch e's order depends only on (seed, e), so a run resumed at epoch e sees
   * the same batches as an uninterrupted one (call `setEpoch(e)`). Default 0.
   */
  seed?: number;
  /**
   * Draw each epoch's order from this generator instead (PyTorch's `generator=`); the order then
   * depends on everything drawn from it before. Save `generator.getState()` to resume.
   */
  generator?: Generator;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Turns a list of items into a batch; default `defaultCollate`. */
  collate?: (items: T[]) => B;
}

/**
 * Stacks a list of items into a batch: tensors are stacked along a new dim 0, numbers become a
 * tensor (int32 when all are integers, else float32), arrays and objects are collated per position/key.
 */
export function defaultCollate(items: unknown[]): unknown {
  if (items.length === 0) throw new Error("defaultCollate: cannot collate an empty batch");
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[], 0);
  if (typeof first === "number") {
    const nums = items as number[];
    return tensor(nums, { dtype: nums.every(Number.isInteger) ? "int32" : "float32" });
  }
  if (typeof first === "boolean") return tensor(items as boolean[]);
  if (Array.isArray(first)) return first.map((_, i) => defaultCollate(items.map((it) => (it as unknown[])[i])));
  if (first !== null && typeof first === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) out[k] = defaultCollate(items.map((it) => (it as Record<string, unknown>)[k]));
    return out;
  }
  throw new Error(`defaultCollate: cannot collate items of type ${typeof first}`);
}

/** A 32-bit mix of (seed, epoch) so that each epoch's generator is independent of the others. */
function epochSeed(seed: number, epoch: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Iterates a dataset in batches.
 *
 * ```ts
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 1 });
 * for (const [xb, yb] of loader) { ... } // one epoch; the next for..of is the next epoch
 * ```
 */
export class DataLoader<T = Tensor[], B = T> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly seed: number;
  private readonly generator: Generator | undefined;
  private readonly collate: ((items: T[]) => B) | undefined;
  /** The epoch the next iteration will produce (incremented when an iteration starts). */
  epoch = 0;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.seed = options.seed ?? 0;
    this.generator = options.generator;
    this.collate = options.collate;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The state of the `generator` option's generator (null with seed-based shuffling, whose order depends only on the epoch). */
  generatorState(): number[] | null {
    return this.generator ? this.generator.getState() : null;
  }
  /** Restores `generatorState()` (for resuming a run whose order came from a generator). */
  setGeneratorState(state: number[] | null): void {
    if (state === null) return;
    if (!this.generator) throw new Error("DataLoader.setGeneratorState: this loader shuffles by seed and has no generator to restore");
    this.generator.setState(state);
  }

  /** Makes the next iteration produce epoch `epoch`'s order (for resuming). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  /** The item order of epoch `epoch` (seed-based shuffling), or of the next epoch (generator-based). */
  order(epoch = this.epoch): number[] {
    const n = this.dataset.length;
    if (!this.shuffle) return Array.from({ length: n }, (_, i) => i);
    const g = this.generator ?? new Generator(epochSeed(this.seed, epoch));
    return g.permutation(n);
  }

  private makeBatch(indices: number[]): B {
    if (!this.collate && this.dataset.getBatch) return this.dataset.getBatch(indices) as unknown as B;
    const items = indices.map((i) => this.dataset.get(i));
    return this.collate ? this.collate(items) : (defaultCollate(items) as B);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order(this.epoch);
    this.epoch++;
    for (let start = 0; start < order.length; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (indices.length < this.batchSize && this.dropLast) return;
      yield this.makeBatch(indices);
    }
  }
}
