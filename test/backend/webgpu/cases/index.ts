// Every group of WebGPU agreement cases, in the order both runners use: the vitest files of
// test/backend/webgpu (one group each, in Node on Dawn) and test/browser/webgpu-entry.ts (all of them, in
// Chromium). A new case is one entry in its group's `cases` ({ name, run(gpu, t) }, comparing through
// t.close / t.closeValues / t.equal / t.throws); a new group is one file here exporting a WebGPUCaseGroup,
// one line below, and a three-line test file that calls describeCases (see matmul.test.ts). Case files are
// bundled for the browser: they import src/, ./check.js and ../cases.js only (no vitest,
// no node:*).
import type { WebGPUCaseGroup } from "./check.js";
import { attentionCases } from "./attention.js";
import { convCases } from "./conv.js";
import { deviceCases } from "./device.js";
import { elementwiseCases } from "./elementwise.js";
import { hostBuiltCases } from "./hostBuilt.js";
import { indexingCases } from "./indexing.js";
import { matmulCases } from "./matmul.js";
import { modelTrainingCases } from "./models.js";
import { movementCases } from "./movement.js";
import { normCases } from "./norm.js";
import { optimCases } from "./optim.js";
import { poolCases } from "./pool.js";
import { reduceCases } from "./reduce.js";
import { scanCases } from "./scan.js";
import { scatterCases } from "./scatter.js";
import { trainingCases } from "./training.js";

export const caseGroups: readonly WebGPUCaseGroup[] = [
  deviceCases, elementwiseCases, reduceCases, matmulCases, indexingCases, movementCases, scatterCases, scanCases,
  convCases, poolCases, normCases, attentionCases, optimCases, trainingCases, modelTrainingCases,
  hostBuiltCases,
];
