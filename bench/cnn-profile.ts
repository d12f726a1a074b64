// `npx tsx bench/cnn-profile.ts`: where the W3 CNN training step (bench/run.ts --only=cnn-w3) spends its time
// on ONE thread, per primitive kernel, and how much of it runs inside code that threads split (runParallel).
// Every parallel call is run with the chunks it gets at --split=N threads (default 2), but all on the calling
// thread, so the step takes its 1-thread time while the split part is measured; what is left is the serial
// part that bounds the speed-up (Amdahl). With --threads=N (N > 1) it runs really on N threads instead and
// times the parallel calls as they are: comparing a kernel's parallelMsPerStep with the 1-thread run's gives
// how well its split part scales (on an idle machine only). Prints one JSON line per kernel and a summary line.
// Times are wall-clock; the *Cpu* fields are the process's CPU time (all its threads), which a busy machine
// stretches much less: on one thread, serialCpuFraction is the Amdahl bound that holds under load too.
// Usage: npx tsx bench/cnn-profile.ts [--split=2 | --threads=2] [--seconds=6] [--warmup=5 (steps)]
import * as ds from "../src/index.js";
import { getBackend } from "../src/backend/registry.js";
import { fusedKernels } from "../src/backend/fused.js";
import { sharedWasmKernels } from "../src/backend/wasm/index.js";
import type { ThreadedKernel } from "../src/backend/wasm/loadKernels.js";

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const THREADS = Number(arg("threads", "1"));
const SPLIT = THREADS > 1 ? THREADS : Number(arg("split", "2"));
const SECONDS = Number(arg("seconds", "6"));
const WARMUP_STEPS = Number(arg("warmup", "5"));

await ds.ready();
await ds.setNumThreads(THREADS);
ds.manualSeed(0);

// ---- instrumentation ---------------------------------------------------------------------------
interface Tally { calls: number; ms: number; parallelMs: number; cpuMs: number; parallelCpuMs: number }
const tallies = new Map<string, Tally>();
const tally = (name: string): Tally => {
  let t = tallies.get(name);
  if (!t) tallies.set(name, (t = { calls: 0, ms: 0, parallelMs: 0, cpuMs: 0, parallelCpuMs: 0 }));
  return t;
};
let parallelMs = 0; // inside runParallel, all kernels
let parallelCpuMs = 0;
/** The process's CPU time in ms (user + system, all threads). */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let counting = false;

const rt = sharedWasmKernels().runtime;
if (THREADS === 1) {
  // Split as at SPLIT threads, run every chunk here (the workers never see the call).
  rt.availableThreads = () => SPLIT;
  rt.runParallel = (kernel: ThreadedKernel, chunks: number[][]) => {
    const fn = rt.exports[kernel] as (...args: number[]) => void;
    const t0 = performance.now(), c0 = cpuNow();
    for (const c of chunks) fn(...c);
    parallelMs += performance.now() - t0;
    parallelCpuMs += cpuNow() - c0;
  };
} else {
  const runParallel = rt.runParallel.bind(rt);
  rt.runParallel = (kernel: ThreadedKernel, chunks: number[][]) => {
    const t0 = performance.now(), c0 = cpuNow();
    runParallel(kernel, chunks);
    parallelMs += performance.now() - t0;
    parallelCpuMs += cpuNow() - c0;
  };
}

// Operands of at least 16,384 floats that a kernel found outside linear memory (copied in or out, serially).
let current = "";
const misses = new Map<string, number>();
const addressOf = rt.addressOf.bind(rt);
rt.addressOf = (src: Float32Array) => {
  const at = addressOf(src);
  if (counting && at < 0 && src.length >= 16384) misses.set(current, (misses.get(current) ?? 0) + src.length);
  return at;
};

const backend = getBackend() as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const prim of Object.keys(backend)) {
  const kernel = backend[prim]!;
  backend[prim] = (...a: unknown[]) => {
    if (!counting) return kernel(...a);
    const p0 = parallelMs, pc0 = parallelCpuMs, t0 = performance.now(), c0 = cpuNow();
    current = prim;
    const out = kernel(...a);
    const t = tally(prim);
    t.calls++;
    t.ms += performance.now() - t0;
    t.cpuMs += cpuNow() - c0;
    t.parallelMs += parallelMs - p0;
    t.parallelCpuMs += parallelCpuMs - pc0;
    return out;
  };
}
const fused = fusedKernels() as Record<string, unknown>;
for (const name of ["sgdF32", "adamF32"]) {
  const f = fused[name] as ((...a: unknown[]) => unknown) | undefined;
  if (!f) continue;
  fused[name] = (...a: unknown[]) => {
    if (!counting) return f(...a);
    const p0 = parallelMs, pc0 = parallelCpuMs, t0 = performance.now(), c0 = cpuNow();
    const out = f(...a);
    const t = tally(`optimizer ${name}`);
    t.calls++;
    t.ms += performance.now() - t0;
    t.cpuMs += cpuNow() - c0;
    t.parallelMs += parallelMs - p0;
    t.parallelCpuMs += parallelCpuMs - pc0;
    return out;
  };
}

// ---- the W3 step, as in bench/run.ts ----------------------------------------------------------------
const { loadMnist } = await import("../src/node/mnist.js");
const { train } = loadMnist();
const batches = Array.from({ length: 16 }, (_, i) => ({
  x: train.x.slice(0, i * 64, (i + 1) * 64).reshape([64, 1, 28, 28]).contiguous(),
  y: train.y.slice(0, i * 64, (i + 1) * 64).contiguous(),
}));
const gen = new ds.Generator(0);
const model = new ds.nn.Sequential(
  new ds.nn.Conv2d(1, 32, 5, { padding: 2, generator: gen }), new ds.nn.ReLU(), new ds.nn.MaxPool2d(2),
  new ds.nn.Conv2d(32, 64, 5, { padding: 2, generator: gen }), new ds.nn.ReLU(), new ds.nn.MaxPool2d(2),
  new ds.nn.Flatten(), new ds.nn.Linear(7 * 7 * 64, 10, { generator: gen }),
);
const optimizer = new ds.optim.SGD(model.parameters(), { lr: 0.01 });
let it = 0;
let phase = { forward: 0, backward: 0, step: 0 };
const step = () => {
  const { x, y } = batches[it++ % batches.length]!;
  optimizer.zeroGrad();
  const t0 = performance.now();
  const loss = ds.nn.functional.crossEntropy(model.forward(x), y);
  const t1 = performance.now();
  loss.backward();
  const t2 = performance.now();
  optimizer.step();
  loss.item();
  const t3 = performance.now();
  phase.forward += t1 - t0;
  phase.backward += t2 - t1;
  phase.step += t3 - t2;
};

// warm: the pools fill during the first steps (a busy machine makes 1.5 s only a step or two)
const warmUntil = performance.now() + 1500;
for (let i = 0; i < WARMUP_STEPS || performance.now() < warmUntil; i++) step();
tallies.clear();
parallelMs = 0;
parallelCpuMs = 0;
phase = { forward: 0, backward: 0, step: 0 };
counting = true;
const samples: number[] = [];
const cpuStart = cpuNow();
const start = performance.now();
while (performance.now() - start < SECONDS * 1000) {
  const t0 = performance.now();
  step();
  samples.push(performance.now() - t0);
}
counting = false;
const cpuTotal = cpuNow() - cpuStart;
const steps = samples.length;
const total = samples.reduce((s, x) => s + x, 0);
samples.sort((a, b) => a - b);
const kernelMs = [...tallies.values()].reduce((s, t) => s + t.ms, 0);
const r = (x: number) => Number(x.toFixed(3));
for (const [name, t] of [...tallies.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(JSON.stringify({
    kernel: name, callsPerStep: t.calls / steps, msPerStep: r(t.ms / steps), share: r(t.ms / total),
    parallelMsPerStep: r(t.parallelMs / steps), serialMsPerStep: r((t.ms - t.parallelMs) / steps),
    cpuMsPerStep: r(t.cpuMs / steps), serialCpuMsPerStep: r((t.cpuMs - t.parallelCpuMs) / steps),
    copiedFloatsPerStep: Math.round((misses.get(name) ?? 0) / steps),
  }));
}
console.log(JSON.stringify({
  summary: `cnn-w3 step, ${THREADS} thread(s)`, split: SPLIT, steps, meanMs: r(total / steps), medianMs: r(samples[steps >> 1]!),
  forwardMs: r(phase.forward / steps), backwardMs: r(phase.backward / steps), optimizerAndItemMs: r(phase.step / steps),
  kernelsMs: r(kernelMs / steps), outsideKernelsMs: r((total - kernelMs) / steps),
  parallelMs: r(parallelMs / steps), serialMs: r((total - parallelMs) / steps), serialFraction: r((total - parallelMs) / total),
  amdahlSpeedup: THREADS === 1 ? r(total / (total - parallelMs + parallelMs / SPLIT)) : null,
  cpuMs: r(cpuTotal / steps), parallelCpuMs: r(parallelCpuMs / steps), serialCpuMs: r((cpuTotal - parallelCpuMs) / steps),
  serialCpuFraction: r((cpuTotal - parallelCpuMs) / cpuTotal),
  amdahlCpuSpeedup: THREADS === 1 ? r(cpuTotal / (cpuTotal - parallelCpuMs + parallelCpuMs / SPLIT)) : null, load1: r((await import("node:os")).loadavg()[0]!),
}));
