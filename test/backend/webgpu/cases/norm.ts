// WebGPU layerNorm and layerNormBackward vs the CPU reference kernels: row lengths around the workgroup
// widths (1, 7, 33, 1500), many rows and one, strided inputs, and empty batches.
import * as ds from "../../../../src/index.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { layerNorm, layerNormBackward } from "../../../../src/backend/webgpu/norm.js";
import { toGPU, type Tolerance, type WebGPUCaseGroup } from "./check.js";

/**
 * float32 tolerance: the GPU sums a row by a tree in float32, the CPU in float64; normalized outputs are
 * O(1), so a few ε·log₂(D) relative plus 1e-5 absolute bounds the difference. dw and db sum over the
 * rows: rows·ε·|terms| absolute.
 */
const rowTol: Tolerance = { atol: 1e-5, rtol: 1e-5 };
const colTol = (rows: number): Tolerance => ({ atol: 2e-6 * Math.max(rows, 1), rtol: 1e-5 });

export const normCases: WebGPUCaseGroup = {
  title: "WebGPU layer normalization",
  cases: [
    {
      name: "layerNorm and its backward over rows of 1, 7, 33 and 1500 elements",
      async run(g, t) {
        ds.manualSeed(41);
        for (const [shape, D] of [[[5, 1], 1], [[3, 4, 7], 7], [[37, 33], 33], [[2, 3, 500], 1500], [[70, 8], 8]] as [number[], number][]) {
          const x = ds.randn(shape).mul(3).add(1), w = ds.randn([D]), b = ds.randn([D]);
          const p = { size: D, eps: 1e-5 };
          const at = `x [${shape.join(", ")}], rows of ${D}`;
          const [y, mean, rstd] = layerNorm(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], p);
          const [cy, cm, cr] = cpuBackend.layerNorm([x, w, b], p) as [ds.Tensor, ds.Tensor, ds.Tensor];
          await t.close(y!, cy, rowTol, `y, ${at}`);
          await t.close(mean!, cm, rowTol, `mean, ${at}`);
          await t.close(rstd!, cr, rowTol, `rstd, ${at}`);
          const dy = ds.randn(shape);
          const [dx, dw, db] = layerNormBackward(g, [toGPU(g, dy), toGPU(g, x), toGPU(g, cm), toGPU(g, cr), toGPU(g, w)], { size: D });
          const [cdx, cdw, cdb] = cpuBackend.layerNormBackward([dy, x, cm, cr, w], { size: D }) as [ds.Tensor, ds.Tensor, ds.Tensor];
          const rows = x.size / D;
          await t.close(dx!, cdx, rowTol, `dx, ${at}`);
          await t.close(dw!, cdw, colTol(rows), `dw, ${at}`);
          await t.close(db!, cdb, colTol(rows), `db, ${at}`);
        }
      },
    },
    {
      name: "strided inputs (a transposed x, a sliced weight) and a 2-D normalized shape",
      async run(g, t) {
        ds.manualSeed(42);
        const x = ds.randn([6, 5, 4]).permute(2, 0, 1); // (4, 6, 5), rows of 6·5 = 30 over the last two dims
        const w = ds.randn([12, 5]).slice(0, 0, 12, 2), b = ds.randn([6, 5]); // (6, 5) strided
        const p = { size: 30, eps: 1e-3 };
        const [y, mean, rstd] = layerNorm(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], p);
        const [cy, cm, cr] = cpuBackend.layerNorm([x, w, b], p) as [ds.Tensor, ds.Tensor, ds.Tensor];
        await t.close(y!, cy, rowTol, "y");
        await t.close(mean!, cm, rowTol, "mean");
        await t.close(rstd!, cr, rowTol, "rstd");
        const dy = ds.randn([5, 4, 6]).permute(1, 2, 0);
        const [dx, dw, db] = layerNormBackward(g, [toGPU(g, dy), toGPU(g, x), toGPU(g, cm), toGPU(g, cr), toGPU(g, w)], { size: 30 });
        const [cdx, cdw, cdb] = cpuBackend.layerNormBackward([dy, x, cm, cr, w], { size: 30 }) as [ds.Tensor, ds.Tensor, ds.Tensor];
        await t.close(dx!, cdx, rowTol, "dx");
        await t.close(dw!, cdw, colTol(4), "dw");
        await t.close(db!, cdb, colTol(4), "db");
      },
    },
    {
      name: "an empty batch normalizes nothing, and its dw and db are zeros",
      async run(g, t) {
        const x = ds.zeros([0, 7]), w = ds.randn([7]), b = ds.randn([7]);
        const [y, mean] = layerNorm(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], { size: 7, eps: 1e-5 });
        t.equal(y!.shape, [0, 7], "y's shape");
        t.equal(mean!.shape, [0], "mean's shape");
        const [, dw, db] = layerNormBackward(g, [toGPU(g, x), toGPU(g, x), toGPU(g, ds.zeros([0])), toGPU(g, ds.zeros([0])), toGPU(g, w)], { size: 7 });
        await t.close(dw!, ds.zeros([7]), undefined, "dw");
        await t.close(db!, ds.zeros([7]), undefined, "db");
        t.throws(() => layerNorm(g, [toGPU(g, ds.zeros([3, 5])), toGPU(g, w), toGPU(g, b)], { size: 7, eps: 1e-5 }), /^layerNorm: input of shape \[3, 5\] does not split into rows of 7 elements/, "rows that do not split");
      },
    },
  ],
};
