// Experiment: AlphaZero on tic-tac-toe (MLP policy-value net, PUCT self-play, gating), then 100 games against perfect minimax play: losses (target 0).
import { TicTacToe } from "../games/TicTacToe.js";
import { minimaxPlayer } from "../games/players.js";
import { alphaZeroDefaults } from "../rl/agents/AlphaZero.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { runAlphaZero } from "./alphazeroRun.js";

const { seed: _seed, ...agentDefaults } = alphaZeroDefaults; // the run's seed is --seed

export const config = {
  ...agentDefaults,
  evalGames: 100,
  evalSimulations: 100,
  progressGames: 20,
  target: 0,
};

const budgetKeys = ["iterations", "selfPlayGames", "simulations", "trainSteps", "arenaGames", "evalGames", "evalSimulations", "progressGames"] as const;

/** AlphaZero on tic-tac-toe with `config` (options override it); `lossesVsPerfect` over `evalGames` games against perfect play (random among optimal moves), half with each colour. */
export function runTicTacToeAlphaZero(opts: ExperimentOptions): ExperimentResult {
  const given = Object.fromEntries(budgetKeys.filter((k) => opts.params?.[k] !== undefined).map((k) => [k, opts.params![k]!]));
  const cfg = { ...config, ...given, ...(opts.lr === undefined ? {} : { learningRate: opts.lr }) };
  const { evalGames, evalSimulations, progressGames, target, ...agent } = cfg;
  const r = runAlphaZero(opts, {
    name: "tictactoe-alphazero",
    newGame: () => new TicTacToe(),
    agent,
    opponent: (g) => minimaxPlayer(g),
    opponentName: "perfect play",
    evalGames,
    evalSimulations,
    progressGames,
  });
  return { lossesVsPerfect: r.losses, winsVsPerfect: r.wins, drawsVsPerfect: r.draws, target, ...r };
}

export const experiment: Experiment = {
  name: "tictactoe-alphazero",
  description: "AlphaZero on tic-tac-toe (MLP policy-value net, PUCT self-play, 55 % gating), then 100 games against perfect minimax play: losses (target 0)",
  chapter: "deep RL",
  options: {
    iterations: { description: "self-play → training → arena rounds", default: config.iterations },
    selfPlayGames: { description: "self-play games per iteration", default: config.selfPlayGames },
    simulations: { description: "PUCT simulations per move in self-play and arena", default: config.simulations },
    trainSteps: { description: "gradient steps per iteration", default: config.trainSteps },
    arenaGames: { description: "games of each gating match (trained vs best network)", default: config.arenaGames },
    lr: { description: "Adam's learning rate", default: config.learningRate, kind: "positive" },
    evalGames: { description: "games of the final match against perfect play (half with each colour)", default: config.evalGames },
    evalSimulations: { description: "PUCT simulations per move against perfect play", default: config.evalSimulations },
    progressGames: { description: "games against perfect play after each iteration (the plotted curve)", default: config.progressGames },
  },
  quick: { iterations: 1, selfPlayGames: 2, simulations: 4, trainSteps: 1, arenaGames: 2, evalGames: 2, evalSimulations: 4, progressGames: 2 },
  config,
  run: runTicTacToeAlphaZero,
};
