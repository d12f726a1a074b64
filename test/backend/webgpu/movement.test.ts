// WebGPU slice (a view), unslice and cat agree with the CPU reference kernels for every dtype, on
// strided inputs, with steps, and with empty parts.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { cpuBackend } from "../../../src/backend/cpu/index.js";
import { contiguous } from "../../../src/backend/webgpu/elementwise.js";
import { cat, slice, unslice } from "../../../src/backend/webgpu/movement.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

describe.skipIf(gpu === null)(`WebGPU movement (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("slice is a view of the input's buffer (no dispatch); materialized it equals the CPU's", async () => {
    ds.manualSeed(51);
    const x = ds.randn([6, 9, 5]).permute(1, 0, 2); // (9, 6, 5), strided
    const p = { starts: [1, 0, 4], ends: [9, 5, 5], steps: [3, 2, 1] };
    const gx = toGPU(g, x);
    const before = g.stats.dispatches;
    const v = slice(g, [gx], p);
    expect(g.stats.dispatches).toBe(before);
    expect(v.buffer).toBe(gx.buffer);
    await expectClose(g, contiguous(g, v), cpuBackend.slice([x], p) as ds.Tensor);
    expect(() => slice(g, [gx], { starts: [0, 0, 0], ends: [10, 6, 5], steps: [1, 1, 1] })).toThrow(/^slice: slice 0:10:1 of dim 0 does not fit shape \[9, 6, 5\]/);
  });

  it("unslice writes the input into zeros of the full shape, for float32, int32 and bool, strided", async () => {
    ds.manualSeed(52);
    const p = { starts: [1, 0, 2], ends: [8, 6, 7], steps: [2, 3, 2], shape: [8, 7, 7] };
    const region = [4, 2, 3];
    const inputs = [
      ds.randn([3, 2, 4]).permute(2, 1, 0), // (4, 2, 3), strided
      ds.randint(-50, 50, region, { dtype: "int32" }),
      ds.randn(region).gt(0),
    ];
    for (const x of inputs) {
      await expectClose(g, unslice(g, [toGPU(g, x)], p), cpuBackend.unslice([x], p) as ds.Tensor);
    }
  });

  it("cat along each dim of strided parts of odd sizes, with an empty part, for float32 and int32", async () => {
    ds.manualSeed(53);
    for (const dim of [0, 1, 2]) {
      const shapeWith = (n: number) => [3, 4, 5].map((s, d) => (d === dim ? n : s));
      const parts = [
        ds.randn(shapeWith(2)),
        ds.randn(shapeWith(7).reverse()).permute(2, 1, 0), // strided
        ds.randn(shapeWith(0)),
        ds.randn(shapeWith(1)),
      ];
      await expectClose(g, cat(g, parts.map((t) => toGPU(g, t)), { dim }), cpuBackend.cat(parts, { dim }) as ds.Tensor);
    }
    const ints = [ds.arange(0, 6, 1, { dtype: "int32" }).reshape([2, 3]), ds.arange(10, 14, 1, { dtype: "int32" }).reshape([2, 2])];
    await expectClose(g, cat(g, ints.map((t) => toGPU(g, t)), { dim: 1 }), cpuBackend.cat(ints, { dim: 1 }) as ds.Tensor);
    expect(() => cat(g, [toGPU(g, ds.zeros([2, 3])), toGPU(g, ds.zeros([3, 3]))], { dim: 1 })).toThrow(/^cat: float32 \[3, 3\] does not match float32 \[2, 3\] outside dim 1/);
  });
});
