// Experiment: Monte Carlo ES on Blackjack (Sutton & Barto Example 5.3, Figure 5.2), checked against exact DP.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { Blackjack, blackjackModel, blackjackStateIndex, type BlackjackObs } from "../rl/envs/toytext/Blackjack.js";
import { stateIndexer } from "../rl/tabular/common.js";
import { mcControl } from "../rl/tabular/mcControl.js";
import { mcPrediction } from "../rl/tabular/mcPrediction.js";
import { qValueIteration } from "../rl/tabular/valueIteration.js";
import { heatmap, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const SUMS = Array.from({ length: 10 }, (_, i) => 12 + i); // rows: player sum 12..21
const DEALER = Array.from({ length: 10 }, (_, i) => 1 + i); // columns: dealer showing A..10
const DEALER_LABELS = ["A", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

/**
 * Figure 5.1: first-visit MC prediction of the policy "stick on 20 or 21" (500,000 episodes), and
 * Figure 5.2: Monte Carlo ES (`epochs` episodes, default 5,000,000) — its greedy policy and
 * v* = max_a Q, with and without a usable ace — next to the optimal policy from value iteration on
 * the exact Blackjack model. Options: `epochs`, `seed`. Writes prediction.svg, policy.svg, value.svg
 * and result.json; returns how many of the 200 states MC ES and DP disagree on.
 */
export const experiment: Experiment = {
  name: "blackjack-mc",
  description: "Sutton & Barto Figs 5.1-5.2: Blackjack MC prediction and Monte Carlo ES policy/value heatmaps vs exact DP",
  chapter: "tabular RL",
  options: {
    epochs: { description: "episodes of Monte Carlo ES", default: 5_000_000 },
    predictionEpisodes: { description: "episodes of the first-visit MC prediction of Figure 5.1", default: 500_000 },
  },
  quick: { predictionEpisodes: 1000 },
  run(opts: ExperimentOptions): ExperimentResult {
    const env = new Blackjack();
    const index = stateIndexer(env.observationSpace);
    const grid = (f: (state: BlackjackObs) => number, ace: number): number[][] => SUMS.map((sum) => DEALER.map((d) => f([sum, d, ace])));
    const common = { origin: "lower" as const, xLabel: "dealer showing", yLabel: "player sum", xTickLabels: DEALER_LABELS, yTickLabels: SUMS.map(String), cellSize: 34 };

    // Figure 5.1: the policy that sticks only on 20 or 21.
    const stickOn20 = (_: number, obs: BlackjackObs): number => (obs[0] >= 20 ? 0 : 1);
    const predictionEpisodes = opts.params?.predictionEpisodes ?? 500_000;
    const prediction = mcPrediction(env, stickOn20, { episodes: predictionEpisodes, seed: opts.seed });
    savePlot(
      join(opts.outDir, "prediction.svg"),
      panel(
        [1, 0].map((ace) =>
          heatmap({ ...common, values: grid((s) => prediction.V[index.index(s)]!, ace), title: `v_π, stick on 20/21, ${ace ? "usable ace" : "no usable ace"}`, colorScale: "viridis", vmin: -1, vmax: 1, showValues: true, digits: 2 }),
        ),
        { title: `Figure 5.1: MC prediction after ${predictionEpisodes.toLocaleString("en-US")} episodes` },
      ),
    );

    const episodes = opts.epochs ?? 5_000_000;
    const start = performance.now();
    const es = mcControl(env, { episodes, exploringStarts: true, startStates: Blackjack.decisionStates(), seed: opts.seed });
    opts.log(`Monte Carlo ES: ${episodes} episodes in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    const dp = qValueIteration(blackjackModel(), { gamma: 1 });

    const esAction = (s: BlackjackObs): number => (es.Q[index.index(s)]![0]! >= es.Q[index.index(s)]![1]! ? 0 : 1);
    const dpAction = (s: BlackjackObs): number => dp.policy[blackjackStateIndex(s)]!.indexOf(1);
    const disagreements = Blackjack.decisionStates().filter((s) => esAction(s) !== dpAction(s));
    for (const s of disagreements) {
      const q = dp.Q[blackjackStateIndex(s)]!;
      opts.log(`MC ES differs from DP at sum ${s[0]}, dealer ${s[1]}, usable ace ${s[2]}: q*(stick) − q*(hit) = ${(q[0]! - q[1]!).toFixed(4)}`);
    }
    const policyMap = (action: (s: BlackjackObs) => number, ace: number, title: string): string => {
      const values = grid(action, ace);
      return heatmap({ ...common, values, labels: values.map((row) => row.map((a) => (a === 0 ? "S" : "H"))), title, colorScale: "gray", vmin: -0.5, vmax: 1.5, colorBar: false });
    };
    savePlot(
      join(opts.outDir, "policy.svg"),
      panel(
        [
          policyMap(esAction, 1, "MC ES π*, usable ace"),
          policyMap(dpAction, 1, "DP π*, usable ace"),
          policyMap(esAction, 0, "MC ES π*, no usable ace"),
          policyMap(dpAction, 0, "DP π*, no usable ace"),
        ],
        { columns: 2, title: "Figure 5.2: optimal policy (S stick, H hit)" },
      ),
    );
    savePlot(
      join(opts.outDir, "value.svg"),
      panel(
        [1, 0].map((ace) =>
          heatmap({ ...common, values: grid((s) => Math.max(...es.Q[index.index(s)]!), ace), title: `v* (MC ES), ${ace ? "usable ace" : "no usable ace"}`, colorScale: "viridis", vmin: -1, vmax: 1, showValues: true, digits: 2 }),
        ),
        { title: "Figure 5.2: optimal state values" },
      ),
    );
    writeFileSync(
      join(opts.outDir, "result.json"),
      JSON.stringify({
        disagreements,
        mcEsPolicy: { usableAce: grid(esAction, 1), noUsableAce: grid(esAction, 0) },
        dpPolicy: { usableAce: grid(dpAction, 1), noUsableAce: grid(dpAction, 0) },
      }),
    );
    const valueError = Math.max(...Blackjack.decisionStates().map((s) => Math.abs(Math.max(...es.Q[index.index(s)]!) - dp.V[blackjackStateIndex(s)]!)));
    return { episodes, disagreementsWithDp: disagreements.length, maxValueErrorVsDp: valueError };
  },
};
