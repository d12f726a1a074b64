// WebGPU slice (a view), unslice and cat agree with the CPU reference kernels for every dtype, on strided
// inputs, with steps, and with empty parts. The cases live in ./cases/movement.ts
// (test/browser/webgpu.test.ts runs them in Chromium too).
import { movementCases } from "./cases/movement.js";
import { describeCases } from "./gpu.js";

await describeCases(movementCases);
