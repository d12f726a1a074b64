// Pinned (resident) tensor storage: blocks of the kernels' shared linear memory owned by storages.
import type { Storage } from "../storage.js";
import type { WasmKernels } from "./WasmKernels.js";

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
export class ResidentStore {
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
