// WebGPU scaled dot-product attention and its gradient agree with the CPU reference kernels: odd sizes,
// additive float masks (broadcast, −∞ entries, a fully masked row), the causal mask, strided q/k/v, and the
// mask's gradient. The cases live in ./cases/attention.ts (test/browser/webgpu.test.ts runs them in
// Chromium too).
import { attentionCases } from "./cases/attention.js";
import { describeCases } from "./gpu.js";

await describeCases(attentionCases);
