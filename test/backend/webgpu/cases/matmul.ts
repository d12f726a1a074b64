// The tiled WebGPU matmul vs the CPU reference: odd sizes around the 64×64×16 tiles, both load paths (vec4
// where rows are contiguous and aligned, scalar otherwise), transposed operands read through strides,
// batched and broadcast batches, linear with bias, and empty products.
import * as ds from "../../../../src/index.js";
import { linear, matmul } from "../../../../src/backend/webgpu/matmul.js";
import { toGPU, type Tolerance, type WebGPUCaseGroup } from "./check.js";

/**
 * float32 tolerance for a K-term dot product of standard normals: both sides round each product and sum
 * in a different order, so errors grow like K·ε·|terms| in the worst case; 5e-7·K absolute (≈ 4ε per term)
 * and rtol 1e-5.
 */
const tol = (K: number): Tolerance => ({ atol: 5e-7 * Math.max(K, 1), rtol: 1e-5 });

export const matmulCases: WebGPUCaseGroup = {
  title: "WebGPU matmul",
  cases: [
    {
      name: "2-D products of odd sizes (1, 7, 33, 65, 257) on the scalar and vec4 load paths",
      async run(g, t) {
        ds.manualSeed(7);
        const sizes: [number, number, number][] = [[1, 1, 1], [7, 33, 5], [33, 7, 65], [65, 257, 33], [64, 64, 64], [70, 36, 132]];
        for (const [M, K, N] of sizes) {
          const a = ds.randn([M, K]), b = ds.randn([K, N]);
          await t.close(matmul(g, toGPU(g, a), toGPU(g, b)), a.matmul(b), tol(K), `(${M}, ${K})·(${K}, ${N})`);
        }
      },
    },
    {
      name: "transposed operands are read through their strides, without copies (aᵀ·b, a·bᵀ, aᵀ·bᵀ)",
      async run(g, t) {
        ds.manualSeed(8);
        const a = ds.randn([36, 70]), b = ds.randn([33, 36]);
        const at = a.transpose(0, 1), bt = b.transpose(0, 1); // (70, 36), (36, 33)
        const c = ds.randn([70, 36]);
        await t.close(matmul(g, toGPU(g, at), toGPU(g, bt)), at.matmul(bt), tol(36), "aᵀ·bᵀ");
        await t.close(matmul(g, toGPU(g, c), toGPU(g, bt)), c.matmul(bt), tol(36), "a·bᵀ");
        const d = ds.randn([8, 36]).transpose(0, 1); // (36, 8), column-major
        await t.close(matmul(g, toGPU(g, at), toGPU(g, d)), at.matmul(d), tol(36), "aᵀ·b with b column-major");
      },
    },
    {
      name: "batched products, a 2-D operand broadcast over the batch, and a permuted batch",
      async run(g, t) {
        ds.manualSeed(9);
        const a = ds.randn([3, 17, 20]), b = ds.randn([3, 20, 9]), w = ds.randn([20, 9]);
        await t.close(matmul(g, toGPU(g, a), toGPU(g, b)), a.matmul(b), tol(20), "batched");
        await t.close(matmul(g, toGPU(g, a), toGPU(g, w)), a.matmul(w), tol(20), "2-D right operand broadcast");
        const p = ds.randn([17, 3, 20]).permute(1, 0, 2); // (3, 17, 20) with the batch in the middle
        await t.close(matmul(g, toGPU(g, p), toGPU(g, b)), p.matmul(b), tol(20), "permuted batch");
      },
    },
    {
      name: "linear: x·wᵀ + b with w (N, K) as stored, and the empty and K = 0 cases",
      async run(g, t) {
        ds.manualSeed(10);
        const x = ds.randn([33, 20]), w = ds.randn([7, 20]), bias = ds.randn([7]);
        await t.close(linear(g, toGPU(g, x), toGPU(g, w), toGPU(g, bias)), x.matmul(w.transpose(0, 1)).add(bias), tol(20), "linear");
        const empty = matmul(g, toGPU(g, ds.zeros([0, 4])), toGPU(g, ds.randn([4, 5])));
        t.equal(empty.shape, [0, 5], "shape of a product with M = 0");
        await t.close(matmul(g, toGPU(g, ds.zeros([3, 0])), toGPU(g, ds.zeros([0, 5]))), ds.zeros([3, 5]), undefined, "K = 0 gives zeros");
        t.throws(() => matmul(g, toGPU(g, ds.zeros([3, 4])), toGPU(g, ds.zeros([5, 2]))), /^matmul: shapes \[3, 4\] and \[5, 2\] are not aligned \(4 != 5\)/, "misaligned shapes");
      },
    },
  ],
};
