// WASM reductions (last and non-last dimension) and softmax/logSoftmax against float64 references.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import { kernels, randomArray, U32 } from "./helpers.js";

/**
 * Reference reduction of the middle dimension of [outer, size, inner] in float64 with the rigorous
 * float32 error bound of any summation order: |ŝ − s| ≤ γ_{size−1}·Σ|x| (Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., eq. (4.4)); the mean adds up to two roundings
 * (the reciprocal and the product). max/min are exact.
 */
function reduceRef(op: string, x: Float32Array, outer: number, size: number, inner: number) {
  const value = new Float64Array(outer * inner);
  const bound = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = op === "max" ? -Infinity : op === "min" ? Infinity : 0;
      let abs = 0;
      for (let j = 0; j < size; j++) {
        const v = x[(o * size + j) * inner + i];
        s = op === "max" ? Math.max(s, v) : op === "min" ? Math.min(s, v) : s + v;
        abs += Math.abs(v);
      }
      const k = o * inner + i;
      const gamma = ((size + 2) * U32) / (1 - (size + 2) * U32);
      value[k] = op === "mean" ? s / size : s;
      bound[k] = op === "max" || op === "min" ? 0 : (op === "mean" ? gamma * abs / size : gamma * abs);
    }
  }
  return { value, bound };
}

function expectClose(got: Float32Array, ref: { value: Float64Array; bound: Float64Array }, label: string): void {
  expect(got.length, label).toBe(ref.value.length);
  for (let i = 0; i < got.length; i++) {
    const w = ref.value[i];
    const ok = Number.isNaN(w) ? Number.isNaN(got[i]) : Math.abs(got[i] - w) <= ref.bound[i] || got[i] === w;
    if (!ok) throw new Error(`${label}: element ${i} is ${got[i]}, expected ${w} ± ${ref.bound[i]}`);
  }
}

describe("wasm reduce", () => {
  const shapes: [number, number, number][] = [
    [0, 3, 1], [3, 0, 1], [1, 1, 1], [1, 5, 1], [4, 17, 1], [3, 64, 1], [2, 1000, 1], [7, 3, 5], [2, 9, 16], [3, 33, 13], [5, 4, 1027], [0, 2, 3],
  ];
  for (const op of ["sum", "mean", "max", "min"] as const) {
    it(`${op} over the last and over a middle dimension matches the float64 reference`, async () => {
      const wk = await kernels();
      const gen = new Generator(7);
      for (const [outer, size, inner] of shapes) {
        if (size === 0 && (op === "max" || op === "min")) continue;
        const x = randomArray(gen, outer * size * inner, -2, 5);
        expectClose(wk.reduce(op, x, outer, size, inner), reduceRef(op, x, outer, size, inner), `${op} [${outer},${size},${inner}]`);
      }
    });
  }

  it("splits large reductions across threads by their independent outer index: the same bits as on one thread", async () => {
    const wk = await kernels();
    const gen = new Generator(9);
    // 2,048 planes of 784 (a batch-norm or conv bias gradient's first pass) and 100 × 130 × 7 (with float64 block totals)
    const problems: [number, number, number][] = [[2048, 784, 1], [100, 130, 7]];
    for (const [outer, size, inner] of problems) {
      const x = randomArray(gen, outer * size * inner, -2, 5);
      for (const op of ["sum", "mean", "max"] as const) {
        await wk.setNumThreads(1);
        const one = wk.reduce(op, x, outer, size, inner);
        await wk.setNumThreads(2);
        const two = wk.reduce(op, x, outer, size, inner);
        expect(two, `${op} [${outer},${size},${inner}]`).toEqual(one);
        expectClose(two, reduceRef(op, x, outer, size, inner), `${op} [${outer},${size},${inner}]`);
      }
    }
  });

  it("long sums and means are blocked: each term passes through at most 17 float32 additions, whatever the length", async () => {
    // Rows: 16 lanes of 16 terms, then 2 levels joining the lanes; columns: 2 levels of four-row sums,
    // then 16 of those; block totals add in float64 (error ≤ n/256·2⁻⁵³·Σ|x|), rounded once at the end.
    // So |ŝ − s| ≤ γ₁₈·Σ|x| + 2⁻²⁴·|s| (one γ step covers the float64 part), a bound the old 16
    // running lanes broke by far on the 0.1 fills (issue 11: 0.6 % off over 1e7 terms).
    const wk = await kernels();
    const gen = new Generator(11);
    const gamma = (k: number) => (k * U32) / (1 - k * U32);
    const shapes: [number, number, number][] = [
      [1, 400_000, 1], [3, 50_003, 1], [2, 255, 1], [2, 257, 1], [1, 100_001, 3], [2, 5_000, 13], [1, 63, 5], [1, 65, 5], [1, 129, 4],
    ];
    for (const op of ["sum", "mean"] as const) {
      for (const [outer, size, inner] of shapes) {
        for (const fill of ["0.1", "uniform"]) {
          const x = fill === "0.1" ? new Float32Array(outer * size * inner).fill(0.1) : randomArray(gen, outer * size * inner, -2, 5);
          const ref = reduceRef("sum", x, outer, size, inner);
          const abs = reduceRef("sum", x.map(Math.abs), outer, size, inner).value;
          const div = op === "mean" ? size : 1;
          for (let k = 0; k < ref.value.length; k++) {
            ref.value[k] /= div;
            ref.bound[k] = (gamma(18) * abs[k]) / div + U32 * Math.abs(ref.value[k]);
          }
          expectClose(wk.reduce(op, x, outer, size, inner), ref, `${op} [${outer},${size},${inner}] of ${fill}`);
        }
      }
    }
  });

  it("sums of nothing are 0 and means NaN; max of nothing is an error; NaN propagates through max", async () => {
    const wk = await kernels();
    expect(Array.from(wk.reduce("sum", new Float32Array(0), 2, 0, 1))).toEqual([0, 0]);
    expect(Array.from(wk.reduce("mean", new Float32Array(0), 1, 0, 3))).toEqual([NaN, NaN, NaN]);
    expect(() => wk.reduce("max", new Float32Array(0), 2, 0, 1)).toThrow(/reduce max: cannot reduce an empty dimension/);
    const x = Float32Array.from([1, NaN, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(wk.reduce("max", x, 1, 9, 1))).toEqual([NaN]);
    expect(Array.from(wk.reduce("max", x, 1, 3, 3))).toEqual([7, NaN, 9]);
    expect(() => wk.reduce("sum", x, 2, 2, 2)).toThrow(/reduce sum: x has length 9, expected outer·size·inner = 2·2·2/);
  });
});

/**
 * Softmax reference in float64. Error of the float32 kernel, relative to each output s_j: the
 * exponential (≤ 3·2⁻²³, see elementwise.test.ts) of an argument x_j − m rounded with absolute error
 * ≤ |x_j − m|·2⁻²⁴, the n-term sum (≤ γ_n plus each term's own 3·2⁻²³) and the final product (2⁻²⁴,
 * plus 2⁻²⁴ for the reciprocal): rel ≤ 2⁻²⁴·(|x_j − m| + n + 14). For log-softmax, out_j = x_j − v with
 * v = m + ln Σ; the absolute error is ≤ 2⁻²⁴·(|x_j − m| + |out_j| + 2|v| + 6|ln Σ| + n + 14). `adds`, the
 * float32 additions any one term of the sum passes through, replaces n where the kernel's sum is blocked.
 */
function softmaxRef(x: Float32Array, rows: number, n: number, log: boolean, adds = n) {
  const value = new Float64Array(rows * n);
  const bound = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * n, (r + 1) * n);
    const m = row.reduce((a, b) => Math.max(a, b), -Infinity);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - m);
    for (let j = 0; j < n; j++) {
      const d = Math.abs(row[j] - m);
      const k = r * n + j;
      if (log) {
        value[k] = row[j] - m - Math.log(sum);
        const v = m + Math.log(sum);
        bound[k] = U32 * (d + Math.abs(value[k]) + 2 * Math.abs(v) + 6 * Math.abs(Math.log(sum)) + adds + 14);
      } else {
        value[k] = Math.exp(row[j] - m) / sum;
        // Below 2⁻¹²⁶ float32 is subnormal, exact only to 2⁻¹⁴⁹; allow a few of those absolutely.
        bound[k] = U32 * (d + adds + 14) * value[k] + 2 ** -146;
      }
    }
  }
  return { value, bound };
}

describe("wasm softmax", () => {
  const shapes: [number, number][] = [[0, 5], [1, 1], [1, 3], [2, 4], [3, 7], [5, 8], [4, 17], [2, 1000], [6, 33]];
  for (const log of [false, true]) {
    const name = log ? "logSoftmax" : "softmax";
    it(`${name} over the last dimension matches the float64 reference, including large logits`, async () => {
      const wk = await kernels();
      const gen = new Generator(log ? 2 : 1);
      for (const [rows, n] of shapes) {
        for (const scale of [1, 30, 1000]) {
          const x = randomArray(gen, rows * n, -scale, scale);
          const got = log ? wk.logSoftmax(x, rows, n) : wk.softmax(x, rows, n);
          expectClose(got, softmaxRef(x, rows, n, log), `${name} ${rows}×${n} scale ${scale}`);
        }
      }
    });
  }

  it("long rows: Σ e^{x − m} is blocked, so the error bound grows with 17 additions, not with n", async () => {
    // Each term passes 16 float32 additions in its lane and 1 joining the lanes; the float64 block
    // totals and the sum's final rounding take 1 more.
    const wk = await kernels();
    const gen = new Generator(12);
    for (const [rows, n, fill] of [[2, 200_003, "uniform"], [2, 200_003, "-0.5"], [1, 129, "uniform"]] as const) {
      // −0.5 fills (with a 0 leading each row): every term rounds alike, so a running sum drifts.
      const x = fill === "uniform" ? randomArray(gen, rows * n, -1, 1) : new Float32Array(rows * n).fill(-0.5);
      if (fill !== "uniform") for (let r = 0; r < rows; r++) x[r * n] = 0;
      for (const log of [false, true]) {
        const ref = softmaxRef(x, rows, n, log, 18);
        expectClose(log ? wk.logSoftmax(x, rows, n) : wk.softmax(x, rows, n), ref, `${log ? "logSoftmax" : "softmax"} ${rows}×${n} of ${fill}`);
      }
    }
  });

  it("softmax rows sum to 1 within n rounding errors, and exp(logSoftmax) equals softmax", async () => {
    const wk = await kernels();
    const gen = new Generator(3);
    const [rows, n] = [8, 301];
    const x = randomArray(gen, rows * n, -10, 10);
    const p = wk.softmax(x, rows, n);
    const lp = wk.logSoftmax(x, rows, n);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += p[r * n + j];
      expect(Math.abs(s - 1)).toBeLessThanOrEqual((2 * n + 14) * U32);
    }
    for (let i = 0; i < rows * n; i++) expect(Math.abs(Math.exp(lp[i]) - p[i])).toBeLessThanOrEqual(1e-5 * p[i] + 1e-30);
  });
});
