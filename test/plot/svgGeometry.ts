// Reads the geometry of the SVGs src/plot draws: text boxes, legend boxes and plotted marks, in the coordinates of the outermost viewBox.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface SvgGeometry {
  width: number;
  height: number;
  texts: { content: string; box: Box }[];
  /** One per plot: its legend box (if any), its frame and its marks. */
  plots: { frame: Box | null; legend: Box | null; segments: [number, number, number, number][]; points: [number, number][] }[];
}

/**
 * Average advance of a sans-serif glyph as a fraction of the font size: Helvetica/Arial average about
 * 0.5 em over English text (digits are 0.556 em), so 0.55 is a fair estimate of a text's width.
 */
export const EM_PER_CHAR = 0.55;

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const num = (tag: string, name: string, fallback = 0): number => Number(attr(tag, name) ?? fallback);
const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** Parses an SVG produced by src/plot (nested <svg x y> panels, <text>, g.legend, g.series, rect.frame). */
export function svgGeometry(svg: string): SvgGeometry {
  const root = /<svg[^>]*>/.exec(svg)![0];
  const out: SvgGeometry = { width: num(root, "width"), height: num(root, "height"), texts: [], plots: [] };
  const offsets: [number, number][] = [];
  const groups: string[] = [];
  let plot: SvgGeometry["plots"][number] | null = null;
  const tags = /<(\/?)(svg|g|text|rect|polyline|circle|path)\b([^>]*?)(\/?)>([^<]*)/g;
  let m: RegExpExecArray | null;
  while ((m = tags.exec(svg)) !== null) {
    const [, closing, name, rest, selfClosing, after] = m;
    const tag = ` ${rest}`;
    const [ox, oy] = offsets.reduce(([a, b], [c, d]) => [a + c, b + d], [0, 0]);
    if (name === "svg") {
      if (closing) {
        offsets.pop();
      } else {
        offsets.push(offsets.length === 0 ? [0, 0] : [num(tag, "x"), num(tag, "y")]);
        plot = { frame: null, legend: null, segments: [], points: [] };
        out.plots.push(plot);
      }
      continue;
    }
    if (name === "g") {
      if (closing) groups.pop();
      else if (!selfClosing) groups.push(attr(tag, "class") ?? "");
      continue;
    }
    if (closing || !plot) continue;
    if (name === "text") {
      const size = num(tag, "font-size", 16);
      const content = unescape(after!);
      const width = content.length * EM_PER_CHAR * size;
      const anchor = attr(tag, "text-anchor") ?? "start";
      const x = num(tag, "x") + ox;
      const y = num(tag, "y") + oy;
      const start = anchor === "middle" ? x - width / 2 : anchor === "end" ? x - width : x;
      const rotated = /rotate\(-90/.test(attr(tag, "transform") ?? "");
      // Rotated by −90° about (x, y): the run goes upwards from y, the glyphs stand left of x.
      const box = rotated
        ? { x0: x - 0.8 * size, x1: x + 0.25 * size, y0: y - (start - x) - width, y1: y - (start - x) }
        : { x0: start, x1: start + width, y0: y - 0.8 * size, y1: y + 0.25 * size };
      out.texts.push({ content, box });
    } else if (name === "rect") {
      const box = { x0: num(tag, "x") + ox, y0: num(tag, "y") + oy, x1: num(tag, "x") + ox + num(tag, "width"), y1: num(tag, "y") + oy + num(tag, "height") };
      if (groups.at(-1) === "legend" && plot.legend === null) plot.legend = box;
      else if (attr(tag, "class") === "frame") plot.frame = box;
      else if (groups.includes("series")) plot.points.push([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]);
    } else if (name === "circle" && groups.includes("series")) {
      plot.points.push([num(tag, "cx") + ox, num(tag, "cy") + oy]);
    } else if (name === "polyline" && groups.includes("series")) {
      const pts = (attr(tag, "points") ?? "").trim().split(/\s+/).filter(Boolean).map((p) => p.split(",").map(Number) as [number, number]);
      for (let i = 0; i + 1 < pts.length; i++) plot.segments.push([pts[i]![0] + ox, pts[i]![1] + oy, pts[i + 1]![0] + ox, pts[i + 1]![1] + oy]);
      if (pts.length === 1) plot.points.push([pts[0]![0] + ox, pts[0]![1] + oy]);
    }
  }
  return out;
}

const inside = (b: Box, x: number, y: number) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;

/** Whether the segment crosses the box (Liang–Barsky clipping). */
export function segmentHitsBox([x1, y1, x2, y2]: [number, number, number, number], b: Box): boolean {
  let t0 = 0, t1 = 1;
  const dx = x2 - x1, dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - b.x0], [dx, b.x1 - x1], [-dy, y1 - b.y0], [dy, b.y1 - y1]] as const) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/** Clips a segment to a box; null when it lies outside (marks are clipped to the plot frame when drawn). */
export function clipSegment(s: [number, number, number, number], b: Box): [number, number, number, number] | null {
  if (!segmentHitsBox(s, b)) return null;
  const [x1, y1, x2, y2] = s;
  let t0 = 0, t1 = 1;
  const dx = x2 - x1, dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - b.x0], [dx, b.x1 - x1], [-dy, y1 - b.y0], [dy, b.y1 - y1]] as const) {
    if (p === 0) continue;
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
  }
  return [x1 + t0 * dx, y1 + t0 * dy, x1 + t1 * dx, y1 + t1 * dy];
}

/** Problems a reader would see: text outside the image, legends over visible marks. */
export function layoutProblems(svg: string): string[] {
  const g = svgGeometry(svg);
  const problems: string[] = [];
  const view: Box = { x0: 0, y0: 0, x1: g.width, y1: g.height };
  for (const { content, box } of g.texts) {
    if (box.x0 < view.x0 - 0.5 || box.x1 > view.x1 + 0.5 || box.y0 < view.y0 - 0.5 || box.y1 > view.y1 + 0.5) {
      problems.push(`text "${content}" [${box.x0.toFixed(0)}, ${box.x1.toFixed(0)}] × [${box.y0.toFixed(0)}, ${box.y1.toFixed(0)}] leaves the view box ${g.width} × ${g.height}`);
    }
  }
  for (const plot of g.plots) {
    if (!plot.legend) continue;
    const legend = plot.legend;
    const visible = plot.segments.map((s) => (plot.frame ? clipSegment(s, plot.frame) : s)).filter((s): s is [number, number, number, number] => s !== null);
    const hits = visible.filter((s) => segmentHitsBox(s, legend)).length + plot.points.filter(([x, y]) => inside(legend, x, y)).length;
    if (hits > 0) problems.push(`legend box [${legend.x0.toFixed(0)}, ${legend.x1.toFixed(0)}] × [${legend.y0.toFixed(0)}, ${legend.y1.toFixed(0)}] covers ${hits} plotted marks`);
  }
  return problems;
}
