// Public surface of deepscript's game-theory package: normal-form, perfect-information and extensive-form games.

// Normal-form (matrix) games.
export {
  NormalFormGame, bilinear, rockPaperScissors, matchingPennies, battleOfTheSexes, prisonersDilemma, stagHunt,
} from "./NormalFormGame.js";
export type { MixedStrategy } from "./NormalFormGame.js";
export { nash } from "./nash.js";
export type { NashEquilibrium, NashOptions } from "./nash.js";
export { zeroSumNash } from "./zeroSumNash.js";
export type { ZeroSumSolution } from "./zeroSumNash.js";
export { bestResponse, nashConv, exploitability } from "./bestResponse.js";
export type { BestResponse } from "./bestResponse.js";
export { regretMatching, regretMatchingPolicy } from "./regretMatching.js";
export type { RegretMatchingOptions, LearningTrace } from "./regretMatching.js";
export { fictitiousPlay } from "./fictitiousPlay.js";
export type { FictitiousPlayOptions } from "./fictitiousPlay.js";
export { linearSolve } from "./linearSolve.js";

// Perfect-information board games and search.
export type { PerfectInformationGame } from "./PerfectInformationGame.js";
export { TicTacToe } from "./TicTacToe.js";
export { ConnectFour, connectFourCenterFirst, connectFourHeuristic } from "./ConnectFour.js";
export { minimax } from "./minimax.js";
export type { MinimaxOptions, MinimaxResult } from "./minimax.js";
export { randomPlayer, minimaxPlayer, minimaxBestActions, playGame, playMatch } from "./players.js";
export type { Player } from "./players.js";
export { mcts, mctsPlayer } from "./mcts.js";
export type { MCTSOptions, MCTSResult } from "./mcts.js";

// Extensive-form games with chance and imperfect information.
export { CHANCE, informationSets, uniformPolicy } from "./ExtensiveFormGame.js";
export type { ExtensiveFormGame, Policy } from "./ExtensiveFormGame.js";
export { KuhnPoker, KUHN_PASS, KUHN_BET } from "./KuhnPoker.js";
export type { KuhnState } from "./KuhnPoker.js";
export { expectedReturns, treeBestResponse, treeNashConv, treeExploitability } from "./treeBestResponse.js";
export type { TreeBestResponse } from "./treeBestResponse.js";
export { cfr } from "./cfr.js";
export type { CFROptions, CFRResult } from "./cfr.js";
