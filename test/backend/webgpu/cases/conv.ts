// The WebGPU implicit-GEMM convolutions (conv, convTranspose, convWeight) vs the CPU reference kernels on
// 1-D, 2-D and 3-D geometries with stride, padding (uneven at the end), dilation and groups, odd sizes
// around the 64×64×16 tiles, long reductions split over workgroups (split-K), strided (permuted, sliced)
// operands and empty batches.
import * as ds from "../../../../src/index.js";
import type { ConvParams } from "../../../../src/autograd/prims.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { conv, convTranspose, convWeight } from "../../../../src/backend/webgpu/conv.js";
import { toGPU, type Tolerance, type WebGPUCaseGroup } from "./check.js";

/**
 * float32 tolerance of a K-term sum of products of standard normals: the GPU sums in float32 in tile
 * order, the CPU in float64 then rounds; 5e-7·K absolute (≈ 4ε per term) and rtol 1e-5, as matmul.
 */
const tol = (K: number): Tolerance => ({ atol: 5e-7 * Math.max(K, 1), rtol: 1e-5 });

/** One convolution geometry: input spatial size, kernel, stride, padding, dilation, groups, channels. */
interface Geometry {
  N: number;
  Cg: number;
  Og: number;
  G: number;
  inSize: number[];
  k: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  /** Extra padding at the end (PyTorch's padding="same" with an even kernel makes it differ). */
  extraEnd?: number[];
}

function outSizeOf(c: Geometry): number[] {
  return c.inSize.map((n, a) => Math.floor((n + 2 * c.padding[a]! - (c.extraEnd?.[a] ?? 0) - c.dilation[a]! * (c.k[a]! - 1) - 1) / c.stride[a]!) + 1);
}

const params = (c: Geometry, outputSize: number[]): ConvParams => ({ stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.G, outputSize });

const geometries: Geometry[] = [
  { N: 2, Cg: 3, Og: 5, G: 1, inSize: [9, 11], k: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { N: 3, Cg: 2, Og: 3, G: 2, inSize: [13, 10], k: [3, 2], stride: [2, 3], padding: [1, 0], dilation: [2, 1] },
  { N: 1, Cg: 5, Og: 70, G: 1, inSize: [17], k: [4], stride: [1], padding: [2], dilation: [1], extraEnd: [1] }, // "same" with an even kernel
  { N: 2, Cg: 1, Og: 1, G: 4, inSize: [5, 6, 7], k: [2, 3, 1], stride: [1, 2, 1], padding: [0, 1, 0], dilation: [1, 1, 3] }, // depthwise 3-D
  { N: 9, Cg: 17, Og: 3, G: 1, inSize: [8, 8], k: [5, 5], stride: [1, 1], padding: [2, 2], dilation: [1, 1] }, // K = 425; convWeight's K = 576 is split
  { N: 1, Cg: 64, Og: 5, G: 1, inSize: [4, 3], k: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] }, // one tile, K = 576: split-K with a bias
];

/** A geometry as a label: "N×(G·Cg)×inSize, k, stride s, padding p, dilation d, groups G". */
const describeGeometry = (c: Geometry): string => `input [${[c.N, c.G * c.Cg, ...c.inSize].join(", ")}], kernel [${c.k.join(", ")}], stride [${c.stride.join(", ")}], padding [${c.padding.join(", ")}], dilation [${c.dilation.join(", ")}], groups ${c.G}`;

export const convCases: WebGPUCaseGroup = {
  title: "WebGPU convolutions",
  cases: [
    {
      name: "conv (with and without bias) on 1-D, 2-D and 3-D geometries with stride, padding, dilation and groups",
      async run(g, t) {
        ds.manualSeed(21);
        for (const c of geometries) {
          const x = ds.randn([c.N, c.G * c.Cg, ...c.inSize]), w = ds.randn([c.G * c.Og, c.Cg, ...c.k]), b = ds.randn([c.G * c.Og]);
          const p = params(c, outSizeOf(c));
          const K = c.Cg * c.k.reduce((a, s) => a * s, 1);
          await t.close(conv(g, [toGPU(g, x), toGPU(g, w)], p), cpuBackend.conv([x, w], p) as ds.Tensor, tol(K), `conv, ${describeGeometry(c)}`);
          await t.close(conv(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], p), cpuBackend.conv([x, w, b], p) as ds.Tensor, tol(K), `conv with bias, ${describeGeometry(c)}`);
        }
      },
    },
    {
      name: "convTranspose (the adjoint in x) and convWeight (the adjoint in w) on the same geometries",
      async run(g, t) {
        ds.manualSeed(22);
        for (const c of geometries) {
          const out = outSizeOf(c);
          const x = ds.randn([c.N, c.G * c.Cg, ...c.inSize]), w = ds.randn([c.G * c.Og, c.Cg, ...c.k]), dy = ds.randn([c.N, c.G * c.Og, ...out]);
          // convTranspose of dy with w (G·Og, Cg, *k) read as (G·Ig, Og', *k): Ig = Og, Og' = Cg
          const pt = params(c, c.inSize);
          const taps = c.k.reduce((a, s) => a * s, 1);
          await t.close(convTranspose(g, [toGPU(g, dy), toGPU(g, w)], pt), cpuBackend.convTranspose([dy, w], pt) as ds.Tensor, tol(c.Og * taps), `convTranspose, ${describeGeometry(c)}`);
          const pw = params(c, c.k);
          const rows = c.N * out.reduce((a, s) => a * s, 1);
          await t.close(convWeight(g, [toGPU(g, x), toGPU(g, dy)], pw), cpuBackend.convWeight([x, dy], pw) as ds.Tensor, tol(rows), `convWeight, ${describeGeometry(c)}`);
        }
      },
    },
    {
      name: "strided operands (channels-last permutes, sliced batches, a transposed kernel) are read through their strides",
      async run(g, t) {
        ds.manualSeed(23);
        const c = geometries[1]!;
        const out = outSizeOf(c);
        const x = ds.randn([c.N, ...c.inSize, c.G * c.Cg]).permute(0, 3, 1, 2); // channels-last storage
        const w = ds.randn([c.Cg, c.G * c.Og, ...c.k]).transpose(0, 1); // (G·Og, Cg, *k) with swapped strides
        const dy = ds.randn([2 * c.N, c.G * c.Og, ...out]).slice(0, 0, 2 * c.N, 2); // every other sample
        const b = ds.randn([2 * c.G * c.Og]).slice(0, 1, 2 * c.G * c.Og, 2);
        const p = params(c, out), K = c.Cg * 6;
        t.equal(x.isContiguous(), false, "the channels-last input is strided");
        await t.close(conv(g, [toGPU(g, x), toGPU(g, w), toGPU(g, b)], p), cpuBackend.conv([x, w, b], p) as ds.Tensor, tol(K), "conv");
        await t.close(convTranspose(g, [toGPU(g, dy), toGPU(g, w)], params(c, c.inSize)), cpuBackend.convTranspose([dy, w], params(c, c.inSize)) as ds.Tensor, tol(c.Og * 6), "convTranspose");
        await t.close(convWeight(g, [toGPU(g, x), toGPU(g, dy)], params(c, c.k)), cpuBackend.convWeight([x, dy], params(c, c.k)) as ds.Tensor, tol(c.N * 24), "convWeight");
      },
    },
    {
      name: "an empty batch gives an empty output, and its weight gradient is zeros",
      async run(g, t) {
        const c = geometries[0]!;
        const x = ds.zeros([0, 3, 9, 11]), w = ds.randn([5, 3, 3, 3]), dy = ds.zeros([0, 5, 9, 11]);
        const before = g.stats.dispatches;
        t.equal(conv(g, [toGPU(g, x), toGPU(g, w)], params(c, [9, 11])).shape, [0, 5, 9, 11], "the empty output's shape");
        t.equal(g.stats.dispatches, before, "dispatches for an empty batch");
        await t.close(convWeight(g, [toGPU(g, x), toGPU(g, dy)], params(c, [3, 3])), ds.zeros([5, 3, 3, 3]), undefined, "convWeight of an empty batch");
        t.throws(() => conv(g, [toGPU(g, ds.zeros([1, 4, 5, 5])), toGPU(g, w)], params(c, [5, 5])), /^conv: input of shape \[1, 4, 5, 5\] and weight of shape \[5, 3, 3, 3\] do not fit 1 groups/, "channels that do not fit the groups");
      },
    },
  ],
};
