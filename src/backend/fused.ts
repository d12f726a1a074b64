// Fused kernels that are not primitives (optimizer updates), supplied by the active backend.
// Callers keep their own plain-TypeScript loop as the reference and use these only when present.
import type { SgdHyper, SgdMode } from "./wasm/index.js";

export interface FusedKernels {
  /** In-place float32 SGD update of p and momentum buffer b (see src/backend/wasm/optim.ts). */
  sgdF32?: (mode: SgdMode, p: Float32Array, g: Float32Array, b: Float32Array | null, hyper: SgdHyper) => void;
}

let active: FusedKernels = {};

export function fusedKernels(): FusedKernels {
  return active;
}

export function useFusedKernels(kernels: FusedKernels | null): void {
  active = kernels ?? {};
}
