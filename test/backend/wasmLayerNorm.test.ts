// The WASM backend's fused layer normalization agrees with the CPU reference (float64 row statistics)
// in float32: output, mean, 1/σ and the gradients in x, w and b, on row lengths with and without a
// scalar tail, many rows (the blocked weight-gradient sums), a large common offset and a strided x.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { wasmOverrides } from "../../src/backend/wasmBackend.js";
import { initWasmKernels } from "../../src/backend/wasm/index.js";
import type { Tensor } from "../../src/index.js";

const wasm = wasmOverrides(await initWasmKernels());
const gen = new ds.Generator(17);
const randn = (shape: number[]) => ds.randn(shape, { generator: gen });

/** Sums of K float32 terms: |error| ≤ K·2⁻²⁴·Σ|terms| (Higham, eq. 3.5); bounded by 4·K·2⁻²³·max(1, max|reference|). */
function expectClose(got: Tensor, want: Tensor, K: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe("float32");
  const g = got.dataSync(), w = want.dataSync();
  let big = 1, worst = 0;
  for (const x of w) big = Math.max(big, Math.abs(x));
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst).toBeLessThanOrEqual(4 * K * 2 ** -23 * big);
}

describe("WASM layerNorm agrees with the CPU reference", () => {
  const cases: [string, number, number, number][] = [
    ["W5's rows", 1024, 128, 0],
    ["a row length with a scalar tail", 37, 7, 0],
    ["rows offset by 100", 300, 64, 100],
    ["one long row", 1, 1000, 0],
  ];
  for (const [name, rows, D, offset] of cases) {
    it(`${name}: ${rows} × ${D} — y, mean, rstd, dx, dw, db`, () => {
      const x = randn([rows, D]).add(offset), w = randn([D]), b = randn([D]), g = randn([rows, D]);
      const params = { size: D, eps: 1e-5 };
      const got = wasm.layerNorm!([x, w, b], params) as Tensor[];
      const want = cpuBackend.layerNorm([x, w, b], params) as Tensor[];
      for (let i = 0; i < 3; i++) expectClose(got[i]!, want[i]!, D + offset);
      const back = [g, x, want[1]!, want[2]!, w];
      const gotB = wasm.layerNormBackward!(back, { size: D }) as Tensor[];
      const wantB = cpuBackend.layerNormBackward(back, { size: D }) as Tensor[];
      expectClose(gotB[0]!, wantB[0]!, D);
      expectClose(gotB[1]!, wantB[1]!, rows);
      expectClose(gotB[2]!, wantB[2]!, rows);
    });
  }

  it("reads a transposed (strided) x", () => {
    const x = randn([64, 40]).t(), w = randn([64]), b = randn([64]);
    const got = wasm.layerNorm!([x, w, b], { size: 64, eps: 1e-5 }) as Tensor[];
    const want = cpuBackend.layerNorm([x, w, b], { size: 64, eps: 1e-5 }) as Tensor[];
    for (let i = 0; i < 3; i++) expectClose(got[i]!, want[i]!, 64);
  });
});
