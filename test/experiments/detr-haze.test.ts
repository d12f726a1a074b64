// detr-haze on a tiny budget: registered, the dehazer is pluggable (an identity dehazer scores as the hazy images), same seed, same result.
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runDetrHaze } from "../../src/experiments/detr-haze.js";

describe("detr-haze", () => {
  it("is registered in the Transformers chapter", () => {
    expect(findExperiment("detr-haze").chapter).toBe("Transformers");
  });

  it("scores the dehazed images through the `dehaze` option; same seed, same losses and metrics", () => {
    const seen: number[][] = [];
    const run = () => {
      const outDir = mkdtempSync(join(tmpdir(), "ds-detr-"));
      const r = runDetrHaze({ seed: 0, outDir, epochs: 2, log: () => {} }, { trainSize: 8, testSize: 6, hidden: 16, queries: 6, dehaze: (hazy) => (seen.push([...hazy.shape]), hazy) });
      expect(existsSync(join(outDir, "predictions.png"))).toBe(true);
      return r;
    };
    const a = run();
    expect(seen).toEqual([[6, 3, 64, 64]]);
    expect(a.mapDehazed).toBe(a.mapHazy);
    expect(a.ap50Dehazed).toBe(a.ap50Hazy);
    expect(a.steps).toBe(2);
    const b = run();
    expect([b.trainLoss, b.mapHazy, b.mapClean]).toEqual([a.trainLoss, a.mapHazy, a.mapClean]);
  }, 120_000);
});
