// Run in a child process by interruptedSave.test.ts: saves checkpoint generation g to a path, optionally killing itself (SIGKILL) after a given step.
import { saveCheckpointInSteps, type SaveStep } from "../../src/io/checkpoint.js";
import { generationCheckpoint } from "./checkpointGenerations.js";

const [path, generation, killAfter] = process.argv.slice(2) as [string, string, SaveStep | undefined];
const checkpoint = generationCheckpoint(Number(generation));
process.stdout.write("ready\n");
const start = performance.now();
await saveCheckpointInSteps(path, checkpoint, {}, (step) => {
  if (step === killAfter) process.kill(process.pid, "SIGKILL");
});
process.stdout.write(`done ${performance.now() - start}\n`);
