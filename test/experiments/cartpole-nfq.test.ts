// cartpole-nfq on a tiny budget: the summary's keys and files. The full budget is `deepscript run cartpole-nfq`.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runCartpoleNFQ } from "../../src/experiments/cartpole-nfq.js";

describe("cartpole-nfq (tiny budget)", () => {
  it("is registered and reports the standard keys with the transitions each seed collected", () => {
    expect(findExperiment("cartpole-nfq").name).toBe("cartpole-nfq");
    const outDir = mkdtempSync(join(tmpdir(), "ds-nfq-"));
    const r = runCartpoleNFQ({ seed: 0, outDir, log: () => {} }, { iterations: 3, epochsPerIteration: 5, initialRandomEpisodes: 2, seeds: 2, evalEpisodes: 1 });
    for (const key of ["evalReturnMean", "evalReturnStd", "envSteps", "seconds"]) expect(typeof r[key], key).toBe("number");
    const perSeed = r.envStepsPerSeed as number[];
    expect(perSeed.length).toBe(2);
    expect(r.envSteps).toBe(perSeed[0]);
    const curves = JSON.parse(readFileSync(join(outDir, "curves.json"), "utf8")) as { steps: number[]; returns: number[] }[];
    // 2 random + 3 greedy episodes per seed; the last one ends at the seed's transition count
    curves.forEach((c, s) => {
      expect(c.returns.length).toBe(5);
      expect(c.steps[4]).toBe(perSeed[s]);
    });
    expect(existsSync(join(outDir, "returns.svg"))).toBe(true);
  }, 60_000);
});
