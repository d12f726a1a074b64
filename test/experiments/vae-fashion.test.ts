// vae-fashion on a small budget: the metric keys, bounds in the order theory gives, the PNG files.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVaeFashion } from "../../src/experiments/vae-fashion.js";
import { findExperiment } from "../../src/experiments/index.js";

describe("vae-fashion", () => {
  it("is registered", () => {
    expect(findExperiment("vae-fashion").name).toBe("vae-fashion");
  });

  it("on 1,280 training images for 2 epochs: beats the uniform decoder, IWAE ≥ ELBO, writes PNGs", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-vae-"));
    const r = await runVaeFashion({ seed: 0, outDir, epochs: 2, log: () => {} }, { trainImages: 1280, testImages: 200, iwaeK: 4 });
    // Decoding every pixel as Bernoulli(½) gives 784·log ½ = −543.4 nats per image, whatever the image.
    expect(r.testElbo as number).toBeGreaterThan(-543.4 + 50);
    expect(r.testIwae as number).toBeGreaterThan(r.testElbo as number);
    expect(r.testIwae as number).toBeLessThan(0);
    for (const f of ["reconstructions.png", "samples.png", "traversal.png"]) {
      expect([...readFileSync(join(outDir, f)).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    }
    // the latent scatter: one series per class present among the 200 test images, every point drawn
    const svg = readFileSync(join(outDir, "latent.svg"), "utf8");
    expect(svg).toMatch(/first two principal components/);
    for (const name of ["T-shirt/top", "Trouser", "Ankle boot"]) expect(svg).toContain(name);
    expect(svg.match(/<circle/g)!.length).toBeGreaterThanOrEqual(200);
  }, 120_000);
});
