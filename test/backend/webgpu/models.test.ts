// A CNN and a Transformer block trained 50 steps with Adam under setBackend("webgpu") have the CPU's
// losses. The cases live in ./cases/models.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { modelTrainingCases } from "./cases/models.js";
import { describeCases } from "./gpu.js";

await describeCases(modelTrainingCases);
