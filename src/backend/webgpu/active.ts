// The WebGPU device in use, for tests and benchmarks. Kept out of src/backend/init.ts so that the public
// declarations (init.d.ts) never mention WebGPU types: users type-check without @webgpu/types.
import type { WebGPUDevice } from "./device.js";

let current: () => WebGPUDevice | null = () => null;

/** Called once by src/backend/init.ts with the getter of its active WebGPU device. */
export function registerActiveWebGPUDevice(getter: () => WebGPUDevice | null): void {
  current = getter;
}

/** The WebGPU device in use (null before setBackend("webgpu") succeeded): for tests and benchmarks. */
export function activeWebGPUDevice(): WebGPUDevice | null {
  return current();
}
