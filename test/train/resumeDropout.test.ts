// Exact resume with dropout and shuffling (issue #12 item 7): checkpoints carry every generator's state
// (global, per-module, the loader's), so a run stopped after any epoch and resumed ends bit-identical.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { load, loadCheckpoint } from "../../src/io/checkpoint.js";
import { ModelCheckpoint, resume } from "../../src/train/ModelCheckpoint.js";
import { manualSeed } from "../../src/random/Generator.js";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { TOTAL_EPOCHS, makeDropoutRun } from "./resumeDropoutTask.js";

const bits = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().buffer));
const GLOBAL_SEED = 123;

async function straightRun(): Promise<Record<string, Tensor>> {
  manualSeed(GLOBAL_SEED);
  const r = makeDropoutRun(7);
  await r.run(TOTAL_EPOCHS);
  return r.model.stateDict();
}

async function checkpointAfter(epochs: number, dir: string): Promise<string> {
  manualSeed(GLOBAL_SEED);
  const r = makeDropoutRun(7);
  const path = join(dir, `ckpt-${epochs}.safetensors`);
  await r.run(epochs, 0, [new ModelCheckpoint({ path })]);
  return path;
}

describe("resume with dropout and generator shuffling", () => {
  it("stopped after epoch 1, 2 or 3 and resumed in this process: bit-identical to the uninterrupted run", async () => {
    const expected = await straightRun();
    const dir = mkdtempSync(join(tmpdir(), "ds-resume-dropout-"));
    for (const stopAfter of [1, 2, 3]) {
      const path = await checkpointAfter(stopAfter, dir);
      manualSeed(999); // the global stream moves on elsewhere; resume must restore it
      const r = makeDropoutRun(999);
      const initialEpoch = resume(await loadCheckpoint(path), { model: r.model, optimizer: r.optimizer, trainLoader: r.trainLoader });
      expect(initialEpoch).toBe(stopAfter);
      await r.run(TOTAL_EPOCHS, initialEpoch);
      const got = r.model.stateDict();
      for (const [name, t] of Object.entries(expected)) expect(bits(got[name]!), `${name} after stopping at ${stopAfter}`).toEqual(bits(t));
    }
  }, 60_000);

  it("without the generator states the resumed run differs (the test can fail)", async () => {
    const expected = await straightRun();
    const dir = mkdtempSync(join(tmpdir(), "ds-resume-dropout-"));
    const ck = await loadCheckpoint(await checkpointAfter(2, dir));
    delete (ck.extra as { rng?: unknown }).rng;
    manualSeed(999);
    const r = makeDropoutRun(999);
    await r.run(TOTAL_EPOCHS, resume(ck, { model: r.model, optimizer: r.optimizer, trainLoader: r.trainLoader }));
    expect(bits(r.model.stateDict()["0.weight"]!)).not.toEqual(bits(expected["0.weight"]!));
  }, 60_000);

  it("resumed in a fresh process: bit-identical", async () => {
    const expected = await straightRun();
    const dir = mkdtempSync(join(tmpdir(), "ds-resume-dropout-"));
    const path = await checkpointAfter(2, dir);
    const out = join(dir, "resumed.safetensors");
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    execFileSync(tsx, [join(import.meta.dirname, "resumeDropoutWorker.ts"), path, out], { stdio: "pipe" });
    const resumed = await load(out);
    for (const [name, t] of Object.entries(expected)) expect(bits(resumed[name]!), name).toEqual(bits(t));
  }, 60_000);

  it("a checkpoint naming a generator the model lacks is an error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-resume-dropout-"));
    const ck = await loadCheckpoint(await checkpointAfter(1, dir));
    const r = makeDropoutRun(1);
    (ck.extra as { rng: { modules: Record<string, number[]> } }).rng.modules["9._generator"] = [1, 2, 3, 4, 0, 1];
    expect(() => resume(ck, { model: r.model, optimizer: r.optimizer, trainLoader: r.trainLoader })).toThrow(/restoreRng: the checkpoint has a generator "9._generator" that the model does not have/);
  });
});
