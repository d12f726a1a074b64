// TensorFlow.js: the deepscript bench workloads that bench.mjs does not measure.
// Written for deepscript's bench/peers (NOT part of the shared peer scripts in /work/shared/peers); the
// timing (timeIt: warm-up, calibrated inner loop, median of --reps) and the JSON-lines schema are copied
// from bench.mjs so its records sit next to bench.mjs's.
// Usage (from this directory): node extra.mjs --backend wasm|cpu [--workloads ew,overhead] [--reps 7] [--out f.jsonl]
// Workloads (same sizes as deepscript's bench/run.ts):
//   EW        add / mul of two float32 vectors of 2^20 elements (new output each call)
//   overhead  add of two 4-element tensors (add4_nograd), and add+sum+gradient via tf.grads (add4_fwd_bwd)
import fs from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, arr) => {
  if (a.startsWith('--')) acc.push([a.slice(2), arr[i + 1]]);
  return acc;
}, []));
const BACKEND = args.backend ?? 'cpu';
const WORKLOADS = (args.workloads ?? 'ew,overhead').split(',').filter(Boolean);
const REPS = +(args.reps ?? 7);
const WARMUP = +(args.warmup ?? 3);
const MIN_REP_S = +(args['min-rep-s'] ?? 0.2);
const OUT = args.out ?? null;

const tf = await import('@tensorflow/tfjs');
const wasmMod = BACKEND === 'wasm' ? await import('@tensorflow/tfjs-backend-wasm') : null;
if (!(await tf.setBackend(BACKEND)) || tf.getBackend() !== BACKEND) throw new Error(`backend ${BACKEND} failed to initialise`);
await tf.ready();
const simd = BACKEND === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : null;
const nThreads = wasmMod ? wasmMod.getThreadsCount() : 1;
const CONFIG = `tfjs-${tf.version.tfjs}/${BACKEND}${BACKEND === 'wasm' ? (simd ? '-simd' : '') : ''}/t${nThreads}`;

function emit(rec) {
  const line = JSON.stringify({ peer: 'tfjs', config: CONFIG, backend: BACKEND, threads: nThreads, wasm_simd: simd, version: tf.version.tfjs, node: process.version, ts: new Date().toISOString(), ...rec });
  console.log(line);
  if (OUT) fs.appendFileSync(OUT, line + '\n');
}
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[(s.length - 1) >> 1] * 0.5 + s[s.length >> 1] * 0.5, min: s[0], max: s[s.length - 1], n: s.length };
}
function timeIt(fn) {
  let t = performance.now(); fn();
  let first = (performance.now() - t) / 1e3;
  for (let i = 1; i < WARMUP; i++) { t = performance.now(); fn(); first = (performance.now() - t) / 1e3; }
  const inner = Math.max(1, Math.ceil(MIN_REP_S / Math.max(first, 1e-7)));
  const out = [];
  for (let r = 0; r < REPS; r++) {
    t = performance.now();
    for (let i = 0; i < inner; i++) fn();
    out.push((performance.now() - t) / 1e3 / inner);
  }
  return { secs: out, inner };
}
function record(workload, kase, { secs, inner }, metric, conv, extra = {}) {
  emit({ workload, case: kase, inner, time_ms: stats(secs.map((s) => s * 1e3)), metric, value: stats(secs.map(conv)), num_tensors: tf.memory().numTensors, ...extra });
}

function ew() {
  const n = 1 << 20;
  const x = tf.randomNormal([n]); const y = tf.randomNormal([n]);
  // cpu and wasm kernels run synchronously inside the op, so no data read-back is needed (as in bench.mjs W1)
  for (const [name, fn] of [['add_1M', () => tf.add(x, y).dispose()], ['mul_1M', () => tf.mul(x, y).dispose()]]) {
    record('EW', name, timeIt(fn), 'Melem/s', (s) => n / s / 1e6, { n });
  }
}
function overhead() {
  const a = tf.randomNormal([4]); const b = tf.randomNormal([4]);
  // let V8 optimise the op path before timeIt calibrates its inner loop on a single call
  for (let i = 0; i < 2000; i++) tf.add(a, b).dispose();
  record('overhead', 'add4_nograd', timeIt(() => tf.add(a, b).dispose()), 'us', (s) => s * 1e6);
  const g = tf.grads((p, q) => tf.sum(tf.add(p, q)));
  for (let i = 0; i < 500; i++) tf.dispose(g([a, b]));
  record('overhead', 'add4_fwd_bwd', timeIt(() => tf.dispose(g([a, b]))), 'us', (s) => s * 1e6);
}

const FNS = { ew, overhead };
for (const w of WORKLOADS) {
  try { FNS[w](); } catch (e) { emit({ workload: w.toUpperCase(), case: 'error', error: String(e && e.message || e) }); }
}
process.exit(0);
