// Fused kernels that are not primitives (optimizer updates), supplied by the active backend.
// Callers keep their own plain-TypeScript loop as the reference and use these only when present.
import type { AdamStep, SgdHyper, SgdMode } from "./wasm/optim.js";
import type { Storage, TensorView } from "./storage.js";

export interface FusedKernels {
  /** In-place float32 SGD update of p and momentum buffer b (see src/backend/wasm/optim.ts). */
  sgdF32?: (mode: SgdMode, p: Float32Array, g: Float32Array, b: Float32Array | null, hyper: SgdHyper) => void;
  /** In-place float32 Adam/AdamW update (see src/backend/wasm/optim.ts). */
  adamF32?: (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, step: AdamStep) => void;
  /**
   * Moves a float32 storage's values into memory the kernels use in place (its `data` becomes a view
   * of that memory; values unchanged). Optimizers pin their parameters and state buffers, which every
   * step reads and updates. No-op where unsupported or for small storages.
   */
  pinF32?: (storage: Storage) => void;
  /** A copy of `data` in that memory, owned by no storage yet (null where unsupported or full). */
  residentCopy?: (data: Float32Array) => Float32Array | null;
  /** `storage` (whose data came from residentCopy or releaseResident) now owns its memory. */
  adoptResident?: (storage: Storage) => void;
  /** `storage` gives its memory up (to be reused); false if its data does not live there. */
  releaseResident?: (storage: Storage) => boolean;
  /** Frees memory from residentCopy/releaseResident that nobody will use. */
  freeResident?: (view: Float32Array) => void;
  /**
   * In-place float32 Adam/AdamW update of tensors whose storage lives on the device (contiguous, offset 0,
   * one size), recorded in order with the device's other work. The host paths above never see device storage.
   */
  adamDevice?: (p: TensorView, g: TensorView, m: TensorView, v: TensorView, vmax: TensorView | null, step: AdamStep) => void;
  /** In-place float32 SGD update on device storage (`b` null without momentum; `first` starts the buffer). */
  sgdDevice?: (p: TensorView, g: TensorView, b: TensorView | null, step: SgdDeviceStep) => void;
}

/** Hyperparameters of one device SGD step (torch.optim.SGD's). */
export interface SgdDeviceStep {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** The first step with momentum: b ← g. */
  first: boolean;
}

let active: FusedKernels = {};

/** Pins a float32 storage when the backend supports it (see FusedKernels.pinF32). */
export function pinStorage(storage: Storage): void {
  if (storage.device === null) active.pinF32?.(storage);
}

export function fusedKernels(): FusedKernels {
  return active;
}

export function useFusedKernels(kernels: FusedKernels | null): void {
  active = kernels ?? {};
}
