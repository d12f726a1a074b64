// Experiment: nanoGPT's CPU configuration on tiny Shakespeare (characters) — a 4-layer GPT, its validation loss and a sample.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Generator, manualSeed } from "../random/Generator.js";
import { tensor } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { GPT } from "../models/GPT.js";
import { AdamW } from "../optim/AdamW.js";
import { clipGradNorm_ } from "../nn/regularization.js";
import { tinyShakespeare } from "../text/tinyShakespeare.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/**
 * nanoGPT's "train_shakespeare_char" settings for a CPU (its README: `--device=cpu --compile=False
 * --eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128
 * --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0`), with the config file's AdamW (lr 1e-3 → 1e-4
 * cosine after 100 warm-up iterations, β₂ 0.99, weight decay 0.1 on ≥2-D weights, clip 1.0). Losses
 * are averaged over `evalIters` batches of each split, as nanoGPT's estimate_loss.
 */
export const config = {
  iterations: 2000,
  blockSize: 64,
  batchSize: 12,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  dropout: 0,
  learningRate: 1e-3,
  minLr: 1e-4,
  warmupIters: 100,
  beta1: 0.9,
  beta2: 0.99,
  weightDecay: 0.1,
  gradClip: 1.0,
  /** Batches per split in the final loss estimate. */
  evalIters: 200,
  sampleChars: 500,
  temperature: 0.8,
  topK: 200,
};

/** A smaller run (for tests). */
export type CharGptBudget = Partial<typeof config>;

/** nanoGPT's get_lr: linear warm-up, then cosine decay from learningRate to minLr at the last iteration. */
export function learningRate(it: number, c: Pick<typeof config, "learningRate" | "minLr" | "warmupIters" | "iterations">): number {
  if (it < c.warmupIters) return (c.learningRate * (it + 1)) / (c.warmupIters + 1);
  if (it > c.iterations) return c.minLr;
  const ratio = (it - c.warmupIters) / (c.iterations - c.warmupIters);
  return c.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (c.learningRate - c.minLr);
}

/**
 * Trains the GPT on the first 90 % of tiny Shakespeare (character vocabulary of the whole text) with
 * random windows of blockSize + 1 characters, then reports the mean loss over `evalIters` random
 * batches of each split and writes a sample (samples.txt). `epochs` overrides the iteration count,
 * `lr` the peak learning rate. Metrics: `valLoss`, `trainLoss`, `seconds` (training time).
 */
export async function runCharGpt(opts: ExperimentOptions, budget: CharGptBudget = {}): Promise<ExperimentResult> {
  const given = Object.fromEntries(Object.entries(budget).filter(([, v]) => v !== undefined)) as CharGptBudget;
  const c = { ...config, ...given, ...(opts.epochs !== undefined ? { iterations: opts.epochs } : {}), ...(opts.lr !== undefined ? { learningRate: opts.lr } : {}) };
  const all = await tinyShakespeare({ split: "all" });
  const chars = [...new Set(all)].sort();
  const index = new Map(chars.map((ch, i) => [ch, i]));
  const encode = (text: string): Int32Array => Int32Array.from(text, (ch) => index.get(ch)!);
  const data = { train: encode(await tinyShakespeare({ split: "train" })), val: encode(await tinyShakespeare({ split: "val" })) };
  manualSeed(opts.seed);
  const rng = new Generator(opts.seed + 1);
  const gpt = new GPT({
    vocabSize: chars.length, blockSize: c.blockSize, nLayer: c.nLayer, nHead: c.nHead, nEmbd: c.nEmbd, dropout: c.dropout, bias: false,
    generator: new Generator(opts.seed),
  });
  opts.log(`char-gpt: ${chars.length} characters, ${data.train.length} training and ${data.val.length} validation tokens, ${[...gpt.parameters()].reduce((n, p) => n + p.size, 0)} parameters`);

  /** batchSize random windows: inputs (B, T) and the next characters (B, T). */
  const batch = (split: "train" | "val"): [Tensor, Tensor] => {
    const source = data[split], T = c.blockSize;
    const x = new Int32Array(c.batchSize * T), y = new Int32Array(c.batchSize * T);
    for (let b = 0; b < c.batchSize; b++) {
      const start = rng.randint(0, source.length - T - 1);
      x.set(source.subarray(start, start + T), b * T);
      y.set(source.subarray(start + 1, start + T + 1), b * T);
    }
    return [tensor(x, { dtype: "int32", shape: [c.batchSize, T] }), tensor(y, { dtype: "int32", shape: [c.batchSize, T] })];
  };

  // Weight decay on the matrices (and embeddings) only, not on LayerNorm gains (nanoGPT's configure_optimizers).
  const params = [...gpt.parameters()];
  const optimizer = new AdamW(
    [{ params: params.filter((p) => p.ndim >= 2), weightDecay: c.weightDecay }, { params: params.filter((p) => p.ndim < 2), weightDecay: 0 }],
    { lr: c.learningRate, betas: [c.beta1, c.beta2] },
  );
  const started = performance.now();
  for (let it = 0; it < c.iterations; it++) {
    const lr = learningRate(it, c);
    for (const group of optimizer.paramGroups) group.lr = lr;
    const [x, y] = batch("train");
    optimizer.zeroGrad();
    const { loss } = gpt.forward(x, { targets: y });
    loss!.backward();
    clipGradNorm_(params, c.gradClip);
    optimizer.step();
    if (it % 100 === 0 || it === c.iterations - 1) opts.log(`iteration ${it}: loss ${loss!.item().toFixed(4)}, lr ${lr.toExponential(2)}`);
  }
  const seconds = (performance.now() - started) / 1e3;

  gpt.eval();
  const estimate = (split: "train" | "val"): number =>
    noGrad(() => {
      let total = 0;
      for (let i = 0; i < c.evalIters; i++) {
        const [x, y] = batch(split);
        total += gpt.forward(x, { targets: y }).loss!.item();
      }
      return total / c.evalIters;
    });
  const valLoss = estimate("val"), trainLoss = estimate("train");
  opts.log(`train loss ${trainLoss.toFixed(4)}, val loss ${valLoss.toFixed(4)}, ${seconds.toFixed(1)} s of training`);
  const prompt = tensor([[index.get("\n")!]], { dtype: "int32" });
  const sample = gpt.generate(prompt, c.sampleChars, { temperature: c.temperature, topK: c.topK, generator: new Generator(opts.seed) });
  writeFileSync(join(opts.outDir, "samples.txt"), (sample.toList() as number[]).map((i) => chars[i]).join(""));
  return { valLoss, trainLoss, seconds, iterations: c.iterations };
}

export const experiment: Experiment = {
  name: "char-gpt",
  description: "nanoGPT's CPU configuration (4 layers, 4 heads, 128 dims, block 64) on tiny Shakespeare characters: validation loss and a sample",
  chapter: "Transformers",
  options: {
    epochs: { description: "training iterations (nanoGPT's max_iters)", default: config.iterations },
    lr: { description: "peak learning rate of the warm-up + cosine schedule", default: config.learningRate, kind: "positive" },
    evalIters: { description: "batches per split in the final loss estimate", default: config.evalIters },
    nLayer: { description: "Transformer blocks", default: config.nLayer },
    nEmbd: { description: "embedding width (a multiple of the head count)", default: config.nEmbd },
  },
  quick: { evalIters: 2, nLayer: 1, nEmbd: 16 },
  config,
  run: (opts) => runCharGpt(opts, { evalIters: opts.params?.evalIters, nLayer: opts.params?.nLayer, nEmbd: opts.params?.nEmbd }),
};
