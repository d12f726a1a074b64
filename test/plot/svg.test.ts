import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contour, escapeXml, heatmap, linePlot, marchingSquares, niceTicks, panel, scatter } from "../../src/plot/svg.js";
import { savePlot } from "../../src/plot/savePlot.js";

/** A minimal XML well-formedness check: tags balance and every attribute is quoted. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith("<svg")).toBe(true);
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(svg)) !== null) {
    // Text between tags must not contain a raw "<" or an unescaped "&".
    const between = svg.slice(consumed, m.index);
    expect(between).not.toMatch(/<|&(?!amp;|lt;|gt;|quot;|apos;)/);
    consumed = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(svg.slice(consumed).trim()).toBe("");
  expect(stack).toEqual([]);
}

describe("svg plots", () => {
  it("niceTicks picks 1-2-5 steps that cover the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
  });

  it("linePlot is well-formed XML with one polyline per series, title and legend names (escaped)", () => {
    const svg = linePlot({
      title: "Reward <avg> & more",
      xLabel: "step",
      yLabel: "reward",
      series: [
        { name: "ε=0.1", y: [0, 1, 2, 1.5] },
        { name: "greedy", x: [0, 1, 2, 3], y: [0, 0.5, 0.7, Number.NaN] },
      ],
    });
    expectWellFormed(svg);
    expect(svg).toContain("Reward &lt;avg&gt; &amp; more");
    expect(svg.match(/<polyline/g)?.length).toBe(2);
    expect(svg).toContain(`data-name="ε=0.1"`);
    expect(svg).toContain(">greedy</text>");
  });

  it("logY drops non-positive values and puts ticks at powers of ten", () => {
    const svg = linePlot({ series: [{ name: "loss", y: [100, 10, 1, 0.1, 0, -1] }], logY: true });
    expectWellFormed(svg);
    expect(svg).toContain(">100</text>");
    expect(svg).toContain(">0.1</text>");
    expect(svg.match(/<polyline/g)?.length).toBe(1);
  });

  it("logY with one point, or with no positive finite value, still draws (a decade around the point, or 1 to 10)", () => {
    // backprop-by-hand --epochs 1 plots one loss value; optim-es with a tiny budget plots only Infinity.
    const one = linePlot({ series: [{ name: "loss", y: [0.3] }], logY: true });
    expectWellFormed(one);
    expect(one).toContain(">0.1</text>");
    expect(one).toContain(">1</text>");
    expectWellFormed(linePlot({ series: [{ name: "f", x: [0, 1], y: [Infinity, Infinity] }], logY: true }));
    expectWellFormed(linePlot({ series: [{ name: "a", x: [3], y: [2] }], logX: true }));
    expect(() => linePlot({ series: [{ name: "a", y: [1, 2] }], logY: true, yRange: [0, 1] })).toThrow(/logY needs a positive y range/);
  });

  it("logX puts ticks at powers of ten and places the legend where asked", () => {
    const svg = linePlot({ series: [{ name: "a", x: [1, 10, 100, 1000], y: [1, 2, 3, 4] }], logX: true, legendPosition: "bottom-left" });
    expectWellFormed(svg);
    expect(svg).toContain(">1000</text>");
    // The x ticks 1, 10, 100, 1000 are evenly spaced on a log axis.
    const xs = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-family="sans-serif" font-size="11" text-anchor="middle">(1|10|100|1000)</g)].map((m) => Number(m[1]));
    expect(xs.length).toBe(4);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[3]! - xs[2]!, 1);
    expect(() => linePlot({ series: [{ name: "a", x: [-1, 0], y: [1, 2] }], logX: true })).toThrow(/logX needs a positive x range/);
  });

  it("mismatched x and y lengths are an error naming the series", () => {
    expect(() => linePlot({ series: [{ name: "bad", x: [1, 2], y: [1, 2, 3] }] })).toThrow(/"bad" has 2 x values but 3 y values/);
  });

  it("heatmap draws one rect per cell plus its labels, and checks shapes", () => {
    const svg = heatmap({ values: [[1, 2, 3], [4, 5, 6]], labels: [["a", "b", "c"], ["d", "e", "<f>"]], title: "H" });
    expectWellFormed(svg);
    expect(svg.match(/<title>\[/g)?.length).toBe(6);
    expect(svg).toContain("&lt;f&gt;");
    expect(() => heatmap({ values: [[1, 2], [3]] })).toThrow(/row 1 has 1 values, expected 2/);
  });

  it("scatter draws one circle per finite point", () => {
    const svg = scatter({ series: [{ name: "pts", x: [0, 1, 2], y: [3, Number.NaN, 5] }] });
    expectWellFormed(svg);
    expect(svg.match(/<circle cx/g)?.length).toBe(2 + 1); // two points + the legend marker
  });

  it("contour draws one path per crossed level and overlays the trajectories", () => {
    const svg = contour({
      f: (x, y) => x * x + y * y,
      xRange: [-2, 2],
      yRange: [-2, 2],
      levels: [1],
      resolution: 41,
      paths: [{ name: "gd", x: [1.5, 0.5, 0], y: [1.5, 0.4, 0] }],
    });
    expectWellFormed(svg);
    expect(svg.match(/class="contour"/g)?.length).toBe(1);
    expect(svg).toContain(`data-name="gd"`);
  });

  it("marchingSquares segments of x²+y² = 1 lie on the unit circle (to grid resolution)", () => {
    const xs = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);
    const z = xs.map((y) => xs.map((x) => x * x + y * y));
    const segs = marchingSquares(xs, xs, z, 1);
    // The circle crosses about 2π / 0.1 ≈ 63 cells; each crossing cell gives one segment.
    expect(segs.length).toBeGreaterThan(50);
    for (const [x1, y1, x2, y2] of segs) {
      // Linear interpolation of a quadratic over a 0.1 cell is off by at most h²/4 / (2r) ≈ 0.0025·... < 0.01.
      expect(Math.abs(Math.hypot(x1, y1) - 1)).toBeLessThan(0.01);
      expect(Math.abs(Math.hypot(x2, y2) - 1)).toBeLessThan(0.01);
    }
  });

  it("panel nests plots and keeps their ids distinct", () => {
    const a = linePlot({ series: [{ name: "a", y: [1, 2] }] });
    const svg = panel([a, a], { columns: 2, title: "two" });
    expectWellFormed(svg);
    expect(svg).toContain(`id="plot-area-0"`);
    expect(svg).toContain(`id="plot-area-1"`);
  });

  it("savePlot writes the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "plot-"));
    const path = savePlot(join(dir, "sub", "p.svg"), linePlot({ series: [{ name: "a", y: [1, 2] }] }));
    expect(readFileSync(path, "utf8")).toContain("<polyline");
    expect(() => savePlot(join(dir, "x.svg"), "hello")).toThrow(/expected an SVG/);
  });

  it("escapeXml escapes the five XML specials", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  });
});
