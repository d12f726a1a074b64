import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experiment as backpropByHand, autogradGrads, backward, initParams, maxGradientDifference } from "../../src/experiments/backprop-by-hand.js";
import { experiment as featureCross, withCross } from "../../src/experiments/feature-cross.js";
import { experiment as optimizers } from "../../src/experiments/optimizers.js";
import { experiment as regularization } from "../../src/experiments/regularization.js";
import { experiment as mcDropout } from "../../src/experiments/mc-dropout.js";
import { Generator } from "../../src/random/Generator.js";
import { randn, tensor } from "../../src/ops/creation.js";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";

const options = (extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({ seed: 0, outDir: mkdtempSync(join(tmpdir(), "ds-exp-")), log: () => {}, ...extra });

describe("backprop-by-hand", () => {
  it("the hand-written backward pass equals autograd on random float64 networks", () => {
    for (const seed of [1, 2, 3]) {
      const g = new Generator(seed);
      const X = randn([7, 3], { generator: g, dtype: "float64" });
      const y = randn([7, 1], { generator: g, dtype: "float64" }).sigmoid();
      const p = initParams(3, 5, g, "float64");
      expect(maxGradientDifference(backward(p, X, y).grads, autogradGrads(p, X, y))).toBeLessThan(1e-14);
    }
  });

  it("trains the 2-layer sigmoid net on XOR to ≥ 95 % with the hand-written gradients", async () => {
    const opts = options();
    const r = await backpropByHand.run(opts);
    expect(r.maxGradDiff).toBeLessThan(1e-14);
    expect(r.finalLoss).toBeLessThan((r.initialLoss as number) / 10);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(readFileSync(join(opts.outDir, "loss.svg"), "utf8")).toMatch(/^<svg/);
  });
});

describe("feature-cross", () => {
  it("withCross appends x₁·x₂", () => {
    expect(withCross(tensor([[2, 3], [-1, 4]])).toArray()).toEqual([[2, 3, 6], [-1, 4, -4]]);
  });

  it("linear fails (a half-plane gets at most 2/3 of uniform sign(x₁x₂) data), the cross and the MLP succeed", async () => {
    const opts = options();
    const r = await featureCross.run(opts);
    expect(r.linearTestAccuracy).toBeLessThan(0.7);
    expect(r.linearCrossTestAccuracy).toBeGreaterThan(0.93);
    expect(r.mlpTestAccuracy).toBeGreaterThan(0.9);
    expect(existsSync(join(opts.outDir, "decision-boundaries.svg"))).toBe(true);
  }, 30_000);
});

describe("optimizers", () => {
  it("every optimizer lowers the loss below chance level (ln 3) and Adam-HD adapts its learning rate", async () => {
    const opts = options({ epochs: 12 });
    const r = await optimizers.run(opts);
    for (const key of ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamHD"]) {
      expect(r[`${key}FinalLoss`], key).toBeLessThan(Math.log(3));
    }
    expect(r.adamHDFinalLr).not.toBe(0.001);
    expect(existsSync(join(opts.outDir, "loss.svg"))).toBe(true);
    expect(readFileSync(join(opts.outDir, "metrics-adam.jsonl"), "utf8").trim().split("\n")).toHaveLength(12);
  }, 30_000);
});

describe("regularization", () => {
  it("the unregularized MLP overfits 40 points; L2, dropout and early stopping each shrink the train/test gap", async () => {
    const opts = options({ epochs: 150 });
    const r = await regularization.run(opts);
    expect(r.noneTrainAccuracy).toBe(1);
    expect(r.noneGap).toBeGreaterThan(0.1);
    for (const v of ["l2", "dropout", "earlyStopping"]) expect(r[`${v}Gap`], v).toBeLessThan(r.noneGap as number);
    expect(r.cvAccuracyStd).toBeGreaterThan(0);
    expect(r.cvAccuracyMean).toBeGreaterThan(0.5);
    expect(existsSync(join(opts.outDir, "regularization.svg"))).toBe(true);
  }, 60_000);
});

describe("mc-dropout", () => {
  it("predictive spread is larger out of the training range than inside it", async () => {
    const opts = options({ epochs: 100 });
    const r = await mcDropout.run(opts);
    expect(r.stdOutOfDistribution).toBeGreaterThan(1.5 * (r.stdInDistribution as number));
    expect(r.rmseInDistribution).toBeLessThan(0.2);
    expect(existsSync(join(opts.outDir, "mc-dropout.svg"))).toBe(true);
  }, 60_000);
});
