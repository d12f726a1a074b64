// Picks the kernels at import: the WASM SIMD backend over the CPU reference (unless
// DEEPSCRIPT_BACKEND=cpu), with the reference as the fallback for everything WASM lacks.
// When the WASM kernels fail to load, the CPU reference takes over with a one-line warning
// (DEEPSCRIPT_QUIET=1 silences it; DEEPSCRIPT_BACKEND=wasm makes the failure an error instead).
// The kernels are compiled synchronously, so the import has no top-level await: ES modules and
// CommonJS (require) get the same ready backend; only the worker threads start in the background.
import { useKernels } from "./registry.js";
import { initWasmKernels, sharedWasmKernels, type WasmKernels } from "./wasm/index.js";
import { wasmOverrides } from "./wasmBackend.js";
import { useFusedKernels } from "./fused.js";
import { ResidentStore } from "./wasm/ResidentStore.js";

/** The backends of this build, in the order `setBackend` errors list them. */
export const BACKENDS = ["cpu", "wasm"] as const;
export type BackendName = (typeof BACKENDS)[number];

function isBackendName(name: unknown): name is BackendName {
  return BACKENDS.some((b) => b === name);
}

let kernels: WasmKernels | null = null;
let active: BackendName = "cpu";

/** "wasm" (default where WebAssembly SIMD is available) or "cpu" (the plain TypeScript reference). */
export function getBackendName(): BackendName {
  return active;
}

/**
 * Switches backends; "wasm" loads and compiles the kernels on first use (and throws if they cannot load).
 * Any other name is an error listing the available backends.
 * ```ts
 * await ds.setBackend("cpu"); // the TypeScript reference kernels (the oracle the WASM kernels are tested against)
 * ```
 */
export async function setBackend(name: BackendName): Promise<void> {
  // Checked at run time: plain JavaScript callers bypass the type.
  if (!isBackendName(name)) {
    throw new Error(`setBackend: unknown backend ${typeof name === "string" ? JSON.stringify(name) : String(name)}; available backends: ${BACKENDS.join(", ")}`);
  }
  if (name === "cpu") {
    useKernels(null);
    useFusedKernels(null);
    active = "cpu";
    return;
  }
  kernels ??= await initWasmKernels();
  activateWasm(kernels);
}

function activateWasm(k: WasmKernels): void {
  useKernels(wasmOverrides(k));
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
/**
 * The number of threads large kernels use (1 until the WASM kernels are loaded); see {@link setNumThreads}.
 */
export function getNumThreads(): number {
  return kernels?.getNumThreads() ?? 1;
}

/**
 * Resolves once the default backend is fully started. The WASM kernels are active as soon as the
 * import of deepscript returns; this waits for their worker threads (until then, large kernels run on
 * the calling thread) and, in an engine that refuses to compile WebAssembly synchronously, for the
 * kernels themselves (until then, the CPU reference computes). Never rejects: a failure to start
 * leaves the CPU reference (or one thread) working, with the warning below.
 * ```ts
 * await ds.ready(); // before timing anything
 * ```
 */
export function ready(): Promise<void> {
  return startup;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const requested = env?.DEEPSCRIPT_BACKEND || undefined; // an empty value counts as unset
if (requested !== undefined && !isBackendName(requested)) {
  throw new Error(`DEEPSCRIPT_BACKEND=${JSON.stringify(requested)} is not a backend; available backends: ${BACKENDS.join(", ")}`);
}
const quiet = env?.DEEPSCRIPT_QUIET !== undefined && env.DEEPSCRIPT_QUIET !== "" && env.DEEPSCRIPT_QUIET !== "0";

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
}

/** No WebAssembly SIMD here: the reference backend computes the same results, only slower. */
function fallBack(error: unknown): void {
  useKernels(null);
  useFusedKernels(null);
  active = "cpu";
  if (requested === "wasm") throw error;
  if (!quiet) {
    console.warn(
      `deepscript: the WASM backend failed to load (${describe(error)}); using the slower CPU reference backend ` +
        "(DEEPSCRIPT_BACKEND=cpu chooses it, DEEPSCRIPT_QUIET=1 silences this warning)",
    );
  }
}

/** The kernels work on the calling thread; say so once if their worker threads cannot start. */
function warnThreads(error: unknown): void {
  if (!quiet) console.warn(`deepscript: the WASM worker threads failed to start (${describe(error)}); kernels run on one thread (DEEPSCRIPT_QUIET=1 silences this warning)`);
}

let startup: Promise<void> = Promise.resolve();
if (requested !== "cpu") {
  try {
    kernels = sharedWasmKernels();
    activateWasm(kernels);
    startup = kernels.threadsReady().catch(warnThreads);
  } catch (error) {
    if (error instanceof RangeError && requested === undefined) {
      // The engine refuses synchronous compilation (a page's main thread in an older Chrome): compile
      // asynchronously; the CPU reference computes until then.
      startup = setBackend("wasm").then(() => kernels?.threadsReady().catch(warnThreads), fallBack);
    } else {
      fallBack(error);
    }
  }
}
