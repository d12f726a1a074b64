// Smoke tests: the games experiments run on a small budget and write their plots and tables.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experiment as kuhnCfr } from "../../src/experiments/kuhn-cfr.js";
import { experiment as matrixGames } from "../../src/experiments/matrix-games.js";
import * as games from "../../src/games/index.js";

const outDir = mkdtempSync(join(tmpdir(), "deepscript-games-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("games experiments", () => {
  it("kuhn-cfr writes both plots and returns each solver's exploitability", async () => {
    const dir = join(outDir, "kuhn");
    mkdirSync(dir);
    const result = await kuhnCfr.run({ seed: 1, outDir: dir, epochs: 200, log: () => {} });
    for (const f of ["exploitability.svg", "value.svg", "curves.json", "strategy.json"]) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, "exploitability.svg"), "utf8")).toContain("CFR+");
    expect(result.cfrPlusExploitability as number).toBeLessThan(0.05);
    expect(result.gameValue).toBeCloseTo(-1 / 18, 15);
  });

  it("matrix-games writes the equilibrium table and the convergence plot", async () => {
    const dir = join(outDir, "matrix");
    mkdirSync(dir);
    const result = await matrixGames.run({ seed: 0, outDir: dir, epochs: 2000, log: () => {} });
    const table = JSON.parse(readFileSync(join(dir, "equilibria.json"), "utf8")) as unknown[];
    expect(table).toHaveLength(1 + 1 + 3 + 1 + 3); // RPS, pennies, BoS, PD, stag hunt
    expect(readFileSync(join(dir, "equilibria.md"), "utf8")).toContain("| battle of the sexes |");
    expect(existsSync(join(dir, "convergence.svg"))).toBe(true);
    expect(result["equilibria-stag-hunt"]).toBe(3);
  });

  it("the package index exposes the solvers", () => {
    expect(games.zeroSumNash([[1, -1], [-1, 1]]).value).toBeCloseTo(0, 12);
    expect(typeof games.cfr).toBe("function");
    expect(new games.ConnectFour().legalActions()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
