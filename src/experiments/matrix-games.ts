// Experiment: equilibria of the classic matrix games, and learning dynamics converging on rock-paper-scissors.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import {
  battleOfTheSexes, matchingPennies, prisonersDilemma, rockPaperScissors, stagHunt, type NormalFormGame,
} from "../games/NormalFormGame.js";
import { nash } from "../games/nash.js";
import { zeroSumNash } from "../games/zeroSumNash.js";
import { regretMatching } from "../games/regretMatching.js";
import { fictitiousPlay } from "../games/fictitiousPlay.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

const fmt = (v: number[]): string => `(${v.map((p) => (Math.abs(p) < 1e-12 ? "0" : p.toFixed(4))).join(", ")})`;

/**
 * Solves the catalogue games by support enumeration (and the zero-sum ones also by the LP), writing
 * equilibria.json and equilibria.md; then runs regret matching and fictitious play in self-play on
 * rock-paper-scissors from the pure profile (rock, rock) and plots the NashConv of their average
 * strategies (convergence.svg, log-log). Options: `epochs` = learning iterations (default 100,000).
 * Deterministic; `seed` is unused.
 */
export const experiment: Experiment = {
  name: "matrix-games",
  description: "Nash equilibria of classic matrix games (table) and regret-matching / fictitious-play convergence on RPS",
  chapter: "games",
  options: { epochs: { description: "self-play iterations of regret matching and fictitious play", default: 100_000 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const games: NormalFormGame[] = [rockPaperScissors(), matchingPennies(), battleOfTheSexes(), prisonersDilemma(), stagHunt()];
    const table: { game: string; row: number[]; column: number[]; values: [number, number] }[] = [];
    const lines = ["| game | actions | row strategy | column strategy | payoffs (row, column) | LP value (zero-sum) |", "|---|---|---|---|---|---|"];
    const metrics: ExperimentResult = {};
    for (const game of games) {
      const eqs = nash(game.A, game.B);
      const lp = game.isZeroSum() ? zeroSumNash(game.A) : null;
      metrics[`equilibria-${game.name.replace(/[^a-z]+/g, "-")}`] = eqs.length;
      for (const e of eqs) {
        table.push({ game: game.name, ...e });
        lines.push(
          `| ${game.name} | ${game.rowActions.join("/")} | ${fmt(e.row)} | ${fmt(e.column)} | ${fmt(e.values)} | ${lp ? lp.value.toFixed(4) : "—"} |`,
        );
      }
      opts.log(`${game.name}: ${eqs.length} equilibri${eqs.length === 1 ? "um" : "a"}`);
    }
    writeFileSync(join(opts.outDir, "equilibria.json"), JSON.stringify(table, null, 1));
    writeFileSync(join(opts.outDir, "equilibria.md"), lines.join("\n") + "\n");

    const iterations = opts.epochs ?? 100_000;
    const every = Math.max(1, Math.floor(iterations / 500));
    const rps = rockPaperScissors();
    const rm = regretMatching(rps, { iterations, evaluateEvery: every });
    const fp = fictitiousPlay(rps, { iterations, evaluateEvery: every });
    const bound = rm.iterations.map((t) => 2 * 2 * Math.sqrt(3 / t));
    savePlot(
      join(opts.outDir, "convergence.svg"),
      linePlot({
        title: "Rock-paper-scissors self-play: NashConv of the average strategies",
        xLabel: "log10(iteration)",
        yLabel: "NashConv",
        logY: true,
        series: [
          { name: "regret matching", x: rm.iterations.map(Math.log10), y: rm.nashConv },
          { name: "fictitious play", x: fp.iterations.map(Math.log10), y: fp.nashConv },
          { name: "regret bound 2Δ√(|A|/T)", x: rm.iterations.map(Math.log10), y: bound, dashed: true },
        ],
      }),
    );
    opts.log(`regret matching: NashConv ${rm.nashConv.at(-1)!.toExponential(3)}; fictitious play: ${fp.nashConv.at(-1)!.toExponential(3)}`);
    metrics.regretMatchingNashConv = rm.nashConv.at(-1)!;
    metrics.fictitiousPlayNashConv = fp.nashConv.at(-1)!;
    metrics.regretMatchingAverageRow = rm.averageRow;
    return metrics;
  },
};
