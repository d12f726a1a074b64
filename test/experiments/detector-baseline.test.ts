// detector-baseline on a tiny budget: registered, summary keys, the PNG of boxes, and same seed → same numbers.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runDetectorBaseline } from "../../src/experiments/detector-baseline.js";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";

const tiny = (): ExperimentOptions => ({
  seed: 3, epochs: 2, outDir: mkdtempSync(join(tmpdir(), "ds-detbase-")), log: () => {},
  params: { trainImages: 8, testImages: 4, batchSize: 4, size: 32, width: 4 },
});

describe("detector-baseline", () => {
  it("is registered in the CNNs chapter and reports mapHazy, ap50Hazy, ap75Hazy and seconds, with a PNG of boxes", async () => {
    expect(findExperiment("detector-baseline").chapter).toBe("CNNs");
    const opts = tiny();
    const r = await runDetectorBaseline(opts);
    for (const key of ["mapHazy", "ap50Hazy", "ap75Hazy", "seconds"]) {
      expect(typeof r[key], key).toBe("number");
    }
    for (const key of ["mapHazy", "ap50Hazy", "ap75Hazy"]) expect(r[key] as number).toBeGreaterThanOrEqual(0);
    expect(r.steps).toBe(4); // 2 epochs × 8 scenes / 4 per step
    const png = readFileSync(join(opts.outDir, "test-boxes.png"));
    expect(existsSync(join(opts.outDir, "test-boxes.png"))).toBe(true);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const again = await runDetectorBaseline(tiny());
    expect(again.trainLoss).toBe(r.trainLoss);
    expect(again.mapHazy).toBe(r.mapHazy);
  }, 120_000);
});
