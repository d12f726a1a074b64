// Browser-side half of test/browser/browser.test.ts: bundled by esbuild and loaded by headless
// Chromium. It imports the library exactly as an application would (src/index.ts, whose import
// compiles the WASM kernels synchronously and picks the WASM backend), runs kernel agreement checks, a small training run and a thread
// probe, and leaves the results as JSON in `globalThis.__result` for the test to read.
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { Prim } from "../../src/autograd/prims.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { wasmOverrides } from "../../src/backend/wasmBackend.js";
import { initWasmKernels } from "../../src/backend/wasm/index.js";
import type { BrowserResult, KernelCheck, ThreadReport, TrainingReport } from "./protocol.js";

interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number; userAgent?: string };
  __result?: string;
}
const g = globalThis as unknown as BrowserGlobals;

const gen = new ds.Generator(2024);
const randn = (shape: number[]): Tensor => ds.randn(shape, { generator: gen });

/** Largest |got − want| over all elements (shapes must match). */
function worstAbs(got: Tensor, want: Tensor): number {
  if (got.shape.join() !== want.shape.join()) throw new Error(`shape mismatch: [${got.shape}] vs [${want.shape}]`);
  const a = got.dataSync(), b = want.dataSync();
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])));
  return Number.isNaN(worst) ? Infinity : worst;
}

/** Largest |got − want| / max(|want|, tiny): elementwise relative error. */
function worstRel(got: Tensor, want: Tensor): number {
  const a = got.dataSync(), b = want.dataSync();
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])) / Math.max(Math.abs(Number(b[i])), 1e-30));
  return Number.isNaN(worst) ? Infinity : worst;
}

function runBoth(wasm: ReturnType<typeof wasmOverrides>, prim: Prim, inputs: Tensor[], params: object): [Tensor, Tensor] {
  const kernel = wasm[prim as "matmul"];
  if (!kernel) throw new Error(`no wasm override for ${prim}`);
  return [kernel(inputs, params as never) as Tensor, cpuBackend[prim as "matmul"](inputs, params as never) as Tensor];
}

/** WASM kernels vs the CPU reference, with the float32 error bounds of test/backend/wasmBackend.test.ts. */
async function kernelChecks(): Promise<KernelCheck[]> {
  const wasm = wasmOverrides(await initWasmKernels());
  const checks: KernelCheck[] = [];
  // Length-K float32 dot products: |error| ≤ γ_K Σ|aᵢbᵢ|, γ_K ≈ K·2⁻²⁴ (Higham, "Accuracy and
  // Stability of Numerical Algorithms", 2nd ed., eq. 3.5); bounded here by K·2⁻²³·4√K for N(0,1) data.
  const matmulBound = (k: number): number => Math.max(1, k) * 2 ** -23 * 4 * Math.sqrt(k);
  // (B, M, K, N): odd sizes, all above the WASM dispatch threshold (B·M·N·K ≥ 4096 multiply-adds),
  // the last also above the threading threshold (2·M·N·K ≥ 2²² flops).
  for (const [B, M, K, N] of [[1, 17, 33, 9], [3, 31, 47, 29], [1, 300, 129, 257]] as const) {
    const a = randn([B, M, K]), b = randn([B, K, N]);
    const at = randn([B, K, M]).transpose(1, 2), bt = randn([B, N, K]).transpose(1, 2);
    const variants: [string, Tensor, Tensor][] = [["A·B", a, b], ["Aᵀ·B", at, b], ["A·Bᵀ", a, bt], ["Aᵀ·Bᵀ", at, bt]];
    for (const [label, x, y] of variants) {
      const [got, want] = runBoth(wasm, "matmul", [x, y], {});
      checks.push({ name: `matmul ${label} (${B}, ${M}, ${K})·(${B}, ${K}, ${N})`, error: worstAbs(got, want), bound: matmulBound(K) });
    }
  }
  // Cephes-style float32 polynomials: a few ulps relative (4·2⁻²³).
  for (const prim of ["exp", "tanh", "sigmoid"] as const) {
    const x = randn([4099]).mul(3);
    const [got, want] = runBoth(wasm, prim, [x], {});
    checks.push({ name: `${prim} on 4099 elements`, error: worstRel(got, want), bound: 4 * 2 ** -23 });
  }
  // One correctly rounded float32 addition per element: exact.
  {
    const a = randn([63, 65]), row = randn([65]);
    const [got, want] = runBoth(wasm, "add", [a, row], {});
    checks.push({ name: "add [63, 65] + row [65]", error: worstAbs(got, want), bound: 0 });
  }
  // Sum of K terms: the dot-product bound with K terms; max is exact.
  {
    const x = randn([64, 65]);
    const [got, want] = runBoth(wasm, "sum", [x], { dims: [1], keepdim: false });
    checks.push({ name: "sum over dim 1 of [64, 65]", error: worstAbs(got, want), bound: matmulBound(65) });
    const [gotMax, wantMax] = runBoth(wasm, "max", [x], { dims: [0], keepdim: true });
    checks.push({ name: "max over dim 0 of [64, 65]", error: worstAbs(gotMax, wantMax), bound: 0 });
  }
  return checks;
}

/**
 * A 2-layer MLP trained by SGD on three well-separated Gaussian blobs (centres ≥ 4 apart, σ = 0.5,
 * so the Bayes error is below 10⁻⁴): the loss must fall and the training accuracy approach 1.
 * 192 samples × 32 hidden units put the hidden layer's GEMMs, bias add and tanh above the WASM
 * dispatch thresholds (wasmBackend.ts), so the step runs through the WASM kernels, not only the reference.
 */
function training(large = false): TrainingReport {
  const tg = new ds.Generator(7);
  const centres = [[0, 0], [4, 0], [2, 3.5]];
  const xs: number[][] = [], ys: number[] = [];
  for (let i = 0; i < 192; i++) {
    const c = i % 3;
    xs.push([tg.normal(centres[c]![0]!, 0.5), tg.normal(centres[c]![1]!, 0.5)]);
    ys.push(c);
  }
  const x = ds.tensor(xs), y = ds.tensor(ys, { dtype: "int32" });
  // The large variant's 256×64 weight (16,384 floats) is pinned by the optimizer where memory is shared,
  // updated by the fused Adam kernel, and its gradient buffer reused from step to step.
  const model = large
    ? new ds.nn.Sequential(
        new ds.nn.Linear(2, 256, { generator: tg }), new ds.nn.Tanh(), new ds.nn.Linear(256, 64, { generator: tg }), new ds.nn.Tanh(),
        new ds.nn.Linear(64, 3, { generator: tg }),
      )
    : new ds.nn.Sequential(new ds.nn.Linear(2, 32, { generator: tg }), new ds.nn.Tanh(), new ds.nn.Linear(32, 3, { generator: tg }));
  const params = [...model.parameters()];
  const opt = large ? new ds.optim.Adam(params, { lr: 0.01 }) : new ds.optim.SGD(params, { lr: 0.2, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < 40; step++) {
    opt.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const predicted = ds.noGrad(() => model.call(x).argmax({ dim: 1 }).toList()) as number[];
  const accuracy = predicted.filter((p, i) => p === ys[i]).length / ys.length;
  const biggest = params.reduce((a, b) => (b.size > a.size ? b : a));
  const pinned = typeof SharedArrayBuffer !== "undefined" && biggest.storage.data.buffer instanceof SharedArrayBuffer;
  return { backend: ds.getBackendName(), losses, accuracy, pinned };
}

/** Whether kernels ran on worker threads: the default thread count, then a large GEMM's chunks per worker. */
async function threads(): Promise<ThreadReport> {
  const kernels = await initWasmKernels();
  const defaultThreads = ds.getNumThreads();
  const report: ThreadReport = {
    crossOriginIsolated: g.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer !== "undefined",
    hardwareConcurrency: g.navigator?.hardwareConcurrency ?? 0,
    variant: kernels.variant,
    defaultThreads,
    threads: defaultThreads,
    workerChunks: [],
    threadedMatmulError: 0,
    threadedMatmulBound: 0,
  };
  if (!report.sharedArrayBuffer) return report;
  // On a single-core machine the default is 1 thread; two still exercise the worker path.
  if (defaultThreads < 2) await ds.setNumThreads(2);
  report.threads = ds.getNumThreads();
  // 2·256³ ≈ 3.4·10⁷ flops per call: long enough that a worker wakes and claims chunks, even on a
  // busy machine (the calling thread claims every chunk a late worker does not).
  const wasm = wasmOverrides(kernels);
  const [M, K, N] = [256, 255, 257];
  for (let attempt = 0; attempt < 8; attempt++) {
    const a = randn([1, M, K]), b = randn([1, N, K]).transpose(1, 2); // the primitive is batched: (B, M, K)·(B, K, N)
    const [got, want] = runBoth(wasm, "matmul", [a, b], {});
    report.threadedMatmulError = Math.max(report.threadedMatmulError, worstAbs(got, want));
    report.threadedMatmulBound = K * 2 ** -23 * 4 * Math.sqrt(K);
    report.workerChunks = kernels.runtime.workerChunkCounts();
    if (report.workerChunks.some((c) => c > 0)) break;
  }
  return report;
}

async function main(): Promise<BrowserResult> {
  const started = performance.now();
  const result: BrowserResult = {
    userAgent: g.navigator?.userAgent ?? "",
    backend: ds.getBackendName(),
    kernels: await kernelChecks(),
    training: training(),
    trainingLarge: training(true),
    threads: await threads(),
    ms: 0,
  };
  result.ms = performance.now() - started;
  return result;
}

main().then(
  (result) => {
    g.__result = JSON.stringify(result);
  },
  (error: unknown) => {
    g.__result = JSON.stringify({ error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) });
  },
);
