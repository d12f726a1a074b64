// Experiment: CFR, CFR+ and external-sampling MCCFR on Kuhn poker — exploitability and game value over iterations.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { KuhnPoker } from "../games/KuhnPoker.js";
import { cfr, type CFROptions, type CFRResult } from "../games/cfr.js";
import { linePlot, type Series } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const GAME_VALUE = -1 / 18; // Kuhn (1950)

/**
 * Runs four solvers on Kuhn poker and plots the exploitability (sum of both best-response values) of
 * their average strategies, and player 0's value, against iterations:
 *   - CFR with simultaneous updates (Zinkevich et al. 2007),
 *   - CFR with alternating updates,
 *   - CFR+ (Tammelin 2014),
 *   - MCCFR with external sampling (Lanctot et al. 2009), 20× the iterations (each is far cheaper).
 * Options: `epochs` = full-tree iterations (default 10,000); `seed` seeds MCCFR.
 * Writes exploitability.svg, value.svg, curves.json and strategy.json (the CFR+ average strategy).
 */
export const experiment: Experiment = {
  name: "kuhn-cfr",
  description: "CFR, CFR+ and external-sampling MCCFR on Kuhn poker: exploitability and value vs iterations (log scale)",
  chapter: "games",
  options: { epochs: { description: "full-tree iterations of CFR and CFR+ (external-sampling MCCFR gets 20× as many)", default: 10_000 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const iterations = opts.epochs ?? 10_000;
    const game = new KuhnPoker();
    const runs: { name: string; options: CFROptions }[] = [
      { name: "CFR (simultaneous)", options: { iterations, updates: "simultaneous" } },
      { name: "CFR (alternating)", options: { iterations } },
      { name: "CFR+", options: { iterations, variant: "cfr+" } },
      { name: "MCCFR (external sampling)", options: { iterations: 20 * iterations, sampling: "external", seed: opts.seed } },
    ];
    const results: { name: string; result: CFRResult; seconds: number }[] = [];
    for (const { name, options } of runs) {
      const start = performance.now();
      // About 200 evaluations per curve.
      const result = cfr(game, { ...options, evaluateEvery: Math.max(1, Math.floor(options.iterations / 200)) });
      const seconds = (performance.now() - start) / 1000;
      results.push({ name, result, seconds });
      opts.log(
        `${name}: ${options.iterations} iterations in ${seconds.toFixed(1)} s, exploitability ${result.exploitability.toExponential(3)}, ` +
          `value ${result.value.toFixed(6)} (−1/18 = ${GAME_VALUE.toFixed(6)})`,
      );
    }

    const exploitSeries: Series[] = results.map(({ name, result }) => ({
      name,
      x: result.history.iterations.map(Math.log10),
      y: result.history.exploitability,
    }));
    savePlot(
      join(opts.outDir, "exploitability.svg"),
      linePlot({
        title: "Kuhn poker: exploitability of the average strategy",
        xLabel: "log10(iteration)",
        yLabel: "exploitability (sum of best-response values)",
        logY: true,
        series: exploitSeries,
      }),
    );
    const valueSeries: Series[] = results.map(({ name, result }) => ({
      name,
      x: result.history.iterations.map(Math.log10),
      y: result.history.value,
    }));
    const allX = valueSeries.flatMap((s) => Array.from(s.x!));
    valueSeries.push({ name: "−1/18 (Kuhn 1950)", x: [Math.min(...allX), Math.max(...allX)], y: [GAME_VALUE, GAME_VALUE], dashed: true, color: "#000" });
    savePlot(
      join(opts.outDir, "value.svg"),
      linePlot({
        title: "Kuhn poker: player 0's value under the average strategy",
        xLabel: "log10(iteration)",
        yLabel: "expected value for player 0",
        yRange: [GAME_VALUE - 0.05, GAME_VALUE + 0.05],
        series: valueSeries,
      }),
    );
    writeFileSync(
      join(opts.outDir, "curves.json"),
      JSON.stringify(results.map(({ name, result, seconds }) => ({ name, seconds, ...result.history })), null, 1),
    );
    writeFileSync(join(opts.outDir, "strategy.json"), JSON.stringify(results[2]!.result.averageStrategy, null, 1));

    const metrics: ExperimentResult = { gameValue: GAME_VALUE };
    const keys = ["cfrSimultaneous", "cfrAlternating", "cfrPlus", "mccfrExternal"];
    results.forEach(({ result }, i) => {
      metrics[`${keys[i]}Exploitability`] = result.exploitability;
      metrics[`${keys[i]}Value`] = result.value;
    });
    return metrics;
  },
};
