// The fast float32 kernels (WebAssembly SIMD + worker threads) behind a plain TypedArray API.
import { gemm, gemmBatched, type BatchedGemmOptions, type BatchedMatrixView, type GemmOptions, type MatrixView } from "./gemm.js";
import type { WasmPlatform } from "./platform.js";
import { WasmRuntime, type RuntimeOptions } from "./WasmRuntime.js";

export interface WasmKernelsOptions extends RuntimeOptions {
  /** Host services; default: Node's when running under Node, otherwise the browser's. */
  platform?: WasmPlatform;
}

/**
 * The kernels of one WebAssembly instance. Create with `await WasmKernels.create()` (or the shared
 * `initWasmKernels()`); every kernel call is then synchronous.
 */
export class WasmKernels {
  private constructor(readonly runtime: WasmRuntime) {}

  static async create(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
    const platform = options.platform ?? (await defaultPlatform());
    return new WasmKernels(await WasmRuntime.create(platform, options));
  }

  /** "relaxed" (fused multiply-add) or "simd", with "Shared" when threads are possible. */
  get variant(): string {
    return this.runtime.variant;
  }

  getNumThreads(): number {
    return this.runtime.getNumThreads();
  }

  /** Threads to use including the calling one; resolves when the workers are ready. */
  setNumThreads(n: number): Promise<void> {
    return this.runtime.setNumThreads(n);
  }

  /** Stops the worker threads; kernels keep running on the calling thread. */
  terminate(): void {
    this.runtime.terminate();
  }

  /** C = alpha·op(A)·op(B) + beta·C; op(A) is m×k, op(B) is k×n (see MatrixView). */
  gemm(m: number, n: number, k: number, a: MatrixView, b: MatrixView, options?: GemmOptions): Float32Array {
    return gemm(this.runtime, m, n, k, a, b, options);
  }

  /** C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i] for i < batch. */
  gemmBatched(batch: number, m: number, n: number, k: number, a: BatchedMatrixView, b: BatchedMatrixView, options?: BatchedGemmOptions): Float32Array {
    return gemmBatched(this.runtime, batch, m, n, k, a, b, options);
  }
}

async function defaultPlatform(): Promise<WasmPlatform> {
  const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
  return isNode ? (await import("./nodePlatform.js")).nodePlatform : (await import("./browserPlatform.js")).browserPlatform;
}

let shared: Promise<WasmKernels> | null = null;

/** The process-wide kernels instance, created on first call. */
export function initWasmKernels(options?: WasmKernelsOptions): Promise<WasmKernels> {
  shared ??= WasmKernels.create(options);
  return shared;
}
