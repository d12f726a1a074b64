// A small MLP trained through the layout-level WebGPU kernels follows autograd + optim.Adam on the CPU.
// The case lives in ./cases/training.ts (test/browser/webgpu.test.ts runs it in Chromium too).
import { trainingCases } from "./cases/training.js";
import { describeCases } from "./gpu.js";

await describeCases(trainingCases);
