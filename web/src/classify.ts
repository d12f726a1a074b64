// 2-D classification playground (in the spirit of TensorFlow Playground, https://playground.tensorflow.org):
// an MLP built from deepscript's nn modules, trained by one of its optimizers on a 2-D dataset, with
// the decision boundary and the loss curves redrawn as it learns.
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { $, ctx2d, divergingColor, drawLines, numberInput, showBackend, start } from "./common.js";

const { nn, optim } = ds;
type DatasetName = "circle" | "xor" | "gaussians" | "spiral";
type Activation = "tanh" | "relu" | "sigmoid" | "linear";
type OptimizerName = "sgd" | "momentum" | "adam" | "rmsprop";

/** Points live in [−6, 6]², as in TensorFlow Playground. */
const EXTENT = 6;
const N_POINTS = 400;
const GRID = 60;

interface Dataset {
  x: number[][];
  y: number[];
}

/** The four datasets of TensorFlow Playground (src/dataset.ts there), label 1 = blue, 0 = orange; noise in [0, 0.5]. */
export function makeDataset(name: DatasetName, n: number, noise: number, seed: number): Dataset {
  const g = new ds.Generator(seed);
  const x: number[][] = [], y: number[] = [];
  const push = (a: number, b: number, label: number) => { x.push([a, b]); y.push(label); };
  if (name === "circle") {
    const R = 5;
    for (let i = 0; i < n; i++) {
      const inside = i < n / 2;
      const r = inside ? g.uniform(0, R * 0.5) : g.uniform(R * 0.7, R);
      const t = g.uniform(0, 2 * Math.PI);
      const a = r * Math.sin(t) + g.uniform(-R, R) * noise, b = r * Math.cos(t) + g.uniform(-R, R) * noise;
      // As TF Playground: the label is decided by the noisy point's distance, so noise blurs the classes.
      push(a, b, Math.hypot(a, b) < R * 0.5 ? 1 : 0);
    }
  } else if (name === "xor") {
    for (let i = 0; i < n; i++) {
      const pad = 0.3;
      let a = g.uniform(-5, 5), b = g.uniform(-5, 5);
      a += a > 0 ? pad : -pad;
      b += b > 0 ? pad : -pad;
      const label = a * b >= 0 ? 1 : 0;
      push(a + g.uniform(-5, 5) * noise, b + g.uniform(-5, 5) * noise, label);
    }
  } else if (name === "gaussians") {
    const std = 0.5 + 7 * noise; // TF Playground: variance from 0.5 to 4 over the noise range
    for (let i = 0; i < n; i++) {
      const label = i % 2;
      const c = label === 1 ? 2 : -2;
      push(g.normal(c, Math.sqrt(std)), g.normal(c, Math.sqrt(std)), label);
    }
  } else {
    const half = n / 2;
    for (const [delta, label] of [[0, 1], [Math.PI, 0]] as const) {
      for (let i = 0; i < half; i++) {
        const r = (i / half) * 5;
        const t = 1.75 * (i / half) * 2 * Math.PI + delta;
        push(r * Math.sin(t) + g.uniform(-1, 1) * noise, r * Math.cos(t) + g.uniform(-1, 1) * noise, label);
      }
    }
  }
  return { x, y };
}

/** TensorFlow Playground's input features, on raw coordinates in [−6, 6], scaled to about [−1, 1]. */
const FEATURES: Record<string, (a: number, b: number) => number> = {
  x1: (a) => a / EXTENT,
  x2: (_, b) => b / EXTENT,
  x1sq: (a) => (a * a) / (EXTENT * EXTENT),
  x2sq: (_, b) => (b * b) / (EXTENT * EXTENT),
  x1x2: (a, b) => (a * b) / (EXTENT * EXTENT),
  sinx1: (a) => Math.sin(a),
  sinx2: (_, b) => Math.sin(b),
};

function featurize(points: readonly number[][], features: readonly string[]): number[][] {
  return points.map(([a, b]) => features.map((f) => FEATURES[f]!(a!, b!)));
}

/** Parses "8, 8" into [8, 8] (empty: no hidden layer, logistic regression). */
function parseLayers(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s.length > 0);
  const sizes = parts.map(Number);
  if (sizes.length > 6 || sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 64)) {
    throw new Error(`hidden layers: expected up to 6 comma-separated sizes in 1..64, got "${text}"`);
  }
  return sizes;
}

function activationModule(name: Activation): ds.nn.Module | null {
  switch (name) {
    case "tanh": return new nn.Tanh();
    case "relu": return new nn.ReLU();
    case "sigmoid": return new nn.Sigmoid();
    case "linear": return null;
  }
}

interface Run {
  model: ds.nn.Sequential;
  weights: Tensor[];
  opt: { zeroGrad(): void; step(): unknown };
  train: { x: Tensor; y: Tensor; n: number };
  test: { x: Tensor; y: Tensor; n: number };
  points: Dataset;
  nTrain: number;
  l2: number;
  batch: number;
  epoch: number;
  gen: ds.Generator;
  lossTrain: number[];
  lossTest: number[];
  grid: Tensor;
}

const state: { run: Run | null; playing: boolean; frame: number } = { run: null, playing: false, frame: 0 };

function settings() {
  return {
    dataset: $<HTMLSelectElement>("dataset").value as DatasetName,
    noise: numberInput("noise", 0, 0.5),
    trainRatio: numberInput("train-ratio", 0.1, 0.9),
    layers: parseLayers($<HTMLInputElement>("layers").value),
    activation: $<HTMLSelectElement>("activation").value as Activation,
    optimizer: $<HTMLSelectElement>("optimizer").value as OptimizerName,
    lr: numberInput("lr", 1e-5, 10),
    l2: numberInput("l2", 0, 1),
    batch: numberInput("batch", 1, N_POINTS),
    seed: numberInput("seed", 0, 1e9),
    features: Object.keys(FEATURES).filter((f) => $<HTMLInputElement>(`feature-${f}`).checked),
  };
}

function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): { zeroGrad(): void; step(): unknown } {
  switch (name) {
    case "sgd": return new optim.SGD(params, { lr });
    case "momentum": return new optim.SGD(params, { lr, momentum: 0.9 });
    case "adam": return new optim.Adam(params, { lr });
    case "rmsprop": return new optim.RMSprop(params, { lr });
  }
}

/** Builds data, model and optimizer from the controls (epoch 0). */
function reset(): void {
  const s = settings();
  if (s.features.length === 0) throw new Error("features: pick at least one input feature");
  const points = makeDataset(s.dataset, N_POINTS, s.noise, s.seed);
  // Shuffle, then split train/test.
  const gen = new ds.Generator(s.seed + 1);
  const order = gen.permutation(points.x.length);
  const shuffled: Dataset = { x: order.map((i) => points.x[i]!), y: order.map((i) => points.y[i]!) };
  const nTrain = Math.round(s.trainRatio * shuffled.x.length);
  const split = (from: number, to: number) => ({
    x: ds.tensor(featurize(shuffled.x.slice(from, to), s.features)),
    y: ds.tensor(shuffled.y.slice(from, to)).reshape([-1, 1]),
    n: to - from,
  });
  const layers: ds.nn.Module[] = [];
  let width = s.features.length;
  for (const h of s.layers) {
    layers.push(new nn.Linear(width, h, { generator: gen }));
    const act = activationModule(s.activation);
    if (act) layers.push(act);
    width = h;
  }
  layers.push(new nn.Linear(width, 1, { generator: gen }));
  const model = new nn.Sequential(...(layers as ConstructorParameters<typeof nn.Sequential>));
  const params = [...model.parameters()];
  const weights = [...model.namedParameters()].filter(([name]) => name.endsWith("weight")).map(([, p]) => p);
  const grid: number[][] = [];
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) grid.push([(((c + 0.5) / GRID) * 2 - 1) * EXTENT, (1 - ((r + 0.5) / GRID) * 2) * EXTENT]);
  }
  state.run = {
    model, weights, opt: makeOptimizer(s.optimizer, params, s.lr),
    train: split(0, nTrain), test: split(nTrain, shuffled.x.length), points: shuffled, nTrain,
    l2: s.l2, batch: Math.round(s.batch), epoch: 0, gen, lossTrain: [], lossTest: [], grid: ds.tensor(featurize(grid, s.features)),
  };
  record(state.run);
  render();
}

/** Mean binary cross-entropy (+ the L2 penalty λ Σ‖W‖² over the weight matrices, as TF Playground). */
function objective(run: Run, x: Tensor, y: Tensor): Tensor {
  let loss = nn.functional.binaryCrossEntropyWithLogits(run.model.call(x), y);
  if (run.l2 > 0) for (const w of run.weights) loss = loss.add(w.square().sum().mul(run.l2));
  return loss;
}

/** One epoch: the training set once, shuffled, in mini-batches. */
function epoch(run: Run): void {
  const order = run.gen.permutation(run.train.n);
  for (let i = 0; i < run.train.n; i += run.batch) {
    const idx = order.slice(i, i + run.batch);
    const xb = run.train.x.indexSelect(0, idx), yb = run.train.y.indexSelect(0, idx);
    run.opt.zeroGrad();
    const loss = objective(run, xb, yb);
    loss.backward();
    run.opt.step();
  }
  run.epoch++;
  record(run);
}

function evaluate(run: Run, split: { x: Tensor; y: Tensor; n: number }): { loss: number; accuracy: number } {
  return ds.noGrad(() => {
    const logits = run.model.call(split.x);
    const loss = nn.functional.binaryCrossEntropyWithLogits(logits, split.y).item();
    const pred = logits.gt(0).float();
    const accuracy = pred.eq(split.y).float().mean().item();
    return { loss, accuracy };
  });
}

function record(run: Run): void {
  const tr = evaluate(run, run.train), te = evaluate(run, run.test);
  run.lossTrain.push(tr.loss);
  run.lossTest.push(te.loss);
  $("epoch").textContent = String(run.epoch);
  $("loss-train").textContent = tr.loss.toFixed(3);
  $("loss-test").textContent = te.loss.toFixed(3);
  $("acc-train").textContent = `${(100 * tr.accuracy).toFixed(1)} %`;
  $("acc-test").textContent = `${(100 * te.accuracy).toFixed(1)} %`;
  const stats = $("stats");
  stats.dataset.epoch = String(run.epoch);
  stats.dataset.testAccuracy = String(te.accuracy);
  stats.dataset.trainAccuracy = String(tr.accuracy);
}

function render(): void {
  const run = state.run;
  if (!run) return;
  const canvas = $<HTMLCanvasElement>("boundary");
  const ctx = ctx2d(canvas);
  const { width: W, height: H } = canvas;
  const probs = ds.noGrad(() => run.model.call(run.grid).sigmoid().dataSync());
  const image = new ImageData(GRID, GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const [r, g, b] = divergingColor(Number(probs[i]));
    image.data.set([r, g, b, 255], 4 * i);
  }
  const off = new OffscreenCanvas(GRID, GRID);
  const octx = off.getContext("2d");
  if (!octx) throw new Error("playground: no offscreen 2-D context");
  octx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, W, H);
  const toPx = (a: number, b: number): [number, number] => [((a + EXTENT) / (2 * EXTENT)) * W, ((EXTENT - b) / (2 * EXTENT)) * H];
  const showTest = $<HTMLInputElement>("show-test").checked;
  run.points.x.forEach((p, i) => {
    const isTest = i >= run.nTrain;
    if (isTest && !showTest) return;
    const [px, py] = toPx(p[0]!, p[1]!);
    const [r, g, b] = divergingColor(run.points.y[i]!);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.strokeStyle = isTest ? "#000" : "#fff";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  });
  // Axis ticks inside the frame.
  ctx.fillStyle = "#222";
  ctx.font = "11px sans-serif";
  ctx.textBaseline = "bottom";
  for (const v of [-EXTENT, 0, EXTENT]) {
    const [px] = toPx(v, 0);
    ctx.textAlign = v < 0 ? "left" : v > 0 ? "right" : "center";
    ctx.fillText(String(v), px + (v < 0 ? 3 : v > 0 ? -3 : 0), H - 2);
  }
  ctx.fillText("x₁", W - 6, H - 14);
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(`x₂`, 4, 4);
  drawLines($<HTMLCanvasElement>("loss"), [
    { label: "train loss", color: "#1f77b4", values: run.lossTrain },
    { label: "test loss", color: "#d62728", values: run.lossTest },
  ], { xLabel: "epoch", yLabel: "BCE" });
}

function setPlaying(on: boolean): void {
  state.playing = on;
  $("play").textContent = on ? "Pause" : "Start";
  if (on) requestAnimationFrame(loop);
}

/** While playing: as many epochs as fit in ~25 ms, then one redraw. */
function loop(): void {
  if (!state.playing || !state.run) return;
  const t0 = performance.now();
  do epoch(state.run);
  while (performance.now() - t0 < 25);
  render();
  requestAnimationFrame(loop);
}

function guarded(action: () => void): () => void {
  return () => {
    try {
      $("message").textContent = "";
      action();
    } catch (error) {
      setPlaying(false);
      $("message").textContent = error instanceof Error ? error.message : String(error);
    }
  };
}

start(async () => {
  await showBackend();
  $("play").addEventListener("click", guarded(() => setPlaying(!state.playing)));
  $("step").addEventListener("click", guarded(() => {
    setPlaying(false);
    if (state.run) { epoch(state.run); render(); }
  }));
  $("reset").addEventListener("click", guarded(() => { setPlaying(false); reset(); }));
  for (const id of ["dataset", "noise", "train-ratio", "layers", "activation", "optimizer", "lr", "l2", "batch", "seed", ...Object.keys(FEATURES).map((f) => `feature-${f}`)]) {
    $(id).addEventListener("change", guarded(() => { const was = state.playing; setPlaying(false); reset(); setPlaying(was); }));
  }
  $("show-test").addEventListener("change", guarded(render));
  reset();
});
