// deepscript.generative: GAN objectives and training, VAEs, gradient estimators and evaluation of generative models.
export { discriminatorLoss, generatorLoss, gradientPenalty, clipWeights_, ganLosses } from "./ganLosses.js";
export type { GanLoss, GradientPenaltyOptions } from "./ganLosses.js";
