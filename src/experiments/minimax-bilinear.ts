// Experiment: simultaneous GDA spirals out, alternating GDA cycles and optimistic GDA converges on f(x, y) = xy.

import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { bilinear, minimax, type MinimaxMethod } from "../optimize/minimax.js";
import { contour, linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

/**
 * min_x max_y xy from (1, 0.5) with step η = 0.1 for `epochs` iterations (default 1500): simultaneous GDA
 * (radius grows by √(1 + η²) per step), alternating GDA (stays on the ellipse x² − ηxy + y² = const) and
 * OGDA (converges to the equilibrium (0, 0)). Writes bilinear-paths.svg (paths over the contours of xy)
 * and bilinear-distance.svg (distance to (0, 0) per iteration). Deterministic; `seed` is unused.
 */
export const experiment: Experiment = {
  name: "minimax-bilinear",
  description: "GDA spirals out, alternating GDA cycles, optimistic GDA converges on min_x max_y xy",
  chapter: "games",
  options: { epochs: { description: "iterations of each method", default: 1500 }, lr: { description: "step size η of every method", default: 0.1, kind: "positive" } },
  run(opts: ExperimentOptions): ExperimentResult {
    const steps = opts.epochs ?? 1500;
    const eta = opts.lr ?? 0.1;
    const methods: [MinimaxMethod, string][] = [["gda", "simultaneous GDA"], ["alternating-gda", "alternating GDA"], ["ogda", "optimistic GDA"]];
    const runs = methods.map(([method, name]) => ({ name, r: minimax(bilinear, [1], [0.5], { method, lr: eta, maxIter: steps }) }));
    const result: ExperimentResult = {};
    for (const { name, r } of runs) {
      const d = Math.hypot(r.x[0]!, r.y[0]!);
      result[`${name.split(" ")[0]}-final-distance`] = d;
      opts.log(`${name.padEnd(17)} distance to (0, 0) after ${steps} steps: ${d.toExponential(3)}`);
    }
    const span = Math.min(6, Math.max(2, ...runs.flatMap(({ r }) => r.trajectory.map((z) => Math.max(Math.abs(z.x[0]!), Math.abs(z.y[0]!))))));
    savePlot(
      join(opts.outDir, "bilinear-paths.svg"),
      contour({
        title: `min_x max_y xy, η = ${eta}`, f: (x, y) => x * y, xRange: [-span, span], yRange: [-span, span], levelCount: 12,
        xLabel: "x (minimizer)", yLabel: "y (maximizer)",
        paths: runs.map(({ name, r }) => ({ name, x: r.trajectory.map((z) => z.x[0]!), y: r.trajectory.map((z) => z.y[0]!) })),
      }),
    );
    savePlot(
      join(opts.outDir, "bilinear-distance.svg"),
      linePlot({
        title: "Distance to the equilibrium (0, 0)", xLabel: "iteration", yLabel: "‖(x, y)‖", logY: true,
        series: runs.map(({ name, r }) => ({ name, y: r.trajectory.map((z) => Math.hypot(z.x[0]!, z.y[0]!)) })),
      }),
    );
    return result;
  },
};
