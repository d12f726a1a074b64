// The tiled WebGPU matmul agrees with the CPU reference: odd sizes around the 64×64×16 tiles, both load
// paths (vec4 where rows are contiguous and aligned, scalar otherwise), transposed operands read through
// strides, batched and broadcast batches, linear with bias, and empty products.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { linear, matmul } from "../../../src/backend/webgpu/matmul.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

/**
 * float32 tolerance for a K-term dot product of standard normals: both sides round each product and sum
 * in a different order, so errors grow like K·ε·|terms| in the worst case; 5e-7·K absolute (≈ 4ε per term)
 * and rtol 1e-5.
 */
const tol = (K: number) => ({ atol: 5e-7 * Math.max(K, 1), rtol: 1e-5 });

describe.skipIf(gpu === null)(`WebGPU matmul (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("2-D products of odd sizes (1, 7, 33, 65, 257) on the scalar and vec4 load paths", async () => {
    ds.manualSeed(7);
    const sizes: [number, number, number][] = [[1, 1, 1], [7, 33, 5], [33, 7, 65], [65, 257, 33], [64, 64, 64], [70, 36, 132]];
    for (const [M, K, N] of sizes) {
      const a = ds.randn([M, K]), b = ds.randn([K, N]);
      await expectClose(g, matmul(g, toGPU(g, a), toGPU(g, b)), a.matmul(b), tol(K));
    }
  });

  it("transposed operands are read through their strides, without copies (aᵀ·b, a·bᵀ, aᵀ·bᵀ)", async () => {
    ds.manualSeed(8);
    const a = ds.randn([36, 70]), b = ds.randn([33, 36]);
    const at = a.transpose(0, 1), bt = b.transpose(0, 1); // (70, 36), (36, 33)
    const c = ds.randn([70, 36]);
    await expectClose(g, matmul(g, toGPU(g, at), toGPU(g, bt)), at.matmul(bt), tol(36));
    await expectClose(g, matmul(g, toGPU(g, c), toGPU(g, bt)), c.matmul(bt), tol(36));
    const d = ds.randn([8, 36]).transpose(0, 1); // (36, 8), column-major
    await expectClose(g, matmul(g, toGPU(g, at), toGPU(g, d)), at.matmul(d), tol(36));
  });

  it("batched products, a 2-D operand broadcast over the batch, and a permuted batch", async () => {
    ds.manualSeed(9);
    const a = ds.randn([3, 17, 20]), b = ds.randn([3, 20, 9]), w = ds.randn([20, 9]);
    await expectClose(g, matmul(g, toGPU(g, a), toGPU(g, b)), a.matmul(b), tol(20));
    await expectClose(g, matmul(g, toGPU(g, a), toGPU(g, w)), a.matmul(w), tol(20));
    const p = ds.randn([17, 3, 20]).permute(1, 0, 2); // (3, 17, 20) with the batch in the middle
    await expectClose(g, matmul(g, toGPU(g, p), toGPU(g, b)), p.matmul(b), tol(20));
  });

  it("linear: x·wᵀ + b with w (N, K) as stored, and the empty and K = 0 cases", async () => {
    ds.manualSeed(10);
    const x = ds.randn([33, 20]), w = ds.randn([7, 20]), bias = ds.randn([7]);
    await expectClose(g, linear(g, toGPU(g, x), toGPU(g, w), toGPU(g, bias)), x.matmul(w.transpose(0, 1)).add(bias), tol(20));
    const empty = matmul(g, toGPU(g, ds.zeros([0, 4])), toGPU(g, ds.randn([4, 5])));
    expect(empty.shape).toEqual([0, 5]);
    await expectClose(g, matmul(g, toGPU(g, ds.zeros([3, 0])), toGPU(g, ds.zeros([0, 5]))), ds.zeros([3, 5]));
    expect(() => matmul(g, toGPU(g, ds.zeros([3, 4])), toGPU(g, ds.zeros([5, 2])))).toThrow(/^matmul: shapes \[3, 4\] and \[5, 2\] are not aligned \(4 != 5\)/);
  });
});
