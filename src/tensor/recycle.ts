// Reuse of dropped gradient buffers. JavaScript cannot free memory, so every new tensor is written
// into memory the CPU has not touched lately (measured: 100,352 floats cost ~90 µs more as a fresh
// array than as a reused one, most of a GEMM's time at that size). PyTorch's caching allocator hands
// a freed gradient's block to the next allocation of that size; here `zeroGrad()` does the same for
// gradients that never left the library (see Tensor.gradExposed), and large matmul outputs take them.
import type { Storage, Tensor } from "./Tensor.js";
import { fusedKernels } from "../backend/fused.js";

/** Only buffers of at least this many elements are kept (smaller ones are cheap to allocate). */
const MIN_ELEMENTS = 16384;
/** At most this many buffers of one size, and this many bytes in all. */
const PER_SIZE = 4;
const MAX_BYTES = 128 * 2 ** 20;

const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;

/** The gradient without marking it as seen by user code (for library code that does not keep it). */
export function peekGrad(t: Tensor): Tensor | null {
  return t.gradValue;
}

/** Sets a gradient that user code has not seen yet. */
export function setGradQuietly(t: Tensor, g: Tensor | null): void {
  t.gradValue = g;
}

/**
 * Drops t's gradient (zeroGrad with setToNone) and keeps its buffer for reuse when nothing outside
 * the library can hold it: never read through `.grad`, a float32 tensor owning all of its storage.
 */
export function dropGrad(t: Tensor): void {
  const g = t.gradValue;
  t.gradValue = null;
  if (g === null || g.gradExposed || g.dtype !== "float32" || g.requiresGrad || g.size < MIN_ELEMENTS) return;
  let data = g.storage.data as Float32Array;
  if (g.offset !== 0 || data.length !== g.size || !g.isContiguous()) return;
  const fast = fusedKernels();
  const resident = fast.releaseResident?.(g.storage) ?? false;
  const list = pool.get(data.length) ?? [];
  if (list.length >= PER_SIZE || pooledBytes + data.byteLength > MAX_BYTES) {
    if (resident) fast.freeResident!(data);
    return;
  }
  // The first time, the buffer moves into the kernels' memory: the next matmul then writes into it
  // and the optimizer reads it in place, without copies.
  if (!resident) data = fast.residentCopy?.(data) ?? data;
  list.push(data);
  pool.set(data.length, list);
  pooledBytes += data.byteLength;
}

/** Call once a storage is built over a buffer from takeRecycledF32 (it now owns the buffer). */
export function adoptRecycled(storage: Storage): void {
  fusedKernels().adoptResident?.(storage);
}

/** A recycled buffer of exactly `length` floats (contents arbitrary), or undefined. */
export function takeRecycledF32(length: number): Float32Array | undefined {
  if (length < MIN_ELEMENTS) return undefined;
  const list = pool.get(length);
  const data = list?.pop();
  if (data !== undefined) pooledBytes -= data.byteLength;
  return data;
}
