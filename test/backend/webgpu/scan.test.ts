// WebGPU cumsum agrees with the CPU reference kernel along every dim, forward and reversed, on strided
// inputs, int32 (exact) and empty tensors.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import { cumsum } from "../../../src/backend/webgpu/scan.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

/** A float32 running sum of ≤ 300 standard normals against the CPU's float64 one: n·ε·Σ|x| at worst. */
const tol = { atol: 2e-5, rtol: 1e-5 };

describe.skipIf(gpu === null)(`WebGPU cumsum (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("cumsum along each dim of a strided input, forward and reversed", async () => {
    ds.manualSeed(71);
    const x = ds.randn([7, 300, 3]).permute(1, 2, 0); // (300, 3, 7)
    for (const dim of [0, 1, 2]) {
      for (const reverse of [false, true]) {
        await expectClose(g, cumsum(g, [toGPU(g, x)], { dim, reverse }), cpuBackend.cumsum([x], { dim, reverse }) as ds.Tensor, tol);
      }
    }
  });

  it("int32 sums are exact; empty tensors dispatch nothing", async () => {
    const xi = ds.randint(-100, 100, [5, 33], { dtype: "int32" });
    await expectClose(g, cumsum(g, [toGPU(g, xi)], { dim: 1, reverse: true }), cpuBackend.cumsum([xi], { dim: 1, reverse: true }) as ds.Tensor);
    const before = g.stats.dispatches;
    expect(cumsum(g, [toGPU(g, ds.zeros([0, 4]))], { dim: 1, reverse: false }).shape).toEqual([0, 4]);
    expect(g.stats.dispatches).toBe(before);
  });
});
