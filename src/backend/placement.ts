// Where new tensors live: in JavaScript memory, or on the active device (set by setBackend("webgpu")).
// The factories (src/ops/creation.ts) ask here; the engine asks which device the kernels run on.
import type { Storage, TensorView } from "./storage.js";

/** The active device's side of tensor placement. */
export interface Placement {
  /** The device's name ("webgpu"), used in errors. */
  readonly device: string;
  /** A device storage holding `view`'s values (host memory), contiguous in `view`'s shape; `op` names the factory in errors. */
  upload(op: string, view: TensorView): Storage;
}

let active: Placement | null = null;
let hostDepth = 0;

/** Sets (or, with null, clears) the device that factories place new tensors on. */
export function setPlacement(placement: Placement | null): void {
  active = placement;
}

/** The device factories place new tensors on now: null on CPU/WASM and inside {@link onHost}. */
export function currentPlacement(): Placement | null {
  return hostDepth > 0 ? null : active;
}

/** Where a tensor made "like" one that lives on `device` goes (torch.zeros_like keeps the device): there, or the host. */
export function placementLike(device: unknown): Placement | null {
  return device === null ? null : active;
}

/** The device the kernels run on (null for the CPU and WASM backends), whatever {@link onHost} says. */
export function activeDevice(): string | null {
  return active?.device ?? null;
}

/**
 * Runs `fn` with factories creating tensors in JavaScript memory even while a device backend is active
 * (for library code that computes values on the host before copying them to a device, e.g. nn.init).
 */
export function onHost<T>(fn: () => T): T {
  hostDepth++;
  try {
    return fn();
  } finally {
    hostDepth--;
  }
}
