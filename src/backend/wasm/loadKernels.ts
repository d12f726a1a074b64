// Picks and compiles the kernel binary that this engine supports (relaxed SIMD? shared memory?).
import { WebAssemblyApi, type WasmModule } from "./webassemblyApi.js";
import * as binaries from "./kernels.wasm.generated.js";
import type { WasmPlatform } from "./platform.js";

/** The functions the kernel module exports (pointers are byte offsets, strides are elements). */
export interface KernelExports {
  heapBase(): number;
  gemmWorkspaceBytes(n: number): number;
  packedBBytes(k: number, n: number): number;
  gemm(
    m: number, n: number, k: number, alpha: number,
    a: number, rsA: number, csA: number,
    b: number, rsB: number, csB: number,
    beta: number, c: number, ldc: number, work: number,
  ): void;
  gemmBatched(
    first: number, count: number, m: number, n: number, k: number, alpha: number,
    a: number, rsA: number, csA: number, strideA: number,
    b: number, rsB: number, csB: number, strideB: number,
    beta: number, c: number, ldc: number, strideC: number, work: number,
  ): void;
  unary(op: number, x: number, out: number, n: number): void;
  binary(op: number, mode: number, a: number, b: number, out: number, rows: number, cols: number): void;
  fillPlanes(out: number, values: number, planes: number, channels: number, size: number): void;
  reduce(op: number, x: number, out: number, outer: number, size: number, inner: number, acc: number): void;
  softmax(x: number, out: number, rows: number, n: number, log: number): void;
  im2col(
    x: number, cols: number, batch: number, channels: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
  ): void;
  sgd(p: number, g: number, b: number, n: number, lr: number, mu: number, keep: number, wd: number, mode: number): void;
  adam(
    p: number, g: number, m: number, v: number, vmax: number, n: number,
    stepSize: number, beta1: number, beta1c: number, beta2: number, beta2c: number, bc2: number, eps: number, wd: number, decay: number, amsgrad: number,
  ): void;
  maxPool(
    x: number, values: number, indices: number, first: number, count: number, D: number, H: number, W: number,
    table: number, oD: number, oH: number, oW: number, dStep: number, hStep: number, wStep: number,
  ): void;
  maxPool2dRegular(
    x: number, values: number, indices: number, first: number, count: number, H: number, W: number,
    oH: number, oW: number, kh: number, kw: number, sh: number, sw: number,
  ): void;
  maxPoolBackward(g: number, indices: number, out: number, first: number, count: number, inPlane: number, outPlane: number): void;
  col2im(
    cols: number, x: number, batch: number, channels: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
  ): void;
  convImages(
    first: number, count: number, x: number, channels: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
    weight: number, outChannels: number, beta: number, y: number, cols: number, work: number,
  ): void;
  convInputGradImages(
    first: number, count: number, dy: number, weight: number, outChannels: number, dx: number, channels: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
    cols: number, work: number,
  ): void;
  convWeightGradImages(
    first: number, count: number, x: number, channels: number, h: number, w: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
    dy: number, outChannels: number, dweight: number, cols: number, work: number,
  ): void;
  lstmForward(
    T: number, B: number, H: number, xg: number, whh: number, h0: number, c0: number,
    hs: number, cs: number, gates: number, reverse: number, work: number, packed: number,
  ): void;
  lstmBackward(
    T: number, B: number, H: number, dhs: number, dcs: number, whh: number, c0: number, cs: number, gates: number,
    dxg: number, dh: number, dc: number, reverse: number, work: number, packed: number, h0: number, hs: number, dW: number,
  ): void;
  gruForward(
    T: number, B: number, H: number, xg: number, whh: number, bhh: number, h0: number,
    hs: number, saved: number, reverse: number, gh: number, work: number, packed: number,
  ): void;
  gruBackward(
    T: number, B: number, H: number, dhs: number, whh: number, h0: number, hs: number, saved: number,
    dxg: number, dgh: number, dh: number, reverse: number, work: number, packed: number,
  ): void;
  spmm(row: number, col: number, values: number, x: number, out: number, E: number, rows: number, M: number, F: number, H: number): number;
  sddmm(row: number, col: number, a: number, b: number, out: number, E: number, R: number, M: number, F: number, H: number): number;
  scatterMax(src: number, index: number, out: number, seen: number, E: number, inner: number, dimSize: number): number;
  segmentSoftmax(src: number, index: number, out: number, max: number, sums: number, seen: number, E: number, inner: number, dimSize: number): number;
  attentionSoftmax(p: number, mask: number, maskBatch: number, maskRow: number, lse: number, B: number, L: number, S: number, causal: number): void;
  attentionProbs(p: number, mask: number, maskBatch: number, maskRow: number, lse: number, B: number, L: number, S: number, causal: number): void;
  attentionScoreGrad(
    ds: number, p: number, gOut: number, goBatch: number, goRow: number, out: number, oBatch: number, oRow: number, gLse: number, B: number, L: number, S: number, Ev: number,
  ): void;
  layerNormForward(x: number, w: number, b: number, y: number, mean: number, rstd: number, rows: number, D: number, eps: number): void;
  layerNormBackward(g: number, x: number, mean: number, rstd: number, w: number, dx: number, dw: number, db: number, rows: number, D: number, acc: number): void;
  gatherRows(x: number, index: number, out: number, m: number, n: number, R: number): number;
  scatterAddRows(out: number, index: number, src: number, m: number, n: number, R: number): number;
}

/** Kernels that worker threads can run, by index in this list. */
export const THREADED_KERNELS = [
  "gemm", "gemmBatched", "im2col", "col2im", "maxPool", "maxPool2dRegular", "maxPoolBackward", "unary", "binary", "reduce", "fillPlanes",
  "convImages", "convInputGradImages", "convWeightGradImages",
] as const;
export type ThreadedKernel = (typeof THREADED_KERNELS)[number];

export type Variant = keyof typeof binaries;

export interface LoadedModule {
  module: WasmModule;
  variant: Variant;
  /** Whether the module imports a shared memory (so worker threads can use it). */
  shared: boolean;
  /** Whether multiply-adds are fused (relaxed SIMD). */
  relaxed: boolean;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Whether this engine can create a shared WebAssembly.Memory (SharedArrayBuffer available). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  try {
    new WebAssemblyApi.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export interface LoadOptions {
  /** Use a shared memory module (needed for threads); default: when the engine supports it. */
  shared?: boolean;
  /** Use fused multiply-add (relaxed SIMD); default: when the engine supports it. */
  relaxed?: boolean;
}

/** The bytes of the best variant this engine validates, before compilation. */
interface ChosenVariant {
  bytes: Uint8Array<ArrayBuffer>;
  variant: Variant;
  shared: boolean;
  relaxed: boolean;
}

function chooseVariant(platform: WasmPlatform, options: LoadOptions): ChosenVariant {
  const shared = options.shared ?? sharedMemorySupported();
  const plainBytes = decodeBase64(shared ? binaries.simdShared : binaries.simd);
  if (!WebAssemblyApi.validate(plainBytes)) {
    throw new Error(
      `wasm kernels: this engine rejects the ${shared ? "SIMD + threads" : "SIMD"} module ` +
        "(WebAssembly SIMD needs Node >= 16.4, Chrome 91, Firefox 89, Safari 16.4)",
    );
  }
  let relaxed = false;
  let bytes = plainBytes;
  if (options.relaxed !== false) {
    const relaxedBytes = decodeBase64(shared ? binaries.relaxedShared : binaries.relaxed);
    relaxed = WebAssemblyApi.validate(relaxedBytes);
    if (!relaxed) {
      platform.enableRelaxedSimd();
      relaxed = WebAssemblyApi.validate(relaxedBytes);
    }
    if (relaxed) bytes = relaxedBytes;
    else if (options.relaxed === true) throw new Error("wasm kernels: relaxed SIMD was requested but this engine lacks it");
  }
  const variant: Variant = relaxed ? (shared ? "relaxedShared" : "relaxed") : shared ? "simdShared" : "simd";
  return { bytes, variant, shared, relaxed };
}

/** Chooses the best variant this engine validates and compiles it. */
export async function loadKernelModule(platform: WasmPlatform, options: LoadOptions = {}): Promise<LoadedModule> {
  const { bytes, ...chosen } = chooseVariant(platform, options);
  return { module: await WebAssemblyApi.compile(bytes), ...chosen };
}

/**
 * The same, compiled synchronously: the modules are ~16 KB, which every engine compiles in about a
 * millisecond, and it lets the import of deepscript finish with the kernels ready (no top-level await).
 */
export function loadKernelModuleSync(platform: WasmPlatform, options: LoadOptions = {}): LoadedModule {
  const { bytes, ...chosen } = chooseVariant(platform, options);
  return { module: new WebAssemblyApi.Module(bytes), ...chosen };
}
