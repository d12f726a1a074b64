// The fused WebGPU optimizer steps follow src/optim's CPU optimizers on the same numbers: Adam (with L2
// weight decay, and AMSGrad), AdamW, and SGD with momentum, dampening and Nesterov, over several steps.
// The cases live in ./cases/optim.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { optimCases } from "./cases/optim.js";
import { describeCases } from "./gpu.js";

await describeCases(optimCases);
