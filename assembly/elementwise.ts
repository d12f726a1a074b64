// Elementwise float32 kernels: unary maps and binary ops with the common broadcasting fast paths.
//
// Buffers handed over whole (same-shape and scalar modes) are padded by the JS arena to a multiple
// of 16 bytes, so those loops run over whole f32x4 vectors; row-wise loops finish each row with
// single lanes, since the next row starts right after.
import { erfV, expV, geluGradV, geluV, logV, sigmoidV, tanhV } from "./simdMath";

export const NEG = 0, ABS = 1, RELU = 2, SQRT = 3, EXP = 4, LOG = 5, TANH = 6, SIGMOID = 7, ERF = 8, GELU = 9;
export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, RELU_GRAD = 6, GELU_GRAD = 7;

@inline export function unaryV(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    // max(x, 0) with NaN propagating, as torch.relu does
    case RELU: return v128.bitselect(x, f32x4.splat(0), v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x)));
    case SQRT: return f32x4.sqrt(x);
    case EXP: return expV(x);
    case LOG: return logV(x);
    case TANH: return tanhV(x);
    case ERF: return erfV(x);
    case GELU: return geluV(x);
    default: return sigmoidV(x);
  }
}

@inline export function binaryV(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    // wasm's f32x4.max/min propagate NaN, like torch.maximum/minimum
    case MAX: return f32x4.max(a, b);
    // ReLU's gradient (torch's threshold_backward): a where b > 0 or b is NaN, else 0
    case RELU_GRAD: return v128.bitselect(a, f32x4.splat(0), v128.or(f32x4.gt(b, f32x4.splat(0)), f32x4.ne(b, b)));
    // GELU's gradient: a·(Φ(b) + b·φ(b))
    case GELU_GRAD: return f32x4.mul(a, geluGradV(b));
    default: return f32x4.min(a, b);
  }
}

@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  const end = x + (<usize>n << 2);
  for (; x < end; x += 16, out += 16) v128.store(out, unaryV(op, v128.load(x)));
}

/** out[i] = op(x[i]) for i < n (x and out padded to 16 bytes; out may equal x). */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  // One loop per op so that each loop body is specialized (op is a constant after inlining).
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case ABS: unaryLoop(ABS, x, out, n); break;
    case RELU: unaryLoop(RELU, x, out, n); break;
    case SQRT: unaryLoop(SQRT, x, out, n); break;
    case EXP: unaryLoop(EXP, x, out, n); break;
    case LOG: unaryLoop(LOG, x, out, n); break;
    case TANH: unaryLoop(TANH, x, out, n); break;
    case ERF: unaryLoop(ERF, x, out, n); break;
    case GELU: unaryLoop(GELU, x, out, n); break;
    default: unaryLoop(SIGMOID, x, out, n); break;
  }
}

/** Broadcast modes of binary(): which operand is full (rows×cols) and what the other one is. */
export const SAME = 0, SCALAR_B = 1, SCALAR_A = 2, ROW_B = 3, ROW_A = 4, COL_B = 5, COL_A = 6;

/** out[j] = a[j] op b[j] over one row of `cols` elements, where a/b step by 16 bytes unless their
 *  step flag is 0 (then that operand is one splatted value). */
@inline function rowLoop(op: i32, a: usize, aStep: bool, va: v128, b: usize, bStep: bool, vb: v128, out: usize, cols: i32, whole: bool): void {
  let j = 0;
  const limit = whole ? cols : cols - 3;
  for (; j < limit; j += 4) {
    const x = aStep ? v128.load(a) : va;
    const y = bStep ? v128.load(b) : vb;
    v128.store(out, binaryV(op, x, y));
    if (aStep) a += 16;
    if (bStep) b += 16;
    out += 16;
  }
  if (!whole) {
    for (; j < cols; j++) {
      const x = aStep ? f32x4.splat(load<f32>(a)) : va;
      const y = bStep ? f32x4.splat(load<f32>(b)) : vb;
      store<f32>(out, f32x4.extract_lane(binaryV(op, x, y), 0));
      if (aStep) a += 4;
      if (bStep) b += 4;
      out += 4;
    }
  }
}

@inline function binaryMode(op: i32, mode: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const n = rows * cols;
  const zero = f32x4.splat(0);
  const rowBytes = <usize>cols << 2;
  switch (mode) {
    case SAME: rowLoop(op, a, true, zero, b, true, zero, out, n, true); break;
    case SCALAR_B: rowLoop(op, a, true, zero, b, false, v128.load32_splat(b), out, n, true); break;
    case SCALAR_A: rowLoop(op, a, false, v128.load32_splat(a), b, true, zero, out, n, true); break;
    case ROW_B:
      for (let i = 0; i < rows; i++) rowLoop(op, a + <usize>i * rowBytes, true, zero, b, true, zero, out + <usize>i * rowBytes, cols, false);
      break;
    case ROW_A:
      for (let i = 0; i < rows; i++) rowLoop(op, a, true, zero, b + <usize>i * rowBytes, true, zero, out + <usize>i * rowBytes, cols, false);
      break;
    case COL_B:
      for (let i = 0; i < rows; i++) {
        rowLoop(op, a + <usize>i * rowBytes, true, zero, b, false, v128.load32_splat(b + (<usize>i << 2)), out + <usize>i * rowBytes, cols, false);
      }
      break;
    default:
      for (let i = 0; i < rows; i++) {
        rowLoop(op, a, false, v128.load32_splat(a + (<usize>i << 2)), b + <usize>i * rowBytes, true, zero, out + <usize>i * rowBytes, cols, false);
      }
  }
}

/**
 * out = a op b over a rows×cols result. mode SAME: a, b full; SCALAR_B/SCALAR_A: that operand is
 * one float; ROW_B/ROW_A: that operand is a length-cols row repeated over rows; COL_B/COL_A: that
 * operand is a length-rows column repeated over cols. out may alias a full operand.
 */
export function binary(op: i32, mode: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  switch (op) {
    case ADD: binaryMode(ADD, mode, a, b, out, rows, cols); break;
    case SUB: binaryMode(SUB, mode, a, b, out, rows, cols); break;
    case MUL: binaryMode(MUL, mode, a, b, out, rows, cols); break;
    case DIV: binaryMode(DIV, mode, a, b, out, rows, cols); break;
    case MAX: binaryMode(MAX, mode, a, b, out, rows, cols); break;
    case RELU_GRAD: binaryMode(RELU_GRAD, mode, a, b, out, rows, cols); break;
    // GELU's gradient comes only same-shaped (one loop, not one per broadcast mode: its body is long)
    case GELU_GRAD: if (mode == SAME) rowLoop(GELU_GRAD, a, true, f32x4.splat(0), b, true, f32x4.splat(0), out, rows * cols, true); break;
    default: binaryMode(MIN, mode, a, b, out, rows, cols); break;
  }
}

/**
 * out[p, 0:size] = values[p % channels] for planes p < planes: a convolution's output (batch, channels,
 * size) starting as its bias, before the products are added onto it.
 */
export function fillPlanes(out: usize, values: usize, planes: i32, channels: i32, size: i32): void {
  for (let p = 0; p < planes; p++) {
    const v = load<f32>(values + (<usize>(p % channels) << 2));
    const splat = f32x4.splat(v);
    let dst = out + ((<usize>p * <usize>size) << 2);
    let j = 0;
    for (; j + 4 <= size; j += 4, dst += 16) v128.store(dst, splat);
    for (; j < size; j++, dst += 4) store<f32>(dst, v);
  }
}
