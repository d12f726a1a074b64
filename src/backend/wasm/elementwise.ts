// Elementwise kernels over Float32Arrays: unary maps and binary ops with broadcasting fast paths.
import type { WasmRuntime } from "./WasmRuntime.js";
import { allocateUninitialized } from "../pool.js";

/** Codes match assembly/elementwise.ts. */
export const UNARY_OPS = { neg: 0, abs: 1, relu: 2, sqrt: 3, exp: 4, log: 5, tanh: 6, sigmoid: 7, erf: 8, gelu: 9 } as const;
export type UnaryOp = keyof typeof UNARY_OPS;

export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, reluGrad: 6, geluGrad: 7 } as const;
export type BinaryOp = keyof typeof BINARY_OPS;

const MODE = { same: 0, scalarB: 1, scalarA: 2, rowB: 3, rowA: 4, colB: 5, colA: 6 } as const;

function output(op: string, length: number, out: Float32Array | undefined): Float32Array {
  if (out === undefined) return allocateUninitialized("float32", length) as Float32Array; // written whole by the caller
  if (out.length !== length) throw new Error(`${op}: out has length ${out.length}, expected ${length}`);
  return out;
}

/** Elements from which a pass is split across threads (waking a worker costs ~10 µs, a pass ~0.3 ns per element). */
const PARALLEL_MIN_ELEMENTS = 1 << 16;
/** Chunks of a flat pass start at multiples of this many floats (whole f32x4 vectors and 64-byte lines). */
const QUANTUM = 16;

/**
 * Where the kernel writes `out`: in place when it lives in linear memory (a resident block), else an
 * arena block that finish() copies into it.
 */
function placeOut(rt: WasmRuntime, out: Float32Array): { p: number; finish: () => void } {
  const at = rt.addressOf(out);
  if (at >= 0) return { p: at, finish: () => undefined };
  const p = rt.alloc(out.length * 4);
  return { p, finish: () => out.set(rt.f32(p, out.length)) };
}

/**
 * out[i] = op(x[i]); out may be x itself. Operands in linear memory are read and written in place, and
 * large arrays are split across threads; each element's result is the same however the array is split.
 */
export function unary(rt: WasmRuntime, op: UnaryOp, x: Float32Array, out?: Float32Array): Float32Array {
  const code = UNARY_OPS[op];
  if (code === undefined) throw new Error(`unary: unknown op "${op}" (expected one of ${Object.keys(UNARY_OPS).join(", ")})`);
  const result = output(`unary ${op}`, x.length, out);
  const n = x.length;
  rt.resetArena();
  const px = rt.ref(x, 0, n);
  const y = placeOut(rt, result);
  // The kernel works on whole f32x4 vectors, so it must not run past n in memory it does not own: the
  // last n % 4 elements go through a padded arena copy.
  const whole = n & ~3;
  rt.runJobs("unary", rt.splitRange(whole, whole, PARALLEL_MIN_ELEMENTS, QUANTUM).map(([s, c]) => [code, px + 4 * s, y.p + 4 * s, c]));
  if (whole < n) {
    const tail = rt.put(x, whole, n - whole);
    rt.exports.unary(code, tail, tail, n - whole);
    rt.f32(y.p + 4 * whole, n - whole).set(rt.f32(tail, n - whole));
  }
  y.finish();
  return result;
}

function binaryRun(
  rt: WasmRuntime, op: BinaryOp, mode: number, a: Float32Array, b: Float32Array, rows: number, cols: number, out: Float32Array | undefined,
): Float32Array {
  const code = BINARY_OPS[op];
  if (code === undefined) throw new Error(`binary: unknown op "${op}" (expected one of ${Object.keys(BINARY_OPS).join(", ")})`);
  if (op === "geluGrad" && mode !== MODE.same) throw new Error("binary geluGrad: only operands of one shape are supported (no broadcasting)");
  const result = output(`binary ${op}`, rows * cols, out);
  rt.resetArena();
  const pa = rt.ref(a, 0, a.length);
  const pb = rt.ref(b, 0, b.length);
  const y = placeOut(rt, result);
  const n = rows * cols;
  if (mode === MODE.same || mode === MODE.scalarA || mode === MODE.scalarB) {
    // One flat pass of whole f32x4 vectors (see unary); a scalar operand stays where it is.
    const [stepA, stepB] = [mode === MODE.scalarA ? 0 : 4, mode === MODE.scalarB ? 0 : 4];
    const whole = n & ~3;
    rt.runJobs("binary", rt.splitRange(whole, whole, PARALLEL_MIN_ELEMENTS, QUANTUM).map(([s, c]) => [code, mode, pa + stepA * s, pb + stepB * s, y.p + 4 * s, 1, c]));
    if (whole < n) {
      const ta = stepA ? rt.put(a, whole, n - whole) : pa, tb = stepB ? rt.put(b, whole, n - whole) : pb;
      const to = rt.alloc(4 * (n - whole));
      rt.exports.binary(code, mode, ta, tb, to, 1, n - whole);
      rt.f32(y.p + 4 * whole, n - whole).set(rt.f32(to, n - whole));
    }
  } else {
    // Row and column broadcasts finish each row with single lanes: split by rows. The full operand and
    // the output advance by whole rows, a column operand by one value per row, a row operand not at all.
    const rowA = mode === MODE.rowA, colA = mode === MODE.colA, rowB = mode === MODE.rowB, colB = mode === MODE.colB;
    const stepA = rowA ? 0 : colA ? 4 : 4 * cols, stepB = rowB ? 0 : colB ? 4 : 4 * cols;
    rt.runJobs("binary", rt.splitRange(rows, n, PARALLEL_MIN_ELEMENTS).map(([s, c]) => [code, mode, pa + stepA * s, pb + stepB * s, y.p + 4 * cols * s, c, cols]));
  }
  y.finish();
  return result;
}

/** out = a op b for two arrays of the same length. */
export function binary(rt: WasmRuntime, op: BinaryOp, a: Float32Array, b: Float32Array, out?: Float32Array): Float32Array {
  if (a.length !== b.length) throw new Error(`binary ${op}: lengths ${a.length} and ${b.length} differ`);
  return binaryRun(rt, op, MODE.same, a, b, 1, a.length, out);
}

/** out = a op s (or s op a with scalarFirst), for a scalar s. */
export function binaryScalar(
  rt: WasmRuntime, op: BinaryOp, a: Float32Array, s: number, options: { scalarFirst?: boolean; out?: Float32Array } = {},
): Float32Array {
  const scalar = new Float32Array([s]);
  return options.scalarFirst
    ? binaryRun(rt, op, MODE.scalarA, scalar, a, 1, a.length, options.out)
    : binaryRun(rt, op, MODE.scalarB, a, scalar, 1, a.length, options.out);
}

/**
 * out[i, j] = a[i, j] op row[j] for a rows×cols array a and a length-cols row (the broadcast of a
 * trailing-dimension vector, e.g. adding a bias); with rowFirst, out[i, j] = row[j] op a[i, j].
 */
export function binaryRow(
  rt: WasmRuntime, op: BinaryOp, a: Float32Array, row: Float32Array, rows: number, cols: number,
  options: { rowFirst?: boolean; out?: Float32Array } = {},
): Float32Array {
  if (a.length !== rows * cols || row.length !== cols) {
    throw new Error(`binaryRow ${op}: expected a of length ${rows}×${cols} and a row of length ${cols}, got ${a.length} and ${row.length}`);
  }
  return options.rowFirst
    ? binaryRun(rt, op, MODE.rowA, row, a, rows, cols, options.out)
    : binaryRun(rt, op, MODE.rowB, a, row, rows, cols, options.out);
}

/**
 * out[i, j] = a[i, j] op column[i] for a rows×cols array a and a length-rows column (e.g. subtracting
 * a per-row maximum); with columnFirst, out[i, j] = column[i] op a[i, j].
 */
export function binaryColumn(
  rt: WasmRuntime, op: BinaryOp, a: Float32Array, column: Float32Array, rows: number, cols: number,
  options: { columnFirst?: boolean; out?: Float32Array } = {},
): Float32Array {
  if (a.length !== rows * cols || column.length !== rows) {
    throw new Error(`binaryColumn ${op}: expected a of length ${rows}×${cols} and a column of length ${rows}, got ${a.length} and ${column.length}`);
  }
  return options.columnFirst
    ? binaryRun(rt, op, MODE.colA, column, a, rows, cols, options.out)
    : binaryRun(rt, op, MODE.colB, a, column, rows, cols, options.out);
}
