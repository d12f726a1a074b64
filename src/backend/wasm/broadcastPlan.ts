// Shape plans that map broadcasting binary ops and multi-dim reductions onto the WASM kernels' 2-D forms
// (row broadcast, column broadcast, [outer, size, inner] reductions): pure functions of shapes.

/**
 * How `a op b` runs as one 2-D kernel call over the broadcast result (rows × cols):
 * - "same": both operands are the full result;
 * - "row": the small operand is a length-cols row repeated over rows (a trailing block of dims);
 * - "column": the small operand is a length-rows column repeated over cols, after tiling it `tile`
 *   times (a middle block of dims, such as the channel dim of (N, C, H, W) against (1, C, 1, 1)).
 * `smallFirst` says that the broadcast operand is a (so that a − b and a / b keep their order).
 */
export interface BinaryPlan {
  kind: "same" | "row" | "column";
  rows: number;
  cols: number;
  /** The small operand is repeated this many times to make the column (kind "column"). */
  tile: number;
  smallFirst: boolean;
}

const product = (dims: readonly number[]): number => dims.reduce((p, s) => p * s, 1);

/**
 * The plan for two shapes under NumPy broadcasting, or null when neither operand is the whole result
 * or the small one's non-unit dims are not one contiguous block of the result's dims.
 */
export function binaryPlan(aShape: readonly number[], bShape: readonly number[]): BinaryPlan | null {
  const ndim = Math.max(aShape.length, bShape.length);
  const a = [...Array<number>(ndim - aShape.length).fill(1), ...aShape];
  const b = [...Array<number>(ndim - bShape.length).fill(1), ...bShape];
  const out: number[] = [];
  for (let d = 0; d < ndim; d++) {
    if (a[d] !== b[d] && a[d] !== 1 && b[d] !== 1) return null;
    out.push(Math.max(a[d]!, b[d]!));
  }
  const size = product(out);
  if (size === 0) return null;
  const aFull = aShape.length === ndim && a.every((s, d) => s === out[d]);
  const bFull = bShape.length === ndim && b.every((s, d) => s === out[d]);
  if (aFull && bFull) return { kind: "same", rows: 1, cols: size, tile: 1, smallFirst: false };
  if (!aFull && !bFull) return null;
  const small = aFull ? b : a;
  // The result's dims split as [outer | block | inner]: small is 1 on outer and inner and equals the result on block.
  const kept = out.map((s, d) => ({ s, matches: small[d] === s }));
  const nonUnit = kept.filter(({ s }) => s !== 1);
  const first = nonUnit.findIndex((k) => k.matches);
  if (first < 0) return null; // a scalar-like operand: left to the reference kernel
  let last = first;
  while (last + 1 < nonUnit.length && nonUnit[last + 1]!.matches) last++;
  if (nonUnit.slice(last + 1).some((k) => k.matches)) return null;
  const outer = product(nonUnit.slice(0, first).map((k) => k.s));
  const block = product(nonUnit.slice(first, last + 1).map((k) => k.s));
  const inner = product(nonUnit.slice(last + 1).map((k) => k.s));
  const smallFirst = !aFull;
  return inner === 1
    ? { kind: "row", rows: outer, cols: block, tile: 1, smallFirst }
    : { kind: "column", rows: outer * block, cols: inner, tile: outer, smallFirst };
}

/**
 * A reduction over `dims` of a tensor of `shape` as a sequence of [outer, size, inner] reductions, one per
 * run of consecutive dims, the last run first (so that each step's input is the previous step's output).
 */
export function reductionSteps(shape: readonly number[], dims: readonly number[]): { outer: number; size: number; inner: number }[] {
  const sorted = [...new Set(dims)].sort((x, y) => x - y);
  const runs: [number, number][] = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    if (run && run[1] === d - 1) run[1] = d;
    else runs.push([d, d]);
  }
  const current = [...shape];
  const steps: { outer: number; size: number; inner: number }[] = [];
  for (let r = runs.length - 1; r >= 0; r--) {
    const [d0, d1] = runs[r]!;
    steps.push({ outer: product(current.slice(0, d0)), size: product(current.slice(d0, d1 + 1)), inner: product(current.slice(d1 + 1)) });
    for (let d = d0; d <= d1; d++) current[d] = 1;
  }
  return steps;
}
