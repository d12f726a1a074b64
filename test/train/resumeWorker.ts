// Run in a fresh process by resume.test.ts: load a checkpoint, finish training, save the final weights.
import { loadCheckpoint, save } from "../../src/io/checkpoint.js";
import type { OptimizerStateDict } from "../../src/optim/Optimizer.js";
import type { SGDHyper } from "../../src/optim/SGD.js";
import { TOTAL_EPOCHS, makeRun } from "./resumeTask.js";

const [checkpointPath, outPath] = process.argv.slice(2) as [string, string];
const { model, optimizer, run } = makeRun(999); // different initial weights: everything must come from the checkpoint
const ck = await loadCheckpoint(checkpointPath);
model.loadStateDict(ck.stateDict);
optimizer.loadStateDict(ck.optimizer as unknown as OptimizerStateDict<SGDHyper>);
await run(TOTAL_EPOCHS, (ck.extra as { epoch: number }).epoch + 1);
await save(model.stateDict(), outPath);
