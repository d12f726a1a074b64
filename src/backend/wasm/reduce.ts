// Reductions and softmax over Float32Arrays holding contiguous tensors.
import type { WasmRuntime } from "./WasmRuntime.js";

/** Codes match assembly/reduce.ts. */
export const REDUCE_OPS = { sum: 0, mean: 1, max: 2, min: 3 } as const;
export type ReduceOp = keyof typeof REDUCE_OPS;

/** Elements read from which a reduction is split across threads (by its independent outer index). */
const PARALLEL_MIN_ELEMENTS = 1 << 16;

function checkSizes(op: string, sizes: Record<string, number>): void {
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${op}: ${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Reduces dimension `size` of a contiguous [outer, size, inner] array x into [outer, inner].
 * inner = 1 reduces the last dimension; any tensor reduced over one dimension d has this form with
 * outer = ∏ shape[:d], size = shape[d], inner = ∏ shape[d+1:]. Sum of nothing is 0, mean NaN;
 * max/min of nothing is an error (as in PyTorch).
 */
export function reduce(rt: WasmRuntime, op: ReduceOp, x: Float32Array, outer: number, size: number, inner: number): Float32Array {
  const code = REDUCE_OPS[op];
  const name = `reduce ${op}`;
  if (code === undefined) throw new Error(`reduce: unknown op "${op}" (expected one of ${Object.keys(REDUCE_OPS).join(", ")})`);
  checkSizes(name, { outer, size, inner });
  if (x.length !== outer * size * inner) {
    throw new Error(`${name}: x has length ${x.length}, expected outer·size·inner = ${outer}·${size}·${inner}`);
  }
  if (size === 0 && (op === "max" || op === "min") && outer * inner > 0) {
    throw new Error(`${name}: cannot reduce an empty dimension (size 0) with ${op}`);
  }
  rt.resetArena();
  const px = rt.ref(x, 0, x.length);
  const po = rt.alloc(outer * inner * 4);
  // Each outer index is its own reduction, summed in the same order however the outer range is split;
  // every chunk gets its own float64 scratch for the block totals of a sum over a non-last dim.
  const jobs = rt.splitRange(outer, x.length, PARALLEL_MIN_ELEMENTS).map(([first, count]) => [
    code, px + 4 * first * size * inner, po + 4 * first * inner, count, size, inner, rt.alloc(inner * 8),
  ]);
  rt.runJobs("reduce", jobs);
  return rt.f32(po, outer * inner).slice();
}

function softmaxRun(rt: WasmRuntime, name: string, log: number, x: Float32Array, rows: number, n: number): Float32Array {
  checkSizes(name, { rows, n });
  if (x.length !== rows * n) throw new Error(`${name}: x has length ${x.length}, expected rows·n = ${rows}·${n}`);
  rt.resetArena();
  const p = rt.put(x, 0, x.length);
  rt.exports.softmax(p, p, rows, n, log);
  return rt.f32(p, x.length).slice();
}

/** Softmax over each contiguous row of n elements of a rows×n array (the last dimension). */
export function softmax(rt: WasmRuntime, x: Float32Array, rows: number, n: number): Float32Array {
  return softmaxRun(rt, "softmax", 0, x, rows, n);
}

/** log(softmax(x)) over the last dimension, computed as x − max − log Σ exp(x − max). */
export function logSoftmax(rt: WasmRuntime, x: Float32Array, rows: number, n: number): Float32Array {
  return softmaxRun(rt, "logSoftmax", 1, x, rows, n);
}
