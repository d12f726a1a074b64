// Reductions of a contiguous [outer, size, inner] float32 tensor over its middle dimension:
// inner == 1 is a reduction over the last dimension, inner > 1 over a non-last one.
//
// Sums are blocked (cascade) sums, like PyTorch's: float32 partial sums over short blocks, whose totals
// are added in float64. A float32 running sum of n terms drifts by up to ~n·2⁻²⁴ relative (Higham,
// "Accuracy and Stability of Numerical Algorithms", 2nd ed., §4.2): 16 lanes summing 1e7 × 0.1 were
// 0.6 % off. With blocks, each term passes through at most ~16 float32 additions, so the error stays
// near a float32 ulp of the result whatever n is, for a few extra instructions per block.
import { expV, logV } from "./simdMath";

export const SUM = 0, MEAN = 1, MAX = 2, MIN = 3;

/** Elements per float32 block of a row sum: each of the 16 lanes adds 16 of them. */
const ROW_BLOCK = 256;
/** Rows per float32 block of a sum over a non-last dim: each output adds 16 four-row partial sums. */
const ROWS_BLOCK = 64;
/** Elements per float32 block of softmax's Σ e^{x − m}: each of its 8 lanes adds 16 of them. */
const EXP_BLOCK = 128;

/** The low (promoteLow) and the high (promoteHigh) two lanes of a float32 vector as float64 pairs. */
@inline function promoteLow(s: v128): v128 {
  return f64x2.promote_low_f32x4(s);
}
@inline function promoteHigh(s: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(s, s, 2, 3, 0, 1));
}

/** Σ x[0:n] of one contiguous row, in blocks of ROW_BLOCK float32 terms whose totals add in float64. */
@inline function sumRow(x: usize, n: i32): f64 {
  let t0 = f64x2.splat(0), t1 = t0;
  const whole = n & ~15;
  let j = 0;
  while (j < whole) {
    const end = min<i32>(whole, j + ROW_BLOCK);
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (; j < end; j += 16) {
      s0 = f32x4.add(s0, v128.load(x));
      s1 = f32x4.add(s1, v128.load(x, 16));
      s2 = f32x4.add(s2, v128.load(x, 32));
      s3 = f32x4.add(s3, v128.load(x, 48));
      x += 64;
    }
    const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    t0 = f64x2.add(t0, promoteLow(s));
    t1 = f64x2.add(t1, promoteHigh(s));
  }
  const t = f64x2.add(t0, t1);
  let r = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; j < n; j++) {
    r += <f64>load<f32>(x);
    x += 4;
  }
  return r;
}

@inline function combine(op: i32, a: v128, b: v128): v128 {
  return op == MAX ? f32x4.max(a, b) : f32x4.min(a, b); // NaN-propagating, like torch.max
}

/** max or min over x[0:n] (one contiguous row). */
@inline function reduceRow(op: i32, x: usize, n: i32): f32 {
  const init = op == MAX ? f32x4.splat(-Infinity) : f32x4.splat(Infinity);
  let s0 = init, s1 = init, s2 = init, s3 = init;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    s0 = combine(op, s0, v128.load(x));
    s1 = combine(op, s1, v128.load(x, 16));
    s2 = combine(op, s2, v128.load(x, 32));
    s3 = combine(op, s3, v128.load(x, 48));
    x += 64;
  }
  for (; j + 4 <= n; j += 4) {
    s0 = combine(op, s0, v128.load(x));
    x += 16;
  }
  let s = combine(op, combine(op, s0, s1), combine(op, s2, s3));
  for (; j < n; j++) {
    s = combine(op, s, f32x4.replace_lane(init, 0, load<f32>(x))); // other lanes: the identity
    x += 4;
  }
  s = combine(op, s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
  s = combine(op, s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
  return f32x4.extract_lane(s, 0);
}

@inline function reduceLastOp(op: i32, x: usize, out: usize, outer: i32, size: i32): void {
  const rowBytes = <usize>size << 2;
  for (let i = 0; i < outer; i++) {
    const row = x + <usize>i * rowBytes;
    let r: f32;
    if (op == SUM) r = <f32>sumRow(row, size);
    else if (op == MEAN) r = <f32>(sumRow(row, size) / <f64>size);
    else r = reduceRow(op, row, size);
    store<f32>(out + (<usize>i << 2), r);
  }
}

/** dst[0:inner] += Σ x[j, 0:inner] over rows j of [from, to), four rows per pass over dst. */
@inline function addRows(dst: usize, x: usize, from: i32, to: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2, vecBytes = <usize>(inner & ~3) << 2;
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const r0 = x + <usize>j * innerBytes, r1 = r0 + innerBytes, r2 = r1 + innerBytes, r3 = r2 + innerBytes;
    let b: usize = 0;
    for (; b < vecBytes; b += 16) {
      const rows = f32x4.add(f32x4.add(v128.load(r0 + b), v128.load(r1 + b)), f32x4.add(v128.load(r2 + b), v128.load(r3 + b)));
      v128.store(dst + b, f32x4.add(v128.load(dst + b), rows));
    }
    for (; b < innerBytes; b += 4) {
      store<f32>(dst + b, load<f32>(dst + b) + ((load<f32>(r0 + b) + load<f32>(r1 + b)) + (load<f32>(r2 + b) + load<f32>(r3 + b))));
    }
  }
  for (; j < to; j++) {
    const r = x + <usize>j * innerBytes;
    let b: usize = 0;
    for (; b < vecBytes; b += 16) v128.store(dst + b, f32x4.add(v128.load(dst + b), v128.load(r + b)));
    for (; b < innerBytes; b += 4) store<f32>(dst + b, load<f32>(dst + b) + load<f32>(r + b));
  }
}

/**
 * out[o, i] = Σ_j x[o, j, i] (or the mean): blocks of ROWS_BLOCK rows summed in float32 into out,
 * each block's totals added into the float64 scratch `acc` (inner values) and out cleared.
 */
@inline function sumMiddleOp(op: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32, acc: usize): void {
  const innerBytes = <usize>inner << 2;
  const vecBytes = <usize>(inner & ~3) << 2;
  const scale: f64 = op == MEAN ? 1 / <f64>size : 1;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * innerBytes;
    const src = x + <usize>o * <usize>size * innerBytes;
    memory.fill(dst, 0, innerBytes);
    if (size <= ROWS_BLOCK) {
      // One block: no float64 pass (which would double the memory traffic when inner is large).
      addRows(dst, src, 0, size, inner);
      if (op == MEAN) for (let b: usize = 0; b < innerBytes; b += 4) store<f32>(dst + b, <f32>(<f64>load<f32>(dst + b) * scale));
      continue;
    }
    memory.fill(acc, 0, <usize>inner << 3);
    for (let j = 0; j < size; j += ROWS_BLOCK) {
      addRows(dst, src, j, min<i32>(size, j + ROWS_BLOCK), inner);
      // acc += dst in float64; dst = 0 for the next block.
      let b: usize = 0;
      for (; b < vecBytes; b += 16) {
        const s = v128.load(dst + b), a = acc + (b << 1);
        v128.store(a, f64x2.add(v128.load(a), promoteLow(s)));
        v128.store(a, f64x2.add(v128.load(a, 16), promoteHigh(s)), 16);
        v128.store(dst + b, f32x4.splat(0));
      }
      for (; b < innerBytes; b += 4) {
        const a = acc + (b << 1);
        store<f64>(a, load<f64>(a) + <f64>load<f32>(dst + b));
        store<f32>(dst + b, 0);
      }
    }
    for (let b: usize = 0; b < innerBytes; b += 4) store<f32>(dst + b, <f32>(load<f64>(acc + (b << 1)) * scale));
  }
}

/** out[o, i] = max or min over j of x[o, j, i]: whole rows of `inner` elements combined with SIMD. */
@inline function reduceMiddleOp(op: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  const init: f32 = op == MAX ? -Infinity : Infinity;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * innerBytes;
    const src = x + <usize>o * <usize>size * innerBytes;
    for (let i = 0; i < inner; i++) store<f32>(dst + (<usize>i << 2), init);
    for (let j = 0; j < size; j++) {
      const row = src + <usize>j * innerBytes;
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const p = dst + (<usize>i << 2);
        v128.store(p, combine(op, v128.load(p), v128.load(row + (<usize>i << 2))));
      }
      for (; i < inner; i++) {
        const p = dst + (<usize>i << 2);
        store<f32>(p, f32x4.extract_lane(combine(op, f32x4.splat(load<f32>(p)), f32x4.splat(load<f32>(row + (<usize>i << 2)))), 0));
      }
    }
  }
}

/**
 * Reduces the middle dimension of a contiguous [outer, size, inner] array into [outer, inner]; sums
 * and means over a non-last dim (inner > 1) use `acc`, room for `inner` float64 values.
 */
export function reduce(op: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32, acc: usize): void {
  if (inner == 1) {
    switch (op) {
      case SUM: reduceLastOp(SUM, x, out, outer, size); break;
      case MEAN: reduceLastOp(MEAN, x, out, outer, size); break;
      case MAX: reduceLastOp(MAX, x, out, outer, size); break;
      default: reduceLastOp(MIN, x, out, outer, size); break;
    }
  } else {
    switch (op) {
      case SUM: sumMiddleOp(SUM, x, out, outer, size, inner, acc); break;
      case MEAN: sumMiddleOp(MEAN, x, out, outer, size, inner, acc); break;
      case MAX: reduceMiddleOp(MAX, x, out, outer, size, inner); break;
      default: reduceMiddleOp(MIN, x, out, outer, size, inner); break;
    }
  }
}

/**
 * Softmax (log = 0) or log-softmax (log = 1) over each contiguous row of n elements:
 * softmax(x)_j = e^{x_j − m} / Σ_k e^{x_k − m} and logSoftmax(x)_j = x_j − m − ln Σ_k e^{x_k − m},
 * with m = max_k x_k so no exponential overflows (Goodfellow et al., Deep Learning, §4.1).
 */
export function softmax(x: usize, out: usize, rows: i32, n: i32, log: i32): void {
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = out + <usize>r * rowBytes;
    const m = f32x4.splat(reduceRow(MAX, src, n));
    // Pass 2: e^{x − m} (stored when computing softmax) and its sum, blocked as sumRow's.
    let t0 = f64x2.splat(0), t1 = t0;
    const whole = n & ~7;
    let j = 0;
    while (j < whole) {
      const end = min<i32>(whole, j + EXP_BLOCK);
      let s0 = f32x4.splat(0), s1 = s0;
      for (; j < end; j += 8) {
        const o = <usize>j << 2;
        const e0 = expV(f32x4.sub(v128.load(src + o), m));
        const e1 = expV(f32x4.sub(v128.load(src + o, 16), m));
        if (!log) {
          v128.store(dst + o, e0);
          v128.store(dst + o, e1, 16);
        }
        s0 = f32x4.add(s0, e0);
        s1 = f32x4.add(s1, e1);
      }
      const s = f32x4.add(s0, s1);
      t0 = f64x2.add(t0, promoteLow(s));
      t1 = f64x2.add(t1, promoteHigh(s));
    }
    const t = f64x2.add(t0, t1);
    let total = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const e = f32x4.extract_lane(expV(f32x4.sub(f32x4.splat(load<f32>(src + o)), m)), 0);
      if (!log) store<f32>(dst + o, e);
      total += <f64>e;
    }
    const sum = <f32>total;
    // Pass 3: scale by 1/sum, or subtract m + ln(sum).
    const v = log ? f32x4.add(m, logV(f32x4.splat(sum))) : f32x4.splat(1 / sum);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, log ? f32x4.sub(v128.load(src + o), v) : f32x4.mul(v128.load(dst + o), v));
    }
    const vs = f32x4.extract_lane(v, 0);
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, log ? load<f32>(src + o) - vs : load<f32>(dst + o) * vs);
    }
  }
}
