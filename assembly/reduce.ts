// Reductions of a contiguous [outer, size, inner] float32 tensor over its middle dimension:
// inner == 1 is a reduction over the last dimension, inner > 1 over a non-last one.
import { expV, logV } from "./simdMath";

export const SUM = 0, MEAN = 1, MAX = 2, MIN = 3;

@inline function combine(op: i32, a: v128, b: v128): v128 {
  if (op == MAX) return f32x4.max(a, b); // NaN-propagating, like torch.max
  if (op == MIN) return f32x4.min(a, b);
  return f32x4.add(a, b);
}

/** op over x[0:n] (one contiguous row); sums use 16 partial sums, which also bounds error growth. */
@inline function reduceRow(op: i32, x: usize, n: i32): f32 {
  const init = op == MAX ? f32x4.splat(-Infinity) : op == MIN ? f32x4.splat(Infinity) : f32x4.splat(0);
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
  const r = f32x4.extract_lane(s, 0);
  return op == MEAN ? r / <f32>n : r;
}

@inline function reduceLastOp(op: i32, x: usize, out: usize, outer: i32, size: i32): void {
  const rowBytes = <usize>size << 2;
  for (let i = 0; i < outer; i++) store<f32>(out + (<usize>i << 2), reduceRow(op, x + <usize>i * rowBytes, size));
}

/** out[o, i] = op over j of x[o, j, i]: whole rows of `inner` elements combined with SIMD. */
@inline function reduceMiddleOp(op: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  const init: f32 = op == MAX ? -Infinity : op == MIN ? Infinity : 0;
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
    if (op == MEAN) {
      const scale: f32 = 1 / <f32>size;
      for (let i = 0; i < inner; i++) {
        const p = dst + (<usize>i << 2);
        store<f32>(p, load<f32>(p) * scale);
      }
    }
  }
}

/** Reduces the middle dimension of a contiguous [outer, size, inner] array into [outer, inner]. */
export function reduce(op: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  if (inner == 1) {
    switch (op) {
      case SUM: reduceLastOp(SUM, x, out, outer, size); break;
      case MEAN: reduceLastOp(MEAN, x, out, outer, size); break;
      case MAX: reduceLastOp(MAX, x, out, outer, size); break;
      default: reduceLastOp(MIN, x, out, outer, size); break;
    }
  } else {
    switch (op) {
      case SUM: reduceMiddleOp(SUM, x, out, outer, size, inner); break;
      case MEAN: reduceMiddleOp(MEAN, x, out, outer, size, inner); break;
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
    // Pass 2: e^{x − m} (stored when computing softmax) and its sum.
    let s0 = f32x4.splat(0), s1 = s0;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
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
    let tail: f32 = 0;
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const e = f32x4.extract_lane(expV(f32x4.sub(f32x4.splat(load<f32>(src + o)), m)), 0);
      if (!log) store<f32>(dst + o, e);
      tail += e;
    }
    let s = f32x4.add(s0, s1);
    s = f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
    s = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
    const sum = f32x4.extract_lane(s, 0) + tail;
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
