// Entry point of the WebAssembly kernels: re-exports every kernel the JS loader calls.
export { heapBase } from "./memory";
export { gemm, gemmBatched, gemmWorkspaceBytes, packedBBytes } from "./gemm";
export { unary, binary, fillPlanes } from "./elementwise";
export { reduce, softmax } from "./reduce";
export { im2col, col2im } from "./im2col";
export { convImages, convInputGradImages, convWeightGradImages } from "./conv";
export { maxPool, maxPool2dRegular, maxPoolBackward } from "./pooling";
export { sgd, adam } from "./optim";
export { lstmForward, lstmBackward } from "./lstm";
export { gruForward, gruBackward } from "./gru";
export { spmm, sddmm, scatterMax, segmentSoftmax, gatherRows, scatterAddRows } from "./sparse";
export { attentionSoftmax, attentionProbs, attentionScoreGrad } from "./attention";
export { layerNormForward, layerNormBackward } from "./layerNorm";
