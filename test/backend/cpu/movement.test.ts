// CPU movement kernels on strided inputs: unslice writes a strided gradient into its region (zeros
// elsewhere), reshape and contiguous copy a transposed view in row-major order.
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import type { Tensor } from "../../../src/index.js";

describe("CPU movement kernels on strided views", () => {
  it("unslice places a transposed gradient at the stepped region and zeros elsewhere", () => {
    const g = ds.arange(12).reshape(3, 4).transpose(0, 1); // (4, 3), strides [1, 4]
    const out = cpuBackend.unslice([g], { shape: [6, 7], starts: [1, 2], ends: [5, 7], steps: [1, 2] }) as Tensor;
    const got = out.dataSync();
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 7; c++) {
        const inRegion = r >= 1 && r < 5 && c >= 2 && (c - 2) % 2 === 0;
        // g[i][j] = original[j][i] = 4·j + i with i = r − 1, j = (c − 2) / 2
        expect(got[r * 7 + c], `(${r}, ${c})`).toBe(inRegion ? 4 * ((c - 2) / 2) + (r - 1) : 0);
      }
    }
  });

  it("reshape and contiguous of a head transpose (N, H, L, d) give the row-major values", () => {
    const x = ds.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5); // (N, L, H, d)
    const heads = x.transpose(1, 2); // (N, H, L, d)
    const want = Array.from({ length: 120 }, (_, t) => {
      const d = t % 5, l = Math.floor(t / 5) % 3, h = Math.floor(t / 15) % 4, n = Math.floor(t / 60);
      return ((n * 3 + l) * 4 + h) * 5 + d;
    });
    expect(Array.from(heads.reshape(8, 3, 5).dataSync())).toEqual(want);
    expect(Array.from(heads.contiguous().dataSync())).toEqual(want);
  });
});
