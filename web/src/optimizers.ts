// Optimizer race: SGD, momentum and Adam (deepscript's optim, on a float64 parameter tensor through
// autograd) against BFGS, L-BFGS and CMA-ES (deepscript's optimize.minimize), on Rosenbrock's and
// Beale's functions, over a contour plot. Click the plot to start from elsewhere.
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { $, ctx2d, drawLines, numberInput, sequentialColor, showBackend, start } from "./common.js";

const { optim, optimize } = ds;
type FunctionName = "rosenbrock" | "beale";

interface Problem {
  problem: ds.optimize.TestProblem;
  /** The same function written with tensor ops, for the autograd-driven optimizers. */
  tensorFn(x: Tensor, y: Tensor): Tensor;
  box: [number, number, number, number]; // xmin, xmax, ymin, ymax
  x0: [number, number];
  /** Learning rates that are stable from the default start (SGD, momentum, Adam). */
  lr: { sgd: number; momentum: number; adam: number };
}

const PROBLEMS: Record<FunctionName, Problem> = {
  rosenbrock: {
    problem: optimize.rosenbrock(2),
    tensorFn: (x, y) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)),
    box: [-2, 2, -1, 3], x0: [-1.2, 1],
    lr: { sgd: 1e-3, momentum: 2e-4, adam: 0.02 },
  },
  beale: {
    problem: optimize.beale(),
    tensorFn: (x, y) => [1.5, 2.25, 2.625].map((c, i) => x.mul(y.pow(i + 1)).sub(x).add(c).square()).reduce((a, b) => a.add(b)),
    box: [-4.5, 4.5, -4.5, 4.5], x0: [1, 1.5],
    lr: { sgd: 1e-2, momentum: 2e-3, adam: 0.02 },
  },
};

interface Racer {
  id: string;
  label: string;
  color: string;
  path: [number, number][];
  values: number[];
}

const METHODS = [
  { id: "sgd", label: "SGD", color: "#e41a1c" },
  { id: "momentum", label: "SGD + momentum 0.9", color: "#ff7f00" },
  { id: "adam", label: "Adam", color: "#f781bf" },
  { id: "bfgs", label: "BFGS", color: "#377eb8" },
  { id: "l-bfgs", label: "L-BFGS", color: "#4daf4a" },
  { id: "cma-es", label: "CMA-ES (mean)", color: "#984ea3" },
] as const;

const state = {
  name: "rosenbrock" as FunctionName,
  x0: [-1.2, 1] as [number, number],
  racers: [] as Racer[],
  t: 0,
  maxT: 0,
  /** The iteration budget the racers ran with (a racer that stopped before it converged or diverged). */
  iterations: 0,
  playing: false,
  contour: null as ImageBitmap | null,
};

/** Steps an optim optimizer on the tensor form of f for `iterations` steps; records x after each. */
function runTorchStyle(p: Problem, x0: [number, number], make: (params: Tensor[]) => { zeroGrad(): void; step(): unknown }, iterations: number): Pick<Racer, "path" | "values"> {
  const param = ds.tensor(x0, { dtype: "float64", requiresGrad: true });
  const opt = make([param]);
  const path: [number, number][] = [[...x0]];
  const values = [p.problem.fn(Float64Array.from(x0))];
  for (let i = 0; i < iterations; i++) {
    opt.zeroGrad();
    const loss = p.tensorFn(param.select(0, 0), param.select(0, 1));
    loss.backward();
    opt.step();
    const [a, b] = param.toList() as number[];
    if (!Number.isFinite(a!) || !Number.isFinite(b!) || Math.abs(a!) > 1e6 || Math.abs(b!) > 1e6) break; // diverged
    path.push([a!, b!]);
    values.push(p.problem.fn(Float64Array.of(a!, b!)));
  }
  return { path, values };
}

function runRace(): void {
  const p = PROBLEMS[state.name];
  const iterations = Math.round(numberInput("iterations", 10, 20000));
  state.iterations = iterations;
  const scale = numberInput("lr-scale", 1e-3, 100);
  const enabled = new Set(METHODS.filter((m) => $<HTMLInputElement>(`use-${m.id}`).checked).map((m) => m.id));
  state.racers = [];
  for (const m of METHODS) {
    if (!enabled.has(m.id)) continue;
    let run: Pick<Racer, "path" | "values">;
    if (m.id === "sgd") run = runTorchStyle(p, state.x0, (ps) => new optim.SGD(ps, { lr: p.lr.sgd * scale }), iterations);
    else if (m.id === "momentum") run = runTorchStyle(p, state.x0, (ps) => new optim.SGD(ps, { lr: p.lr.momentum * scale, momentum: 0.9 }), iterations);
    else if (m.id === "adam") run = runTorchStyle(p, state.x0, (ps) => new optim.Adam(ps, { lr: p.lr.adam * scale }), iterations);
    else {
      const result = optimize.minimize(p.problem.fn, state.x0, { method: m.id, jac: p.problem.grad, maxIter: iterations, sigma0: 0.5, seed: 1 });
      run = { path: result.trajectory.map((pt) => [pt.x[0]!, pt.x[1]!]), values: result.trajectory.map((pt) => pt.fun) };
    }
    state.racers.push({ ...m, ...run });
  }
  state.maxT = Math.max(0, ...state.racers.map((r) => r.path.length - 1));
  state.t = 0;
}

async function drawContour(): Promise<void> {
  const p = PROBLEMS[state.name];
  const N = 240;
  const [x0, x1, y0, y1] = p.box;
  const levels = new Float64Array(N * N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const x = x0 + ((c + 0.5) / N) * (x1 - x0), y = y1 - ((r + 0.5) / N) * (y1 - y0);
      levels[r * N + c] = Math.log10(p.problem.fn(Float64Array.of(x, y)) - p.problem.fmin + 1e-3);
    }
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of levels) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const image = new ImageData(N, N);
  const band = (v: number) => Math.floor(((v - lo) / (hi - lo)) * 14);
  for (let i = 0; i < N * N; i++) {
    const [r, g, b] = sequentialColor((levels[i]! - lo) / (hi - lo));
    // A contour line where the band changes between neighbours.
    const c = i % N;
    const edge = (c + 1 < N && band(levels[i + 1]!) !== band(levels[i]!)) || (i + N < N * N && band(levels[i + N]!) !== band(levels[i]!));
    image.data.set(edge ? [255, 255, 255, 255] : [r, g, b, 255], 4 * i);
  }
  state.contour = await createImageBitmap(image);
  $("level-range").textContent = `log₁₀(f − f* + 10⁻³) from ${lo.toFixed(1)} to ${hi.toFixed(1)}`;
}

function toPx(canvas: HTMLCanvasElement, x: number, y: number): [number, number] {
  const [x0, x1, y0, y1] = PROBLEMS[state.name].box;
  return [((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height];
}

function render(): void {
  const canvas = $<HTMLCanvasElement>("contour");
  const ctx = ctx2d(canvas);
  const p = PROBLEMS[state.name];
  if (state.contour) ctx.drawImage(state.contour, 0, 0, canvas.width, canvas.height);
  // The minimizer and the start.
  const [mx, my] = toPx(canvas, p.problem.xmin[0]!, p.problem.xmin[1]!);
  ctx.fillStyle = "#fff";
  ctx.font = "bold 18px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText("★", mx, my);
  const [sx, sy] = toPx(canvas, state.x0[0], state.x0[1]);
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 2;
  ctx.strokeRect(sx - 5, sy - 5, 10, 10);
  for (const r of state.racers) {
    const upto = Math.min(state.t, r.path.length - 1);
    ctx.strokeStyle = r.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i <= upto; i++) {
      const [px, py] = toPx(canvas, r.path[i]![0], r.path[i]![1]);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
    const [hx, hy] = toPx(canvas, r.path[upto]![0], r.path[upto]![1]);
    ctx.fillStyle = r.color;
    ctx.beginPath();
    ctx.arc(hx, hy, 4.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  // Axis range labels inside the frame.
  const [x0, x1, y0, y1] = p.box;
  ctx.fillStyle = "#fff";
  ctx.font = "11px sans-serif";
  ctx.textBaseline = "bottom";
  ctx.textAlign = "left";
  ctx.fillText(`x: ${x0} … ${x1}`, 4, canvas.height - 3);
  ctx.textBaseline = "top";
  ctx.fillText(`y: ${y0} … ${y1}`, 4, 3);
  // Table and curves.
  const rows = state.racers.map((r) => {
    const upto = Math.min(state.t, r.path.length - 1);
    const [a, b] = r.path[upto]!;
    const finished = upto === r.path.length - 1 ? (r.path.length - 1 < state.iterations ? " ✓" : "") : "";
    return `<tr data-method="${r.id}" data-f="${r.values[upto]}"><td><span class="swatch" style="background:${r.color}"></span>${r.label}</td>` +
      `<td>${upto}${finished}</td><td>${r.values[upto]!.toExponential(2)}</td><td>(${a.toFixed(3)}, ${b.toFixed(3)})</td></tr>`;
  });
  $("table-body").innerHTML = rows.join("");
  $("iteration").textContent = `${state.t} / ${state.maxT}`;
  $("stats").dataset.t = String(state.t);
  $("start").textContent = `(${state.x0[0].toFixed(2)}, ${state.x0[1].toFixed(2)})`;
  drawLines($<HTMLCanvasElement>("values"), state.racers.map((r) => ({
    label: r.label, color: r.color, values: r.values.slice(0, Math.min(state.t, r.values.length - 1) + 1).map((v) => v - p.problem.fmin + 1e-16),
  })), { xLabel: "iteration", yLabel: "f − f*", log: true });
}

async function reset(): Promise<void> {
  state.name = $<HTMLSelectElement>("function").value as FunctionName;
  await drawContour();
  runRace();
  render();
}

function setPlaying(on: boolean): void {
  state.playing = on;
  $("play").textContent = on ? "Pause" : "Race";
  if (on) requestAnimationFrame(loop);
}

/** While racing: the iteration counter speeds up as it grows (+7 % a frame) (quasi-Newton methods finish in tens of steps, SGD needs thousands). */
function loop(): void {
  if (!state.playing) return;
  state.t = Math.min(state.maxT, state.t + Math.max(1, Math.floor(state.t / 15)));
  render();
  if (state.t >= state.maxT) { setPlaying(false); return; }
  requestAnimationFrame(loop);
}

function guarded(action: () => void | Promise<void>): () => void {
  return () => {
    $("message").textContent = "";
    Promise.resolve().then(action).catch((error: unknown) => {
      setPlaying(false);
      $("message").textContent = error instanceof Error ? error.message : String(error);
    });
  };
}

start(async () => {
  await showBackend();
  const checks = METHODS.map((m) => `<label><input type="checkbox" id="use-${m.id}" checked> <span class="swatch" style="background:${m.color}"></span>${m.label}</label>`);
  $("methods").innerHTML = checks.join("");
  $("play").addEventListener("click", guarded(() => {
    if (!state.playing && state.t >= state.maxT) state.t = 0;
    setPlaying(!state.playing);
  }));
  $("step").addEventListener("click", guarded(() => { setPlaying(false); state.t = Math.min(state.maxT, state.t + 1); render(); }));
  $("reset").addEventListener("click", guarded(async () => { setPlaying(false); state.x0 = [...PROBLEMS[state.name].x0]; await reset(); }));
  $("function").addEventListener("change", guarded(async () => {
    setPlaying(false);
    state.x0 = [...PROBLEMS[$<HTMLSelectElement>("function").value as FunctionName].x0];
    await reset();
  }));
  for (const id of ["iterations", "lr-scale", ...METHODS.map((m) => `use-${m.id}`)]) {
    $(id).addEventListener("change", guarded(() => { setPlaying(false); runRace(); render(); }));
  }
  const canvas = $<HTMLCanvasElement>("contour");
  canvas.addEventListener("click", (e) => {
    const r = canvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = PROBLEMS[state.name].box;
    state.x0 = [x0 + ((e.clientX - r.left) / r.width) * (x1 - x0), y1 - ((e.clientY - r.top) / r.height) * (y1 - y0)];
    guarded(() => { setPlaying(false); runRace(); render(); setPlaying(true); })();
  });
  state.x0 = [...PROBLEMS[state.name].x0];
  await reset();
});
