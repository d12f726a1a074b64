// One instance of the kernel module: its linear memory, the operand arena, and the worker pool.
import { WebAssemblyApi, type WasmInstance, type WasmMemory, type WasmModule } from "./webassemblyApi.js";
import { loadKernelModule, loadKernelModuleSync, THREADED_KERNELS, type KernelExports, type LoadOptions, type ThreadedKernel, type Variant } from "./loadKernels.js";
import type { WasmPlatform, WorkerLike } from "./platform.js";
import { claimChunk, CONTROL_BYTES, MAX_CHUNKS, MAX_JOB_ARGS, MAX_WORKERS, SLOT, SPIN_MS, TABLE_OFFSET, workerBody } from "./workerSource.js";

const PAGE = 65536;

const align64 = (x: number): number => Math.ceil(x / 64) * 64;

function createMemory(platform: WasmPlatform, shared: boolean): WasmMemory {
  return new WebAssemblyApi.Memory(
    shared ? { initial: 1, maximum: platform.maxMemoryPages, shared: true } : { initial: 1, maximum: platform.maxMemoryPages },
  );
}

/** Threads including the calling one: the option, else one per core where memory is shared, else 1. */
function defaultThreads(platform: WasmPlatform, shared: boolean, options: RuntimeOptions): number {
  return options.threads ?? (shared ? Math.min(platform.hardwareConcurrency(), MAX_WORKERS + 1) : 1);
}

export interface RuntimeOptions extends LoadOptions {
  /** Threads including the calling one; default: the platform's core count (1 without shared memory). */
  threads?: number;
}

interface PoolWorker {
  worker: WorkerLike;
  ready: Promise<void>;
}

/**
 * Owns the kernel instance. Operands are copied into a bump-allocated arena that is reset before
 * each kernel call and grown (never shrunk) as needed, so steady-state calls allocate nothing.
 * Worker threads instantiate the same module on the same shared memory and run kernel calls that
 * `runParallel` spreads over chunks that all threads claim from a shared counter (see workerSource.ts).
 */
export class WasmRuntime {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  readonly variant: Variant;
  readonly relaxed: boolean;
  private readonly module: WasmModule;
  private readonly platform: WasmPlatform;
  private readonly shared: boolean;
  private readonly controlBase: number;
  private readonly control: Int32Array;
  private readonly table: Float64Array;
  private generation = 0;
  /** Start of the arena: everything below it (down to residentBase) is resident blocks. */
  private arenaBase: number;
  private readonly residentBase: number;
  private top: number;
  /** Freed resident blocks (address, bytes), reused first-fit. */
  private readonly freeBlocks: [number, number][] = [];
  private residentBytes = 0;
  /** Every SharedArrayBuffer object that has backed `heap` (one per growth): views on any of them are resident. */
  private readonly heapBuffers = new WeakSet<object>();
  private readonly workers: PoolWorker[] = [];
  private threads = 1;
  /** A view of the whole linear memory and its size, renewed whenever ensure() grows it. */
  private heap!: Float32Array;
  private heapBytes = 0;

  private constructor(platform: WasmPlatform, loaded: Awaited<ReturnType<typeof loadKernelModule>>, memory: WasmMemory, instance: WasmInstance) {
    this.platform = platform;
    this.module = loaded.module;
    this.variant = loaded.variant;
    this.relaxed = loaded.relaxed;
    this.shared = loaded.shared;
    this.memory = memory;
    this.exports = instance.exports as unknown as KernelExports;
    this.controlBase = align64(this.exports.heapBase());
    this.arenaBase = align64(this.controlBase + CONTROL_BYTES);
    this.residentBase = this.arenaBase;
    this.top = this.arenaBase;
    this.refreshHeap();
    this.ensure(this.arenaBase);
    this.control = new Int32Array(memory.buffer, this.controlBase, TABLE_OFFSET / 4);
    this.table = new Float64Array(memory.buffer, this.controlBase + TABLE_OFFSET, MAX_CHUNKS * MAX_JOB_ARGS);
  }

  static async create(platform: WasmPlatform, options: RuntimeOptions = {}): Promise<WasmRuntime> {
    const loaded = await loadKernelModule(platform, options);
    const memory = createMemory(platform, loaded.shared);
    const instance = await WebAssemblyApi.instantiate(loaded.module, { env: { memory } });
    const runtime = new WasmRuntime(platform, loaded, memory, instance);
    await runtime.setNumThreads(defaultThreads(platform, loaded.shared, options));
    return runtime;
  }

  /**
   * The same without waiting: compiles and instantiates the module on the calling thread and starts
   * the worker threads in the background (`threadsReady()` resolves once they run). Kernels work at
   * once; until the workers are ready they run on the calling thread, since runParallel only hands
   * chunks to ready workers.
   */
  static createSync(platform: WasmPlatform, options: RuntimeOptions = {}): WasmRuntime {
    const loaded = loadKernelModuleSync(platform, options);
    const memory = createMemory(platform, loaded.shared);
    const instance = new WebAssemblyApi.Instance(loaded.module, { env: { memory } });
    const runtime = new WasmRuntime(platform, loaded, memory, instance);
    runtime.startThreads(defaultThreads(platform, loaded.shared, options));
    return runtime;
  }

  // ---- arena -------------------------------------------------------------------------------

  /** Frees every arena allocation (call at the start of each kernel invocation). */
  resetArena(): void {
    this.top = this.arenaBase;
  }

  /** Reserves `bytes` bytes (64-byte aligned) and returns their address, growing memory if needed. */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align64(ptr + bytes);
    this.ensure(this.top);
    return ptr;
  }

  /** Allocates room for `length` floats and copies src[start, start + length) there. */
  put(src: Float32Array, start: number, length: number): number {
    const ptr = this.alloc(length * 4);
    if (length > 0) this.heap.set(start === 0 && length === src.length ? src : src.subarray(start, start + length), ptr >>> 2);
    return ptr;
  }

  /** Allocates room for the int32 entries of `src` and copies them there (their bits, unchanged). */
  putInt32(src: Int32Array): number {
    return this.put(new Float32Array(src.buffer, src.byteOffset, src.length), 0, src.length);
  }

  /**
   * The address of src[start] when src is a view of this module's (shared) linear memory, so a kernel
   * can read it in place; otherwise copies src[start, start + length) into the arena like put().
   * Only for operands the kernel does not write.
   */
  ref(src: Float32Array, start: number, length: number): number {
    const at = this.addressOf(src);
    return at >= 0 ? at + 4 * start : this.put(src, start, length);
  }

  /** Byte address of src[0] if src lives in this module's shared linear memory, else −1. */
  addressOf(src: Float32Array): number {
    return this.shared && this.heapBuffers.has(src.buffer) ? src.byteOffset : -1;
  }

  // ---- resident blocks ----------------------------------------------------------------------

  /**
   * A copy of `src` in a resident block of linear memory (a stable address that kernels read and
   * write in place, and worker threads see), or null when memory is not shared (growing a private
   * memory would detach the view) or `limitBytes` of resident blocks are in use. Never call this
   * while a kernel runs: the arena moves up to make room. Free the block with freeResident.
   */
  allocResident(src: Float32Array, limitBytes: number): { view: Float32Array; ptr: number; bytes: number } | null {
    const bytes = align64(Math.max(4 * src.length, 64));
    if (!this.shared || this.residentBytes + bytes > limitBytes) return null;
    let ptr = -1;
    const fit = this.freeBlocks.findIndex(([, size]) => size >= bytes);
    if (fit >= 0) {
      const [at, size] = this.freeBlocks[fit]!;
      ptr = at;
      if (size > bytes) this.freeBlocks[fit] = [at + bytes, size - bytes];
      else this.freeBlocks.splice(fit, 1);
    } else {
      ptr = this.arenaBase;
      this.ensure(ptr + bytes);
      this.arenaBase = ptr + bytes;
      this.top = this.arenaBase;
    }
    this.residentBytes += bytes;
    const view = this.f32(ptr, src.length);
    view.set(src);
    return { view, ptr, bytes };
  }

  /** Returns a block from allocResident (its views must no longer be used). */
  freeResident(ptr: number, bytes: number): void {
    this.residentBytes -= bytes;
    this.freeBlocks.push([ptr, bytes]);
    this.freeBlocks.sort((a, b) => a[0] - b[0]);
    // coalesce neighbours, then give a free block at the top back to the arena
    for (let i = this.freeBlocks.length - 1; i > 0; i--) {
      const [a, sa] = this.freeBlocks[i - 1]!, [b, sb] = this.freeBlocks[i]!;
      if (a + sa === b) this.freeBlocks.splice(i - 1, 2, [a, sa + sb]);
    }
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    if (last && last[0] + last[1] === this.arenaBase) {
      this.freeBlocks.pop();
      this.arenaBase = last[0];
      this.top = this.arenaBase;
    }
  }

  /** Bytes of resident blocks in use, and how many free gaps lie between them. */
  residentStats(): { bytes: number; freeBlocks: number; base: number; arenaBase: number } {
    return { bytes: this.residentBytes, freeBlocks: this.freeBlocks.length, base: this.residentBase, arenaBase: this.arenaBase };
  }

  /** A Float32Array view of `length` floats at `ptr` (valid until memory grows). */
  f32(ptr: number, length: number): Float32Array {
    return this.heap.subarray(ptr >>> 2, (ptr >>> 2) + length);
  }

  private refreshHeap(): void {
    this.heap = new Float32Array(this.memory.buffer);
    this.heapBytes = this.heap.byteLength;
    this.heapBuffers.add(this.heap.buffer);
  }

  private ensure(end: number): void {
    if (end <= this.heapBytes) return;
    const have = this.memory.buffer.byteLength;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > this.platform.maxMemoryPages) {
      throw new Error(
        `wasm kernels: operands need ${Math.ceil(end / 2 ** 20)} MiB of linear memory, more than the ` +
          `${(this.platform.maxMemoryPages * PAGE) / 2 ** 20} MiB this platform allows`,
      );
    }
    this.memory.grow(pages);
    this.refreshHeap();
  }

  // ---- threads -----------------------------------------------------------------------------

  /** Threads that kernels may use, including the calling thread. */
  getNumThreads(): number {
    return this.threads;
  }

  /**
   * Sets the number of threads (≥ 1, including the calling thread) and starts missing workers;
   * resolves once they are ready. Workers that are still starting are simply not given work.
   */
  setNumThreads(n: number): Promise<void> {
    this.startThreads(n);
    return this.threadsReady();
  }

  /** Resolves once the workers of the current thread count are ready; rejects if one failed to start. */
  threadsReady(): Promise<void> {
    return Promise.all(this.workers.slice(0, this.threads - 1).map((w) => w.ready)).then(() => undefined);
  }

  private startThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected an integer >= 1, got ${n}`);
    if (n > 1 && !this.shared) {
      throw new Error(`setNumThreads: ${n} threads need SharedArrayBuffer (in browsers: a cross-origin-isolated page)`);
    }
    if (n > MAX_WORKERS + 1) throw new Error(`setNumThreads: at most ${MAX_WORKERS + 1} threads, got ${n}`);
    this.threads = n;
    while (this.workers.length < n - 1) this.spawn();
  }

  private spawn(): void {
    const index = this.workers.length;
    const worker = this.platform.spawnWorker(workerBody);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onMessage((message) => {
        if (message === "ready") resolve();
      });
      worker.onError((error) => reject(new Error(`wasm kernels: worker ${index} failed to start: ${String(error)}`)));
    });
    ready.catch(() => undefined); // surfaced through setNumThreads' promise; never unhandled
    this.workers.push({ worker, ready });
    worker.postMessage({ module: this.module, memory: this.memory, control: this.controlBase, names: THREADED_KERNELS, index });
  }

  /** Threads ready to take work right now: the calling thread plus started workers, at most n. */
  availableThreads(): number {
    let n = 1;
    while (n < this.threads && Atomics.load(this.control, SLOT.ready + n - 1) === 1) n++;
    return n;
  }

  /**
   * Runs `kernel` once per argument list (chunk), spread over the calling thread and the workers,
   * and returns when all chunks are done. Chunks are claimed dynamically (see workerSource.ts).
   */
  runParallel(kernel: ThreadedKernel, chunks: number[][]): void {
    if (chunks.length > MAX_CHUNKS) throw new Error(`wasm kernels: ${chunks.length} chunks, at most ${MAX_CHUNKS}`);
    const ctl = this.control;
    chunks.forEach((args, c) => this.table.set(args, c * MAX_JOB_ARGS));
    ctl[SLOT.chunks] = chunks.length;
    ctl[SLOT.kernel] = THREADED_KERNELS.indexOf(kernel);
    ctl[SLOT.argc] = chunks[0]?.length ?? 0;
    ctl[SLOT.trapped] = 0;
    ctl[SLOT.allowed] = this.availableThreads() - 1;
    Atomics.store(ctl, SLOT.finished, 0);
    this.generation = (this.generation + 1) & 0x7ffff;
    const gen = this.generation;
    Atomics.store(ctl, SLOT.claim, gen << 12);
    Atomics.add(ctl, SLOT.wake, 1);
    Atomics.notify(ctl, SLOT.wake);

    const fn = this.exports[kernel] as (...args: number[]) => void;
    let error: unknown = null;
    for (let c = claimChunk(ctl, gen, chunks.length); c >= 0; c = claimChunk(ctl, gen, chunks.length)) {
      try {
        fn(...chunks[c]);
      } catch (e) {
        error ??= e;
      }
      Atomics.add(ctl, SLOT.finished, 1);
    }
    const spinUntil = performance.now() + SPIN_MS;
    let finished = Atomics.load(ctl, SLOT.finished);
    while (finished !== chunks.length && performance.now() < spinUntil) finished = Atomics.load(ctl, SLOT.finished);
    while (finished !== chunks.length) {
      if (this.platform.canBlock) Atomics.wait(ctl, SLOT.finished, finished, 1000);
      finished = Atomics.load(ctl, SLOT.finished);
    }
    if (ctl[SLOT.trapped] !== 0) error ??= new Error(`wasm kernels: ${kernel} trapped in a worker thread`);
    if (error) throw error;
  }

  /**
   * Runs `kernel` once per argument list: on the calling thread when there is one list, else spread
   * over the threads by runParallel.
   */
  runJobs(kernel: ThreadedKernel, jobs: number[][]): void {
    if (jobs.length === 1) (this.exports[kernel] as (...args: number[]) => void)(...jobs[0]!);
    else if (jobs.length > 1) this.runParallel(kernel, jobs);
  }

  /**
   * [start, count) ranges covering [0, total) for a pass over `work` elements: one range below
   * `minWork` or on one thread, else two per thread (claimed dynamically, so a late thread costs
   * little), each start a multiple of `quantum`.
   */
  splitRange(total: number, work: number, minWork: number, quantum = 1): [number, number][] {
    const threads = work >= minWork ? this.availableThreads() : 1;
    const parts = threads === 1 ? 1 : Math.min(2 * threads, MAX_CHUNKS);
    const per = Math.max(quantum, Math.ceil(total / parts / quantum) * quantum);
    const ranges: [number, number][] = [];
    for (let start = 0; start < total; start += per) ranges.push([start, Math.min(per, total - start)]);
    return ranges;
  }

  /** How many chunks each worker has run so far (the calling thread runs the rest). */
  workerChunkCounts(): number[] {
    return this.workers.map((_, w) => Atomics.load(this.control, SLOT.workerChunks + w));
  }

  /** Stops the workers (the runtime keeps working on the calling thread only). */
  terminate(): void {
    for (const w of this.workers) w.worker.terminate();
    this.workers.length = 0;
    this.threads = 1;
  }
}
