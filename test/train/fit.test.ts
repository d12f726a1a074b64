import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fit, evaluate, predict } from "../../src/train/fit.js";
import { accuracy } from "../../src/train/metrics.js";
import { EarlyStopping } from "../../src/train/EarlyStopping.js";
import { ModelCheckpoint } from "../../src/train/ModelCheckpoint.js";
import { LearningRateScheduler, ReduceLROnPlateau } from "../../src/train/schedulers.js";
import { CsvLogger, JsonlLogger, LambdaCallback } from "../../src/train/loggers.js";
import type { Callback } from "../../src/train/Callback.js";
import { DataLoader } from "../../src/data/DataLoader.js";
import { TensorDataset } from "../../src/data/Dataset.js";
import { gaussianBlobs } from "../../src/data/synthetic.js";
import { loadCheckpoint } from "../../src/io/checkpoint.js";
import { Linear } from "../../src/nn/Linear.js";
import { Sequential } from "../../src/nn/containers.js";
import { ReLU } from "../../src/nn/activations.js";
import { crossEntropy, mseLoss } from "../../src/nn/functional/losses.js";
import { SGD } from "../../src/optim/SGD.js";
import { Generator } from "../../src/random/Generator.js";
import { tensor } from "../../src/ops/creation.js";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { ProgressBar } from "../../src/node/ProgressBar.js";

function blobsTask(seed = 0) {
  const { x, y } = gaussianBlobs(120, { centers: [[-2, 0], [2, 0], [0, 3]], std: 0.5, seed });
  const ds = new TensorDataset(x, y);
  const model = new Sequential(new Linear(2, 16, { generator: new Generator(seed) }), new ReLU(), new Linear(16, 3, { generator: new Generator(seed + 1) }));
  return { ds, model, x, y };
}

/** Replaces the logged `valLoss` with scripted values, so callbacks see a known sequence. */
const scriptValLoss = (values: number[]): Callback => ({ onEpochEnd: (epoch, logs) => void (logs.valLoss = values[epoch]!) });

/** Snapshots of the weights at each epoch end. */
function recorder(model: { stateDict(): Record<string, Tensor> }): { snaps: Record<string, number[]>[]; cb: Callback } {
  const snaps: Record<string, number[]>[] = [];
  return { snaps, cb: { onEpochEnd: () => void snaps.push(Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.toList()]))) } };
}

const weights = (model: { stateDict(): Record<string, Tensor> }) => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.toList()]));

describe("fit", () => {
  it("learns separable blobs: training loss falls and accuracy reaches 100 %", async () => {
    const { ds, model } = blobsTask();
    const history = await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 1 }),
      valLoader: new DataLoader(ds, { batchSize: 64 }),
      loss: (o, t) => crossEntropy(o, t),
      optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
      epochs: 15,
      metrics: { accuracy },
    });
    expect(history.epochs).toHaveLength(15);
    expect(history.series.loss![14]).toBeLessThan(history.series.loss![0]! / 5);
    expect(history.series.valAccuracy![14]).toBe(1);
    expect(Object.keys(history.epochs[0]!)).toEqual(expect.arrayContaining(["epoch", "loss", "accuracy", "valLoss", "valAccuracy", "lr", "seconds"]));
    expect(history.stoppedEarly).toBe(false);
  });

  it("logs the sample-weighted mean of batch losses as the epoch loss", async () => {
    // With lr = 0 the model is fixed, so the epoch loss equals the full-data loss (batches of 4 and 2 rows).
    const { ds, model, x, y } = blobsTask();
    const sub = new TensorDataset(x.slice(0, 0, 6), y.slice(0, 0, 6));
    const h = await fit(model, {
      trainLoader: new DataLoader(sub, { batchSize: 4 }), loss: (o, t) => crossEntropy(o, t),
      optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 1,
    });
    const full = crossEntropy(model.forward(x.slice(0, 0, 6)), y.slice(0, 0, 6)).item();
    expect(h.series.loss![0]).toBeCloseTo(full, 5);
    expect(ds.length).toBe(120);
  });

  it("evaluate restores train mode; predict concatenates batches in order", async () => {
    const { ds, model, x } = blobsTask();
    model.train();
    const r = evaluate(model, new DataLoader(ds, { batchSize: 50 }), { loss: (o, t) => crossEntropy(o, t), metrics: { accuracy } });
    expect(model.training).toBe(true);
    expect(Object.keys(r).sort()).toEqual(["accuracy", "loss"]);
    const all = model.forward(x).toList();
    expect(predict(model, x, { batchSize: 7 }).toList()).toEqual(all);
    expect(predict(model, new DataLoader(ds, { batchSize: 50 })).toList()).toEqual(all);
  });

  it("reports a non-finite loss with its epoch and batch", async () => {
    const model = new Linear(1, 1);
    const ds = new TensorDataset(tensor([[1], [2]]), tensor([[Number.NaN], [1]]));
    await expect(
      fit(model, { trainLoader: new DataLoader(ds, { batchSize: 1 }), loss: (o, t) => mseLoss(o, t), optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1 }),
    ).rejects.toThrow(/loss became NaN at epoch 0, batch 0/);
  });
});

describe("EarlyStopping", () => {
  it("stops after `patience` epochs without improvement and restores the best epoch's weights", async () => {
    const { ds, model } = blobsTask();
    const rec = recorder(model);
    const es = new EarlyStopping({ monitor: "valLoss", patience: 2, restoreBestWeights: true });
    const h = await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 32 }), valLoader: new DataLoader(ds, { batchSize: 120 }),
      loss: (o, t) => crossEntropy(o, t), optimizer: new SGD(model.parameters(), { lr: 0.05 }), epochs: 20,
      // best at epoch 1; epochs 2 and 3 do not improve → stop after epoch 3
      callbacks: [scriptValLoss([1.0, 0.5, 0.6, 0.55, 0.1]), rec.cb, es],
    });
    expect(h.epochs).toHaveLength(4);
    expect(h.stoppedEarly).toBe(true);
    expect(es.bestEpoch).toBe(1);
    expect(es.stoppedEpoch).toBe(3);
    expect(weights(model)).toEqual(rec.snaps[1]);
    expect(weights(model)).not.toEqual(rec.snaps[3]);
  });

  it("minDelta: improvements no larger than minDelta do not count; mode max for accuracy", () => {
    const es = new EarlyStopping({ monitor: "valAccuracy", patience: 1, minDelta: 0.01 });
    expect(es.mode).toBe("max");
    const ctx = { stopTraining: false } as Parameters<EarlyStopping["onEpochEnd"]>[2];
    es.onTrainBegin();
    es.onEpochEnd(0, { valAccuracy: 0.9 }, ctx);
    es.onEpochEnd(1, { valAccuracy: 0.905 }, ctx);
    expect(ctx.stopTraining).toBe(true);
    expect(es.best).toBe(0.9);
  });

  it("names the missing monitored value", () => {
    const es = new EarlyStopping({ monitor: "valLos" });
    expect(() => es.onEpochEnd(0, { loss: 1 }, {} as never)).toThrow(/"valLos" is not logged \(available: loss\)/);
  });
});

describe("ModelCheckpoint", () => {
  it("bestOnly saves exactly at the improving epochs, and the file holds that epoch's weights and optimizer state", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-ckpt-"));
    const { ds, model } = blobsTask();
    const rec = recorder(model);
    const mc = new ModelCheckpoint({ path: join(dir, "best-{epoch}.safetensors"), bestOnly: true, config: { hidden: 16 } });
    await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 32 }), loss: (o, t) => crossEntropy(o, t),
      optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), epochs: 5,
      callbacks: [scriptValLoss([0.9, 0.95, 0.8, 0.8, 0.7]), rec.cb, mc],
    });
    expect(mc.saved.map((p) => p.slice(dir.length + 1))).toEqual(["best-0.safetensors", "best-2.safetensors", "best-4.safetensors"]);
    const ck = await loadCheckpoint(join(dir, "best-2.safetensors"));
    expect(Object.fromEntries(Object.entries(ck.stateDict).map(([k, t]) => [k, t.toList()]))).toEqual(rec.snaps[2]);
    expect(ck.config).toEqual({ hidden: 16 });
    expect((ck.extra as { epoch: number }).epoch).toBe(2);
    const opt = ck.optimizer as { state: Record<string, { momentumBuffer: Tensor }> };
    expect(Object.keys(opt.state)).toHaveLength(4);
  });
});

describe("learning-rate callbacks", () => {
  it("a function schedule sets the lr at each epoch (interval epoch) or each step (interval batch)", async () => {
    const { ds, model } = blobsTask();
    const lrs: number[] = [];
    const opt = new SGD(model.parameters(), { lr: 1 });
    const h = await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 60 }), loss: (o, t) => crossEntropy(o, t), optimizer: opt, epochs: 3,
      callbacks: [new LearningRateScheduler((e) => 0.1 / (e + 1))],
    });
    expect(h.series.lr).toEqual([0.1, 0.05, 0.1 / 3]);
    await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 60 }), loss: (o, t) => crossEntropy(o, t), optimizer: opt, epochs: 2,
      callbacks: [new LearningRateScheduler((s) => 0.01 * (s + 1), { interval: "batch" }), { onBatchEnd: (_b, _l, ctx) => void lrs.push(ctx.optimizer.paramGroups[0]!.lr) }],
    });
    expect(lrs.map((v) => +v.toFixed(10))).toEqual([0.01, 0.02, 0.03, 0.04]);
  });

  it("ReduceLROnPlateau matches PyTorch's lr sequence", () => {
    // torch 1.13: ReduceLROnPlateau(SGD(lr=1), mode="min", factor=0.5, patience=1, threshold=0,
    // threshold_mode="abs", cooldown=1, min_lr=0.1), step(v) for each v below; lr after each step:
    const values = [1.0, 0.9, 0.95, 0.92, 0.91, 0.99, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    const torchLr = [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125];
    const opt = { paramGroups: [{ lr: 1 }] };
    const ctx = { optimizer: opt } as never;
    const r = new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 1, minLr: 0.1 });
    const got = values.map((v, e) => {
      r.onEpochEnd(e, { valLoss: v }, ctx);
      return opt.paramGroups[0]!.lr;
    });
    expect(got).toEqual(torchLr);
  });
});

describe("loggers and progress", () => {
  it("JSONL writes one object per epoch; CSV writes a header and one row per epoch", async () => {
    const { ds, model } = blobsTask();
    const jsonl: string[] = [], csv: string[] = [], plain: string[] = [];
    const seen: number[] = [];
    await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 60 }), loss: (o, t) => crossEntropy(o, t),
      optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, metrics: { accuracy },
      callbacks: [new JsonlLogger((l) => jsonl.push(l)), new CsvLogger((l) => csv.push(l)), new LambdaCallback((e) => seen.push(e)),
        new ProgressBar({ plain: true, log: (l) => plain.push(l) })],
    });
    expect(jsonl.map((l) => JSON.parse(l).epoch)).toEqual([0, 1]);
    expect(JSON.parse(jsonl[1]!).accuracy).toBeGreaterThanOrEqual(0);
    expect(csv[0]!.split(",").slice(0, 3)).toEqual(["epoch", "loss", "accuracy"]);
    expect(csv).toHaveLength(3);
    expect(csv[2]!.split(",")[0]).toBe("1");
    expect(seen).toEqual([0, 1]);
    expect(plain).toHaveLength(2);
    expect(plain[1]).toMatch(/^epoch 2\/2 \(\d+\.\d s\): loss \d\.\d{4} · accuracy \d\.\d{4} · lr 0\.1000$/);
  });

  it("on a TTY stream the progress bar draws a live bar per epoch (cli-progress), then logs the epoch line", async () => {
    const { ds, model } = blobsTask();
    const drawn: string[] = [], logged: string[] = [];
    const tty = { isTTY: true, columns: 100, write: (text: string) => drawn.push(text) > 0 };
    await fit(model, {
      trainLoader: new DataLoader(ds, { batchSize: 40 }), loss: (o, t) => crossEntropy(o, t),
      optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2,
      callbacks: [new ProgressBar({ stream: tty, log: (l) => logged.push(l) })],
    });
    expect(drawn.join("")).toMatch(/epoch 1\/2 .* 3\/3 \| ETA .* \| loss \d\.\d{4}/);
    expect(drawn.join("")).toMatch(/epoch 2\/2 /);
    expect(logged).toHaveLength(2);
    expect(logged[1]).toMatch(/^epoch 2\/2 \(\d+\.\d s\): loss \d\.\d{4}/);
  });

  it("fileSink + JsonlLogger write a file", async () => {
    const { fileSink } = await import("../../src/node/fs.js");
    const path = join(mkdtempSync(join(tmpdir(), "ds-log-")), "m.jsonl");
    const logger = new JsonlLogger(fileSink(path));
    logger.onEpochEnd(0, { loss: 1 });
    logger.onEpochEnd(1, { loss: 0.5 });
    expect(readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l))).toEqual([{ loss: 1, epoch: 0 }, { loss: 0.5, epoch: 1 }]);
  });
});
