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

export interface LinePlotOptions extends AxesOptions {
  series: Series[];
}

export interface ScatterOptions extends AxesOptions {
  series: Series[];
  /** Marker radius in pixels (default 3). */
  radius?: number;
}

/** Color scales: sequential `viridis`, `gray` (white → black), and `diverging` (blue → white → red, centred on 0 when the data straddle it). */
export type ColorScale = "viridis" | "gray" | "diverging";

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
}

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
  ) {
    this.left = MARGIN.left;
    this.right = width - MARGIN.right;
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
    const xTicks = this.logX ? logTicks(this.xRange) : niceTicks(this.xRange[0], this.xRange[1], 7).filter((t) => t >= this.xRange[0] && t <= this.xRange[1]);
    const yTicks = this.logY ? logTicks(this.yRange) : niceTicks(this.yRange[0], this.yRange[1], 6).filter((t) => t >= this.yRange[0] && t <= this.yRange[1]);
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
    out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="black"/>`);
    if (opts.title) out.push(text(this.width / 2, 24, opts.title, `font-size="15" text-anchor="middle" font-weight="bold"`));
    if (opts.xLabel) out.push(text((left + right) / 2, this.height - 14, opts.xLabel, `font-size="13" text-anchor="middle"`));
    if (opts.yLabel) {
      const cy = (top + bottom) / 2;
      out.push(text(16, cy, opts.yLabel, `font-size="13" text-anchor="middle" transform="rotate(-90 16 ${fmt(cy)})"`));
    }
    return out;
  }
}

/** Powers of ten inside a positive range (at most about 8 of them). */
function logTicks([lo, hi]: [number, number]): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const stride = Math.max(1, Math.ceil((b - a) / 8));
  const ticks: number[] = [];
  for (let k = a; k <= b; k += stride) ticks.push(10 ** k);
  return ticks.filter((t) => t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9));
}

function makeAxes(series: Series[], opts: AxesOptions, padFraction = 0): Axes {
  const width = opts.width ?? 640;
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
  return new Axes(width, height, xRange, yRange, opts.logY ?? false, opts.logX ?? false);
}

function legend(axes: Axes, series: Series[], kind: "line" | "marker", position: AxesOptions["legendPosition"] = "top-right"): string[] {
  const out: string[] = [];
  const width = Math.max(90, 40 + 6.5 * Math.max(...series.map((s) => s.name.length)));
  const height = series.length * 17 + 6;
  const boxX = position.endsWith("left") ? axes.left + 6 : axes.right - width - 6;
  const boxY = position.startsWith("top") ? axes.top + 6 : axes.bottom - height - 6;
  const x = boxX + 8;
  let y = boxY + 12;
  out.push(`<rect x="${fmt(boxX)}" y="${fmt(boxY)}" width="${fmt(width)}" height="${height}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length]!;
    if (kind === "line") {
      const dash = s.dashed ? ` stroke-dasharray="5,3"` : "";
      out.push(`<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`);
    } else {
      out.push(`<circle cx="${x + 11}" cy="${y}" r="4" fill="${color}"/>`);
    }
    out.push(text(x + 28, y + 4, s.name, `font-size="11"`));
    y += 17;
  });
  return out;
}

function polyline(axes: Axes, s: Series, color: string, logY: boolean): string[] {
  const x = seriesX(s);
  const out: string[] = [];
  const dash = s.dashed ? ` stroke-dasharray="5,3"` : "";
  let points: string[] = [];
  const flush = (): void => {
    if (points.length > 0) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6"${dash} points="${points.join(" ")}"/>`);
    }
    points = [];
  };
  for (let i = 0; i < s.y.length; i++) {
    const y = s.y[i]!;
    // A gap (NaN, or a non-positive value on a log axis) breaks the line.
    if (!Number.isFinite(y) || !Number.isFinite(x[i]!) || (logY && !(y > 0)) || (axes.logX && !(x[i]! > 0))) {
      flush();
      continue;
    }
    points.push(`${fmt(axes.px(x[i]!))},${fmt(axes.py(y))}`);
  }
  flush();
  return out;
}

/** Line plot of one or more series, with axes, ticks and a legend. */
export function linePlot(opts: LinePlotOptions): string {
  if (opts.series.length === 0) throw new Error("linePlot: needs at least one series");
  const axes = makeAxes(opts.series, opts);
  const body = axes.draw(opts);
  body.push(`<g clip-path="url(#plot-area)">`);
  opts.series.forEach((s, i) => {
    body.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    body.push(...polyline(axes, s, s.color ?? palette[i % palette.length]!, opts.logY ?? false));
    body.push(`</g>`);
  });
  body.push(`</g>`);
  const clip = `<defs><clipPath id="plot-area"><rect x="${axes.left}" y="${axes.top}" width="${axes.right - axes.left}" height="${axes.bottom - axes.top}"/></clipPath></defs>`;
  if (opts.legend ?? true) body.push(...legend(axes, opts.series, "line", opts.legendPosition));
  return svgDocument(axes.width, axes.height, [clip, ...body]);
}

/** Scatter plot: one marker per (x, y) point, colored per series. */
export function scatter(opts: ScatterOptions): string {
  if (opts.series.length === 0) throw new Error("scatter: needs at least one series");
  const axes = makeAxes(opts.series, opts, 0.04);
  const body = axes.draw(opts);
  const r = opts.radius ?? 3;
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
  });
  if (opts.legend ?? true) body.push(...legend(axes, opts.series, "marker", opts.legendPosition));
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
  const width = left + gridW + (showBar ? 90 : 20);
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
  if (opts.title) body.push(text(width / 2, 24, opts.title, `font-size="15" text-anchor="middle" font-weight="bold"`));
  if (opts.xLabel) body.push(text(left + gridW / 2, height - 12, opts.xLabel, `font-size="13" text-anchor="middle"`));
  if (opts.yLabel) {
    const cy = top + gridH / 2;
    body.push(text(16, cy, opts.yLabel, `font-size="13" text-anchor="middle" transform="rotate(-90 16 ${fmt(cy)})"`));
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
  const axes = new Axes(
    opts.width ?? 560,
    opts.height ?? 460,
    opts.xRange ?? [xs[0]!, xs[xs.length - 1]!],
    opts.yRange ?? [ys[0]!, ys[ys.length - 1]!],
    false,
  );
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
  const paths = opts.paths ?? [];
  paths.forEach((s, i) => {
    const color = s.color ?? palette[(i + 1) % palette.length]!;
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
  if (paths.length > 0 && (opts.legend ?? true)) body.push(...legend(axes, paths, "line", opts.legendPosition));
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
  if (opts.title) body.push(text(width / 2, 24, opts.title, `font-size="17" text-anchor="middle" font-weight="bold"`));
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
