// Benchmark of the WASM float32 kernels: GEMM GFLOP/s and elementwise throughput at 1 and 2 threads.
// Run: npx tsx bench/wasm-gemm.ts [--quick] [--no-relaxed]   Prints one JSON object (medians).
// --no-relaxed measures the plain-SIMD build (separate multiply and add, as on engines without
// relaxed SIMD) instead of the fused multiply-add one.
import { WasmKernels } from "../src/backend/wasm/WasmKernels.js";
import type { MatrixView } from "../src/backend/wasm/gemm.js";
import { Generator } from "../src/random/Generator.js";

const quick = process.argv.includes("--quick");
const gen = new Generator(0);

function random(length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = gen.uniform(-1, 1);
  return out;
}

/** Median seconds per call: repeats until ~minSeconds elapse (at least 3 timed calls), after warm-up. */
function time(fn: () => void, minSeconds = quick ? 0.2 : 1): number {
  fn();
  fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start) / 1000 < minSeconds) {
    const t = performance.now();
    fn();
    samples.push((performance.now() - t) / 1000);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)];
}

function matrix(rows: number, cols: number, trans: boolean): MatrixView {
  const data = random(rows * cols);
  return trans ? { data, rowStride: 1, colStride: rows } : { data, rowStride: cols, colStride: 1 };
}

const wk = await WasmKernels.create({ relaxed: !process.argv.includes("--no-relaxed") });
const results: Record<string, Record<string, number>> = {};
const cases: { name: string; m: number; n: number; k: number; ta: boolean; tb: boolean }[] = [
  { name: "256^3 A·B", m: 256, n: 256, k: 256, ta: false, tb: false },
  { name: "512^3 A·B", m: 512, n: 512, k: 512, ta: false, tb: false },
  { name: "1024^3 A·B", m: 1024, n: 1024, k: 1024, ta: false, tb: false },
  { name: "64x784·784x128", m: 64, n: 128, k: 784, ta: false, tb: false },
  { name: "512^3 Aᵀ·B", m: 512, n: 512, k: 512, ta: true, tb: false },
  { name: "512^3 A·Bᵀ", m: 512, n: 512, k: 512, ta: false, tb: true },
  { name: "1024^3 Aᵀ·B", m: 1024, n: 1024, k: 1024, ta: true, tb: false },
  { name: "1024^3 A·Bᵀ", m: 1024, n: 1024, k: 1024, ta: false, tb: true },
];
for (const threads of [1, 2]) {
  await wk.setNumThreads(threads);
  const row: Record<string, number> = {};
  for (const c of cases) {
    const a = matrix(c.m, c.k, c.ta);
    const b = matrix(c.k, c.n, c.tb);
    const out = new Float32Array(c.m * c.n);
    const s = time(() => wk.gemm(c.m, c.n, c.k, a, b, { out }));
    row[`gemm ${c.name} GFLOP/s`] = +((2 * c.m * c.n * c.k) / s / 1e9).toFixed(1);
  }
  {
    const [batch, m, n, k] = [64, 64, 64, 32];
    const a = { data: random(batch * m * k), rowStride: k, colStride: 1, batchStride: m * k };
    const b = { data: random(batch * k * n), rowStride: n, colStride: 1, batchStride: k * n };
    const out = new Float32Array(batch * m * n);
    const s = time(() => wk.gemmBatched(batch, m, n, k, a, b, { out }));
    row["gemmBatched 64x(64x32·32x64) GFLOP/s"] = +((2 * batch * m * n * k) / s / 1e9).toFixed(1);
  }
  if (threads === 1) {
    // Elementwise ops on 1M elements, including the copies into and out of wasm memory; the same
    // loop in plain JS is printed for comparison.
    const n = 1 << 20;
    const a = random(n);
    const b = random(n);
    const out = new Float32Array(n);
    for (const op of ["add", "mul"] as const) {
      const s = time(() => wk.binary(op, a, b, out));
      row[`${op} 1M Melem/s`] = +(n / s / 1e6).toFixed(0);
      row[`${op} 1M GB/s (12 B/elem)`] = +((12 * n) / s / 1e9).toFixed(2);
    }
    const js = time(() => {
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    });
    row["add 1M plain JS Melem/s"] = +(n / js / 1e6).toFixed(0);
    const e = time(() => wk.unary("exp", a, out));
    row["exp 1M Melem/s"] = +(n / e / 1e6).toFixed(0);
    const jsExp = time(() => {
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
    });
    row["exp 1M plain JS Melem/s"] = +(n / jsExp / 1e6).toFixed(0);
  }
  results[`${threads} thread${threads > 1 ? "s" : ""}`] = row;
}
console.log(JSON.stringify({ variant: wk.variant, results }, null, 2));
