// char-gpt on a tiny budget: registered, nanoGPT's learning-rate schedule, and a small GPT that learns characters.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { config, learningRate, runCharGpt } from "../../src/experiments/char-gpt.js";
import { findExperiment } from "../../src/experiments/index.js";

describe("char-gpt", () => {
  it("is registered with nanoGPT's CPU configuration", () => {
    expect(findExperiment("char-gpt").name).toBe("char-gpt");
    expect(config).toMatchObject({ iterations: 2000, blockSize: 64, batchSize: 12, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, beta2: 0.99, weightDecay: 0.1, gradClip: 1 });
  });

  it("warms up linearly over 100 iterations, then decays by a cosine from 1e-3 to 1e-4 (nanoGPT's get_lr)", () => {
    expect(learningRate(0, config)).toBeCloseTo(1e-3 / 101, 15);
    expect(learningRate(99, config)).toBeCloseTo(1e-3 * 100 / 101, 15);
    expect(learningRate(100, config)).toBeCloseTo(1e-3, 15);
    expect(learningRate(1050, config)).toBeCloseTo(5.5e-4, 15); // halfway: the mean of max and min
    expect(learningRate(2000, config)).toBeCloseTo(1e-4, 15);
  });

  it("a small GPT trained for 80 iterations beats the best context-free (unigram) model and writes a sample", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-char-gpt-"));
    const r = await runCharGpt(
      { seed: 0, outDir, log: () => {} },
      { iterations: 80, nLayer: 1, nHead: 2, nEmbd: 32, blockSize: 16, batchSize: 16, learningRate: 2e-2, minLr: 2e-3, warmupIters: 5, evalIters: 4, sampleChars: 40 },
    );
    // The uniform distribution over the 65 characters costs ln 65 ≈ 4.17 nats; the training split's character
    // frequencies give 3.35 nats on the validation split (computed from the text), so less needs context.
    expect(r.valLoss).toBeLessThan(3.2);
    expect(r.trainLoss).toBeLessThan(3.2);
    expect(r.seconds).toBeGreaterThan(0);
    const sample = readFileSync(join(outDir, "samples.txt"), "utf8");
    expect(existsSync(join(outDir, "samples.txt"))).toBe(true);
    expect(sample.length).toBe(41);
  });
});
