// Dependency-free SVG plots (line, scatter, heatmap, contour, panels of plots) returned as strings; no I/O here.

/**
 * Every function returns a complete `<svg>` document as a string, so it works in Node and the browser
 * alike; `savePlot` in savePlot.ts writes one to disk in Node.
 *
 * ```ts
 * const svg = linePlot({ title: "Reward", xLabel: "step", yLabel: "reward",
 *   series: [{ name: "ε=0.1", y: rewards }] });
 * savePlot("out/reward.svg", svg);
 * ```
 */

/** One named curve or point cloud. `x` defaults to 0, 1, 2, ... */
export interface Series {
  name: string;
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Any CSS color; defaults to the palette entry for the series' index. */
  color?: string;
  /** Dashed line (linePlot only). */
  dashed?: boolean;
  /** Text drawn next to each point (scatter only), e.g. the words of a word-vector plot. */
  labels?: readonly string[];
}

/** Options shared by plots with axes. */
export interface AxesOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixel size of the whole image; defaults to 640 × 420. */
  width?: number;
  height?: number;
  /** Fixes the axis ranges instead of fitting the data. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Logarithmic y axis (base 10); non-positive values are dropped from the plot. */
  logY?: boolean;
  /** Logarithmic x axis (base 10); points with non-positive x are dropped. */
  logX?: boolean;
  /** Draw the legend (default true). */
  legend?: boolean;
  /** Legend corner inside the plot area (default "top-right"). */
  legendPosition?: "top-right" | "top-left" | "bottom-right" | "bottom-left";
}

/** Options of {@link linePlot}: the axes' options plus the line series to draw. */
export interface LinePlotOptions extends AxesOptions {
  series: Series[];
}

/** Options of {@link scatter}: the axes' options plus the point series and the marker radius. */
export interface ScatterOptions extends AxesOptions {
  series: Series[];
  /** Marker radius in pixels (default 3). */
  radius?: number;
}

/** Color scales: sequential `viridis`, `gray` (white → black), and `diverging` (blue → white → red, centred on 0 when the data straddle it). */
export type ColorScale = "viridis" | "gray" | "diverging";

/**
 * Options of {@link heatmap}: the values, cell labels or values, the color scale and range, axis and tick
 * labels, the origin, cell size, color bar and paths drawn over the cells.
 */
export interface HeatmapOptions {
  /** values[row][col]; every row has the same length. */
  values: number[][];
  title?: string;
  /** Text drawn in each cell, same shape as `values` (e.g. arrows, rounded values). */
  labels?: string[][];
  /** Draws each cell's value (rounded to `digits`) when no `labels` are given. Default false. */
  showValues?: boolean;
  /** Decimal digits for `showValues` (default 1). */
  digits?: number;
  colorScale?: ColorScale;
  xLabel?: string;
  yLabel?: string;
  /** Tick text under each column / beside each row; defaults to the indices. */
  xTickLabels?: string[];
  yTickLabels?: string[];
  /** "upper" (default): row 0 at the top, like a matrix; "lower": row 0 at the bottom, like a y axis. */
  origin?: "upper" | "lower";
  /** Fixes the color range instead of the data's min/max. */
  vmin?: number;
  vmax?: number;
  /** Pixel size of one cell (default: fits a 520-pixel-wide grid, at most 60 per cell). */
  cellSize?: number;
  /** Show the color bar (default true). */
  colorBar?: boolean;
  /**
   * Paths drawn over the cells (e.g. an agent's trajectory), in cell coordinates: x = column, y = row,
   * a whole number being the cell's center. Each starts with a dot and ends with a square; their legend
   * goes right of the grid.
   */
  paths?: Series[];
}

/**
 * Options of {@link contour}: a function to sample or precomputed grid values, the grid resolution, the
 * contour levels, and paths drawn on top, plus the axes' options.
 */
export interface ContourOptions extends Omit<AxesOptions, "logY" | "logX"> {
  /** Either a function sampled on a grid over xRange × yRange ... */
  f?: (x: number, y: number) => number;
  /** ... or precomputed values[i][j] = f(xs[j], ys[i]) with the grid coordinates. */
  values?: number[][];
  xs?: number[];
  ys?: number[];
  /** Grid resolution when sampling `f` (default 80 × 80). */
  resolution?: number;
  /** Contour levels; default: `levelCount` levels spread evenly (or log-evenly with `logLevels`). */
  levels?: number[];
  levelCount?: number;
  /** Space the default levels logarithmically above the minimum (good for Rosenbrock-like valleys). */
  logLevels?: boolean;
  /** Polylines drawn on top, e.g. optimizer trajectories. */
  paths?: Series[];
}

/** Options of {@link panel}: plots per row and a title. */
export interface PanelOptions {
  /** Plots per row (default: all in one row). */
  columns?: number;
  title?: string;
}

/** Tableau-10 colors: distinct and colorblind-friendly enough for a handful of series. */
export const palette = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const MARGIN = { left: 70, right: 20, top: 40, bottom: 55 };
const FONT = `font-family="sans-serif"`;

/** Escapes text for use in SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function fmt(v: number): string {
  // Two decimals are enough for pixel coordinates and keep files small.
  return (Math.round(v * 100) / 100).toString();
}

function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}" ${FONT} ${attrs}>${escapeXml(content)}</text>`;
}

/** Estimated width of a text run: about 0.6 em per character in a sans-serif font (bold a little wider). */
function textWidth(content: string, size: number, bold = false): number {
  return content.length * size * (bold ? 0.64 : 0.6);
}

/** Centered text, its font shrunk (to 9 px at least) so that it fits `maxWidth`, and cut with "…" if even that is too wide. */
function fittedText(cx: number, y: number, content: string, maxWidth: number, size: number, extra = "", bold = false): string {
  let px = size;
  if (textWidth(content, px, bold) > maxWidth) px = Math.max(9, Math.floor((maxWidth / textWidth(content, 1, bold)) * 10) / 10);
  let shown = content;
  while (shown.length > 1 && textWidth(shown, px, bold) > maxWidth) shown = shown.slice(0, -2) + "…";
  return text(cx, y, shown, `font-size="${px}" text-anchor="middle"${bold ? ` font-weight="bold"` : ""}${extra}`);
}

/**
 * A bold title centered over an image `width` wide, in the 34 pixels above the plot: one line when it
 * fits (font shrunk to 12 px at most), else two lines split at the space nearest the middle.
 */
function title(width: number, content: string, size: number): string[] {
  const room = width - 16;
  if (textWidth(content, Math.min(size, 12), true) <= room) {
    const px = Math.min(size, Math.floor((room / textWidth(content, 1, true)) * 10) / 10);
    return [text(width / 2, 24, content, `font-size="${px}" text-anchor="middle" font-weight="bold"`)];
  }
  const spaces = [...content.matchAll(/ /g)].map((m) => m.index!);
  if (spaces.length === 0) return [fittedText(width / 2, 24, content, room, 12, "", true)];
  const cut = spaces.reduce((best, i) => (Math.abs(i - content.length / 2) < Math.abs(best - content.length / 2) ? i : best));
  return [fittedText(width / 2, 15, content.slice(0, cut), room, 12, "", true), fittedText(width / 2, 30, content.slice(cut + 1), room, 12, "", true)];
}

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`niceTicks: range must be finite, got [${lo}, ${hi}]`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}

function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return Number(v.toPrecision(6)).toString();
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Range of the positive finite values for a log axis: their extent, the decade around a single value, or [1, 10] when no value is finite. */
function logExtent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [1, 10];
  if (lo === hi) {
    const decade = Math.floor(Math.log10(lo));
    return [10 ** decade, 10 ** (decade + 1)];
  }
  return [lo, hi];
}

function seriesX(s: Series): number[] {
  const n = s.y.length;
  if (s.x === undefined) return Array.from({ length: n }, (_, i) => i);
  if (s.x.length !== n) {
    throw new Error(`plot: series "${s.name}" has ${s.x.length} x values but ${n} y values`);
  }
  return Array.from(s.x);
}

/** Maps data coordinates to pixels inside the plot area, and draws the frame, ticks and labels. */
class Axes {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly xRange: [number, number],
    readonly yRange: [number, number],
    readonly logY: boolean,
    readonly logX = false,
    /** Pixels kept free right of the plot area (for a legend placed outside it). */
    readonly reserveRight = 0,
  ) {
    this.left = MARGIN.left;
    this.right = width - MARGIN.right - reserveRight;
    this.top = MARGIN.top;
    this.bottom = height - MARGIN.bottom;
  }

  px(x: number): number {
    const [a, b] = this.logX ? [Math.log10(this.xRange[0]), Math.log10(this.xRange[1])] : this.xRange;
    const v = this.logX ? Math.log10(x) : x;
    return this.left + ((v - a) / (b - a)) * (this.right - this.left);
  }

  py(y: number): number {
    const [a, b] = this.logY ? [Math.log10(this.yRange[0]), Math.log10(this.yRange[1])] : this.yRange;
    const v = this.logY ? Math.log10(y) : y;
    return this.bottom - ((v - a) / (b - a)) * (this.bottom - this.top);
  }

  draw(opts: AxesOptions): string[] {
    const out: string[] = [];
    const { left, right, top, bottom } = this;
    const xLog = this.logX ? logTicks(this.xRange) : null;
    const yLog = this.logY ? logTicks(this.yRange) : null;
    const xTicks = xLog ? xLog.major : niceTicks(this.xRange[0], this.xRange[1], 7).filter((t) => t >= this.xRange[0] && t <= this.xRange[1]);
    const yTicks = yLog ? yLog.major : niceTicks(this.yRange[0], this.yRange[1], 6).filter((t) => t >= this.yRange[0] && t <= this.yRange[1]);
    for (const t of xLog?.minor ?? []) out.push(`<line class="minor-tick" x1="${fmt(this.px(t))}" y1="${bottom}" x2="${fmt(this.px(t))}" y2="${bottom + 3}" stroke="black"/>`);
    for (const t of yLog?.minor ?? []) out.push(`<line class="minor-tick" x1="${left - 3}" y1="${fmt(this.py(t))}" x2="${left}" y2="${fmt(this.py(t))}" stroke="black"/>`);
    for (const t of xTicks) {
      const x = this.px(t);
      out.push(`<line x1="${fmt(x)}" y1="${top}" x2="${fmt(x)}" y2="${bottom}" stroke="#eee"/>`);
      out.push(`<line x1="${fmt(x)}" y1="${bottom}" x2="${fmt(x)}" y2="${bottom + 5}" stroke="black"/>`);
      out.push(text(x, bottom + 18, tickLabel(t), `font-size="11" text-anchor="middle"`));
    }
    for (const t of yTicks) {
      const y = this.py(t);
      out.push(`<line x1="${left}" y1="${fmt(y)}" x2="${right}" y2="${fmt(y)}" stroke="#eee"/>`);
      out.push(`<line x1="${left - 5}" y1="${fmt(y)}" x2="${left}" y2="${fmt(y)}" stroke="black"/>`);
      out.push(text(left - 8, y + 4, tickLabel(t), `font-size="11" text-anchor="end"`));
    }
    out.push(`<rect class="frame" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="black"/>`);
    if (opts.title) out.push(...title(this.width, opts.title, 15));
    if (opts.xLabel) out.push(fittedText((left + right) / 2, this.height - 14, opts.xLabel, this.width - 16, 13));
    if (opts.yLabel) {
      const cy = (top + bottom) / 2;
      out.push(fittedText(16, cy, opts.yLabel, Math.min(this.height - 16, 2 * Math.min(cy, this.height - cy) - 8), 13, ` transform="rotate(-90 16 ${fmt(cy)})"`));
    }
    return out;
  }
}

/**
 * Ticks of a log axis over a positive range: labelled powers of ten (every k-th when there are more
 * than 8 decades), plus 2× and 5× when fewer than three powers of ten fall inside (and every
 * integer multiple when even those are fewer than three); unlabelled minor ticks at 2–9 × 10^k.
 */
export function logTicks([lo, hi]: [number, number]): { major: number[]; minor: number[] } {
  const within = (t: number) => t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9);
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const multiples = (ms: number[]) => {
    const out: number[] = [];
    for (let k = a; k <= b; k++) for (const m of ms) out.push(Number((m * 10 ** k).toPrecision(12)));
    return out.filter(within);
  };
  const stride = Math.max(1, Math.ceil((b - a) / 8));
  let major: number[] = [];
  for (let k = a; k <= b; k++) if ((k - a) % stride === 0) major.push(10 ** k);
  major = major.filter(within);
  if (major.length < 3) major = multiples([1, 2, 5]);
  if (major.length < 3) major = multiples([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const minor = b - a > 12 ? [] : multiples([1, 2, 3, 4, 5, 6, 7, 8, 9]).filter((t) => !major.includes(t));
  return { major, minor };
}

function makeAxes(series: Series[], opts: AxesOptions, padFraction = 0, reserveRight = 0): Axes {
  const width = (opts.width ?? 640) + reserveRight;
  const height = opts.height ?? 420;
  const xs: number[] = [];
  const ys: number[] = [];
  let droppedX = false;
  let droppedY = false;
  for (const s of series) {
    const x = seriesX(s);
    for (let i = 0; i < s.y.length; i++) {
      const y = s.y[i]!;
      if (opts.logY && y <= 0) droppedY = true;
      if (opts.logX && x[i]! <= 0) droppedX = true;
      if ((opts.logY && !(y > 0)) || (opts.logX && !(x[i]! > 0))) continue;
      xs.push(x[i]!);
      ys.push(y);
    }
  }
  const finite = (v: number[]) => v.some((t) => Number.isFinite(t));
  if (!opts.xRange && droppedX && !finite(xs)) throw new Error("plot: logX needs a positive x range, but no x value is positive");
  if (!opts.yRange && droppedY && !finite(ys)) throw new Error("plot: logY needs a positive y range, but no y value is positive");
  let xRange = opts.xRange ?? (opts.logX ? logExtent(xs) : extent(xs));
  let yRange = opts.yRange ?? (opts.logY ? logExtent(ys) : extent(ys));
  if (opts.logY) {
    if (!(yRange[0] > 0)) throw new Error(`plot: logY needs a positive y range, got [${yRange[0]}, ${yRange[1]}]`);
    if (yRange[0] === yRange[1]) yRange = [yRange[0] / 2, yRange[1] * 2];
  } else if (!opts.yRange && padFraction > 0) {
    const pad = (yRange[1] - yRange[0]) * padFraction;
    yRange = [yRange[0] - pad, yRange[1] + pad];
  }
  if (opts.logX) {
    if (!(xRange[0] > 0)) throw new Error(`plot: logX needs a positive x range, got [${xRange[0]}, ${xRange[1]}]`);
    if (xRange[0] === xRange[1]) xRange = [xRange[0] / 2, xRange[1] * 2];
  } else if (!opts.xRange && padFraction > 0) {
    const pad = (xRange[1] - xRange[0]) * padFraction;
    xRange = [xRange[0] - pad, xRange[1] + pad];
  }
  return new Axes(width, height, xRange, yRange, opts.logY ?? false, opts.logX ?? false, reserveRight);
}

type Corner = NonNullable<AxesOptions["legendPosition"]>;
const CORNERS: Corner[] = ["top-right", "top-left", "bottom-right", "bottom-left"];

/** What a plot draws in pixels: polyline runs and markers (with their radius). */
interface Marks {
  runs: [number, number][][];
  points: [number, number, number][];
}

function legendSize(series: Series[]): { width: number; height: number } {
  return { width: Math.max(90, 40 + 6.5 * Math.max(...series.map((s) => s.name.length))), height: series.length * 17 + 6 };
}

function cornerBox(axes: Axes, corner: Corner, size: { width: number; height: number }): { x: number; y: number } {
  return {
    x: corner.endsWith("left") ? axes.left + 6 : axes.right - size.width - 6,
    y: corner.startsWith("top") ? axes.top + 6 : axes.bottom - size.height - 6,
  };
}

/** Whether segment (x1, y1)–(x2, y2) meets the box (Liang–Barsky clipping). */
function segmentMeetsBox(x1: number, y1: number, x2: number, y2: number, box: { x0: number; y0: number; x1: number; y1: number }): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - box.x0], [dx, box.x1 - x1], [-dy, y1 - box.y0], [dy, box.y1 - y1]] as const) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** How many marks a box at (x, y) of `size` (plus a 4-pixel margin) would cover. */
function marksUnder(marks: Marks, x: number, y: number, size: { width: number; height: number }): number {
  const box = { x0: x - 4, y0: y - 4, x1: x + size.width + 4, y1: y + size.height + 4 };
  let hits = 0;
  for (const run of marks.runs) {
    for (let i = 0; i < run.length; i++) {
      const [ax, ay] = run[i]!;
      const [bx, by] = run[Math.min(i + 1, run.length - 1)]!;
      if (segmentMeetsBox(ax, ay, bx, by, box)) hits++;
    }
  }
  for (const [px, py, r] of marks.points) if (px + r >= box.x0 && px - r <= box.x1 && py + r >= box.y0 && py - r <= box.y1) hits++;
  return hits;
}

/**
 * Where the legend goes: the asked corner when `position` is given; otherwise the first corner
 * (top-right, top-left, bottom-right, bottom-left) where it covers no plotted mark, or — when every
 * corner would hide data — outside the plot area, right of it ("outside").
 */
function legendPlacement(axes: Axes, series: Series[], marks: Marks, position: Corner | undefined): Corner | "outside" {
  if (position !== undefined) return position;
  const size = legendSize(series);
  for (const corner of CORNERS) {
    const { x, y } = cornerBox(axes, corner, size);
    if (marksUnder(marks, x, y, size) === 0) return corner;
  }
  return "outside";
}

/** Pixels an outside legend needs right of the plot area. */
function outsideReserve(series: Series[]): number {
  return legendSize(series).width + 12;
}

function legend(axes: Axes, series: Series[], kind: "line" | "marker", placement: Corner | "outside"): string[] {
  const { x, y } = placement === "outside" ? { x: axes.right + 12, y: axes.top } : cornerBox(axes, placement, legendSize(series));
  return legendAt(x, y, series, kind);
}

/** A legend box with its top-left corner at (boxX, boxY). */
function legendAt(boxX: number, boxY: number, series: Series[], kind: "line" | "marker"): string[] {
  const out: string[] = [];
  const size = legendSize(series);
  const x = boxX + 8;
  let y = boxY + 12;
  out.push(`<g class="legend">`);
  out.push(`<rect x="${fmt(boxX)}" y="${fmt(boxY)}" width="${fmt(size.width)}" height="${size.height}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length]!;
    if (kind === "line") {
      const dash = s.dashed ? ` stroke-dasharray="5,3"` : "";
      out.push(`<line x1="${fmt(x)}" y1="${fmt(y)}" x2="${fmt(x + 22)}" y2="${fmt(y)}" stroke="${color}" stroke-width="2"${dash}/>`);
    } else {
      out.push(`<circle cx="${fmt(x + 11)}" cy="${fmt(y)}" r="4" fill="${color}"/>`);
    }
    out.push(text(x + 28, y + 4, s.name, `font-size="11"`));
    y += 17;
  });
  out.push(`</g>`);
  return out;
}

/** The pixel runs of a series: a NaN, or a non-positive value on a log axis, breaks the line. */
function seriesRuns(axes: Axes, s: Series, logY: boolean): [number, number][][] {
  const x = seriesX(s);
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (let i = 0; i < s.y.length; i++) {
    const y = s.y[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(x[i]!) || (logY && !(y > 0)) || (axes.logX && !(x[i]! > 0))) {
      if (run.length > 0) runs.push(run);
      run = [];
      continue;
    }
    run.push([axes.px(x[i]!), axes.py(y)]);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function polyline(axes: Axes, s: Series, color: string, logY: boolean): string[] {
  const dash = s.dashed ? ` stroke-dasharray="5,3"` : "";
  return seriesRuns(axes, s, logY).map(
    (run) => `<polyline fill="none" stroke="${color}" stroke-width="1.6"${dash} points="${run.map(([px, py]) => `${fmt(px)},${fmt(py)}`).join(" ")}"/>`,
  );
}

/** Line plot of one or more series, with axes, ticks and a legend. */
export function linePlot(opts: LinePlotOptions): string {
  if (opts.series.length === 0) throw new Error("linePlot: needs at least one series");
  let axes = makeAxes(opts.series, opts);
  const showLegend = opts.legend ?? true;
  let placement: Corner | "outside" = "top-right";
  if (showLegend) {
    const marks: Marks = { runs: opts.series.flatMap((s) => seriesRuns(axes, s, opts.logY ?? false)), points: [] };
    placement = legendPlacement(axes, opts.series, marks, opts.legendPosition);
    if (placement === "outside") axes = makeAxes(opts.series, opts, 0, outsideReserve(opts.series));
  }
  const body = axes.draw(opts);
  body.push(`<g clip-path="url(#plot-area)">`);
  opts.series.forEach((s, i) => {
    body.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    body.push(...polyline(axes, s, s.color ?? palette[i % palette.length]!, opts.logY ?? false));
    body.push(`</g>`);
  });
  body.push(`</g>`);
  const clip = `<defs><clipPath id="plot-area"><rect x="${axes.left}" y="${axes.top}" width="${axes.right - axes.left}" height="${axes.bottom - axes.top}"/></clipPath></defs>`;
  if (showLegend) body.push(...legend(axes, opts.series, "line", placement));
  return svgDocument(axes.width, axes.height, [clip, ...body]);
}

/** Scatter plot: one marker per (x, y) point, colored per series. */
export function scatter(opts: ScatterOptions): string {
  if (opts.series.length === 0) throw new Error("scatter: needs at least one series");
  const r = opts.radius ?? 3;
  const pointsOf = (axes: Axes): [number, number, number][] =>
    opts.series.flatMap((s) => {
      const x = seriesX(s);
      const pts: [number, number, number][] = [];
      for (let j = 0; j < s.y.length; j++) {
        const y = s.y[j]!;
        if (!Number.isFinite(y) || !Number.isFinite(x[j]!) || (opts.logY && !(y > 0)) || (opts.logX && !(x[j]! > 0))) continue;
        pts.push([axes.px(x[j]!), axes.py(y), r]);
      }
      return pts;
    });
  let axes = makeAxes(opts.series, opts, 0.04);
  const showLegend = opts.legend ?? true;
  let placement: Corner | "outside" = "top-right";
  if (showLegend) {
    placement = legendPlacement(axes, opts.series, { runs: [], points: pointsOf(axes) }, opts.legendPosition);
    if (placement === "outside") axes = makeAxes(opts.series, opts, 0.04, outsideReserve(opts.series));
  }
  const body = axes.draw(opts);
  opts.series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length]!;
    const x = seriesX(s);
    body.push(`<g class="series" data-name="${escapeXml(s.name)}" fill="${color}" fill-opacity="0.8">`);
    for (let j = 0; j < s.y.length; j++) {
      const y = s.y[j]!;
      if (!Number.isFinite(y) || !Number.isFinite(x[j]!) || (opts.logY && !(y > 0)) || (opts.logX && !(x[j]! > 0))) continue;
      body.push(`<circle cx="${fmt(axes.px(x[j]!))}" cy="${fmt(axes.py(y))}" r="${r}"/>`);
    }
    body.push(`</g>`);
    if (s.labels) {
      // each label beside its point, on the side towards the plot's centre so it stays inside
      const middle = (axes.left + axes.right) / 2;
      for (let j = 0; j < Math.min(s.labels.length, s.y.length); j++) {
        const y = s.y[j]!;
        if (!Number.isFinite(y) || !Number.isFinite(x[j]!) || (opts.logY && !(y > 0)) || (opts.logX && !(x[j]! > 0))) continue;
        const px = axes.px(x[j]!), py = axes.py(y);
        const left = px > middle;
        body.push(text(left ? px - r - 2 : px + r + 2, py - r, s.labels[j]!, `font-size="10" fill="${color}"${left ? ` text-anchor="end"` : ""}`));
      }
    }
  });
  if (showLegend) body.push(...legend(axes, opts.series, "marker", placement));
  return svgDocument(axes.width, axes.height, body);
}

// Viridis sampled at 9 points (matplotlib's colormap); intermediate colors are interpolated linearly.
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

function interpolate(stops: [number, number, number][], t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** The color of `t ∈ [0, 1]` on a scale, as `rgb(r,g,b)`. */
export function colorAt(scale: ColorScale, t: number): string {
  let rgb: [number, number, number];
  if (scale === "viridis") rgb = interpolate(VIRIDIS, t);
  else if (scale === "gray") rgb = interpolate([[255, 255, 255], [20, 20, 20]], t);
  else rgb = interpolate([[33, 102, 172], [247, 247, 247], [178, 24, 43]], t);
  return `rgb(${rgb.map((c) => Math.round(c)).join(",")})`;
}

function luminance(scale: ColorScale, t: number): number {
  const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(colorAt(scale, t))!;
  return 0.299 * Number(m[1]) + 0.587 * Number(m[2]) + 0.114 * Number(m[3]);
}

/** Heatmap of a matrix with optional per-cell text (values, arrows), tick labels and a color bar. */
export function heatmap(opts: HeatmapOptions): string {
  const { values } = opts;
  const rows = values.length;
  if (rows === 0 || values[0]!.length === 0) throw new Error("heatmap: values must be a non-empty 2-D array");
  const cols = values[0]!.length;
  values.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`heatmap: row ${i} has ${row.length} values, expected ${cols}`);
  });
  if (opts.labels && (opts.labels.length !== rows || opts.labels.some((r) => r.length !== cols))) {
    throw new Error(`heatmap: labels must have the same shape as values [${rows}, ${cols}]`);
  }
  const scale = opts.colorScale ?? "viridis";
  let [lo, hi] = extent(values.flat());
  if (scale === "diverging" && lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    [lo, hi] = [-m, m];
  }
  lo = opts.vmin ?? lo;
  hi = opts.vmax ?? hi;
  const span = hi - lo || 1;
  const cell = opts.cellSize ?? Math.max(8, Math.min(60, Math.floor(520 / Math.max(rows, cols))));
  const showBar = opts.colorBar ?? true;
  const left = 70;
  const top = 40;
  const gridW = cols * cell;
  const gridH = rows * cell;
  const paths = (opts.paths ?? []).map((p, i) => ({ ...p, color: p.color ?? palette[i % palette.length]! }));
  const legendWidth = paths.length > 0 ? legendSize(paths).width + 12 : 0;
  const width = left + gridW + (showBar ? 90 : 20) + legendWidth;
  const height = top + gridH + 55;
  const body: string[] = [];
  const origin = opts.origin ?? "upper";
  const rowY = (r: number): number => (origin === "upper" ? top + r * cell : top + (rows - 1 - r) * cell);
  const digits = opts.digits ?? 1;
  const fontSize = Math.max(7, Math.min(14, Math.floor(cell / 3.2)));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r]![c]!;
      const t = (v - lo) / span;
      const fill = Number.isFinite(v) ? colorAt(scale, t) : "#ccc";
      const x = left + c * cell;
      const y = rowY(r);
      body.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}"><title>${escapeXml(`[${r},${c}] ${v}`)}</title></rect>`);
      const label = opts.labels ? opts.labels[r]![c]! : opts.showValues ? v.toFixed(digits) : "";
      if (label !== "") {
        const ink = Number.isFinite(v) && luminance(scale, t) < 128 ? "white" : "black";
        body.push(text(x + cell / 2, y + cell / 2 + fontSize / 3, label, `font-size="${fontSize}" text-anchor="middle" fill="${ink}"`));
      }
    }
  }
  body.push(`<rect x="${left}" y="${top}" width="${gridW}" height="${gridH}" fill="none" stroke="black"/>`);
  // Tick labels: every column/row when they fit, otherwise a stride.
  const stride = Math.max(1, Math.ceil(14 / cell));
  for (let c = 0; c < cols; c += stride) {
    const label = opts.xTickLabels?.[c] ?? String(c);
    body.push(text(left + c * cell + cell / 2, top + gridH + 15, label, `font-size="10" text-anchor="middle"`));
  }
  for (let r = 0; r < rows; r += stride) {
    const label = opts.yTickLabels?.[r] ?? String(r);
    body.push(text(left - 6, rowY(r) + cell / 2 + 4, label, `font-size="10" text-anchor="end"`));
  }
  if (opts.title) body.push(...title(width, opts.title, 15));
  if (opts.xLabel) body.push(fittedText(left + gridW / 2, height - 12, opts.xLabel, Math.min(width - 16, 2 * Math.min(left + gridW / 2, width - left - gridW / 2) - 8), 13));
  if (opts.yLabel) {
    const cy = top + gridH / 2;
    body.push(fittedText(16, cy, opts.yLabel, Math.min(height - 16, 2 * Math.min(cy, height - cy) - 8), 13, ` transform="rotate(-90 16 ${fmt(cy)})"`));
  }
  if (showBar) {
    const bx = left + gridW + 20;
    const steps = 40;
    const bh = gridH / steps;
    for (let i = 0; i < steps; i++) {
      const t = 1 - (i + 0.5) / steps;
      body.push(`<rect x="${bx}" y="${fmt(top + i * bh)}" width="14" height="${fmt(bh + 0.5)}" fill="${colorAt(scale, t)}"/>`);
    }
    body.push(`<rect x="${bx}" y="${top}" width="14" height="${gridH}" fill="none" stroke="black"/>`);
    body.push(text(bx + 18, top + 10, tickLabel(Number(hi.toPrecision(4))), `font-size="10"`));
    body.push(text(bx + 18, top + gridH, tickLabel(Number(lo.toPrecision(4))), `font-size="10"`));
  }
  if (paths.length > 0) {
    const cx = (col: number) => left + (col + 0.5) * cell;
    const cy = (row: number) => (origin === "upper" ? top + (row + 0.5) * cell : top + (rows - 1 - row + 0.5) * cell);
    for (const p of paths) {
      const xs = seriesX(p);
      const pts = xs.map((x, i) => [cx(x), cy(p.y[i]!)] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      if (pts.length === 0) continue;
      const dash = p.dashed ? ` stroke-dasharray="5,3"` : "";
      body.push(`<g class="series" data-name="${escapeXml(p.name)}">`);
      body.push(`<polyline fill="none" stroke="${p.color}" stroke-width="2.5" stroke-linejoin="round"${dash} points="${pts.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(" ")}"/>`);
      body.push(`<circle cx="${fmt(pts[0]![0])}" cy="${fmt(pts[0]![1])}" r="4" fill="${p.color}" stroke="white"/>`);
      const [ex, ey] = pts.at(-1)!;
      body.push(`<rect x="${fmt(ex - 4)}" y="${fmt(ey - 4)}" width="8" height="8" fill="${p.color}" stroke="white"/>`);
      body.push(`</g>`);
    }
    // The cells fill the grid, so the legend goes right of it (and of the color bar).
    const at = { x: width - legendWidth + 6, y: top };
    body.push(...legendAt(at.x, at.y, paths, "line"));
  }
  return svgDocument(width, height, body);
}

/**
 * Contour lines of f(x, y) on a grid (marching squares), optionally with paths drawn on top — e.g.
 * optimizer trajectories on the Rosenbrock function.
 */
export function contour(opts: ContourOptions): string {
  let xs: number[];
  let ys: number[];
  let grid: number[][];
  if (opts.values) {
    if (!opts.xs || !opts.ys) throw new Error("contour: values need their grid coordinates xs and ys");
    xs = opts.xs;
    ys = opts.ys;
    grid = opts.values;
    if (grid.length !== ys.length || grid.some((row) => row.length !== xs.length)) {
      throw new Error(`contour: values must have shape [ys.length=${ys.length}, xs.length=${xs.length}]`);
    }
  } else if (opts.f) {
    if (!opts.xRange || !opts.yRange) throw new Error("contour: sampling f needs xRange and yRange");
    const n = opts.resolution ?? 80;
    const lin = ([a, b]: [number, number]): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
    xs = lin(opts.xRange);
    ys = lin(opts.yRange);
    grid = ys.map((y) => xs.map((x) => opts.f!(x, y)));
  } else {
    throw new Error("contour: pass either f (with xRange, yRange) or values (with xs, ys)");
  }
  const [zLo, zHi] = extent(grid.flat());
  let levels = opts.levels;
  if (!levels) {
    const count = opts.levelCount ?? 12;
    if (opts.logLevels) {
      // Levels zLo + 10^k spaced evenly in k, dense near the minimum where valleys live.
      const a = Math.log10(Math.max((zHi - zLo) * 1e-4, 1e-12));
      const b = Math.log10(zHi - zLo);
      levels = Array.from({ length: count }, (_, i) => zLo + 10 ** (a + ((b - a) * (i + 0.5)) / count));
    } else {
      levels = Array.from({ length: count }, (_, i) => zLo + ((zHi - zLo) * (i + 0.5)) / count);
    }
  }
  // Paths take palette colors from the second on (the first is close to the contour colors); the legend shows the same.
  const paths = (opts.paths ?? []).map((s, i) => ({ ...s, color: s.color ?? palette[(i + 1) % palette.length]! }));
  const makeContourAxes = (reserve: number) =>
    new Axes((opts.width ?? 560) + reserve, opts.height ?? 460, opts.xRange ?? [xs[0]!, xs[xs.length - 1]!], opts.yRange ?? [ys[0]!, ys[ys.length - 1]!], false, false, reserve);
  let axes = makeContourAxes(0);
  const showLegend = paths.length > 0 && (opts.legend ?? true);
  let placement: Corner | "outside" = "top-right";
  if (showLegend) {
    // The paths' lines and their start/end markers are the data; contour lines are background.
    const marks: Marks = {
      runs: paths.flatMap((s) => seriesRuns(axes, s, false)),
      points: paths.flatMap((s) => seriesRuns(axes, s, false).flatMap((run) => [run[0]!, run.at(-1)!]).map(([x, y]) => [x, y, 4] as [number, number, number])),
    };
    placement = legendPlacement(axes, paths, marks, opts.legendPosition);
    if (placement === "outside") axes = makeContourAxes(outsideReserve(paths));
  }
  const body = axes.draw(opts);
  body.push(`<defs><clipPath id="contour-area"><rect x="${axes.left}" y="${axes.top}" width="${axes.right - axes.left}" height="${axes.bottom - axes.top}"/></clipPath></defs>`);
  body.push(`<g clip-path="url(#contour-area)">`);
  levels.forEach((level, k) => {
    const segments = marchingSquares(xs, ys, grid, level);
    if (segments.length === 0) return;
    const t = levels!.length === 1 ? 0.5 : k / (levels!.length - 1);
    const d = segments
      .map(([x1, y1, x2, y2]) => `M${fmt(axes.px(x1))},${fmt(axes.py(y1))}L${fmt(axes.px(x2))},${fmt(axes.py(y2))}`)
      .join("");
    body.push(`<path class="contour" data-level="${level}" d="${d}" fill="none" stroke="${colorAt("viridis", t)}" stroke-width="1"/>`);
  });
  paths.forEach((s, i) => {
    const color = s.color;
    body.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    body.push(...polyline(axes, s, color, false));
    const x = seriesX(s);
    if (s.y.length > 0) {
      body.push(`<circle cx="${fmt(axes.px(x[0]!))}" cy="${fmt(axes.py(s.y[0]!))}" r="3.5" fill="${color}"/>`);
      const last = s.y.length - 1;
      body.push(`<rect x="${fmt(axes.px(x[last]!) - 3.5)}" y="${fmt(axes.py(s.y[last]!) - 3.5)}" width="7" height="7" fill="${color}"/>`);
    }
    body.push(`</g>`);
  });
  body.push(`</g>`);
  if (showLegend) body.push(...legend(axes, paths, "line", placement));
  return svgDocument(axes.width, axes.height, body);
}

/** Line segments [x1, y1, x2, y2] where the linearly interpolated grid surface z[i][j] = f(xs[j], ys[i]) crosses `level` (marching squares). */
export function marchingSquares(xs: number[], ys: number[], z: number[][], level: number): [number, number, number, number][] {
  const segs: [number, number, number, number][] = [];
  const lerp = (a: number, b: number, za: number, zb: number): number => (za === zb ? (a + b) / 2 : a + ((level - za) / (zb - za)) * (b - a));
  for (let i = 0; i + 1 < ys.length; i++) {
    for (let j = 0; j + 1 < xs.length; j++) {
      const z00 = z[i]![j]!;
      const z01 = z[i]![j + 1]!;
      const z11 = z[i + 1]![j + 1]!;
      const z10 = z[i + 1]![j]!;
      if (![z00, z01, z11, z10].every(Number.isFinite)) continue;
      // Crossing points on the four cell edges (bottom, right, top, left in grid order).
      const pts: [number, number][] = [];
      const x0 = xs[j]!, x1 = xs[j + 1]!, y0 = ys[i]!, y1 = ys[i + 1]!;
      if (z00 < level !== z01 < level) pts.push([lerp(x0, x1, z00, z01), y0]);
      if (z01 < level !== z11 < level) pts.push([x1, lerp(y0, y1, z01, z11)]);
      if (z10 < level !== z11 < level) pts.push([lerp(x0, x1, z10, z11), y1]);
      if (z00 < level !== z10 < level) pts.push([x0, lerp(y0, y1, z00, z10)]);
      // Two crossings: one segment; four (a saddle): pair them in order, which is one valid resolution.
      if (pts.length >= 2) segs.push([pts[0]![0], pts[0]![1], pts[1]![0], pts[1]![1]]);
      if (pts.length === 4) segs.push([pts[2]![0], pts[2]![1], pts[3]![0], pts[3]![1]]);
    }
  }
  return segs;
}

/** Reads the width and height attributes of an SVG produced by this module. */
function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("panel: each plot must be an <svg> with width and height attributes");
  return [Number(m[1]), Number(m[2])];
}

/** Lays several plots out in a grid in one SVG (e.g. a sequence of policies). */
export function panel(plots: string[], opts: PanelOptions = {}): string {
  if (plots.length === 0) throw new Error("panel: needs at least one plot");
  const columns = Math.max(1, opts.columns ?? plots.length);
  const sizes = plots.map(svgSize);
  const cellW = Math.max(...sizes.map((s) => s[0]));
  const cellH = Math.max(...sizes.map((s) => s[1]));
  const titleH = opts.title ? 34 : 0;
  const rowsN = Math.ceil(plots.length / columns);
  const width = cellW * Math.min(columns, plots.length);
  const height = titleH + cellH * rowsN;
  const body: string[] = [];
  if (opts.title) body.push(...title(width, opts.title, 17));
  plots.forEach((svg, i) => {
    const x = (i % columns) * cellW;
    const y = titleH + Math.floor(i / columns) * cellH;
    // Nested <svg> with its own coordinates; ids are suffixed so clip paths stay distinct.
    const inner = svg
      .replace(/^<svg /, `<svg x="${x}" y="${y}" `)
      .replace(/id="([\w-]+)"/g, `id="$1-${i}"`)
      .replace(/url\(#([\w-]+)\)/g, `url(#$1-${i})`);
    body.push(inner.trimEnd());
  });
  return svgDocument(width, height, body);
}

/** Options of `graphPlot`: title, image size, node positions, the edges, node groups (colours) and their names, highlighted nodes, labels and node radius. */
export interface GraphPlotOptions {
  title?: string;
  /** Pixel size of the whole image; defaults to 640 × 480. */
  width?: number;
  height?: number;
  /** Each node's position [x, y] in any units (scaled to fit; y grows upwards). */
  positions: readonly (readonly [number, number])[];
  /** Edges as pairs of node indices (drawn once each; give undirected edges in one direction). */
  edges: readonly (readonly [number, number])[];
  /** Each node's group (0, 1, …): its fill color, the palette entry of that index. */
  groups: ArrayLike<number>;
  /** Legend text of each group (default "group 0", "group 1", …). */
  groupNames?: string[];
  /** Nodes drawn with a thick black ring, and the legend text of that ring. */
  highlight?: ArrayLike<boolean>;
  highlightName?: string;
  /** Text drawn inside each node (default: the node index). */
  labels?: string[];
  /** Node radius in pixels (default 9). */
  radius?: number;
}

/** A node-link drawing of a graph: edges as gray lines, nodes as circles colored by group, a legend right of the drawing. */
export function graphPlot(opts: GraphPlotOptions): string {
  const N = opts.positions.length;
  if (N === 0) throw new Error("graphPlot: needs at least one node");
  if (opts.groups.length !== N) throw new Error(`graphPlot: ${N} positions but ${opts.groups.length} groups`);
  if (opts.highlight !== undefined && opts.highlight.length !== N) throw new Error(`graphPlot: ${N} positions but ${opts.highlight.length} highlight flags`);
  for (const [i, j] of opts.edges) {
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < N && j < N)) throw new Error(`graphPlot: edge (${i}, ${j}) is out of range for ${N} nodes`);
  }
  const width = opts.width ?? 640, height = opts.height ?? 480, r = opts.radius ?? 9;
  const numGroups = Math.max(...Array.from(opts.groups)) + 1;
  const series: Series[] = Array.from({ length: numGroups }, (_, g) => ({ name: opts.groupNames?.[g] ?? `group ${g}`, y: [], color: palette[g % palette.length]! }));
  const keyed = opts.highlight !== undefined && Array.from(opts.highlight).some(Boolean);
  const legendEntries = keyed ? [...series, { name: opts.highlightName ?? "highlighted", y: [], color: "#000" }] : series;
  const legendBox = legendSize(legendEntries);
  const area = { left: 12 + r, right: width - legendBox.width - 24 - r, top: (opts.title ? 40 : 12) + r, bottom: height - 12 - r };
  const xs = opts.positions.map((p) => p[0]), ys = opts.positions.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  // one scale for both axes, so the drawing keeps its proportions
  const scale = Math.min((area.right - area.left) / (x1 - x0 || 1), (area.bottom - area.top) / (y1 - y0 || 1));
  const cx = (area.left + area.right) / 2, cy = (area.top + area.bottom) / 2;
  const px = (i: number): number => cx + (xs[i]! - (x0 + x1) / 2) * scale;
  const py = (i: number): number => cy - (ys[i]! - (y0 + y1) / 2) * scale;
  const body: string[] = [];
  if (opts.title) body.push(...title(width, opts.title, 15));
  body.push(`<g class="edges" stroke="#999" stroke-width="1" stroke-opacity="0.7">`);
  for (const [i, j] of opts.edges) body.push(`<line x1="${fmt(px(i))}" y1="${fmt(py(i))}" x2="${fmt(px(j))}" y2="${fmt(py(j))}"/>`);
  body.push(`</g>`);
  series.forEach((s, g) => {
    body.push(`<g class="series" data-name="${escapeXml(s.name)}" fill="${s.color}">`);
    for (let i = 0; i < N; i++) {
      if (opts.groups[i] !== g) continue;
      const ring = opts.highlight?.[i] ? ` stroke="#000" stroke-width="3"` : ` stroke="#fff" stroke-width="1"`;
      body.push(`<circle cx="${fmt(px(i))}" cy="${fmt(py(i))}" r="${r}"${ring}/>`);
    }
    body.push(`</g>`);
  });
  const labelSize = Math.max(6, Math.min(10, r));
  body.push(`<g class="labels">`);
  for (let i = 0; i < N; i++) body.push(text(px(i), py(i) + labelSize * 0.35, opts.labels?.[i] ?? String(i), `font-size="${labelSize}" text-anchor="middle" fill="#fff"`));
  body.push(`</g>`);
  const lx = width - legendBox.width - 12, ly = (opts.title ? 40 : 12);
  const legendOut = legendAt(lx, ly, legendEntries, "marker");
  if (keyed) {
    // the ring entry: an open black circle
    const last = legendOut.findLastIndex((l) => l.startsWith("<circle"));
    legendOut[last] = legendOut[last]!.replace(`fill="#000"`, `fill="none" stroke="#000" stroke-width="2.5"`);
  }
  body.push(...legendOut);
  return svgDocument(width, height, body);
}
