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

/** out[i] = op(x[i]); out may be x itself. */
export function unary(rt: WasmRuntime, op: UnaryOp, x: Float32Array, out?: Float32Array): Float32Array {
  const code = UNARY_OPS[op];
  if (code === undefined) throw new Error(`unary: unknown op "${op}" (expected one of ${Object.keys(UNARY_OPS).join(", ")})`);
  const result = output(`unary ${op}`, x.length, out);
  rt.resetArena();
  const p = rt.put(x, 0, x.length);
  rt.exports.unary(code, p, p, x.length);
  result.set(rt.f32(p, x.length));
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
  const pa = rt.put(a, 0, a.length);
  const pb = rt.put(b, 0, b.length);
  // The result overwrites the full-sized operand's arena copy (b's when a is the broadcast one).
  const bFull = mode === MODE.scalarA || mode === MODE.rowA || mode === MODE.colA;
  const po = bFull ? pb : pa;
  rt.exports.binary(code, mode, pa, pb, po, rows, cols);
  result.set(rt.f32(po, rows * cols));
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
