// Which backend runs each primitive: the CPU reference, with faster kernels layered on top.
import type { Backend, BackendOverrides } from "./Backend.js";
import { cpuBackend } from "./cpu/index.js";

let active: Backend = cpuBackend;

/**
 * The backend that currently runs the primitives: the CPU reference with any kernels layered on by
 * {@link useKernels}.
 */
export function getBackend(): Backend {
  return active;
}

/** Layers `overrides` over the CPU reference backend; anything they lack falls back to the reference. */
export function useKernels(overrides: BackendOverrides | null): void {
  active = overrides ? { ...cpuBackend, ...overrides } : cpuBackend;
}
