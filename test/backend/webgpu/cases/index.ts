// Every group of WebGPU agreement cases, in the order both runners use: the vitest files of
// test/backend/webgpu (one group each, in Node on Dawn) and test/browser/webgpu-entry.ts (all of them, in
// Chromium). A new group is one file here exporting a WebGPUCaseGroup, one line below, and a three-line
// test file that calls describeCases (see matmul.test.ts).
import type { WebGPUCaseGroup } from "./check.js";
import { deviceCases } from "./device.js";
import { elementwiseCases } from "./elementwise.js";
import { indexingCases } from "./indexing.js";
import { matmulCases } from "./matmul.js";
import { optimCases } from "./optim.js";
import { reduceCases } from "./reduce.js";
import { trainingCases } from "./training.js";

export const caseGroups: readonly WebGPUCaseGroup[] = [deviceCases, elementwiseCases, reduceCases, matmulCases, indexingCases, optimCases, trainingCases];
