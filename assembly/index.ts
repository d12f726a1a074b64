// Entry point of the WebAssembly kernels: re-exports every kernel the JS loader calls.
export { heapBase } from "./memory";
export { gemm, gemmBatched, gemmWorkspaceBytes } from "./gemm";
