// fashion-cnn and adversarial on small budgets: metric keys, files, and the orderings the methods guarantee.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findExperiment } from "../../src/experiments/index.js";
import { runFashionCnn, fashionCnn } from "../../src/experiments/fashion-cnn.js";
import { runFashionResnet, fashionResnet } from "../../src/experiments/fashion-resnet.js";
import { runAdversarial } from "../../src/experiments/adversarial.js";
import { runConvToeplitz } from "../../src/experiments/conv-toeplitz.js";
import { runCnnInside } from "../../src/experiments/cnn-inside.js";
import { runTransfer } from "../../src/experiments/transfer.js";
import { runAutomlFashion } from "../../src/experiments/automl-fashion.js";
import type { ExperimentOptions } from "../../src/experiments/Experiment.js";
import { Generator } from "../../src/random/Generator.js";
import { summary } from "../../src/vision/models/summary.js";

const options = (epochs: number): ExperimentOptions => ({ seed: 0, epochs, outDir: mkdtempSync(join(tmpdir(), "ds-vision-")), log: () => {} });

describe("fashion-cnn", () => {
  it("is registered, and its net is the classic 1,199,882-parameter CNN", () => {
    expect(findExperiment("fashion-cnn").name).toBe("fashion-cnn");
    const s = summary(fashionCnn(new Generator(0)), [1, 1, 28, 28]);
    // PyTorch: conv 1→32 (320) + conv 32→64 (18,496) + fc 9216→128 (1,179,776) + fc 128→10 (1,290)
    expect(s.totalParams).toBe(320 + 18_496 + 1_179_776 + 1_290);
    expect(s.rows.at(-1)!.outputShape).toEqual([1, 10]);
  });

  it("one epoch on 320 images (5 Adam steps) learns above chance and writes its files", async () => {
    const opts = options(1);
    const r = await runFashionCnn(opts, { trainSize: 320, testSize: 200, testBatchSize: 64, progress: false });
    expect(r.testAccuracy).toBeGreaterThan(0.3); // chance: 0.1
    expect(r.secondsPerEpoch).toBeGreaterThan(0);
    for (const f of ["confusion.png", "filters.png", "curves.svg", "confusion.json", "metrics.jsonl"]) expect(existsSync(join(opts.outDir, f)), f).toBe(true);
    const confusion = JSON.parse(readFileSync(join(opts.outDir, "confusion.json"), "utf8")) as { matrix: number[] };
    expect(confusion.matrix.reduce((a, b) => a + b, 0)).toBe(200); // every test image, predicted in batches of 64
  }, 300_000);
});

describe("fashion-resnet", () => {
  it("is registered, and its net is the 308,538-parameter ResNet (one BasicBlock per stage, widths 16-32-64-128)", () => {
    expect(findExperiment("fashion-resnet").name).toBe("fashion-resnet");
    const s = summary(fashionResnet(new Generator(0)), [1, 1, 28, 28]);
    // stem conv 1→16 (144) + bn (32); layer1: 2 convs 16→16 (2·2,304) + 2 bns (64); layer2: convs 16→32 (4,608)
    // and 32→32 (9,216), 2 bns (128), projection 16→32 (512) + bn (64); layer3 likewise 18,432 + 36,864 + 256
    // + 2,048 + 128; layer4 73,728 + 147,456 + 512 + 8,192 + 256; fc 128→10 (1,290)
    expect(s.totalParams).toBe(144 + 32 + 4_672 + 14_528 + 57_728 + 230_144 + 1_290);
    expect(s.rows.at(-1)!.outputShape).toEqual([1, 10]);
  });

  it("one epoch of two augmented batches writes its metrics and files", async () => {
    const opts = options(1);
    const r = await runFashionResnet(opts, { trainSize: 256, testSize: 100, progress: false });
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy).toBeLessThanOrEqual(1);
    expect(r.secondsPerEpoch).toBeGreaterThan(0);
    for (const f of ["confusion.png", "curves.svg", "confusion.json", "metrics.jsonl"]) expect(existsSync(join(opts.outDir, f)), f).toBe(true);
    const confusion = JSON.parse(readFileSync(join(opts.outDir, "confusion.json"), "utf8")) as { matrix: number[] };
    expect(confusion.matrix.reduce((a, b) => a + b, 0)).toBe(100);
  }, 300_000);
});

describe("adversarial", () => {
  // That adversarial training raises PGD accuracy is tested on a toy problem in test/vision/adversarial.test.ts;
  // this budget is too small for it to show reliably on Fashion-MNIST.
  it("is registered; PGD ≤ FGSM < clean accuracy, lower at larger ε; writes its metrics and images", async () => {
    expect(findExperiment("adversarial").name).toBe("adversarial");
    const opts = options(2);
    const r = await runAdversarial(opts, { trainSize: 640, attackImages: 100, epsList: [0.05, 0.1], pgdSteps: 3, trainPgdSteps: 2 });
    expect(r.cleanAccuracy as number).toBeGreaterThan(0.3);
    expect(r.fgsmAccuracy as number).toBeLessThan(r.cleanAccuracy as number);
    expect(r.pgdAccuracy as number).toBeLessThanOrEqual(r.fgsmAccuracy as number);
    for (const key of ["cleanAccuracyAdvTrained", "fgsmAccuracyAdvTrained", "pgdAccuracyAdvTrained"]) expect(r[key], key).toBeTypeOf("number");
    // larger ε, lower robust accuracy
    const byEps = r.pgdByEps as number[];
    expect(byEps[1]!).toBeLessThanOrEqual(byEps[0]!);
    expect(existsSync(join(opts.outDir, "examples.png"))).toBe(true);
    expect(JSON.parse(readFileSync(join(opts.outDir, "robustness.json"), "utf8")).pgdAccuracy).toBe(r.pgdAccuracy);
  }, 300_000);
});

describe("conv-toeplitz", () => {
  it("the Toeplitz matrix reproduces conv2d and its transpose convTranspose2d to rounding error; writes its structure images", () => {
    const opts = options(1);
    const r = runConvToeplitz(opts, 8);
    expect(r.maxAbsError as number).toBeLessThan(1e-12);
    expect(r.maxAbsErrorTranspose as number).toBeLessThan(1e-12);
    const cases = JSON.parse(readFileSync(join(opts.outDir, "cases.json"), "utf8")) as { name: string; rows: number; cols: number; density: number }[];
    // 3×3 valid on 8×8: 36 outputs × 64 inputs, 9 weights per row
    expect(cases[0]).toMatchObject({ name: "3x3", rows: 36, cols: 64 });
    expect(cases[0]!.density).toBeCloseTo(9 / 64, 12);
    for (const c of cases) expect(existsSync(join(opts.outDir, `toeplitz-${c.name}.png`)), c.name).toBe(true);
  });
});

describe("cnn-inside", () => {
  it("is registered; trains above chance and writes filters, feature maps, saliency and activation-maximization images", async () => {
    expect(findExperiment("cnn-inside").name).toBe("cnn-inside");
    const opts = options(1);
    const r = await runCnnInside(opts, { trainSize: 640, testSize: 100, amSteps: 20 });
    expect(r.testAccuracy as number).toBeGreaterThan(0.3);
    expect(r.amGain as number).toBeGreaterThan(0); // gradient ascent raises each class score on average
    for (const f of ["filters.png", "featuremaps-conv1.png", "featuremaps-conv2.png", "saliency.png", "activation-max.png", "activation-max.json"]) {
      expect(existsSync(join(opts.outDir, f)), f).toBe(true);
    }
  }, 300_000);
});

describe("transfer", () => {
  it("is registered and reports the three accuracies on classes 5–9", async () => {
    expect(findExperiment("transfer").name).toBe("transfer");
    const r = await runTransfer(options(1), { trainSize: 1200, testSize: 200, targetEpochs: 2 });
    for (const key of ["accuracyFrozen", "accuracyFinetuned", "accuracyScratch", "sourceAccuracy"]) {
      expect(r[key] as number, key).toBeGreaterThanOrEqual(0);
      expect(r[key] as number, key).toBeLessThanOrEqual(1);
    }
    expect(r.sourceAccuracy as number).toBeGreaterThan(0.4); // 5 classes: chance 0.2
    expect(r.labels).toBe(6); // 1 % of the ~600 images of classes 5–9 among the first 1,200
  }, 300_000);
});

describe("automl-fashion", () => {
  it("is registered; writes the trials table and reports the search's best and the test accuracy", async () => {
    expect(findExperiment("automl-fashion").name).toBe("automl-fashion");
    const opts = options(2);
    const r = await runAutomlFashion(opts, { trainSize: 300, testSize: 100, maxTrials: 2 });
    expect(r.trials).toBe(2);
    expect(r.testAccuracy as number).toBeGreaterThan(0.2); // chance: 0.1
    const table = readFileSync(join(opts.outDir, "trials.md"), "utf8");
    expect(table.trim().split("\n").length).toBe(2 + 2);
    const json = JSON.parse(readFileSync(join(opts.outDir, "trials.json"), "utf8")) as { best: { valAccuracy: number } };
    expect(json.best.valAccuracy).toBe(r.bestValAccuracy);
  }, 300_000);
});
