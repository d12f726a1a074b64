// CPU kernels for the linear-algebra primitives: batch loops around the float64 routines in linalg.ts.
import type { Kernel } from "../Backend.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate, type DType } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";
import * as la from "./linalg.js";

/** Splits (..., m, n) into batch matrices as Float64Arrays. */
function matrices(t: TensorView): { batch: number[]; m: number; n: number; mats: Float64Array[] } {
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  const batch = t.shape.slice(0, -2);
  const vals = denseValues(t);
  const count = m * n === 0 ? batch.reduce((a, b) => a * b, 1) : t.size / (m * n);
  const mats: Float64Array[] = [];
  for (let b = 0; b < count; b++) mats.push(Float64Array.from(vals.subarray(b * m * n, (b + 1) * m * n)));
  return { batch, m, n, mats };
}

function assemble(parts: ArrayLike<number>[], shape: number[], dtype: DType): TensorView {
  let size = 1;
  for (const s of shape) size *= s;
  const out = allocate(dtype, size);
  let o = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[o++] = p[i]!;
  }
  return viewFromData(out, shape, dtype);
}

export const cholesky: Kernel<"cholesky"> = ([a], { upper }) => {
  const { batch, n, mats } = matrices(a!);
  return assemble(mats.map((m) => la.cholesky(m, n, { upper })), [...batch, n, n], a!.dtype);
};

export const inv: Kernel<"inv"> = ([a]) => {
  const { batch, n, mats } = matrices(a!);
  return assemble(mats.map((m) => la.inv(m, n)), [...batch, n, n], a!.dtype);
};

/** A (..., n, n), B (..., n, k) with equal batch shapes (the op broadcasts first). */
export const solve: Kernel<"solve"> = ([a, b]) => {
  const A = matrices(a!), B = matrices(b!);
  const k = B.n;
  return assemble(A.mats.map((m, i) => la.solve(m, A.n, B.mats[i]!, k)), [...B.batch, A.n, k], a!.dtype);
};

export const det: Kernel<"det"> = ([a]) => {
  const { batch, n, mats } = matrices(a!);
  return assemble([mats.map((m) => la.det(m, n))], batch, a!.dtype);
};

export const slogdet: Kernel<"slogdet"> = ([a]) => {
  const { batch, n, mats } = matrices(a!);
  const res = mats.map((m) => la.slogdet(m, n));
  return [
    assemble([res.map((r) => r.sign)], batch, a!.dtype),
    assemble([res.map((r) => r.logabsdet)], batch, a!.dtype),
  ];
};

export const eigh: Kernel<"eigh"> = ([a]) => {
  const { batch, n, mats } = matrices(a!);
  const res = mats.map((m) => la.eigh(m, n));
  return [
    assemble(res.map((r) => r.values), [...batch, n], a!.dtype),
    assemble(res.map((r) => r.vectors), [...batch, n, n], a!.dtype),
  ];
};

export const qr: Kernel<"qr"> = ([a], { mode }) => {
  const { batch, m, n, mats } = matrices(a!);
  const res = mats.map((x) => la.qr(x, m, n, { mode }));
  const k = mode === "complete" ? m : Math.min(m, n);
  return [
    assemble(res.map((r) => r.q), [...batch, m, k], a!.dtype),
    assemble(res.map((r) => r.r), [...batch, k, n], a!.dtype),
  ];
};

export const svd: Kernel<"svd"> = ([a], { fullMatrices }) => {
  const { batch, m, n, mats } = matrices(a!);
  const res = mats.map((x) => la.svd(x, m, n, { fullMatrices }));
  const k = Math.min(m, n);
  const ku = fullMatrices ? m : k, kv = fullMatrices ? n : k;
  return [
    assemble(res.map((r) => r.u), [...batch, m, ku], a!.dtype),
    assemble(res.map((r) => r.s), [...batch, k], a!.dtype),
    assemble(res.map((r) => r.vh), [...batch, kv, n], a!.dtype),
  ];
};
