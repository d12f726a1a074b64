// WASM GEMM against a float64 JS reference, on awkward shapes, all transpose cases, strides, batches.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import type { MatrixView } from "../../../src/backend/wasm/gemm.js";
import { kernels, randomArray, U32 } from "./helpers.js";

/**
 * Reference C = alpha·op(A)·op(B) + beta·C in float64 (products of float32 values are exact in
 * float64), plus the rigorous float32 error bound of the kernel's result for each element.
 *
 * A dot product of length k summed in floating point (any order, with or without fused multiply-add)
 * satisfies |ĉ − c| ≤ γ_k Σ|a_p b_p| with γ_k = k·u/(1 − k·u) (Higham, 2nd ed., §3.1, eq. (3.5)).
 * The kernel also rounds alpha·a when packing (one more u per product) and rounds the final
 * beta·C + acc (two more roundings), hence (k + 3)·u·|alpha|·Σ|a b| + 2u·|beta·c| + tiny slack.
 */
function reference(
  m: number, n: number, k: number, alpha: number, a: MatrixView, b: MatrixView, beta: number, c0: Float32Array | null,
): { value: Float64Array; bound: Float64Array } {
  const value = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  const gamma = ((k + 3) * U32) / (1 - (k + 3) * U32);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = a.data[(a.offset ?? 0) + i * a.rowStride + p * a.colStride];
        const y = b.data[(b.offset ?? 0) + p * b.rowStride + j * b.colStride];
        s += x * y;
        abs += Math.abs(x * y);
      }
      const old = beta !== 0 && c0 ? c0[i * n + j] : 0;
      value[i * n + j] = alpha * s + beta * old;
      bound[i * n + j] = gamma * Math.abs(alpha) * abs + 2 * U32 * Math.abs(beta * old) + 1e-30;
    }
  }
  return { value, bound };
}

/** An m×k matrix stored row-major (trans = false) or as the transpose of a k×m row-major array. */
function view(gen: Generator, rows: number, cols: number, trans: boolean): MatrixView {
  const data = randomArray(gen, rows * cols);
  return trans ? { data, rowStride: 1, colStride: rows } : { data, rowStride: cols, colStride: 1 };
}

function expectWithin(actual: Float32Array, ref: { value: Float64Array; bound: Float64Array }, label: string): void {
  expect(actual.length).toBe(ref.value.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const ratio = Math.abs(actual[i] - ref.value[i]) / ref.bound[i];
    if (!(ratio <= worst)) {
      worst = ratio;
      at = i;
    }
  }
  if (!(worst <= 1)) {
    throw new Error(`${label}: element ${at} is ${actual[at]}, expected ${ref.value[at]} ± ${ref.bound[at]}`);
  }
}

const shapes: [number, number, number][] = [
  [0, 0, 0], [0, 5, 3], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 3], [5, 1, 9], [2, 3, 1],
  [4, 8, 16], [7, 13, 5], [17, 9, 33], [33, 31, 17], [12, 24, 260], [300, 257, 129],
];

describe("wasm gemm", () => {
  for (const [m, n, k] of shapes) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`${m}×${k}${transA ? "ᵀ" : ""} · ${k}×${n}${transB ? "ᵀ" : ""} matches the float64 reference`, async () => {
        const wk = await kernels();
        const gen = new Generator(m * 10007 + n * 101 + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        const a = view(gen, m, k, transA);
        const b = view(gen, k, n, transB);
        const c = wk.gemm(m, n, k, a, b);
        expectWithin(c, reference(m, n, k, 1, a, b, 0, null), "gemm");
      });
    }
  }

  it("applies alpha and beta, and beta = 0 ignores NaN already in C (as BLAS does)", async () => {
    const wk = await kernels();
    const gen = new Generator(3);
    const [m, n, k] = [19, 21, 23];
    const a = view(gen, m, k, false);
    const b = view(gen, k, n, true);
    const c0 = randomArray(gen, m * n);
    for (const [alpha, beta] of [[0.5, -1.5], [2, 1], [-1, 0.25], [0, 3], [0, 0]]) {
      const c = wk.gemm(m, n, k, a, b, { alpha, beta, out: c0.slice() });
      expectWithin(c, reference(m, n, k, alpha, a, b, beta, c0), `alpha=${alpha} beta=${beta}`);
    }
    const nan = new Float32Array(m * n).fill(NaN);
    const c = wk.gemm(m, n, k, a, b, { alpha: 1, beta: 0, out: nan });
    expectWithin(c, reference(m, n, k, 1, a, b, 0, null), "beta=0 over NaN");
  });

  it("reads general strides and offsets, and writes C with ldc > n at an offset", async () => {
    const wk = await kernels();
    const gen = new Generator(4);
    const [m, n, k] = [13, 10, 11];
    // Every other column of a 13×22 array, starting at element 5.
    const a: MatrixView = { data: randomArray(gen, 5 + 13 * 22), offset: 5, rowStride: 22, colStride: 2 };
    // A 3-strided row of a transposed layout.
    const b: MatrixView = { data: randomArray(gen, 2 + 10 * 33), offset: 2, rowStride: 3, colStride: 33 };
    const ldc = 17;
    const out = new Float32Array(7 + m * ldc).fill(-42);
    wk.gemm(m, n, k, a, b, { out, outOffset: 7, ldc });
    const dense = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dense[i * n + j] = out[7 + i * ldc + j];
    expectWithin(dense, reference(m, n, k, 1, a, b, 0, null), "strided");
    // Padding between rows is left untouched.
    for (let i = 0; i < m; i++) for (let j = n; j < ldc && 7 + i * ldc + j < out.length; j++) expect(out[7 + i * ldc + j]).toBe(-42);
    expect(out.slice(0, 7)).toEqual(new Float32Array(7).fill(-42));
  });

  it("crosses the NC column block (n = 4100)", async () => {
    const wk = await kernels();
    const gen = new Generator(5);
    const [m, n, k] = [5, 4100, 3];
    const a = view(gen, m, k, false);
    const b = view(gen, k, n, false);
    expectWithin(wk.gemm(m, n, k, a, b), reference(m, n, k, 1, a, b, 0, null), "n=4100");
  });

  it("rejects views that run past their array, naming the operand", async () => {
    const wk = await kernels();
    const a: MatrixView = { data: new Float32Array(11), rowStride: 4, colStride: 1 };
    const b: MatrixView = { data: new Float32Array(12), rowStride: 3, colStride: 1 };
    expect(() => wk.gemm(3, 3, 4, a, b)).toThrow(/gemm: a \(3×4.*reaches element 11 but its array has length 11/);
    expect(() => wk.gemm(3, 3, -1, a, b)).toThrow(/gemm: k must be a non-negative integer, got -1/);
  });
});

describe("wasm batched gemm", () => {
  const cases: [number, number, number, number, boolean, boolean][] = [
    [0, 3, 3, 3, false, false], [1, 5, 6, 7, true, false], [3, 9, 10, 11, false, true], [64, 64, 64, 32, false, false], [5, 33, 17, 40, true, true],
  ];
  for (const [batch, m, n, k, transA, transB] of cases) {
    it(`${batch}×(${m}×${k}${transA ? "ᵀ" : ""} · ${k}×${n}${transB ? "ᵀ" : ""})`, async () => {
      const wk = await kernels();
      const gen = new Generator(batch * 7 + m);
      const mats = (rows: number, cols: number, trans: boolean) => {
        const data = randomArray(gen, batch * rows * cols);
        const v = trans ? { rowStride: 1, colStride: rows } : { rowStride: cols, colStride: 1 };
        return { data, ...v, batchStride: rows * cols };
      };
      const a = mats(m, k, transA);
      const b = mats(k, n, transB);
      const c = wk.gemmBatched(batch, m, n, k, a, b);
      expect(c.length).toBe(batch * m * n);
      for (let i = 0; i < batch; i++) {
        const ref = reference(m, n, k, 1, { ...a, offset: i * m * k }, { ...b, offset: i * k * n }, 0, null);
        expectWithin(c.subarray(i * m * n, (i + 1) * m * n), ref, `batch ${i}`);
      }
    });
  }

  it("broadcasts one operand over the batch with batchStride 0, and applies beta per matrix", async () => {
    const wk = await kernels();
    const gen = new Generator(9);
    const [batch, m, n, k] = [4, 6, 5, 7];
    const a = { data: randomArray(gen, m * k), rowStride: k, colStride: 1, batchStride: 0 };
    const b = { data: randomArray(gen, batch * k * n), rowStride: n, colStride: 1, batchStride: k * n };
    const c0 = randomArray(gen, batch * m * n);
    const c = wk.gemmBatched(batch, m, n, k, a, b, { alpha: 2, beta: -1, out: c0.slice() });
    for (let i = 0; i < batch; i++) {
      const ref = reference(m, n, k, 2, a, { ...b, offset: i * k * n }, -1, c0.subarray(i * m * n));
      expectWithin(c.subarray(i * m * n, (i + 1) * m * n), ref, `batch ${i}`);
    }
  });
});

describe("wasm gemm threads", () => {
  it("gives bit-identical results on 1 and 2 threads (row split, column split, batch split)", async () => {
    const wk = await kernels();
    const gen = new Generator(11);
    const problems: [number, number, number, boolean, boolean][] = [
      [301, 67, 129, false, false], // split by rows
      [37, 403, 150, true, true], // split by columns
      [150, 150, 150, true, false],
    ];
    for (const [m, n, k, ta, tb] of problems) {
      const a = view(gen, m, k, ta);
      const b = view(gen, k, n, tb);
      const c0 = randomArray(gen, m * n);
      await wk.setNumThreads(1);
      const one = wk.gemm(m, n, k, a, b, { alpha: 0.7, beta: 0.3, out: c0.slice() });
      await wk.setNumThreads(2);
      const two = wk.gemm(m, n, k, a, b, { alpha: 0.7, beta: 0.3, out: c0.slice() });
      expect(two).toEqual(one);
      expectWithin(two, reference(m, n, k, 0.7, a, b, 0.3, c0), `threads ${m}×${n}×${k}`);
    }
    const batch = { data: randomArray(gen, 64 * 64 * 32), rowStride: 32, colStride: 1, batchStride: 64 * 32 };
    const batchB = { data: randomArray(gen, 64 * 32 * 64), rowStride: 64, colStride: 1, batchStride: 32 * 64 };
    // beta != 0 makes C an input, so a part that no thread computed would show up as stale values.
    const c0 = randomArray(gen, 64 * 64 * 64);
    await wk.setNumThreads(1);
    const one = wk.gemmBatched(64, 64, 64, 32, batch, batchB, { beta: 0.5, out: c0.slice() });
    await wk.setNumThreads(2);
    const two = wk.gemmBatched(64, 64, 64, 32, batch, batchB, { beta: 0.5, out: c0.slice() });
    expect(two).toEqual(one);
    const last = 63 * 64 * 64;
    const ref = reference(64, 64, 32, 1, { ...batch, offset: 63 * 64 * 32 }, { ...batchB, offset: 63 * 32 * 64 }, 0.5, c0.subarray(last));
    expectWithin(two.subarray(last), ref, "last matrix on 2 threads");
  });
});
