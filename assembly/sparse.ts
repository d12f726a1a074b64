// Sparse kernels of graph learning on float32 rows: SpMM over a COO matrix and its adjoint SDDMM, the
// segment maximum and the softmax over edge groups, and the row gather (index_select) and row
// scatter-add (index_add) along dim 0.
//
// Every kernel walks the edges (or indices) in the order of the CPU reference kernels
// (src/backend/cpu/sparse.ts, indexing.ts) and updates whole feature rows with 128-bit SIMD, so each
// output element receives the same updates in the same order (the reference rounds w·x + o once, from
// float64; here the product and the sum round separately). Indices are checked here: a kernel returns
// the position of the first index outside [0, bound) (the caller then takes the reference path), or −1.
import { expV } from "./simdMath";

/** a[0:n] += w · b[0:n]. */
@inline function axpy(a: usize, b: usize, w: f32, n: i32): void {
  const wv = f32x4.splat(w);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const at = a + (<usize>k << 2);
    const prod = f32x4.mul(wv, v128.load(b + (<usize>k << 2)));
    v128.store(at, f32x4.add(v128.load(at), prod));
  }
  for (; k < n; k++) {
    const at = a + (<usize>k << 2);
    store<f32>(at, load<f32>(at) + w * load<f32>(b + (<usize>k << 2)));
  }
}

/** a[0:n] += b[0:n]. */
@inline function addRow(a: usize, b: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const at = a + (<usize>k << 2);
    v128.store(at, f32x4.add(v128.load(at), v128.load(b + (<usize>k << 2))));
  }
  for (; k < n; k++) {
    const at = a + (<usize>k << 2);
    store<f32>(at, load<f32>(at) + load<f32>(b + (<usize>k << 2)));
  }
}

/** The first position e < n with index[e] outside [0, bound), or −1. */
function firstOutOfRange(index: usize, n: i32, bound: i32): i32 {
  for (let e = 0; e < n; e++) {
    // one unsigned comparison catches negative entries too
    if (<u32>load<i32>(index + (<usize>e << 2)) >= <u32>bound) return e;
  }
  return -1;
}

/**
 * out (rows × F) = A · x with A in COO form: out[row[e], h·C + c] += values[e·H + h] · x[col[e], h·C + c]
 * for every edge e, head h < H and column c < C = F / H (H = 1: one value per edge). Returns −1, or the
 * first edge whose row (as −2 − e) or column (as e) is out of range, leaving out unspecified.
 */
export function spmm(row: usize, col: usize, values: usize, x: usize, out: usize, E: i32, rows: i32, M: i32, F: i32, H: i32): i32 {
  const badRow = firstOutOfRange(row, E, rows);
  if (badRow >= 0) return -2 - badRow;
  const badCol = firstOutOfRange(col, E, M);
  if (badCol >= 0) return badCol;
  memory.fill(out, 0, (<usize>rows * F) << 2);
  const C = F / H;
  const rowBytes = <usize>F << 2, headBytes = <usize>C << 2;
  for (let e = 0; e < E; e++) {
    const o = out + <usize>load<i32>(row + (<usize>e << 2)) * rowBytes;
    const s = x + <usize>load<i32>(col + (<usize>e << 2)) * rowBytes;
    const v = values + ((<usize>e * H) << 2);
    if (H == 1) {
      axpy(o, s, load<f32>(v), F);
      continue;
    }
    for (let h = 0; h < H; h++) {
      const at = <usize>h * headBytes;
      axpy(o + at, s + at, load<f32>(v + (<usize>h << 2)), C);
    }
  }
  return -1;
}

/** Σ a[0:n]·b[0:n], four float32 lanes (one per column mod 4) added at the end, then the tail. */
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>k << 2)), v128.load(b + (<usize>k << 2))));
  let r = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; k < n; k++) r += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
  return r;
}

/**
 * SDDMM, the adjoint of spmm in its values: out (E × H)[e, h] = Σ_c a[row[e], h·C + c]·b[col[e], h·C + c]
 * with C = F / H, a having R rows and b M rows of F floats. Returns −1, or the first edge whose row (as
 * −2 − e) or column (as e) is out of range.
 */
export function sddmm(row: usize, col: usize, a: usize, b: usize, out: usize, E: i32, R: i32, M: i32, F: i32, H: i32): i32 {
  const badRow = firstOutOfRange(row, E, R);
  if (badRow >= 0) return -2 - badRow;
  const badCol = firstOutOfRange(col, E, M);
  if (badCol >= 0) return badCol;
  const C = F / H;
  const rowBytes = <usize>F << 2, headBytes = <usize>C << 2;
  for (let e = 0; e < E; e++) {
    const pa = a + <usize>load<i32>(row + (<usize>e << 2)) * rowBytes;
    const pb = b + <usize>load<i32>(col + (<usize>e << 2)) * rowBytes;
    const o = out + ((<usize>e * H) << 2);
    for (let h = 0; h < H; h++) {
      const at = <usize>h * headBytes;
      store<f32>(o + (<usize>h << 2), dot(pa + at, pb + at, C));
    }
  }
  return -1;
}

/**
 * out (dimSize × inner) [n] = max of src[e] over the e with index[e] = n: the first element of a group
 * starts it, a later one replaces it when greater, or when it is NaN and the running value is not (the
 * first NaN wins); groups nobody points at stay 0. `seen` holds dimSize bytes of scratch. Returns −1 or
 * the first out-of-range position.
 */
export function scatterMax(src: usize, index: usize, out: usize, seen: usize, E: i32, inner: i32, dimSize: i32): i32 {
  const bad = firstOutOfRange(index, E, dimSize);
  if (bad >= 0) return bad;
  memory.fill(out, 0, (<usize>dimSize * inner) << 2);
  memory.fill(seen, 0, <usize>dimSize);
  const rowBytes = <usize>inner << 2;
  for (let e = 0; e < E; e++) {
    const n = load<i32>(index + (<usize>e << 2));
    const o = out + <usize>n * rowBytes, s = src + <usize>e * rowBytes;
    if (load<u8>(seen + n) == 0) {
      store<u8>(seen + n, 1);
      memory.copy(o, s, rowBytes);
      continue;
    }
    let k = 0;
    for (; k + 4 <= inner; k += 4) {
      const at = o + (<usize>k << 2);
      const v = v128.load(s + (<usize>k << 2)), best = v128.load(at);
      // v > best, or v is NaN while best is not
      const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
      v128.store(at, v128.bitselect(v, best, take));
    }
    for (; k < inner; k++) {
      const at = o + (<usize>k << 2);
      const v = load<f32>(s + (<usize>k << 2)), best = load<f32>(at);
      if (v > best || (v != v && best == best)) store<f32>(at, v);
    }
  }
  return -1;
}

/**
 * Softmax over the groups of `index`: out (E × inner)[e] = p[e] / (Σ_{index[e'] = index[e]} p[e'] + 1e-16) with
 * p = e^{src − m} and m the group maximum (scatterMax's, into `max`, dimSize × inner floats; `sums` holds
 * as many floats and `seen` dimSize bytes of scratch). Returns −1 or the first out-of-range position.
 */
export function segmentSoftmax(src: usize, index: usize, out: usize, max: usize, sums: usize, seen: usize, E: i32, inner: i32, dimSize: i32): i32 {
  const bad = scatterMax(src, index, max, seen, E, inner, dimSize);
  if (bad >= 0) return bad;
  memory.fill(sums, 0, (<usize>dimSize * inner) << 2);
  const rowBytes = <usize>inner << 2;
  for (let e = 0; e < E; e++) {
    const g = <usize>load<i32>(index + (<usize>e << 2)) * rowBytes, s = <usize>e * rowBytes;
    let k = 0;
    for (; k + 4 <= inner; k += 4) {
      const at = <usize>k << 2;
      const p = expV(f32x4.sub(v128.load(src + s + at), v128.load(max + g + at)));
      v128.store(out + s + at, p);
      v128.store(sums + g + at, f32x4.add(v128.load(sums + g + at), p));
    }
    for (; k < inner; k++) {
      const at = <usize>k << 2;
      // the vector exp on one lane, so every element gets the same exp
      const p = f32x4.extract_lane(expV(f32x4.splat(load<f32>(src + s + at) - load<f32>(max + g + at))), 0);
      store<f32>(out + s + at, p);
      store<f32>(sums + g + at, load<f32>(sums + g + at) + p);
    }
  }
  const eps = f32x4.splat(1e-16);
  for (let e = 0; e < E; e++) {
    const g = <usize>load<i32>(index + (<usize>e << 2)) * rowBytes, s = <usize>e * rowBytes;
    let k = 0;
    for (; k + 4 <= inner; k += 4) {
      const at = <usize>k << 2;
      v128.store(out + s + at, f32x4.div(v128.load(out + s + at), f32x4.add(v128.load(sums + g + at), eps)));
    }
    for (; k < inner; k++) {
      const at = <usize>k << 2;
      store<f32>(out + s + at, load<f32>(out + s + at) / (load<f32>(sums + g + at) + <f32>1e-16));
    }
  }
  return -1;
}

/** out (m × R) [i] = x[index[i]] for i < m, x having n rows of R floats. Returns −1 or the first out-of-range position. */
export function gatherRows(x: usize, index: usize, out: usize, m: i32, n: i32, R: i32): i32 {
  const bad = firstOutOfRange(index, m, n);
  if (bad >= 0) return bad;
  const rowBytes = <usize>R << 2;
  if (R == 1) {
    for (let i = 0; i < m; i++) store<f32>(out + (<usize>i << 2), load<f32>(x + (<usize>load<i32>(index + (<usize>i << 2)) << 2)));
  } else {
    for (let i = 0; i < m; i++) memory.copy(out + <usize>i * rowBytes, x + <usize>load<i32>(index + (<usize>i << 2)) * rowBytes, rowBytes);
  }
  return -1;
}

/**
 * out (n × R), holding x on entry, gets out[index[i]] += src[i] for i < m in order. Returns −1 (done), or
 * the first out-of-range position (out untouched).
 */
export function scatterAddRows(out: usize, index: usize, src: usize, m: i32, n: i32, R: i32): i32 {
  const bad = firstOutOfRange(index, m, n);
  if (bad >= 0) return bad;
  const rowBytes = <usize>R << 2;
  for (let i = 0; i < m; i++) addRow(out + <usize>load<i32>(index + (<usize>i << 2)) * rowBytes, src + <usize>i * rowBytes, R);
  return -1;
}
