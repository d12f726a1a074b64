// WebGPU elementwise kernels agree with the CPU reference: every unary and binary primitive, comparisons,
// where, casts and the contiguous copy, on odd sizes, broadcasting, strided views and empty tensors.
// The cases live in ./cases/elementwise.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { elementwiseCases } from "./cases/elementwise.js";
import { describeCases } from "./gpu.js";

await describeCases(elementwiseCases);
