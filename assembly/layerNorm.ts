// Fused layer normalization over contiguous rows of D floats: the forward (statistics and output in one
// call) and the backward from the saved mean and 1/σ. Row statistics are summed in float32 lanes and
// finished in float64; the weight and bias gradients, sums over every row, add float32 partial sums of
// ROWS_BLOCK rows in float64 (as reduce.ts' blocked sums), so their error does not grow with the row count.

/** Rows per float32 block of the weight and bias gradient sums. */
const ROWS_BLOCK = 16;

@inline function hsum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** y = (x − μ)·rstd·w + b per row, with μ and rstd = 1/√(σ² + eps) (biased σ²) written to mean and rstd. */
export function layerNormForward(x: usize, w: usize, b: usize, y: usize, mean: usize, rstd: usize, rows: i32, D: i32, eps: f64): void {
  const D4 = D & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>D << 2), yr = y + (<usize>r * <usize>D << 2);
    let s = f32x4.splat(0);
    for (let j = 0; j < D4; j += 4) s = f32x4.add(s, v128.load(xr + (<usize>j << 2)));
    let sum = hsum(s);
    for (let j = D4; j < D; j++) sum += <f64>load<f32>(xr + (<usize>j << 2));
    const mu = <f32>(sum / <f64>D);
    const muv = f32x4.splat(mu);
    let q = f32x4.splat(0);
    for (let j = 0; j < D4; j += 4) {
      const d = f32x4.sub(v128.load(xr + (<usize>j << 2)), muv);
      q = f32x4.add(q, f32x4.mul(d, d));
    }
    let sq = hsum(q);
    for (let j = D4; j < D; j++) {
      const d = <f64>(load<f32>(xr + (<usize>j << 2)) - mu);
      sq += d * d;
    }
    const rs = <f32>(1 / Math.sqrt(sq / <f64>D + eps));
    const rsv = f32x4.splat(rs);
    for (let j = 0; j < D4; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), muv), rsv);
      v128.store(yr + o, f32x4.add(f32x4.mul(xh, v128.load(w + o)), v128.load(b + o)));
    }
    for (let j = D4; j < D; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - mu) * rs * load<f32>(w + o) + load<f32>(b + o));
    }
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(rstd + (<usize>r << 2), rs);
  }
}

/**
 * With x̂ = (x − μ)·rstd and ĝ = dy·w: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dw = Σ_rows dy·x̂,
 * db = Σ_rows dy. acc: 16·D bytes of float64 totals, then 8·D bytes of float32 block sums.
 */
export function layerNormBackward(g: usize, x: usize, mean: usize, rstd: usize, w: usize, dx: usize, dw: usize, db: usize, rows: i32, D: i32, acc: usize): void {
  const D4 = D & ~3;
  const dwTot = acc, dbTot = acc + (<usize>D << 3), dwBlk = acc + (<usize>D << 4), dbBlk = dwBlk + (<usize>D << 2);
  memory.fill(acc, 0, <usize>D * 24);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>D << 2;
    const gr = g + o, xr = x + o, dxr = dx + o;
    const mu = load<f32>(mean + (<usize>r << 2)), rs = load<f32>(rstd + (<usize>r << 2));
    const muv = f32x4.splat(mu), rsv = f32x4.splat(rs);
    let sg = f32x4.splat(0), sgx = sg;
    for (let j = 0; j < D4; j += 4) {
      const c = <usize>j << 2;
      const gj = v128.load(gr + c);
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + c), muv), rsv);
      const gh = f32x4.mul(gj, v128.load(w + c));
      sg = f32x4.add(sg, gh);
      sgx = f32x4.add(sgx, f32x4.mul(gh, xh));
      v128.store(dwBlk + c, f32x4.add(v128.load(dwBlk + c), f32x4.mul(gj, xh)));
      v128.store(dbBlk + c, f32x4.add(v128.load(dbBlk + c), gj));
    }
    let sumG = hsum(sg), sumGX = hsum(sgx);
    for (let j = D4; j < D; j++) {
      const c = <usize>j << 2;
      const gj = load<f32>(gr + c), xh = (load<f32>(xr + c) - mu) * rs, gh = gj * load<f32>(w + c);
      sumG += <f64>gh;
      sumGX += <f64>gh * <f64>xh;
      store<f32>(dwBlk + c, load<f32>(dwBlk + c) + gj * xh);
      store<f32>(dbBlk + c, load<f32>(dbBlk + c) + gj);
    }
    const meanG = f32x4.splat(<f32>(sumG / <f64>D)), meanGX = f32x4.splat(<f32>(sumGX / <f64>D));
    for (let j = 0; j < D4; j += 4) {
      const c = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + c), muv), rsv);
      const gh = f32x4.mul(v128.load(gr + c), v128.load(w + c));
      v128.store(dxr + c, f32x4.mul(rsv, f32x4.sub(f32x4.sub(gh, meanG), f32x4.mul(xh, meanGX))));
    }
    const mg = f32x4.extract_lane(meanG, 0), mgx = f32x4.extract_lane(meanGX, 0);
    for (let j = D4; j < D; j++) {
      const c = <usize>j << 2;
      const xh = (load<f32>(xr + c) - mu) * rs;
      store<f32>(dxr + c, rs * (load<f32>(gr + c) * load<f32>(w + c) - mg - xh * mgx));
    }
    if ((r + 1) % ROWS_BLOCK == 0 || r == rows - 1) {
      for (let j = 0; j < D; j++) {
        const c4 = <usize>j << 2, c8 = <usize>j << 3;
        store<f64>(dwTot + c8, load<f64>(dwTot + c8) + <f64>load<f32>(dwBlk + c4));
        store<f64>(dbTot + c8, load<f64>(dbTot + c8) + <f64>load<f32>(dbBlk + c4));
      }
      memory.fill(dwBlk, 0, <usize>D << 3);
    }
  }
  for (let j = 0; j < D; j++) {
    store<f32>(dw + (<usize>j << 2), <f32>load<f64>(dwTot + (<usize>j << 3)));
    store<f32>(db + (<usize>j << 2), <f32>load<f64>(dbTot + (<usize>j << 3)));
  }
}
