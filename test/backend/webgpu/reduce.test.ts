// WebGPU reductions and softmax agree with the CPU reference: every reduce op over single and multiple dims,
// keepdim, odd line lengths, strided views, empty lines and empty outputs. The cases live in
// ./cases/reduce.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { reduceCases } from "./cases/reduce.js";
import { describeCases } from "./gpu.js";

await describeCases(reduceCases);
