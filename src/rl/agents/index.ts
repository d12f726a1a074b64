// Deep RL agents, one readable file each (CleanRL-style), and the networks they share.
export { trainDQN, dqnDefaults, QNetwork } from "./DQN.js";
export type { DQNConfig, DQNResult } from "./DQN.js";
export { trainPPO, ppoDefaults } from "./PPO.js";
export type { PPOConfig, PPOResult } from "./PPO.js";
export { trainA2C, a2cDefaults } from "./A2C.js";
export type { A2CConfig, A2CResult } from "./A2C.js";
export { trainREINFORCE, reinforceDefaults } from "./REINFORCE.js";
export type { REINFORCEConfig, REINFORCEResult } from "./REINFORCE.js";
export { trainTRPO, trpoDefaults, conjugateGradient, FlatPolicy } from "./TRPO.js";
export type { TRPOConfig, TRPOResult } from "./TRPO.js";
export { Actor, Critic } from "./policies.js";
export type { PolicyOptions } from "./policies.js";
export { mlp, orthogonalLinear, copyWeights, softUpdate } from "./common.js";
export type { MlpOptions, ReturnCurve } from "./common.js";
