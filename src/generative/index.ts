// deepscript.generative: GAN objectives and training, VAEs, gradient estimators and evaluation of generative models.
export { discriminatorLoss, generatorLoss, gradientPenalty, clipWeights_, ganLosses } from "./ganLosses.js";
export type { GanLoss, GradientPenaltyOptions } from "./ganLosses.js";
export { trainGAN } from "./trainGAN.js";
export type { TrainGanOptions, TrainGanResult, GanUpdate } from "./trainGAN.js";
export { gaussianRing, gaussianGrid, sampleMixture, modeCoverage } from "./toy2d.js";
export type { GaussianMixture2d, ModeCoverage } from "./toy2d.js";
export { VAEBase, MLPVAE, ConvVAE, elbo, iwae, gaussianKL, reparameterize } from "./VAE.js";
export type { VAEOptions, VAELikelihood, ElboOptions } from "./VAE.js";
export { makeGrid, imageToPng } from "./imageGrid.js";
export type { MakeGridOptions } from "./imageGrid.js";
export { scoreFunctionGradient, reparameterizationGradient } from "./gradEstimators.js";
export type { DistributionFactory, EstimatorOptions } from "./gradEstimators.js";
export { frechetDistance, gaussianFrechetDistance } from "./frechet.js";
export { DCGANGenerator, DCGANDiscriminator, dcganInit_ } from "./DCGAN.js";
export type { DCGANOptions } from "./DCGAN.js";
