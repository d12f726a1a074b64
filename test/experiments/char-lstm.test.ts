// char-lstm on a tiny budget: the model learns (validation loss falls well below the unigram entropy),
// and the run writes its files and metric keys.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import "../../src/backend/init.js"; // the WASM kernels, as `deepscript run` has them
import { runCharLstm } from "../../src/experiments/char-lstm.js";
import { findExperiment } from "../../src/experiments/index.js";

describe("char-lstm", () => {
  it("is registered", () => {
    expect(findExperiment("char-lstm").name).toBe("char-lstm");
  });

  it("on 30,000 characters and 60 steps of a small LSTM (lr 0.02), the validation loss falls below a unigram model's", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-char-lstm-"));
    const r = await runCharLstm({ seed: 0, outDir, log: () => {}, epochs: 10, lr: 0.02 }, { trainChars: 30_000, valChars: 4_000, hidden: 48, embedding: 16, seqLen: 25, batch: 16, maxSteps: 60 });
    expect(r.steps).toBe(60);
    // The unigram entropy of Shakespeare's characters is ≈ 3.3 nats (ln 65 = 4.17 for uniform guessing);
    // 60 steps of an LSTM already pick up character frequencies and some bigram structure.
    const unigram = unigramEntropy(readFileSync(new URL("../../data/tinyshakespeare.txt.gz", import.meta.url)));
    expect(unigram).toBeGreaterThan(3.2);
    expect(r.valLoss as number).toBeLessThan(unigram - 0.2);
    expect(r.valBitsPerChar as number).toBeCloseTo((r.valLoss as number) / Math.LN2, 12);
    const history = JSON.parse(readFileSync(join(outDir, "history.json"), "utf8")) as { trainLoss: number }[];
    expect(history).toHaveLength(60);
    expect(history[0]!.trainLoss).toBeGreaterThan(4); // ≈ ln 65 at initialization
    expect(readFileSync(join(outDir, "loss.svg"), "utf8")).toMatch(/^<svg/);
    const samples = readFileSync(join(outDir, "samples.txt"), "utf8");
    expect(samples.split("\n")[1]).toBe("ROMEO:");
    expect(samples.length).toBeGreaterThan(600);
    expect(existsSync(join(outDir, "history.json"))).toBe(true);
  }, 120_000);
});

/** The entropy (nats) of the character distribution of the whole corpus. */
function unigramEntropy(gz: Buffer): number {
  const text = gunzipSync(gz).toString("utf8");
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / text.length) * Math.log(n / text.length);
  return h;
}
