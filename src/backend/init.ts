// Picks the kernels at import: the WASM SIMD backend over the CPU reference (unless
// DEEPSCRIPT_BACKEND=cpu), with the reference as the fallback for everything WASM lacks.
import { useKernels } from "./registry.js";
import { initWasmKernels, type WasmKernels } from "./wasm/index.js";
import { wasmOverrides } from "./wasmBackend.js";
import { useFusedKernels } from "./fused.js";
import { ResidentStore } from "./wasm/ResidentStore.js";

let kernels: WasmKernels | null = null;
let active: "cpu" | "wasm" = "cpu";

/** "wasm" (default where WebAssembly SIMD is available) or "cpu" (the plain TypeScript reference). */
export function getBackendName(): "cpu" | "wasm" {
  return active;
}

/**
 * Switches backends; "wasm" loads and compiles the kernels on first use.
 * ```ts
 * await ds.setBackend("cpu"); // the TypeScript reference kernels (the oracle the WASM kernels are tested against)
 * ```
 */
export async function setBackend(name: "cpu" | "wasm"): Promise<void> {
  if (name === "cpu") {
    useKernels(null);
    useFusedKernels(null);
    active = "cpu";
    return;
  }
  kernels ??= await initWasmKernels();
  useKernels(wasmOverrides(kernels));
  const k = kernels;
  const store = new ResidentStore(k);
  useFusedKernels({
    sgdF32: (mode, p, g, b, hyper) => k.sgd(mode, p, g, b, hyper),
    adamF32: (p, g, m, v, vmax, step) => k.adam(p, g, m, v, vmax, step),
    pinF32: (storage) => store.pin(storage),
    residentCopy: (data) => store.copy(data),
    adoptResident: (storage) => store.adopt(storage),
    releaseResident: (storage) => store.release(storage),
    freeResident: (view) => store.free(view),
  });
  active = "wasm";
}

/**
 * Threads used by large kernels (default: the number of cores).
 * ```ts
 * await ds.setNumThreads(1);
 * ```
 */
export async function setNumThreads(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a positive integer, got ${n}`);
  kernels ??= await initWasmKernels();
  await kernels.setNumThreads(n);
}
export function getNumThreads(): number {
  return kernels?.getNumThreads() ?? 1;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
if (env?.DEEPSCRIPT_BACKEND !== "cpu") {
  try {
    await setBackend("wasm");
  } catch (error) {
    // No WebAssembly SIMD here: the reference backend computes the same results, only slower.
    useKernels(null);
    useFusedKernels(null);
    if (env?.DEEPSCRIPT_BACKEND === "wasm") throw error;
  }
}
