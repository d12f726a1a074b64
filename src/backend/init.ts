// Picks the kernels at import: the WASM SIMD backend over the CPU reference (unless
// DEEPSCRIPT_BACKEND=cpu), with the reference as the fallback for everything WASM lacks.
// When the WASM kernels fail to load, the CPU reference takes over with a one-line warning
// (DEEPSCRIPT_QUIET=1 silences it; DEEPSCRIPT_BACKEND=wasm makes the failure an error instead).
// The kernels are compiled synchronously, so the import has no top-level await: ES modules and
// CommonJS (require) get the same ready backend; only the worker threads start in the background.
import { getBackend, useKernels } from "./registry.js";
import { initWasmKernels, sharedWasmKernels, type WasmKernels } from "./wasm/index.js";
import { wasmOverrides } from "./wasmBackend.js";
import { fusedKernels, useFusedKernels, type FusedKernels } from "./fused.js";
import { setPlacement } from "./placement.js";
import type { Backend } from "./Backend.js";
import type { WebGPUDevice } from "./webgpu/device.js";
import { registerActiveWebGPUDevice } from "./webgpu/active.js";
import { ResidentStore } from "./wasm/ResidentStore.js";

/** The backends of this build, in the order `setBackend` errors list them. */
export const BACKENDS = ["cpu", "wasm", "webgpu"] as const;
/** A backend's name: "cpu", "wasm" or "webgpu" (see {@link setBackend}). */
export type BackendName = (typeof BACKENDS)[number];

/** What a WebGPU adapter says it is (WebGPU's GPUAdapterInfo; empty strings where it keeps quiet). */
export interface WebGPUAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
}

function isBackendName(name: unknown): name is BackendName {
  return BACKENDS.some((b) => b === name);
}

let kernels: WasmKernels | null = null;
let active: BackendName = "cpu";

/** The WebGPU device while it is (or was last) in use, and the host kernels it runs host tensors with. */
let webgpu: { gpu: WebGPUDevice; host: Backend; hostFused: FusedKernels; hostName: "cpu" | "wasm" } | null = null;

/**
 * "wasm" (default where WebAssembly SIMD is available), "cpu" (the plain TypeScript reference) or
 * "webgpu" (after `await setBackend("webgpu")`).
 */
export function getBackendName(): BackendName {
  return active;
}

/**
 * Switches backends; "wasm" loads and compiles the kernels on first use (and throws if they cannot load).
 * Any other name is an error listing the available backends.
 * ```ts
 * await ds.setBackend("cpu"); // the TypeScript reference kernels (the oracle the WASM kernels are tested against)
 * ```
 *
 * "webgpu" requests a GPU on first use (navigator.gpu in a browser; in Node the optional `webgpu`
 * package, Dawn's bindings, loaded only now) and rejects with the reason when there is no adapter;
 * {@link webgpuAdapterInfo} then says which GPU runs. Like PyTorch with a default CUDA device:
 * - tensors created while it is active (ds.tensor, zeros, randn, ... and every op's result) live on the
 *   GPU; their values are read with `await t.data()`, `await t.array()` or `await t.itemAsync()` (the
 *   synchronous `item()`, `dataSync()`, `toArray()` throw, naming the async form);
 * - tensors created before (in JavaScript memory) keep computing on the host kernels; an op that mixes a
 *   host tensor with a GPU one is an error naming the op and both devices (a 0-d host tensor is the
 *   exception: it is uploaded, as PyTorch accepts CPU scalars in CUDA ops); `ds.toDevice(t)` uploads
 *   a host tensor, and `copy_` / `loadStateDict` copy host values into GPU tensors;
 * - GPU tensors used after switching back to "cpu" or "wasm" are an error naming the op;
 * - float64 has no WGSL type: creating or computing float64 tensors on the GPU is an error naming the op;
 * - primitives without a WGSL kernel yet (convolution, pooling, normalization, attention, recurrent
 *   cells, linear algebra, ...) fail with an error naming the primitive;
 * - GPU memory goes back to a size-bucketed pool on `dispose()`, or when the garbage collector
 *   collects a tensor; `fit` and the optimizers never wait for the GPU inside a step (fit reads the
 *   losses in batches, so a non-finite loss is reported a few steps after it happened).
 * ```ts fragment
 * await ds.setBackend("webgpu");
 * ```
 */
export async function setBackend(name: BackendName): Promise<void> {
  // Checked at run time: plain JavaScript callers bypass the type.
  if (!isBackendName(name)) {
    throw new Error(`setBackend: unknown backend ${typeof name === "string" ? JSON.stringify(name) : String(name)}; available backends: ${BACKENDS.join(", ")}`);
  }
  if (name === "webgpu") return activateWebGPU();
  setPlacement(null);
  if (name === "cpu") {
    useKernels(null);
    useFusedKernels(null);
    active = "cpu";
    return;
  }
  kernels ??= await initWasmKernels();
  activateWasm(kernels);
}

async function activateWebGPU(): Promise<void> {
  if (active === "webgpu" && webgpu !== null && !webgpu.gpu.isLost) return;
  const { requestWebGPUDevice } = await import("./webgpu/device.js");
  const { webgpuBackend, webgpuFused, webgpuPlacement } = await import("./webgpu/backend.js");
  // Host tensors keep the kernels that were active (CPU reference or WASM).
  const host = active === "webgpu" && webgpu !== null ? webgpu : { host: getBackend(), hostFused: fusedKernels(), hostName: active === "wasm" ? "wasm" as const : "cpu" as const };
  let gpu = webgpu?.gpu;
  if (gpu === undefined || gpu.isLost) {
    try {
      gpu = await requestWebGPUDevice();
    } catch (e) {
      throw new Error(`setBackend("webgpu"): ${(e as Error).message.replace(/^requestWebGPUDevice: /, "")}; the ${active} backend stays active`);
    }
  }
  webgpu = { gpu, host: host.host, hostFused: host.hostFused, hostName: host.hostName };
  useKernels(webgpuBackend(gpu, host.host));
  useFusedKernels({ ...host.hostFused, ...webgpuFused(gpu) });
  setPlacement(webgpuPlacement(gpu));
  active = "webgpu";
}

/**
 * What the WebGPU adapter in use says it is (vendor, architecture, description, device; empty strings
 * where it keeps quiet), or null before `setBackend("webgpu")` succeeded.
 * ```ts fragment
 * await ds.setBackend("webgpu");
 * console.log(ds.webgpuAdapterInfo()?.description);
 * ```
 */
export function webgpuAdapterInfo(): WebGPUAdapterInfo | null {
  return webgpu === null ? null : { ...webgpu.gpu.adapterInfo };
}

registerActiveWebGPUDevice(() => webgpu?.gpu ?? null);

/**
 * Waits until the WebGPU device has finished all work issued so far (a no-op on the CPU backends):
 * for timing, or before reading a clock. Reads (`await t.data()`) wait by themselves.
 * ```ts
 * const start = performance.now();
 * model.forward(x);
 * await ds.synchronize(); // the GPU's work is done: the time includes it
 * console.log(performance.now() - start, "ms");
 * ```
 */
export async function synchronize(): Promise<void> {
  if (active === "webgpu" && webgpu !== null) await webgpu.gpu.sync("synchronize");
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
 * leaves the CPU reference (or one thread) working, with the warning below — except with
 * DEEPSCRIPT_BACKEND=webgpu, where it waits for the GPU and rejects when there is none.
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
if (requested === "webgpu") {
  // WebGPU starts asynchronously: the CPU reference computes until ready() resolves.
  startup = setBackend("webgpu");
  startup.catch(() => undefined); // reported by ready(), not as an unhandled rejection
} else if (requested !== "cpu") {
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
