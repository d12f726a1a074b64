// Plot layout, checked on the SVG structure: text stays inside the view box, legends never cover plotted marks, log axes have a tick per decade.
import { describe, expect, it } from "vitest";
import { contour, heatmap, linePlot, logTicks, panel, scatter } from "../../src/plot/svg.js";
import { layoutProblems, segmentHitsBox, svgGeometry } from "./svgGeometry.js";

const CLIFF_TITLE = "Cliff walking: sum of rewards per episode (mean of 50 runs, 10-episode average)";
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("the geometry reader used by these tests", () => {
  it("finds a text that sticks out, and a legend placed over a line", () => {
    const svg = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">`,
      `<text x="50" y="20" font-size="10" text-anchor="middle">${"x".repeat(30)}</text>`,
      `<rect class="frame" x="0" y="0" width="100" height="100"/>`,
      `<g class="series"><polyline points="0,0 100,100"/></g>`,
      `<g class="legend"><rect x="40" y="40" width="20" height="20"/></g>`,
      `</svg>`,
    ].join("\n");
    const problems = layoutProblems(svg);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/leaves the view box/);
    expect(problems[1]).toMatch(/covers 1 plotted marks/);
    expect(segmentHitsBox([0, 0, 10, 0], { x0: 20, y0: -1, x1: 30, y1: 1 })).toBe(false);
  });
});

describe("titles and labels fit the image", () => {
  it("a long title on a line plot, a narrow heatmap and a panel stays inside the view box", () => {
    const line = linePlot({ title: CLIFF_TITLE, xLabel: "episode", yLabel: "sum of rewards during episode (mean of 50 runs)", series: [{ name: "Q-learning", y: [-100, -50, -40] }] });
    expect(layoutProblems(line)).toEqual([]);
    const narrow = heatmap({ values: [[1, 2, 3], [4, 5, 6]], title: "Q-learning greedy path after 500 episodes (run 0)", cellSize: 30, xLabel: "column of the grid world", yLabel: "row" });
    expect(layoutProblems(narrow)).toEqual([]);
    const grids = panel([narrow, narrow], { columns: 1, title: `${CLIFF_TITLE} — and a panel title that is longer still than that` });
    expect(layoutProblems(grids)).toEqual([]);
  });

  it("the whole title is still there (shrunk or on two lines), not cut", () => {
    const texts = svgGeometry(linePlot({ title: CLIFF_TITLE, series: [{ name: "a", y: [1, 2] }] })).texts.map((t) => t.content);
    expect(texts.join(" ")).toContain(CLIFF_TITLE);
  });
});

describe("legends", () => {
  it("go to a free corner when the top-right one holds data", () => {
    // y = x fills the bottom-left and top-right corners; the top-left is empty.
    const svg = linePlot({ series: [{ name: "rising", x: range(50), y: range(50) }, { name: "also rising", x: range(50), y: range(50).map((v) => v * 0.9) }] });
    expect(layoutProblems(svg)).toEqual([]);
    const { plots } = svgGeometry(svg);
    expect(plots[0]!.legend!.x0).toBeLessThan(plots[0]!.frame!.x0 + 20);
    expect(plots[0]!.legend!.y0).toBeLessThan(plots[0]!.frame!.y0 + 20);
  });

  it("go outside the plot area, widening the image, when every corner holds data", () => {
    // A zigzag through all four corners and the middle.
    const x = [0, 1, 0, 1, 0.5, 0, 1], y = [0, 1, 1, 0, 0.5, 0.5, 0.5];
    const svg = linePlot({ series: [{ name: "zigzag through every corner", x, y }], width: 640 });
    expect(layoutProblems(svg)).toEqual([]);
    const g = svgGeometry(svg);
    expect(g.width).toBeGreaterThan(640);
    expect(g.plots[0]!.legend!.x0).toBeGreaterThan(g.plots[0]!.frame!.x1);
    expect(g.plots[0]!.legend!.x1).toBeLessThanOrEqual(g.width);
  });

  it("of scatter plots avoid the points, and of contour plots the paths", () => {
    const grid = range(400).map((i) => [(i % 20) / 19, Math.floor(i / 20) / 19]);
    const dense = scatter({ series: [{ name: "a", x: grid.map((p) => p[0]!), y: grid.map((p) => p[1]!) }, { name: "b", x: [0.5], y: [0.5] }] });
    expect(layoutProblems(dense)).toEqual([]);
    const paths = contour({
      f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
      xRange: [-2, 2],
      yRange: [-1, 3],
      resolution: 30,
      paths: [
        { name: "through the top right", x: [-1.2, 0, 1.9], y: [1, 1.5, 2.9] },
        { name: "through the top left", x: [-1.9, -1, 1], y: [2.9, 1, 1] },
        { name: "bottom right", x: [1.9, 1], y: [-0.9, 1] },
        { name: "bottom left", x: [-1.9, 1], y: [-0.9, 1] },
      ],
    });
    expect(layoutProblems(paths)).toEqual([]);
  });

  it("of contour plots show each path in the color it is drawn with", () => {
    const svg = contour({ f: (x, y) => x * x + y * y, xRange: [-1, 1], yRange: [-1, 1], resolution: 11, paths: [{ name: "p", x: [0, 0.1], y: [0, 0.1] }, { name: "q", x: [0.2, 0.3], y: [0, 0] }] });
    for (const name of ["p", "q"]) {
      const drawn = new RegExp(`data-name="${name}">\\s*<polyline fill="none" stroke="([^"]+)"`).exec(svg)![1];
      const shown = new RegExp(`<line [^>]*stroke="([^"]+)"[^>]*/>\\s*<text [^>]*>${name}</text>`).exec(svg)![1];
      expect(shown, name).toBe(drawn);
    }
  });

  it("stay where asked when legendPosition is given", () => {
    const svg = linePlot({ series: [{ name: "a", x: [0, 1], y: [0, 1] }], legendPosition: "bottom-right" });
    const { plots } = svgGeometry(svg);
    expect(plots[0]!.legend!.x1).toBeGreaterThan(plots[0]!.frame!.x1 - 20);
    expect(plots[0]!.legend!.y1).toBeGreaterThan(plots[0]!.frame!.y1 - 20);
  });
});

describe("paths over a heatmap", () => {
  it("are drawn through the cell centers (x = column, y = row), with the legend right of the grid, clear of the marks", () => {
    const values = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];
    const svg = heatmap({ values, cellSize: 40, title: "a walk over the grid", paths: [{ name: "agent", x: [0, 1, 2, 3], y: [2, 2, 1, 0] }] });
    expect(layoutProblems(svg)).toEqual([]);
    // The heatmap's cells: 40 px squares from (70, 40); cell (row r, column c) is centered at (90 + 40c, 60 + 40r).
    const { plots } = svgGeometry(svg);
    expect(plots[0]!.segments[0]).toEqual([90, 140, 130, 140]);
    expect(plots[0]!.segments.at(-1)).toEqual([170, 100, 210, 60]);
    expect(plots[0]!.legend!.x0).toBeGreaterThan(70 + 4 * 40);
    const lower = svgGeometry(heatmap({ values, cellSize: 40, origin: "lower", paths: [{ name: "agent", x: [0], y: [0] }] }));
    expect(lower.plots[0]!.points[0]).toEqual([90, 140]); // row 0 at the bottom
  });
});

describe("log axes", () => {
  it("label every decade over a wide range, with minor ticks 2–9 between", () => {
    const { major, minor } = logTicks([1e-3, 1e3]);
    expect(major).toEqual([1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]);
    expect(minor).toHaveLength(6 * 8);
    expect(minor).toContain(0.002);
    expect(minor).toContain(900);
  });

  it("label 1-2-5 (or every integer multiple) when the range holds fewer than three powers of ten", () => {
    expect(logTicks([0.2, 0.9]).major).toEqual([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(logTicks([0.15, 12]).major).toEqual([0.2, 0.5, 1, 2, 5, 10]);
    const svg = linePlot({ series: [{ name: "loss", y: [0.9, 0.5, 0.3, 0.2] }], logY: true });
    const labels = svgGeometry(svg).texts.map((t) => t.content);
    for (const v of ["0.2", "0.3", "0.5", "0.9"]) expect(labels).toContain(v);
  });

  it("keep at most about 8 labels over very many decades", () => {
    expect(logTicks([1e-12, 1e12]).major.length).toBeLessThanOrEqual(9);
  });
});
