// `npm run bench:compare`: deepscript next to PyTorch (CPU, OpenBLAS) and TensorFlow.js (wasm, cpu) on the
// same machine, in one invocation. Runs, as separate processes:
//   deepscript  bench/run.ts on the WASM backend at 1 and 2 threads and on the CPU reference backend
//               (single-threaded, so it runs once), plus its import-until-ready time from dist/
//   PyTorch     torch_bench.py + torch_extra.py at 1 and 2 threads, OpenBLAS selected by LD_LIBRARY_PATH
//   TF.js       tfjs/bench.mjs + tfjs/extra.mjs with the wasm and the cpu backend
// then prints ONE markdown table (stdout) matching the workloads by name, and writes every raw JSON line
// (tagged with its config and round) to --out. Progress goes to stderr.
//
// Usage: node bench/peers/compare.mjs [--rounds=N] [--out=file.jsonl] [--quick] [--skip=tfjs-cpu,...] [--workloads=w1,w2,w5] [--python=PATH]
//   --rounds=N  run every config N times, interleaved; the table shows the median over rounds of each
//               run's own median (default 1)
//   --quick     fewer/shorter peer repetitions (a smoke test, not for reporting)
//   --skip      config ids to leave out: ds-wasm-t1 ds-wasm-t2 ds-cpu ds-import torch-t1 torch-t2 tfjs-wasm tfjs-cpu
// Needs bench/peers/setup.sh to have run (PyTorch, OpenBLAS, TF.js, MNIST); see README.md.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const ROUNDS = Number(arg("rounds", "1"));
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`compare: --rounds must be a positive integer, got ${arg("rounds")}`);
const QUICK = process.argv.includes("--quick");
const SKIP = new Set(arg("skip", "").split(",").filter(Boolean));
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
const OUT = path.resolve(arg("out", path.join(HERE, "results", `compare-${stamp}.jsonl`)));
const IMPORT_SAMPLES = QUICK ? 2 : 5;
const PEER_REPS = QUICK ? ["--reps", "3", "--min-rep-s", "0.05"] : [];
const OPENBLAS = path.join(HERE, "openblas", "root", "usr", "lib", "x86_64-linux-gnu", "openblas-openmp");
// --workloads picks the shared peer workloads (W1 GEMM with the elementwise/overhead extras, W2 MLP, W3 CNN, W4 LSTM, W5 Transformer; gcn, gat: one cora-gcn / cora-gat epoch against PyTorch Geometric).
const WORKLOADS = arg("workloads", "w1,w2,w3,w4,w5,gcn,gat").split(",").filter(Boolean);
for (const w of WORKLOADS) if (!["w1", "w2", "w3", "w4", "w5", "gcn", "gat"].includes(w)) throw new Error(`compare: --workloads takes w1, w2, w3, w4, w5, gcn, gat, got ${w}`);
const SECTIONS = { w1: ["gemm", "elementwise", "overhead"], w2: ["mlp"], w3: ["cnn-w3"], w4: ["lstm"], w5: ["transformer"], gcn: ["gcn"], gat: ["gat"] };
const DS_SECTIONS = `--only=${WORKLOADS.flatMap((w) => SECTIONS[w]).join(",")}`; // "mlp" also selects the "mlp-mnist" section
const EXTRAS = WORKLOADS.includes("w1"); // torch_extra.py / tfjs extra.mjs: elementwise and per-op overhead
/** The Python whose torch is measured (default the system one; e.g. --python=.venv/bin/python for PyTorch 2.x). */
const PYTHON = arg("python", "/usr/bin/python3");
/** A Python with PyTorch Geometric for the GCN row (bench/peers/pyg_gcn.py); the row reads n/a without one. */
const PYG_PYTHON = process.env.PYG_PYTHON ?? path.join(ROOT, ".venv", "bin", "python");

const log = (msg) => process.stderr.write(`[compare] ${msg}\n`);

/** One child process; returns its JSON lines (stdout lines starting with "{") or an error record. */
function runJson(cmd, args, { cwd = ROOT, env = {}, timeoutS = 900 } = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", timeout: timeoutS * 1e3, maxBuffer: 64 << 20 });
  const records = (r.stdout ?? "").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const wall = (performance.now() - t0) / 1e3;
  if (r.status !== 0 || r.error) {
    const why = r.error ? String(r.error.message) : `exit ${r.status}${r.signal ? ` (${r.signal})` : ""}`;
    log(`  FAILED ${cmd} ${args.join(" ")}: ${why}\n${(r.stderr ?? "").split("\n").slice(-8).join("\n")}`);
    records.push({ error: why, cmd: [cmd, ...args].join(" ") });
  }
  const shown = args[0] === "--input-type=module" ? "import dist/index.js" : args.slice(0, 3).map((a) => path.basename(a)).join(" ");
  log(`  ${path.basename(cmd)} ${shown} … ${wall.toFixed(1)} s, ${records.length} records`);
  return records;
}

/** deepscript's import until ready: the import compiles the WASM kernels, ready() waits for their worker threads. */
function dsImport(backend) {
  const entry = path.join(ROOT, "dist", "index.js");
  if (!fs.existsSync(entry)) return [{ error: "dist/index.js missing: run `npm run build` to measure import time" }];
  const script = `const t0 = performance.now(); const ds = await import(${JSON.stringify(entry)}); await ds.ready(); const t1 = performance.now();
    console.log(JSON.stringify({ import_ms: t1 - t0, process_start_to_ready_ms: t1 }));`;
  const samples = [];
  for (let i = 0; i < IMPORT_SAMPLES; i++) {
    const [rec] = runJson(process.execPath, ["--input-type=module", "-e", script], { env: { DEEPSCRIPT_BACKEND: backend }, timeoutS: 120 });
    if (rec?.import_ms !== undefined) samples.push(rec.import_ms);
  }
  const s = [...samples].sort((a, b) => a - b);
  return [{
    name: "import until ready", unit: "ms", backend, dist_mtime: fs.statSync(entry).mtime.toISOString(),
    value: s[(s.length - 1) >> 1] * 0.5 + s[s.length >> 1] * 0.5, samples,
  }];
}

const torch = (threads) => () => {
  const env = { LD_LIBRARY_PATH: [OPENBLAS, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"), OMP_NUM_THREADS: String(threads) };
  const common = ["--threads", String(threads), ...PEER_REPS];
  return [
    ...runJson(PYTHON, [path.join(HERE, "torch_bench.py"), "--workloads", WORKLOADS.join(","), ...common], { env }),
    ...(EXTRAS ? runJson(PYTHON, [path.join(HERE, "torch_extra.py"), ...common], { env }) : []),
    ...(WORKLOADS.includes("gcn") && fs.existsSync(PYG_PYTHON) ? runJson(PYG_PYTHON, [path.join(HERE, "pyg_gcn.py"), "--threads", String(threads)], { env: { OMP_NUM_THREADS: String(threads) } }).map((r) => ({ workload: "GCN", case: "cora_epoch", ...r, time_ms: { median: r.value } })) : []),
    ...(WORKLOADS.includes("gat") && fs.existsSync(PYG_PYTHON) ? runJson(PYG_PYTHON, [path.join(HERE, "pyg_gcn.py"), "--threads", String(threads), "--model", "gat"], { env: { OMP_NUM_THREADS: String(threads) } }).map((r) => ({ workload: "GAT", case: "cora_epoch", ...r, time_ms: { median: r.value } })) : []),
  ];
};
const tfjs = (backend) => () => {
  const cwd = path.join(HERE, "tfjs");
  return [
    ...runJson(process.execPath, ["bench.mjs", "--backend", backend, "--workloads", WORKLOADS.join(","), ...PEER_REPS], { cwd }),
    ...(EXTRAS ? runJson(process.execPath, ["extra.mjs", "--backend", backend, ...PEER_REPS], { cwd }) : []),
  ];
};
const dsBench = (backend, threads) => () =>
  runJson(process.execPath, ["--import", "tsx", "bench/run.ts", DS_SECTIONS, ...(threads ? [`--threads=${threads}`] : [])], { env: { DEEPSCRIPT_BACKEND: backend } });

const CONFIGS = [
  { id: "ds-wasm-t1", label: "deepscript wasm, 1 thread", run: dsBench("wasm", 1) },
  { id: "torch-t1", label: "PyTorch + OpenBLAS, 1 thread", run: torch(1) },
  { id: "tfjs-wasm", label: "TF.js wasm", run: tfjs("wasm") },
  { id: "ds-wasm-t2", label: "deepscript wasm, 2 threads", run: dsBench("wasm", 2) },
  { id: "torch-t2", label: "PyTorch + OpenBLAS, 2 threads", run: torch(2) },
  { id: "ds-cpu", label: "deepscript cpu reference", run: dsBench("cpu", 0) },
  { id: "tfjs-cpu", label: "TF.js cpu", run: tfjs("cpu") },
  { id: "ds-import", label: "deepscript import", run: () => [...dsImport("wasm"), ...dsImport("cpu")] },
].filter((c) => !SKIP.has(c.id));

// ---------------------------------------------------------------- run
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, "");
const machine = `${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`;
const loadStart = os.loadavg();
const started = new Date();
log(`machine: ${machine}; load average ${loadStart.map((l) => l.toFixed(2)).join(" ")}`);
/** results[configId] = list over rounds of the records of that run */
const results = Object.fromEntries(CONFIGS.map((c) => [c.id, []]));
const loads = Object.fromEntries(CONFIGS.map((c) => [c.id, []])); // 1-min load average as each run starts
for (let round = 0; round < ROUNDS; round++) {
  for (const c of CONFIGS) {
    loads[c.id].push(os.loadavg()[0]);
    log(`round ${round + 1}/${ROUNDS}: ${c.label} (load ${os.loadavg()[0].toFixed(2)})`);
    const recs = c.run();
    results[c.id].push(recs);
    fs.appendFileSync(OUT, recs.map((r) => JSON.stringify({ compare_config: c.id, compare_round: round, load1: os.loadavg()[0], ...r }) + "\n").join(""));
  }
}
const loadEnd = os.loadavg();

// ---------------------------------------------------------------- match workloads
const median = (xs) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1] * 0.5 + s[s.length >> 1] * 0.5;
};
/** Median over rounds of the time (ms) picked from each round's records by `pick`. */
function timeMs(configId, pick) {
  return median((results[configId] ?? []).map((recs) => pick(recs)).filter((v) => Number.isFinite(v)));
}
const dsTime = (name) => (recs) => {
  const r = recs.find((x) => x.name === name);
  if (!r) return undefined;
  return r.time_ms ? r.time_ms.median : r.unit === "us" ? r.value / 1e3 : r.value; // overhead rows carry only value (us)
};
const dsImportTime = (backend) => (recs) => recs.find((x) => x.name === "import until ready" && x.backend === backend)?.value;
const peerTime = (workload, kase) => (recs) => {
  const r = recs.find((x) => x.workload === workload && x.case === kase);
  if (!r) return undefined;
  return r.time_ms ? r.time_ms.median : r.value?.median;
};
const torchImport = (recs) => recs.find((x) => x.workload === "import" && x.case === "import_torch")?.value.median;
const tfjsImport = (recs) => { // import of @tensorflow/tfjs + backend package + backend init (setBackend, ready)
  const v = (c) => recs.find((x) => x.workload === "import" && x.case === c)?.value.median;
  return v("import_tfjs") + v("import_backend_pkg") + v("backend_init");
};

const G = (flop) => ({ unit: "GFLOP/s", show: (ms) => flop / (ms * 1e6) });
const MS = { unit: "ms", show: (ms) => ms };
const US = { unit: "µs", show: (ms) => ms * 1e3 };
const gemm = (label, dsName, peerCase, flop, tfjsCase = peerCase) => ({
  label, ...G(flop), ds: dsTime(dsName), torch: peerTime("W1", peerCase), tfjs: peerTime("W1", tfjsCase),
});
const F512 = 2 * 512 ** 3;
const ROWS = [
  gemm("W1 GEMM 256³", "gemm 256x256x256", "sq256", 2 * 256 ** 3),
  gemm("W1 GEMM 512³", "gemm 512x512x512", "sq512", F512),
  gemm("W1 GEMM 512³, TF.js given a new B each call ¹", "gemm 512x512x512", "sq512", F512, "sq512_newB"),
  gemm("W1 GEMM 1024³", "gemm 1024x1024x1024", "sq1024", 2 * 1024 ** 3),
  gemm("W1 GEMM 64×784·784×128", "gemm 64x784x128", "mlp64x784x128", 2 * 64 * 784 * 128),
  gemm("W1 GEMM 64×784·784×128, TF.js new B ¹", "gemm 64x784x128", "mlp64x784x128", 2 * 64 * 784 * 128, "mlp64x784x128_newB"),
  gemm("W1 GEMM 512³ Aᵀ·B", "gemm 512^3 AtB", "sq512_transA", F512),
  gemm("W1 GEMM 512³ A·Bᵀ", "gemm 512^3 ABt", "sq512_transB", F512),
  gemm("W1 batched 64×(64×32·32×64) ²", "gemm batched 64x(64x32x64)", "batched64x(64x32x64)", 2 * 64 * 64 * 32 * 64),
  { label: "W1 GEMM 512³, result not disposed (deepscript only) ⁶", ...G(F512), ds: dsTime("gemm 512x512x512 (output kept)") },
  { label: "W1 batched, result not disposed (deepscript only) ⁶", ...G(2 * 64 * 64 * 32 * 64), ds: dsTime("gemm batched 64x(64x32x64) (output kept)") },
  { label: "W2 MLP 784-128-64-10 SGD-momentum step, batch 64, MNIST", ...MS, ds: dsTime("mlp-mnist 784-128-64-10 sgd-momentum step batch 64"), torch: peerTime("W2", "mlp_step_b64"), tfjs: peerTime("W2", "mlp_step_b64") },
  { label: "W2 same step, one random batch (deepscript only) ³", ...MS, ds: dsTime("mlp 784-128-64-10 sgd-momentum step batch 64") },
  // TF.js's wasm backend cannot train W3 (no filter gradient) and its cpu backend takes minutes a step: not run.
  { label: "W3 CNN step (batch 64), MNIST", ...MS, ds: dsTime("cnn-w3 step batch 64"), torch: peerTime("W3", "cnn_step_b64") },
  // W4: nn.LSTM(32, 128, batch_first) over x (32, 50, 32), MSE of the last hidden state, Adam (deepscript: the fused LSTM recurrence).
  { label: "W4 LSTM 32→128 step, T=50, batch 32, Adam", ...MS, ds: dsTime("lstm 32-128 T50 batch 32 adam step"), torch: peerTime("W4", "lstm_step_b32_T50"), tfjs: peerTime("W4", "lstm_step_b32_T50") },
  { label: "elementwise add 2²⁰ ⁴", ...MS, ds: dsTime("elementwise add 1M"), torch: peerTime("EW", "add_1M"), tfjs: peerTime("EW", "add_1M") },
  { label: "elementwise mul 2²⁰ ⁴", ...MS, ds: dsTime("elementwise mul 1M"), torch: peerTime("EW", "mul_1M"), tfjs: peerTime("EW", "mul_1M") },
  { label: "per-op overhead: add 4-elem, no grad ⁴", ...US, ds: dsTime("overhead add 4-elem (no grad)"), torch: peerTime("overhead", "add4_nograd"), tfjs: peerTime("overhead", "add4_nograd") },
  { label: "per-op overhead: add 4-elem, recording ⁴", ...US, ds: dsTime("overhead add 4-elem (recording)"), torch: peerTime("overhead", "add4_recording") },
  { label: "per-op overhead: add+sum+backward 4-elem ⁴", ...US, ds: dsTime("overhead add 4-elem forward+backward"), torch: peerTime("overhead", "add4_fwd_bwd"), tfjs: peerTime("overhead", "add4_fwd_bwd") },
  {
    label: "W5 Transformer step: d 128, 4 heads, 2 layers, T 64, batch 16, Adam ⁷", ...MS,
    ds: dsTime("transformer W5 step d128 h4 L2 T64 batch 16"), torch: peerTime("W5", "transformer_step_b16_T64"), tfjs: peerTime("W5", "transformer_step_b16_T64"),
  },
  { label: "cora-gcn training epoch (PyTorch Geometric in the torch columns) ⁸", ...MS, ds: dsTime("gcn cora epoch (GCN 1433-16-7, dropout 0.5, Adam)"), torch: peerTime("GCN", "cora_epoch") },
  { label: "cora-gat training epoch (PyTorch Geometric in the torch columns) ⁸", ...MS, ds: dsTime("gat cora epoch (GAT 1433-8x8-7, dropout 0.6, Adam)"), torch: peerTime("GAT", "cora_epoch") },
  { label: "import until ready ⁵", ...MS, import: true },
];

// ---------------------------------------------------------------- table
const fmt = (v) => (v === undefined || !Number.isFinite(v) ? "n/a" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toPrecision(2)}×` : "n/a");
const COLS = ["ds-wasm-t1", "ds-wasm-t2", "ds-cpu", "torch-t1", "torch-t2", "tfjs-wasm", "tfjs-cpu"];
const head = ["workload (unit)", "ds wasm 1t", "ds wasm 2t", "ds cpu-ref", "torch 1t", "torch 2t", "tfjs wasm", "tfjs cpu",
  "ds wasm 1t ÷ torch 1t", "ds wasm 2t ÷ torch 2t", "ds wasm 1t ÷ tfjs wasm", "ds cpu ÷ tfjs cpu"];
const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
for (const row of ROWS) {
  let t;
  if (row.import) {
    t = {
      "ds-wasm-t1": timeMs("ds-import", dsImportTime("wasm")), "ds-cpu": timeMs("ds-import", dsImportTime("cpu")),
      "torch-t1": timeMs("torch-t1", torchImport), "tfjs-wasm": timeMs("tfjs-wasm", tfjsImport), "tfjs-cpu": timeMs("tfjs-cpu", tfjsImport),
    };
  } else {
    t = {};
    for (const id of COLS) {
      const pick = id.startsWith("ds-") ? row.ds : id.startsWith("torch") ? row.torch : row.tfjs;
      if (pick) t[id] = timeMs(id, pick);
    }
  }
  if (Object.values(t).every((v) => v === undefined)) continue; // a workload this run left out (--workloads, --skip)
  const cell = (id) => (id in t ? fmt(t[id] === undefined ? undefined : row.show(t[id])) : "—");
  const rat = (a, b) => (a in t && b in t ? ratio(t[a], t[b]) : "—");
  lines.push(`| ${row.label} (${row.unit}) | ${COLS.map(cell).join(" | ")} | ${rat("ds-wasm-t1", "torch-t1")} | ${rat("ds-wasm-t2", "torch-t2")} | ${rat("ds-wasm-t1", "tfjs-wasm")} | ${rat("ds-cpu", "tfjs-cpu")} |`);
}
for (const w of []) {
  lines.push(`| ${w} | not implemented | not implemented | not implemented | not run | not run | not run | not run | — | — | — | — |`);
}

const blas = [...new Set(Object.entries(results).filter(([id]) => id.startsWith("torch")).flatMap(([, rs]) => rs.flat().map((r) => r.blas)).filter(Boolean))];
const tfThreads = [...new Set(results["tfjs-wasm"]?.flat().map((r) => r.threads).filter((x) => x !== undefined) ?? [])];
const dsThreads = (id) => [...new Set(results[id]?.flat().map((r) => r.threads).filter((x) => x !== undefined) ?? [])].join("/") || "?";
const errors = Object.entries(results).flatMap(([id, rs]) => rs.flat().filter((r) => r.error).map((r) => `${id}: ${r.workload ?? ""} ${r.error}`));
const distMtime = results["ds-import"]?.flat().find((r) => r.dist_mtime)?.dist_mtime;

console.log(`## deepscript vs PyTorch and TF.js — ${started.toISOString().slice(0, 16).replace("T", " ")} UTC

Machine: ${machine}. Load average (1/5/15 min) at start ${loadStart.map((l) => l.toFixed(2)).join(" / ")}, at end ${loadEnd.map((l) => l.toFixed(2)).join(" / ")}.
Command: \`node bench/peers/compare.mjs${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}\`; ${ROUNDS} round(s); raw JSON lines: \`${OUT.startsWith(ROOT + path.sep) ? path.relative(ROOT, OUT) : OUT}\`.
Every cell is the median over rounds of one run's median. **Ratios are deepscript time ÷ peer time for the same work
(for GEMM: peer GFLOP/s ÷ deepscript GFLOP/s): below 1× deepscript is faster, above 1× it is slower.**
PyTorch ${results["torch-t1"]?.flat().find((r) => r.version)?.version ?? "?"} with BLAS: ${blas.join(", ") || "?"}; TF.js ${results["tfjs-wasm"]?.flat().find((r) => r.version)?.version ?? "?"} (wasm threads: ${tfThreads.join("/") || "?"}, SIMD: ${results["tfjs-wasm"]?.flat().find((r) => r.wasm_simd !== undefined)?.wasm_simd ?? "?"});
1-min load average as each config started (per round): ${CONFIGS.map((c) => `${c.id} ${loads[c.id].map((l) => l.toFixed(1)).join("/")}`).join(", ")}.
deepscript threads as reported: wasm 1t → ${dsThreads("ds-wasm-t1")}, wasm 2t → ${dsThreads("ds-wasm-t2")}, cpu reference → ${dsThreads("ds-cpu")} (the reference backend is single-threaded, so it runs once).

${lines.join("\n")}

¹ TF.js's wasm backend caches XNNPACK-packed weights per B tensor; with a fresh B each call (as for activations and
gradients in training) it also pays the packing and one elementwise mul over B. deepscript and PyTorch cache nothing: their
cells repeat the row above.
² deepscript multiplies a [64,64,32] by a stored [64,32,64]; the peers multiply Q by Kᵀ as a transposed view ([64,64,32]·[64,64,32]ᵀ).
³ deepscript's original W2 bench row (\`bench/run.ts\` section \`mlp\`): the same step on one fixed random batch.
⁴ Not in the shared peer scripts: measured by \`bench/peers/torch_extra.py\` and \`bench/peers/tfjs/extra.mjs\` (written for
deepscript, same timing method as the peer scripts). TF.js has no "recording" mode outside \`tf.grads\` (n/a); its
add+sum+backward is \`tf.grads((a, b) => sum(add(a, b)))\`.
⁵ deepscript: \`await import("dist/index.js")\` in a fresh node process until it resolves (the WASM kernels are compiled by
then), median of ${IMPORT_SAMPLES} processes, built ${distMtime ?? "?"}; torch: \`import torch\` (after numpy) in torch_bench.py;
TF.js: import of @tensorflow/tfjs + the backend package + setBackend/ready, from bench.mjs. Both peers: one sample per run.
⁶ Every deepscript GEMM and elementwise row disposes each call's result (\`a.matmul(b).dispose()\`), as the TF.js peer
scripts do (\`tf.matMul(A, B).dispose()\`) and as PyTorch frees a tensor on its last reference (its square GEMM rows
even reuse one output, \`torch.mm(A, B, out=C)\`); the next product of that size then writes into the freed block. These
two rows leave every result to the garbage collector instead, so each call writes into fresh memory.
⁷ deepscript: \`bench/run.ts\` section \`transformer\` (the TinyGPT of torch_bench.py written with nn.TransformerEncoder;
median of single steps after ≥ 2 s of warm-up); TF.js: its ops implementation with a gather embedding.
⁸ One training epoch of cora-gcn (GCN 1433-16-7 with input and hidden dropout 0.5, cross-entropy on the 140 training
nodes, backward, Adam) on Cora from data/cora.json.gz: deepscript's \`bench/run.ts --only=gcn\` against PyG's
examples/gcn.py model in \`bench/peers/pyg_gcn.py\` (PyTorch Geometric from \`PYG_PYTHON\`, default .venv; torch's
own BLAS, not the OpenBLAS above), both medians of single epochs after 20 warm-up epochs. cora-gat likewise: GAT with
8 heads × 8 hidden, ELU, dropout 0.6 on inputs and attention, \`--only=gat\` against examples/gat.py's model
(\`pyg_gcn.py --model gat\`; deepscript after 10 warm-up epochs).
Two-thread numbers need two idle cores: PyTorch's OpenMP threads spin-wait, so with other work on the machine its 2-thread
cells can fall far below its 1-thread ones; judge them against the load averages above.
${errors.length ? `\nErrors: ${errors.join("; ")}\n` : ""}`);
log(`raw results: ${OUT}`);
