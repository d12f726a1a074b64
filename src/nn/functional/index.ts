// nn.functional: stateless activations, losses and layer functions (PyTorch's torch.nn.functional).
export * from "./activations.js";
export * from "./losses.js";
export * from "./layers.js";
export * from "./normalization.js";
export {
  maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d,
  adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool3d, maxUnpool1d, maxUnpool2d, maxUnpool3d,
} from "../../ops/pooling.js";
export type { MaxPoolOptions, AvgPoolOptions, MaxUnpoolOptions, AdaptiveSize, IntOrTuple } from "../../ops/pooling.js";
export { interpolate, pixelShuffle, pixelUnshuffle } from "../../ops/resample.js";
export type { InterpolateOptions, InterpolateMode } from "../../ops/resample.js";
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, unfold, fold, toeplitz2d } from "../../ops/conv.js";
export type { ConvOptions, ConvTransposeOptions, UnfoldOptions } from "../../ops/conv.js";
export { scaledDotProductAttention, scaledDotProductAttentionComposite, scaledDotProductAttentionWeights } from "./attention.js";
export type { ScaledDotProductAttentionOptions } from "./attention.js";
export { rnnTanhCell, rnnReluCell, lstmCell, gruCell } from "./rnn.js";
export type { CellWeights } from "./rnn.js";
export { lstmRecurrence, lstmRecurrenceReference, lstmRecurrenceBackwardReference } from "../../ops/lstm.js";
export { gruRecurrence, gruRecurrenceReference, gruRecurrenceBackwardReference } from "../../ops/gru.js";
