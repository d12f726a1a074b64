// WebGPU scatter, scatterAdd and indexAdd agree with the CPU reference kernels exactly: repeated indices,
// strided operands, int32 data, and empty indices. The cases live in ./cases/scatter.ts
// (test/browser/webgpu.test.ts runs them in Chromium too).
import { scatterCases } from "./cases/scatter.js";
import { describeCases } from "./gpu.js";

await describeCases(scatterCases);
