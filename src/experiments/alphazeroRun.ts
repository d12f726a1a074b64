// Shared body of the AlphaZero experiments: train on a board game, follow the best network against a fixed opponent, then a final match, curves and a plot.
import { writeFileSync } from "node:fs";
import { serialize } from "../io/safetensors.js";
import { join } from "node:path";
import { linePlot, panel } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { Generator } from "../random/Generator.js";
import type { PerfectInformationGame } from "../games/PerfectInformationGame.js";
import type { Player } from "../games/players.js";
import { NetworkEvaluator, matchResult, searchSide, trainAlphaZero, type AlphaZeroConfig } from "../rl/agents/AlphaZero.js";
import type { ExperimentOptions } from "./Experiment.js";

export interface AlphaZeroRunSettings {
  name: string;
  newGame: () => PerfectInformationGame;
  agent: Omit<AlphaZeroConfig, "seed">;
  /** The fixed opponent, made fresh (with its own tie-breaking stream) for each match. */
  opponent: (generator: Generator) => Player;
  opponentName: string;
  /** Games of the final match (half with each colour). */
  evalGames: number;
  /** PUCT simulations per move of the trained network in the matches against the opponent. */
  evalSimulations: number;
  /** Games against the opponent after each iteration (the plotted curve); 0 to skip. */
  progressGames: number;
}

export interface AlphaZeroRunResult {
  [metric: string]: number;
  wins: number;
  draws: number;
  losses: number;
  evalGames: number;
  evalSimulations: number;
  selfPlayGames: number;
  iterations: number;
  acceptances: number;
  trainingSeconds: number;
  evalSeconds: number;
}

/**
 * Trains with `settings.agent` (seed `opts.seed`), plays `progressGames` against the opponent after every
 * iteration and `evalGames` at the end (the best network searching `evalSimulations` per move, most visited
 * move, no noise; the opponent breaks ties at random, so games differ). Writes curves.json and
 * alphazero.svg; returns the final match's wins / draws / losses of the network, the training counts and
 * the seconds of training and of the final match. The best network's weights go to best.safetensors.
 */
export function runAlphaZero(opts: ExperimentOptions, settings: AlphaZeroRunSettings): AlphaZeroRunResult {
  const { name, newGame, agent, opponent, opponentName, evalGames, evalSimulations, progressGames } = settings;
  const progress: { selfPlayGames: number; wins: number; draws: number; losses: number }[] = [];
  const run = trainAlphaZero(newGame, { ...agent, seed: opts.seed }, opts.log, (best, it) => {
    if (progressGames === 0) return;
    const m = matchResult(newGame, searchSide(new NetworkEvaluator(best), evalSimulations, agent.cPuct), { kind: "player", player: opponent(new Generator(opts.seed + 1000 + it.iteration)) }, progressGames, new Generator(opts.seed));
    progress.push({ selfPlayGames: it.selfPlayGames, wins: m.wins, draws: m.draws, losses: m.losses });
    opts.log(`${name} iteration ${it.iteration}: best network vs ${opponentName} over ${progressGames} games: ${m.wins} wins, ${m.draws} draws, ${m.losses} losses`);
  });
  const evalStart = performance.now();
  const final = matchResult(newGame, searchSide(new NetworkEvaluator(run.best), evalSimulations, agent.cPuct), { kind: "player", player: opponent(new Generator(opts.seed + 999)) }, evalGames, new Generator(opts.seed));
  const evalSeconds = (performance.now() - evalStart) / 1000;
  opts.log(`${name}: final match vs ${opponentName}, ${evalGames} games (half with each colour): ${final.wins} wins, ${final.draws} draws, ${final.losses} losses (${evalSeconds.toFixed(1)} s)`);

  const h = run.history;
  writeFileSync(join(opts.outDir, "curves.json"), JSON.stringify({ history: h, progress }) + "\n");
  // The best network's weights, loadable with io.load / PolicyValueNet.loadStateDict.
  writeFileSync(join(opts.outDir, "best.safetensors"), serialize(run.best.stateDict(), { metadata: { experiment: name, seed: String(opts.seed) } }));
  const x = h.map((r) => r.selfPlayGames);
  const matchSeries = [
    ...(agent.arenaGames > 0 ? [{ name: "arena score vs best", x, y: h.map((r) => r.arenaScore), dashed: true }] : []),
    ...(progress.length > 0
      ? [
          { name: "wins", x: progress.map((p) => p.selfPlayGames), y: progress.map((p) => p.wins / progressGames) },
          { name: "losses", x: progress.map((p) => p.selfPlayGames), y: progress.map((p) => p.losses / progressGames) },
        ]
      : []),
  ];
  const plots = [
    linePlot({
      title: `${name}: training losses`,
      xLabel: "self-play games",
      yLabel: "loss",
      series: [{ name: "policy cross-entropy", x, y: h.map((r) => r.policyLoss) }, { name: "value MSE", x, y: h.map((r) => r.valueLoss) }],
    }),
    // Without an arena and without progress games there is nothing to draw against the opponent.
    ...(matchSeries.length > 0
      ? [linePlot({ title: `vs ${opponentName} (${progressGames} games)`, xLabel: "self-play games", yLabel: "fraction of games", yRange: [0, 1], series: matchSeries })]
      : []),
  ];
  savePlot(join(opts.outDir, "alphazero.svg"), panel(plots, { columns: 2 }));
  return {
    wins: final.wins,
    draws: final.draws,
    losses: final.losses,
    evalGames,
    evalSimulations,
    selfPlayGames: run.selfPlayGames,
    iterations: h.length,
    acceptances: run.acceptances,
    trainingSeconds: run.seconds,
    evalSeconds,
  };
}
