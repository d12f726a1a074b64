// deepscript.nn: modules, layers, activations, losses, initializers and regularization helpers.
export { Module } from "./Module.js";
export type { AnyModule, StateDict, LoadStateDictResult } from "./Module.js";
export { Parameter } from "./Parameter.js";
export { Sequential, ModuleList, ModuleDict } from "./containers.js";
export type { TensorModule } from "./containers.js";
export { Linear, Bilinear, Identity } from "./Linear.js";
export type { LinearOptions } from "./Linear.js";
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./Conv.js";
export type { ConvLayerOptions, ConvTransposeLayerOptions, PaddingMode } from "./Conv.js";
export { Flatten, Unflatten } from "./Flatten.js";
export { Embedding } from "./Embedding.js";
export { Dropout } from "./Dropout.js";
export { BatchNorm1d } from "./BatchNorm1d.js";
export type { BatchNormModuleOptions } from "./BatchNorm1d.js";
export { LayerNorm } from "./LayerNorm.js";
export { ReLU, Sigmoid, Tanh, LeakyReLU, ELU, SELU, GELU, SiLU, Swish, Softplus, Hardtanh, Softmax, LogSoftmax } from "./activations.js";
export {
  MSELoss, L1Loss, LpLoss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss,
  HingeEmbeddingLoss, MultiMarginLoss, MarginRankingLoss,
} from "./losses.js";
export { l1Penalty, l2Penalty, clipGradNorm_, clipGradValue_, mcDropoutPredict } from "./regularization.js";
export type { ClipGradNormOptions } from "./regularization.js";
export * as functional from "./functional/index.js";
export * as init from "./init.js";
