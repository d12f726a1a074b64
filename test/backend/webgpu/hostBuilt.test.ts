// Tables and masks built on the host reach the device, nn.Embedding and dropout work there, and indices
// out of range are reported at the next read. The cases live in ./cases/hostBuilt.ts
// (test/browser/webgpu.test.ts runs them in Chromium too).
import { hostBuiltCases } from "./cases/hostBuilt.js";
import { describeCases } from "./gpu.js";

await describeCases(hostBuiltCases);
