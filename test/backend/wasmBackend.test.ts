// Every kernel the WASM backend overrides agrees with the CPU reference kernel on awkward shapes
// (0, 1, odd, non-multiples of 4/8/16, large) and on transposed / strided views.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { wasmOverrides } from "../../src/backend/wasmBackend.js";
import { initWasmKernels } from "../../src/backend/wasm/index.js";
import type { Tensor } from "../../src/index.js";
import type { Prim } from "../../src/autograd/prims.js";
import { maxPoolWindows, poolOutputSize } from "../../src/ops/pooling.js";

const wasm = wasmOverrides(await initWasmKernels());
const gen = new ds.Generator(99);
const randn = (shape: number[]) => ds.randn(shape, { generator: gen });

/** Float32 results may differ from the float64-accumulating reference by accumulated rounding: for a
 * length-K dot product |error| ≤ γ_K Σ|aᵢbᵢ| with γ_K ≈ K·2⁻²⁴ (Higham, eq. 3.5); we bound by K·2⁻²³·scale. */
function expectClose(got: Tensor, want: Tensor, k: number, scale: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const g = got.dataSync(), w = want.dataSync();
  const tol = Math.max(1, k) * 2 ** -23 * scale + 1e-30;
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Bit-for-bit equal values (NaN equal to NaN), counted in a loop: toEqual on large arrays is slow. */
function expectSame(got: Tensor, want: Tensor): void {
  const g = got.dataSync(), w = want.dataSync();
  expect(g.length).toBe(w.length);
  let differ = 0;
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) differ++;
  expect(differ).toBe(0);
}

function run(prim: Prim, inputs: Tensor[], params: object): [Tensor, Tensor] {
  const kernel = wasm[prim as "matmul"];
  if (!kernel) throw new Error(`no wasm override for ${prim}`);
  return [kernel(inputs, params as never) as Tensor, cpuBackend[prim as "matmul"](inputs, params as never) as Tensor];
}

describe("WASM backend agrees with the CPU reference", () => {
  const sizes: [number, number, number, number][] = [
    [1, 0, 5, 7], [1, 1, 1, 1], [1, 3, 5, 7], [2, 17, 33, 9], [3, 64, 64, 64], [1, 300, 129, 257], [5, 1, 16, 15],
  ];
  for (const [B, M, K, N] of sizes) {
    it(`matmul (${B}, ${M}, ${K}) · (${B}, ${K}, ${N}), plain and transposed operands`, () => {
      const a = randn([B, M, K]), b = randn([B, K, N]);
      const at = randn([B, K, M]).transpose(1, 2), bt = randn([B, N, K]).transpose(1, 2);
      for (const [x, y] of [[a, b], [at, b], [a, bt], [at, bt]] as const) {
        const [got, want] = run("matmul", [x, y], {});
        expectClose(got, want, K, 4 * Math.sqrt(K));
      }
    });
  }

  for (const [M, K, N] of [[1, 1, 1], [3, 5, 7], [64, 784, 128], [17, 300, 9], [2, 0, 3]] as const) {
    it(`linear (${M}, ${K}) · (${N}, ${K})ᵀ + (${N}), plain and transposed x`, () => {
      const x = randn([M, K]), xt = randn([K, M]).t(), w = randn([N, K]), b = randn([N]);
      for (const xx of [x, xt]) {
        const [got, want] = run("linear", [xx, w, b], {});
        expectClose(got, want, K + 1, 4 * Math.sqrt(K + 1));
      }
    });
  }

  // H = 130: 4H > 512, so the backward GEMM is too deep for one packed W_hh block and takes the general path
  for (const [T, B, H] of [[1, 1, 1], [3, 2, 5], [4, 3, 8], [2, 33, 13], [2, 3, 130]] as const) {
    for (const reverse of [false, true]) {
      it(`lstmRecurrence and its backward, T ${T} B ${B} H ${H}${reverse ? " reverse" : ""} (H ${H % 4 ? "with" : "without"} a scalar tail)`, () => {
        const xg = randn([T, B, 4 * H]), w = randn([4 * H, H]).mul(0.3), h0 = randn([B, H]), c0 = randn([B, H]);
        const got = wasm.lstmRecurrence!([xg, w, h0, c0], { reverse }) as Tensor[];
        const want = cpuBackend.lstmRecurrence([xg, w, h0, c0], { reverse }) as Tensor[];
        // each value is a chain of T steps of H-long dot products through σ/tanh (Lipschitz ≤ 1)
        for (let i = 0; i < 3; i++) expectClose(got[i]!, want[i]!, T * (H + 4), 8 * Math.sqrt(H));
        const dhs = randn([T, B, H]), dcs = randn([T, B, H]);
        const inputs = [dhs, dcs, w, c0, want[1]!, want[2]!, h0, want[0]!];
        const gotB = wasm.lstmRecurrenceBackward!(inputs, { reverse, weightGrad: true }) as Tensor[];
        const wantB = cpuBackend.lstmRecurrenceBackward(inputs, { reverse, weightGrad: true }) as Tensor[];
        expect(gotB).toHaveLength(4);
        for (let i = 0; i < 3; i++) expectClose(gotB[i]!, wantB[i]!, T * (4 * H + 4), 8 * T * Math.sqrt(H));
        // dW_hh = Σ_t dgates_tᵀ h_{t−1}: T·B more products per entry
        expectClose(gotB[3]!, wantB[3]!, T * B * (4 * H + 4), 8 * T * Math.sqrt(H));
        expect(wasm.lstmRecurrenceBackward!(inputs, { reverse, weightGrad: false })).toHaveLength(3);
      });
    }
  }

  // H = 200: 3H > 512, so the backward GEMM is too deep for one packed W_hh block and takes the general path
  for (const [T, B, H] of [[1, 1, 1], [3, 2, 5], [4, 3, 8], [2, 33, 13], [2, 3, 200]] as const) {
    for (const reverse of [false, true]) {
      it(`gruRecurrence and its backward, T ${T} B ${B} H ${H}${reverse ? " reverse" : ""} (H ${H % 4 ? "with" : "without"} a scalar tail)`, () => {
        const xg = randn([T, B, 3 * H]), w = randn([3 * H, H]).mul(0.3), b = randn([3 * H]), h0 = randn([B, H]);
        const got = wasm.gruRecurrence!([xg, w, b, h0], { reverse }) as Tensor[];
        const want = cpuBackend.gruRecurrence([xg, w, b, h0], { reverse }) as Tensor[];
        // each value is a chain of T steps of H-long dot products through σ/tanh (Lipschitz ≤ 1)
        for (let i = 0; i < 2; i++) expectClose(got[i]!, want[i]!, T * (H + 4), 8 * Math.sqrt(H));
        const dhs = randn([T, B, H]);
        const inputs = [dhs, w, h0, want[0]!, want[1]!];
        const gotB = wasm.gruRecurrenceBackward!(inputs, { reverse }) as Tensor[];
        const wantB = cpuBackend.gruRecurrenceBackward(inputs, { reverse }) as Tensor[];
        for (let i = 0; i < 3; i++) expectClose(gotB[i]!, wantB[i]!, T * (3 * H + 4), 8 * T * Math.sqrt(H));
      });
    }
  }

  it("matmul of strided (sliced) operands", () => {
    const big = randn([2, 40, 50]);
    const x = big.slice(1, 3, 37, 2).slice(2, 1, 41); // (2, 17, 40), row stride 100
    const y = randn([2, 60, 13]).slice(1, 10, 50); // (2, 40, 13)
    const [got, want] = run("matmul", [x, y], {});
    expectClose(got, want, 40, 4 * Math.sqrt(40));
  });

  for (const prim of ["exp", "log", "tanh", "sigmoid", "erf"] as const) {
    for (const n of [0, 1, 7, 2047, 2048, 4099, 100_003]) {
      it(`${prim} on ${n} elements (dense and transposed)`, () => {
        const x = prim === "log" ? randn([n]).abs().add(0.1) : randn([n]).mul(3);
        const [got, want] = run(prim, [x], {});
        // Cephes float32 polynomials: a few ulps relative.
        const w = want.dataSync(), g = got.dataSync();
        for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(4 * 2 ** -23 * Math.max(Math.abs(w[i]!), 1e-30) + 1e-37);
      });
    }
  }

  for (const prim of ["relu", "neg", "abs", "sqrt"] as const) {
    for (const n of [0, 1, 7, 2047, 2048, 4099, 100_003]) {
      it(`${prim} on ${n} elements, with ±0, ±∞ and NaN: exact`, () => {
        const x = randn([n]).mul(3);
        const d = x.storage.data as Float32Array;
        [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40].forEach((v, i) => { if (i < n) d[i * 97 % n] = v; });
        const [got, want] = run(prim, [x], {});
        const g = got.dataSync(), w = want.dataSync();
        for (let i = 0; i < w.length; i++) expect(Object.is(g[i], w[i]) || (Number.isNaN(g[i]) && Number.isNaN(w[i]))).toBe(true);
      });
    }
  }

  for (const n of [0, 7, 511, 512, 4099, 100_003]) {
    it(`reluBackward on ${n} elements (with NaN, ±0, ±∞ in y and g): exact`, () => {
      const g = randn([n]), y = randn([n]).relu();
      const gd = g.storage.data as Float32Array, yd = y.storage.data as Float32Array;
      [NaN, 0, -0, Infinity, -Infinity].forEach((v, i) => { if (i < n) { yd[(i * 31) % n] = v; gd[(i * 17) % n] = v; } });
      const [got, want] = run("reluBackward", [g, y], {});
      const a = got.dataSync(), b = want.dataSync();
      for (let i = 0; i < n; i++) expect(Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]))).toBe(true);
    });
  }

  for (const n of [0, 7, 63, 64, 4099, 100_003]) {
    it(`gelu and geluBackward on ${n} elements (dense and transposed): within 4 float32 ulps of the terms`, () => {
      const x = randn([n]).mul(3), g = randn([n]);
      const [y, yRef] = run("gelu", [x], {});
      const [d, dRef] = run("geluBackward", [g, x], {});
      const xs = x.dataSync(), gs = g.dataSync(), a = y.dataSync(), b = yRef.dataSync(), c = d.dataSync(), e = dRef.dataSync();
      for (let i = 0; i < n; i++) {
        // ½x + ½x·erf(x/√2) cancels for x < 0: the error is relative to |y| + |x|/2 (PyTorch's float32 kernel alike)
        expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(4 * 2 ** -23 * (Math.abs(b[i]!) + 0.5 * Math.abs(xs[i]!)) + 1e-37);
        const pdf = Math.exp(-0.5 * xs[i]! * xs[i]!) / Math.sqrt(2 * Math.PI);
        expect(Math.abs(c[i]! - e[i]!)).toBeLessThanOrEqual(4 * 2 ** -23 * Math.abs(gs[i]!) * (1 + Math.abs(xs[i]!) * pdf) + 1e-37);
      }
      if (n >= 64) {
        const xt = randn([n >> 3, 8]).t(); // a strided view: the reference path
        const [yt, ytRef] = run("gelu", [xt], {});
        expect(Array.from(yt.dataSync())).toEqual(Array.from(ytRef.dataSync()));
      }
    });
  }

  for (const prim of ["add", "sub", "mul", "div"] as const) {
    for (const [rows, cols] of [[1, 2048], [63, 65], [1000, 17], [3, 5]] as const) {
      it(`${prim} with a broadcast row: [${rows}, ${cols}] ${prim} [${cols}]`, () => {
        const a = randn([rows, cols]), row = randn([cols]).add(prim === "div" ? 3 : 0);
        const [got, want] = run(prim, [a, row], {});
        expect(got.dataSync()).toEqual(want.dataSync()); // one correctly rounded float32 operation: exact
      });
    }
  }

  // Per-channel operands against NCHW activations (batch norm's scale and shift), in both orders, and
  // equal shapes: one correctly rounded float32 operation per element, so exactly the reference's result.
  for (const prim of ["add", "sub", "mul", "div"] as const) {
    for (const [full, small] of [
      [[8, 16, 14, 14], [1, 16, 1, 1]], [[8, 16, 14, 14], [16, 1, 1]], [[3, 5, 7, 11], [1, 5, 7, 1]], [[2, 4, 33, 9], [2, 4, 1, 1]],
      [[5, 3, 200], [5, 3, 200]], [[7, 1, 300], [1, 1, 300]],
    ] as [number[], number[]][]) {
      it(`${prim} with a broadcast block: [${full}] ${prim} [${small}] and [${small}] ${prim} [${full}]`, () => {
        const a = randn(full), b = randn(small).add(prim === "div" ? 3 : 0);
        // b.expand(full): a stride-0 view, as the gradient of a mean is
        for (const [x, y] of [[a, b], [b.add(prim === "div" ? 3 : 0), a.abs().add(prim === "div" ? 1 : 0)], [b.expand(full), a]] as const) {
          const [got, want] = run(prim, [x, y], {});
          expect(got.shape).toEqual(want.shape);
          expect(got.dataSync()).toEqual(want.dataSync());
        }
      });
    }
  }

  for (const prim of ["sum", "max", "min"] as const) {
    for (const [shape, dims] of [
      [[4096], [0]], [[64, 65], [1]], [[64, 65], [0]], [[3, 700, 5], [1]], [[3, 700, 5], [1, 2]], [[2, 3, 4, 100], [0, 1]],
      [[8, 16, 14, 14], [0, 2, 3]], [[30, 40, 50], [0, 2]], [[3, 4, 5, 6, 7], [0, 2, 4]],
    ] as [number[], number[]][]) {
      for (const keepdim of [false, true]) {
        it(`${prim} over dims [${dims}] of [${shape}] keepdim=${keepdim}`, () => {
          const x = randn(shape);
          const [got, want] = run(prim, [x], { dims, keepdim });
          const k = dims.reduce((p, d) => p * shape[d]!, 1);
          expectClose(got, want, prim === "sum" ? k : 0, prim === "sum" ? 4 * Math.sqrt(k) : 1);
        });
      }
    }
  }

  // Max pooling: the same scan order as the reference, so values, indices and gradients agree exactly
  // (NaN included); 1-, 2- and 3-D, with padding, dilation and ceil mode, below and above the threaded size.
  for (const [shape, kernel, stride, pad, dilation, ceil] of [
    [[16, 32, 28, 28], [2, 2], [2, 2], [0, 0], [1, 1], false],
    [[2, 3, 9, 11], [3, 2], [2, 1], [1, 0], [1, 2], true],
    [[1, 5, 40, 13], [3, 3], [2, 3], [1, 1], [2, 1], true],
    [[3, 4, 300], [4], [3], [2], [1], false],
    [[2, 2, 6, 7, 8], [2, 3, 2], [2, 2, 1], [1, 1, 0], [1, 1, 2], true],
    [[1, 1, 1, 1], [1, 1], [1, 1], [0, 0], [1, 1], false],
    // windows at regular positions without padding (the table-free kernel): overlapping, uneven, 1-D
    [[3, 5, 17, 19], [3, 3], [1, 2], [0, 0], [1, 1], false],
    [[2, 3, 15, 16], [3, 2], [2, 3], [0, 0], [1, 1], false],
    [[4, 3, 301], [3], [2], [0], [1], false],
  ] as [number[], number[], number[], number[], number[], boolean][]) {
    it(`maxPool over [${shape}] kernel ${kernel} stride ${stride} padding ${pad} dilation ${dilation}${ceil ? " ceil" : ""} and its backward: exact`, () => {
      const x = randn(shape);
      const xd = x.storage.data as Float32Array;
      for (let i = 0; i < xd.length; i += 997) xd[i] = NaN;
      for (let i = 5; i < xd.length; i += 89) xd[i] = xd[i - 1]!; // ties: the first maximum wins
      const nd = kernel.length, spatial = shape.slice(shape.length - nd);
      const windows = spatial.map((s, i) => maxPoolWindows(s, kernel[i]!, stride[i]!, pad[i]!, dilation[i]!, poolOutputSize(s, kernel[i]!, pad[i]!, stride[i]!, dilation[i]!, ceil)));
      const got = wasm.maxPool!([x], { windows }) as Tensor[], want = cpuBackend.maxPool([x], { windows }) as Tensor[];
      expect(got[0]!.shape).toEqual(want[0]!.shape);
      expectSame(got[0]!, want[0]!);
      expect(got[1]!.dtype).toBe("int32");
      expectSame(got[1]!, want[1]!);
      const g = randn([...want[0]!.shape]);
      const [gotDx, wantDx] = run("maxPoolBackward", [g, want[1]!], { inShape: spatial });
      expect(gotDx.shape).toEqual(wantDx.shape);
      expectSame(gotDx, wantDx);
    });
  }

  for (const [rows, n] of [[1, 2048], [65, 33], [3, 1001], [2048, 1]] as const) {
    it(`logSoftmax over the last dim of [${rows}, ${n}]`, () => {
      const x = randn([rows, n]).mul(20);
      const [got, want] = run("logSoftmax", [x], { dim: 1 });
      // Cephes exp/log in float32: a few ulps of the larger of |result| and log n.
      const w = want.dataSync(), g = got.dataSync();
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(8 * 2 ** -23 * (Math.abs(w[i]!) + Math.log(n) + 1));
    });
  }

  it("falls back to the reference for what it does not handle (float64, strided)", () => {
    const x = ds.randn([64, 70], { dtype: "float64", generator: gen });
    const [got, want] = run("exp", [x], {});
    expect(got.dataSync()).toEqual(want.dataSync());
    const y = randn([30, 40, 50]).transpose(0, 2);
    const [s1, s2] = run("sum", [y], { dims: [0, 2], keepdim: false });
    expect(s1.dataSync()).toEqual(s2.dataSync());
  });
});
