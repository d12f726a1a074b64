// maze-go-explore on a tiny budget: the summary's keys and files, and Go-Explore's archive outgrowing the cells ε-greedy DQN visits.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runMazeGoExplore } from "../../src/experiments/maze-go-explore.js";

describe("maze-go-explore (tiny budget)", () => {
  it("writes the summary keys, maze.svg, cells.svg and curves.json; in 5,000 steps Go-Explore's archive holds more cells than DQN visits", () => {
    expect(findExperiment("maze-go-explore").name).toBe("maze-go-explore");
    const outDir = mkdtempSync(join(tmpdir(), "ds-maze-"));
    const r = runMazeGoExplore({ seed: 0, outDir, log: () => {} }, { seeds: 1, totalTimesteps: 5000 });
    for (const key of ["cellsFound", "envSteps", "seconds", "dqnEnvSteps", "evalReturnMean", "evalReturnStd"]) expect(typeof r[key], key).toBe("number");
    for (const key of ["solved", "dqnSolved"]) expect(typeof r[key], key).toBe("boolean");
    expect([r.envSteps, r.dqnEnvSteps, r.floorCells, r.shortestPath]).toEqual([5000, 5000, 199, 120]);
    expect(r.cellsFound as number).toBeGreaterThan(1.5 * (r.dqnCellsVisitedPerSeed as number[])[0]!);
    expect(readFileSync(join(outDir, "maze.svg"), "utf8")).toMatch(/^<svg[^]*data-name="best trajectory"/);
    expect(readFileSync(join(outDir, "cells.svg"), "utf8")).toMatch(/^<svg/);
    expect(existsSync(join(outDir, "curves.json"))).toBe(true);
  }, 60_000);
});
