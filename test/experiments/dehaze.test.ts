// The dehaze experiment on a small budget: DCP and AOD-Net raise PSNR over the hazy input, the files it writes, same seed → same numbers.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDehaze } from "../../src/experiments/dehaze.js";
import { findExperiment } from "../../src/experiments/index.js";

const PNG = [137, 80, 78, 71, 13, 10, 26, 10];
const dir = () => mkdtempSync(join(tmpdir(), "ds-dehaze-"));
const withoutTime = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith("seconds")));

describe("dehaze", () => {
  it("is registered in the CNNs chapter", () => {
    expect(findExperiment("dehaze").chapter).toBe("CNNs");
  });

  it("64 pairs of 32 × 32: the dark channel prior and AOD-Net each raise PSNR and the keys are there; writes panel.png", async () => {
    const outDir = dir();
    const r = await runDehaze({ seed: 0, outDir, epochs: 3, log: () => {}, params: { trainImages: 64, testImages: 16, size: 32, batchSize: 8, features: 4, pix2pixEpochs: 1 } });
    for (const key of ["psnrHazy", "psnrDarkChannel", "psnrLearned", "psnrPix2Pix", "ssimHazy", "ssimDarkChannel", "ssimLearned", "ssimPix2Pix"]) expect(Number.isFinite(r[key]), key).toBe(true);
    expect(r.psnrDarkChannel as number).toBeGreaterThan((r.psnrHazy as number) + 2);
    expect(r.ssimDarkChannel as number).toBeGreaterThan(r.ssimHazy as number);
    expect(r.psnrLearned as number).toBeGreaterThan((r.psnrHazy as number) + 0.5); // measured: +1.2 dB after 24 steps
    const png = readFileSync(join(outDir, "panel.png"));
    expect([...png.subarray(0, 8)]).toEqual(PNG);
    // 6 rows of hazy | DCP | AOD-Net | Pix2Pix | clean, 32 × 32 each with 2 pixels of padding.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([5 * 34 + 2, 6 * 34 + 2]);
  }, 120_000);

  it("the same seed gives the same numbers, another seed other numbers", async () => {
    const run = (seed: number) => runDehaze({ seed, outDir: dir(), epochs: 1, log: () => {}, params: { trainImages: 8, testImages: 4, size: 16, batchSize: 4, features: 4, pix2pixEpochs: 1 } });
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(withoutTime(a)).toEqual(withoutTime(b));
    expect(a.psnrLearned).not.toBe(c.psnrLearned);
  }, 60_000);
});
