// Experiment: AlphaZero on Connect Four (MLP policy-value net, PUCT self-play, gating), then 100 games against depth-2 alpha-beta: win rate (target ≥ 90 %).
import { ConnectFour, connectFourHeuristic } from "../games/ConnectFour.js";
import { minimaxPlayer } from "../games/players.js";
import { alphaZeroDefaults } from "../rl/agents/AlphaZero.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { runAlphaZero } from "./alphazeroRun.js";

const { seed: _seed, ...agentDefaults } = alphaZeroDefaults; // the run's seed is --seed

export const config = {
  ...agentDefaults,
  iterations: 40,
  selfPlayGames: 50,
  simulations: 100,
  temperatureMoves: 8,
  replayGames: 1000,
  batchSize: 128,
  trainSteps: 300,
  hidden: [128, 128],
  evalGames: 100,
  evalSimulations: 200,
  progressGames: 10,
  target: 0.9,
  /** Value target (z + q) / 2 (see AlphaZeroConfig.valueTarget). */
  valueTarget: "average" as const,
};

const budgetKeys = ["iterations", "selfPlayGames", "simulations", "trainSteps", "arenaGames", "evalGames", "evalSimulations", "progressGames"] as const;

/**
 * AlphaZero on Connect Four with `config` (options override it); `winRateVsDepth2` = wins / `evalGames`
 * against a depth-2 search with `connectFourHeuristic` (plain minimax, the values alpha-beta gives;
 * equally valued moves chosen at random), half the games with each colour.
 */
export function runConnect4AlphaZero(opts: ExperimentOptions): ExperimentResult {
  const given = Object.fromEntries(budgetKeys.filter((k) => opts.params?.[k] !== undefined).map((k) => [k, opts.params![k]!]));
  const cfg = { ...config, ...given, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }) };
  const { evalGames, evalSimulations, progressGames, target, ...agent } = cfg;
  const r = runAlphaZero(opts, {
    name: "connect4-alphazero",
    newGame: () => new ConnectFour(),
    agent,
    opponent: (g) => {
      const depth2 = minimaxPlayer<ConnectFour>(g, { depth: 2, heuristic: connectFourHeuristic });
      return (game) => depth2(game as ConnectFour);
    },
    opponentName: "depth-2 alpha-beta",
    evalGames,
    evalSimulations,
    progressGames,
  });
  return { winRateVsDepth2: r.wins / evalGames, target, ...r };
}

export const experiment: Experiment = {
  name: "connect4-alphazero",
  description: "AlphaZero on Connect Four (MLP policy-value net, PUCT self-play, 55 % gating), then 100 games against depth-2 alpha-beta: win rate (target ≥ 90 %)",
  chapter: "deep RL",
  options: {
    iterations: { description: "self-play → training → arena rounds", default: config.iterations },
    selfPlayGames: { description: "self-play games per iteration", default: config.selfPlayGames },
    simulations: { description: "PUCT simulations per move in self-play and arena", default: config.simulations },
    trainSteps: { description: "gradient steps per iteration", default: config.trainSteps },
    arenaGames: { description: "games of each gating match (trained vs best network)", default: config.arenaGames },
    lr: { description: "Adam's learning rate", default: config.learningRate, kind: "positive" },
    evalGames: { description: "games of the final match against depth-2 alpha-beta (half with each colour)", default: config.evalGames },
    evalSimulations: { description: "PUCT simulations per move against depth-2 alpha-beta", default: config.evalSimulations },
    progressGames: { description: "games against depth-2 alpha-beta after each iteration (the plotted curve)", default: config.progressGames },
  },
  quick: { iterations: 1, selfPlayGames: 2, simulations: 4, trainSteps: 1, arenaGames: 2, evalGames: 2, evalSimulations: 4, progressGames: 2 },
  config,
  run: runConnect4AlphaZero,
};
