// bert-mlm on a tiny budget: registered, tiny Shakespeare's speeches, and a run that reports its keys.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBertMlm, shakespeareSpeeches } from "../../src/experiments/bert-mlm.js";
import { findExperiment } from "../../src/experiments/index.js";
import { text } from "../../src/index.js";

describe("bert-mlm", () => {
  it("is registered in the Transformers chapter", () => {
    expect(findExperiment("bert-mlm")).toMatchObject({ name: "bert-mlm", chapter: "Transformers" });
  });

  it("splits tiny Shakespeare into its speeches: speaker, lines, offset", async () => {
    const all = await text.tinyShakespeare();
    const speeches = shakespeareSpeeches(all);
    expect(speeches[0]).toEqual({ speaker: "First Citizen", body: "Before we proceed any further, hear me speak.", start: 0 });
    expect(all.slice(speeches[1]!.start)).toMatch(/^All:\nSpeak, speak\./);
    // speeches per speaker, counted in the text as lines "NAME:" followed by a line of speech: 163 "ROMEO:" lines,
    // 3 of them followed by a blank line (a cue without words); 229 "GLOUCESTER:" lines, 18 of them cues
    expect(speeches.filter((s) => s.speaker === "ROMEO")).toHaveLength(160);
    expect(speeches.filter((s) => s.speaker === "GLOUCESTER")).toHaveLength(211);
    expect(speeches.every((s) => s.body.length > 0 && !s.body.startsWith("\n"))).toBe(true);
  });

  it("a tiny run pretrains, fine-tunes both models and reports the issue's keys", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-bert-mlm-"));
    const r = await runBertMlm(
      { seed: 0, outDir, log: () => {} },
      { pretrainSteps: 30, pretrainBatch: 16, hiddenSize: 16, numHiddenLayers: 1, finetuneEpochs: 2, finetuneRepeats: 1, testPerClass: 20, finetunePerClass: 8, warmupSteps: 5, pretrainLr: 3e-3 },
    );
    // a model that learnt nothing guesses uniformly over the vocabulary: ln V nats (8.3 here); 30 steps get 7.4
    expect(r.mlmValLoss).toBeLessThan(Math.log(r.vocabSize as number) - 0.5);
    for (const key of ["finetuneAccuracy", "finetuneAccuracyScratch"]) {
      expect(r[key]).toBeGreaterThanOrEqual(0);
      expect(r[key]).toBeLessThanOrEqual(1);
    }
    expect(r.testSpeeches).toBe(40);
  });
});
