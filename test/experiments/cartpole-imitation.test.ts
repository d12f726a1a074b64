// cartpole-imitation on a tiny budget: the summary's keys, the label ladder and the plots. The full run (a
// 100,000-step PPO expert, budgets up to 3,200 labels, 3 seeds) is `deepscript run cartpole-imitation`.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runCartpoleImitation } from "../../src/experiments/cartpole-imitation.js";

describe("cartpole-imitation (tiny budget)", () => {
  it("is registered, reports every method's return and labels, and writes its curves and plots", () => {
    expect(findExperiment("cartpole-imitation").name).toBe("cartpole-imitation");
    const outDir = mkdtempSync(join(tmpdir(), "ds-imitation-"));
    const r = runCartpoleImitation({ seed: 2, outDir, log: () => {} }, { expertTimesteps: 512, maxLabels: 100, seeds: 2, gailTimesteps: 512, gailLabels: 300, evalEpisodes: 1, bcSteps: 20, daggerStepsPerRound: 10 });
    for (const key of ["expertReturn", "bcReturn", "daggerReturn", "gailReturn", "bcLabels", "daggerLabels", "gailLabels", "evalReturnMean", "evalReturnStd", "envSteps", "seconds"]) expect(typeof r[key], key).toBe("number");
    expect(r.labelBudgets).toEqual([25, 50, 100]);
    expect(r.compareLabels).toBe(100);
    expect(r.gailLabels).toBe(300);
    expect(r.envSteps).toBe(512);
    expect(r.seeds).toEqual([2, 3]);
    expect(r.evalReturnMean).toBe(r.daggerReturn);
    // labels-to-reach is one of the budgets, or -1 when none reached the expert
    for (const key of ["bcLabels", "daggerLabels", "daggerSparseLabels"]) expect([-1, 25, 50, 100]).toContain(r[key]);
    const curves = JSON.parse(readFileSync(join(outDir, "curves.json"), "utf8")) as { returns: Record<string, number[][]>; gail: unknown[] };
    expect(curves.returns.bc!.map((perSeed) => perSeed.length)).toEqual([3, 3]);
    expect(curves.gail.length).toBe(2);
    for (const file of ["labels.svg", "gail.svg"]) expect(readFileSync(join(outDir, file), "utf8")).toMatch(/^<svg/);
  }, 120_000);
});
