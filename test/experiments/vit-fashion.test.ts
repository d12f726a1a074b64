// vit-fashion on a small budget: registered, learns above chance in two epochs, writes its curves and attention maps.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runVitFashion } from "../../src/experiments/vit-fashion.js";

describe("vit-fashion", () => {
  it("is registered in the Transformers chapter", () => {
    expect(findExperiment("vit-fashion").chapter).toBe("Transformers");
  });

  it("three epochs on 256 images (lr 3e-3): above chance (10 %) on 128 test images; attention maps for every block; same seed, same loss", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-vit-"));
    const r = await runVitFashion({ seed: 0, outDir, epochs: 3, lr: 3e-3, log: () => {} }, { trainSize: 256, testSize: 128, progress: false });
    // chance is 10 %; on 128 images its standard deviation is 2.7 points, so > 18 % is three of them above chance
    expect(r.testAccuracy as number).toBeGreaterThan(0.18);
    const svg = readFileSync(join(outDir, "attention.svg"), "utf8");
    for (let b = 1; b <= 4; b++) expect(svg).toContain(`block ${b}`);
    expect(svg).not.toMatch(/NaN/);
    const tiny = () => runVitFashion({ seed: 0, outDir: mkdtempSync(join(tmpdir(), "ds-vit-")), epochs: 1, log: () => {} }, { trainSize: 64, testSize: 32, progress: false });
    expect((await tiny()).testLoss).toBe((await tiny()).testLoss);
  }, 300_000);
});
