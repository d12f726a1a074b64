// gan-2d on a tiny budget: the metric keys and files (the coverage numbers come from the full run; the metric itself is tested in test/generative).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGan2d } from "../../src/experiments/gan-2d.js";
import { findExperiment } from "../../src/experiments/index.js";

describe("gan-2d", () => {
  it("is registered", () => {
    expect(findExperiment("gan-2d").name).toBe("gan-2d");
  });

  it("writes modesCovered per loss and target, coverage.md and samples.svg; the same seed gives the same numbers", () => {
    const run = () => {
      const outDir = mkdtempSync(join(tmpdir(), "ds-gan2d-"));
      return { outDir, r: runGan2d({ seed: 0, outDir, log: () => {} }, { steps: 4, batchSize: 32, losses: ["wgan-gp", "hinge"], targets: ["ring", "grid"] }) };
    };
    const { outDir, r } = run();
    for (const key of ["modesCovered-wgan-gp", "modesCovered-hinge", "modesCoveredGrid-wgan-gp", "highQualityFraction-hinge"]) expect(typeof r[key], key).toBe("number");
    expect(r["modesCovered-wgan-gp"] as number).toBeLessThanOrEqual(8);
    expect(r["modesCoveredGrid-hinge"] as number).toBeLessThanOrEqual(25);
    expect(readFileSync(join(outDir, "coverage.md"), "utf8")).toContain("| ring | wgan-gp |");
    expect(readFileSync(join(outDir, "samples.svg"), "utf8")).toMatch(/^<svg/);
    expect(run().r).toEqual(r);
  }, 60_000);
});
