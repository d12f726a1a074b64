// Variable-length batches for recurrent layers (PyTorch's torch.nn.utils.rnn): PackedSequence,
// packPaddedSequence / padPackedSequence, packSequence / padSequence, and truncated BPTT helpers.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { describe } from "../tensor/validate.js";
import { cat, stack } from "../ops/movement.js";
import { full, tensor } from "../ops/creation.js";
import { indexSelect } from "../ops/indexing.js";

/**
 * A batch of sequences of different lengths, packed time step by time step (PyTorch's PackedSequence):
 * `data` (Σ batchSizes, *) holds step 0 of every sequence, then step 1 of those that are longer, …;
 * `batchSizes[t]` is how many sequences have a step t. The sequences are stored longest first;
 * `sortedIndices` maps that order to the caller's batch (null when it was already sorted), and
 * `unsortedIndices` is its inverse.
 */
export class PackedSequence {
  /** batchSizes as plain numbers. */
  readonly sizes: readonly number[];
  constructor(
    readonly data: Tensor,
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    readonly unsortedIndices: Tensor | null = null,
  ) {
    if (!(data instanceof Tensor) || !(batchSizes instanceof Tensor)) throw new Error("PackedSequence: data and batchSizes must be tensors");
    this.sizes = batchSizes.toList() as number[];
    const total = this.sizes.reduce((a, b) => a + b, 0);
    if (data.ndim < 1 || data.shape[0] !== total) {
      throw new Error(`PackedSequence: data ${fmtShape(data.shape)} must have Σ batchSizes = ${total} rows`);
    }
  }
  /** The number of sequences. */
  get batchSize(): number {
    return this.sizes[0] ?? 0;
  }
  /** The same packing over other data (e.g. a layer's output), as PyTorch's `_replace(data=…)`. */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
}

/** Lengths as an array of integers (from a tensor or an array). */
function lengthList(op: string, lengths: Tensor | readonly number[]): number[] {
  const list = lengths instanceof Tensor ? (lengths.toList() as number[]) : Array.isArray(lengths) ? [...lengths] : null;
  if (list === null || (lengths instanceof Tensor && lengths.ndim !== 1)) throw new Error(`${op}: lengths must be a 1-D tensor or an array of integers, got ${describe(lengths)}`);
  for (const n of list) if (!Number.isInteger(n)) throw new Error(`${op}: lengths must be integers, got ${n}`);
  return list;
}

/** Indices that sort `lengths` longest first (stable: ties keep their order). */
function sortDescending(lengths: readonly number[]): number[] {
  return lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
}

function inversePermutation(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  return inv;
}

/**
 * Options of {@link packPaddedSequence}: the input layout and whether the lengths
 * are already sorted longest first.
 */
export interface PackOptions {
  /** The input is (B, T, *) instead of (T, B, *). */
  batchFirst?: boolean;
  /**
   * The lengths must already be sorted longest first (default true, as PyTorch); with false the batch
   * is sorted here and the permutation kept in the PackedSequence, so outputs come back in the caller's order.
   */
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch `input` (T, B, *) (or (B, T, *) with batchFirst) whose sequences have the given
 * lengths (PyTorch's pack_padded_sequence). Every length must be in 1..T.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], options: PackOptions = {}): PackedSequence {
  const op = "packPaddedSequence";
  if (!(input instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${describe(input)}`);
  const batchFirst = options.batchFirst ?? false;
  const enforceSorted = options.enforceSorted ?? true;
  if (input.ndim < 2) throw new Error(`${op}: input must have at least 2 dims (T, B, *), got shape ${fmtShape(input.shape)}`);
  const lens = lengthList(op, lengths);
  const T = input.shape[batchFirst ? 1 : 0]!, B = input.shape[batchFirst ? 0 : 1]!;
  if (lens.length !== B) throw new Error(`${op}: expected ${B} lengths for input ${fmtShape(input.shape)}${batchFirst ? " (batchFirst)" : ""}, got ${lens.length}`);
  for (const n of lens) {
    if (n <= 0) throw new Error(`${op}: length of all samples has to be greater than 0, but found an element in lengths that is <= 0 (lengths [${lens.join(", ")}])`);
    if (n > T) throw new Error(`${op}: length ${n} is longer than the sequence: input ${fmtShape(input.shape)}${batchFirst ? " (batchFirst)" : ""} has ${T} time steps (lengths [${lens.join(", ")}])`);
  }
  let order: number[] | null = null;
  if (enforceSorted) {
    for (let i = 1; i < B; i++) {
      if (lens[i]! > lens[i - 1]!) {
        throw new Error(
          `${op}: lengths array must be sorted in decreasing order when enforceSorted is true, got [${lens.join(", ")}]. ` +
            "You can pass enforceSorted: false to packPaddedSequence and/or packSequence to sidestep this requirement.",
        );
      }
    }
  } else {
    order = sortDescending(lens);
  }
  const sorted = order ? order.map((i) => lens[i]!) : lens;
  let x = batchFirst ? input.transpose(0, 1) : input; // (T, B, *)
  if (order) x = indexSelect(x, 1, order);
  const batchSizes: number[] = [];
  for (let t = 0; t < sorted[0]!; t++) batchSizes.push(sorted.filter((n) => n > t).length);
  const data = cat(batchSizes.map((b, t) => x.select(0, t).narrow(0, 0, b)), 0); // (Σ b, *)
  return new PackedSequence(
    data,
    tensor(batchSizes, { dtype: "int32" }),
    order ? tensor(order, { dtype: "int32" }) : null,
    order ? tensor(inversePermutation(order), { dtype: "int32" }) : null,
  );
}

/**
 * Options of {@link padPackedSequence}: the output layout, the padding value and an
 * optional total length.
 */
export interface PadOptions {
  batchFirst?: boolean;
  /** Value of the padded positions (default 0). */
  paddingValue?: number;
  /** Pad to this many steps instead of the longest length (must not be shorter). */
  totalLength?: number;
}

/**
 * Unpacks a PackedSequence into a padded (T, B, *) tensor (or (B, T, *) with batchFirst) and the lengths
 * (int32, in the caller's batch order), as PyTorch's pad_packed_sequence. Differentiable in `data`.
 */
export function padPackedSequence(sequence: PackedSequence, options: PadOptions = {}): [Tensor, Tensor] {
  const op = "padPackedSequence";
  if (!(sequence instanceof PackedSequence)) throw new Error(`${op}: expected a PackedSequence, got ${describe(sequence)}`);
  const sizes = sequence.sizes;
  const B = sequence.batchSize;
  const steps = sizes.length;
  const T = options.totalLength ?? steps;
  if (!Number.isInteger(T) || T < steps) {
    throw new Error(`${op}: expected totalLength to be at least the length of the longest sequence (${steps}), got ${describe(options.totalLength)}`);
  }
  const value = options.paddingValue ?? 0;
  const data = sequence.data;
  const feature = data.shape.slice(1);
  const pad = (rows: number): Tensor => full([rows, ...feature], value, { dtype: data.dtype });
  const rows: Tensor[] = [];
  let offset = 0;
  for (let t = 0; t < steps; t++) {
    const b = sizes[t]!;
    const step = data.narrow(0, offset, b);
    rows.push(b < B ? cat([step, pad(B - b)], 0) : step);
    offset += b;
  }
  for (let t = steps; t < T; t++) rows.push(pad(B));
  let out = stack(rows, 0); // (T, B, *)
  const lengths = Array.from({ length: B }, (_, i) => sizes.filter((b) => b > i).length);
  let lens = lengths;
  if (sequence.unsortedIndices) {
    const unsorted = sequence.unsortedIndices.toList() as number[];
    out = indexSelect(out, 1, unsorted);
    lens = unsorted.map((i) => lengths[i]!);
  }
  return [options.batchFirst ? out.transpose(0, 1) : out, tensor(lens, { dtype: "int32" })];
}

/**
 * Pads a list of (L_i, *) tensors to (T, B, *) (or (B, T, *) with batchFirst) with `paddingValue`,
 * T the longest length (PyTorch's pad_sequence).
 */
export function padSequence(sequences: readonly Tensor[], options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  const op = "padSequence";
  if (!Array.isArray(sequences) || sequences.length === 0 || !sequences.every((s) => s instanceof Tensor && s.ndim >= 1)) {
    throw new Error(`${op}: expected a non-empty array of tensors with at least 1 dim, got ${describe(sequences)}`);
  }
  const T = Math.max(...sequences.map((s) => s.shape[0]!));
  const feature = sequences[0]!.shape.slice(1);
  for (const s of sequences) {
    if (fmtShape(s.shape.slice(1)) !== fmtShape(feature)) throw new Error(`${op}: every sequence must have trailing shape ${fmtShape(feature)}, got ${fmtShape(s.shape)}`);
  }
  const padded = sequences.map((s) =>
    s.shape[0]! < T ? cat([s, full([T - s.shape[0]!, ...feature], options.paddingValue ?? 0, { dtype: s.dtype })], 0) : s,
  );
  return stack(padded, options.batchFirst ? 0 : 1);
}

/** Packs a list of (L_i, *) tensors (PyTorch's pack_sequence): padSequence, then packPaddedSequence. */
export function packSequence(sequences: readonly Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  const padded = padSequence(sequences);
  return packPaddedSequence(padded, sequences.map((s) => s.shape[0]!), { enforceSorted: options.enforceSorted ?? true });
}
