// WebGPU scatter, scatterAdd and indexAdd vs the CPU reference kernels, exactly (the same float32 additions
// in the same order): repeated indices (the last write wins, sums in index order), an index smaller than
// the input, strided operands, int32 data, and empty indices.
import * as ds from "../../../../src/index.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { indexAdd, scatter, scatterAdd } from "../../../../src/backend/webgpu/scatter.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

export const scatterCases: WebGPUCaseGroup = {
  title: "WebGPU scatter and indexAdd",
  cases: [
    {
      name: "scatter and scatterAdd along each dim with repeated indices, an index smaller than x, strided src",
      async run(g, t) {
        ds.manualSeed(61);
        const x = ds.randn([5, 7, 3]);
        for (const dim of [0, 1, 2]) {
          const n = x.shape[dim]!;
          const index = ds.randint(0, n, [4, 5, 2], { dtype: "int32" }).slice(1, 0, 5, 2); // (4, 3, 2), strided
          const src = ds.randn([2, 6, 5]).permute(2, 1, 0); // (5, 6, 2), strided, larger than the index
          const p = { dim };
          await t.close(scatter(g, [toGPU(g, x), toGPU(g, index), toGPU(g, src)], p), cpuBackend.scatter([x, index, src], p) as ds.Tensor, undefined, `scatter along dim ${dim}`);
          await t.close(scatterAdd(g, [toGPU(g, x), toGPU(g, index), toGPU(g, src)], p), cpuBackend.scatterAdd([x, index, src], p) as ds.Tensor, undefined, `scatterAdd along dim ${dim}`);
        }
      },
    },
    {
      name: "scatterAdd of int32 data, of a transposed input, and of an empty index (a copy of x)",
      async run(g, t) {
        ds.manualSeed(62);
        const xi = ds.randint(-9, 9, [6, 4], { dtype: "int32" }), si = ds.randint(-9, 9, [8, 4], { dtype: "int32" });
        const ii = ds.randint(0, 6, [8, 4], { dtype: "int32" });
        await t.close(scatterAdd(g, [toGPU(g, xi), toGPU(g, ii), toGPU(g, si)], { dim: 0 }), cpuBackend.scatterAdd([xi, ii, si], { dim: 0 }) as ds.Tensor, undefined, "int32");
        const xt = ds.randn([4, 6]).transpose(0, 1); // (6, 4)
        const src = ds.randn([8, 4]);
        await t.close(scatterAdd(g, [toGPU(g, xt), toGPU(g, ii), toGPU(g, src)], { dim: 0 }), cpuBackend.scatterAdd([xt, ii, src], { dim: 0 }) as ds.Tensor, undefined, "a transposed input");
        const none = ds.zeros([0, 4], { dtype: "int32" });
        await t.close(scatterAdd(g, [toGPU(g, xt), toGPU(g, none), toGPU(g, src)], { dim: 0 }), xt, undefined, "an empty index");
      },
    },
    {
      name: "indexAdd (an embedding's gradient): many repeated rows summed in order, any dim, strided src",
      async run(g, t) {
        ds.manualSeed(63);
        const vocab = ds.zeros([11, 16]);
        const tokens = ds.randint(0, 11, [300], { dtype: "int32" });
        const grads = ds.randn([300, 16]);
        await t.close(indexAdd(g, [toGPU(g, vocab), toGPU(g, tokens), toGPU(g, grads)], { dim: 0 }), cpuBackend.indexAdd([vocab, tokens, grads], { dim: 0 }) as ds.Tensor, undefined, "300 tokens into 11 rows");
        const x = ds.randn([3, 5, 4]);
        const idx = ds.tensor([4, 0, 4, 2, 4, 1, 0], { dtype: "int32" });
        const src = ds.randn([4, 7, 3]).permute(2, 1, 0); // (3, 7, 4), strided
        await t.close(indexAdd(g, [toGPU(g, x), toGPU(g, idx), toGPU(g, src)], { dim: 1 }), cpuBackend.indexAdd([x, idx, src], { dim: 1 }) as ds.Tensor, undefined, "along dim 1, strided src");
        const empty = ds.zeros([0], { dtype: "int32" });
        await t.close(indexAdd(g, [toGPU(g, x), toGPU(g, empty), toGPU(g, ds.zeros([3, 0, 4]))], { dim: 1 }), x, undefined, "an empty index");
        t.throws(() => indexAdd(g, [toGPU(g, x), toGPU(g, idx), toGPU(g, ds.zeros([3, 6, 4]))], { dim: 1 }), /^indexAdd: src of shape \[3, 6, 4\] must be the input's \[3, 5, 4\] with 7 along dim 1/, "a src of the wrong shape");
      },
    },
  ],
};
