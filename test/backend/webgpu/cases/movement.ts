// WebGPU slice (a view), unslice and cat vs the CPU reference kernels for every dtype, on strided inputs,
// with steps, and with empty parts.
import * as ds from "../../../../src/index.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { contiguous } from "../../../../src/backend/webgpu/elementwise.js";
import { cat, slice, unslice } from "../../../../src/backend/webgpu/movement.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

export const movementCases: WebGPUCaseGroup = {
  title: "WebGPU movement",
  cases: [
    {
      name: "slice is a view of the input's buffer (no dispatch); materialized it equals the CPU's",
      async run(g, t) {
        ds.manualSeed(51);
        const x = ds.randn([6, 9, 5]).permute(1, 0, 2); // (9, 6, 5), strided
        const p = { starts: [1, 0, 4], ends: [9, 5, 5], steps: [3, 2, 1] };
        const gx = toGPU(g, x);
        const before = g.stats.dispatches;
        const v = slice(g, [gx], p);
        t.equal(g.stats.dispatches, before, "dispatches for a slice");
        t.ok(v.buffer === gx.buffer, "the slice shares the input's buffer");
        await t.close(contiguous(g, v), cpuBackend.slice([x], p) as ds.Tensor, undefined, "the slice's values");
        t.throws(() => slice(g, [gx], { starts: [0, 0, 0], ends: [10, 6, 5], steps: [1, 1, 1] }), /^slice: slice 0:10:1 of dim 0 does not fit shape \[9, 6, 5\]/, "a slice past the end");
      },
    },
    {
      name: "unslice writes the input into zeros of the full shape, for float32, int32 and bool, strided",
      async run(g, t) {
        ds.manualSeed(52);
        const p = { starts: [1, 0, 2], ends: [8, 6, 7], steps: [2, 3, 2], shape: [8, 7, 7] };
        const region = [4, 2, 3];
        const inputs = [
          ds.randn([3, 2, 4]).permute(2, 1, 0), // (4, 2, 3), strided
          ds.randint(-50, 50, region, { dtype: "int32" }),
          ds.randn(region).gt(0),
        ];
        for (const x of inputs) {
          await t.close(unslice(g, [toGPU(g, x)], p), cpuBackend.unslice([x], p) as ds.Tensor, undefined, `unslice of ${x.dtype}`);
        }
      },
    },
    {
      name: "cat along each dim of strided parts of odd sizes, with an empty part, for float32 and int32",
      async run(g, t) {
        ds.manualSeed(53);
        for (const dim of [0, 1, 2]) {
          const shapeWith = (n: number) => [3, 4, 5].map((s, d) => (d === dim ? n : s));
          const parts = [
            ds.randn(shapeWith(2)),
            ds.randn(shapeWith(7).reverse()).permute(2, 1, 0), // strided
            ds.randn(shapeWith(0)),
            ds.randn(shapeWith(1)),
          ];
          await t.close(cat(g, parts.map((p) => toGPU(g, p)), { dim }), cpuBackend.cat(parts, { dim }) as ds.Tensor, undefined, `cat along dim ${dim}`);
        }
        const ints = [ds.arange(0, 6, 1, { dtype: "int32" }).reshape([2, 3]), ds.arange(10, 14, 1, { dtype: "int32" }).reshape([2, 2])];
        await t.close(cat(g, ints.map((p) => toGPU(g, p)), { dim: 1 }), cpuBackend.cat(ints, { dim: 1 }) as ds.Tensor, undefined, "cat of int32");
        t.throws(() => cat(g, [toGPU(g, ds.zeros([2, 3])), toGPU(g, ds.zeros([3, 3]))], { dim: 1 }), /^cat: float32 \[3, 3\] does not match float32 \[2, 3\] outside dim 1/, "parts that do not match");
      },
    },
  ],
};
