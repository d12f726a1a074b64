// CPU kernels of fused layer normalization: one pass for the statistics and one for the output per
// row; the backward reuses the saved mean and 1/σ.
import type { Kernel } from "../Backend.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

/** y = (x − μ)·rstd·w + b per row of `size` elements, with the row's μ and rstd = 1/√(σ² + eps) (biased σ²). */
export const layerNorm: Kernel<"layerNorm"> = (inputs, { size: D, eps }) => {
  const [x, w, b] = inputs as [TensorView, TensorView, TensorView];
  const xv = denseValues(x), wv = denseValues(w), bv = denseValues(b);
  const rows = D === 0 ? 0 : x.size / D;
  const y = allocate(x.dtype, x.size), mean = allocate(x.dtype, rows), rstd = allocate(x.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let sum = 0;
    for (let j = 0; j < D; j++) sum += xv[o + j]!;
    const mu = sum / D;
    let sq = 0;
    for (let j = 0; j < D; j++) {
      const d = xv[o + j]! - mu;
      sq += d * d;
    }
    const rs = 1 / Math.sqrt(sq / D + eps);
    for (let j = 0; j < D; j++) y[o + j] = (xv[o + j]! - mu) * rs * wv[j]! + bv[j]!;
    mean[r] = mu;
    rstd[r] = rs;
  }
  return [viewFromData(y, x.shape, x.dtype), viewFromData(mean, [rows], x.dtype), viewFromData(rstd, [rows], x.dtype)];
};

/**
 * With x̂ = (x − μ)·rstd and ĝ = dy·w: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dw = Σ_rows dy·x̂, db = Σ_rows dy.
 */
export const layerNormBackward: Kernel<"layerNormBackward"> = (inputs, { size: D }) => {
  const [g, x, mean, rstd, w] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView];
  const gv = denseValues(g), xv = denseValues(x), mv = denseValues(mean), rv = denseValues(rstd), wv = denseValues(w);
  const rows = D === 0 ? 0 : x.size / D;
  const dx = allocate(x.dtype, x.size);
  const dw = new Float64Array(D), db = new Float64Array(D);
  for (let r = 0; r < rows; r++) {
    const o = r * D, mu = mv[r]!, rs = rv[r]!;
    let sumG = 0, sumGX = 0;
    for (let j = 0; j < D; j++) {
      const gj = gv[o + j]!, xh = (xv[o + j]! - mu) * rs, gh = gj * wv[j]!;
      sumG += gh;
      sumGX += gh * xh;
      dw[j]! += gj * xh;
      db[j]! += gj;
    }
    const meanG = sumG / D, meanGX = sumGX / D;
    for (let j = 0; j < D; j++) {
      const xh = (xv[o + j]! - mu) * rs;
      dx[o + j] = rs * (gv[o + j]! * wv[j]! - meanG - xh * meanGX);
    }
  }
  const dwOut = allocate(x.dtype, D), dbOut = allocate(x.dtype, D);
  dwOut.set(dw);
  dbOut.set(db);
  return [viewFromData(dx, x.shape, x.dtype), viewFromData(dwOut, w.shape, x.dtype), viewFromData(dbOut, w.shape, x.dtype)];
};
