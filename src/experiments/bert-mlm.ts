// Experiment: a small BERT pretrained by masked-language modelling on tiny Shakespeare (words), then fine-tuned with few
// labels to spot speeches with intruder words — against the same model fine-tuned without pretraining.
import { Generator, manualSeed } from "../random/Generator.js";
import { tensor } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { BERT, maskTokens } from "../models/BERT.js";
import { AdamW } from "../optim/AdamW.js";
import { cosineAnnealing, withLinearWarmup } from "../optim/lrScheduler.js";
import { clipGradNorm_ } from "../nn/regularization.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { WordTokenizer } from "../text/WordTokenizer.js";
import { tinyShakespeare } from "../text/tinyShakespeare.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** The default run: model size, MLM pretraining, the fine-tuning task and its budget. */
export const config = {
  /** [CLS] plus up to 31 word tokens. */
  seqLength: 32,
  hiddenSize: 64,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  dropout: 0.1,
  /** Words seen fewer times in the pretraining text become [UNK]. */
  minFreq: 3,
  /** MLM pretraining steps (each a batch of random windows of the pretraining text). */
  pretrainSteps: 300,
  pretrainBatch: 32,
  pretrainLr: 2e-3,
  warmupSteps: 50,
  weightDecay: 0.01,
  gradClip: 1.0,
  /** Words of a corrupted speech replaced by intruders (drawn uniformly from the vocabulary, as BERT's random replacements). */
  intruders: 2,
  /** Labelled speeches per class (intact, corrupted) for fine-tuning: few, so that what pretraining learnt matters. */
  finetunePerClass: 50,
  /** Held-out speeches per class for the accuracy (never seen in pretraining either). */
  testPerClass: 250,
  finetuneEpochs: 10,
  finetuneBatch: 20,
  finetuneLr: 1e-3,
  /** Fine-tuning runs (different labelled subsets and seeds); the accuracies are their means. */
  finetuneRepeats: 2,
  /** Speeches shorter than this many words are left out of the classification task. */
  minSpeechWords: 8,
};

/** A smaller run (for tests). */
export type BertMlmBudget = Partial<typeof config>;

const SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const [PAD, , CLS, SEP, MASK] = [0, 1, 2, 3, 4];

/** One speech of tiny Shakespeare: the speaker, the lines, and where it starts in the text. */
export interface Speech {
  speaker: string;
  body: string;
  /** Offset of the speech in the text (speeches before the 90 % mark belong to the training split). */
  start: number;
}

/** The speeches of tiny Shakespeare: blocks "SPEAKER:\nlines" separated by blank lines. */
export function shakespeareSpeeches(text: string): Speech[] {
  const out: Speech[] = [];
  let offset = 0;
  for (const block of text.split("\n\n")) {
    const start = offset;
    offset += block.length + 2;
    const newline = block.indexOf("\n");
    if (newline < 0 || !block.slice(0, newline).endsWith(":")) continue;
    out.push({ speaker: block.slice(0, newline - 1), body: block.slice(newline + 1), start });
  }
  return out;
}

/**
 * Pretrains a BERT with MLM on the training split of tiny Shakespeare (lower-cased words and
 * punctuation, the held-out test speeches removed) and measures the MLM loss on the validation split.
 * Then the classification task: is a speech (its first words) intact, or were `intruders` of its words
 * replaced by random words of the vocabulary? The model is fine-tuned on `finetunePerClass` labelled
 * speeches per class and scored on `testPerClass` held-out speeches per class; the same model from its
 * initial weights gets the same fine-tuning (same labelled speeches, order and dropout masks).
 * `epochs` overrides the pretraining steps, `lr` the pretraining peak rate.
 * Metrics: `mlmValLoss`, `finetuneAccuracy`, `finetuneAccuracyScratch`, `seconds`.
 */
export async function runBertMlm(opts: ExperimentOptions, budget: BertMlmBudget = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const given = Object.fromEntries(Object.entries(budget).filter(([, v]) => v !== undefined)) as BertMlmBudget;
  const c = { ...config, ...given, ...(opts.epochs !== undefined ? { pretrainSteps: opts.epochs } : {}), ...(opts.lr !== undefined ? { pretrainLr: opts.lr } : {}) };
  const all = await tinyShakespeare({ split: "all" });
  const trainChars = (await tinyShakespeare({ split: "train" })).length;
  const rng = new Generator(opts.seed + 1);

  // 1. The classification task's speeches: a held-out test set, the rest the pool of speeches to label.
  const tokenizerOptions = { pattern: /[a-z]+|[^a-z\s]/, lowercase: true, keepGaps: false };
  const wordCount = (body: string): number => (body.toLowerCase().match(/[a-z]+|[^a-z\s]/g) ?? []).length;
  const bySpeech = shakespeareSpeeches(all);
  const candidates = rng.shuffle(bySpeech.filter((s) => s.start < trainChars && wordCount(s.body) >= c.minSpeechWords));
  const test = candidates.slice(0, 2 * c.testPerClass);
  const pool = candidates.slice(2 * c.testPerClass);
  if (pool.length < 2 * c.finetunePerClass) throw new Error(`bert-mlm: too few speeches for ${c.testPerClass} test and ${c.finetunePerClass} labelled per class`);
  const heldOut = new Set(test);

  // 2. Tokenizer and MLM data: every training-split speech but the test ones; the validation split for the MLM loss.
  const pretrainText = bySpeech.filter((s) => s.start < trainChars && !heldOut.has(s)).map((s) => s.body).join("\n");
  const valText = bySpeech.filter((s) => s.start >= trainChars).map((s) => s.body).join("\n");
  const tokenizer = WordTokenizer.train(pretrainText, { ...tokenizerOptions, specials: SPECIALS, unkToken: "[UNK]", minFreq: c.minFreq });
  const vocabSize = tokenizer.vocabSize;
  const stream = { train: Int32Array.from(tokenizer.encode(pretrainText)), val: Int32Array.from(tokenizer.encode(valText)) };
  opts.log(`bert-mlm: ${vocabSize} words, ${stream.train.length} pretraining and ${stream.val.length} validation tokens, ${pool.length} speeches to label`);
  const T = c.seqLength;

  /** [CLS] followed by T − 1 tokens of the stream from `start`: (B, T). */
  const windows = (source: Int32Array, starts: number[]): Tensor => {
    const ids = new Int32Array(starts.length * T);
    starts.forEach((start, b) => {
      ids[b * T] = CLS;
      ids.set(source.subarray(start, start + T - 1), b * T + 1);
    });
    return tensor(ids, { dtype: "int32", shape: [starts.length, T] });
  };
  const maskOptions = { vocabSize, maskTokenId: MASK, specialTokenIds: [PAD, CLS, SEP] };

  const modelConfig = {
    vocabSize, hiddenSize: c.hiddenSize, numHiddenLayers: c.numHiddenLayers, numAttentionHeads: c.numAttentionHeads,
    maxPositionEmbeddings: T, hiddenDropoutProb: c.dropout, padTokenId: PAD, numLabels: 2,
  };
  manualSeed(opts.seed);
  const bert = new BERT({ ...modelConfig, generator: new Generator(opts.seed) });
  const initialState = Object.fromEntries(Object.entries(bert.stateDict()).map(([k, v]) => [k, v.clone()]));

  /** The MLM loss over the chosen positions only: the head runs on the gathered rows (BERT's gather_indexes). */
  const mlmLoss = (model: BERT, ids: Tensor, generator: Generator): Tensor => {
    const { inputIds, labels } = maskTokens(ids, { ...maskOptions, generator });
    const hidden = model.forward(inputIds).lastHiddenState.reshape([-1, c.hiddenSize]); // (B·T, H)
    const flat = labels.dataSync();
    const chosen: number[] = [];
    for (let i = 0; i < flat.length; i++) if (flat[i] !== -100) chosen.push(i);
    const logits = model.mlmHead.call(hidden.indexSelect(0, chosen)); // (M, V)
    return crossEntropy(logits, labels.reshape([-1]).indexSelect(0, chosen));
  };

  /** AdamW with decoupled weight decay on matrices only, and a warm-up + cosine schedule. */
  const optimizerFor = (model: BERT, lr: number, warmup: number, steps: number): [AdamW, (t: number) => number] => {
    const params = [...model.parameters()];
    const optimizer = new AdamW(
      [{ params: params.filter((p) => p.ndim >= 2), weightDecay: c.weightDecay }, { params: params.filter((p) => p.ndim < 2), weightDecay: 0 }],
      { lr, betas: [0.9, 0.999] },
    );
    return [optimizer, withLinearWarmup(cosineAnnealing(lr, Math.max(1, steps - warmup), lr / 10), warmup)];
  };
  const step = (model: BERT, optimizer: AdamW, lr: number, loss: Tensor): void => {
    for (const group of optimizer.paramGroups) group.lr = lr;
    optimizer.zeroGrad();
    loss.backward();
    clipGradNorm_([...model.parameters()], c.gradClip);
    optimizer.step();
  };

  // 3. MLM pretraining on random windows.
  const maskRng = new Generator(opts.seed + 2);
  {
    const [optimizer, schedule] = optimizerFor(bert, c.pretrainLr, Math.min(c.warmupSteps, c.pretrainSteps), c.pretrainSteps);
    bert.train();
    for (let it = 0; it < c.pretrainSteps; it++) {
      const starts = Array.from({ length: c.pretrainBatch }, () => rng.randint(0, stream.train.length - T + 1));
      const loss = mlmLoss(bert, windows(stream.train, starts), maskRng);
      step(bert, optimizer, schedule(it), loss);
      if (it % 100 === 0 || it === c.pretrainSteps - 1) opts.log(`pretraining step ${it}: MLM loss ${loss.item().toFixed(3)}`);
    }
  }
  const pretrainSeconds = (performance.now() - started) / 1e3;

  // 4. MLM loss on the validation split: every window of T − 1 tokens once, masked with a fixed generator.
  bert.eval();
  const mlmValLoss = noGrad(() => {
    const valRng = new Generator(opts.seed + 3);
    const starts: number[] = [];
    for (let s = 0; s + T - 1 <= stream.val.length; s += T - 1) starts.push(s);
    let total = 0, n = 0;
    for (let i = 0; i < starts.length; i += 64) {
      const batch = starts.slice(i, i + 64);
      total += mlmLoss(bert, windows(stream.val, batch), valRng).item() * batch.length;
      n += batch.length;
    }
    return total / n;
  });
  opts.log(`MLM validation loss ${mlmValLoss.toFixed(3)} (uniform over the vocabulary: ${Math.log(vocabSize).toFixed(3)}) after ${pretrainSeconds.toFixed(0)} s`);
  const pretrainedState = Object.fromEntries(Object.entries(bert.stateDict()).map(([k, v]) => [k, v.clone()]));

  // 5. Fine-tuning examples: [CLS] + a speech's first T − 1 words, padded; label 1 when `intruders` of them were replaced.
  type Example = { words: number[]; label: number };
  const example = (s: Speech, label: number, generator: Generator): Example => {
    const words = tokenizer.encode(s.body).slice(0, T - 1);
    if (label === 1) {
      for (const i of generator.shuffle(words.map((_, i) => i)).slice(0, c.intruders)) {
        let intruder = words[i]!;
        while (intruder === words[i]) intruder = generator.randint(SPECIALS.length, vocabSize);
        words[i] = intruder;
      }
    }
    return { words, label };
  };
  const encode = (list: Example[]): { ids: Tensor; mask: Tensor } => {
    const ids = new Int32Array(list.length * T).fill(PAD);
    list.forEach((e, b) => {
      ids[b * T] = CLS;
      ids.set(e.words, b * T + 1);
    });
    const mask = ids.map((id) => (id === PAD ? 0 : 1));
    return { ids: tensor(ids, { dtype: "int32", shape: [list.length, T] }), mask: tensor(mask, { dtype: "int32", shape: [list.length, T] }) };
  };
  const testRng = new Generator(opts.seed + 4);
  const testExamples = test.map((s, i) => example(s, i % 2, testRng));
  const testSet = encode(testExamples);
  const testLabels = testExamples.map((e) => e.label);

  const finetune = (state: Record<string, Tensor>, repeat: number): number => {
    const ftRng = new Generator(opts.seed * 1000 + 10 + repeat);
    const labelled = ftRng.shuffle([...pool]).slice(0, 2 * c.finetunePerClass).map((s, i) => example(s, i % 2, ftRng));
    const model = new BERT(modelConfig);
    model.loadStateDict(state);
    const stepsPerEpoch = Math.ceil(labelled.length / c.finetuneBatch);
    const total = c.finetuneEpochs * stepsPerEpoch;
    const [optimizer, schedule] = optimizerFor(model, c.finetuneLr, Math.ceil(total / 10), total);
    manualSeed(opts.seed * 1000 + 20 + repeat); // the same dropout masks for both starting points
    model.train();
    let t = 0;
    for (let epoch = 0; epoch < c.finetuneEpochs; epoch++) {
      const order = ftRng.shuffle([...labelled]);
      for (let i = 0; i < order.length; i += c.finetuneBatch) {
        const batch = order.slice(i, i + c.finetuneBatch);
        const { ids, mask } = encode(batch);
        const labels = tensor(batch.map((e) => e.label), { dtype: "int32" });
        step(model, optimizer, schedule(t++), model.classify(ids, { attentionMask: mask, labels }).loss!);
      }
    }
    model.eval();
    return noGrad(() => {
      const predicted = model.classify(testSet.ids, { attentionMask: testSet.mask }).logits.argmax(1).toList() as number[];
      return predicted.filter((p, i) => p === testLabels[i]).length / predicted.length;
    });
  };
  const pretrainedAccuracies: number[] = [], scratchAccuracies: number[] = [];
  for (let r = 0; r < c.finetuneRepeats; r++) {
    pretrainedAccuracies.push(finetune(pretrainedState, r));
    scratchAccuracies.push(finetune(initialState, r));
    opts.log(`fine-tuning run ${r}: test accuracy ${pretrainedAccuracies[r]!.toFixed(3)} pretrained, ${scratchAccuracies[r]!.toFixed(3)} from scratch`);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const finetuneAccuracy = mean(pretrainedAccuracies), finetuneAccuracyScratch = mean(scratchAccuracies);
  const seconds = (performance.now() - started) / 1e3;
  opts.log(`fine-tuned on ${2 * c.finetunePerClass} speeches: accuracy ${finetuneAccuracy.toFixed(3)} pretrained vs ${finetuneAccuracyScratch.toFixed(3)} from scratch (${testLabels.length} test speeches), ${seconds.toFixed(0)} s`);
  return {
    mlmValLoss, finetuneAccuracy, finetuneAccuracyScratch, finetuneAccuracies: pretrainedAccuracies, finetuneAccuraciesScratch: scratchAccuracies,
    vocabSize, testSpeeches: testLabels.length, seconds,
  };
}

export const experiment: Experiment = {
  name: "bert-mlm",
  description: "a small BERT pretrained by masked-LM on tiny Shakespeare words, fine-tuned on 100 labelled speeches (intact or with intruder words) against no pretraining",
  chapter: "Transformers",
  options: {
    epochs: { description: "MLM pretraining steps", default: config.pretrainSteps },
    lr: { description: "peak pretraining learning rate (warm-up + cosine)", default: config.pretrainLr, kind: "positive" },
    finetuneEpochs: { description: "epochs over the labelled speeches in each fine-tuning run", default: config.finetuneEpochs },
    finetuneRepeats: { description: "fine-tuning runs averaged (different labelled subsets)", default: config.finetuneRepeats },
    hiddenSize: { description: "width of the model (a multiple of the 4 heads)", default: config.hiddenSize },
  },
  quick: { finetuneEpochs: 1, finetuneRepeats: 1, hiddenSize: 16 },
  config,
  run: (opts) =>
    runBertMlm(opts, { finetuneEpochs: opts.params?.finetuneEpochs, finetuneRepeats: opts.params?.finetuneRepeats, hiddenSize: opts.params?.hiddenSize }),
};
