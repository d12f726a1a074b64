// Smoke tests of the textbook RL experiments (short runs): they finish, write well-formed SVG plots and sensible metrics.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Experiment } from "../../../src/experiments/Experiment.js";
import { experiment as banditTestbed } from "../../../src/experiments/bandit-testbed.js";
import { experiment as blackjackMc } from "../../../src/experiments/blackjack-mc.js";
import { experiment as cliffSarsaVsQ } from "../../../src/experiments/cliff-sarsa-vs-q.js";
import { experiment as gridworldValues } from "../../../src/experiments/gridworld-values.js";
import { experiment as jacksCarRental } from "../../../src/experiments/jacks-car-rental.js";
import { experiment as policyEvaluation4x4 } from "../../../src/experiments/policy-evaluation-4x4.js";

const byName = new Map<string, Experiment>(
  [banditTestbed, blackjackMc, cliffSarsaVsQ, gridworldValues, jacksCarRental, policyEvaluation4x4].map((e) => [e.name, e]),
);

function runExperiment(name: string, epochs?: number): { metrics: Record<string, unknown>; files: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const metrics = byName.get(name)!.run({ seed: 0, outDir: dir, log: () => {}, ...(epochs === undefined ? {} : { epochs }) }) as Record<string, unknown>;
  const files = readdirSync(dir);
  for (const f of files.filter((f) => f.endsWith(".svg"))) {
    const svg = readFileSync(join(dir, f), "utf8");
    expect(svg.startsWith("<svg"), f).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>"), f).toBe(true);
  }
  return { metrics, files, dir };
}

describe("textbook RL experiments", () => {
  it("gridworld-values reproduces v(A) of Figures 3.2 and 3.5", () => {
    const { metrics, files } = runExperiment("gridworld-values");
    expect(files).toEqual(expect.arrayContaining(["random-policy.svg", "optimal.svg", "values.json"]));
    expect(metrics["vRandomA"]).toBeCloseTo(8.8, 1);
    expect(metrics["vStarA"]).toBeCloseTo(24.4, 1);
  });

  it("policy-evaluation-4x4 converges to Figure 4.1's V_∞", () => {
    const { metrics, files } = runExperiment("policy-evaluation-4x4");
    expect(files).toContain("sequence.svg");
    expect(metrics["v1"]).toBeCloseTo(-14, 2);
  });

  it("bandit-testbed, cliff-sarsa-vs-q, blackjack-mc and jacks-car-rental run short versions", () => {
    expect(runExperiment("bandit-testbed", 20).files).toEqual(expect.arrayContaining(["average-reward.svg", "optimal-action.svg"]));
    const cliff = runExperiment("cliff-sarsa-vs-q", 60);
    expect(cliff.files).toEqual(expect.arrayContaining(["rewards.svg", "paths.svg"]));
    expect(runExperiment("blackjack-mc", 20_000).files).toEqual(expect.arrayContaining(["prediction.svg", "policy.svg", "value.svg"]));
    const jack = runExperiment("jacks-car-rental");
    expect(jack.metrics["improvements"]).toBe(4);
  });
});
