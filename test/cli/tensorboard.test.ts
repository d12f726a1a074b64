import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { readEvents } from "../../src/tensorboard/readEvents.js";

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { log: (l: string) => void out.push(l), error: (l: string) => void err.push(l) } };
}

/** tag → [step, value] of the scalars in the one event file of `runDir`. */
function scalars(runDir: string): Record<string, [number, number][]> {
  const files = readdirSync(runDir).filter((f) => f.startsWith("events.out.tfevents."));
  expect(files).toHaveLength(1);
  const out: Record<string, [number, number][]> = {};
  for (const e of readEvents(join(runDir, files[0]!))) for (const v of e.summary?.value ?? []) if (v.simpleValue !== undefined) (out[v.tag] ??= []).push([e.step, v.simpleValue]);
  return out;
}

describe("deepscript run --tensorboard", () => {
  it("logs every variant's epochs to <dir>/<variant>/train, the numbers metrics-<variant>.jsonl holds", async () => {
    const root = mkdtempSync(join(tmpdir(), "ds-cli-tb-"));
    const out = join(root, "run"), tb = join(root, "tb");
    const c = capture();
    expect(await runCli(["node", "deepscript", "run", "optimizers", "--epochs", "2", "--out", out, "--tensorboard", tb], c.io)).toBe(0);
    expect(c.err).toEqual([]);
    expect(c.out.at(-1)).toBe(`TensorBoard logs in ${tb}; view them with: tensorboard --logdir ${tb}`);
    const variants = readdirSync(out).filter((f) => /^metrics-.*\.jsonl$/.test(f)).map((f) => f.slice("metrics-".length, -".jsonl".length));
    expect(variants.length).toBeGreaterThan(3);
    expect(readdirSync(tb).sort()).toEqual([...variants].sort());
    for (const variant of variants) {
      const lines = readFileSync(join(out, `metrics-${variant}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const logged = scalars(join(tb, variant, "train"));
      expect(logged.epoch_loss, variant).toEqual(lines.map((l) => [l.epoch, Math.fround(l.loss)]));
      expect(logged.epoch_accuracy, variant).toEqual(lines.map((l) => [l.epoch, Math.fround(l.accuracy)]));
    }
  });

  it("writes into the run folder when no dir is given", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ds-cli-tb-")), "run");
    const c = capture();
    expect(await runCli(["node", "deepscript", "run", "optimizers", "--tensorboard", "--epochs", "1", "--out", out], c.io)).toBe(0);
    expect(scalars(join(out, "adam", "train")).epoch_loss).toHaveLength(1);
  });

  it("says so when the experiment does not train with fit()", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ds-cli-tb-")), "run");
    const c = capture();
    expect(await runCli(["node", "deepscript", "run", "policy-evaluation-4x4", "--out", out, "--tensorboard"], c.io)).toBe(0);
    expect(c.out).toContain("note: policy-evaluation-4x4 does not train with fit(), so --tensorboard wrote nothing");
    expect(readdirSync(out).some((f) => f.includes("tfevents") || f === "train")).toBe(false);
    expect(existsSync(join(out, "summary.json"))).toBe(true);
  });
});
