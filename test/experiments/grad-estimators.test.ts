// grad-estimators on a small budget: every unbiased estimator's mean matches the exact gradient, variances ordered as theory says.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGradEstimators } from "../../src/experiments/grad-estimators.js";
import { findExperiment } from "../../src/experiments/index.js";

describe("grad-estimators", () => {
  it("is registered", () => {
    expect(findExperiment("grad-estimators").name).toBe("grad-estimators");
  });

  it("300 repeats of 8 samples: unbiased estimators within 5 standard errors of the exact gradient; variance score > score + baseline > reparameterization", () => {
    const outDir = mkdtempSync(join(tmpdir(), "ds-grad-est-"));
    const r = runGradEstimators({ seed: 0, outDir, log: () => {} }, { repeats: 300, sampleSweep: [2, 8] });
    for (const name of ["score", "scoreBaseline", "reparam", "scoreCategorical", "scoreBaselineCategorical"]) {
      expect(r[`maxBiasSigmas-${name}`] as number, name).toBeLessThan(5);
    }
    // Gumbel-softmax at τ = 0.5 estimates the gradient of the relaxed objective: biased for the discrete one.
    expect(r["maxBiasSigmas-gumbel"] as number).toBeGreaterThan(5);
    expect(r.varianceScore as number).toBeGreaterThan(r.varianceScoreBaseline as number);
    expect(r.varianceScoreBaseline as number).toBeGreaterThan(r.varianceReparam as number);
    expect(r.varianceScoreCategorical as number).toBeGreaterThan(r.varianceScoreBaselineCategorical as number);
    expect(r.varianceScoreBaselineCategorical as number).toBeGreaterThan(r.varianceGumbel as number);
    const table = readFileSync(join(outDir, "estimators.md"), "utf8");
    expect(table).toContain("| reparam | 2 |");
    expect(readFileSync(join(outDir, "variance.svg"), "utf8")).toMatch(/^<svg/);
  }, 60_000);
});
