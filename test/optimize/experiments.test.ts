import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Experiment } from "../../src/experiments/Experiment.js";
import { experiment as minimaxBilinear } from "../../src/experiments/minimax-bilinear.js";
import { experiment as optimConditioning } from "../../src/experiments/optim-conditioning.js";
import { experiment as optimEs } from "../../src/experiments/optim-es.js";
import { experiment as optimRosenbrock } from "../../src/experiments/optim-rosenbrock.js";

const byName: Record<string, Experiment> = Object.fromEntries(
  [optimRosenbrock, optimConditioning, optimEs, minimaxBilinear].map((e) => [e.name, e]),
);

const outDir = mkdtempSync(join(tmpdir(), "optimize-experiments-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const run = async (name: string, extra: { epochs?: number } = {}) => {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const res = await byName[name]!.run({ seed: 0, outDir: dir, log: () => {}, ...extra });
  return { res, dir };
};
const isSvg = (path: string) => existsSync(path) && readFileSync(path, "utf8").trimStart().startsWith("<svg");

describe("optimization experiments (smoke runs with small budgets)", () => {
  it("optim-rosenbrock: Newton and BFGS reach the minimum in far fewer evaluations than GD; plots written", async () => {
    const { res, dir } = await run("optim-rosenbrock", { epochs: 500 });
    expect(res["newton-final-f"] as number).toBeLessThan(1e-12);
    expect(res["bfgs-final-f"] as number).toBeLessThan(1e-12);
    expect(res["bfgs-evaluations"] as number).toBeLessThan(res["gradient-descent-evaluations"] as number);
    expect(isSvg(join(dir, "rosenbrock-paths.svg")) && isSvg(join(dir, "rosenbrock-convergence.svg"))).toBe(true);
  });

  it("optim-conditioning: Newton takes one step at every κ; plot and table written", async () => {
    const { res, dir } = await run("optim-conditioning", { epochs: 3000 });
    expect(res["newton"]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(isSvg(join(dir, "conditioning.svg"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "conditioning.json"), "utf8")).kappas).toHaveLength(6);
  });

  it("minimax-bilinear: GDA moves away from (0, 0), OGDA towards it", async () => {
    const { res, dir } = await run("minimax-bilinear");
    const start = Math.hypot(1, 0.5);
    expect(res["simultaneous-final-distance"] as number).toBeGreaterThan(100 * start);
    expect(res["optimistic-final-distance"] as number).toBeLessThan(1e-2 * start);
    expect(isSvg(join(dir, "bilinear-paths.svg")) && isSvg(join(dir, "bilinear-distance.svg"))).toBe(true);
  });

  it("optim-es: runs all three strategies on a small budget and writes its plot", async () => {
    const { res, dir } = await run("optim-es", { epochs: 3000 });
    for (const key of ["cma-es-median-final-f", "nes-median-final-f", "cem-median-final-f"]) expect(Number.isFinite(res[key] as number)).toBe(true);
    expect(isSvg(join(dir, "es-rastrigin.svg"))).toBe(true);
  });
});
