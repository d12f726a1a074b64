// Experiment: state values of the 5×5 gridworld (Sutton & Barto Example 3.5) for the random and the optimal policy.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { GRID_ARROWS, GridWorld5x5 } from "../rl/envs/toytext/GridWorld5x5.js";
import { fromEnv } from "../rl/tabular/fromEnv.js";
import { evaluatePolicyExact } from "../rl/tabular/policyEvaluation.js";
import { uniformPolicy } from "../rl/tabular/policies.js";
import { valueIteration } from "../rl/tabular/valueIteration.js";
import { heatmap, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const SIZE = 5;
const GAMMA = 0.9;

/** Row-major grid of a per-state array. */
const toGrid = <T>(values: T[]): T[][] => Array.from({ length: SIZE }, (_, r) => values.slice(r * SIZE, (r + 1) * SIZE));

/**
 * Reproduces Figure 3.2 (v_π of the equiprobable random policy) and Figure 3.5 (v* and π*) with γ = 0.9:
 * v_π by solving the Bellman equation exactly, v* by value iteration. Takes no options.
 * Writes random-policy.svg, optimal.svg (values and optimal actions side by side) and values.json.
 */
export const experiment: Experiment = {
  name: "gridworld-values",
  description: "Sutton & Barto Figs 3.2 and 3.5: 5x5 gridworld values of the random and the optimal policy (heatmaps)",
  chapter: "tabular RL",
  options: {},
  run(opts: ExperimentOptions): ExperimentResult {
    const mdp = fromEnv(new GridWorld5x5());
    const vRandom = evaluatePolicyExact(mdp, uniformPolicy(mdp.nS, mdp.nA), { gamma: GAMMA });
    const optimal = valueIteration(mdp, { gamma: GAMMA, ties: "uniform" });
    opts.log(`v_random(A) = ${vRandom[GridWorld5x5.A]!.toFixed(1)} (book 8.8), v*(A) = ${optimal.V[GridWorld5x5.A]!.toFixed(1)} (book 24.4)`);

    const valueMap = (V: number[], title: string): string =>
      heatmap({ values: toGrid(V), labels: toGrid(V.map((v) => v.toFixed(1))), title, colorScale: "viridis", cellSize: 64, xLabel: "column", yLabel: "row" });
    savePlot(join(opts.outDir, "random-policy.svg"), valueMap(vRandom, "v_π, equiprobable random policy (γ = 0.9)"));
    const arrows = optimal.policy.map((probs) => probs.map((p, a) => (p > 0 ? GRID_ARROWS[a] : "")).join(""));
    const policyMap = heatmap({
      values: toGrid(optimal.V),
      labels: toGrid(arrows),
      title: "π* (all optimal actions)",
      colorScale: "viridis",
      cellSize: 64,
      colorBar: false,
    });
    savePlot(join(opts.outDir, "optimal.svg"), panel([valueMap(optimal.V, "v* (γ = 0.9)"), policyMap], { title: "Figure 3.5: optimal solution" }));
    writeFileSync(join(opts.outDir, "values.json"), JSON.stringify({ vRandom: toGrid(vRandom), vStar: toGrid(optimal.V), optimalActions: toGrid(arrows) }, null, 1));
    return {
      vRandomA: vRandom[GridWorld5x5.A]!,
      vRandomB: vRandom[GridWorld5x5.B]!,
      vStarA: optimal.V[GridWorld5x5.A]!,
      vStarB: optimal.V[GridWorld5x5.B]!,
      valueIterationSweeps: optimal.sweeps,
    };
  },
};
