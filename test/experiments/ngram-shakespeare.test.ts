// ngram-shakespeare on a small budget: the orderings n-gram theory predicts, the files and metric keys.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runNgramShakespeare, WORD_PATTERN } from "../../src/experiments/ngram-shakespeare.js";
import { findExperiment } from "../../src/experiments/index.js";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";

const options = (): ExperimentOptions => ({ seed: 0, outDir: mkdtempSync(join(tmpdir(), "ds-ngram-")), log: () => {} });

describe("ngram-shakespeare", () => {
  it("is registered", () => {
    expect(findExperiment("ngram-shakespeare").name).toBe("ngram-shakespeare");
  });

  it("word tokens keep inner apostrophes and line breaks, drop spaces", () => {
    expect("I'll o'er the hill,\nmy lord.".match(WORD_PATTERN)).toEqual(["I'll", "o'er", "the", "hill", ",", "\n", "my", "lord", "."]);
  });

  it("on 60,000 training characters: longer contexts lower the validation perplexity, and Kneser–Ney beats add-k on sparse word bigrams", async () => {
    const opts = options();
    const r = await runNgramShakespeare(opts, { trainChars: 60_000, valChars: 6_000, charOrders: [1, 3], wordOrders: [1, 2] });
    const ppl = (name: string) => r[`valPerplexity-${name}`] as number;
    for (const s of ["addk", "kn", "mkn"]) expect(ppl(`char-3-${s}`), s).toBeLessThan(ppl(`char-1-${s}`));
    // Sparse word bigrams are where add-k fails (it moves too much mass to unseen pairs) and Kneser–Ney does not.
    expect(ppl("word-2-kn")).toBeLessThan(0.6 * ppl("word-2-addk"));
    expect(ppl("word-2-kn")).toBeLessThan(ppl("word-1-kn"));
    // A unigram character model cannot beat the uniform distribution by more than the text's entropy allows:
    // perplexity ≥ 1 and ≤ the number of distinct characters plus <unk>.
    expect(ppl("char-1-kn")).toBeGreaterThan(1);
    expect(ppl("char-1-kn")).toBeLessThan(66);
    const charNames = Object.keys(r).filter((k) => k.startsWith("valPerplexity-char-"));
    expect(charNames).toHaveLength(6);
    expect(r.valPerplexity).toBe(Math.min(...charNames.map((k) => r[k] as number)));
    expect(r.valNatsPerChar).toBeCloseTo(Math.log(r.valPerplexity as number), 12);
    const saved = JSON.parse(readFileSync(join(opts.outDir, "perplexities.json"), "utf8")) as { valPerplexity: Record<string, number> };
    expect(saved.valPerplexity["char-3-kn"]).toBe(ppl("char-3-kn"));
    expect(readFileSync(join(opts.outDir, "perplexity.svg"), "utf8")).toMatch(/^<svg/);
    const samples = readFileSync(join(opts.outDir, "samples.txt"), "utf8");
    expect(samples).toContain(`# ${r.bestCharModel as string} (seed 0)`);
    expect(existsSync(join(opts.outDir, "perplexities.md"))).toBe(true);
  }, 60_000);
});
