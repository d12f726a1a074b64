// Experiment: SARSA vs Q-learning on cliff walking (Sutton & Barto Example 6.6, Figure 6.4).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { CliffWalking } from "../rl/envs/toytext/CliffWalking.js";
import { GRID_ARROWS } from "../rl/envs/toytext/GridWorld5x5.js";
import type { ControlResult } from "../rl/tabular/common.js";
import { expectedSarsa } from "../rl/tabular/expectedSarsa.js";
import { qLearning } from "../rl/tabular/qLearning.js";
import { sarsa } from "../rl/tabular/sarsa.js";
import { heatmap, linePlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const RUNS = 50;

/** Follows the greedy policy from the start for at most 100 steps; returns the visited states. */
function greedyPath(policy: number[][]): number[] {
  const env = new CliffWalking();
  let [s] = env.reset();
  const path = [s];
  for (let t = 0; t < 100; t++) {
    const [next, , terminated] = env.step(policy[s]!.indexOf(1));
    path.push(next);
    s = next;
    if (terminated) break;
  }
  return path;
}

/**
 * ε = 0.1, α = 0.5, γ = 1 as in the book; `RUNS` = 50 independent runs of `epochs` episodes (default
 * 500) per method. Plots the sum of rewards per episode averaged over runs (Figure 6.4, with Expected
 * SARSA added) and, for run 0, each method's greedy path on the grid. Writes rewards.svg, paths.svg
 * and curves.json; returns the mean reward per episode over the last 400 episodes.
 */
export const experiment: Experiment = {
  name: "cliff-sarsa-vs-q",
  description: "Sutton & Barto Fig 6.4: SARSA vs Q-learning (and Expected SARSA) on cliff walking: rewards and learned paths",
  chapter: "tabular RL",
  options: { epochs: { description: "episodes per run (50 runs per method)", default: 500 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const episodes = opts.epochs ?? 500;
    const cfg = { episodes, alpha: 0.5, epsilon: 0.1 };
    const methods: [string, (seed: number) => ControlResult][] = [
      ["SARSA", (seed) => sarsa(new CliffWalking(), { ...cfg, seed })],
      ["Q-learning", (seed) => qLearning(new CliffWalking(), { ...cfg, seed })],
      ["Expected SARSA", (seed) => expectedSarsa(new CliffWalking(), { ...cfg, seed })],
    ];
    const curves: Record<string, number[]> = {};
    const firstRun: Record<string, ControlResult> = {};
    for (const [name, learn] of methods) {
      const sum = new Array<number>(episodes).fill(0);
      for (let run = 0; run < RUNS; run++) {
        const result = learn(opts.seed * 1000 + run);
        if (run === 0) firstRun[name] = result;
        result.episodeReturns.forEach((r, i) => (sum[i]! += r / RUNS));
      }
      curves[name] = sum;
    }
    // The book's curves are smoothed; a 10-episode moving average does the same here.
    const smooth = (xs: number[]): number[] => xs.map((_, i) => {
      const window = xs.slice(Math.max(0, i - 9), i + 1);
      return window.reduce((a, b) => a + b, 0) / window.length;
    });
    savePlot(
      join(opts.outDir, "rewards.svg"),
      linePlot({
        title: `Cliff walking: sum of rewards per episode (mean of ${RUNS} runs, 10-episode average)`,
        xLabel: "episode",
        yLabel: "sum of rewards during episode",
        yRange: [-100, 0],
        legendPosition: "bottom-right",
        series: Object.entries(curves).map(([name, ys]) => ({ name, y: smooth(ys) })),
      }),
    );

    const grids = Object.entries(firstRun).map(([name, result]) => {
      const path = greedyPath(result.policy);
      const values = Array.from({ length: 4 }, (_, r) =>
        Array.from({ length: 12 }, (_, c) => {
          const s = r * 12 + c;
          return CliffWalking.isCliff(s) ? -1 : path.includes(s) ? 1 : 0;
        }),
      );
      const labels = values.map((row, r) =>
        row.map((_, c) => {
          const s = r * 12 + c;
          if (s === CliffWalking.START) return "S";
          if (s === CliffWalking.GOAL) return "G";
          if (CliffWalking.isCliff(s)) return "cliff";
          return path.includes(s) ? GRID_ARROWS[result.policy[s]!.indexOf(1)]! : "";
        }),
      );
      return heatmap({ values, labels, title: `${name}: greedy path (${path.length - 1} steps)`, colorScale: "diverging", cellSize: 40, colorBar: false });
    });
    savePlot(join(opts.outDir, "paths.svg"), panel(grids, { columns: 1, title: "Learned greedy paths (run 0)" }));
    writeFileSync(join(opts.outDir, "curves.json"), JSON.stringify(curves));

    const late = (ys: number[]): number => ys.slice(100).reduce((a, b) => a + b, 0) / Math.max(1, ys.length - 100);
    for (const name of Object.keys(curves)) opts.log(`${name}: mean reward per episode after episode 100 = ${late(curves[name]!).toFixed(1)}`);
    return {
      sarsaMeanReward: late(curves["SARSA"]!),
      qLearningMeanReward: late(curves["Q-learning"]!),
      expectedSarsaMeanReward: late(curves["Expected SARSA"]!),
      qLearningPathLength: greedyPath(firstRun["Q-learning"]!.policy).length - 1,
      sarsaPathLength: greedyPath(firstRun["SARSA"]!.policy).length - 1,
    };
  },
};
