import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { load } from "../../src/io/checkpoint.js";
import { ModelCheckpoint } from "../../src/train/ModelCheckpoint.js";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { TOTAL_EPOCHS, makeRun } from "./resumeTask.js";

const bits = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().buffer));

describe("checkpoint and resume", () => {
  it("a run checkpointed after epoch 2 and resumed in a fresh process ends with bit-identical parameters", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-resume-"));
    const straight = makeRun(7);
    await straight.run(TOTAL_EPOCHS);

    const interrupted = makeRun(7);
    await interrupted.run(2, 0, [new ModelCheckpoint({ path: join(dir, "ckpt.safetensors") })]);

    const out = join(dir, "resumed.safetensors");
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    execFileSync(tsx, [join(import.meta.dirname, "resumeWorker.ts"), join(dir, "ckpt.safetensors"), out], { stdio: "pipe" });

    const resumed = await load(out);
    const expected = straight.model.stateDict();
    expect(Object.keys(resumed).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, t] of Object.entries(expected)) expect(bits(resumed[name]!), name).toEqual(bits(t));
    // and the interrupted run really was behind:
    expect(bits(interrupted.model.stateDict()["0.weight"]!)).not.toEqual(bits(expected["0.weight"]!));
  }, 30_000);
});
