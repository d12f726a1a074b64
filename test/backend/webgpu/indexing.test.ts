// WebGPU gather and indexSelect agree with the CPU reference on strided inputs and indices, every dim,
// repeated indices and empty index tensors.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { gather, indexSelect } from "../../../src/backend/webgpu/indexing.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

describe.skipIf(gpu === null)(`WebGPU indexing (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("gather along each dim of a permuted input, with a strided index (exact)", async () => {
    ds.manualSeed(11);
    const x = ds.randn([5, 7, 3]).permute(1, 0, 2); // (7, 5, 3)
    for (const dim of [0, 1, 2]) {
      const n = x.shape[dim]!;
      const idx = ds.randint(0, n, [9, 4, 3], { dtype: "int32" }).slice(0, 0, 9, 2); // (5, 4, 3), strided
      await expectClose(g, gather(g, toGPU(g, x), toGPU(g, idx), dim), x.gather(dim, idx));
    }
  });

  it("indexSelect along each dim with repeated indices, int32 data, and an empty index", async () => {
    ds.manualSeed(12);
    const x = ds.randn([6, 33]).transpose(0, 1); // (33, 6)
    const rows = ds.tensor([32, 0, 5, 5, 17], { dtype: "int32" });
    await expectClose(g, indexSelect(g, toGPU(g, x), toGPU(g, rows), 0), x.indexSelect(0, rows));
    const cols = ds.tensor([5, 1, 1], { dtype: "int32" });
    await expectClose(g, indexSelect(g, toGPU(g, x), toGPU(g, cols), 1), x.indexSelect(1, cols));
    const xi = ds.arange(0, 24, 1, { dtype: "int32" }).reshape([4, 6]);
    await expectClose(g, indexSelect(g, toGPU(g, xi), toGPU(g, cols), 1), xi.indexSelect(1, cols));
    const none = ds.zeros([0], { dtype: "int32" });
    const empty = indexSelect(g, toGPU(g, x), toGPU(g, none), 0);
    expect(empty.shape).toEqual([0, 6]);
  });
});
