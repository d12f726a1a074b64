// 2-D GAN: a generator and a critic (deepscript MLPs) trained live by generative.trainGAN with one of
// its objectives on 8 Gaussians on a ring or 25 on a grid, with the critic's value over the plane as a
// heat map under the real modes and the generated samples, and the modes covered (generative.modeCoverage).
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { $, ctx2d, drawLines, numberInput, sequentialColor, showBackend, start } from "./common.js";

const { generative, nn, optim } = ds;
type Target = "ring" | "grid";
/** σ of every mode, as the gan-2d experiment (a sample within 3σ of a mode is high quality). */
const STD = 0.05;
const LATENT = 2;
/** Generated samples drawn and scored (fixed noise, so the picture moves only as the generator learns). */
const N_SHOWN = 1000;
const GRID = 64;
/** Generator steps per trainGAN call inside a frame. */
const CHUNK = 5;

interface Run {
  mixture: ds.generative.GaussianMixture2d;
  extent: number;
  target: Target;
  loss: ds.generative.GanLoss;
  G: ds.nn.Sequential;
  D: ds.nn.Sequential;
  optG: ds.optim.Adam;
  optD: ds.optim.Adam;
  batch: number;
  seed: number;
  step: number;
  dLosses: number[];
  gLosses: number[];
  z: Tensor;
  grid: Tensor;
}

const state: { run: Run | null; playing: boolean } = { run: null, playing: false };

function settings() {
  const s = {
    target: $<HTMLSelectElement>("target").value as Target,
    loss: $<HTMLSelectElement>("loss").value as ds.generative.GanLoss,
    lr: numberInput("lr", 1e-6, 1),
    batch: numberInput("batch", 8, 1024),
    hidden: numberInput("hidden", 4, 256),
    seed: numberInput("seed", 0, 1e9),
  };
  if (!generative.ganLosses.includes(s.loss)) throw new Error(`loss: unknown GAN loss "${s.loss}"`);
  if (!Number.isInteger(s.batch) || !Number.isInteger(s.hidden)) throw new Error("batch size and hidden width must be integers");
  return s;
}

const mlp = (inputs: number, outputs: number, hidden: number, g: ds.Generator): ds.nn.Sequential =>
  new nn.Sequential(new nn.Linear(inputs, hidden, { generator: g }), new nn.ReLU(), new nn.Linear(hidden, hidden, { generator: g }), new nn.ReLU(), new nn.Linear(hidden, outputs, { generator: g }));

function reset(): void {
  const s = settings();
  const mixture = s.target === "ring" ? generative.gaussianRing({ std: STD }) : generative.gaussianGrid({ std: STD });
  const extent = s.target === "ring" ? 3 : 5.5;
  const g = new ds.Generator(s.seed);
  const G = mlp(LATENT, 2, s.hidden, g), D = mlp(2, 1, s.hidden, g);
  // Adam with β = (0.5, 0.9), as WGAN-GP's toy experiments and the gan-2d experiment.
  const optG = new optim.Adam(G.parameters(), { lr: s.lr, betas: [0.5, 0.9] });
  const optD = new optim.Adam(D.parameters(), { lr: s.lr, betas: [0.5, 0.9] });
  const points: number[][] = [];
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) points.push([(((c + 0.5) / GRID) * 2 - 1) * extent, (1 - ((r + 0.5) / GRID) * 2) * extent]);
  }
  state.run = {
    mixture, extent, target: s.target, loss: s.loss, G, D, optG, optD, batch: s.batch, seed: s.seed, step: 0, dLosses: [], gLosses: [],
    z: ds.randn([N_SHOWN, LATENT], { generator: new ds.Generator(s.seed + 7) }), grid: ds.tensor(points),
  };
  render();
}

/** `steps` generator steps (each after nCritic critic steps: 5 for the WGANs, 1 otherwise) by trainGAN. */
function train(run: Run, steps: number): void {
  const { dLosses, gLosses } = generative.trainGAN(run.G, run.D, {
    loss: run.loss, latentDim: LATENT, steps, batchSize: run.batch, seed: run.seed * 1_000_003 + run.step,
    optimizerG: run.optG, optimizerD: run.optD,
    sampleReal: (n, g) => generative.sampleMixture(run.mixture, n, { generator: g }),
  });
  run.dLosses.push(...dLosses);
  run.gLosses.push(...gLosses);
  run.step += steps;
}

function render(): void {
  const run = state.run;
  if (!run) return;
  const { samples, critic } = ds.noGrad(() => ({ samples: run.G.call(run.z), critic: run.D.call(run.grid).dataSync() }));
  const coverage = generative.modeCoverage(samples, run.mixture);
  const xy = samples.dataSync();
  // Mean distance of the samples from the origin: the ring's radius (2) once they sit on it.
  let radius = 0;
  for (let i = 0; i < N_SHOWN; i++) radius += Math.hypot(Number(xy[2 * i]), Number(xy[2 * i + 1]));
  radius /= N_SHOWN;

  const canvas = $<HTMLCanvasElement>("plane");
  const ctx = ctx2d(canvas);
  const { width: W, height: H } = canvas;
  let lo = Infinity, hi = -Infinity;
  for (const v of critic) { const x = Number(v); if (Number.isFinite(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); } }
  if (!(hi - lo > 1e-12)) { lo -= 0.5; hi += 0.5; }
  const image = new ImageData(GRID, GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const [r, g, b] = sequentialColor((Number(critic[i]) - lo) / (hi - lo));
    image.data.set([r, g, b, 255], 4 * i);
  }
  const off = new OffscreenCanvas(GRID, GRID);
  const octx = off.getContext("2d");
  if (!octx) throw new Error("playground: no offscreen 2-D context");
  octx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, W, H);
  const toPx = (a: number, b: number): [number, number] => [((a + run.extent) / (2 * run.extent)) * W, ((run.extent - b) / (2 * run.extent)) * H];
  // Real modes: a white ring of radius 3σ (the high-quality zone) around each centre; a filled centre when covered.
  const scale = W / (2 * run.extent);
  run.mixture.centers.forEach(([cx, cy], k) => {
    const [px, py] = toPx(cx, cy);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px, py, Math.max(4, 3 * STD * scale), 0, 2 * Math.PI);
    ctx.stroke();
    if (coverage.counts[k]! >= coverage.minCount) {
      ctx.fillStyle = "#fff";
      ctx.beginPath();
      ctx.arc(px, py, 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
  ctx.fillStyle = "rgba(230, 40, 40, 0.75)";
  for (let i = 0; i < N_SHOWN; i++) {
    const [px, py] = toPx(Number(xy[2 * i]), Number(xy[2 * i + 1]));
    if (px < -2 || py < -2 || px > W + 2 || py > H + 2) continue;
    ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
  }
  ctx.fillStyle = "#fff";
  ctx.font = "11px sans-serif";
  ctx.textBaseline = "bottom";
  ctx.textAlign = "left";
  ctx.fillText(`[${-run.extent}, ${run.extent}]²`, 4, H - 3);

  const modes = run.mixture.centers.length;
  $("step-count").textContent = String(run.step);
  $("d-loss").textContent = run.dLosses.length ? run.dLosses[run.dLosses.length - 1]!.toFixed(3) : "–";
  $("g-loss").textContent = run.gLosses.length ? run.gLosses[run.gLosses.length - 1]!.toFixed(3) : "–";
  $("modes").textContent = `${coverage.modesCovered} / ${modes}`;
  $("quality").textContent = `${(100 * coverage.highQualityFraction).toFixed(1)} %`;
  $("radius").textContent = radius.toFixed(2);
  $("critic-range").textContent = `critic ${lo.toPrecision(3)} … ${hi.toPrecision(3)}`;
  const stats = $("stats");
  stats.dataset.step = String(run.step);
  stats.dataset.modesCovered = String(coverage.modesCovered);
  stats.dataset.modes = String(modes);
  stats.dataset.highQuality = String(coverage.highQualityFraction);
  stats.dataset.meanRadius = String(radius);
  drawLines($<HTMLCanvasElement>("losses"), [
    { label: "critic (D) loss", color: "#1f77b4", values: run.dLosses },
    { label: "generator (G) loss", color: "#d62728", values: run.gLosses },
  ], { xLabel: "generator step", yLabel: run.loss });
}

function setPlaying(on: boolean): void {
  state.playing = on;
  $("play").textContent = on ? "Pause" : "Start";
  if (on) requestAnimationFrame(loop);
}

/** While playing: trainGAN in chunks of CHUNK generator steps for ~30 ms, then one redraw. */
function loop(): void {
  const run = state.run;
  if (!state.playing || !run) return;
  const t0 = performance.now();
  do train(run, CHUNK);
  while (performance.now() - t0 < 30);
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
    if (state.run) { train(state.run, 1); render(); }
  }));
  $("reset").addEventListener("click", guarded(() => { setPlaying(false); reset(); }));
  // The learning rate applies from the next step; the other settings start a new pair of networks.
  $("lr").addEventListener("change", guarded(() => {
    const lr = numberInput("lr", 1e-6, 1);
    for (const opt of state.run ? [state.run.optG, state.run.optD] : []) for (const group of opt.paramGroups) group.lr = lr;
  }));
  for (const id of ["target", "loss", "batch", "hidden", "seed"]) {
    $(id).addEventListener("change", guarded(() => { const was = state.playing; setPlaying(false); reset(); setPlaying(was); }));
  }
  reset();
});
