// The WebGPU implicit-GEMM convolutions agree with the CPU reference kernels on 1-D, 2-D and 3-D geometries
// with stride, padding, dilation and groups, split-K, strided operands and empty batches. The cases live in
// ./cases/conv.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { convCases } from "./cases/conv.js";
import { describeCases } from "./gpu.js";

await describeCases(convCases);
