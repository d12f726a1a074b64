// cartpole-dqn/-ppo/-a2c/-reinforce on tiny budgets: a learning signal (the evaluated policy beats what
// CartPole gives an untrained one, ~10–25 steps) and the summary's files and metric keys. The full budgets
// and their ≥ 475 targets are run by `deepscript run cartpole-<agent>`, not here.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import type { ExperimentOptions, ExperimentResult } from "../../src/experiments/Experiment.js";
import { runCartpoleDQN } from "../../src/experiments/cartpole-dqn.js";
import { runCartpolePPO } from "../../src/experiments/cartpole-ppo.js";
import { runCartpoleA2C } from "../../src/experiments/cartpole-a2c.js";
import { runCartpoleREINFORCE } from "../../src/experiments/cartpole-reinforce.js";

const options = (): ExperimentOptions => ({ seed: 1, outDir: mkdtempSync(join(tmpdir(), "ds-cartpole-")), log: () => {} });

function checkFiles(opts: ExperimentOptions, r: ExperimentResult, envSteps: number): { returns: number[] } {
  for (const key of ["evalReturnMean", "evalReturnStd", "envSteps", "seconds"]) expect(typeof r[key], key).toBe("number");
  expect(r.envSteps).toBe(envSteps);
  expect(readFileSync(join(opts.outDir, "returns.svg"), "utf8")).toMatch(/^<svg/);
  expect(existsSync(join(opts.outDir, "curves.json"))).toBe(true);
  const [curve] = JSON.parse(readFileSync(join(opts.outDir, "curves.json"), "utf8")) as { returns: number[] }[];
  return curve!;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("cartpole deep-RL experiments (tiny budgets)", () => {
  it("are registered", () => {
    for (const name of ["cartpole-dqn", "cartpole-ppo", "cartpole-a2c", "cartpole-reinforce", "cartpole-trpo"]) expect(findExperiment(name).name).toBe(name);
  });

  it("cartpole-dqn: 8,000 steps of a 64-64 DQN lift the last 10 training episodes to ≥ 4× the first 20", () => {
    const opts = options();
    const r = runCartpoleDQN(opts, { seeds: 1, totalTimesteps: 8000, learningStarts: 1000, trainFrequency: 64, gradientSteps: 32, hidden: [64, 64], explorationFraction: 0.2, evalEpisodes: 5 });
    const { returns } = checkFiles(opts, r, 8000);
    expect(mean(returns.slice(-10))).toBeGreaterThan(4 * mean(returns.slice(0, 20)));
    expect(r.evalReturnMean).toBeGreaterThan(75);
  }, 120_000);

  it("cartpole-ppo: 8,192 steps (10 epochs per update) reach an evaluation return ≥ 60 and raise the training returns ≥ 3×", () => {
    const opts = options();
    const r = runCartpolePPO(opts, { seeds: 1, totalTimesteps: 8192, updateEpochs: 10, evalEpisodes: 5 });
    const { returns } = checkFiles(opts, r, 8192);
    expect(mean(returns.slice(-20))).toBeGreaterThan(3 * mean(returns.slice(0, 20)));
    expect(r.evalReturnMean).toBeGreaterThan(60);
  }, 120_000);

  it("cartpole-a2c: 20,000 steps reach an evaluation return ≥ 100", () => {
    const opts = options();
    const r = runCartpoleA2C(opts, { seeds: 1, totalTimesteps: 20_000, evalEpisodes: 5 });
    const { returns } = checkFiles(opts, r, 20_000);
    expect(mean(returns.slice(-20))).toBeGreaterThan(3 * mean(returns.slice(0, 20)));
    expect(r.evalReturnMean).toBeGreaterThan(100);
  }, 120_000);

  it("cartpole-reinforce: 20,000 steps reach an evaluation return ≥ 60", () => {
    const opts = options();
    const r = runCartpoleREINFORCE(opts, { seeds: 1, totalTimesteps: 20_000, batchSteps: 1000, evalEpisodes: 5 });
    const { returns } = checkFiles(opts, r, 20_000);
    expect(mean(returns.slice(-20))).toBeGreaterThan(2 * mean(returns.slice(0, 20)));
    expect(r.evalReturnMean).toBeGreaterThan(60);
  }, 120_000);
});
