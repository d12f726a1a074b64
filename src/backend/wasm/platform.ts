// What the WASM kernels need from their host (Node or a browser), so the core loader uses no Node API.

/** A started worker thread, reduced to what the thread pool uses. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  onError(handler: (error: unknown) => void): void;
  terminate(): void;
}

/** Host services: thread count, workers, and whether the calling thread may block. */
export interface WasmPlatform {
  readonly name: string;
  /** Logical cores available to this process: the default number of threads. */
  hardwareConcurrency(): number;
  /** Whether the calling thread may sleep in Atomics.wait (false on a browser's main thread). */
  readonly canBlock: boolean;
  /** Largest linear memory to reserve, in 64 KiB pages (65536 = 4 GiB, the wasm32 limit). */
  readonly maxMemoryPages: number;
  /** Lets the engine accept relaxed-SIMD modules where it needs to be told (Node 20: a V8 flag). */
  enableRelaxedSimd(): void;
  /**
   * Starts a worker running `body` (plain JS that works as a classic script or module), which talks to its parent through a variable
   * `host` = { on(handler), post(message) } that the platform defines before `body`. The worker must
   * not keep the process alive once it has sent its first message (it is idle from then on).
   */
  spawnWorker(body: string): WorkerLike;
}
