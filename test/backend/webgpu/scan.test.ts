// WebGPU cumsum agrees with the CPU reference kernel along every dim, forward and reversed, on strided
// inputs, int32 (exact) and empty tensors. The cases live in ./cases/scan.ts (test/browser/webgpu.test.ts
// runs them in Chromium too).
import { scanCases } from "./cases/scan.js";
import { describeCases } from "./gpu.js";

await describeCases(scanCases);
