// dcgan-fashion and cgan-fashion on tiny budgets: metric keys, the floor below the ceilings, files, the judge cached once and reused, same seed → same numbers.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runFashionGan } from "../../src/experiments/fashionGanRun.js";
import { findExperiment } from "../../src/experiments/index.js";

const PNG = [137, 80, 78, 71, 13, 10, 26, 10];
const tiny = { steps: 3, batchSize: 8, features: 4, trainImages: 256, evalImages: 100, judgeTrainImages: 1000, judgeEpochs: 1, judgeTestImages: 500 };
/** A fresh run folder inside `parent` (the CLI creates it before an experiment runs). */
const runDir = (parent: string, name: string): string => {
  mkdirSync(join(parent, name));
  return join(parent, name);
};
const withoutTime = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !/Seconds$|Cached$/.test(k)));

describe("dcgan-fashion and cgan-fashion", () => {
  it("are registered in the generative-models chapter", () => {
    expect(findExperiment("dcgan-fashion").chapter).toBe("generative models");
    expect(findExperiment("cgan-fashion").chapter).toBe("generative models");
  });

  it("share one judge, trained by the first run and loaded by the next; report the Fréchet distance with its floor and ceilings", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ds-fgan-"));
    const d = await runFashionGan({ seed: 0, outDir: runDir(parent, "dcgan"), log: () => {} }, false, tiny);
    const judgeFile = join(parent, "fashion-judge", "judge-n1000-e1-s0.safetensors");
    expect(existsSync(judgeFile)).toBe(true);
    expect(d.judgeCached).toBe(false);
    expect(d.judgeTestAccuracy as number).toBeGreaterThan(0.4); // 1,000 images, 1 epoch; chance 0.1
    // two halves of the real test set are far closer on the judge's features than noise is to real images
    expect(d.frechetFloor as number).toBeGreaterThan(0);
    expect(d.frechetFloor as number).toBeLessThan(d.frechetNoise as number);
    expect(Number.isFinite(d.frechetDistance as number)).toBe(true);
    expect(d.featureSpace).toMatch(/FashionJudge features.*not FID/);
    expect(d).not.toHaveProperty("recognizedFraction");
    expect([...readFileSync(join(parent, "dcgan", "samples.png")).subarray(0, 8)]).toEqual(PNG);
    expect(readFileSync(join(parent, "dcgan", "loss.svg"), "utf8")).toMatch(/^<svg/);

    const c = await runFashionGan({ seed: 0, outDir: runDir(parent, "cgan"), log: () => {} }, true, tiny);
    expect(c.judgeCached).toBe(true);
    expect(c.judgeTestAccuracy).toBe(d.judgeTestAccuracy);
    expect(c.recognizedFraction as number).toBeGreaterThanOrEqual(0);
    expect(c.recognizedByClass as number[]).toHaveLength(10);
    // the fraction is the mean over classes (evalImages = 100: ten samples of each class)
    expect((c.recognizedByClass as number[]).reduce((a, b) => a + b, 0) / 10).toBeCloseTo(c.recognizedFraction as number, 12);
    expect([...readFileSync(join(parent, "cgan", "samples.png")).subarray(0, 8)]).toEqual(PNG);
  }, 180_000);

  it("the same seed gives the same numbers, another seed other numbers", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ds-fgan-"));
    const small = { ...tiny, evalImages: 40, judgeTrainImages: 200, judgeTestImages: 100 };
    const run = (seed: number, dir: string) => runFashionGan({ seed, outDir: runDir(parent, dir), log: () => {} }, true, small);
    const [a, b, c] = [await run(1, "a"), await run(1, "b"), await run(2, "c")];
    expect(withoutTime(a)).toEqual(withoutTime(b));
    expect(a.frechetDistance).not.toBe(c.frechetDistance);
  }, 180_000);
});
