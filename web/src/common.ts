// Shared by the playground pages: the backend banner, small canvas helpers and the page's ready flag.
import * as ds from "../../src/index.js";

/** Element by id, typed; throws if the page lacks it (a broken page should fail loudly). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: no element #${id}`);
  return el as T;
}

/** The 2-D context of a canvas. */
export function ctx2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("playground: no 2-D canvas context");
  return ctx;
}

/**
 * Waits for the kernels' worker threads and writes what the page computes with into #backend:
 * WASM on N threads when the page is cross-origin isolated (SharedArrayBuffer), one thread otherwise.
 * deepscript has no WebGPU backend yet, so it is always WASM (or the CPU reference if WASM failed).
 */
export async function showBackend(): Promise<string> {
  await ds.ready();
  const name = ds.getBackendName() === "wasm" ? "WASM" : "CPU (TypeScript reference)";
  const threads = ds.getNumThreads();
  const text = crossOriginIsolated
    ? `Backend: ${name} · ${threads} thread${threads === 1 ? "" : "s"} (cross-origin isolated)`
    : `Backend: ${name} · 1 thread (page not cross-origin isolated, no SharedArrayBuffer)`;
  $("backend").textContent = text;
  return text;
}

/** Marks the page ready (tests wait for `body[data-ready]`), or shows the error that stopped it. */
export function start(main: () => Promise<void>): void {
  main().then(
    () => {
      document.body.dataset.ready = "1";
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const box = document.createElement("pre");
      box.className = "error";
      box.textContent = `Error: ${message}`;
      document.body.prepend(box);
      document.body.dataset.ready = "error";
      throw error;
    },
  );
}

export interface Series {
  label: string;
  color: string;
  values: readonly number[];
}

/**
 * A line chart of several series over the step index, with y from the data's range (log scale on
 * request), axes labels and a legend drawn inside the frame.
 */
export function drawLines(canvas: HTMLCanvasElement, series: readonly Series[], options: { xLabel: string; yLabel: string; log?: boolean }): void {
  const ctx = ctx2d(canvas);
  const { width: W, height: H } = canvas;
  const pad = { left: 48, right: 10, top: 10, bottom: 28 };
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  const tf = (v: number) => (options.log ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = series.flatMap((s) => s.values.map(tf)).filter(Number.isFinite);
  const n = Math.max(2, ...series.map((s) => s.values.length));
  let lo = all.length ? Math.min(...all) : 0, hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const px = (i: number) => pad.left + (i / (n - 1)) * (W - pad.left - pad.right);
  const py = (v: number) => pad.top + (1 - (tf(v) - lo) / (hi - lo)) * (H - pad.top - pad.bottom);
  ctx.strokeStyle = "#999";
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, W - pad.left - pad.right, H - pad.top - pad.bottom);
  ctx.fillStyle = "#333";
  ctx.font = "11px sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const fmt = (v: number) => (options.log ? `1e${v.toFixed(1)}` : Math.abs(v) >= 100 ? v.toFixed(0) : v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(1) : v.toPrecision(3));
  ctx.fillText(fmt(hi), pad.left - 4, pad.top + 6);
  ctx.fillText(fmt(lo), pad.left - 4, H - pad.bottom - 6);
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(`${options.xLabel} (0 … ${n - 1})`, (pad.left + W - pad.right) / 2, H - 4);
  ctx.save();
  ctx.translate(12, (pad.top + H - pad.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(options.yLabel, 0, 0);
  ctx.restore();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let moved = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(tf(v))) return;
      if (moved) ctx.lineTo(px(i), py(v));
      else { ctx.moveTo(px(i), py(v)); moved = true; }
    });
    ctx.stroke();
  }
  // Legend, top right inside the plot frame.
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const legendWidth = Math.max(0, ...series.map((s) => ctx.measureText(s.label).width)) + 16;
  series.forEach((s, k) => {
    const y = pad.top + 10 + 14 * k;
    const x = W - pad.right - 6 - legendWidth;
    ctx.fillStyle = s.color;
    ctx.fillRect(x, y - 2, 12, 4);
    ctx.fillStyle = "#333";
    ctx.fillText(s.label, x + 16, y);
  });
}

/** Diverging colour for p ∈ [0, 1]: orange (0) through white (0.5) to blue (1), as TensorFlow Playground. */
export function divergingColor(p: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, p));
  const orange = [245, 147, 34], white = [232, 234, 235], blue = [8, 119, 189];
  const [a, b, u] = t < 0.5 ? [orange, white, t / 0.5] : [white, blue, (t - 0.5) / 0.5];
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * u)) as [number, number, number];
}

/** Sequential colour for t ∈ [0, 1] (viridis-like: dark purple → teal → yellow). */
export function sequentialColor(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x)), u = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i]![c]! + (stops[i + 1]![c]! - stops[i]![c]!) * u)) as [number, number, number];
}

/** Reads a number from an input, checking it lies in [min, max]. */
export function numberInput(id: string, min: number, max: number): number {
  const el = $<HTMLInputElement>(id);
  const v = Number(el.value);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${id}: expected a number in [${min}, ${max}], got "${el.value}"`);
  return v;
}
