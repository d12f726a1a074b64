// word2vec-shakespeare on a small budget: registration, sentence splitting, the planted-analogy metric, the files.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWord2VecShakespeare, shakespeareSentences } from "../../src/experiments/word2vec-shakespeare.js";
import { findExperiment } from "../../src/experiments/index.js";

describe("word2vec-shakespeare", () => {
  it("is registered in the sequences chapter", () => {
    const e = findExperiment("word2vec-shakespeare");
    expect(e.chapter).toBe("sequences");
    expect(Object.keys(e.quick ?? {}).every((k) => k in e.options)).toBe(true);
  });

  it("one sentence of lower-cased words per line of verse; speaker lines and blank lines are dropped", () => {
    const text = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\nKING RICHARD III:\nO'er the hill!\n";
    expect(shakespeareSentences(text)).toEqual([
      ["before", "we", "proceed", "any", "further", "hear", "me", "speak"],
      ["speak", "speak"],
      ["o'er", "the", "hill"],
    ]);
    expect(shakespeareSentences(text, 10)).toEqual([["before", "we", "proceed", "any", "further", "hear", "me", "speak"], ["speak", "speak"]]);
  });

  it("on 30,000 words: ≥ 90 % of the planted analogies, neighbours.md and pca.svg", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-w2v-"));
    const r = await runWord2VecShakespeare({ seed: 0, outDir, epochs: 2, params: { trainWords: 30_000, dim: 24 }, log: () => {} });
    expect(r.analogyAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.trainWords).toBeLessThanOrEqual(30_000);
    expect(r.trainWords).toBeGreaterThan(29_000);
    expect(r.vocabSize).toBeGreaterThan(300);
    const md = readFileSync(join(outDir, "neighbours.md"), "utf8");
    expect(md).toContain("| king | ");
    expect(md).toContain("| kingliness | ");
    expect(md).toContain(`SGNS ${(100 * (r.analogyAccuracy as number)).toFixed(1)} %`);
    expect(readFileSync(join(outDir, "pca.svg"), "utf8")).toMatch(/^<svg[\s\S]*countries[\s\S]*capitals/);
  }, 60_000);
});
