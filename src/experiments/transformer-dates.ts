// Experiment: the dates task of seq2seq-dates (human-written dates → ISO 8601) with an encoder–decoder
// Transformer (models.Seq2SeqTransformer) instead of an LSTM: greedy and beam-search exact match on held-out
// dates, and the decoder's cross-attention drawn as heatmaps.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { Seq2SeqTransformer } from "../models/Seq2SeqTransformer.js";
import { clipGradNorm_ } from "../nn/regularization.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { AdamW } from "../optim/AdamW.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { serialize } from "../io/safetensors.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { BOS, EOS, PAD, SRC_CHARS, TGT_CHARS, batchTensors, decodeTokens, generateDates, saveDatesAttention, splitDays, type DateAttention } from "./datesData.js";

/** Defaults; `--epochs`, `--lr`, `--train-size`, `--test-size`, `--d-model`, `--beam-width` and `--seed` override. */
export const config = {
  trainSize: 12_000,
  testSize: 1_000,
  epochs: 4,
  /** AdamW's peak learning rate, reached after `warmupSteps` linear steps, then cosine decay to lr·finalLrFactor. */
  lr: 3e-3,
  warmupSteps: 50,
  finalLrFactor: 0.05,
  /** Decoupled weight decay on the ≥ 2-D weights only (not on biases, LayerNorms or embeddings). */
  weightDecay: 0.01,
  batch: 64,
  /** models.Seq2SeqTransformer: width 64, 4 heads, 2 encoder and 2 decoder layers, feed-forward 2·dModel, pre-norm, no dropout (the dates are plentiful). */
  dModel: 64,
  nHead: 4,
  numEncoderLayers: 2,
  numDecoderLayers: 2,
  normFirst: true,
  dropout: 0,
  clipNorm: 1,
  beamWidth: 4,
  /** GNMT length normalization (the targets all have 10 characters, so it rarely matters). */
  beamAlpha: 0.6,
  /** Examples whose cross-attention is drawn. */
  heatmaps: 3,
};

/** Budget overrides for tests and the CLI's options. */
export interface TransformerDatesBudget {
  trainSize?: number;
  testSize?: number;
  dModel?: number;
  beamWidth?: number;
}

/**
 * Trains `models.Seq2SeqTransformer` (teacher forcing, cross-entropy, AdamW with warm-up and cosine decay,
 * gradient clipping) on `trainSize` seeded human-written dates of seq2seq-dates' generator (12 formats,
 * 1950–2049), then translates `testSize` dates never seen in training (in any format) greedily and with beam
 * search. Writes loss.svg, attention.svg (the last decoder layer's cross-attention, averaged over heads:
 * output characters × input characters), history.json, samples.txt (with the test dates either decoding got
 * wrong) and model.safetensors (the trained state dict).
 *
 * Metrics: `exactMatch` (greedy; fraction of test dates translated exactly), `exactMatchBeam`,
 * `charAccuracy` (greedy, per character), `trainLoss` (mean of the last epoch), `testLoss` (teacher forced,
 * nats per character), `steps`, `seconds`.
 */
export function runTransformerDates(opts: ExperimentOptions, budget: TransformerDatesBudget = {}): ExperimentResult {
  const started = performance.now();
  const trainSize = budget.trainSize ?? config.trainSize, testSize = budget.testSize ?? config.testSize;
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const dModel = budget.dModel ?? config.dModel, beamWidth = budget.beamWidth ?? config.beamWidth;
  if (dModel % config.nHead !== 0) throw new Error(`transformer-dates: dModel ${dModel} must be divisible by the ${config.nHead} heads`);
  manualSeed(opts.seed); // dropout draws from the global stream
  const g = new Generator(opts.seed);
  const days = splitDays(testSize, g);
  const train = generateDates(trainSize, days.train, g);
  const test = generateDates(testSize, days.test, g);
  const model = new Seq2SeqTransformer({
    srcVocabSize: SRC_CHARS.length + 3, tgtVocabSize: TGT_CHARS.length + 3, dModel, nHead: config.nHead,
    numEncoderLayers: config.numEncoderLayers, numDecoderLayers: config.numDecoderLayers, dimFeedforward: 2 * dModel,
    normFirst: config.normFirst, dropout: config.dropout, maxLen: 64, padIdx: PAD, generator: g,
  });
  const decay: Tensor[] = [], noDecay: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) (p.ndim >= 2 && !name.includes("tok_emb") ? decay : noDecay).push(p);
  const optimizer = new AdamW([{ params: decay, weightDecay: config.weightDecay }, { params: noDecay, weightDecay: 0 }], { lr });
  const batch = Math.min(config.batch, trainSize);
  const stepsPerEpoch = Math.ceil(trainSize / batch), totalSteps = epochs * stepsPerEpoch;
  const warmup = Math.min(config.warmupSteps, Math.max(1, Math.floor(totalSteps / 10)));
  const lrAt = (step: number): number => {
    if (step < warmup) return (lr * (step + 1)) / warmup;
    const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
    return lr * (config.finalLrFactor + (1 - config.finalLrFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  };
  opts.log(`${trainSize} training / ${testSize} test dates, ${SRC_CHARS.length} source characters; ${totalSteps} steps of ${batch}`);
  const history: { step: number; trainLoss: number }[] = [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = g.permutation(trainSize);
    for (let i = 0; i < trainSize; i += batch) {
      const { src, tgtIn, tgtOut } = batchTensors(order.slice(i, i + batch).map((j) => train[j]!));
      for (const group of optimizer.paramGroups) group.lr = lrAt(step);
      optimizer.zeroGrad();
      const logits = model.call(src, tgtIn); // (B, 11, V)
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
  const samples: string[] = [], mistakes: string[] = [];
  const shown: DateAttention[] = [];
  for (let i = 0; i < testSize; i += 250) {
    const pairs = test.slice(i, i + 250);
    const { src, tgtIn, tgtOut } = batchTensors(pairs);
    testLoss += noGrad(() => crossEntropy(model.call(src, tgtIn).reshape(-1, TGT_CHARS.length + 3), tgtOut.reshape(-1), { reduction: "sum" }).item());
    const greedy = model.greedyDecode(src, search);
    const beam = model.beamDecode(src, { ...search, beamWidth, alpha: config.beamAlpha });
    pairs.forEach((p, b) => {
      const gOut = decodeTokens(greedy[b]!.tokens), bOut = decodeTokens(beam[b]!.tokens);
      if (gOut === p.target) exactGreedy++;
      if (bOut === p.target) exactBeam++;
      for (let k = 0; k < p.target.length; k++) if (gOut[k] === p.target[k]) charsRight++;
      const line = `${p.source.padEnd(30)} → greedy ${gOut.padEnd(12)} beam ${bOut.padEnd(12)} (${p.target})`;
      if (samples.length < 40) samples.push(line);
      if ((gOut !== p.target || bOut !== p.target) && mistakes.length < 40) mistakes.push(line);
      if (shown.length < config.heatmaps) {
        // The decoder reads BOS + its own greedy output; row t is the attention with which it emitted output character t.
        const fed = tensor([[BOS, ...greedy[b]!.tokens.slice(0, -1)]], { dtype: "int32" });
        const layers = model.crossAttention(src.narrow(0, b, 1).narrow(1, 0, p.source.length), fed);
        shown.push({ source: p.source, output: gOut, attention: layers.at(-1)!.select(0, 0).toArray() as number[][] });
      }
    });
  }
  model.train();
  const exactMatch = exactGreedy / testSize, exactMatchBeam = exactBeam / testSize;
  testLoss /= testSize * 11;
  const tail = history.slice(-stepsPerEpoch);
  const trainLoss = tail.reduce((s, h) => s + h.trainLoss, 0) / tail.length;
  opts.log(`exact match: greedy ${(100 * exactMatch).toFixed(2)} %, beam (width ${beamWidth}) ${(100 * exactMatchBeam).toFixed(2)} %; test loss ${testLoss.toFixed(4)}`);

  writeFileSync(join(opts.outDir, "history.json"), JSON.stringify(history) + "\n");
  writeFileSync(join(opts.outDir, "samples.txt"), `# ${step} steps, seed ${opts.seed}; held-out dates\n${samples.join("\n")}\n\n# mistakes (greedy or beam; at most 40)\n${mistakes.join("\n")}\n`);
  writeFileSync(join(opts.outDir, "model.safetensors"), serialize(model.stateDict()));
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: "transformer-dates training loss",
    xLabel: "step",
    yLabel: "cross-entropy (nats per character)",
    series: [{ name: "train", x: history.map((h) => h.step), y: history.map((h) => h.trainLoss) }],
  }));
  saveDatesAttention(join(opts.outDir, "attention.svg"), shown, "last decoder layer's cross-attention (mean over heads), held-out dates");
  return { exactMatch, exactMatchBeam, charAccuracy: charsRight / (testSize * 10), trainLoss, testLoss, steps: step, seconds: (performance.now() - started) / 1000 };
}

export const experiment: Experiment = {
  name: "transformer-dates",
  description: "encoder–decoder Transformer (models.Seq2SeqTransformer) translating human-written dates to ISO 8601: greedy and beam-search exact match, cross-attention heatmaps",
  chapter: "Transformers",
  options: {
    epochs: { description: "passes over the training dates", default: config.epochs },
    lr: { description: "AdamW's peak learning rate", default: config.lr, kind: "positive" },
    trainSize: { description: "training examples (seeded dates in random formats)", default: config.trainSize },
    testSize: { description: "held-out test dates (never seen in training)", default: config.testSize },
    dModel: { description: "model width (divisible by the 4 heads; feed-forward 2·dModel)", default: config.dModel },
    beamWidth: { description: "beam width of the beam-search metric", default: config.beamWidth },
  },
  quick: { trainSize: 64, testSize: 8, dModel: 16, beamWidth: 2 },
  config,
  run: (opts) => runTransformerDates(opts, {
    trainSize: opts.params?.trainSize, testSize: opts.params?.testSize, dModel: opts.params?.dModel, beamWidth: opts.params?.beamWidth,
  }),
};
