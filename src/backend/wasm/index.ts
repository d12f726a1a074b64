// Public surface of the WASM SIMD kernels (re-exports only).
export { WasmKernels, initWasmKernels, sharedWasmKernels, type WasmKernelsOptions } from "./WasmKernels.js";
export type { MatrixView, BatchedMatrixView, GemmOptions, BatchedGemmOptions } from "./gemm.js";
export type { UnaryOp, BinaryOp } from "./elementwise.js";
export type { ReduceOp } from "./reduce.js";
export type { AdamStep, SgdHyper, SgdMode } from "./optim.js";
export { convOutputSize, type ConvGeometry } from "./im2col.js";
export type { Conv2dShape } from "./conv.js";
export type { WasmPlatform, WorkerLike } from "./platform.js";
