// WebGPU gather and indexSelect agree with the CPU reference on strided inputs and indices, every dim,
// repeated indices and empty index tensors. The cases live in ./cases/indexing.ts (test/browser/webgpu.test.ts
// runs them in Chromium too).
import { indexingCases } from "./cases/indexing.js";
import { describeCases } from "./gpu.js";

await describeCases(indexingCases);
