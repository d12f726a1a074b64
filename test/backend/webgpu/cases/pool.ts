// WebGPU pooling vs the CPU reference kernels: max pooling (values and PyTorch's indices, ties and NaN),
// average pooling (padding counted or not, divisor override, adaptive windows) and both adjoints, over 1, 2
// and 3 pooled dims with stride, padding, dilation and ceil mode, on strided inputs and empty batches.
import * as ds from "../../../../src/index.js";
import type { AvgPoolParams, PoolWindows } from "../../../../src/autograd/prims.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { adaptiveWindows, avgPoolWindows, maxPoolWindows, poolOutputSize } from "../../../../src/ops/pooling.js";
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from "../../../../src/backend/webgpu/pool.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

/** float32 window sums of ≤ 27 standard normals, the CPU's in float64: a few ε relative to Σ|x|. */
const sumTol = { atol: 2e-6, rtol: 1e-5 };

interface Geometry {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
}

function maxWindows(inShape: number[], g: Geometry): PoolWindows[] {
  return inShape.map((n, a) => maxPoolWindows(n, g.kernel[a]!, g.stride[a]!, g.padding[a]!, g.dilation[a]!, poolOutputSize(n, g.kernel[a]!, g.padding[a]!, g.stride[a]!, g.dilation[a]!, g.ceilMode)));
}

function avgParams(inShape: number[], g: Geometry, countIncludePad: boolean, divisorOverride: number | null = null): AvgPoolParams {
  const per = inShape.map((n, a) => avgPoolWindows(n, g.kernel[a]!, g.stride[a]!, g.padding[a]!, poolOutputSize(n, g.kernel[a]!, g.padding[a]!, g.stride[a]!, 1, g.ceilMode), countIncludePad));
  return { windows: per.map((p) => p.windows), counts: per.map((p) => p.counts), divisorOverride, inShape };
}

const geometries: [number[], Geometry][] = [
  [[2, 3, 17], { kernel: [3], stride: [2], padding: [1], dilation: [2], ceilMode: true }],
  [[2, 3, 9, 11], { kernel: [3, 2], stride: [2, 2], padding: [1, 0], dilation: [1, 1], ceilMode: false }],
  [[3, 7, 7], { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], ceilMode: false }], // overlapping windows
  [[1, 2, 5, 6, 7], { kernel: [2, 3, 2], stride: [2, 2, 1], padding: [1, 1, 0], dilation: [1, 1, 1], ceilMode: true }],
];

const label = (shape: number[], g: Geometry): string => `[${shape.join(", ")}], kernel [${g.kernel.join(", ")}], stride [${g.stride.join(", ")}], padding [${g.padding.join(", ")}], dilation [${g.dilation.join(", ")}]${g.ceilMode ? ", ceil mode" : ""}`;

export const poolCases: WebGPUCaseGroup = {
  title: "WebGPU pooling",
  cases: [
    {
      name: "maxPool: maxima and indices over 1-3 pooled dims with stride, padding, dilation and ceil mode",
      async run(g, t) {
        ds.manualSeed(31);
        for (const [shape, geo] of geometries) {
          const k = geo.kernel.length;
          const x = ds.randn(shape);
          const windows = maxWindows(shape.slice(shape.length - k), geo);
          const [v, i] = maxPool(g, [toGPU(g, x)], { windows });
          const [cv, ci] = cpuBackend.maxPool([x], { windows }) as [ds.Tensor, ds.Tensor];
          await t.close(v!, cv, undefined, `maxima, ${label(shape, geo)}`);
          await t.close(i!, ci, undefined, `indices, ${label(shape, geo)}`);
        }
      },
    },
    {
      name: "maxPool on a strided input with ties and NaN: the first maximum wins, NaN wins",
      async run(g, t) {
        ds.manualSeed(32);
        const x = ds.randn([7, 6, 3]).round().permute(2, 0, 1).clone(); // (3, 7, 6): many ties
        const xs = x.transpose(1, 2); // (3, 6, 7), strided
        const withNaN = ds.tensor([[[1, NaN, 3], [NaN, 2, 5], [0, 0, 0]]]);
        for (const [name, x] of [["ties, strided", xs], ["NaN", withNaN]] as const) {
          const windows = maxWindows(x.shape.slice(1), { kernel: [2, 2], stride: [1, 1], padding: [0, 0], dilation: [1, 1], ceilMode: false });
          const [v, i] = maxPool(g, [toGPU(g, x)], { windows });
          const [cv, ci] = cpuBackend.maxPool([x], { windows }) as [ds.Tensor, ds.Tensor];
          await t.close(v!, cv, undefined, `maxima (${name})`);
          await t.close(i!, ci, undefined, `indices (${name})`);
        }
      },
    },
    {
      name: "maxPoolBackward adds each gradient at its index, overlapping windows summed in order (exact)",
      async run(g, t) {
        ds.manualSeed(33);
        for (const [shape, geo] of geometries) {
          const k = geo.kernel.length, inShape = shape.slice(shape.length - k);
          const x = ds.randn(shape).round(); // ties: several outputs pick one input
          const windows = maxWindows(inShape, geo);
          const [, ci] = cpuBackend.maxPool([x], { windows }) as [ds.Tensor, ds.Tensor];
          const gy = ds.randn(ci.shape);
          await t.close(maxPoolBackward(g, [toGPU(g, gy), toGPU(g, ci)], { inShape }), cpuBackend.maxPoolBackward([gy, ci], { inShape }) as ds.Tensor, undefined, `maxPoolBackward, ${label(shape, geo)}`);
        }
        // a strided gradient (every other plane), and 100 outputs per plane (more than one 64-wide tile)
        const x = ds.randn([6, 20, 20]);
        const windows = maxWindows([20, 20], { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false });
        const [, ci] = cpuBackend.maxPool([x], { windows }) as [ds.Tensor, ds.Tensor];
        const gy = ds.randn([6, 10, 10]).slice(0, 0, 6, 2), idx = ci.slice(0, 0, 6, 2);
        await t.close(maxPoolBackward(g, [toGPU(g, gy), toGPU(g, idx)], { inShape: [20, 20] }), cpuBackend.maxPoolBackward([gy, idx], { inShape: [20, 20] }) as ds.Tensor, undefined, "a strided gradient over 20×20 planes");
      },
    },
    {
      name: "avgPool and avgPoolBackward: padding counted or not, a divisor override, adaptive windows, strided inputs",
      async run(g, t) {
        ds.manualSeed(34);
        const cases: [string, ds.Tensor, AvgPoolParams][] = [];
        for (const [shape, geo] of geometries) {
          if (geo.dilation.some((d) => d !== 1)) continue;
          const inShape = shape.slice(shape.length - geo.kernel.length);
          cases.push([`${label(shape, geo)}, padding counted`, ds.randn(shape), avgParams(inShape, geo, true)], [`${label(shape, geo)}, padding not counted`, ds.randn(shape), avgParams(inShape, geo, false)]);
        }
        cases.push(["divisor override 3", ds.randn([2, 5, 9]), avgParams([9], { kernel: [4], stride: [3], padding: [2], dilation: [1], ceilMode: true }, true, 3)]);
        const adaptive = [adaptiveWindows(10, 3), adaptiveWindows(7, 4)];
        cases.push(["adaptive (10, 7) → (3, 4)", ds.randn([4, 10, 7]), { windows: adaptive, counts: adaptive.map((w) => w.lo.map((lo, o) => w.hi[o]! - lo)), divisorOverride: null, inShape: [10, 7] }]);
        cases.push(["adaptive, strided input", ds.randn([7, 10, 4]).permute(2, 1, 0), { windows: adaptive, counts: adaptive.map((w) => w.lo.map((lo, o) => w.hi[o]! - lo)), divisorOverride: null, inShape: [10, 7] }]);
        for (const [name, x, p] of cases) {
          const y = cpuBackend.avgPool([x], p) as ds.Tensor;
          await t.close(avgPool(g, [toGPU(g, x)], p), y, sumTol, `avgPool, ${name}`);
          const gy = ds.randn(y.shape);
          await t.close(avgPoolBackward(g, [toGPU(g, gy)], p), cpuBackend.avgPoolBackward([gy], p) as ds.Tensor, sumTol, `avgPoolBackward, ${name}`);
          const gyT = ds.randn(y.shape.slice().reverse()).permute(...y.shape.map((_, d) => y.shape.length - 1 - d)); // strided gradient
          await t.close(avgPoolBackward(g, [toGPU(g, gyT)], p), cpuBackend.avgPoolBackward([gyT], p) as ds.Tensor, sumTol, `avgPoolBackward of a strided gradient, ${name}`);
        }
      },
    },
    {
      name: "empty batches give empty outputs without dispatching",
      async run(g, t) {
        const windows = maxWindows([5, 5], { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false });
        const before = g.stats.dispatches;
        const [v, i] = maxPool(g, [toGPU(g, ds.zeros([0, 3, 5, 5]))], { windows });
        t.equal(v!.shape, [0, 3, 2, 2], "maxPool's empty output shape");
        t.equal(i!.dtype, "int32", "maxPool's index dtype");
        t.equal(maxPoolBackward(g, [toGPU(g, ds.zeros([0, 3, 2, 2])), toGPU(g, ds.zeros([0, 3, 2, 2], { dtype: "int32" }))], { inShape: [5, 5] }).shape, [0, 3, 5, 5], "maxPoolBackward's empty output shape");
        t.equal(g.stats.dispatches, before, "dispatches for empty batches");
      },
    },
  ],
};
