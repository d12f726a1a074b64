// The WASM convolution kernels (im2col + GEMM in linear memory) agree with the CPU reference on 1-D and
// 2-D geometries with stride, padding (also uneven at the end), dilation, groups and 1×1 kernels.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { wasmOverrides } from "../../src/backend/wasmBackend.js";
import { initWasmKernels } from "../../src/backend/wasm/index.js";
import type { Tensor } from "../../src/index.js";
import type { ConvParams } from "../../src/autograd/prims.js";

const wasm = wasmOverrides(await initWasmKernels());
const gen = new ds.Generator(5);
const randn = (shape: number[]) => ds.randn(shape, { generator: gen });

/** Float32 sums of K products: |error| ≤ K·2⁻²³·scale (Higham, eq. 3.5), as in wasmBackend.test.ts. */
function expectClose(got: Tensor, want: Tensor, k: number): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync(), w = want.dataSync();
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst).toBeLessThanOrEqual(k * 2 ** -23 * 4 * Math.sqrt(k));
}

interface Geometry {
  name: string;
  N: number;
  Cin: number;
  Cout: number;
  inSize: number[];
  kernel: number[];
  p: Omit<ConvParams, "outputSize">;
  /** Padding after the input, per dim (default: the same as before). */
  end?: number[];
}

const geometries: Geometry[] = [
  { name: "2-D 5×5 pad 2 (W3's first layer)", N: 3, Cin: 1, Cout: 8, inSize: [12, 12], kernel: [5, 5], p: { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 } },
  { name: "2-D stride (2, 3), dilation (2, 1), groups 2", N: 2, Cin: 4, Cout: 6, inSize: [11, 13], kernel: [3, 2], p: { stride: [2, 3], padding: [1, 2], dilation: [2, 1], groups: 2 } },
  { name: "2-D depthwise, uneven 'same' padding", N: 2, Cin: 3, Cout: 6, inSize: [7, 8], kernel: [2, 4], p: { stride: [1, 1], padding: [0, 1], dilation: [1, 1], groups: 3 }, end: [1, 2] },
  { name: "2-D 1×1 kernel (no columns)", N: 2, Cin: 16, Cout: 8, inSize: [5, 6], kernel: [1, 1], p: { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 } },
  // 8.3 MFLOP, above the kernels' threading threshold: threads split the batch (7 images: uneven
  // chunks), each with its own columns; convWeight adds the threads' partial sums.
  { name: "2-D 3×3 pad 1, batch 7 (threaded over images)", N: 7, Cin: 16, Cout: 16, inSize: [16, 16], kernel: [3, 3], p: { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 } },
  { name: "2-D 3×3 stride 2 groups 2, batch 9 (threaded over images)", N: 9, Cin: 16, Cout: 32, inSize: [18, 18], kernel: [3, 3], p: { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 2 } },
  { name: "1-D stride 2, dilation 3", N: 4, Cin: 5, Cout: 7, inSize: [40], kernel: [4], p: { stride: [2], padding: [3], dilation: [3], groups: 1 } },
];

describe("WASM convolution kernels agree with the CPU reference (float32)", () => {
  for (const g of geometries) {
    const end = g.end ?? g.p.padding;
    const outputSize = g.inSize.map((s, i) => Math.floor((s + g.p.padding[i]! + end[i]! - g.p.dilation[i]! * (g.kernel[i]! - 1) - 1) / g.p.stride[i]!) + 1);
    const params: ConvParams = { ...g.p, outputSize };
    const x = randn([g.N, g.Cin, ...g.inSize]), w = randn([g.Cout, g.Cin / g.p.groups, ...g.kernel]);
    const dy = randn([g.N, g.Cout, ...outputSize]);
    const taps = (g.Cin / g.p.groups) * g.kernel.reduce((a, b) => a * b, 1);
    it(`${g.name}: conv`, () => expectClose(wasm.conv!([x, w], params) as Tensor, cpuBackend.conv([x, w], params) as Tensor, taps));
    it(`${g.name}: convTranspose`, () => {
      const p = { ...params, outputSize: g.inSize };
      expectClose(wasm.convTranspose!([dy, w], p) as Tensor, cpuBackend.convTranspose([dy, w], p) as Tensor, g.Cout);
    });
    it(`${g.name}: convWeight`, () => {
      const p = { ...params, outputSize: g.kernel };
      expectClose(wasm.convWeight!([x, dy], p) as Tensor, cpuBackend.convWeight([x, dy], p) as Tensor, g.N * outputSize.reduce((a, b) => a * b, 1));
    });
  }

  it("convWeight gives the same bits at 1 and 2 threads (the images' partial sums are fixed chunks added in order)", async () => {
    const kernels = await initWasmKernels();
    const before = kernels.getNumThreads();
    const x = randn([9, 16, 18, 18]), dy = randn([9, 32, 9, 9]);
    const p: ConvParams = { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 2, outputSize: [3, 3] };
    try {
      await kernels.setNumThreads(1);
      const one = (wasm.convWeight!([x, dy], p) as Tensor).dataSync();
      await kernels.setNumThreads(2);
      const two = (wasm.convWeight!([x, dy], p) as Tensor).dataSync();
      expect(Array.from(two)).toEqual(Array.from(one));
    } finally {
      await kernels.setNumThreads(before);
    }
  });

  it("computes image by image the bits of im2col over the whole batch and one GEMM per image, at 1 and 2 threads", async () => {
    const kernels = await initWasmKernels();
    const before = kernels.getNumThreads();
    // W3's second layer, smaller: 6 × 16 × 144 × 200 × 2 = 5.5 MFLOP, above the threading threshold
    const N = 6, C = 8, O = 16, H = 12, W = 12, CK = C * 25, L = H * W;
    const x = randn([N, C, H, W]), w = randn([O, C, 5, 5]), dy = randn([N, O, H, W]);
    const params: ConvParams = { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1, outputSize: [H, W] };
    const s = {
      batch: N, inChannels: C, outChannels: O, groups: 1, height: H, width: W, kernelH: 5, kernelW: 5,
      strideH: 1, strideW: 1, padH: 2, padW: 2, dilationH: 1, dilationW: 1, outH: H, outW: W,
    };
    const xd = x.dataSync() as Float32Array, wd = w.dataSync() as Float32Array, dyd = dy.dataSync() as Float32Array;
    try {
      await kernels.setNumThreads(1);
      // the batch path: all columns first (unfold), then GEMMs over them
      const cols = kernels.unfold2d(s, xd, new Float32Array(N * CK * L));
      const y = kernels.gemmBatched(N, O, L, CK, { data: wd, rowStride: CK, colStride: 1, batchStride: 0 }, { data: cols, rowStride: L, colStride: 1, batchStride: CK * L });
      const colsT = kernels.gemmBatched(N, CK, L, O, { data: wd, rowStride: 1, colStride: CK, batchStride: 0 }, { data: dyd, rowStride: L, colStride: 1, batchStride: O * L });
      const dx = kernels.fold2d(s, colsT, new Float32Array(N * C * H * W));
      // the weight gradient sums fixed chunks of ceil(N / 4) = 2 images, each in image order, then the chunks in order
      const partials = [0, 2, 4].map((first) => kernels.gemmBatched(
        2, O, CK, L,
        { data: dyd, offset: first * O * L, rowStride: L, colStride: 1, batchStride: O * L },
        { data: cols, offset: first * CK * L, rowStride: 1, colStride: L, batchStride: CK * L },
        { beta: 1, out: new Float32Array(O * CK), outBatchStride: 0 },
      ));
      const dw = partials[0]!.map((v, i) => Math.fround(Math.fround(v + partials[1]![i]!) + partials[2]![i]!));
      for (const threads of [1, 2]) {
        await kernels.setNumThreads(threads);
        expect(Array.from((wasm.conv!([x, w], params) as Tensor).dataSync())).toEqual(Array.from(y));
        expect(Array.from((wasm.convTranspose!([dy, w], { ...params, outputSize: [H, W] }) as Tensor).dataSync())).toEqual(Array.from(dx));
        expect(Array.from((wasm.convWeight!([x, dy], { ...params, outputSize: [5, 5] }) as Tensor).dataSync())).toEqual(Array.from(dw));
      }
    } finally {
      await kernels.setNumThreads(before);
    }
  });

  it("adds the fused bias per output channel", () => {
    const x = randn([3, 4, 9, 9]), w = randn([6, 2, 3, 3]), b = randn([6]);
    const params: ConvParams = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 2, outputSize: [9, 9] };
    expectClose(wasm.conv!([x, w, b], params) as Tensor, cpuBackend.conv([x, w, b], params) as Tensor, 19);
  });

  it("fills a large output with the bias across threads: the same bits as on one thread, close to the reference", async () => {
    const kernels = await initWasmKernels();
    const before = kernels.getNumThreads();
    // 8 × 16 × 32 × 32 = 131,072 outputs: above the bias fill's threading threshold
    const x = randn([8, 3, 32, 32]), w = randn([16, 3, 3, 3]), b = randn([16]);
    const params: ConvParams = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, outputSize: [32, 32] };
    try {
      await kernels.setNumThreads(1);
      const one = (wasm.conv!([x, w, b], params) as Tensor).dataSync();
      await kernels.setNumThreads(2);
      const two = wasm.conv!([x, w, b], params) as Tensor;
      expect(Array.from(two.dataSync())).toEqual(Array.from(one));
      expectClose(two, cpuBackend.conv([x, w, b], params) as Tensor, 28);
    } finally {
      await kernels.setNumThreads(before);
    }
  });

  it("unfold and fold (im2col, col2im) of 1-D and 2-D images", () => {
    for (const p of [
      { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], imageSize: [11, 9], blocks: [6, 7] },
      { kernelSize: [4], stride: [3], padding: [2], dilation: [2], imageSize: [50], blocks: [16] },
    ]) {
      const x = randn([4, 30, ...p.imageSize]);
      const K = p.kernelSize.reduce((a, b) => a * b, 1), L = p.blocks.reduce((a, b) => a * b, 1);
      expect((wasm.unfold!([x], p) as Tensor).toList()).toEqual((cpuBackend.unfold([x], p) as Tensor).toList()); // copies: exact
      const cols = randn([4, 30 * K, L]);
      expectClose(wasm.fold!([cols], p) as Tensor, cpuBackend.fold([cols], p) as Tensor, K);
    }
  });

  it("reads strided (non-contiguous) inputs", () => {
    const x = randn([2, 6, 9, 3]).permute(0, 3, 1, 2); // (2, 3, 6, 9), channels last in memory
    const w = randn([4, 3, 3, 3]);
    const params: ConvParams = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, outputSize: [6, 9] };
    expectClose(wasm.conv!([x, w], params) as Tensor, cpuBackend.conv([x, w], params) as Tensor, 27);
  });

  it("hands float64 and 3-D convolutions to the reference", () => {
    const x = randn([1, 2, 4, 4, 4]), w = randn([2, 2, 2, 2, 2]);
    const params: ConvParams = { stride: [1, 1, 1], padding: [0, 0, 0], dilation: [1, 1, 1], groups: 1, outputSize: [3, 3, 3] };
    expect((wasm.conv!([x, w], params) as Tensor).toList()).toEqual((cpuBackend.conv([x, w], params) as Tensor).toList());
    const x64 = x.double(), w64 = w.double();
    expect((wasm.conv!([x64, w64], params) as Tensor).toList()).toEqual((cpuBackend.conv([x64, w64], params) as Tensor).toList());
  });
});
