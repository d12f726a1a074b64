// `npm run bench`: deepscript's core benchmarks as JSON (GEMM, WebGPU GEMM with --only=webgpu, WebGPU GEMM and W2/W3/W5 steps with --backend=webgpu, convolution, CNN training steps, elementwise, reductions, per-op overhead, MLP step, Transformer step, LSTM step, sparse graph ops, GCN and GAT epochs).
import * as ds from "../src/index.js";

/**
 * Milliseconds per call; cpuMean is the process's CPU time per call (all its threads, mean over the timed
 * calls), which a busy machine inflates far less than the wall-clock times: for A/B runs at one thread on a
 * shared machine.
 */
interface Stat { median: number; min: number; max: number; n: number; cpuMean?: number }

/**
 * Times `fn` until `budgetMs` is spent or `maxReps` runs; returns ms per call. It first warms up for
 * `warmup` calls and at least `warmupMs` (the JIT tiers up and memory pools fill over the first ~100
 * calls of a sub-millisecond op: a 64×784·784×128 product took a median 0.32 ms over its first 200
 * calls and 0.28 ms after 0.3 s), as the peer scripts time calibrated inner loops after warm-up.
 */
function time(fn: () => void, { warmup = 2, warmupMs = 300, budgetMs = 1500, minReps = 3, maxReps = 1000 } = {}): Stat {
  const warmStart = performance.now();
  for (let i = 0; i < warmup || performance.now() - warmStart < warmupMs; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (samples.length < minReps || (samples.length < maxReps && performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)]!, min: samples[0]!, max: samples[samples.length - 1]!, n: samples.length,
    cpuMean: (cpu.user + cpu.system) / 1000 / samples.length,
  };
}

/** Per-call time of a very fast op, measured in batches of `inner` calls. */
function timeTiny(fn: () => void, inner = 2000): Stat {
  const s = time(() => {
    for (let i = 0; i < inner; i++) fn();
  }, { warmup: 3, budgetMs: 1000 });
  return { median: s.median / inner, min: s.min / inner, max: s.max / inner, n: s.n, cpuMean: s.cpuMean! / inner };
}

const results: Record<string, unknown>[] = [];
const emit = (r: Record<string, unknown>) => {
  results.push(r);
  console.log(JSON.stringify(r));
};
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const want = (name: string) => !only || only.split(",").some((w) => name.startsWith(w));

await ds.ready(); // the WASM worker threads start in the background at import
const backendArg = process.argv.find((a) => a.startsWith("--backend="));
if (backendArg) await ds.setBackend(backendArg.slice(10) as Parameters<typeof ds.setBackend>[0]);
ds.manualSeed(0);
const backend = ds.getBackendName();
const threadsArg = process.argv.find((a) => a.startsWith("--threads="));
if (threadsArg) await ds.setNumThreads(Number(threadsArg.slice(10)));
const threads = ds.getNumThreads();

// WebGPU runs only when asked for: --only=webgpu (the WGSL GEMM), or --backend=webgpu (the GEMM and the
// W2/W3/W5 training steps, timed to the GPU's completion; then nothing else, since the sections below time
// synchronously). It needs an adapter, and a CPU one is slow.
if (backend === "webgpu") {
  const { benchWebGPU, benchWebGPUSteps } = await import("./webgpu.js");
  await benchWebGPU(emit);
  await benchWebGPUSteps(emit);
  process.exit(0);
}
if (only !== undefined && want("webgpu")) {
  const { benchWebGPU } = await import("./webgpu.js");
  await benchWebGPU(emit);
}

// Every timed call disposes its result, as the TF.js peer does (`tf.matMul(A, B).dispose()`) and as PyTorch
// frees a tensor on its last reference: the next product of that size then writes into the freed block.
// The "(output kept)" rows leave each result to the garbage collector instead, so every call writes into
// fresh memory (see Tensor.dispose).
if (want("gemm")) {
  for (const [m, k, n] of [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [64, 784, 128]] as const) {
    const a = ds.randn([m, k]), b = ds.randn([k, n]);
    const s = time(() => a.matmul(b).dispose(), { budgetMs: 2000, warmup: 1 });
    emit({ name: `gemm ${m}x${k}x${n}`, unit: "GFLOP/s", value: (2 * m * k * n) / (s.median * 1e6), time_ms: s, backend, threads });
  }
  const a = ds.randn([512, 512]), b = ds.randn([512, 512]);
  for (const [name, fn] of [["AtB", () => a.t().matmul(b)], ["ABt", () => a.matmul(b.t())]] as const) {
    const s = time(() => fn().dispose(), { budgetMs: 2000, warmup: 1 });
    emit({ name: `gemm 512^3 ${name}`, unit: "GFLOP/s", value: (2 * 512 ** 3) / (s.median * 1e6), time_ms: s, backend, threads });
  }
  const ba = ds.randn([64, 64, 32]), bb = ds.randn([64, 32, 64]);
  const fb = 2 * 64 * 64 * 32 * 64;
  const sb = time(() => ba.matmul(bb).dispose(), { budgetMs: 2000 });
  emit({ name: "gemm batched 64x(64x32x64)", unit: "GFLOP/s", value: fb / (sb.median * 1e6), time_ms: sb, backend, threads });
  const sk = time(() => void a.matmul(b), { budgetMs: 2000, warmup: 1 });
  emit({ name: "gemm 512x512x512 (output kept)", unit: "GFLOP/s", value: (2 * 512 ** 3) / (sk.median * 1e6), time_ms: sk, backend, threads });
  const sbk = time(() => void ba.matmul(bb), { budgetMs: 2000 });
  emit({ name: "gemm batched 64x(64x32x64) (output kept)", unit: "GFLOP/s", value: fb / (sbk.median * 1e6), time_ms: sbk, backend, threads });
}

if (want("conv")) {
  // The convolutions of W3 (the CNN of bench/peers): 1×28×28 → conv 5×5×32 p2, then 32×14×14 → conv
  // 5×5×64 p2, batch 64. "forward+backward" computes the input (second layer only, as in training),
  // weight and bias gradients.
  const gen = new ds.Generator(0);
  for (const [name, N, Cin, Cout, H, inputGrad] of [["conv1 64x1x28x28 32x5x5 p2", 64, 1, 32, 28, false], ["conv2 64x32x14x14 64x5x5 p2", 64, 32, 64, 14, true]] as const) {
    const x = ds.randn([N, Cin, H, H], { generator: gen }).requiresGrad_(inputGrad);
    const w = ds.randn([Cout, Cin, 5, 5], { generator: gen }).mul(0.05).requiresGrad_(), b = ds.zeros([Cout]).requiresGrad_();
    const gy = ds.randn([N, Cout, H, H], { generator: gen });
    const flop = 2 * N * Cout * H * H * Cin * 25;
    const f = time(() => ds.noGrad(() => ds.nn.functional.conv2d(x, w, b, { padding: 2 })).dispose(), { budgetMs: 2000, warmup: 1 });
    emit({ name: `${name} forward`, unit: "GFLOP/s", value: flop / (f.median * 1e6), time_ms: f, backend, threads });
    const fb = time(() => {
      ds.nn.functional.conv2d(x, w, b, { padding: 2 }).backward(gy);
      for (const t of [x, w, b]) t.grad = null;
    }, { budgetMs: 3000, warmup: 1 });
    emit({ name: `${name} forward+backward`, unit: "ms", value: fb.median, time_ms: fb, backend, threads });
  }
}

if (want("cnn-w3")) {
  // W3 of bench/peers: the whole training step of 1×28×28 → conv 5×5×32 p2 → ReLU → max-pool 2 → conv
  // 5×5×64 p2 → ReLU → max-pool 2 → linear 3136→10, softmax cross-entropy, SGD lr 0.01, batch 64, cycling
  // through 16 real MNIST batches as the peer does (~4 GFLOP per step, nearly all in the two convolutions).
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
  const step = () => {
    const { x, y } = batches[it++ % batches.length]!;
    optimizer.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  const s = time(step, { budgetMs: 6000, warmup: 3, warmupMs: 1000 });
  emit({ name: "cnn-w3 step batch 64", unit: "ms", value: s.median, time_ms: s, backend, threads });
}

if (want("cnn-fashion")) {
  // One training step of the fashion-cnn experiment's net (conv 3×3×32 → conv 3×3×64 → max-pool →
  // dropout → fc 128 → dropout → fc 10, Adam 1e-3, batch 64): × 938 steps is its epoch's compute.
  const { fashionCnn } = await import("../src/experiments/fashion-cnn.js");
  const model = fashionCnn(new ds.Generator(0));
  const optimizer = new ds.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = ds.randn([64, 1, 28, 28], { generator: new ds.Generator(1) });
  const y = ds.randint(0, 10, [64], { generator: new ds.Generator(2) });
  const step = () => {
    optimizer.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  const s = time(step, { budgetMs: 6000, warmup: 3, warmupMs: 1000 });
  emit({ name: "cnn-fashion step batch 64", unit: "ms", value: s.median, time_ms: s, backend, threads });
}

if (want("elementwise")) {
  const n = 1 << 20;
  const x = ds.randn([n]), y = ds.randn([n]);
  for (const [name, fn] of [
    ["add", () => x.add(y)],
    ["mul", () => x.mul(y)],
    ["exp", () => x.exp()],
    ["relu", () => x.relu()],
    ["add broadcast row [1024,1024]+[1024]", () => x.reshape(1024, 1024).add(y.slice(0, 0, 1024))],
  ] as const) {
    const s = time(() => fn().dispose());
    emit({ name: `elementwise ${name} 1M`, unit: "Melem/s", value: n / (s.median * 1e3), time_ms: s, backend, threads });
  }
}

if (want("reduce")) {
  const n = 1 << 20;
  const x = ds.randn([1024, 1024]);
  for (const [name, fn] of [
    ["sum all", () => x.sum()],
    ["sum last dim", () => x.sum({ dim: 1 })],
    ["sum first dim", () => x.sum({ dim: 0 })],
    ["max last dim", () => x.max({ dim: 1 })],
    ["logSoftmax last dim", () => x.logSoftmax(1)],
  ] as const) {
    const s = time(() => void fn());
    emit({ name: `reduce ${name} 1M`, unit: "Melem/s", value: n / (s.median * 1e3), time_ms: s, backend, threads });
  }
  // sum and mean over all dims, the first and the last dim, at 1M ([1024, 1024]) and 10M elements: a flat
  // [1e7], [1e6, 10] (the shape of issue 11's dim-0 case: long columns, short rows) and [10, 1e6].
  const flat = ds.full([1e7], 0.1), tall = ds.full([1e6, 10], 0.1), wide = ds.full([10, 1e6], 0.1);
  for (const [name, size, fn] of [
    ["mean all 1M", n, () => x.mean()],
    ["mean last dim 1M", n, () => x.mean({ dim: 1 })],
    ["mean first dim 1M", n, () => x.mean({ dim: 0 })],
    ["sum all 10M", 1e7, () => flat.sum()],
    ["mean all 10M", 1e7, () => flat.mean()],
    ["sum first dim [1e6,10] 10M", 1e7, () => tall.sum({ dim: 0 })],
    ["mean first dim [1e6,10] 10M", 1e7, () => tall.mean({ dim: 0 })],
    ["sum last dim [1e6,10] 10M", 1e7, () => tall.sum({ dim: 1 })],
    ["sum last dim [10,1e6] 10M", 1e7, () => wide.sum({ dim: 1 })],
    ["mean last dim [10,1e6] 10M", 1e7, () => wide.mean({ dim: 1 })],
  ] as const) {
    const s = time(() => void fn());
    emit({ name: `reduce ${name}`, unit: "Melem/s", value: size / (s.median * 1e3), time_ms: s, backend, threads });
  }
}

if (want("overhead")) {
  const a = ds.randn([4]), b = ds.randn([4]);
  emit({ name: "overhead add 4-elem (no grad)", unit: "us", value: timeTiny(() => void ds.noGrad(() => a.add(b))).median * 1e3 });
  const ag = ds.randn([4]).requiresGrad_(), bg = ds.randn([4]).requiresGrad_();
  emit({ name: "overhead add 4-elem (recording)", unit: "us", value: timeTiny(() => void ag.add(bg)).median * 1e3 });
  emit({
    name: "overhead add 4-elem forward+backward",
    unit: "us",
    value: timeTiny(() => ag.add(bg).sum().backward(), 500).median * 1e3,
  });
}

/**
 * Training steps before the MLP timings start. The step keeps getting faster over its first ~1,000
 * calls while V8 optimizes the step's functions and sizes its heap (medians of 200-step windows at 2
 * threads, measured: 1.17 ms for steps 0–200, 0.87 for 400–600, 0.77 after 1,200; at 1 thread 1.17,
 * 1.02, then 0.99). A training run is thousands of steps (mnist-mlp: 5,000), so we report the
 * steady state.
 */
const MLP_WARMUP = 1000;

if (want("mlp")) {
  // W2: 784-128-64-10 ReLU MLP, softmax cross-entropy, SGD momentum 0.9, batch 64 — through the public
  // nn/optim API, exactly as a user writes it (MNIST-shaped inputs in [0, 1]).
  const batch = 64;
  const model = new ds.nn.Sequential(
    new ds.nn.Linear(784, 128), new ds.nn.ReLU(), new ds.nn.Linear(128, 64), new ds.nn.ReLU(), new ds.nn.Linear(64, 10),
  );
  const optimizer = new ds.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = ds.rand([batch, 784]);
  const labels = ds.randint(0, 10, [batch]);
  const step = () => {
    optimizer.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x), labels);
    loss.backward();
    optimizer.step();
  };
  const s = time(step, { budgetMs: 3000, warmup: MLP_WARMUP });
  emit({ name: "mlp 784-128-64-10 sgd-momentum step batch 64", unit: "ms", value: s.median, time_ms: s, backend, threads });
}

if (want("adam")) {
  // The same MLP step with Adam (lr 1e-3) instead of SGD with momentum (fused optimizer kernel).
  const model = new ds.nn.Sequential(
    new ds.nn.Linear(784, 128), new ds.nn.ReLU(), new ds.nn.Linear(128, 64), new ds.nn.ReLU(), new ds.nn.Linear(64, 10),
  );
  const optimizer = new ds.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = ds.rand([64, 784]);
  const labels = ds.randint(0, 10, [64]);
  const step = () => {
    optimizer.zeroGrad();
    ds.nn.functional.crossEntropy(model.forward(x), labels).backward();
    optimizer.step();
  };
  const s = time(step, { budgetMs: 3000, warmup: MLP_WARMUP });
  emit({ name: "adam-mlp 784-128-64-10 adam step batch 64", unit: "ms", value: s.median, time_ms: s, backend, threads });
}

if (want("mlp-mnist")) {
  // W2 as the peer scripts in bench/peers run it: the same MLP step, cycling through the 125 real MNIST
  // batches of 64 of the 8,000-image training split (src/node/mnist.ts) instead of one random batch.
  const { loadMnist } = await import("../src/node/mnist.js");
  const { train } = loadMnist();
  const batch = 64;
  const batches = Array.from({ length: Math.floor(train.x.shape[0]! / batch) }, (_, i) => ({
    x: train.x.slice(0, i * batch, (i + 1) * batch).contiguous(), // [64, 784]
    y: train.y.slice(0, i * batch, (i + 1) * batch).contiguous(), // [64]
  }));
  const model = new ds.nn.Sequential(
    new ds.nn.Linear(784, 128), new ds.nn.ReLU(), new ds.nn.Linear(128, 64), new ds.nn.ReLU(), new ds.nn.Linear(64, 10),
  );
  const optimizer = new ds.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  let it = 0;
  const step = () => {
    const { x, y } = batches[it++ % batches.length]!;
    optimizer.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  const s = time(step, { budgetMs: 3000, warmup: MLP_WARMUP });
  emit({ name: "mlp-mnist 784-128-64-10 sgd-momentum step batch 64", unit: "ms", value: s.median, time_ms: s, backend, threads });
}

if (want("transformer")) {
  // W5 of bench/peers (torch_bench.py's TinyGPT): token embedding + a learned (64, 128) position table,
  // a 2-layer post-norm TransformerEncoder (d 128, 4 heads, feed-forward 512, ReLU, dropout 0, batch
  // first) under the causal float mask, a 256-way linear head; Adam lr 1e-3, cross-entropy over the
  // next byte; batch 16, T 64. One step = zeroGrad, forward, loss, backward, Adam, loss.item().
  const vocab = 256, d = 128, T = 64, batch = 16;
  class TinyGPT extends ds.nn.Module<[ds.Tensor], ds.Tensor> {
    tok = new ds.nn.Embedding(vocab, d);
    pos = new ds.nn.Parameter(ds.randn([T, d]).mul(0.02));
    enc = new ds.nn.TransformerEncoder(
      new ds.nn.TransformerEncoderLayer(d, 4, { dimFeedforward: 512, dropout: 0, activation: "relu", batchFirst: true }), 2,
    );
    head = new ds.nn.Linear(d, vocab);
    mask = ds.nn.Transformer.generateSquareSubsequentMask(T);
    forward(idx: ds.Tensor): ds.Tensor {
      const x = this.tok.forward(idx).add(this.pos.slice(0, 0, idx.shape[1]!)); // (B, T, d)
      return this.head.forward(this.enc.forward(x, { mask: this.mask })); // (B, T, vocab)
    }
  }
  const model = new TinyGPT();
  const optimizer = new ds.optim.Adam(model.parameters(), { lr: 1e-3 });
  const data = ds.randint(0, vocab, [batch, T + 1]);
  const inputs = data.slice(1, 0, T).contiguous(), targets = data.slice(1, 1, T + 1).contiguous();
  // CPU time of each step too (user + system of this process), as the LSTM step below
  const cpu: number[] = [];
  const step = () => {
    const c0 = process.cpuUsage();
    optimizer.zeroGrad();
    const logits = model.forward(inputs);
    const loss = ds.nn.functional.crossEntropy(logits.reshape(-1, vocab), targets.reshape(-1));
    loss.backward();
    optimizer.step();
    loss.item();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  };
  const nParams = [...model.parameters()].reduce((n, p) => n + p.size, 0);
  const s = time(step, { budgetMs: 5000, warmup: 20, warmupMs: 2000 });
  const timed = cpu.slice(-s.n).sort((a, b) => a - b);
  const cpuMs = { median: timed[Math.floor(timed.length / 2)]!, min: timed[0]!, max: timed[timed.length - 1]!, n: timed.length };
  emit({ name: "transformer W5 step d128 h4 L2 T64 batch 16", unit: "ms", value: s.median, time_ms: s, cpu_ms: cpuMs, backend, threads, n_params: nParams });
}

if (want("lstm")) {
  // W4 of bench/peers (torch_bench.py w4): nn.LSTM(32, 128, batchFirst), Adam lr 1e-3, x (32, 50, 32),
  // loss = MSE(h_n[-1], target (32, 128)); one step = zeroGrad, forward, backward, optimizer step, loss.item().
  const gen = new ds.Generator(0);
  const lstm = new ds.nn.LSTM(32, 128, { batchFirst: true, generator: gen });
  const optimizer = new ds.optim.Adam(lstm.parameters(), { lr: 1e-3 });
  const x = ds.randn([32, 50, 32], { generator: gen });
  const target = ds.randn([32, 128], { generator: gen });
  // CPU time of each step too (user + system of this process): on a shared machine it moves much less
  // than wall time, which counts the time other processes hold the core
  const cpu: number[] = [];
  const step = () => {
    const c0 = process.cpuUsage();
    optimizer.zeroGrad();
    const [, [h]] = lstm.call(x);
    const loss = ds.nn.functional.mseLoss(h.select(0, -1), target);
    loss.backward();
    optimizer.step();
    loss.item();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  };
  const s = time(step, { budgetMs: 4000, warmup: 20, warmupMs: 1000 });
  const timed = cpu.slice(-s.n).sort((a, b) => a - b);
  const cpuMs = { median: timed[Math.floor(timed.length / 2)]!, min: timed[0]!, max: timed[timed.length - 1]!, n: timed.length };
  emit({ name: "lstm 32-128 T50 batch 32 adam step", unit: "ms", value: s.median, time_ms: s, cpu_ms: cpuMs, backend, threads });
}

if (want("gru")) {
  // The W4 step with nn.GRU(32, 128) in place of the LSTM (the fused gruRecurrence): x (32, 50, 32), MSE of h_n, Adam.
  const gen = new ds.Generator(0);
  const gru = new ds.nn.GRU(32, 128, { batchFirst: true, generator: gen });
  const optimizer = new ds.optim.Adam(gru.parameters(), { lr: 1e-3 });
  const x = ds.randn([32, 50, 32], { generator: gen });
  const target = ds.randn([32, 128], { generator: gen });
  const cpu: number[] = [];
  const step = () => {
    const c0 = process.cpuUsage();
    optimizer.zeroGrad();
    const [, h] = gru.call(x);
    const loss = ds.nn.functional.mseLoss(h.select(0, -1), target);
    loss.backward();
    optimizer.step();
    loss.item();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  };
  const s = time(step, { budgetMs: 4000, warmup: 20, warmupMs: 1000 });
  const timed = cpu.slice(-s.n).sort((a, b) => a - b);
  const cpuMs = { median: timed[Math.floor(timed.length / 2)]!, min: timed[0]!, max: timed[timed.length - 1]!, n: timed.length };
  emit({ name: "gru 32-128 T50 batch 32 adam step", unit: "ms", value: s.median, time_ms: s, cpu_ms: cpuMs, backend, threads });
}

if (want("gcn")) {
  // One training epoch of cora-gcn (Kipf & Welling's GCN as PyG's examples/gcn.py): dropout on the 2,708 × 1,433
  // features, GCNConv(1433, 16) → ReLU → dropout → GCNConv(16, 7) with the normalized adjacency cached, cross-entropy
  // on the 140 training nodes, backward, Adam. Peer: bench/peers/pyg_gcn.py (PyTorch Geometric, same data and model).
  const { GCN } = await import("../src/experiments/cora-gcn.js");
  const data = await ds.graph.cora({ normalizeFeatures: true });
  const x = data.x!, edgeIndex = data.edgeIndex;
  const train = ds.nonzero(data.trainMask!).reshape([-1]).int();
  const yTrain = data.y!.index(train);
  const model = new GCN(1433, 16, 7, 0.5);
  const optimizer = new ds.optim.Adam([{ params: model.conv1.parameters(), weightDecay: 5e-4 }, { params: model.conv2.parameters(), weightDecay: 0 }], { lr: 0.01 });
  const epoch = () => {
    model.train();
    optimizer.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x, edgeIndex).index(train), yTrain);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  const s = time(epoch, { budgetMs: 5000, warmup: 20 });
  // CPU time per epoch (all threads of the process) over 20 more epochs: steadier than wall time on a busy machine
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 20; i++) epoch();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / 20;
  emit({ name: "gcn cora epoch (GCN 1433-16-7, dropout 0.5, Adam)", unit: "ms", value: s.median, time_ms: s, cpu_ms: cpuMs, backend, threads });
}

/** CPU time per call (user + system of the process, µs) over `reps` more calls: steadier than wall time on a busy machine. */
function cpuMicros(fn: () => void, reps: number): number {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / reps;
}

if (want("sparse")) {
  // The sparse primitives of graph learning on Cora's graph (2,708 nodes, 10,556 edges + 2,708 self-loops):
  // SpMM as GCN's propagation (16 and 7 columns) and GAT's 8-head aggregation (64 columns), its backward
  // (values and x), scatter sum/mean/max of edge messages into nodes, and the edge softmax of GAT's attention.
  const data = await ds.graph.cora();
  const N = data.numNodes;
  const [edgeIndex] = ds.graph.addSelfLoops(data.edgeIndex, { numNodes: N });
  const E = edgeIndex.shape[1]!;
  const [source, target] = [edgeIndex.select(0, 0), edgeIndex.select(0, 1)];
  const adj = ds.stack([target, source]);
  const w = ds.rand([E]), w8 = ds.rand([E, 8]);
  for (const [F, values, label] of [[16, w, "16 cols"], [7, w, "7 cols"], [64, w8, "64 cols 8 heads"]] as const) {
    const x = ds.randn([N, F]);
    const fwd = () => ds.graph.spmm(adj, values, x, { rows: N }).dispose();
    const s = time(fwd);
    emit({ name: `sparse spmm cora ${label}`, unit: "us", value: s.median * 1000, time_ms: s, cpu_us: cpuMicros(fwd, 200), backend, threads });
    const xg = x.clone().requiresGrad_(), vg = values.clone().requiresGrad_();
    const both = () => ds.graph.spmm(adj, vg, xg, { rows: N }).sum().backward();
    const sb = time(both);
    emit({ name: `sparse spmm cora ${label} forward+backward`, unit: "us", value: sb.median * 1000, time_ms: sb, cpu_us: cpuMicros(both, 50), backend, threads });
  }
  const messages = ds.randn([E, 64]);
  for (const reduce of ["sum", "mean", "max"] as const) {
    const fwd = () => ds.graph.scatter(messages, target, { dimSize: N, reduce }).dispose();
    const s = time(fwd);
    emit({ name: `sparse scatter-${reduce} cora 64 cols`, unit: "us", value: s.median * 1000, time_ms: s, cpu_us: cpuMicros(fwd, 100), backend, threads });
  }
  const scores = ds.randn([E, 8]);
  const softmaxFwd = () => ds.graph.softmax(scores, target, { numNodes: N }).dispose();
  const ss = time(softmaxFwd);
  emit({ name: "sparse softmax cora 8 heads", unit: "us", value: ss.median * 1000, time_ms: ss, cpu_us: cpuMicros(softmaxFwd, 100), backend, threads });
  const sg = scores.clone().requiresGrad_(), weights = ds.randn([E, 8]);
  const softmaxBoth = () => ds.graph.softmax(sg, target, { numNodes: N }).mul(weights).sum().backward();
  const ssb = time(softmaxBoth);
  emit({ name: "sparse softmax cora 8 heads forward+backward", unit: "us", value: ssb.median * 1000, time_ms: ssb, cpu_us: cpuMicros(softmaxBoth, 50), backend, threads });
}

if (want("gat")) {
  // One training epoch of cora-gat (Veličković et al.'s GAT as PyG's examples/gat.py): dropout 0.6 on the features,
  // GATConv(1433, 8, 8 heads) → ELU → dropout → GATConv(64, 7, 1 head), attention dropout 0.6, cross-entropy on the
  // 140 training nodes, backward, Adam. Peer: bench/peers/pyg_gcn.py --model gat.
  const { GAT } = await import("../src/experiments/cora-gat.js");
  const data = await ds.graph.cora({ normalizeFeatures: true });
  const x = data.x!, edgeIndex = data.edgeIndex;
  const train = ds.nonzero(data.trainMask!).reshape([-1]).int();
  const yTrain = data.y!.index(train);
  const model = new GAT(1433, 8, 8, 7, 0.6);
  const optimizer = new ds.optim.Adam(model.parameters(), { lr: 0.005, weightDecay: 5e-4 });
  const epoch = () => {
    model.train();
    optimizer.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x, edgeIndex).index(train), yTrain);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  const s = time(epoch, { budgetMs: 5000, warmup: 10 });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 10; i++) epoch();
  const cpu = process.cpuUsage(cpu0);
  emit({ name: "gat cora epoch (GAT 1433-8x8-7, dropout 0.6, Adam)", unit: "ms", value: s.median, time_ms: s, cpu_ms: (cpu.user + cpu.system) / 1000 / 10, backend, threads });
}

if (want("rl")) {
  // Deep RL at the sizes where per-op overhead, not FLOPs, decides (peers: bench/peers/dqn_update.py and
  // bench/peers/ppo_cartpole.py, PyTorch + Gymnasium at 1 thread; table in bench/peers/RESULTS.md).
  // 1. One DQN update (CleanRL dqn.py's loss) on a 4-64-64-2 ReLU Q-network at batch 128, on a fixed batch.
  const qNet = () => new ds.nn.Sequential(new ds.nn.Linear(4, 64), new ds.nn.ReLU(), new ds.nn.Linear(64, 64), new ds.nn.ReLU(), new ds.nn.Linear(64, 2));
  const q = qNet();
  const target = qNet();
  target.loadStateDict(q.stateDict());
  const optimizer = new ds.optim.Adam(q.parameters(), { lr: 2.5e-4 });
  const B = 128;
  const obs = ds.randn([B, 4]), next = ds.randn([B, 4]);
  const actions = ds.randint(0, 2, [B]).unsqueeze(1), rewards = ds.rand([B]), notDone = ds.rand([B]).ge(0.05).float();
  const update = () => {
    const tdTarget = ds.noGrad(() => rewards.add(target.call(next).amax(1).mul(notDone).mul(0.99)));
    const old = q.call(obs).gather(1, actions).squeeze(1);
    const loss = ds.nn.functional.mseLoss(tdTarget, old);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  };
  const s = timeTiny(update, 200);
  // CPU time per update too (median of 5 blocks of 1,000): on a shared machine it moves far less than wall time.
  const cpuBlocks: number[] = [];
  for (let b = 0; b < 5; b++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 1000; i++) update();
    const cpu = process.cpuUsage(cpu0);
    cpuBlocks.push((cpu.user + cpu.system) / 1000);
  }
  const cpuUs = cpuBlocks.sort((a, b) => a - b)[2]!;
  emit({ name: "rl dqn-update 4-64-64-2 batch 128", unit: "us", value: s.median * 1000, time_ms: s, cpu_us: cpuUs, backend, threads });

  // 2. cartpole-ppo with CleanRL ppo.py's defaults (4 envs × 128 steps, 4 epochs, 4 minibatches, 64-64 tanh
  // actor and critic, Adam 2.5e-4 annealed): wall-clock of training for --ppo-steps environment steps
  // (default 100,000), evaluation excluded.
  const { trainPPO } = await import("../src/rl/agents/PPO.js");
  const ppoSteps = Number(process.argv.find((a) => a.startsWith("--ppo-steps="))?.slice(12) ?? 100_000);
  const run = trainPPO(() => ds.rl.make("CartPole-v1") as ds.rl.Env<number[], number>, { totalTimesteps: ppoSteps, seed: 1, evalEpisodes: 10 });
  emit({ name: `rl cartpole-ppo cleanrl-defaults ${run.envSteps} steps`, unit: "s", value: run.trainSeconds, envSteps: run.envSteps, evalReturnMean: run.evaluation.mean, backend, threads });
}
