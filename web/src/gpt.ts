// Char-GPT: a tiny GPT (deepscript models.GPT, nanoGPT's architecture) trained in the page on the
// first 100,000 characters of tiny Shakespeare (web/assets/tinyshakespeare-100k.txt, written by
// scripts/make-shakespeare-slice.ts from the package's data/tinyshakespeare.txt.gz: Karpathy's char-rnn
// input.txt, public-domain text), with the loss curve, and text sampled from it character by character.
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { $, drawLines, numberInput, showBackend, start } from "./common.js";

const { models, optim, text } = ds;
const TEXT_URL = "assets/tinyshakespeare-100k.txt";
/** Steps between two validation-loss estimates, and the validation batches each averages. */
const EVAL_EVERY = 25;
const EVAL_BATCHES = 4;

interface Corpus {
  tokenizer: ds.text.CharTokenizer;
  train: Int32Array;
  val: Int32Array;
}

interface Run {
  gpt: ds.models.GPT;
  params: Tensor[];
  opt: ds.optim.AdamW;
  rng: ds.Generator;
  blockSize: number;
  batch: number;
  step: number;
  losses: number[];
  valLosses: number[];
  /** Fixed validation windows (the same every estimate, so the curve is comparable). */
  valBatches: [Tensor, Tensor][];
  msPerStep: number;
}

interface Sampling {
  context: number[];
  remaining: number;
  temperature: number;
  topK: number | undefined;
  generator: ds.Generator;
  produced: string;
}

const state: { corpus: Corpus | null; run: Run | null; training: boolean; sampling: Sampling | null } = {
  corpus: null, run: null, training: false, sampling: null,
};

function settings() {
  const s = {
    nLayer: numberInput("n-layer", 1, 6),
    nHead: numberInput("n-head", 1, 8),
    nEmbd: numberInput("n-embd", 8, 256),
    blockSize: numberInput("block-size", 4, 256),
    batch: numberInput("batch", 1, 128),
    lr: numberInput("lr", 1e-5, 1),
    seed: numberInput("seed", 0, 1e9),
  };
  for (const k of ["nLayer", "nHead", "nEmbd", "blockSize", "batch"] as const) {
    if (!Number.isInteger(s[k])) throw new Error(`${k}: expected an integer, got ${s[k]}`);
  }
  if (s.nEmbd % s.nHead !== 0) throw new Error(`embedding width ${s.nEmbd} must be a multiple of the head count ${s.nHead}`);
  return s;
}

/** `batch` windows of blockSize + 1 characters from `source` starting at `starts`: inputs and next characters (B, T). */
function windows(source: Int32Array, starts: readonly number[], T: number): [Tensor, Tensor] {
  const B = starts.length;
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  starts.forEach((s, b) => {
    x.set(source.subarray(s, s + T), b * T);
    y.set(source.subarray(s + 1, s + T + 1), b * T);
  });
  return [ds.tensor(x, { dtype: "int32", shape: [B, T] }), ds.tensor(y, { dtype: "int32", shape: [B, T] })];
}

/** A new model and optimizer from the controls (step 0). */
function reset(): void {
  const corpus = state.corpus!;
  const s = settings();
  stopSampling();
  ds.manualSeed(s.seed);
  const gpt = new models.GPT({
    vocabSize: corpus.tokenizer.vocabSize, blockSize: s.blockSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd,
    dropout: 0, bias: false, generator: new ds.Generator(s.seed),
  });
  const params = [...gpt.parameters()];
  // As nanoGPT: weight decay on matrices and embeddings only, β₂ = 0.99 for a small model.
  const opt = new optim.AdamW(
    [{ params: params.filter((p) => p.ndim >= 2), weightDecay: 0.1 }, { params: params.filter((p) => p.ndim < 2), weightDecay: 0 }],
    { lr: s.lr, betas: [0.9, 0.99] },
  );
  const rng = new ds.Generator(s.seed + 1);
  const valRng = new ds.Generator(s.seed + 2);
  const valBatches = Array.from({ length: EVAL_BATCHES }, () =>
    windows(corpus.val, Array.from({ length: 16 }, () => valRng.randint(0, corpus.val.length - s.blockSize - 1)), s.blockSize));
  state.run = { gpt, params, opt, rng, blockSize: s.blockSize, batch: s.batch, step: 0, losses: [], valLosses: [], valBatches, msPerStep: 0 };
  const count = params.reduce((n, p) => n + p.size, 0);
  $("model-info").textContent = `${count.toLocaleString("en-US")} parameters · vocabulary of ${corpus.tokenizer.vocabSize} characters`;
  evaluate(state.run);
  render();
}

/** Mean cross-entropy on the fixed validation windows. */
function evaluate(run: Run): void {
  const loss = ds.noGrad(() => run.valBatches.reduce((sum, [x, y]) => sum + run.gpt.forward(x, { targets: y }).loss!.item(), 0) / run.valBatches.length);
  run.valLosses[run.step] = loss;
  $("val-loss").textContent = loss.toFixed(3);
  $("stats").dataset.valLoss = String(loss);
}

/** One AdamW step on a random batch of training windows (gradient norm clipped at 1, as nanoGPT). */
function trainStep(run: Run): void {
  const corpus = state.corpus!;
  const t0 = performance.now();
  const starts = Array.from({ length: run.batch }, () => run.rng.randint(0, corpus.train.length - run.blockSize - 1));
  const [x, y] = windows(corpus.train, starts, run.blockSize);
  run.opt.zeroGrad();
  const { loss } = run.gpt.forward(x, { targets: y });
  loss!.backward();
  ds.nn.clipGradNorm_(run.params, 1);
  run.opt.step();
  run.losses.push(loss!.item());
  run.step++;
  const ms = performance.now() - t0;
  run.msPerStep = run.msPerStep === 0 ? ms : 0.9 * run.msPerStep + 0.1 * ms;
  if (run.step % EVAL_EVERY === 0) evaluate(run);
}

function render(): void {
  const run = state.run;
  if (!run) return;
  const recent = run.losses.slice(-10);
  const smoothed = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN;
  $("step-count").textContent = String(run.step);
  $("train-loss").textContent = Number.isFinite(smoothed) ? smoothed.toFixed(3) : "–";
  $("ms-step").textContent = run.msPerStep ? `${run.msPerStep.toFixed(1)} ms` : "–";
  const stats = $("stats");
  stats.dataset.step = String(run.step);
  stats.dataset.losses = run.losses.map((l) => l.toFixed(4)).join(",");
  // Validation estimates sit at their steps; NaN between them (drawLines joins the finite points).
  // losses[i] and valLosses[i] are both measured after i updates.
  const val = Array.from({ length: Math.max(run.losses.length, run.valLosses.length) }, (_, i) => run.valLosses[i] ?? NaN);
  drawLines($<HTMLCanvasElement>("loss"), [
    { label: "train (per batch)", color: "#1f77b4", values: run.losses },
    { label: `val (every ${EVAL_EVERY} steps)`, color: "#d62728", values: val },
  ], { xLabel: "step", yLabel: "cross-entropy (nats)" });
}

function setTraining(on: boolean): void {
  state.training = on;
  $("train").textContent = on ? "Pause" : "Train";
  if (on) requestAnimationFrame(trainLoop);
}

/** While training: steps for ~30 ms, then one redraw. */
function trainLoop(): void {
  const run = state.run;
  if (!state.training || !run) return;
  const t0 = performance.now();
  do trainStep(run);
  while (performance.now() - t0 < 30);
  render();
  requestAnimationFrame(trainLoop);
}

/** Starts sampling `length` characters after the prompt, one per animation frame. */
function startSampling(): void {
  const corpus = state.corpus!, run = state.run!;
  const prompt = $<HTMLTextAreaElement>("prompt").value;
  const unknown = [...new Set(prompt)].filter((ch) => !corpus.tokenizer.vocab.has(ch));
  if (unknown.length > 0) throw new Error(`prompt: ${unknown.map((c) => JSON.stringify(c)).join(", ")} ${unknown.length === 1 ? "is" : "are"} not in the vocabulary`);
  const length = numberInput("length", 1, 2000);
  if (!Number.isInteger(length)) throw new Error(`length: expected an integer, got ${length}`);
  const topK = numberInput("top-k", 0, corpus.tokenizer.vocabSize);
  const context = prompt.length > 0 ? corpus.tokenizer.encode(prompt) : corpus.tokenizer.encode("\n");
  state.sampling = {
    context: context.slice(-run.blockSize), remaining: length, temperature: numberInput("temperature", 0.05, 5),
    topK: topK >= 1 ? Math.round(topK) : undefined, generator: new ds.Generator(numberInput("sample-seed", 0, 1e9)), produced: "",
  };
  const out = $("sample");
  out.textContent = "";
  const p = document.createElement("span");
  p.className = "prompt";
  p.textContent = prompt;
  out.append(p, document.createElement("span"));
  out.dataset.done = "false";
  out.dataset.generated = "";
  $("sample-button").textContent = "Stop";
  requestAnimationFrame(sampleLoop);
}

function stopSampling(): void {
  if (!state.sampling) return;
  state.sampling = null;
  $("sample").dataset.done = "true";
  $("sample-button").textContent = "Sample";
}

/** One character per frame: GPT.generate extends the context (cropped to blockSize) by one sampled token. */
function sampleLoop(): void {
  const s = state.sampling, run = state.run, corpus = state.corpus;
  if (!s || !run || !corpus) return;
  const idx = ds.tensor([s.context], { dtype: "int32" });
  const options = { temperature: s.temperature, generator: s.generator, ...(s.topK !== undefined ? { topK: s.topK } : {}) };
  const out = run.gpt.generate(idx, 1, options).toList() as number[];
  const next = out[out.length - 1]!;
  s.context.push(next);
  if (s.context.length > run.blockSize) s.context.shift();
  const ch = corpus.tokenizer.decode([next]);
  s.produced += ch;
  s.remaining--;
  const box = $("sample");
  box.lastChild!.textContent = s.produced;
  box.dataset.generated = s.produced;
  box.scrollTop = box.scrollHeight;
  if (s.remaining > 0) requestAnimationFrame(sampleLoop);
  else stopSampling();
}

function guarded(action: () => void): () => void {
  return () => {
    try {
      $("message").textContent = "";
      action();
    } catch (error) {
      setTraining(false);
      stopSampling();
      $("message").textContent = error instanceof Error ? error.message : String(error);
    }
  };
}

start(async () => {
  await showBackend();
  const response = await fetch(TEXT_URL);
  if (!response.ok) throw new Error(`${TEXT_URL}: HTTP ${response.status}`);
  const all = await response.text();
  const tokenizer = text.CharTokenizer.train(all);
  const { train, val } = text.trainValSplit(all, 0.9);
  state.corpus = { tokenizer, train: Int32Array.from(tokenizer.encode(train)), val: Int32Array.from(tokenizer.encode(val)) };
  $("data-info").textContent = `${train.length.toLocaleString("en-US")} training and ${val.length.toLocaleString("en-US")} validation characters`;
  $("sample").dataset.vocab = tokenizer.vocab.itos.join("");
  $("train").addEventListener("click", guarded(() => setTraining(!state.training)));
  $("step").addEventListener("click", guarded(() => {
    setTraining(false);
    if (state.run) { trainStep(state.run); render(); }
  }));
  $("reset").addEventListener("click", guarded(() => { setTraining(false); reset(); }));
  // The learning rate applies from the next step; the other settings build a new model.
  $("lr").addEventListener("change", guarded(() => {
    const lr = numberInput("lr", 1e-5, 1);
    if (state.run) for (const group of state.run.opt.paramGroups) group.lr = lr;
  }));
  for (const id of ["n-layer", "n-head", "n-embd", "block-size", "batch", "seed"]) {
    $(id).addEventListener("change", guarded(() => { const was = state.training; setTraining(false); reset(); setTraining(was); }));
  }
  $("sample-button").addEventListener("click", guarded(() => (state.sampling ? stopSampling() : startSampling())));
  reset();
});
