// WebGPU layerNorm and layerNormBackward agree with the CPU reference kernels: row lengths around the
// workgroup widths (1, 7, 33, 1500), many rows and one, strided inputs, and empty batches.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import { layerNorm, layerNormBackward } from "../../../src/backend/webgpu/norm.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

/**
 * float32 tolerance: the GPU sums a row by a tree in float32, the CPU in float64; normalized outputs are
 * O(1), so a few ε·log₂(D) relative plus 1e-5 absolute bounds the difference. dw and db sum over the
 * rows: rows·ε·|terms| absolute.
 */
const rowTol = { atol: 1e-5, rtol: 1e-5 };
const colTol = (rows: number) => ({ atol: 2e-6 * Math.max(rows, 1), rtol: 1e-5 });

describe.skipIf(gpu === null)(`WebGPU layer normalization (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("layerNorm and its backward over rows of 1, 7, 33 and 1500 elements", async () => {
    ds.manualSeed(41);
    for (const [shape, D] of [[[5, 1], 1], [[3, 4, 7], 7], [[37, 33], 33], [[2, 3, 500], 1500], [[70, 8], 8]] as [number[], number][]) {
      const x = ds.randn(shape).mul(3).add(1), w = ds.randn([D]), b = ds.randn([D]);
      const p = { size: D, eps: 1e-5 };
      const [y, mean, rstd] = layerNorm(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], p);
      const [cy, cm, cr] = cpuBackend.layerNorm([x, w, b], p) as [ds.Tensor, ds.Tensor, ds.Tensor];
      await expectClose(g, y!, cy, rowTol);
      await expectClose(g, mean!, cm, rowTol);
      await expectClose(g, rstd!, cr, rowTol);
      const dy = ds.randn(shape);
      const [dx, dw, db] = layerNormBackward(g, [toGPU(g, dy), toGPU(g, x), toGPU(g, cm), toGPU(g, cr), toGPU(g, w)], { size: D });
      const [cdx, cdw, cdb] = cpuBackend.layerNormBackward([dy, x, cm, cr, w], { size: D }) as [ds.Tensor, ds.Tensor, ds.Tensor];
      const rows = x.size / D;
      await expectClose(g, dx!, cdx, rowTol);
      await expectClose(g, dw!, cdw, colTol(rows));
      await expectClose(g, db!, cdb, colTol(rows));
    }
  });

  it("strided inputs (a transposed x, a sliced weight) and a 2-D normalized shape", async () => {
    ds.manualSeed(42);
    const x = ds.randn([6, 5, 4]).permute(2, 0, 1); // (4, 6, 5), rows of 6·5 = 30 over the last two dims
    const w = ds.randn([12, 5]).slice(0, 0, 12, 2), b = ds.randn([6, 5]); // (6, 5) strided
    const p = { size: 30, eps: 1e-3 };
    const [y, mean, rstd] = layerNorm(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], p);
    const [cy, cm, cr] = cpuBackend.layerNorm([x, w, b], p) as [ds.Tensor, ds.Tensor, ds.Tensor];
    await expectClose(g, y!, cy, rowTol);
    await expectClose(g, mean!, cm, rowTol);
    await expectClose(g, rstd!, cr, rowTol);
    const dy = ds.randn([5, 4, 6]).permute(1, 2, 0);
    const [dx, dw, db] = layerNormBackward(g, [toGPU(g, dy), toGPU(g, x), toGPU(g, cm), toGPU(g, cr), toGPU(g, w)], { size: 30 });
    const [cdx, cdw, cdb] = cpuBackend.layerNormBackward([dy, x, cm, cr, w], { size: 30 }) as [ds.Tensor, ds.Tensor, ds.Tensor];
    await expectClose(g, dx!, cdx, rowTol);
    await expectClose(g, dw!, cdw, colTol(4));
    await expectClose(g, db!, cdb, colTol(4));
  });

  it("an empty batch normalizes nothing, and its dw and db are zeros", async () => {
    const x = ds.zeros([0, 7]), w = ds.randn([7]), b = ds.randn([7]);
    const [y, mean] = layerNorm(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], { size: 7, eps: 1e-5 });
    expect(y!.shape).toEqual([0, 7]);
    expect(mean!.shape).toEqual([0]);
    const [, dw, db] = layerNormBackward(g, [toGPU(g, x), toGPU(g, x), toGPU(g, ds.zeros([0])), toGPU(g, ds.zeros([0])), toGPU(g, w)], { size: 7 });
    await expectClose(g, dw!, ds.zeros([7]));
    await expectClose(g, db!, ds.zeros([7]));
    expect(() => layerNorm(g, [toGPU(g, ds.zeros([3, 5])), toGPU(g, w), toGPU(g, b)], { size: 7, eps: 1e-5 })).toThrow(/^layerNorm: input of shape \[3, 5\] does not split into rows of 7 elements/);
  });
});
