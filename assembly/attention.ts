// The row-wise parts of fused scaled dot-product attention, between its GEMMs: the masked softmax of
// the scores (forward), the probabilities recomputed from the saved logsumexp, and the score gradient
// (backward). Scores are B·L rows of S contiguous floats; an additive mask row is S contiguous floats
// at mask + b·maskBatch + i·maskRow (strides in elements; 0 broadcasts). With causal, keys j > i are
// masked: those entries are written as 0 without computing them.
import { expV } from "./simdMath";

/** Keys of row i that are not causally masked. */
@inline function keysOf(i: i32, S: i32, causal: i32): i32 {
  return causal ? min<i32>(S, i + 1) : S;
}

/** p[0:n] += mask[0:n] (mask 0: nothing to add). */
@inline function addRow(p: usize, mask: usize, n: i32): void {
  if (mask == 0) return;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(p + o, f32x4.add(v128.load(p + o), v128.load(mask + o)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(p + o, load<f32>(p + o) + load<f32>(mask + o));
  }
}

/** p[from:to] = value. */
@inline function fillRow(p: usize, from: i32, to: i32, value: f32): void {
  const v = f32x4.splat(value);
  let j = from;
  for (; j < to && (j & 3) != 0; j++) store<f32>(p + (<usize>j << 2), value);
  for (; j + 4 <= to; j += 4) v128.store(p + (<usize>j << 2), v);
  for (; j < to; j++) store<f32>(p + (<usize>j << 2), value);
}

/** e^{p[j] − shift} in place for j < n, returning Σ of the results (float64). */
@inline function expShiftRow(p: usize, n: i32, shift: f32): f64 {
  const m = f32x4.splat(shift);
  let s = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    const e = expV(f32x4.sub(v128.load(p + o), m));
    v128.store(p + o, e);
    s = f32x4.add(s, e);
  }
  let total = <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
  for (; j < n; j++) {
    const o = <usize>j << 2;
    const e = f32x4.extract_lane(expV(f32x4.splat(load<f32>(p + o) - shift)), 0);
    store<f32>(p + o, e);
    total += <f64>e;
  }
  return total;
}

/**
 * Softmax of every score row in place: p = e^{s − m} / l with s = scores + mask, m = max s and
 * l = Σ e^{s − m}; lse[r] = m + ln l. A row with no finite maximum (every key masked, or a NaN) becomes
 * NaN (its lse −∞, or NaN after a NaN score), as softmax of such a row does.
 */
export function attentionSoftmax(p: usize, mask: usize, maskBatch: i32, maskRow: i32, lse: usize, B: i32, L: i32, S: i32, causal: i32): void {
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < L; i++) {
      const r = b * L + i;
      const row = p + (<usize>r * <usize>S << 2);
      const n = keysOf(i, S, causal);
      addRow(row, mask == 0 ? 0 : mask + ((<usize>b * <usize>maskBatch + <usize>i * <usize>maskRow) << 2), n);
      let mv = f32x4.splat(-Infinity);
      let j = 0;
      for (; j + 4 <= n; j += 4) mv = f32x4.max(mv, v128.load(row + (<usize>j << 2))); // NaN-propagating
      let m = max<f32>(max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      for (; j < n; j++) m = max<f32>(m, load<f32>(row + (<usize>j << 2)));
      if (m == -Infinity || m != m) {
        fillRow(row, 0, S, NaN);
        store<f32>(lse + (<usize>r << 2), m); // −∞ + ln 0 for a dead row, as the online reference; NaN stays NaN
        continue;
      }
      const l = expShiftRow(row, n, m);
      const inv = f32x4.splat(<f32>(1 / l));
      j = 0;
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(row + o, f32x4.mul(v128.load(row + o), inv));
      }
      const invs = f32x4.extract_lane(inv, 0);
      for (; j < n; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * invs);
      fillRow(row, n, S, 0);
      store<f32>(lse + (<usize>r << 2), <f32>(<f64>m + Math.log(l)));
    }
  }
}

/** The probabilities again, from the saved lse: p = e^{scores + mask − lse} in place (causally masked keys 0). */
export function attentionProbs(p: usize, mask: usize, maskBatch: i32, maskRow: i32, lse: usize, B: i32, L: i32, S: i32, causal: i32): void {
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < L; i++) {
      const r = b * L + i;
      const row = p + (<usize>r * <usize>S << 2);
      const n = keysOf(i, S, causal);
      addRow(row, mask == 0 ? 0 : mask + ((<usize>b * <usize>maskBatch + <usize>i * <usize>maskRow) << 2), n);
      const shift = load<f32>(lse + (<usize>r << 2));
      expShiftRow(row, n, shift);
      fillRow(row, n, S, shift != shift ? NaN : 0); // e^{−∞ − lse}, NaN when lse is
    }
  }
}

/**
 * The gradient of the scores in place: ds = p ∘ (ds + dlse − Σₑ dO ∘ O) per row, where ds holds dO·Vᵀ
 * on entry (B·L rows of S), dO and O are rows of Ev (row i of stack b at b·batch + i·row, in elements)
 * and dlse one value per row.
 */
export function attentionScoreGrad(
  ds: usize, p: usize, gOut: usize, goBatch: i32, goRow: i32, out: usize, oBatch: i32, oRow: i32, gLse: usize, B: i32, L: i32, S: i32, Ev: i32,
): void {
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < L; i++) {
      const r = b * L + i;
      const go = gOut + ((<usize>b * <usize>goBatch + <usize>i * <usize>goRow) << 2), o = out + ((<usize>b * <usize>oBatch + <usize>i * <usize>oRow) << 2);
      let acc = f32x4.splat(0);
      let e = 0;
      for (; e + 4 <= Ev; e += 4) {
        const at = <usize>e << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(go + at), v128.load(o + at)));
      }
      let dot = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      for (; e < Ev; e++) dot += <f64>load<f32>(go + (<usize>e << 2)) * <f64>load<f32>(o + (<usize>e << 2));
      const shift = <f32>(<f64>load<f32>(gLse + (<usize>r << 2)) - dot);
      const sv = f32x4.splat(shift);
      const d = ds + (<usize>r * <usize>S << 2), pr = p + (<usize>r * <usize>S << 2);
      let j = 0;
      for (; j + 4 <= S; j += 4) {
        const at = <usize>j << 2;
        v128.store(d + at, f32x4.mul(v128.load(pr + at), f32x4.add(v128.load(d + at), sv)));
      }
      for (; j < S; j++) {
        const at = <usize>j << 2;
        store<f32>(d + at, load<f32>(pr + at) * (load<f32>(d + at) + shift));
      }
    }
  }
}
