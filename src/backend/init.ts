// Picks the kernels at import: the WASM SIMD backend over the CPU reference (unless
// DEEPSCRIPT_BACKEND=cpu), with the reference as the fallback for everything WASM lacks.
import { useKernels } from "./registry.js";
import { initWasmKernels, type WasmKernels } from "./wasm/index.js";
import { wasmOverrides } from "./wasmBackend.js";
import { useFusedKernels } from "./fused.js";
import type { Storage } from "../tensor/Tensor.js";

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

/** Storages from this many elements are pinned (below, copies cost less than the bookkeeping). */
const MIN_PIN_ELEMENTS = 4096;
/** At most this much pinned at once; beyond it, storages stay ordinary arrays. */
const PIN_LIMIT_BYTES = 256 * 2 ** 20;

/**
 * Resident blocks of the kernels' linear memory and who owns them. A block owned by a storage is
 * freed when that storage is garbage-collected (its view is reachable only through it); a block
 * released from its storage (a dropped gradient going to the reuse pool, see recycle.ts) is owned by
 * the pool until a new storage adopts it, or freed explicitly.
 */
class ResidentStore {
  private readonly blocks = new WeakMap<Float32Array, [number, number]>();
  private readonly registry: FinalizationRegistry<[number, number]>;
  constructor(private readonly k: WasmKernels) {
    this.registry = new FinalizationRegistry(([ptr, bytes]) => k.unpin(ptr, bytes));
  }
  /** Moves a storage's values into a resident block (its data becomes the block's view). */
  pin(storage: Storage): void {
    const data = storage.data;
    if (!(data instanceof Float32Array) || data.length < MIN_PIN_ELEMENTS || this.k.runtime.addressOf(data) >= 0) return;
    const view = this.copy(data);
    if (view === null) return;
    storage.data = view;
    this.adopt(storage);
  }
  /** A resident copy of `data` that no storage owns yet, or null (memory not shared, or the limit reached). */
  copy(data: Float32Array): Float32Array | null {
    const block = this.k.pin(data, PIN_LIMIT_BYTES);
    if (block === null) return null;
    this.blocks.set(block.view, [block.ptr, block.bytes]);
    return block.view;
  }
  /** The storage now owns its resident view (no-op for other data). */
  adopt(storage: Storage): void {
    const block = this.blocks.get(storage.data as Float32Array);
    if (block) this.registry.register(storage, block, storage);
  }
  /** The storage gives up its resident view; false if its data is not a resident block. */
  release(storage: Storage): boolean {
    if (!this.blocks.has(storage.data as Float32Array)) return false;
    this.registry.unregister(storage);
    return true;
  }
  /** Frees a block no storage owns. */
  free(view: Float32Array): void {
    const block = this.blocks.get(view);
    if (!block) return;
    this.blocks.delete(view);
    this.k.unpin(block[0], block[1]);
  }
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
