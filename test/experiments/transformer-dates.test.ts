// transformer-dates: registered in the Transformers chapter; a small-budget run learns (loss well below uniform
// guessing), writes its files (cross-attention heatmaps) and is deterministic for a seed.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import "../../src/backend/init.js";
import { findExperiment } from "../../src/experiments/index.js";
import { runTransformerDates } from "../../src/experiments/transformer-dates.js";

const run = (seed: number, budget: Parameters<typeof runTransformerDates>[1], epochs: number) => {
  const outDir = mkdtempSync(join(tmpdir(), "ds-tf-dates-"));
  return { outDir, result: runTransformerDates({ seed, outDir, log: () => {}, epochs, lr: 3e-3 }, budget) };
};

describe("transformer-dates", () => {
  it("is registered in the Transformers chapter with a quick budget", () => {
    const e = findExperiment("transformer-dates");
    expect(e.chapter).toBe("Transformers");
    expect(e.quick).toBeDefined();
  });

  it("learns on a small budget (loss well below uniform guessing over 14 symbols) and writes its files", () => {
    const { outDir, result } = run(0, { trainSize: 960, testSize: 16, dModel: 32, beamWidth: 2 }, 2);
    const history = JSON.parse(readFileSync(join(outDir, "history.json"), "utf8")) as { trainLoss: number }[];
    expect(history).toHaveLength(30);
    expect(history[0]!.trainLoss).toBeGreaterThan(Math.log(14) - 0.5);
    expect(result.testLoss as number).toBeLessThan(Math.log(14) - 1);
    expect(result.charAccuracy as number).toBeGreaterThan(0.15); // uniform guessing over 11 characters gets 0.09
    for (const key of ["exactMatch", "exactMatchBeam"]) expect(result[key]).toBeGreaterThanOrEqual(0);
    const svg = readFileSync(join(outDir, "attention.svg"), "utf8");
    expect(svg).toContain("cross-attention");
    expect(svg.match(/<rect/g)!.length).toBeGreaterThan(3 * 11 * 6); // three maps of 11 output rows over ≥ 6 input characters
    expect(svg).not.toMatch(/NaN/);
    expect(readFileSync(join(outDir, "samples.txt"), "utf8").split("\n").length).toBeGreaterThan(16);
  }, 300_000);

  it("is deterministic for a seed", () => {
    const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "seconds"));
    const a = run(5, { trainSize: 64, testSize: 8, dModel: 16 }, 1), b = run(5, { trainSize: 64, testSize: 8, dModel: 16 }, 1);
    expect(strip(a.result)).toEqual(strip(b.result));
    expect(readFileSync(join(a.outDir, "samples.txt"), "utf8")).toBe(readFileSync(join(b.outDir, "samples.txt"), "utf8"));
  }, 120_000);
});
