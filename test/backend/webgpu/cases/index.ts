// Every group of WebGPU agreement cases, in the order both runners use: the vitest files of
// test/backend/webgpu (one group each, in Node on Dawn) and test/browser/webgpu-entry.ts (all of them, in
// Chromium). A new case is one entry in its group's `cases` ({ name, run(gpu, t) }, comparing through
// t.close / t.closeValues / t.equal / t.throws); a new group is one file here exporting a WebGPUCaseGroup,
// one line below, and a three-line test file that calls describeCases (see matmul.test.ts). Case files are
// bundled for the browser: they import src/ and ./check.js only (no vitest, no node:*).
import type { WebGPUCaseGroup } from "./check.js";
import { deviceCases } from "./device.js";
import { elementwiseCases } from "./elementwise.js";
import { indexingCases } from "./indexing.js";
import { matmulCases } from "./matmul.js";
import { optimCases } from "./optim.js";
import { reduceCases } from "./reduce.js";
import { trainingCases } from "./training.js";

export const caseGroups: readonly WebGPUCaseGroup[] = [deviceCases, elementwiseCases, reduceCases, matmulCases, indexingCases, optimCases, trainingCases];
