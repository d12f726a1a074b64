// pix2pix-shapes and cyclegan-shapes on small budgets: learning signal, files written, same seed → same numbers.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPix2PixShapes } from "../../src/experiments/pix2pix-shapes.js";
import { runCycleGanShapes } from "../../src/experiments/cyclegan-shapes.js";
import { runCycleGanDigits } from "../../src/experiments/cyclegan-digits.js";
import { findExperiment } from "../../src/experiments/index.js";

const PNG = [137, 80, 78, 71, 13, 10, 26, 10];
const dir = () => mkdtempSync(join(tmpdir(), "ds-p2p-"));
const withoutTime = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "seconds"));

describe("pix2pix-shapes", () => {
  it("is registered in the generative-models chapter", () => {
    expect(findExperiment("pix2pix-shapes").chapter).toBe("generative models");
  });

  it("128 pairs of 16 × 16, 3 epochs: test L1 far below the untrained generator's; writes samples.png and loss.svg", async () => {
    const outDir = dir();
    const r = await runPix2PixShapes({ seed: 0, outDir, epochs: 3, log: () => {}, params: { trainImages: 128, testImages: 32, size: 16, features: 8, batchSize: 8 } });
    expect(r.testL1 as number).toBeLessThan(0.6 * (r.untrainedL1 as number));
    expect(r.trainL1 as number).toBeLessThan(0.6 * (r.untrainedL1 as number));
    expect(r.baselineL1 as number).toBeGreaterThan(0);
    expect([...readFileSync(join(outDir, "samples.png")).subarray(0, 8)]).toEqual(PNG);
    expect(readFileSync(join(outDir, "loss.svg"), "utf8")).toMatch(/^<svg/);
  }, 120_000);

  it("the same seed gives the same numbers, another seed other numbers", async () => {
    const run = (seed: number) => runPix2PixShapes({ seed, outDir: dir(), epochs: 1, log: () => {}, params: { trainImages: 16, testImages: 8, size: 16, features: 4, batchSize: 8 } });
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(withoutTime(a)).toEqual(withoutTime(b));
    expect(a.testL1).not.toBe(c.testL1);
  }, 60_000);
});

describe("cyclegan-shapes", () => {
  it("is registered in the generative-models chapter", () => {
    expect(findExperiment("cyclegan-shapes").chapter).toBe("generative models");
  });

  it("32 unpaired images per domain of 16 × 16, 2 epochs: outline → filled L1 below the untrained generator's; writes a2b.png, b2a.png, loss.svg", async () => {
    const outDir = dir();
    const r = await runCycleGanShapes({ seed: 0, outDir, epochs: 2, log: () => {}, params: { trainImages: 32, testImages: 16, size: 16, features: 8, batchSize: 4 } });
    expect(r.translationL1AB as number).toBeLessThan(r.untrainedL1AB as number);
    for (const k of ["translationL1BA", "cycleL1A", "cycleL1B"]) expect(Number.isFinite(r[k]), k).toBe(true);
    for (const f of ["a2b.png", "b2a.png"]) expect([...readFileSync(join(outDir, f)).subarray(0, 8)]).toEqual(PNG);
    expect(readFileSync(join(outDir, "loss.svg"), "utf8")).toMatch(/^<svg/);
  }, 120_000);

  it("the same seed gives the same numbers", async () => {
    const run = (seed: number) => runCycleGanShapes({ seed, outDir: dir(), epochs: 1, log: () => {}, params: { trainImages: 8, testImages: 4, size: 16, features: 4, batchSize: 4 } });
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(withoutTime(a)).toEqual(withoutTime(b));
    expect(a.cycleL1A).not.toBe(c.cycleL1A);
  }, 60_000);
});

describe("cyclegan-digits", () => {
  it("is registered; 2 epochs on 32 unpaired digits per domain: digit → inverted L1 below the untrained generator's; writes its images", async () => {
    expect(findExperiment("cyclegan-digits").chapter).toBe("generative models");
    const outDir = mkdtempSync(join(tmpdir(), "ds-cyclegan-digits-"));
    const r = await runCycleGanDigits({ seed: 0, outDir, epochs: 2, log: () => {}, params: { trainImages: 32, testImages: 8, batchSize: 4, size: 16, features: 4 } });
    expect(r.translationL1AB as number).toBeLessThan(r.untrainedL1AB as number);
    // the baseline (input as output) is |a − (−a)| = 2|a|: far from 0 for digits in [−1, 1]
    expect(r.baselineL1 as number).toBeGreaterThan(1);
    for (const f of ["a2b.png", "b2a.png", "loss.svg"]) expect(existsSync(join(outDir, f)), f).toBe(true);
  }, 120_000);
});
