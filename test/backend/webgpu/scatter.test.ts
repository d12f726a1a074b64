// WebGPU scatter, scatterAdd and indexAdd agree with the CPU reference kernels exactly (the same float32
// additions in the same order): repeated indices (the last write wins, sums in index order), an index
// smaller than the input, strided operands, int32 data, and empty indices.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import { indexAdd, scatter, scatterAdd } from "../../../src/backend/webgpu/scatter.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

describe.skipIf(gpu === null)(`WebGPU scatter and indexAdd (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("scatter and scatterAdd along each dim with repeated indices, an index smaller than x, strided src", async () => {
    ds.manualSeed(61);
    const x = ds.randn([5, 7, 3]);
    for (const dim of [0, 1, 2]) {
      const n = x.shape[dim]!;
      const index = ds.randint(0, n, [4, 5, 2], { dtype: "int32" }).slice(1, 0, 5, 2); // (4, 3, 2), strided
      const src = ds.randn([2, 6, 5]).permute(2, 1, 0); // (5, 6, 2), strided, larger than the index
      const p = { dim };
      await expectClose(g, scatter(g, [toGPU(g, x), toGPU(g, index), toGPU(g, src)], p), cpuBackend.scatter([x, index, src], p) as ds.Tensor);
      await expectClose(g, scatterAdd(g, [toGPU(g, x), toGPU(g, index), toGPU(g, src)], p), cpuBackend.scatterAdd([x, index, src], p) as ds.Tensor);
    }
  });

  it("scatterAdd of int32 data, of a transposed input, and of an empty index (a copy of x)", async () => {
    ds.manualSeed(62);
    const xi = ds.randint(-9, 9, [6, 4], { dtype: "int32" }), si = ds.randint(-9, 9, [8, 4], { dtype: "int32" });
    const ii = ds.randint(0, 6, [8, 4], { dtype: "int32" });
    await expectClose(g, scatterAdd(g, [toGPU(g, xi), toGPU(g, ii), toGPU(g, si)], { dim: 0 }), cpuBackend.scatterAdd([xi, ii, si], { dim: 0 }) as ds.Tensor);
    const xt = ds.randn([4, 6]).transpose(0, 1); // (6, 4)
    const src = ds.randn([8, 4]);
    await expectClose(g, scatterAdd(g, [toGPU(g, xt), toGPU(g, ii), toGPU(g, src)], { dim: 0 }), cpuBackend.scatterAdd([xt, ii, src], { dim: 0 }) as ds.Tensor);
    const none = ds.zeros([0, 4], { dtype: "int32" });
    await expectClose(g, scatterAdd(g, [toGPU(g, xt), toGPU(g, none), toGPU(g, src)], { dim: 0 }), xt);
  });

  it("indexAdd (an embedding's gradient): many repeated rows summed in order, any dim, strided src", async () => {
    ds.manualSeed(63);
    const vocab = ds.zeros([11, 16]);
    const tokens = ds.randint(0, 11, [300], { dtype: "int32" });
    const grads = ds.randn([300, 16]);
    await expectClose(g, indexAdd(g, [toGPU(g, vocab), toGPU(g, tokens), toGPU(g, grads)], { dim: 0 }), cpuBackend.indexAdd([vocab, tokens, grads], { dim: 0 }) as ds.Tensor);
    const x = ds.randn([3, 5, 4]);
    const idx = ds.tensor([4, 0, 4, 2, 4, 1, 0], { dtype: "int32" });
    const src = ds.randn([4, 7, 3]).permute(2, 1, 0); // (3, 7, 4), strided
    await expectClose(g, indexAdd(g, [toGPU(g, x), toGPU(g, idx), toGPU(g, src)], { dim: 1 }), cpuBackend.indexAdd([x, idx, src], { dim: 1 }) as ds.Tensor);
    const empty = ds.zeros([0], { dtype: "int32" });
    await expectClose(g, indexAdd(g, [toGPU(g, x), toGPU(g, empty), toGPU(g, ds.zeros([3, 0, 4]))], { dim: 1 }), x);
    expect(() => indexAdd(g, [toGPU(g, x), toGPU(g, idx), toGPU(g, ds.zeros([3, 6, 4]))], { dim: 1 })).toThrow(/^indexAdd: src of shape \[3, 6, 4\] must be the input's \[3, 5, 4\] with 7 along dim 1/);
  });
});
