// Experiment: policy iteration on Jack's car rental (Sutton & Barto Example 4.2, Figure 4.2).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { JacksCarRental } from "../rl/envs/toytext/JacksCarRental.js";
import { deterministicPolicy } from "../rl/tabular/policies.js";
import { policyIteration } from "../rl/tabular/policyIteration.js";
import { heatmap, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

/**
 * Figure 4.2: policy iteration from "never move cars" with γ = 0.9; shows π0 … π4 (cars moved from
 * the first location to the second, by cars at each location) and v_π4. Option: `theta` of the evaluations. Writes
 * policies.svg, value.svg and result.json.
 */
export const experiment: Experiment = {
  name: "jacks-car-rental",
  description: "Sutton & Barto Fig 4.2: policy iteration on Jack's car rental (policy sequence and final value heatmaps)",
  chapter: "tabular RL",
  options: { theta: { description: "accuracy θ of each policy evaluation (stop when no value changes by more in a sweep); larger is faster and coarser", default: 1e-7, kind: "positive" } },
  quick: { theta: 1 },
  run(opts: ExperimentOptions): ExperimentResult {
    const env = new JacksCarRental();
    const start = performance.now();
    const result = policyIteration(env.toMDP(), {
      gamma: 0.9,
      theta: opts.params?.theta ?? 1e-7,
      initialPolicy: deterministicPolicy(new Array<number>(env.nS).fill(env.maxMove), env.nA),
      onIteration: (_, V, k) => opts.log(`evaluated π${k}: V(20,20) = ${V[env.stateOf(20, 20)]!.toFixed(1)}`),
    });
    opts.log(`policy iteration stable after ${result.iterations} improvements in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    // Matrices indexed [n1][n2], drawn with n1 (first location) growing upwards as in the book.
    const byCars = (f: (s: number) => number): number[][] =>
      Array.from({ length: env.maxCars + 1 }, (_, n1) => Array.from({ length: env.maxCars + 1 }, (_, n2) => f(env.stateOf(n1, n2))));
    const ticks = Array.from({ length: env.maxCars + 1 }, (_, i) => String(i));
    const policyPlots = result.policies.map((policy, k) => {
      const moves = byCars((s) => env.moveOf(policy[s]!.indexOf(1)));
      return heatmap({
        values: moves,
        labels: moves.map((row) => row.map(String)),
        title: `π${k}`,
        colorScale: "diverging",
        vmin: -env.maxMove,
        vmax: env.maxMove,
        origin: "lower",
        cellSize: 20,
        xLabel: "# cars at second location",
        yLabel: "# cars at first location",
        xTickLabels: ticks,
        yTickLabels: ticks,
        colorBar: false,
      });
    });
    savePlot(join(opts.outDir, "policies.svg"), panel(policyPlots, { columns: 3, title: "Figure 4.2: policies (cars moved from first to second location)" }));
    const V = byCars((s) => result.V[s]!);
    savePlot(
      join(opts.outDir, "value.svg"),
      heatmap({ values: V, title: `v_π${result.iterations}`, origin: "lower", cellSize: 22, xLabel: "# cars at second location", yLabel: "# cars at first location", xTickLabels: ticks, yTickLabels: ticks }),
    );
    writeFileSync(
      join(opts.outDir, "result.json"),
      JSON.stringify({ policies: result.policies.map((p) => byCars((s) => env.moveOf(p[s]!.indexOf(1)))), V }, null, 0),
    );
    const flat = V.flat();
    return { improvements: result.iterations, v20_20: V[20]![20]!, v0_0: V[0]![0]!, vMax: Math.max(...flat), vMin: Math.min(...flat) };
  },
};
