// The tiled WebGPU matmul agrees with the CPU reference: odd sizes around the 64×64×16 tiles, both load
// paths, transposed operands read through strides, batched and broadcast batches, linear with bias, and empty
// products. The cases live in ./cases/matmul.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { matmulCases } from "./cases/matmul.js";
import { describeCases } from "./gpu.js";

await describeCases(matmulCases);
