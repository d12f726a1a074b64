// Experiment: translating human-written dates ("Friday, March 12, 1999", "3/12/99", "12.03.1999", ...)
// to ISO 8601 ("1999-03-12") with a character-level LSTM encoder–decoder with attention; greedy and
// beam-search exact match on held-out dates, and attention heatmaps.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import { Seq2Seq, type Seq2SeqAttentionKind } from "../nn/seq2seq.js";
import { clipGradNorm_ } from "../nn/regularization.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { Generator } from "../random/Generator.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { BOS, EOS, PAD, SRC_CHARS, TGT_CHARS, batchTensors, decodeTokens, generateDates, saveDatesAttention, splitDays, type DateAttention } from "./datesData.js";

export { DATE_FORMATS, dateFromDayNumber, generateDates, isoDate, splitDays, weekday } from "./datesData.js";
export type { CalendarDate, DatePair } from "./datesData.js";

/** Defaults; `--epochs`, `--lr`, `--train-size`, `--test-size`, `--hidden`, `--beam-width` and `--seed` override. */
export const config = {
  trainSize: 12_000,
  testSize: 1_000,
  epochs: 4,
  lr: 3e-3,
  /** Adam's learning rate decays linearly to lr·finalLrFactor over the run. */
  finalLrFactor: 0.05,
  batch: 64,
  embedding: 32,
  hidden: 64,
  attention: "bahdanau" as Seq2SeqAttentionKind,
  /** Probability of feeding the true previous character (seeded draws); otherwise the model's own. */
  teacherForcing: 0.9,
  clipNorm: 5,
  beamWidth: 4,
  /** GNMT length normalization (the targets all have 10 characters, so it rarely matters). */
  beamAlpha: 0.6,
  /** Examples drawn as attention heatmaps. */
  heatmaps: 3,
};

/** Budget overrides for tests and the CLI's options. */
export interface Seq2SeqDatesBudget {
  trainSize?: number;
  testSize?: number;
  hidden?: number;
  beamWidth?: number;
  teacherForcing?: number;
}

/**
 * Trains an LSTM encoder–decoder with Bahdanau attention (embedding 32, hidden 64, input feeding) on
 * `trainSize` seeded human-written dates (12 formats, 1950–2049) with teacher forcing 0.9, Adam and
 * linear learning-rate decay, then decodes `testSize` dates never seen in training (in any format)
 * greedily and with beam search. Writes loss.svg, attention.svg (heatmaps: output characters × input
 * characters), history.json and samples.txt.
 *
 * Metrics: `exactMatchGreedy`, `exactMatchBeam` (fraction of test dates translated exactly),
 * `charAccuracyGreedy` (per character), `trainLoss` (mean of the last epoch), `testLoss` (teacher
 * forced, nats per character), `steps`, `seconds`.
 */
export function runSeq2SeqDates(opts: ExperimentOptions, budget: Seq2SeqDatesBudget = {}): ExperimentResult {
  const started = performance.now();
  const trainSize = budget.trainSize ?? config.trainSize, testSize = budget.testSize ?? config.testSize;
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const ratio = budget.teacherForcing ?? config.teacherForcing;
  if (!(ratio > 0 && ratio <= 1)) throw new Error(`seq2seq-dates: teacherForcing must be in (0, 1], got ${ratio}`);
  const beamWidth = budget.beamWidth ?? config.beamWidth;
  const g = new Generator(opts.seed);
  const days = splitDays(testSize, g);
  const train = generateDates(trainSize, days.train, g);
  const test = generateDates(testSize, days.test, g);
  const model = new Seq2Seq(SRC_CHARS.length + 3, TGT_CHARS.length + 3, { embeddingDim: config.embedding, hiddenSize: budget.hidden ?? config.hidden, attention: config.attention, padIdx: PAD, generator: g });
  const optimizer = new Adam(model.parameters(), { lr });
  const batch = Math.min(config.batch, trainSize);
  const stepsPerEpoch = Math.ceil(trainSize / batch), totalSteps = epochs * stepsPerEpoch;
  opts.log(`${trainSize} training / ${testSize} test dates, ${SRC_CHARS.length} source characters; ${totalSteps} steps of ${batch}`);
  const history: { step: number; trainLoss: number }[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = g.permutation(trainSize);
    for (let i = 0; i < trainSize; i += batch) {
      const { src, lengths, tgtIn, tgtOut } = batchTensors(order.slice(i, i + batch).map((j) => train[j]!));
      for (const group of optimizer.paramGroups) group.lr = lr * (1 - (1 - config.finalLrFactor) * (step / Math.max(1, totalSteps - 1)));
      optimizer.zeroGrad();
      const [logits] = model.call(src, tgtIn, { srcLengths: lengths, teacherForcingRatio: ratio, generator: g });
      const loss = crossEntropy(logits.reshape(-1, logits.shape[2]!), tgtOut.reshape(-1));
      loss.backward();
      clipGradNorm_(model.parameters(), config.clipNorm);
      optimizer.step();
      history.push({ step, trainLoss: loss.item() });
      step++;
    }
    const last = history.slice(-stepsPerEpoch);
    opts.log(`epoch ${epoch + 1}/${epochs}  train loss ${(last.reduce((s, h) => s + h.trainLoss, 0) / last.length).toFixed(4)}  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }

  model.eval();
  const search = { bos: BOS, eos: EOS, maxLength: 12 };
  let exactGreedy = 0, exactBeam = 0, charsRight = 0, testLoss = 0;
  const samples: string[] = [];
  const shown: DateAttention[] = [];
  for (let i = 0; i < testSize; i += 256) {
    const pairs = test.slice(i, i + 256);
    const { src, lengths, tgtIn, tgtOut } = batchTensors(pairs);
    testLoss += noGrad(() => crossEntropy(model.call(src, tgtIn, { srcLengths: lengths })[0].reshape(-1, TGT_CHARS.length + 3), tgtOut.reshape(-1), { reduction: "sum" }).item());
    const greedy = model.greedyDecode(src, { ...search, srcLengths: lengths });
    const beam = model.beamDecode(src, { ...search, srcLengths: lengths, beamWidth, alpha: config.beamAlpha });
    pairs.forEach((p, b) => {
      const gOut = decodeTokens(greedy[b]!.tokens), bOut = decodeTokens(beam[b]!.tokens);
      if (gOut === p.target) exactGreedy++;
      if (bOut === p.target) exactBeam++;
      for (let k = 0; k < p.target.length; k++) if (gOut[k] === p.target[k]) charsRight++;
      if (samples.length < 40) samples.push(`${p.source.padEnd(30)} → greedy ${gOut.padEnd(12)} beam ${bOut.padEnd(12)} (${p.target})`);
      if (shown.length < config.heatmaps) shown.push({ source: p.source, output: gOut, attention: greedy[b]!.attention.map((row) => row.slice(0, p.source.length)) });
    });
  }
  model.train();
  const exactMatchGreedy = exactGreedy / testSize, exactMatchBeam = exactBeam / testSize;
  testLoss /= testSize * 11;
  const tail = history.slice(-stepsPerEpoch);
  const trainLoss = tail.reduce((s, h) => s + h.trainLoss, 0) / tail.length;
  opts.log(`exact match: greedy ${(100 * exactMatchGreedy).toFixed(2)} %, beam (width ${beamWidth}) ${(100 * exactMatchBeam).toFixed(2)} %; test loss ${testLoss.toFixed(4)}`);

  writeFileSync(join(opts.outDir, "history.json"), JSON.stringify(history) + "\n");
  writeFileSync(join(opts.outDir, "samples.txt"), `# ${step} steps, seed ${opts.seed}; held-out dates\n${samples.join("\n")}\n`);
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: "seq2seq-dates training loss",
    xLabel: "step",
    yLabel: "cross-entropy (nats per character)",
    series: [{ name: "train", x: history.map((h) => h.step), y: history.map((h) => h.trainLoss) }],
  }));
  saveDatesAttention(join(opts.outDir, "attention.svg"), shown, "attention of greedy decoding on held-out dates");
  return { exactMatchGreedy, exactMatchBeam, charAccuracyGreedy: charsRight / (testSize * 10), trainLoss, testLoss, steps: step, seconds: (performance.now() - started) / 1000 };
}

export const experiment: Experiment = {
  name: "seq2seq-dates",
  description: "LSTM encoder–decoder with Bahdanau attention translating human-written dates to ISO 8601: greedy and beam-search exact match, attention heatmaps",
  chapter: "sequences",
  options: {
    epochs: { description: "passes over the training dates", default: config.epochs },
    lr: { description: "Adam's initial learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "training examples (seeded dates in random formats)", default: config.trainSize },
    testSize: { description: "held-out test dates (never seen in training)", default: config.testSize },
    hidden: { description: "LSTM hidden size of encoder and decoder", default: config.hidden },
    beamWidth: { description: "beam width of the beam-search metric", default: config.beamWidth },
    teacherForcing: { description: "probability of feeding the true previous character while training (0 < p ≤ 1)", default: config.teacherForcing, kind: "positive" },
  },
  quick: { trainSize: 64, testSize: 8, hidden: 16, beamWidth: 2 },
  config,
  run: (opts) => runSeq2SeqDates(opts, {
    trainSize: opts.params?.trainSize, testSize: opts.params?.testSize, hidden: opts.params?.hidden,
    beamWidth: opts.params?.beamWidth, teacherForcing: opts.params?.teacherForcing,
  }),
};
