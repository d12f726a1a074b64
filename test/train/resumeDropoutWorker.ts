// Run in a fresh process by resumeDropout.test.ts: resume from a checkpoint, finish, save the final weights.
import { loadCheckpoint, save } from "../../src/io/checkpoint.js";
import { resume } from "../../src/train/ModelCheckpoint.js";
import { manualSeed } from "../../src/random/Generator.js";
import { TOTAL_EPOCHS, makeDropoutRun } from "./resumeDropoutTask.js";

const [checkpointPath, outPath] = process.argv.slice(2) as [string, string];
manualSeed(999); // a different global stream: everything must come from the checkpoint
const { model, optimizer, trainLoader, run } = makeDropoutRun(999); // different weights and generators too
const initialEpoch = resume(await loadCheckpoint(checkpointPath), { model, optimizer, trainLoader });
await run(TOTAL_EPOCHS, initialEpoch);
await save(model.stateDict(), outPath);
