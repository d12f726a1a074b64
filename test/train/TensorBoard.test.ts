import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fit } from "../../src/train/fit.js";
import { accuracy } from "../../src/train/metrics.js";
import { TensorBoard } from "../../src/train/TensorBoard.js";
import type { Callback } from "../../src/train/Callback.js";
import { DataLoader } from "../../src/data/DataLoader.js";
import { TensorDataset } from "../../src/data/Dataset.js";
import { gaussianBlobs } from "../../src/data/synthetic.js";
import { Linear } from "../../src/nn/Linear.js";
import { Sequential } from "../../src/nn/containers.js";
import { ReLU } from "../../src/nn/activations.js";
import { crossEntropy } from "../../src/nn/functional/losses.js";
import { SGD } from "../../src/optim/SGD.js";
import { Generator } from "../../src/random/Generator.js";
import { readEvents } from "../../src/tensorboard/readEvents.js";
import type { Event } from "../../src/tensorboard/events.js";

function events(runDir: string): Event[] {
  const files = readdirSync(runDir).filter((f) => f.startsWith("events.out.tfevents."));
  expect(files).toHaveLength(1);
  return readEvents(join(runDir, files[0]!));
}

/** tag → [step, value] for the scalar events of a run. */
function scalars(runDir: string): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const e of events(runDir)) for (const v of e.summary?.value ?? []) if (v.simpleValue !== undefined) (out[v.tag] ??= []).push([e.step, v.simpleValue]);
  return out;
}

async function train(callbacks: Callback[], epochs = 3) {
  const { x, y } = gaussianBlobs(120, { centers: [[-2, 0], [2, 0], [0, 3]], std: 0.5, seed: 0 });
  const ds = new TensorDataset(x, y);
  const model = new Sequential(new Linear(2, 8, { generator: new Generator(0) }), new ReLU(), new Linear(8, 3, { generator: new Generator(1) }));
  const batchLosses: number[] = [];
  const weights: Record<string, number[]>[] = [];
  const recorder: Callback = {
    onBatchEnd: (_b, logs) => void batchLosses.push(logs.loss),
    onEpochEnd: () => void weights.push(Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.toList()]))),
  };
  const history = await fit(model, {
    trainLoader: new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 1 }),
    valLoader: new DataLoader(ds, { batchSize: 64 }),
    loss: (o, t) => crossEntropy(o, t),
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs, metrics: { accuracy }, callbacks: [recorder, ...callbacks],
  });
  return { history, batchLosses, weights };
}

describe("TensorBoard callback", () => {
  it("logs fit's epoch numbers as epoch_<name>: training in <logDir>/train, validation in <logDir>/validation", async () => {
    const logDir = join(mkdtempSync(join(tmpdir(), "ds-tb-cb-")), "logs");
    const { history } = await train([new TensorBoard({ logDir })]);
    const f32 = (name: string) => history.series[name]!.map((v, epoch) => [epoch, Math.fround(v)]);
    expect(scalars(join(logDir, "train"))).toEqual({
      epoch_loss: f32("loss"), epoch_accuracy: f32("accuracy"), epoch_lr: f32("lr"), epoch_seconds: f32("seconds"),
    });
    expect(scalars(join(logDir, "validation"))).toEqual({ epoch_loss: f32("valLoss"), epoch_accuracy: f32("valAccuracy") });
  });

  it("logs each batch's loss at the global step with updateFreq \"batch\", every n-th with a number", async () => {
    const logDir = join(mkdtempSync(join(tmpdir(), "ds-tb-cb-")), "logs");
    const { batchLosses } = await train([new TensorBoard({ logDir: join(logDir, "every"), updateFreq: "batch" }), new TensorBoard({ logDir: join(logDir, "third"), updateFreq: 3 })]);
    expect(batchLosses).toHaveLength(3 * 8); // 120 samples in batches of 16, 3 epochs
    expect(scalars(join(logDir, "every", "train")).batch_loss).toEqual(batchLosses.map((l, step) => [step, Math.fround(l)]));
    expect(scalars(join(logDir, "third", "train")).batch_loss).toEqual(batchLosses.map((l, step) => [step, Math.fround(l)]).filter(([step]) => step! % 3 === 0));
  });

  it("writes a histogram of every weight every histogramFreq epochs", async () => {
    const logDir = join(mkdtempSync(join(tmpdir(), "ds-tb-cb-")), "logs");
    const { weights } = await train([new TensorBoard({ logDir, histogramFreq: 2 })], 4);
    const histos = events(join(logDir, "train")).flatMap((e) => (e.summary?.value ?? []).filter((v) => v.histo).map((v) => ({ step: e.step, tag: v.tag, h: v.histo! })));
    expect(histos.map((x) => [x.step, x.tag])).toEqual([1, 3].flatMap((epoch) => ["0.weight", "0.bias", "2.weight", "2.bias"].map((tag) => [epoch, tag])));
    for (const { step, tag, h } of histos) {
      const w = weights[step]![tag]!;
      expect([h.num, h.min, h.max]).toEqual([w.length, Math.min(...w), Math.max(...w)]);
      expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(w.length);
    }
  });

  it("rejects bad options", () => {
    expect(() => new TensorBoard({ updateFreq: 0 })).toThrow('TensorBoard: updateFreq must be "epoch", "batch" or a positive integer, got 0');
    expect(() => new TensorBoard({ updateFreq: "step" as never })).toThrow('got "step"');
    expect(() => new TensorBoard({ histogramFreq: -1 })).toThrow("TensorBoard: histogramFreq must be a non-negative integer, got -1");
    expect(() => new TensorBoard({ logDir: "" })).toThrow('TensorBoard: logDir must be a non-empty string, got ""');
  });
});
