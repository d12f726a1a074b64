// WebGPU gather and indexSelect vs the CPU reference on strided inputs and indices, every dim, repeated
// indices and empty index tensors.
import * as ds from "../../../../src/index.js";
import { gather, indexSelect } from "../../../../src/backend/webgpu/indexing.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

export const indexingCases: WebGPUCaseGroup = {
  title: "WebGPU indexing",
  cases: [
    {
      name: "gather along each dim of a permuted input, with a strided index (exact)",
      async run(g, t) {
        ds.manualSeed(11);
        const x = ds.randn([5, 7, 3]).permute(1, 0, 2); // (7, 5, 3)
        for (const dim of [0, 1, 2]) {
          const n = x.shape[dim]!;
          const idx = ds.randint(0, n, [9, 4, 3], { dtype: "int32" }).slice(0, 0, 9, 2); // (5, 4, 3), strided
          await t.close(gather(g, toGPU(g, x), toGPU(g, idx), dim), x.gather(dim, idx), undefined, `gather along dim ${dim}`);
        }
      },
    },
    {
      name: "indexSelect along each dim with repeated indices, int32 data, and an empty index",
      async run(g, t) {
        ds.manualSeed(12);
        const x = ds.randn([6, 33]).transpose(0, 1); // (33, 6)
        const rows = ds.tensor([32, 0, 5, 5, 17], { dtype: "int32" });
        await t.close(indexSelect(g, toGPU(g, x), toGPU(g, rows), 0), x.indexSelect(0, rows), undefined, "rows");
        const cols = ds.tensor([5, 1, 1], { dtype: "int32" });
        await t.close(indexSelect(g, toGPU(g, x), toGPU(g, cols), 1), x.indexSelect(1, cols), undefined, "columns");
        const xi = ds.arange(0, 24, 1, { dtype: "int32" }).reshape([4, 6]);
        await t.close(indexSelect(g, toGPU(g, xi), toGPU(g, cols), 1), xi.indexSelect(1, cols), undefined, "int32 columns");
        const none = ds.zeros([0], { dtype: "int32" });
        const empty = indexSelect(g, toGPU(g, x), toGPU(g, none), 0);
        t.equal(empty.shape, [0, 6], "shape for an empty index");
      },
    },
  ],
};
