// WebGPU layerNorm and layerNormBackward agree with the CPU reference kernels: row lengths around the
// workgroup widths, strided inputs, and empty batches. The cases live in ./cases/norm.ts
// (test/browser/webgpu.test.ts runs them in Chromium too).
import { normCases } from "./cases/norm.js";
import { describeCases } from "./gpu.js";

await describeCases(normCases);
