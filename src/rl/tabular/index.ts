// Tabular reinforcement learning (Sutton & Barto 2nd ed., Chapters 3–7 and 12): dynamic programming and model-free methods.

export { fromEnv, validateMDP } from "./fromEnv.js";
export { actionValue, qFromV } from "./bellman.js";
export {
  argmax,
  argmaxAll,
  argmaxRandom,
  deterministicPolicy,
  epsilonGreedy,
  epsilonGreedyRow,
  greedy,
  logSumExp,
  sampleAction,
  softmax,
  softmaxRow,
  uniformPolicy,
  validatePolicy,
} from "./policies.js";
export type { Policy, TieBreak } from "./policies.js";
export { evaluatePolicyExact, policyEvaluation, solveLinearSystem } from "./policyEvaluation.js";
export type { PolicyEvaluationOptions, PolicyEvaluationResult } from "./policyEvaluation.js";
export { policyImprovement, policyIteration } from "./policyIteration.js";
export type { PolicyImprovementOptions, PolicyIterationOptions, PolicyIterationResult } from "./policyIteration.js";
export { qValueIteration, valueIteration } from "./valueIteration.js";
export type { ValueIterationOptions, ValueIterationResult } from "./valueIteration.js";
export { stateIndexer } from "./common.js";
export type { ControlConfig, ControlResult, EpisodeConfig, PolicyLike, PredictionResult, StateIndexer } from "./common.js";
export { mcPrediction } from "./mcPrediction.js";
export type { McPredictionConfig } from "./mcPrediction.js";
export { mcControl } from "./mcControl.js";
export type { McControlConfig } from "./mcControl.js";
export { offPolicyMcControl } from "./offPolicyMcControl.js";
export { td0 } from "./td0.js";
export type { TdConfig } from "./td0.js";
export { nStepTd } from "./nStepTd.js";
export { tdLambda } from "./tdLambda.js";
export type { TdLambdaConfig } from "./tdLambda.js";
export { sarsa } from "./sarsa.js";
export { expectedSarsa } from "./expectedSarsa.js";
export { qLearning } from "./qLearning.js";
export { doubleQLearning } from "./doubleQLearning.js";
export { softQLearning } from "./softQLearning.js";
