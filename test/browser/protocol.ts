// The JSON that test/browser/entry.ts leaves in `globalThis.__result` for browser.test.ts.

/** One kernel agreement check: the worst error of WASM vs the CPU reference and its allowed bound. */
export interface KernelCheck {
  name: string;
  error: number;
  bound: number;
}

export interface TrainingReport {
  backend: "cpu" | "wasm" | "webgpu";
  /** Cross-entropy before each SGD step. */
  losses: number[];
  /** Training accuracy after the last step. */
  accuracy: number;
  /** Whether the largest weight ended up pinned (its storage a view of the kernels' shared memory). */
  pinned: boolean;
}

export interface ThreadReport {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  hardwareConcurrency: number;
  /** Kernel binary in use ("relaxedShared", "simdShared", "relaxed", "simd"). */
  variant: string;
  /** ds.getNumThreads() right after import (the library's default). */
  defaultThreads: number;
  /** ds.getNumThreads() for the threaded GEMM (at least 2 where SharedArrayBuffer exists). */
  threads: number;
  /** Chunks each worker ran, summed over the threaded GEMM calls. */
  workerChunks: number[];
  threadedMatmulError: number;
  threadedMatmulBound: number;
}

export interface BrowserResult {
  userAgent: string;
  backend: "cpu" | "wasm" | "webgpu";
  kernels: KernelCheck[];
  training: TrainingReport;
  /** The same task with a 2-256-64-3 MLP and Adam: pinned weights, fused Adam, reused gradient buffers. */
  trainingLarge: TrainingReport;
  threads: ThreadReport;
  /** Milliseconds the page spent in the checks (after import). */
  ms: number;
}

/**
 * What test/browser/webgpu-entry.ts leaves in `globalThis.__webgpuAdapter` as soon as it has asked for a
 * WebGPU device: the adapter's one-line name, or null and the reason there is none.
 */
export interface WebGPUPageAdapter {
  adapter: string | null;
  reason: string;
  userAgent: string;
}
