// CPU reference GEMM: packed operands and a 4×4 register-blocked micro-kernel over K.
import type { Kernel } from "../Backend.js";
import { viewFromData, makeView, type TensorView } from "../storage.js";
import { allocate, type TypedArray } from "../../tensor/dtype.js";

/** Packs one (rows × cols) matrix at `base` with strides (rs, cs) into a dense row-major Float64Array. */
function pack(data: TypedArray, base: number, rows: number, cols: number, rs: number, cs: number, out: Float64Array): void {
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let p = base + r * rs;
    for (let c = 0; c < cols; c++, p += cs) out[o++] = data[p]!;
  }
}

/** C (M×N, row-major, at cOff) = A (M×K row-major) · Btᵀ where Bt is N×K row-major. */
export function gemmPacked(A: Float64Array, Bt: Float64Array, M: number, N: number, K: number, C: TypedArray, cOff: number): void {
  const NB = 64;
  for (let j0 = 0; j0 < N; j0 += NB) {
    const j1 = Math.min(N, j0 + NB);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
      let j = j0;
      for (; j + 4 <= j1; j += 4) {
        const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let k = 0; k < K; k++) {
          const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
          const y0 = Bt[b0 + k]!, y1 = Bt[b1 + k]!, y2 = Bt[b2 + k]!, y3 = Bt[b3 + k]!;
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        let o = cOff + i * N + j;
        C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += N;
        C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += N;
        C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23; o += N;
        C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
      }
      for (; j < j1; j++) {
        const b0 = j * K;
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (let k = 0; k < K; k++) {
          const y = Bt[b0 + k]!;
          c0 += A[a0 + k]! * y; c1 += A[a1 + k]! * y; c2 += A[a2 + k]! * y; c3 += A[a3 + k]! * y;
        }
        C[cOff + i * N + j] = c0; C[cOff + (i + 1) * N + j] = c1;
        C[cOff + (i + 2) * N + j] = c2; C[cOff + (i + 3) * N + j] = c3;
      }
    }
    for (; i < M; i++) {
      const a0 = i * K;
      for (let j = j0; j < j1; j++) {
        const b0 = j * K;
        let c = 0;
        for (let k = 0; k < K; k++) c += A[a0 + k]! * Bt[b0 + k]!;
        C[cOff + i * N + j] = c;
      }
    }
  }
}

export const matmul: Kernel<"matmul"> = ([a, b]) => {
  const x = a!, y = b!;
  const [B, M, K] = x.shape as [number, number, number];
  const N = y.shape[2]!;
  const out = allocate(x.dtype, B * M * N);
  const A = new Float64Array(M * K), Bt = new Float64Array(N * K);
  for (let bi = 0; bi < B; bi++) {
    pack(x.storage.data, x.offset + bi * x.strides[0]!, M, K, x.strides[1]!, x.strides[2]!, A);
    // Bt[j, k] = y[bi, k, j]
    pack(y.storage.data, y.offset + bi * y.strides[0]!, N, K, y.strides[2]!, y.strides[1]!, Bt);
    gemmPacked(A, Bt, M, N, K, out, bi * M * N);
  }
  if (x.dtype === "int32") for (let i = 0; i < out.length; i++) out[i] = out[i]! | 0;
  return viewFromData(out, [B, M, N], x.dtype);
};

/** x (M, K) · w (N, K)ᵀ + b (N): the reference matmul on strided views, then the bias (as matmul + add). */
export const linear: Kernel<"linear"> = ([x, w, b]) => {
  const [M, K] = x!.shape as [number, number];
  const N = w!.shape[0]!;
  const x3 = makeView(x!.storage, [1, M, K], [0, x!.strides[0]!, x!.strides[1]!], x!.offset, x!.dtype);
  const wt3 = makeView(w!.storage, [1, K, N], [0, w!.strides[1]!, w!.strides[0]!], w!.offset, w!.dtype);
  const y = matmul([x3, wt3], {}) as TensorView;
  const out = y.storage.data, bd = b!.storage.data, bo = b!.offset, bs = b!.strides[0] ?? 0;
  for (let i = 0, o = 0; i < M; i++) for (let j = 0; j < N; j++, o++) out[o] = out[o]! + bd[bo + j * bs]!;
  return viewFromData(out, [M, N], x!.dtype);
};
