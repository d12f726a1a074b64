// Experiment: iterative policy evaluation on the 4×4 gridworld (Sutton & Barto Example 4.1, Figure 4.1).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { GridWorld4x4 } from "../rl/envs/toytext/GridWorld4x4.js";
import { GRID_ARROWS } from "../rl/envs/toytext/GridWorld5x5.js";
import { fromEnv } from "../rl/tabular/fromEnv.js";
import { policyEvaluation } from "../rl/tabular/policyEvaluation.js";
import { policyImprovement } from "../rl/tabular/policyIteration.js";
import { uniformPolicy } from "../rl/tabular/policies.js";
import { heatmap, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const SHOWN = [0, 1, 2, 3, 10];

/**
 * Figure 4.1: V_k of synchronous (two-array) iterative evaluation of the equiprobable random policy,
 * γ = 1, for k = 0, 1, 2, 3, 10 and ∞, next to the greedy policy w.r.t. each V_k (all greedy actions
 * shown). Takes no options. Writes sequence.svg and values.json; returns the sweeps to θ = 1e-4.
 */
export const experiment: Experiment = {
  name: "policy-evaluation-4x4",
  description: "Sutton & Barto Fig 4.1: V_k of iterative policy evaluation on the 4x4 gridworld and the greedy policies",
  chapter: "tabular RL",
  options: {},
  run(opts: ExperimentOptions): ExperimentResult {
    const mdp = fromEnv(new GridWorld4x4());
    const random = uniformPolicy(mdp.nS, mdp.nA);
    const snapshots = new Map<number, number[]>([[0, new Array<number>(16).fill(0)]]);
    const converged = policyEvaluation(mdp, random, {
      gamma: 1,
      theta: 1e-4,
      inPlace: false,
      onSweep: (V, k) => SHOWN.includes(k) && snapshots.set(k, V),
    });
    opts.log(`two-array evaluation converged (θ = 1e-4) after ${converged.sweeps} sweeps; V(1) = ${converged.V[1]!.toFixed(2)} (book −14)`);
    const rows: [string, number[]][] = [...snapshots.entries()].map(([k, V]) => [`k = ${k}`, V]);
    rows.push(["k = ∞", converged.V]);

    const grid = <T>(xs: T[]): T[][] => Array.from({ length: 4 }, (_, r) => xs.slice(r * 4, r * 4 + 4));
    const plots: string[] = [];
    for (const [label, V] of rows) {
      plots.push(heatmap({ values: grid(V), labels: grid(V.map((v) => v.toFixed(1))), title: `V_k, ${label}`, colorScale: "viridis", vmin: -22, vmax: 0, cellSize: 56, colorBar: false }));
      const greedy = policyImprovement(mdp, V, { gamma: 1, ties: "uniform", tolerance: 1e-9 });
      const arrows = greedy.map((probs, s) => (GridWorld4x4.TERMINAL_STATES.includes(s) ? "■" : probs.map((p, a) => (p > 0 ? GRID_ARROWS[a] : "")).join("")));
      plots.push(heatmap({ values: grid(V), labels: grid(arrows), title: `greedy w.r.t. V_k, ${label}`, colorScale: "gray", vmin: -40, vmax: 0, cellSize: 56, colorBar: false }));
    }
    savePlot(join(opts.outDir, "sequence.svg"), panel(plots, { columns: 2, title: "Figure 4.1: random-policy evaluation and greedy policies" }));
    writeFileSync(join(opts.outDir, "values.json"), JSON.stringify(Object.fromEntries(rows.map(([label, V]) => [label, grid(V)])), null, 1));
    return { sweepsToConverge: converged.sweeps, v1: converged.V[1]!, v3: converged.V[3]! };
  },
};
