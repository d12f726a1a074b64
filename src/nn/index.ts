// deepscript.nn: modules, layers, activations, losses, initializers and regularization helpers.
export { Module } from "./Module.js";
export type { AnyModule, StateDict, LoadStateDictResult, RemovableHandle, ForwardHook, ForwardPreHook } from "./Module.js";
export { Parameter } from "./Parameter.js";
export { Sequential, ModuleList, ModuleDict } from "./containers.js";
export type { TensorModule } from "./containers.js";
export { Linear, Bilinear, Identity } from "./Linear.js";
export type { LinearOptions } from "./Linear.js";
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./Conv.js";
export type { ConvLayerOptions, ConvTransposeLayerOptions, PaddingMode } from "./Conv.js";
export { Flatten, Unflatten } from "./Flatten.js";
export { Embedding } from "./Embedding.js";
export { RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU } from "./rnn.js";
export type { RNNCellOptions, RNNCellModuleOptions, RNNOptions, RNNOutput, RNNMode } from "./rnn.js";
export { PackedSequence, packPaddedSequence, padPackedSequence, padSequence, packSequence } from "./packedSequence.js";
export type { PackOptions, PadOptions } from "./packedSequence.js";
export { truncatedBPTT, detachState } from "./tbptt.js";
export type { RecurrentState, TruncatedBPTTOptions } from "./tbptt.js";
export { Dropout, Dropout1d, Dropout2d, Dropout3d } from "./Dropout.js";
export { BatchNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d } from "./BatchNorm.js";
export type { BatchNormModuleOptions } from "./BatchNorm.js";
export { LayerNorm } from "./LayerNorm.js";
export { GroupNorm } from "./GroupNorm.js";
export { InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "./InstanceNorm.js";
export type { InstanceNormModuleOptions } from "./InstanceNorm.js";
export {
  MaxPoolNd, MaxPool1d, MaxPool2d, MaxPool3d, AvgPoolNd, AvgPool1d, AvgPool2d, AvgPool3d,
  AdaptiveAvgPoolNd, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
  AdaptiveMaxPoolNd, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, MaxUnpoolNd, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d,
} from "./pooling.js";
export type { PoolOutput } from "./pooling.js";
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle } from "./upsampling.js";
export type { UpsampleOptions } from "./upsampling.js";
export { ReLU, Sigmoid, Tanh, LeakyReLU, ELU, SELU, GELU, SiLU, Swish, Softplus, Hardtanh, Softmax, LogSoftmax } from "./activations.js";
export {
  MSELoss, L1Loss, LpLoss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss,
  HingeEmbeddingLoss, MultiMarginLoss, MarginRankingLoss,
} from "./losses.js";
export { freeze, unfreeze, trainableParameters } from "./freeze.js";
export { l1Penalty, l2Penalty, clipGradNorm_, clipGradValue_, mcDropoutPredict } from "./regularization.js";
export type { ClipGradNormOptions } from "./regularization.js";
export * as functional from "./functional/index.js";
export * as init from "./init.js";
export { MultiheadAttention } from "./MultiheadAttention.js";
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from "./MultiheadAttention.js";
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer,
  generateSquareSubsequentMask, paddingMask,
} from "./Transformer.js";
export type {
  TransformerActivation, TransformerLayerOptions, TransformerOptions, EncoderForwardOptions, DecoderForwardOptions, TransformerForwardOptions,
} from "./Transformer.js";
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, RotaryEmbedding } from "./positional.js";
export { BahdanauAttention, LuongAttention, Seq2Seq, greedySearch, beamSearch } from "./seq2seq.js";
export type {
  Seq2SeqAttentionForwardOptions, Seq2SeqAttentionOptions, LuongScore, SearchDecoder, SearchOptions, BeamSearchOptions, Hypothesis,
  Seq2SeqAttentionKind, Seq2SeqOptions, Seq2SeqForwardOptions, Seq2SeqState,
} from "./seq2seq.js";
