// Deep RL agents, one readable file each (CleanRL-style), and the networks they share.
export { trainDQN, dqnDefaults, QNetwork } from "./DQN.js";
export type { DQNConfig, DQNResult } from "./DQN.js";
export { trainNFQ, nfqDefaults } from "./NFQ.js";
export type { NFQConfig, NFQResult } from "./NFQ.js";
export { trainPPO, ppoDefaults } from "./PPO.js";
export type { PPOConfig, PPOResult, PPOHooks } from "./PPO.js";
export { trainA2C, a2cDefaults } from "./A2C.js";
export type { A2CConfig, A2CResult } from "./A2C.js";
export { trainREINFORCE, reinforceDefaults } from "./REINFORCE.js";
export type { REINFORCEConfig, REINFORCEResult } from "./REINFORCE.js";
export { trainTRPO, trpoDefaults, conjugateGradient, FlatPolicy } from "./TRPO.js";
export type { TRPOConfig, TRPOResult } from "./TRPO.js";
export { trainDDPG, ddpgDefaults } from "./DDPG.js";
export type { DDPGConfig, DDPGResult } from "./DDPG.js";
export { trainTD3, td3Defaults } from "./TD3.js";
export type { TD3Config, TD3Result } from "./TD3.js";
export { trainSAC, sacDefaults, SquashedGaussianActor } from "./SAC.js";
export type { SACConfig, SACResult } from "./SAC.js";
export {
  trainAlphaZero, alphaZeroDefaults, alphaZeroPlayer, PolicyValueNet, NetworkEvaluator, PUCTNode, PUCTSearch, puctScores, selectPUCT, runSearches,
  chooseMove, playGames, matchResult, searchSide, sampleGamma, sampleDirichlet, addDirichletNoise, boardSymmetries, transformSample, alphaZeroLoss, ILLEGAL_LOGIT,
} from "./AlphaZero.js";
export type { AlphaZeroConfig, AlphaZeroResult, AlphaZeroIteration, Evaluation, Evaluator, SearchOptions, Side, Sample, PlayedGame, BoardSymmetry } from "./AlphaZero.js";
export { goExplore, goExploreDefaults, cellWeight, replayTrajectory } from "./GoExplore.js";
export type { GoExploreConfig, GoExploreResult, ArchiveCell } from "./GoExplore.js";
export { DeterministicActor, QCritic, ActionScale } from "./continuous.js";
export { Actor, Critic } from "./policies.js";
export type { PolicyOptions } from "./policies.js";
export { mlp, orthogonalLinear, copyWeights, softUpdate } from "./common.js";
export type { MlpOptions, ReturnCurve } from "./common.js";
export { trainWorldModelMPC, worldModelMPCDefaults, EnsembleDynamics, EnsembleLinear, CEMPlanner, TransitionData } from "./WorldModelMPC.js";
export type { WorldModelMPCConfig, WorldModelMPCResult, PlannerConfig, DynamicsModel } from "./WorldModelMPC.js";
