// `npm run bench -- --only=webgpu`: the WGSL GEMM on whatever WebGPU adapter exists, labelled with it;
// `npm run bench -- --backend=webgpu` adds the W2 MLP, W3 CNN and W5 Transformer training steps through the
// public API under setBackend("webgpu"). On a CPU adapter (Mesa's lavapipe, SwiftShader) the numbers only
// show that the kernels run: correctness-only.
import * as ds from "../src/index.js";
import { requestWebGPUDevice } from "../src/backend/webgpu/device.js";
import { uploadLayout } from "../src/backend/webgpu/layout.js";
import { matmul } from "../src/backend/webgpu/matmul.js";

/** True for the software adapters, whose timings say nothing about GPUs. */
function isCpuAdapter(name: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(name);
}

export async function benchWebGPU(emit: (r: Record<string, unknown>) => void): Promise<void> {
  let gpu;
  try {
    gpu = await requestWebGPUDevice({ powerPreference: "high-performance" });
  } catch (e) {
    emit({ name: "webgpu", skipped: (e as Error).message });
    return;
  }
  const adapter = gpu.adapterName;
  const cpuAdapter = isCpuAdapter(adapter);
  const note = cpuAdapter ? "CPU adapter (software WebGPU): correctness-only, not a GPU speed" : undefined;
  if (note) console.error(`webgpu bench: ${adapter} is a ${note}`);
  const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  for (const n of [256, 512, 1024]) {
    const a = uploadLayout(gpu, random(n * n), [n, n], "float32"), b = uploadLayout(gpu, random(n * n), [n, n], "float32");
    gpu.release(matmul(gpu, a, b).buffer); // compile the pipeline, fill the pool
    await gpu.sync();
    // batches of products recorded into one submit, timed to the GPU's completion
    const budgetMs = cpuAdapter ? 1500 : 1000;
    let reps = 0, batch = 1;
    const start = performance.now();
    while (performance.now() - start < budgetMs) {
      for (let r = 0; r < batch; r++) gpu.release(matmul(gpu, a, b).buffer);
      await gpu.sync();
      reps += batch;
      if (!cpuAdapter) batch = Math.min(batch * 2, 64);
    }
    const ms = (performance.now() - start) / reps;
    emit({ name: `webgpu gemm ${n}x${n}x${n}`, unit: "GFLOP/s", value: (2 * n ** 3) / (ms * 1e6), time_ms: ms, reps, adapter, ...(note ? { note } : {}) });
    gpu.release(a.buffer);
    gpu.release(b.buffer);
  }
  gpu.destroy();
}

/** Median of `samples` (sorted in place). */
function median(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/**
 * ms per training step under setBackend("webgpu"): `warmup` steps (pipelines compile, pools fill), then
 * rounds of `perRound` steps each timed to the GPU's completion (the last loss read with itemAsync, as
 * fit reads losses), until `budgetMs` is spent (at least 3 rounds).
 */
/** One classifier training step (zeroGrad, cross-entropy, backward, step); returns the loss. */
function classifierStep(model: { forward: (x: ds.Tensor) => ds.Tensor }, optimizer: { zeroGrad: () => void; step: () => void }, x: ds.Tensor, y: ds.Tensor): ds.Tensor {
  optimizer.zeroGrad();
  const loss = ds.nn.functional.crossEntropy(model.forward(x), y);
  loss.backward();
  optimizer.step();
  return loss;
}

async function timeSteps(step: () => ds.Tensor, { warmup, perRound, budgetMs }: { warmup: number; perRound: number; budgetMs: number }): Promise<{ median: number; min: number; rounds: number; perRound: number; finalLoss: number }> {
  let loss = 0;
  for (let i = 0; i < warmup; i++) loss = await step().itemAsync();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || performance.now() - start < budgetMs) {
    const t0 = performance.now();
    let last: ds.Tensor | null = null;
    for (let i = 0; i < perRound; i++) last = step();
    loss = await last!.itemAsync();
    samples.push((performance.now() - t0) / perRound);
  }
  return { median: median(samples.slice()), min: Math.min(...samples), rounds: samples.length, perRound, finalLoss: loss };
}

/**
 * The W2 MLP (784-128-64-10, SGD momentum), W3 CNN (conv 5×5×32 p2, pool, conv 5×5×64 p2, pool, linear;
 * SGD) and W5 TinyGPT (d 128, 4 heads, 2 layers, T 64, Adam) training steps of bench/run.ts at batch 64,
 * 64 and 16 on random data, each step ending with the loss on the GPU (no readback per step). The active
 * backend must be webgpu.
 */
export async function benchWebGPUSteps(emit: (r: Record<string, unknown>) => void): Promise<void> {
  const info = ds.webgpuAdapterInfo();
  if (ds.getBackendName() !== "webgpu" || info === null) throw new Error("benchWebGPUSteps: run it after await ds.setBackend(\"webgpu\")");
  const adapter = [info.vendor, info.architecture, info.description || info.device].filter((v) => v !== "").join(" ");
  const cpuAdapter = isCpuAdapter(adapter);
  const note = cpuAdapter ? "CPU adapter (software WebGPU): correctness-only, not a GPU speed" : undefined;
  const budget = cpuAdapter ? { warmup: 1, perRound: 1, budgetMs: 1000 } : { warmup: 20, perRound: 20, budgetMs: 3000 };
  const gen = new ds.Generator(0);
  const label = { backend: "webgpu", adapter, ...(note ? { note } : {}) };

  {
    const model = new ds.nn.Sequential(new ds.nn.Linear(784, 128, { generator: gen }), new ds.nn.ReLU(), new ds.nn.Linear(128, 64, { generator: gen }), new ds.nn.ReLU(), new ds.nn.Linear(64, 10, { generator: gen }));
    const optimizer = new ds.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = ds.rand([64, 784], { generator: gen }), y = ds.randint(0, 10, [64], { generator: gen });
    const s = await timeSteps(() => classifierStep(model, optimizer, x, y), budget);
    emit({ name: "webgpu mlp W2 784-128-64-10 sgd-momentum step batch 64", unit: "ms", value: s.median, time_ms: s, ...label });
  }
  {
    const model = new ds.nn.Sequential(
      new ds.nn.Conv2d(1, 32, 5, { padding: 2, generator: gen }), new ds.nn.ReLU(), new ds.nn.MaxPool2d(2),
      new ds.nn.Conv2d(32, 64, 5, { padding: 2, generator: gen }), new ds.nn.ReLU(), new ds.nn.MaxPool2d(2),
      new ds.nn.Flatten(), new ds.nn.Linear(7 * 7 * 64, 10, { generator: gen }),
    );
    const optimizer = new ds.optim.SGD(model.parameters(), { lr: 0.01 });
    const x = ds.rand([64, 1, 28, 28], { generator: gen }), y = ds.randint(0, 10, [64], { generator: gen });
    const s = await timeSteps(() => classifierStep(model, optimizer, x, y), budget);
    emit({ name: "webgpu cnn W3 step batch 64", unit: "ms", value: s.median, time_ms: s, ...label });
  }
  {
    const vocab = 256, d = 128, T = 64, batch = 16;
    const tok = new ds.nn.Embedding(vocab, d, { generator: gen });
    const pos = ds.randn([T, d], { generator: gen }).mul(0.02).requiresGrad_();
    const enc = new ds.nn.TransformerEncoder(new ds.nn.TransformerEncoderLayer(d, 4, { dimFeedforward: 512, dropout: 0, activation: "relu", batchFirst: true }), 2);
    const head = new ds.nn.Linear(d, vocab, { generator: gen });
    const mask = ds.nn.Transformer.generateSquareSubsequentMask(T);
    const params = [...tok.parameters(), pos, ...enc.parameters(), ...head.parameters()];
    const optimizer = new ds.optim.Adam(params, { lr: 1e-3 });
    const data = ds.randint(0, vocab, [batch, T + 1], { dtype: "int32", generator: gen });
    const inputs = data.slice(1, 0, T).contiguous(), targets = data.slice(1, 1, T + 1).contiguous();
    const s = await timeSteps(() => {
      optimizer.zeroGrad();
      const x = tok.forward(inputs).add(pos); // (B, T, d)
      const logits = head.forward(enc.forward(x, { mask })); // (B, T, vocab)
      const loss = ds.nn.functional.crossEntropy(logits.reshape(-1, vocab), targets.reshape(-1));
      loss.backward();
      optimizer.step();
      return loss;
    }, budget);
    emit({ name: "webgpu transformer W5 step d128 h4 L2 T64 batch 16", unit: "ms", value: s.median, time_ms: s, n_params: params.reduce((n, p) => n + p.size, 0), ...label });
  }
}
