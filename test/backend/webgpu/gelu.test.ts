// WebGPU GELU and its gradient agree with the CPU reference kernels (float32; errors relative to the
// terms, since ½x(1 + erf(x/√2)) cancels for x < 0).
import { afterAll, describe, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import { gelu, geluBackward } from "../../../src/backend/webgpu/elementwise.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

describe.skipIf(gpu === null)(`WebGPU gelu (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("gelu and geluBackward on a strided input equal the CPU kernels", async () => {
    ds.manualSeed(72);
    const x = ds.randn([40, 33]).mul(3).t(), dy = ds.randn([33, 40]);
    const tol = { atol: 2e-6, rtol: 1e-5 }; // |x| ≤ ~12: a few float32 ulps of ½|x|
    await expectClose(g, gelu(g, toGPU(g, x)), cpuBackend.gelu([x], {}) as ds.Tensor, tol);
    await expectClose(g, geluBackward(g, toGPU(g, dy), toGPU(g, x.contiguous())), cpuBackend.geluBackward([dy, x.contiguous()], {}) as ds.Tensor, tol);
  });
});
