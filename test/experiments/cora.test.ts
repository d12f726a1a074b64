// cora-gcn, cora-gat and cora-sage on tiny budgets: registered, the metric keys, and learning well above chance.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runCoraGcn } from "../../src/experiments/cora-gcn.js";
import { runCoraGat } from "../../src/experiments/cora-gat.js";
import { runCoraSage } from "../../src/experiments/cora-sage.js";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";
import { ValidationPatience } from "../../src/experiments/coraNodeClassification.js";

const options = (seed = 0): ExperimentOptions => ({ seed, outDir: mkdtempSync(join(tmpdir(), "ds-cora-")), log: () => {} });

describe("Cora node classification experiments", () => {
  it("are registered with the paper setups", () => {
    expect(findExperiment("cora-gcn").config).toMatchObject({ hidden: 16, dropout: 0.5, lr: 0.01, weightDecay: 5e-4, epochs: 200, seeds: 10 });
    expect(findExperiment("cora-gat").config).toMatchObject({ heads: 8, hidden: 8, dropout: 0.6, lr: 0.005, weightDecay: 5e-4, patience: 100, seeds: 10 });
    expect(findExperiment("cora-sage").name).toBe("cora-sage");
  });

  it("GCN: 2 seeds × 20 epochs reach far above chance (1/7), seeds differ, same seed same result", async () => {
    const r = await runCoraGcn(options(), { seeds: 2, epochs: 20 });
    expect(Object.keys(r)).toEqual(expect.arrayContaining(["testAccuracyMean", "testAccuracyStd", "secondsPerEpoch"]));
    expect(r.testAccuracyMean as number).toBeGreaterThan(0.6);
    const [a, b] = r.testAccuracies as number[];
    expect(r.testAccuracyStd).toBeCloseTo(Math.abs(a! - b!) / Math.SQRT2, 12);
    const again = await runCoraGcn(options(1), { seeds: 1, epochs: 20 });
    expect(again.testAccuracies).toEqual([b]);
  }, 300_000);

  it("GAT and GraphSAGE: one seed, a few epochs, far above chance", async () => {
    const gat = await runCoraGat(options(), { seeds: 1, epochs: 10 });
    expect(gat.testAccuracyMean as number).toBeGreaterThan(0.5);
    const sage = await runCoraSage(options(), { seeds: 1, epochs: 12 });
    expect(sage.testAccuracyMean as number).toBeGreaterThan(0.5);
  }, 300_000);
});

describe("ValidationPatience (the GAT code's early stopping)", () => {
  it("saves only when accuracy and loss both improve, waits while either does, stops after `patience` epochs of neither", () => {
    // Traced by hand through execute_cora.py's rule: acc ≥ best or loss ≤ lowest resets the counter,
    // acc ≥ best and loss ≤ lowest saves.
    const stopping = new ValidationPatience(2);
    const trace = [
      [0.5, 1.0], // both improve: save
      [0.6, 1.1], // accuracy only: reset, no save
      [0.6, 1.0], // ties on both (≥ and ≤): save
      [0.55, 0.9], // loss only: reset, no save
      [0.5, 0.95], // neither: waited 1
      [0.6, 0.95], // accuracy tie: reset
      [0.59, 0.91], // neither: waited 1
      [0.58, 0.92], // neither: waited 2, stop
    ].map(([acc, loss], i) => stopping.step(i + 1, acc!, loss!));
    expect(trace.map((t) => t.save)).toEqual([true, false, true, false, false, false, false, false]);
    expect(trace.map((t) => t.stop)).toEqual([false, false, false, false, false, false, false, true]);
    expect(stopping.savedEpoch).toBe(3);
  });

  it("GAT with early stopping: same seed same result, at most `epochs` epochs per seed", async () => {
    const a = await runCoraGat(options(3), { seeds: 1, epochs: 8, patience: 2 });
    const b = await runCoraGat(options(3), { seeds: 1, epochs: 8, patience: 2 });
    expect(a.testAccuracies).toEqual(b.testAccuracies);
    expect((a.epochsRun as number[])[0]).toBeLessThanOrEqual(8);
  }, 300_000);
});

describe("graph-classification", () => {
  it("GIN on 150 synthetic graphs, 15 epochs: far above chance (1/3) on held-out graphs", async () => {
    const { runGraphClassification } = await import("../../src/experiments/graph-classification.js");
    expect(findExperiment("graph-classification").name).toBe("graph-classification");
    const r = await runGraphClassification(options(), { epochs: 15, numGraphs: 150 });
    expect(r.testAccuracy as number).toBeGreaterThan(0.7);
  }, 300_000);
});
