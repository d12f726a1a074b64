// Gridworld and cliff walking: value iteration and Q-learning from deepscript's rl.tabular, run live
// (value heat map, greedy-policy arrows, greedy path from the start, learning curve).
import * as ds from "../../src/index.js";
import type { TabularEnv } from "../../src/rl/envs/toytext/TabularEnv.js";
import { $, ctx2d, drawLines, numberInput, sequentialColor, showBackend, start } from "./common.js";

const { rl } = ds;
const { tabular } = rl;
type EnvName = "cliff" | "grid4" | "grid5";
type Algorithm = "value-iteration" | "q-learning";

interface World {
  env: TabularEnv;
  rows: number;
  cols: number;
  /** Discount the book uses for it. */
  gamma: number;
  /** Episodes are cut off after this many steps (the 5×5 grid never terminates). */
  maxEpisodeSteps: number;
  start: number | null;
  label(s: number): string;
  /** Cells drawn dark (cliff) instead of by value. */
  blocked(s: number): boolean;
}

function makeWorld(name: EnvName): World {
  switch (name) {
    case "cliff": return {
      env: new rl.CliffWalking(), rows: 4, cols: 12, gamma: 1, maxEpisodeSteps: 1000, start: rl.CliffWalking.START,
      label: (s) => (s === rl.CliffWalking.START ? "S" : s === rl.CliffWalking.GOAL ? "G" : ""),
      blocked: (s) => rl.CliffWalking.isCliff(s),
    };
    case "grid4": return {
      env: new rl.GridWorld4x4(), rows: 4, cols: 4, gamma: 1, maxEpisodeSteps: 100, start: null,
      label: (s) => (rl.GridWorld4x4.TERMINAL_STATES.includes(s) ? "T" : ""), blocked: () => false,
    };
    case "grid5": return {
      env: new rl.GridWorld5x5(), rows: 5, cols: 5, gamma: 0.9, maxEpisodeSteps: 100, start: null,
      label: (s) => ({ [rl.GridWorld5x5.A]: "A", [rl.GridWorld5x5.A_PRIME]: "A′", [rl.GridWorld5x5.B]: "B", [rl.GridWorld5x5.B_PRIME]: "B′" })[s] ?? "",
      blocked: () => false,
    };
  }
}

interface Snapshot {
  V: number[];
  policy: number[][];
  /** Value iteration: sweeps done; Q-learning: episodes done. */
  iterations: number;
  done: boolean;
}

const state = {
  world: makeWorld("cliff"),
  algorithm: "value-iteration" as Algorithm,
  gamma: 1,
  alpha: 0.5,
  epsilon: 0.1,
  episodesPerStep: 10,
  maxEpisodes: 500,
  seed: 0,
  iterations: 0,
  snapshot: null as Snapshot | null,
  curve: [] as number[],
  playing: false,
  lastFrame: 0,
};

/**
 * Advances by one step (a sweep, or `episodesPerStep` episodes) by rerunning the library's algorithm
 * with the larger budget from the same seed: both are deterministic, so this is exactly the state a
 * single long run passes through.
 */
function advance(): void {
  const { world, gamma } = state;
  if (state.snapshot?.done) return;
  if (state.algorithm === "value-iteration") {
    const k = state.iterations + 1;
    const deltas: number[] = [];
    let prev: number[] | null = null;
    const result = tabular.valueIteration(world.env, {
      gamma, theta: 1e-6, maxSweeps: k, ties: "uniform",
      onSweep: (V) => {
        deltas.push(prev ? Math.max(...V.map((v, i) => Math.abs(v - prev![i]!))) : Math.max(...V.map(Math.abs)));
        prev = V;
      },
    });
    state.iterations = result.sweeps;
    state.curve = deltas;
    state.snapshot = { V: result.V, policy: result.policy, iterations: result.sweeps, done: result.sweeps < k };
  } else {
    const k = Math.min(state.maxEpisodes, state.iterations + state.episodesPerStep);
    const result = tabular.qLearning(world.env, {
      episodes: k, gamma, alpha: state.alpha, epsilon: state.epsilon, seed: state.seed, maxEpisodeSteps: world.maxEpisodeSteps,
    });
    state.iterations = k;
    state.curve = result.episodeReturns;
    state.snapshot = {
      V: result.Q.map((row) => Math.max(...row)),
      policy: tabular.greedy(result.Q, { ties: "uniform", tolerance: 1e-9 }),
      iterations: k,
      done: k >= state.maxEpisodes,
    };
  }
}

/** The greedy path from the start state (first optimal action at each step), up to nS steps. */
function greedyPath(world: World, policy: number[][]): number[] {
  if (world.start === null) return [];
  const path = [world.start];
  let s = world.start;
  for (let t = 0; t < world.env.nS; t++) {
    const a = policy[s]!.indexOf(Math.max(...policy[s]!));
    const next = world.env.P[s]![a]!.reduce((best, tr) => (tr.prob > best.prob ? tr : best));
    path.push(next.next);
    if (next.done || next.next === s) break;
    s = next.next;
  }
  return path;
}

function render(): void {
  const { world, snapshot } = state;
  const canvas = $<HTMLCanvasElement>("grid");
  const cell = Math.floor(Math.min(64, 720 / world.cols));
  canvas.width = world.cols * cell;
  canvas.height = world.rows * cell;
  const ctx = ctx2d(canvas);
  const V = snapshot?.V ?? new Array<number>(world.env.nS).fill(0);
  const free = V.filter((_, s) => !world.blocked(s));
  const lo = Math.min(...free), hi = Math.max(...free);
  const norm = (v: number) => (hi - lo < 1e-12 ? 0.5 : (v - lo) / (hi - lo));
  ctx.font = `${Math.round(cell * 0.2)}px sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let s = 0; s < world.env.nS; s++) {
    const x = (s % world.cols) * cell, y = Math.floor(s / world.cols) * cell;
    if (world.blocked(s)) {
      ctx.fillStyle = "#3a3a3a";
      ctx.fillRect(x, y, cell, cell);
      continue;
    }
    const [r, g, b] = sequentialColor(norm(V[s]!));
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, y, cell, cell);
    const ink = 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#111" : "#fff";
    ctx.fillStyle = ink;
    ctx.fillText(V[s]!.toFixed(1), x + cell / 2, y + cell * 0.8);
    const label = world.label(s);
    if (label) {
      ctx.font = `bold ${Math.round(cell * 0.24)}px sans-serif`;
      ctx.fillText(label, x + cell * 0.2, y + cell * 0.2);
      ctx.font = `${Math.round(cell * 0.2)}px sans-serif`;
    }
    // Arrows of every greedy action (ties show several), as in Sutton & Barto's figures.
    const pi = snapshot?.policy[s];
    const terminal = world.env.P[s]!.every((ts) => ts.every((t) => t.done && t.next === s));
    if (pi && !terminal) {
      ctx.strokeStyle = ink;
      ctx.lineWidth = 2;
      pi.forEach((p, a) => {
        if (p <= 0) return;
        const [dr, dc] = [[-1, 0], [0, 1], [1, 0], [0, -1]][a]!;
        const cx = x + cell / 2, cy = y + cell * 0.42, len = cell * 0.26;
        const ex = cx + dc! * len, ey = cy + dr! * len;
        ctx.beginPath();
        ctx.moveTo(cx, cy);
        ctx.lineTo(ex, ey);
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - dc! * 5 - dr! * 4, ey - dr! * 5 - dc! * 4);
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - dc! * 5 + dr! * 4, ey - dr! * 5 + dc! * 4);
        ctx.stroke();
      });
    }
  }
  ctx.strokeStyle = "rgba(255,255,255,0.5)";
  ctx.lineWidth = 1;
  for (let c = 0; c <= world.cols; c++) { ctx.beginPath(); ctx.moveTo(c * cell, 0); ctx.lineTo(c * cell, canvas.height); ctx.stroke(); }
  for (let r = 0; r <= world.rows; r++) { ctx.beginPath(); ctx.moveTo(0, r * cell); ctx.lineTo(canvas.width, r * cell); ctx.stroke(); }
  if (snapshot) {
    const path = greedyPath(world, snapshot.policy);
    if (path.length > 1) {
      ctx.strokeStyle = "#e4572e";
      ctx.lineWidth = 3;
      ctx.beginPath();
      path.forEach((s, i) => {
        const px = (s % world.cols) * cell + cell / 2, py = Math.floor(s / world.cols) * cell + cell / 2;
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
    }
    $("path-length").textContent = path.length > 1 ? String(path.length - 1) : "–";
  }
  $("v-min").textContent = lo.toFixed(2);
  $("v-max").textContent = hi.toFixed(2);
  const vi = state.algorithm === "value-iteration";
  $("iter-label").textContent = vi ? "Sweeps" : "Episodes";
  $("iterations").textContent = `${state.iterations}${snapshot?.done ? (vi ? " (converged)" : " (done)") : ""}`;
  $("stats").dataset.iterations = String(state.iterations);
  $("stats").dataset.done = String(snapshot?.done ?? false);
  $("stats").dataset.startValue = world.start !== null ? String(V[world.start]) : "";
  const smooth = (xs: number[], w: number) => xs.map((_, i) => { const part = xs.slice(Math.max(0, i - w + 1), i + 1); return part.reduce((a, b) => a + b, 0) / part.length; });
  const clip = (v: number) => Math.max(v, -200);
  drawLines($<HTMLCanvasElement>("curve"), vi
    ? [{ label: "max |ΔV|", color: "#1f77b4", values: state.curve }]
    : [{ label: "return", color: "#bbb", values: state.curve.map(clip) }, { label: "mean of 10", color: "#1f77b4", values: smooth(state.curve, 10).map(clip) }],
  vi ? { xLabel: "sweep", yLabel: "max |ΔV|", log: true } : { xLabel: "episode", yLabel: "return (clipped at −200)" });
}

function reset(): void {
  const name = $<HTMLSelectElement>("env").value as EnvName;
  const envChanged = !state.snapshot || name !== ($("grid").dataset.env ?? "");
  state.world = makeWorld(name);
  $("grid").dataset.env = name;
  if (envChanged) $<HTMLInputElement>("gamma").value = String(state.world.gamma);
  state.algorithm = $<HTMLSelectElement>("algorithm").value as Algorithm;
  state.gamma = numberInput("gamma", 0, 1);
  if (state.gamma === 1 && name === "grid5") throw new Error("γ must be below 1 on the continuing 5×5 gridworld");
  state.alpha = numberInput("alpha", 1e-4, 1);
  state.epsilon = numberInput("epsilon", 0, 1);
  state.episodesPerStep = Math.round(numberInput("episodes-per-step", 1, 1000));
  state.maxEpisodes = Math.round(numberInput("max-episodes", 1, 5000));
  state.seed = Math.round(numberInput("seed", 0, 1e9));
  for (const el of document.querySelectorAll<HTMLElement>(".q-only")) el.style.display = state.algorithm === "q-learning" ? "" : "none";
  state.iterations = 0;
  state.snapshot = null;
  state.curve = [];
  render();
}

function setPlaying(on: boolean): void {
  state.playing = on;
  $("play").textContent = on ? "Pause" : "Run";
  if (on) requestAnimationFrame(loop);
}

/** While running: the first 20 steps 120 ms apart (so that the first sweeps can be watched), then one per frame. */
function loop(now: number): void {
  if (!state.playing) return;
  if (state.iterations >= 20 * (state.algorithm === "q-learning" ? state.episodesPerStep : 1) || now - state.lastFrame >= 120) {
    state.lastFrame = now;
    advance();
    render();
    if (state.snapshot?.done) { setPlaying(false); return; }
  }
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
  $("step").addEventListener("click", guarded(() => { setPlaying(false); advance(); render(); }));
  $("reset").addEventListener("click", guarded(() => { setPlaying(false); reset(); }));
  for (const id of ["env", "algorithm", "gamma", "alpha", "epsilon", "episodes-per-step", "max-episodes", "seed"]) {
    $(id).addEventListener("change", guarded(() => { setPlaying(false); reset(); }));
  }
  reset();
});
