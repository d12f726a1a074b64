// WebGPU pooling agrees with the CPU reference kernels: max pooling (values, indices, ties, NaN), average
// pooling (padding counted or not, divisor override, adaptive windows) and both adjoints, over 1-3 pooled
// dims, on strided inputs and empty batches. The cases live in ./cases/pool.ts (test/browser/webgpu.test.ts
// runs them in Chromium too).
import { poolCases } from "./cases/pool.js";
import { describeCases } from "./gpu.js";

await describeCases(poolCases);
