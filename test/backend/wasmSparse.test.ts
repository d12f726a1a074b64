// The WASM sparse kernels (spmm, sddmm, scatterMax, segmentSoftmax, row gather and scatter-add) agree with the CPU reference kernels on
// random graphs with empty rows, duplicate edges, ties and NaNs; and graph.spmm / scatter / softmax give the same
// values and gradients on both backends.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { wasmOverrides } from "../../src/backend/wasmBackend.js";
import { initWasmKernels } from "../../src/backend/wasm/index.js";
import type { Tensor } from "../../src/index.js";
import { expectWasmActive, wasmExpected } from "./expectedBackend.js";

const kernels = await initWasmKernels();
const wasm = wasmOverrides(kernels);
const gen = new ds.Generator(2024);
const int32 = (values: number[]): Tensor => ds.tensor(values, { dtype: "int32" });

/** E random edges among N nodes, the rows drawn from the first `used` nodes only (the others stay empty). */
function randomEdges(N: number, E: number, used: number): { row: Tensor; col: Tensor } {
  const r = ds.randint(0, used, [E], { generator: gen }), c = ds.randint(0, N, [E], { generator: gen });
  // duplicate the first tenth of the edges at the end
  const dup = Math.floor(E / 10);
  return { row: ds.cat([r, r.slice(0, 0, dup)]).int(), col: ds.cat([c, c.slice(0, 0, dup)]).int() };
}

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

afterAll(() => ds.setBackend("wasm"));

describe("WASM sparse kernels agree with the CPU reference", () => {
  it.skipIf(!wasmExpected)("the WASM backend is active and overrides every sparse primitive", () => {
    expectWasmActive();
    for (const prim of ["spmm", "sddmm", "scatterMax", "segmentSoftmax", "indexSelect", "indexAdd"] as const) expect(wasm[prim], prim).toBeTypeOf("function");
  });

  // F not a multiple of 4 exercises the scalar tails; H > 1 the per-head blocks
  for (const [N, E, F, H] of [[50, 400, 16, 1], [37, 900, 7, 1], [200, 1500, 64, 8], [64, 1200, 6, 2], [30, 2048, 1, 1], [300, 200, 13, 1]] as const) {
    it(`spmm: ${E} edges (+ duplicates) among ${N} nodes, ${F} columns, ${H} head(s), empty rows`, () => {
      const { row, col } = randomEdges(N, E, Math.ceil(N / 2));
      const Ed = row.size;
      const values = ds.randn(H === 1 ? [Ed] : [Ed, H], { generator: gen }), x = ds.randn([N, F], { generator: gen });
      const inputs = [row, col, values, x];
      const got = wasm.spmm!(inputs, { rows: N }) as Tensor, want = cpuBackend.spmm(inputs, { rows: N }) as Tensor;
      expect(got.shape).toEqual([N, F]);
      // the same updates in the same order; the reference rounds w·x + o once, the kernel twice: per element
      // at most (updates)·2⁻²³·Σ|w·x| apart (Higham, eq. 3.5)
      const r = row.dataSync(), c = col.dataSync(), v = values.dataSync(), xv = x.dataSync(), C = F / H;
      const absSum = new Float64Array(N * F), count = new Float64Array(N * F);
      for (let e = 0; e < Ed; e++) {
        for (let k = 0; k < F; k++) {
          absSum[r[e]! * F + k] += Math.abs(v[e * H + Math.floor(k / C)]! * xv[c[e]! * F + k]!);
          count[r[e]! * F + k]++;
        }
      }
      const g = got.dataSync(), w = want.dataSync();
      for (let i = 0; i < N * F; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(count[i]! * 2 ** -23 * absSum[i]!);
      // rows no edge points at are exactly 0
      for (let n = Math.ceil(N / 2); n < N; n++) expect(Array.from(g.slice(n * F, (n + 1) * F))).toEqual(new Array<number>(F).fill(0));
    });

    it(`sddmm: ${E} edges (+ duplicates) among ${N} nodes, ${F} columns, ${H} head(s)`, () => {
      const { row, col } = randomEdges(N, E, N);
      const a = ds.randn([N, F], { generator: gen }), b = ds.randn([N, F], { generator: gen });
      const inputs = [row, col, a, b];
      const got = wasm.sddmm!(inputs, { heads: H }) as Tensor, want = cpuBackend.sddmm(inputs, { heads: H }) as Tensor;
      expect(got.shape).toEqual([row.size, H]);
      expect(want.shape).toEqual([row.size, H]);
      // a float32 dot product of C terms against the float64-summed reference: C·2⁻²³·Σ|a·b| (Higham, eq. 3.5)
      const r = row.dataSync(), c = col.dataSync(), av = a.dataSync(), bv = b.dataSync(), C = F / H;
      const g = got.dataSync(), w = want.dataSync();
      for (let e = 0; e < row.size; e++) {
        for (let h = 0; h < H; h++) {
          let absSum = 0;
          for (let k = h * C; k < (h + 1) * C; k++) absSum += Math.abs(av[r[e]! * F + k]! * bv[c[e]! * F + k]!);
          expect(Math.abs(g[e * H + h]! - w[e * H + h]!)).toBeLessThanOrEqual(C * 2 ** -23 * absSum);
        }
      }
    });
  }

  for (const [N, E, inner] of [[40, 600, 8], [25, 1100, 1], [90, 500, 7], [10, 300, 64]] as const) {
    it(`scatterMax: ${E} entries into ${N} groups × ${inner}, ties, ±0, NaNs and empty groups, bit for bit`, () => {
      const { row: index } = randomEdges(N, E, N - 3);
      // few distinct values: many ties, and −0 beside 0 (the first one seen stays)
      const levels = [0, -0, 1, 2, -1, NaN];
      const src = ds.tensor(Array.from({ length: index.size * inner }, (_, i) => levels[(i * 7919 + Math.floor(i / 5)) % (i % 97 === 0 ? 6 : 5)]!), { dtype: "float32" })
        .reshape([index.size, ...(inner === 1 ? [] : [inner])]);
      const got = wasm.scatterMax!([src, index], { dimSize: N }) as Tensor, want = cpuBackend.scatterMax([src, index], { dimSize: N }) as Tensor;
      expect(got.shape).toEqual(want.shape);
      expect(bits(got)).toEqual(bits(want));
      expect(Array.from(got.dataSync().slice((N - 3) * inner))).toEqual(new Array<number>(3 * inner).fill(0));
    });
  }

  for (const [N, E, inner] of [[40, 600, 8], [25, 1100, 1], [90, 500, 7], [10, 300, 64]] as const) {
    it(`segmentSoftmax: ${E} scores into ${N} groups × ${inner}, empty groups, ties`, () => {
      const { row: index } = randomEdges(N, E, N - 3);
      const src = ds.randn([index.size, ...(inner === 1 ? [] : [inner])], { generator: gen }).mul(3).round();
      const got = wasm.segmentSoftmax!([src, index], { numNodes: N }) as Tensor, want = cpuBackend.segmentSoftmax([src, index], { numNodes: N }) as Tensor;
      expect(got.shape).toEqual(want.shape);
      // p = e^{x − m} ≤ 1 within a few float32 ulps (Cephes exp), a float32 group sum of ≤ ~60 terms: relative error
      // ≤ (4 + 60)·2⁻²³ of each quotient
      const g = got.dataSync(), w = want.dataSync();
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(64 * 2 ** -23 * w[i]! + 1e-30);
    });
  }

  for (const [n, m, R] of [[40, 700, 8], [500, 3000, 1], [17, 100, 13], [9, 40, 64]] as const) {
    it(`indexSelect and indexAdd along dim 0: ${m} indices into ${n} rows of ${R}, repeated indices, bit for bit`, () => {
      const index = ds.randint(0, n, [m], { generator: gen }).int();
      const x = ds.randn(R === 1 ? [n] : [n, R], { generator: gen }), src = ds.randn(R === 1 ? [m] : [m, R], { generator: gen });
      const gotS = wasm.indexSelect!([x, index], { dim: 0 }) as Tensor, wantS = cpuBackend.indexSelect([x, index], { dim: 0 }) as Tensor;
      expect(gotS.shape).toEqual(wantS.shape);
      expect(bits(gotS)).toEqual(bits(wantS));
      const gotA = wasm.indexAdd!([x, index, src], { dim: 0 }) as Tensor, wantA = cpuBackend.indexAdd([x, index, src], { dim: 0 }) as Tensor;
      expect(gotA.shape).toEqual(wantA.shape);
      // each sum of two float32 values rounds once to float32 in both
      expect(bits(gotA)).toEqual(bits(wantA));
    });
  }

  it("indexSelect of a transposed (strided) float32 matrix", () => {
    const x = ds.randn([32, 50], { generator: gen }).t(), index = ds.randint(0, 50, [80], { generator: gen }).int();
    expect(bits(wasm.indexSelect!([x, index], { dim: 0 }) as Tensor)).toEqual(bits(cpuBackend.indexSelect([x, index], { dim: 0 }) as Tensor));
  });

  it("kernels report an index out of range (null) instead of reading outside the operands", () => {
    const x = new Float32Array(4 * 8), index = Int32Array.from([0, 3, 4]), bad = Int32Array.from([0, -1]);
    expect(kernels.gatherRows(x, index, 4, 8)).toBeNull();
    expect(kernels.scatterAddRows(x, bad, new Float32Array(16), 4, 8)).toBeNull();
    expect(kernels.scatterMax(new Float32Array(16), bad, 8, 4)).toBeNull();
    expect(kernels.segmentSoftmax(new Float32Array(16), bad, 8, 4)).toBeNull();
    expect(kernels.spmm(Int32Array.from([0, 1]), Int32Array.from([0, 4]), new Float32Array(2), x, 2, 4, 8, 1)).toBeNull();
    expect(kernels.spmm(Int32Array.from([2, 1]), Int32Array.from([0, 3]), new Float32Array(2), x, 2, 4, 8, 1)).toBeNull();
    expect(kernels.sddmm(Int32Array.from([0, 1]), Int32Array.from([0, 4]), x, x, 4, 4, 8, 1)).toBeNull();
    expect(kernels.gatherRows(x, Int32Array.from([3, 0]), 4, 8)).not.toBeNull();
  });
});

describe("graph ops give the same values and gradients on the WASM and CPU backends", () => {
  const N = 120, F = 24, H = 8;
  const { row, col } = randomEdges(N, 1500, 100);
  const E = row.size;
  const x0 = ds.randn([N, F], { generator: gen }), v0 = ds.rand([E], { generator: gen }), s0 = ds.randn([E, H], { generator: gen });
  const m0 = ds.randn([E, F], { generator: gen }), weights = ds.randn([E, H], { generator: gen });
  const out0 = ds.randn([N, F], { generator: gen });
  const index = ds.stack([row, col]);

  /** Runs fn on fresh leaves on the given backend: its output and the gradients of Σ output·weight. */
  async function on(backend: "cpu" | "wasm", fn: (...leaves: Tensor[]) => Tensor, leaves: Tensor[], weight: Tensor): Promise<Float32Array[]> {
    await ds.setBackend(backend);
    const ls = leaves.map((l) => l.clone().requiresGrad_());
    const out = fn(...ls);
    out.mul(weight).sum().backward();
    return [out, ...ls.map((l) => l.grad!)].map((t) => new Float32Array(t.dataSync()));
  }

  function expectNear(got: Float32Array[], want: Float32Array[], tol: number): void {
    got.forEach((g, k) => {
      const w = want[k]!;
      expect(g.length).toBe(w.length);
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w[i]!)));
    });
  }

  const cases: [string, (...l: Tensor[]) => Tensor, Tensor[], Tensor][] = [
    ["spmm (values and x)", (v, x) => ds.graph.spmm(index, v!, x!, { rows: N }), [v0, x0], out0],
    ["spmm with 8 heads", (v, x) => ds.graph.spmm(index, v!, x!, { rows: N }), [s0, x0], out0],
    ["scatter sum", (m) => ds.graph.scatter(m!, row, { dimSize: N, reduce: "sum" }), [m0], out0],
    ["scatter mean", (m) => ds.graph.scatter(m!, row, { dimSize: N, reduce: "mean" }), [m0], out0],
    ["scatter max", (m) => ds.graph.scatter(m!, row, { dimSize: N, reduce: "max" }), [m0], out0],
    ["scatter min", (m) => ds.graph.scatter(m!, row, { dimSize: N, reduce: "min" }), [m0], out0],
    ["segment softmax", (s) => ds.graph.softmax(s!, row, { numNodes: N }), [s0], weights],
  ];
  for (const [name, fn, leaves, weight] of cases) {
    it(name, async () => {
      const want = await on("cpu", fn, leaves, weight);
      const got = await on("wasm", fn, leaves, weight);
      // float32 sums of at most ~40 terms of size ~1 in a different rounding order
      expectNear(got, want, 1e-5);
    });
  }
});
