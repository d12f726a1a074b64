// karate and link-prediction on small budgets: registered with their options, the metric keys, the files, and a learning signal.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { clusterAgreement, runKarate } from "../../src/experiments/karate.js";
import { runLinkPrediction } from "../../src/experiments/link-prediction.js";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";

const options = (extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({ seed: 0, outDir: mkdtempSync(join(tmpdir(), "ds-gnn-")), log: () => {}, ...extra });

describe("karate", () => {
  it("clusterAgreement takes the better naming of the two clusters", () => {
    expect(clusterAgreement([1, 1, 0, 0], [0, 0, 1, 1])).toEqual({ accuracy: 1, aligned: Int32Array.from([0, 0, 1, 1]) });
    expect(clusterAgreement([0, 1, 1, 1], [0, 0, 1, 1]).accuracy).toBe(0.75);
    expect(clusterAgreement([1, 0, 0, 0], [0, 0, 1, 1])).toEqual({ accuracy: 0.75, aligned: Int32Array.from([0, 1, 1, 1]) });
    expect(() => clusterAgreement([0, 2], [0, 1])).toThrow(/clusterAgreement: expected labels 0 or 1 at node 1, got cluster 2 and club 1/);
  });

  it("finds the club split far better than chance and draws it", async () => {
    const exp = findExperiment("karate");
    expect(exp.chapter).toBe("GNNs");
    expect(Object.keys(exp.options).sort()).toEqual(["seeds", "walksPerNode"]);
    const opts = options();
    const r = await runKarate(opts, { seeds: 2, walksPerNode: 4 });
    expect(Object.keys(r)).toEqual(expect.arrayContaining(["accuracy", "deepWalkAccuracyMean", "deepWalkAccuracyMin", "deepWalkAccuracies"]));
    // chance (a random 2-way split, best naming) agrees with ~57 % of the 34 members
    expect(r.accuracy as number).toBeGreaterThanOrEqual(0.9);
    expect(r.deepWalkAccuracies as number[]).toHaveLength(2);
    expect(r.deepWalkAccuracyMean as number).toBeGreaterThan(0.75);
    const svg = readFileSync(join(opts.outDir, "communities.svg"), "utf8");
    expect(svg.match(/<circle /g)!.length).toBeGreaterThanOrEqual(2 * 34);
    expect(svg).toContain("Mr. Hi");
    // same seed, same result
    expect((await runKarate(options(), { seeds: 2, walksPerNode: 4 })).deepWalkAccuracies).toEqual(r.deepWalkAccuracies);
  }, 60_000);
});

describe("link-prediction", () => {
  it("is registered with epochs and lr", () => {
    const exp = findExperiment("link-prediction");
    expect(exp.chapter).toBe("GNNs");
    expect(Object.keys(exp.options).sort()).toEqual(["epochs", "lr"]);
    expect(exp.config).toMatchObject({ numVal: 0.05, numTest: 0.1, hidden: 128, out: 64, lr: 0.01, epochs: 100 });
  });

  it("20 epochs lower the loss and rank held-out edges above sampled non-edges; same seed, same result", async () => {
    // PyG's link_pred example moves slowly at first (loss ≈ 0.69 for ~10 epochs), then learns: 20 epochs show it
    const opts = options({ epochs: 20 });
    const r = await runLinkPrediction(opts);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(["auc", "valAuc", "finalTestAuc", "secondsPerEpoch", "losses", "valAucs"]));
    const losses = r.losses as number[], valAucs = r.valAucs as number[];
    expect(losses).toHaveLength(20);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 0.04); // ln 2 ≈ 0.693 at the start
    expect(r.valAuc as number).toBeGreaterThan(valAucs[0]! + 0.02);
    expect(r.auc as number).toBeGreaterThan(0.7); // chance: 0.5
    expect(existsSync(join(opts.outDir, "curves.svg"))).toBe(true);
    const again = await runLinkPrediction(options({ epochs: 2 }));
    expect(again.losses).toEqual(losses.slice(0, 2));
    expect(again.valAucs).toEqual(valAucs.slice(0, 2));
  }, 180_000);
});
