// pendulum-mpc and pendulum-ppo on tiny budgets: registration, the summary's metric keys and the curve/plot
// files. The full budgets and their ≥ −250 targets are run by `deepscript run pendulum-mpc|pendulum-ppo`, not here.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runPendulumMPC } from "../../src/experiments/pendulum-mpc.js";
import { runPendulumPPO } from "../../src/experiments/pendulum-ppo.js";

describe("pendulum deep-RL experiments (tiny budgets)", () => {
  it("pendulum-mpc is registered and writes evalReturnMean/Std, envSteps, seconds, curves.json and returns.svg", () => {
    expect(findExperiment("pendulum-mpc").name).toBe("pendulum-mpc");
    const opts = { seed: 1, outDir: mkdtempSync(join(tmpdir(), "ds-pendulum-mpc-")), log: () => {} };
    const r = runPendulumMPC(opts, { seeds: 1, totalTimesteps: 220, randomSteps: 200, horizon: 5, population: 20, iterations: 1, fitSteps: 20, evalEpisodes: 1 });
    for (const key of ["evalReturnMean", "evalReturnStd", "envSteps", "seconds"]) expect(typeof r[key], key).toBe("number");
    expect(r.envSteps).toBe(220);
    expect(r.evalReturnMean).toBeLessThanOrEqual(0); // Pendulum's rewards are ≤ 0
    expect(readFileSync(join(opts.outDir, "returns.svg"), "utf8")).toMatch(/^<svg/);
    expect(existsSync(join(opts.outDir, "curves.json"))).toBe(true);
    const [curve] = JSON.parse(readFileSync(join(opts.outDir, "curves.json"), "utf8")) as { steps: number[]; returns: number[] }[];
    expect(curve!.steps).toEqual([200]);
  }, 60_000);

  it("pendulum-ppo is registered and writes evalReturnMean/Std, envSteps, seconds, curves.json and returns.svg", () => {
    expect(findExperiment("pendulum-ppo").name).toBe("pendulum-ppo");
    const opts = { seed: 1, outDir: mkdtempSync(join(tmpdir(), "ds-pendulum-ppo-")), log: () => {} };
    const r = runPendulumPPO(opts, { seeds: 1, totalTimesteps: 1024, numSteps: 128, numMinibatches: 8, updateEpochs: 1, evalEpisodes: 1 });
    for (const key of ["evalReturnMean", "evalReturnStd", "envSteps", "seconds"]) expect(typeof r[key], key).toBe("number");
    expect(r.envSteps).toBe(1024);
    expect(readFileSync(join(opts.outDir, "returns.svg"), "utf8")).toMatch(/^<svg/);
    const [curve] = JSON.parse(readFileSync(join(opts.outDir, "curves.json"), "utf8")) as { steps: number[]; returns: number[] }[];
    expect(curve!.returns).toHaveLength(4); // 4 envs × 256 steps: each ends one 200-step episode
  }, 60_000);
});
