// Reuse of dropped gradient and disposed tensor buffers. JavaScript cannot free memory, so every new tensor is written
// into memory the CPU has not touched lately (measured: 100,352 floats cost ~90 µs more as a fresh
// array than as a reused one, most of a GEMM's time at that size). PyTorch's caching allocator hands
// a freed gradient's block to the next allocation of that size; here `zeroGrad()` does the same for
// gradients that never left the library (see Tensor.gradExposed and src/tensor/recycle.ts),
// `Tensor.dispose()` for storages no tensor or tape node claims any more (see Storage.refs), and
// large matmul outputs take them. Storage-level only: it knows nothing of tensors.
import type { Storage } from "./storage.js";
import { fusedKernels } from "./fused.js";
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";

/**
 * Only buffers of at least this many elements (8 KiB) are kept; smaller ones are cheap to allocate. A
 * fresh array is not free from this size on: in a tight loop, writing a new 32 KiB array (128×64
 * activations) took ~5–9 µs against ~1–2 µs for a reused one (memory the CPU has not touched lately).
 */
const MIN_ELEMENTS = 2048;
/** The smallest storage (in elements) whose memory the pool takes back. */
export const POOLED_ELEMENTS = MIN_ELEMENTS;
/** At most this many buffers of one size, and this many bytes in all. */
const PER_SIZE = 4;
const MAX_BYTES = 128 * 2 ** 20;

const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
/**
 * Arrays the library allocated for kernel outputs (allocateUninitialized): once disposed, the array
 * itself can serve the next output of its length. A second pool, of ordinary (not resident) arrays.
 */
const owned = new WeakSet<Float32Array>();
const plain = new Map<number, Float32Array[]>();
let plainBytes = 0;
const MAX_PLAIN_BYTES = 64 * 2 ** 20;

/** Lengths that kernels asked the pool for and did not get (recently): worth copying into resident memory. */
const wanted = new Set<number>();
const MAX_WANTED = 64;
/**
 * Resident blocks of each length that the pool handed to a kernel's output and that have not come
 * back. A block comes back only if that output is disposed (or dropped as a gradient); blocks of
 * outputs left to the garbage collector are freed by it, which JavaScript does not run inside a
 * synchronous loop. New resident copies are made only while fewer than PER_SIZE blocks of a length
 * circulate (handed out or pooled), so WASM memory cannot grow with every disposal, even when
 * returned blocks go out again to outputs that are never disposed.
 */
const handedOut = new Map<number, number>();

/** Resident blocks of `length` handed out or waiting in the pool. */
function circulating(length: number): number {
  return (handedOut.get(length) ?? 0) + (pool.get(length)?.length ?? 0);
}

/** A handed-out resident block of `length` came back. */
function returned(length: number): void {
  const out = handedOut.get(length);
  if (out) handedOut.set(length, out - 1);
}

/**
 * Keeps the buffer of a dropped gradient (a float32 storage it owns entirely, which nothing outside
 * the library can hold) for reuse; see dropGrad in src/tensor/recycle.ts.
 */
export function keepGradStorage(storage: Storage): void {
  if (storage.device !== null) return;
  const data = storage.data as Float32Array;
  if (data.length < MIN_ELEMENTS) return;
  const fast = fusedKernels();
  const resident = fast.releaseResident?.(storage) ?? false;
  if (resident) returned(data.length);
  if (!hasRoom(data)) {
    if (resident) fast.freeResident!(data);
    return;
  }
  // The first time, the buffer moves into the kernels' memory: the next matmul then writes into it
  // and the optimizer reads it in place, without copies.
  const copy = resident || circulating(data.length) >= PER_SIZE ? null : fast.residentCopy?.(data);
  keep(resident ? data : copy ?? data);
}

function hasRoom(data: Float32Array): boolean {
  return (pool.get(data.length)?.length ?? 0) < PER_SIZE && pooledBytes + data.byteLength <= MAX_BYTES;
}

function keep(data: Float32Array): void {
  const list = pool.get(data.length) ?? [];
  list.push(data);
  pool.set(data.length, list);
  pooledBytes += data.byteLength;
}

/** A storage whose `data` was given back: any stale use reads nothing instead of another tensor's values. */
const EMPTY = new Float32Array(0);

/**
 * Drops one claim on a storage (see Storage.refs). The last one hands its memory to the pool: a
 * resident block itself, or a resident copy of other data (so an array a caller passed in is never
 * written by the library). Storages too small, of other dtypes, or without resident memory are left
 * to the garbage collector.
 */
export function releaseStorage(storage: Storage): void {
  if (--storage.refs > 0) return;
  if (storage.device !== null) {
    // device memory goes back to the device's pool now (else a FinalizationRegistry frees it later)
    storage.device.release();
    return;
  }
  const data = storage.data;
  if (!(data instanceof Float32Array) || data.length < MIN_ELEMENTS) return;
  const fast = fusedKernels();
  const room = hasRoom(data);
  if (fast.releaseResident?.(storage)) {
    returned(data.length);
    if (room) keep(data);
    else fast.freeResident!(data);
    storage.data = EMPTY;
    return;
  }
  // Other data is copied into resident memory only for a size some kernel is asking for.
  const copy = room && circulating(data.length) < PER_SIZE && wanted.has(data.length) ? fast.residentCopy?.(data) : null;
  if (copy) {
    keep(copy);
    storage.data = EMPTY;
  } else if (owned.has(data) && (plain.get(data.length)?.length ?? 0) < PER_SIZE && plainBytes + data.byteLength <= MAX_PLAIN_BYTES) {
    const list = plain.get(data.length) ?? [];
    list.push(data);
    plain.set(data.length, list);
    plainBytes += data.byteLength;
    storage.data = EMPTY;
  }
}

/** Records an output array the library allocated (see `owned`); only large float32 ones matter. */
export function markOwnedF32(data: Float32Array): void {
  if (data.length >= MIN_ELEMENTS) owned.add(data);
}

/** A disposed output array of exactly `length` floats (ordinary memory, contents arbitrary), or undefined. */
export function takePlainF32(length: number): Float32Array | undefined {
  if (length < MIN_ELEMENTS) return undefined;
  const data = plain.get(length)?.pop();
  if (data !== undefined) plainBytes -= data.byteLength;
  return data;
}

/** Call once a storage is built over a buffer from takeRecycledF32 (it now owns the buffer). */
export function adoptRecycled(storage: Storage): void {
  fusedKernels().adoptResident?.(storage);
}

/**
 * Set while a kernel computes outputs that the autograd tape saves (a training forward pass): such
 * activations live until the garbage collector finds them, which it does not inside a synchronous loop,
 * so a resident block handed to one would be lost to the pool, and the gradients of the same size that
 * backward gives back (see releaseConsumed in src/autograd/backward.ts) would soon find it empty.
 */
let outputsSaved = false;

/** Marks the outputs of the kernels that follow as saved by the tape (see outputsSaved); returns the previous mark. */
export function markOutputsSaved(saved: boolean): boolean {
  const previous = outputsSaved;
  outputsSaved = saved;
  return previous;
}

/** Depth of internalOutputs scopes. */
let internal = 0;

/**
 * Runs `fn`, whose saved outputs still take resident blocks: for a library function that drops its own
 * claims on the workspaces it saves for backward (an LSTM's gates), which then come back to the pool
 * once backward has used them.
 */
export function internalOutputs<T>(fn: () => T): T {
  internal++;
  try {
    return fn();
  } finally {
    internal--;
  }
}

/**
 * A recycled buffer of exactly `length` floats (contents arbitrary), or undefined: a resident one if
 * any (the caller must then adoptRecycled its storage), else an ordinary one; only an ordinary one for
 * an output the tape saves (outside internalOutputs).
 */
export function takeRecycledF32(length: number): Float32Array | undefined {
  return take(length, true);
}

/**
 * Like takeRecycledF32, but a miss does not ask for resident copies of `length`: for the forward
 * elementwise kernels (maps, max pooling), which use a resident block when one waits in the pool but
 * gain too little from one to pay a copy at every disposal. A disposed ordinary array of a length that
 * only they produce is then handed on as it is (see releaseStorage). Gradient kernels (reluBackward,
 * maxPoolBackward) still ask: backward gives their outputs back at once, so such a block circulates.
 */
export function takePooledF32(length: number): Float32Array | undefined {
  return take(length, false);
}

function take(length: number, ask: boolean): Float32Array | undefined {
  if (length < MIN_ELEMENTS) return undefined;
  if (outputsSaved && internal === 0) return takePlainF32(length);
  const data = pool.get(length)?.pop();
  if (data !== undefined) {
    pooledBytes -= data.byteLength;
    handedOut.set(length, (handedOut.get(length) ?? 0) + 1);
    return data;
  }
  if (ask) {
    if (wanted.size >= MAX_WANTED) wanted.clear();
    wanted.add(length);
  }
  return takePlainF32(length);
}

/** Node's Buffer, when present (feature-detected: the core imports no Node module). */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafe(bytes: number): Uint8Array } }).Buffer;
/** From this many bytes, uninitialized arrays come from Buffer.allocUnsafe (below 4 KiB Node serves them from a shared pool). */
const UNINITIALIZED_MIN_BYTES = 8192;

/**
 * Like allocate() but with arbitrary contents, for outputs whose every element the caller writes. In Node,
 * arrays from 8 KiB on then skip the zero fill (and the fresh pages it touches): filling a new array by
 * `set` took 1.9 vs 3.1 µs at 8 KiB, 2.7 vs 3.4 at 32 KiB and 73 vs 239 µs at 1 MiB against
 * `new Float32Array` (measured on the 2-core dev machine). Elsewhere (browsers) it is allocate().
 */
export function allocateUninitialized(dtype: DType, size: number): TypedArray {
  if (dtype === "float32") {
    // A disposed tensor's array of this length, if there is one (see releaseStorage).
    const reused = takePlainF32(size);
    if (reused !== undefined) return reused;
  }
  const Ctor = ARRAY_TYPES[dtype];
  const bytes = size * Ctor.BYTES_PER_ELEMENT;
  let out: TypedArray;
  if (nodeBuffer === undefined || bytes < UNINITIALIZED_MIN_BYTES) out = allocate(dtype, size);
  else {
    const b = nodeBuffer.allocUnsafe(bytes);
    out = b.byteOffset % 8 === 0 ? new Ctor(b.buffer as ArrayBuffer, b.byteOffset, size) : allocate(dtype, size);
  }
  if (dtype === "float32") markOwnedF32(out as Float32Array);
  return out;
}

const ARRAY_TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
