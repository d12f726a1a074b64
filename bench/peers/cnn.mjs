// `npm run bench:cnn`: deepscript's CNN training steps (bench/run.ts --only=cnn) next to PyTorch 2.x
// (bench/peers/torch_cnn.py) at 1 and 2 threads, interleaved in one invocation; prints a markdown table.
// Usage: node bench/peers/cnn.mjs [--rounds=N] [--python=/path/to/python] [--budget=S]
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const ROUNDS = Number(arg("rounds", "1"));
const PYTHON = arg("python", process.env.PYTHON ?? "python3");
const BUDGET = arg("budget", "6");

function runJson(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 900e3, maxBuffer: 16 << 20 });
  if (r.status !== 0) process.stderr.write(`[cnn] ${cmd} ${args.join(" ")} failed: ${r.stderr?.split("\n").slice(-5).join("\n")}\n`);
  return (r.stdout ?? "").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

const started = new Date();
const loadStart = os.loadavg();
const cells = {}; // `${config}|${name}` → medians over rounds
const loads = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const threads of [1, 2]) {
    for (const [id, run] of [
      [`ds-t${threads}`, () => runJson(process.execPath, ["--import", "tsx", "bench/run.ts", "--only=cnn", `--threads=${threads}`])],
      [`torch-t${threads}`, () => runJson(PYTHON, [path.join(HERE, "torch_cnn.py"), String(threads), BUDGET], { OMP_NUM_THREADS: String(threads) })],
    ]) {
      (loads[id] ??= []).push(os.loadavg()[0]);
      process.stderr.write(`[cnn] round ${round + 1} ${id} (load ${os.loadavg()[0].toFixed(1)})\n`);
      for (const r of run()) (cells[`${id}|${r.name}`] ??= []).push(r);
    }
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN; };
const value = (id, name) => median((cells[`${id}|${name}`] ?? []).map((r) => r.value));
const fmt = (v) => (Number.isFinite(v) ? v.toPrecision(3) : "n/a");
const torchVersion = Object.entries(cells).find(([k]) => k.startsWith("torch"))?.[1][0]?.torch ?? "?";
const rows = ["cnn-w3 step batch 64", "cnn-fashion step batch 64"].map((name) => {
  const [d1, d2, t1, t2] = ["ds-t1", "ds-t2", "torch-t1", "torch-t2"].map((id) => value(id, name));
  return `| ${name} (ms) | ${fmt(d1)} | ${fmt(d2)} | ${fmt(t1)} | ${fmt(t2)} | ${fmt(d1 / t1)}× | ${fmt(d2 / t2)}× | ${fmt(d1 / d2)}× |`;
});
console.log(`## CNN training steps: deepscript vs PyTorch ${torchVersion} — ${started.toISOString().slice(0, 16).replace("T", " ")} UTC

Machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores; load average (1 min) at start ${loadStart[0].toFixed(2)}, at end ${os.loadavg()[0].toFixed(2)}; per config: ${Object.entries(loads).map(([id, l]) => `${id} ${l.map((x) => x.toFixed(1)).join("/")}`).join(", ")}.
Command: \`node bench/peers/cnn.mjs${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}\`; ${ROUNDS} round(s); each cell the median over rounds of a run's median step time.

| workload | ds wasm 1t | ds wasm 2t | torch 1t | torch 2t | ds 1t ÷ torch 1t | ds 2t ÷ torch 2t | ds 1t ÷ ds 2t |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}
`);
