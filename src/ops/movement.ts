// Shape ops and views (reshape, permute, expand, slice share storage), joins and splits.
import { Tensor, type DimArg } from "../tensor/Tensor.js";
import { fmtShape, normalizeDim, normalizeDims, numel, shapesEqual } from "../tensor/shape.js";
import { apply } from "../autograd/engine.js";
import { viewStrides } from "../backend/cpu/movement.js";
import { denseValues } from "../backend/cpu/strided.js";
import { storageLength } from "../backend/storage.js";
import type { TypedArray } from "../tensor/dtype.js";
import { promoteTypes } from "../tensor/dtype.js";
import { cast } from "./elementwise.js";
import { full } from "./creation.js";
import { indexSelect } from "./indexing.js";
import { arange } from "./creation.js";
import { MAX_ELEMENTS, checkInt, checkShape, describe } from "../tensor/validate.js";

/** Accepts `f(2, 3)` and `f([2, 3])` forms. */
export function shapeArg(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

/** This tensor's values in row-major order (may alias storage; do not modify). */
export function contiguousData(x: Tensor): TypedArray {
  return denseValues(x);
}

/** Resolves one −1 entry and checks the element count. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  checkShape(op, shape, { allowInfer: true });
  let infer = -1, known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    if (s === -1) {
      if (infer >= 0) throw new Error(`${op}: only one dimension can be inferred (-1), got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) throw new Error(`${op}: invalid size ${s} in shape ${fmtShape(shape)}`);
    else known *= s;
  }
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${x.size} (shape ${fmtShape(x.shape)})`);
    }
    out[infer] = x.size / known;
  }
  if (numel(out) !== x.size) {
    throw new Error(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${x.size} (shape ${fmtShape(x.shape)})`);
  }
  return out;
}

/**
 * The values of `x` in row-major order, laid out in `shape` (`torch.reshape`); one entry may be −1 to be
 * inferred from the size.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape("reshape", x, shape);
  if (shapesEqual(s, x.shape)) return x;
  return apply("reshape", [x], { shape: s });
}

/** Like reshape, but never copies: errors when the strides do not allow a view (PyTorch's `view`). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape("view", x, shape);
  if (!viewStrides(x, s)) {
    throw new Error(
      `view: size ${fmtShape(s)} is not compatible with the input's strides (shape ${fmtShape(x.shape)}, strides ${fmtShape(x.strides)}); use reshape() or contiguous() first`,
    );
  }
  return reshape(x, s);
}

/**
 * Merges dims `startDim`..`endDim` (inclusive, negatives count from the end) into one (`torch.flatten`); a
 * 0-d tensor becomes shape [1].
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim("flatten", startDim, x.ndim), e = normalizeDim("flatten", endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim (${startDim}) must not come after endDim (${endDim})`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Removes size-1 dims: all of them, or only those among `dim` (`torch.squeeze`). */
export function squeeze(x: Tensor, dim?: DimArg): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normalizeDims("squeeze", dim, x.ndim);
  return reshape(x, x.shape.filter((s, i) => !(s === 1 && dims.includes(i))));
}

/** Inserts a size-1 dim at position `dim` of the result (`torch.unsqueeze`); `dim` may be negative. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Reorders the dims: result dim i is input dim `dims[i]` (`torch.permute`). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new Error(`permute: got ${dims.length} dims ${fmtShape(dims)} for a tensor of shape ${fmtShape(x.shape)}`);
  }
  const d = dims.map((v) => normalizeDim("permute", v, x.ndim));
  if (new Set(d).size !== d.length) throw new Error(`permute: dims ${fmtShape(dims)} repeat a dimension`);
  if (d.every((v, i) => v === i)) return x;
  return apply("permute", [x], { dims: d });
}

/** Swaps dims `dim0` and `dim1` (`torch.transpose`). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normalizeDim("transpose", dim0, x.ndim), b = normalizeDim("transpose", dim1, x.ndim);
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new Error(`t: expects a tensor with <= 2 dimensions, got shape ${fmtShape(x.shape)}; use transpose or .mT`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Broadcasts `x` to `shape` without copying (`torch.Tensor.expand`): size-1 dims may grow, new dims are
 * prepended, and −1 keeps a dim's size.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkShape("expand", shape, { allowInfer: true });
  if (shape.length < x.ndim) {
    throw new Error(`expand: the target shape ${fmtShape(shape)} has fewer dimensions than the input ${fmtShape(x.shape)}`);
  }
  const off = shape.length - x.ndim;
  const target = shape.map((s, i) => {
    const src = i >= off ? x.shape[i - off]! : 1;
    if (s === -1) {
      if (i < off) throw new Error(`expand: -1 is not allowed for a new leading dimension (${fmtShape(shape)})`);
      return src;
    }
    if (src !== 1 && src !== s) {
      throw new Error(`expand: the input's size ${src} at dimension ${i} must match the target ${s} (or be 1); input ${fmtShape(x.shape)}, target ${fmtShape(shape)}`);
    }
    return s;
  });
  if (shapesEqual(target, x.shape)) return x;
  checkNumel("expand", target);
  return apply("expand", [x], { shape: target });
}

/** Python slicing along one dim (`start:end:step`, negative indices allowed, clamped like Python). */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  const d = normalizeDim("slice", dim, x.ndim);
  if (start !== undefined) checkInt("slice", "start", start);
  if (end !== undefined) checkInt("slice", "end", end);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[d]!;
  const norm = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = norm(start, 0), e = Math.max(norm(end, n), norm(start, 0));
  if (s === 0 && e === n && step === 1) return x;
  const starts = x.shape.map(() => 0), ends = [...x.shape], steps = x.shape.map(() => 1);
  starts[d] = s;
  ends[d] = e;
  steps[d] = step;
  return apply("slice", [x], { starts, ends, steps });
}

/** The slice of `length` elements from `start` along `dim` (`torch.narrow`); `start` may be negative. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim("narrow", dim, x.ndim);
  checkInt("narrow", "start", start);
  checkInt("narrow", "length", length);
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n) {
    throw new Error(`narrow: start ${start} + length ${length} exceeds dimension ${d} of size ${n}`);
  }
  return slice(x, d, s, s + length);
}

/** x[..., index, ...] along `dim`, removing that dim. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim("select", dim, x.ndim);
  const n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new Error(`select: index ${index} is out of range for dimension ${d} of size ${n}`);
  }
  const i = index < 0 ? index + n : index;
  return squeeze(slice(x, d, i, i + 1), d);
}

/**
 * `x` itself when it is already row-major contiguous and spans its whole storage, else a row-major
 * copy (`torch.Tensor.contiguous`); `options.copy` always copies.
 */
export function contiguous(x: Tensor, options: { copy?: boolean } = {}): Tensor {
  if (!options.copy && x.isContiguous() && x.offset === 0 && storageLength(x.storage) === x.size) return x;
  return apply("contiguous", [x], {});
}

/** A contiguous copy of `x` that stays in the autograd graph (`torch.clone`). */
export function clone(x: Tensor): Tensor {
  return contiguous(x, { copy: true });
}

/**
 * Concatenates tensors along an existing dim `dim` (`torch.cat`); sizes must match in the other dims and the
 * dtype is promoted. 1-D empty tensors are skipped, as in PyTorch.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList("cat", tensors);
  if (tensors.length === 0) throw new Error("cat: expected a non-empty list of tensors");
  // Legacy rule: 1-D empty tensors are skipped (as PyTorch does).
  const list = tensors.filter((t) => !(t.ndim === 1 && t.size === 0));
  if (list.length === 0) return tensors[0]!;
  const ref = list[0]!;
  const d = normalizeDim("cat", dim, ref.ndim);
  let dtype = ref.dtype;
  for (const t of list) {
    if (t.ndim !== ref.ndim) {
      throw new Error(`cat: tensors must have the same number of dimensions, got ${fmtShape(ref.shape)} and ${fmtShape(t.shape)}`);
    }
    for (let i = 0; i < ref.ndim; i++) {
      if (i !== d && t.shape[i] !== ref.shape[i]) {
        throw new Error(`cat: sizes must match except in dimension ${d}, got ${fmtShape(ref.shape)} and ${fmtShape(t.shape)} (dimension ${i})`);
      }
    }
    dtype = promoteTypes(dtype, t.dtype);
  }
  if (list.length === 1) return cast(list[0]!, dtype);
  return apply("cat", list.map((t) => cast(t, dtype)), { dim: d });
}

/** Stacks same-shape tensors along a new dim `dim` (`torch.stack`). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList("stack", tensors);
  if (tensors.length === 0) throw new Error("stack: expected a non-empty list of tensors");
  const ref = tensors[0]!;
  for (const t of tensors) {
    if (!shapesEqual(t.shape, ref.shape)) {
      throw new Error(`stack: all tensors must have the same shape, got ${fmtShape(ref.shape)} and ${fmtShape(t.shape)}`);
    }
  }
  const d = normalizeDim("stack", dim, ref.ndim + 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/**
 * Splits `x` along `dim` into pieces of `splitSize` (the last may be smaller), or of the listed sizes
 * (`torch.split`).
 */
export function split(x: Tensor, splitSize: number | number[], dim = 0): Tensor[] {
  const d = normalizeDim("split", dim, x.ndim);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === "number") {
    if (!Number.isInteger(splitSize) || splitSize <= 0) throw new Error(`split: splitSize must be a positive integer, got ${describe(splitSize)}`);
    sizes = [];
    for (let s = 0; s < n; s += splitSize) sizes.push(Math.min(splitSize, n - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = checkShape("split", splitSize, { what: "split sizes" });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new Error(`split: sizes ${fmtShape(sizes)} sum to ${total}, but dimension ${d} has size ${n}`);
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(slice(x, d, start, start + s));
    start += s;
  }
  return out;
}

/**
 * Splits `x` along `dim` into at most `chunks` pieces of equal size (the last may be smaller), as
 * `torch.chunk`.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${describe(chunks)}`);
  const d = normalizeDim("chunk", dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}

/** Reverses the order of elements along each dim in `dims` (`torch.flip`). */
export function flip(x: Tensor, dims: DimArg): Tensor {
  let y = x;
  for (const d of normalizeDims("flip", dims, x.ndim)) {
    const n = x.shape[d]!;
    y = indexSelect(y, d, arange(n - 1, -1, -1, { dtype: "int32" }));
  }
  return y;
}

/** Tiles the tensor: `repeat(2, 3)` of shape (a, b) gives (2a, 3b). */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  checkShape("repeat", repeats, { what: "repeat counts" });
  if (repeats.length < x.ndim) {
    throw new Error(`repeat: got ${repeats.length} repeat counts for a tensor of shape ${fmtShape(x.shape)}`);
  }
  const lead = repeats.length - x.ndim;
  const src = [...new Array<number>(lead).fill(1), ...x.shape];
  const interleaved: number[] = [], expanded: number[] = [], result: number[] = [];
  for (let i = 0; i < src.length; i++) {
    interleaved.push(1, src[i]!);
    expanded.push(repeats[i]!, src[i]!);
    result.push(repeats[i]! * src[i]!);
  }
  checkNumel("repeat", result);
  return reshape(expand(reshape(x, interleaved), expanded), result);
}

/**
 * The padding mode of {@link pad}: a constant `value`, the mirror image without the edge (reflect), the
 * repeated edge (replicate), or wrap-around (circular).
 */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/**
 * Pads the last dims like `torch.nn.functional.pad`: `pad` lists (left, right) pairs starting from the
 * last dim. Modes: constant (with `value`), reflect (mirror without the edge), replicate (repeat the edge),
 * circular (wrap around: the left padding repeats the end of the dim, the right padding its start).
 */
export function pad(x: Tensor, padding: readonly number[], options: { mode?: PadMode; value?: number } = {}): Tensor {
  const mode = options.mode ?? "constant";
  if (mode !== "constant" && mode !== "reflect" && mode !== "replicate" && mode !== "circular") {
    throw new Error(`pad: unknown mode ${describe(mode)} (expected "constant", "reflect", "replicate" or "circular")`);
  }
  if (!Array.isArray(padding)) throw new Error(`pad: padding must be an array of integers, got ${describe(padding)}`);
  padding.forEach((p, i) => checkInt("pad", `padding[${i}]`, p));
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new Error(`pad: padding ${fmtShape(padding)} must have an even length of at most 2×${x.ndim}`);
  }
  checkNumel("pad", x.shape.map((s, i) => {
    const k = x.ndim - 1 - i;
    return k < padding.length / 2 ? s + padding[2 * k]! + padding[2 * k + 1]! : s;
  }));
  let y = x;
  for (let k = 0; k < padding.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const left = padding[2 * k]!, right = padding[2 * k + 1]!;
    if (left === 0 && right === 0) continue;
    const n = y.shape[d]!;
    if (mode === "constant") {
      // Negative padding crops, as in PyTorch.
      if (left < 0 || right < 0) y = slice(y, d, Math.max(0, -left), n - Math.max(0, -right));
      const l = Math.max(left, 0), r = Math.max(right, 0);
      if (l === 0 && r === 0) continue;
      const parts: Tensor[] = [];
      const side = (w: number): Tensor => {
        const shape = [...y.shape];
        shape[d] = w;
        return full(shape, options.value ?? 0, { dtype: y.dtype });
      };
      if (l > 0) parts.push(side(l));
      parts.push(y);
      if (r > 0) parts.push(side(r));
      y = cat(parts, d);
      continue;
    }
    if (mode === "reflect" && (left >= n || right >= n)) {
      throw new Error(`pad: reflect padding (${left}, ${right}) must be smaller than the dimension size ${n}`);
    }
    if (mode === "replicate" && n === 0) throw new Error(`pad: cannot replicate-pad an empty dimension`);
    if (mode === "circular" && (left > n || right > n)) {
      throw new Error(`pad: circular padding (${left}, ${right}) must be at most the dimension size ${n} (it would wrap around more than once)`);
    }
    const idx: number[] = [];
    for (let i = -left; i < n + right; i++) {
      if (mode === "replicate") idx.push(Math.min(Math.max(i, 0), n - 1));
      else if (mode === "circular") idx.push(((i % n) + n) % n);
      else idx.push(i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    }
    y = indexSelect(y, d, Tensor.fromData(Int32Array.from(idx), [idx.length], "int32"));
  }
  return y;
}

/** A result shape must fit one tensor (kernels index with 32-bit integers). */
function checkNumel(op: string, shape: readonly number[]): void {
  if (shape.some((s) => s < 0)) throw new Error(`${op}: the result shape ${fmtShape(shape)} has a negative size`);
  if (numel(shape) > MAX_ELEMENTS) throw new Error(`${op}: the result shape ${fmtShape(shape)} has more elements than one tensor can hold (${MAX_ELEMENTS})`);
}

function checkTensorList(op: string, tensors: unknown): void {
  if (!Array.isArray(tensors)) throw new Error(`${op}: expected an array of tensors, got ${describe(tensors)}`);
  tensors.forEach((t: unknown, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: element ${i} of the list is not a Tensor (${describe(t)})`);
  });
}
