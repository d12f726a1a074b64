// Experiment: a 2-layer LSTM character language model on tiny Shakespeare (char-rnn), trained with
// truncated backpropagation through time; reports the validation loss in nats per character.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { Module } from "../nn/Module.js";
import { Embedding } from "../nn/Embedding.js";
import { Linear } from "../nn/Linear.js";
import { LSTM } from "../nn/rnn.js";
import { truncatedBPTT } from "../nn/tbptt.js";
import { clipGradNorm_ } from "../nn/regularization.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { dropout } from "../nn/functional/layers.js";
import { Adam } from "../optim/Adam.js";
import { Generator } from "../random/Generator.js";
import { tinyShakespeare } from "../text/tinyShakespeare.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--epochs` (passes over the training split), `--lr` and `--seed` override. */
export const config = {
  embedding: 64,
  hidden: 256,
  layers: 2,
  /** Dropout between the two LSTM layers and before the output layer (char-rnn uses 0–0.5). */
  dropout: 0.1,
  /** Parallel streams the training text is cut into (PyTorch's word_language_model `batchify`). */
  batch: 32,
  /** Truncated-BPTT chunk length: the gradient reaches back this many characters; the state goes on. */
  seqLen: 100,
  /** Passes over the training split (≈ 314 steps each at batch 32 × 100 characters). */
  epochs: 4,
  lr: 3e-3,
  /** The learning rate decays linearly to lr·finalLrFactor over the run. */
  finalLrFactor: 0.1,
  clipNorm: 5,
  evalEvery: 200,
  sampleChars: 600,
  temperature: 0.8,
};

/** A smaller run (for tests): prefixes of the splits and a smaller net. */
export interface CharLstmBudget {
  trainChars?: number;
  valChars?: number;
  hidden?: number;
  embedding?: number;
  seqLen?: number;
  batch?: number;
  /** Stop after this many steps (before the epochs end). */
  maxSteps?: number;
}

/** Embedding → LSTM (2 layers) → Linear over the vocabulary. */
export class CharLSTM extends Module<[Tensor, [Tensor, Tensor]?], [Tensor, [Tensor, Tensor]]> {
  embed: Embedding;
  lstm: LSTM;
  head: Linear;
  /** Random source of the dropout masks (seeded with the model). */
  readonly generator: Generator;
  constructor(vocab: number, embedding: number, hidden: number, layers: number, readonly dropout: number, generator: Generator) {
    super();
    this.generator = generator;
    this.embed = new Embedding(vocab, embedding, { generator });
    this.lstm = new LSTM(embedding, hidden, { numLayers: layers, dropout, batchFirst: true, generator });
    this.head = new Linear(hidden, vocab, { generator });
  }
  /** tokens (B, T) int32 → logits (B, T, V) and the final state. */
  forward(tokens: Tensor, state?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const [h, next] = this.lstm.call(this.embed.call(tokens), state); // (B, T, H)
    return [this.head.call(dropout(h, { p: this.dropout, training: this.training, generator: this.generator })), next];
  }
}

/** Cuts a token stream into `batch` equal streams: (batch, ⌊n / batch⌋) int32 (PyTorch's batchify). */
function batchify(ids: Int32Array, batch: number): Tensor {
  const len = Math.floor(ids.length / batch);
  const out = new Int32Array(batch * len);
  for (let b = 0; b < batch; b++) out.set(ids.subarray(b * len, (b + 1) * len), b * len);
  return tensor(out, { shape: [batch, len], dtype: "int32" });
}

/** Mean cross-entropy (nats per character) of the model on `streams` (B, L), run chunk by chunk with the state carried. */
function evaluate(model: CharLSTM, streams: Tensor, seqLen: number): number {
  model.eval();
  let total = 0, count = 0;
  noGrad(() => {
    const L = streams.shape[1]!;
    let state: [Tensor, Tensor] | undefined;
    for (let start = 0; start + 1 < L; start += seqLen) {
      const n = Math.min(seqLen, L - 1 - start);
      const [logits, next] = model.call(streams.narrow(1, start, n), state);
      const target = streams.narrow(1, start + 1, n);
      total += crossEntropy(logits.reshape(-1, logits.shape[2]!), target.reshape(-1), { reduction: "sum" }).item();
      count += target.size;
      state = next;
    }
  });
  model.train();
  return total / count;
}

/** Samples `n` characters after `prompt`, one at a time, with the state carried (softmax at `temperature`). */
function sample(model: CharLSTM, vocab: string[], index: Map<string, number>, prompt: string, n: number, temperature: number, seed: number): string {
  const g = new Generator(seed);
  model.eval();
  let out = prompt;
  noGrad(() => {
    let [logits, state] = model.call(tensor(Array.from(prompt, (c) => index.get(c) ?? 0), { shape: [1, prompt.length], dtype: "int32" }));
    for (let i = 0; i < n; i++) {
      const last = logits.select(1, logits.shape[1]! - 1).reshape(-1).div(temperature).softmax(-1).toList();
      const id = g.categorical(last);
      out += vocab[id]!;
      [logits, state] = model.call(tensor([id], { shape: [1, 1], dtype: "int32" }), state);
    }
  });
  model.train();
  return out;
}

/**
 * Trains a 2-layer LSTM (embedding 64, hidden 256) on nanoGPT's training split of tiny Shakespeare
 * (first 90 %) as char-rnn does: the text cut into 32 parallel streams, truncated BPTT over chunks of
 * 100 characters with the state carried between chunks, Adam with linear learning-rate decay and
 * gradient-norm clipping. Reports the validation loss on the last 10 % (nats per character, the
 * state carried over the whole split) and writes loss.svg, history.json and samples.txt (seeded).
 *
 * Metrics: `valLoss` (nats per character), `valBitsPerChar`, `trainLoss` (mean of the last 50 steps),
 * `steps`, `seconds`.
 */
export async function runCharLstm(opts: ExperimentOptions, budget: CharLstmBudget = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const trainText = (await tinyShakespeare({ split: "train" })).slice(0, budget.trainChars);
  const valText = (await tinyShakespeare({ split: "val" })).slice(0, budget.valChars);
  const vocab = [...new Set(await tinyShakespeare({ split: "all" }))].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const encode = (text: string) => Int32Array.from(text, (c) => index.get(c)!);
  const batch = budget.batch ?? config.batch, seqLen = budget.seqLen ?? config.seqLen;
  const train = batchify(encode(trainText), batch);
  const val = batchify(encode(valText), Math.min(batch, Math.max(1, Math.floor(valText.length / (seqLen + 1)))));
  const g = new Generator(opts.seed);
  const model = new CharLSTM(vocab.length, budget.embedding ?? config.embedding, budget.hidden ?? config.hidden, config.layers, config.dropout, g);
  const lr = opts.lr ?? config.lr;
  const epochs = opts.epochs ?? config.epochs;
  const stepsPerEpoch = Math.ceil((train.shape[1]! - 1) / seqLen);
  const totalSteps = Math.min(epochs * stepsPerEpoch, budget.maxSteps ?? Infinity);
  const optimizer = new Adam(model.parameters(), { lr });
  opts.log(`vocabulary ${vocab.length}, ${trainText.length} training / ${valText.length} validation characters; ${totalSteps} steps of ${batch}×${seqLen}`);

  const history: { step: number; trainLoss: number; valLoss?: number }[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs && step < totalSteps; epoch++) {
    // inputs are the streams without their last character, targets the streams shifted by one
    const inputs = train.narrow(1, 0, train.shape[1]! - 1), targets = train.narrow(1, 1, train.shape[1]! - 1);
    let chunk = 0;
    truncatedBPTT<[Tensor, Tensor]>(inputs, seqLen, (x, state) => {
      if (step >= totalSteps) return state ?? [x, x]; // budget spent: the remaining chunks are skipped
      const y = targets.narrow(1, chunk * seqLen, x.shape[1]!);
      chunk++;
      for (const group of optimizer.paramGroups) group.lr = lr * (1 - (1 - config.finalLrFactor) * (step / Math.max(1, totalSteps - 1)));
      optimizer.zeroGrad();
      const [logits, next] = model.call(x, state);
      const loss = crossEntropy(logits.reshape(-1, vocab.length), y.reshape(-1));
      loss.backward();
      clipGradNorm_(model.parameters(), config.clipNorm);
      optimizer.step();
      const record: { step: number; trainLoss: number; valLoss?: number } = { step, trainLoss: loss.item() };
      step++;
      if (step % config.evalEvery === 0 || step === totalSteps) {
        record.valLoss = evaluate(model, val, seqLen);
        opts.log(`step ${step}/${totalSteps}  train ${record.trainLoss.toFixed(3)}  val ${record.valLoss.toFixed(3)} nats/char  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
      history.push(record);
      return next;
    }, { batchFirst: true });
  }

  const valLoss = [...history].reverse().find((h) => h.valLoss !== undefined)?.valLoss ?? evaluate(model, val, seqLen);
  const tail = history.slice(-50);
  const trainLoss = tail.reduce((s, h) => s + h.trainLoss, 0) / Math.max(1, tail.length);
  writeFileSync(join(opts.outDir, "history.json"), JSON.stringify(history) + "\n");
  const evals = history.filter((h) => h.valLoss !== undefined);
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: "char-lstm on tiny Shakespeare",
    xLabel: "step",
    yLabel: "cross-entropy (nats per character)",
    series: [
      { name: "train", x: history.map((h) => h.step), y: history.map((h) => h.trainLoss) },
      { name: "validation", x: evals.map((h) => h.step), y: evals.map((h) => h.valLoss!) },
    ],
  }));
  const text = sample(model, vocab, index, "ROMEO:\n", config.sampleChars, config.temperature, opts.seed);
  writeFileSync(join(opts.outDir, "samples.txt"), `# ${step} steps, validation loss ${valLoss.toFixed(3)} nats/char, temperature ${config.temperature}, seed ${opts.seed}\n${text}\n`);
  return { valLoss, valBitsPerChar: valLoss / Math.LN2, trainLoss, steps: step, seconds: (performance.now() - started) / 1000 };
}

export const experiment: Experiment = {
  name: "char-lstm",
  description: "2-layer LSTM character model on tiny Shakespeare (truncated BPTT): validation loss in nats per character, samples",
  chapter: "sequences",
  options: {
    epochs: { description: "passes over the training split", default: config.epochs },
    lr: { description: "Adam's initial learning rate", default: config.lr, kind: "positive" },
    trainChars: { description: "train on the first N characters of the training split (default: all)" },
    valChars: { description: "measure the loss on the first N characters of the validation split (default: all)" },
    hidden: { description: "LSTM hidden size", default: config.hidden },
    maxSteps: { description: "stop after this many optimizer steps (default: the epochs' worth)" },
  },
  quick: { trainChars: 4_000, valChars: 1_000, hidden: 16, maxSteps: 2 },
  config,
  run: (opts) =>
    runCharLstm(opts, { trainChars: opts.params?.trainChars, valChars: opts.params?.valChars, hidden: opts.params?.hidden, maxSteps: opts.params?.maxSteps }),
};
