// One instance of the kernel module: its linear memory, the operand arena, and the worker pool.
import { WebAssemblyApi, type WasmInstance, type WasmMemory, type WasmModule } from "./webassemblyApi.js";
import { loadKernelModule, THREADED_KERNELS, type KernelExports, type LoadOptions, type ThreadedKernel, type Variant } from "./loadKernels.js";
import type { WasmPlatform, WorkerLike } from "./platform.js";
import { CONTROL_BYTES, MAX_JOB_ARGS, SPIN_MS, workerBody } from "./workerSource.js";

const PAGE = 65536;
/** Most worker threads a runtime can start (bounds the control-block region). */
const MAX_WORKERS = 63;

const align64 = (x: number): number => Math.ceil(x / 64) * 64;

export interface RuntimeOptions extends LoadOptions {
  /** Threads including the calling one; default: the platform's core count (1 without shared memory). */
  threads?: number;
}

interface PoolWorker {
  worker: WorkerLike;
  /** Int32 index of this worker's control block in `control`. */
  slot: number;
  ready: Promise<void>;
  seq: number;
}

/**
 * Owns the kernel instance. Operands are copied into a bump-allocated arena that is reset before
 * each kernel call and grown (never shrunk) as needed, so steady-state calls allocate nothing.
 * Worker threads instantiate the same module on the same shared memory and run kernel calls that
 * `runParallel` posts through per-worker control blocks (Atomics.wait/notify, no message passing).
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
  private readonly controlArgs: Float64Array[] = [];
  private readonly arenaBase: number;
  private top: number;
  private readonly workers: PoolWorker[] = [];
  private threads = 1;

  private constructor(platform: WasmPlatform, loaded: Awaited<ReturnType<typeof loadKernelModule>>, memory: WasmMemory, instance: WasmInstance) {
    this.platform = platform;
    this.module = loaded.module;
    this.variant = loaded.variant;
    this.relaxed = loaded.relaxed;
    this.shared = loaded.shared;
    this.memory = memory;
    this.exports = instance.exports as unknown as KernelExports;
    this.controlBase = align64(this.exports.heapBase());
    this.arenaBase = align64(this.controlBase + MAX_WORKERS * CONTROL_BYTES);
    this.top = this.arenaBase;
    this.ensure(this.arenaBase);
    this.control = new Int32Array(memory.buffer, this.controlBase, (MAX_WORKERS * CONTROL_BYTES) / 4);
  }

  static async create(platform: WasmPlatform, options: RuntimeOptions = {}): Promise<WasmRuntime> {
    const loaded = await loadKernelModule(platform, options);
    const memory = new WebAssemblyApi.Memory(
      loaded.shared
        ? { initial: 1, maximum: platform.maxMemoryPages, shared: true }
        : { initial: 1, maximum: platform.maxMemoryPages },
    );
    const instance = await WebAssemblyApi.instantiate(loaded.module, { env: { memory } });
    const runtime = new WasmRuntime(platform, loaded, memory, instance);
    const threads = options.threads ?? (loaded.shared ? Math.min(platform.hardwareConcurrency(), MAX_WORKERS + 1) : 1);
    await runtime.setNumThreads(threads);
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
    if (length > 0) this.f32(ptr, length).set(src.subarray(start, start + length));
    return ptr;
  }

  /** A Float32Array view of `length` floats at `ptr` (valid until memory grows). */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > this.platform.maxMemoryPages) {
      throw new Error(
        `wasm kernels: operands need ${Math.ceil(end / 2 ** 20)} MiB of linear memory, more than the ` +
          `${(this.platform.maxMemoryPages * PAGE) / 2 ** 20} MiB this platform allows`,
      );
    }
    this.memory.grow(pages);
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
    if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected an integer >= 1, got ${n}`);
    if (n > 1 && !this.shared) {
      throw new Error(`setNumThreads: ${n} threads need SharedArrayBuffer (in browsers: a cross-origin-isolated page)`);
    }
    if (n > MAX_WORKERS + 1) throw new Error(`setNumThreads: at most ${MAX_WORKERS + 1} threads, got ${n}`);
    this.threads = n;
    while (this.workers.length < n - 1) this.spawn();
    return Promise.all(this.workers.slice(0, n - 1).map((w) => w.ready)).then(() => undefined);
  }

  private spawn(): void {
    const index = this.workers.length;
    const byteOffset = this.controlBase + index * CONTROL_BYTES;
    const worker = this.platform.spawnWorker(workerBody);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onMessage((message) => {
        if (message === "ready") resolve();
      });
      worker.onError((error) => reject(new Error(`wasm kernels: worker ${index} failed to start: ${String(error)}`)));
    });
    ready.catch(() => undefined); // surfaced through setNumThreads' promise; never unhandled
    this.controlArgs.push(new Float64Array(this.memory.buffer, byteOffset + 32, MAX_JOB_ARGS));
    this.workers.push({ worker, slot: byteOffset / 4 - this.controlBase / 4, ready, seq: 0 });
    worker.postMessage({ module: this.module, memory: this.memory, control: byteOffset, names: THREADED_KERNELS });
  }

  /** Threads ready to take work right now (the calling thread plus started workers), at most n. */
  availableThreads(): number {
    let n = 1;
    for (let i = 0; i < this.threads - 1; i++) {
      if (Atomics.load(this.control, this.workers[i].slot + 5) === 1) n++;
      else break;
    }
    return n;
  }

  /**
   * Runs `kernel` once per argument list: the first on the calling thread, the others on workers,
   * and returns when all are done. `jobs.length` must not exceed availableThreads().
   */
  runParallel(kernel: ThreadedKernel, jobs: number[][]): void {
    const fn = this.exports[kernel] as (...args: number[]) => void;
    const posted: PoolWorker[] = [];
    for (let j = 1; j < jobs.length; j++) {
      const w = this.workers[j - 1];
      const args = jobs[j];
      this.controlArgs[j - 1].set(args);
      this.control[w.slot + 2] = THREADED_KERNELS.indexOf(kernel);
      this.control[w.slot + 3] = args.length;
      w.seq++;
      Atomics.store(this.control, w.slot, w.seq);
      Atomics.notify(this.control, w.slot);
      posted.push(w);
    }
    let error: unknown = null;
    try {
      fn(...jobs[0]);
    } catch (e) {
      error = e;
    }
    for (const w of posted) {
      const done = w.slot + 1;
      const spinUntil = performance.now() + SPIN_MS;
      while (Atomics.load(this.control, done) !== w.seq && performance.now() < spinUntil);
      while (Atomics.load(this.control, done) !== w.seq) {
        if (this.platform.canBlock) Atomics.wait(this.control, done, w.seq - 1, 1000);
      }
      if (this.control[w.slot + 4] !== 0) error ??= new Error(`wasm kernels: ${kernel} trapped in a worker thread`);
    }
    if (error) throw error;
  }

  /** Stops the workers (the runtime keeps working on the calling thread only). */
  terminate(): void {
    for (const w of this.workers) w.worker.terminate();
    this.workers.length = 0;
    this.threads = 1;
  }
}
