// WebGPU reductions and softmax vs the CPU reference: every reduce op over single and multiple dims,
// keepdim, odd line lengths (1, 7, 33, 257, 1500: one and several strides of a workgroup), strided views,
// empty lines and empty outputs.
import * as ds from "../../../../src/index.js";
import { argReduce, reduce, softmax, type WebGPUReduceOp } from "../../../../src/backend/webgpu/reduce.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

/**
 * float32 tolerance: the GPU sums in float32 by a tree (error ~log₂(n)·ε·Σ|x|), the CPU in float64 then
 * rounds; with n ≤ 1500 standard normals rtol 1e-5 plus atol 1e-5 bounds it. max/min are exact; prod of
 * values near 1 is held to rtol 1e-5.
 */
const tol = { sum: { atol: 1e-5, rtol: 1e-5 }, mean: { atol: 1e-6, rtol: 1e-5 }, prod: { atol: 0, rtol: 1e-5 }, max: { atol: 0, rtol: 0 }, min: { atol: 0, rtol: 0 } };

function cpuReduce(op: WebGPUReduceOp, x: ds.Tensor, dims: number[], keepdim: boolean): ds.Tensor {
  switch (op) {
    case "sum": return x.sum(dims, keepdim);
    case "mean": return x.mean(dims, keepdim);
    case "prod": return x.prod(dims, keepdim);
    case "max": return x.amax(dims, keepdim);
    case "min": return x.amin(dims, keepdim);
  }
}

export const reduceCases: WebGPUCaseGroup = {
  title: "WebGPU reductions and softmax",
  cases: [
    {
      name: "sum, mean, prod, max and min over one or several dims, keepdim, on odd sizes and strided views",
      async run(g, t) {
        ds.manualSeed(5);
        // every op on two layouts; the rest of the layouts with sum (each (op, rank, width) is its own shader)
        const cases: [ds.Tensor, number[], WebGPUReduceOp[]][] = [
          [ds.randn([33, 7]), [0], ["sum", "mean", "prod", "max", "min"]],
          [ds.randn([5, 7, 9]).permute(2, 0, 1), [0, 2], ["sum", "mean", "prod", "max", "min"]],
          [ds.randn([7]), [0], ["sum"]],
          [ds.randn([1, 257]), [1], ["sum"]],
          [ds.randn([3, 1500]), [1], ["sum", "max"]],
          [ds.randn([6, 33, 4]).slice(1, 1, 33, 3), [1], ["sum"]],
          [ds.randn([4, 5, 6]), [0, 1, 2], ["sum"]],
        ];
        for (const [x0, dims, ops] of cases) {
          for (const op of ops) {
            const x = op === "prod" ? x0.mul(0.05).add(1) : x0;
            for (const keepdim of [false, true]) {
              await t.close(reduce(g, op, toGPU(g, x), dims, keepdim), cpuReduce(op, x, dims, keepdim), tol[op], `${op} of [${x.shape}] over [${dims}]${keepdim ? ", keepdim" : ""}`);
            }
          }
        }
      },
    },
    {
      name: "int32 sums and maxima are exact; empty lines reduce to the identity; empty outputs dispatch nothing",
      async run(g, t) {
        const xi = ds.arange(0, 35, 1, { dtype: "int32" }).reshape([5, 7]).sub(17);
        for (const op of ["sum", "max"] as WebGPUReduceOp[]) {
          await t.close(reduce(g, op, toGPU(g, xi.slice(1, 0, 3)), [1], false), cpuReduce(op, xi.slice(1, 0, 3), [1], false), undefined, `int32 ${op}`);
        }
        const e = ds.zeros([3, 0]);
        await t.close(reduce(g, "sum", toGPU(g, e), [1], true), cpuReduce("sum", e, [1], true), undefined, "sum over an empty dim");
        t.throws(() => cpuReduce("max", e, [1], true), /^max: cannot reduce over an empty dimension/, "CPU max over an empty dim");
        t.throws(() => reduce(g, "max", toGPU(g, e), [1], true), /^max: cannot reduce over an empty dimension/, "WebGPU max over an empty dim");
        const before = g.stats.dispatches;
        t.equal(reduce(g, "sum", toGPU(g, e), [0], false).shape, [0], "shape of an empty output");
        t.equal(g.stats.dispatches, before, "dispatches for an empty output");
        t.throws(() => reduce(g, "mean", toGPU(g, xi), [0], false), /^mean: int32 inputs are not supported/, "int32 mean");
      },
    },
    {
      name: "softmax and logSoftmax along the last (and any) dim match the CPU, within float32 tolerance",
      async run(g, t) {
        ds.manualSeed(6);
        // logSoftmax: x − m − log Σ: absolute error ~ ε·(|x − m| + log n); softmax: relative ~ a few ε·log n
        for (const shape of [[1], [7], [33, 257], [2, 1500]]) {
          const x = ds.randn(shape).mul(4);
          const last = shape.length - 1;
          await t.close(softmax(g, toGPU(g, x), last, true), ds.logSoftmax(x, last), { atol: 4e-6, rtol: 1e-6 }, `logSoftmax of [${shape}]`);
          await t.close(softmax(g, toGPU(g, x), last), ds.softmax(x, last), { atol: 1e-8, rtol: 1e-5 }, `softmax of [${shape}]`);
        }
        const y = ds.randn([5, 6, 7]).permute(1, 2, 0);
        await t.close(softmax(g, toGPU(g, y), 2, true), ds.logSoftmax(y, 2), { atol: 4e-6, rtol: 1e-6 }, "logSoftmax along dim 2 of a permuted view");
        await t.close(softmax(g, toGPU(g, y), 0), ds.softmax(y, 0), { atol: 1e-8, rtol: 1e-5 }, "softmax along dim 0 of a permuted view");
        // large logits: no overflow (the maximum is subtracted first)
        const big = ds.tensor([[1000, 999, -1000]]);
        await t.close(softmax(g, toGPU(g, big), 1, true), ds.logSoftmax(big, 1), { atol: 1e-5, rtol: 0 }, "logSoftmax of large logits");
      },
    },
    {
      name: "argmax and argmin along each dim of a strided view: first extremum on ties, the first NaN wins",
      async run(g, t) {
        ds.manualSeed(13);
        const x = ds.randn([9, 300]).round().transpose(0, 1).slice(0, 0, 300, 2); // (150, 9), many ties
        for (const dim of [0, 1]) {
          for (const keepdim of [false, true]) {
            await t.close(argReduce(g, true, toGPU(g, x), dim, keepdim), x.argmax(dim, keepdim), undefined, `argmax along ${dim}${keepdim ? ", keepdim" : ""}`);
            await t.close(argReduce(g, false, toGPU(g, x), dim, keepdim), x.argmin(dim, keepdim), undefined, `argmin along ${dim}${keepdim ? ", keepdim" : ""}`);
          }
        }
        const nan = ds.tensor([[1, NaN, 3, NaN], [-Infinity, -Infinity, 2, 2]]);
        await t.close(argReduce(g, true, toGPU(g, nan), 1, false), nan.argmax(1), undefined, "argmax with NaN");
        await t.close(argReduce(g, false, toGPU(g, nan), 1, false), nan.argmin(1), undefined, "argmin with NaN");
      },
    },
  ],
};
