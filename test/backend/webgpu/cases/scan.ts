// WebGPU cumsum vs the CPU reference kernel along every dim, forward and reversed, on strided inputs,
// int32 (exact) and empty tensors.
import * as ds from "../../../../src/index.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { cumsum } from "../../../../src/backend/webgpu/scan.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

/** A float32 running sum of ≤ 300 standard normals against the CPU's float64 one: n·ε·Σ|x| at worst. */
const tol = { atol: 2e-5, rtol: 1e-5 };

export const scanCases: WebGPUCaseGroup = {
  title: "WebGPU cumsum",
  cases: [
    {
      name: "cumsum along each dim of a strided input, forward and reversed",
      async run(g, t) {
        ds.manualSeed(71);
        const x = ds.randn([7, 300, 3]).permute(1, 2, 0); // (300, 3, 7)
        for (const dim of [0, 1, 2]) {
          for (const reverse of [false, true]) {
            await t.close(cumsum(g, [toGPU(g, x)], { dim, reverse }), cpuBackend.cumsum([x], { dim, reverse }) as ds.Tensor, tol, `dim ${dim}${reverse ? ", reversed" : ""}`);
          }
        }
      },
    },
    {
      name: "int32 sums are exact; empty tensors dispatch nothing",
      async run(g, t) {
        const xi = ds.randint(-100, 100, [5, 33], { dtype: "int32" });
        await t.close(cumsum(g, [toGPU(g, xi)], { dim: 1, reverse: true }), cpuBackend.cumsum([xi], { dim: 1, reverse: true }) as ds.Tensor, undefined, "int32, reversed");
        const before = g.stats.dispatches;
        t.equal(cumsum(g, [toGPU(g, ds.zeros([0, 4]))], { dim: 1, reverse: false }).shape, [0, 4], "an empty tensor's shape");
        t.equal(g.stats.dispatches, before, "dispatches for an empty tensor");
      },
    },
  ],
};
