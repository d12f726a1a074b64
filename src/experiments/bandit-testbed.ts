// Experiment: the 10-armed testbed (Sutton & Barto Figures 2.2, 2.3 and 2.4) — ε-greedy, optimistic greedy and UCB.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { EpsilonGreedy } from "../rl/bandits/EpsilonGreedy.js";
import { runTestbed } from "../rl/bandits/testbed.js";
import { UCB } from "../rl/bandits/UCB.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const RUNS = 2000;

/**
 * 2000 runs of 1000 pulls (as in the book) on the stationary 10-armed Gaussian testbed, comparing
 * greedy, ε = 0.01, ε = 0.1 (Figure 2.2), optimistic greedy with Q1 = 5, α = 0.1 (Figure 2.3) and UCB
 * with c = 2 (Figure 2.4). Options: `epochs` = pulls per run (default 1000), `seed`.
 * Writes average-reward.svg, optimal-action.svg and curves.json; returns each method's average
 * reward and % optimal action over the last 100 steps.
 */
export const experiment: Experiment = {
  name: "bandit-testbed",
  description: "Sutton & Barto Figs 2.2-2.4: 10-armed testbed, 2000 runs: ε-greedy, optimistic, UCB (reward and % optimal)",
  chapter: "tabular RL",
  options: { epochs: { description: "pulls per run (2000 runs per method)", default: 1000 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const steps = opts.epochs ?? 1000;
    const agents = {
      "greedy (ε = 0)": EpsilonGreedy.factory({ epsilon: 0 }),
      "ε = 0.01": EpsilonGreedy.factory({ epsilon: 0.01 }),
      "ε = 0.1": EpsilonGreedy.factory({ epsilon: 0.1 }),
      "optimistic greedy, Q1 = 5, α = 0.1": EpsilonGreedy.factory({ epsilon: 0, initialValue: 5, alpha: 0.1 }),
      "UCB, c = 2": UCB.factory({ c: 2 }),
    };
    const start = performance.now();
    const curves = runTestbed({ agents, runs: RUNS, steps, seed: opts.seed });
    opts.log(`${RUNS} runs × ${steps} steps × ${Object.keys(agents).length} methods in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    const x = Array.from({ length: steps }, (_, t) => t + 1);
    const names = Object.keys(curves);
    savePlot(
      join(opts.outDir, "average-reward.svg"),
      linePlot({
        title: `10-armed testbed: average reward (${RUNS} runs)`,
        xLabel: "steps",
        yLabel: "average reward",
        legendPosition: "bottom-right",
        series: names.map((name) => ({ name, x, y: curves[name]!.averageReward })),
      }),
    );
    savePlot(
      join(opts.outDir, "optimal-action.svg"),
      linePlot({
        title: `10-armed testbed: % optimal action (${RUNS} runs)`,
        xLabel: "steps",
        yLabel: "% optimal action",
        yRange: [0, 100],
        legendPosition: "bottom-right",
        series: names.map((name) => ({ name, x, y: curves[name]!.optimalFraction.map((f) => 100 * f) })),
      }),
    );
    writeFileSync(join(opts.outDir, "curves.json"), JSON.stringify(curves));

    const tail = (xs: number[]): number => xs.slice(-100).reduce((a, b) => a + b, 0) / Math.min(100, xs.length);
    const metrics: ExperimentResult = {};
    const keys = ["greedy", "eps001", "eps01", "optimistic", "ucb"];
    names.forEach((name, i) => {
      metrics[`${keys[i]}AverageReward`] = tail(curves[name]!.averageReward);
      metrics[`${keys[i]}OptimalFraction`] = tail(curves[name]!.optimalFraction);
      opts.log(`${name}: last-100 average reward ${tail(curves[name]!.averageReward).toFixed(3)}, optimal ${(100 * tail(curves[name]!.optimalFraction)).toFixed(1)}%`);
    });
    return metrics;
  },
};
