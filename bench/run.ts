// `npm run bench`: deepscript's core benchmarks as JSON (GEMM, elementwise, reductions, per-op overhead, MLP step).
import * as ds from "../src/index.js";

interface Stat { median: number; min: number; max: number; n: number }

/** Times `fn` (after warm-up) until `budgetMs` is spent or `maxReps` runs; returns ms per call. */
function time(fn: () => void, { warmup = 2, budgetMs = 1500, minReps = 3, maxReps = 200 } = {}): Stat {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minReps || (samples.length < maxReps && performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]!, max: samples[samples.length - 1]!, n: samples.length };
}

/** Per-call time of a very fast op, measured in batches of `inner` calls. */
function timeTiny(fn: () => void, inner = 2000): Stat {
  const s = time(() => {
    for (let i = 0; i < inner; i++) fn();
  }, { warmup: 3, budgetMs: 1000 });
  return { median: s.median / inner, min: s.min / inner, max: s.max / inner, n: s.n };
}

const results: Record<string, unknown>[] = [];
const emit = (r: Record<string, unknown>) => {
  results.push(r);
  console.log(JSON.stringify(r));
};
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const want = (name: string) => !only || only.split(",").some((w) => name.startsWith(w));

ds.manualSeed(0);
const backend = process.env.DEEPSCRIPT_BACKEND ?? "cpu";

if (want("gemm")) {
  for (const [m, k, n] of [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [64, 784, 128]] as const) {
    const a = ds.randn([m, k]), b = ds.randn([k, n]);
    const s = time(() => void a.matmul(b), { budgetMs: 2000, warmup: 1 });
    emit({ name: `gemm ${m}x${k}x${n}`, unit: "GFLOP/s", value: (2 * m * k * n) / (s.median * 1e6), time_ms: s, backend });
  }
  const a = ds.randn([512, 512]), b = ds.randn([512, 512]);
  for (const [name, fn] of [["AtB", () => a.t().matmul(b)], ["ABt", () => a.matmul(b.t())]] as const) {
    const s = time(() => void fn(), { budgetMs: 2000, warmup: 1 });
    emit({ name: `gemm 512^3 ${name}`, unit: "GFLOP/s", value: (2 * 512 ** 3) / (s.median * 1e6), time_ms: s, backend });
  }
  const ba = ds.randn([64, 64, 32]), bb = ds.randn([64, 32, 64]);
  const sb = time(() => void ba.matmul(bb), { budgetMs: 2000 });
  emit({ name: "gemm batched 64x(64x32x64)", unit: "GFLOP/s", value: (2 * 64 * 64 * 32 * 64) / (sb.median * 1e6), time_ms: sb, backend });
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
    const s = time(() => void fn());
    emit({ name: `elementwise ${name} 1M`, unit: "Melem/s", value: n / (s.median * 1e3), time_ms: s, backend });
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
    emit({ name: `reduce ${name} 1M`, unit: "Melem/s", value: n / (s.median * 1e3), time_ms: s, backend });
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

if (want("mlp")) {
  // 784-128-64-10 ReLU MLP, softmax cross-entropy, batch 64: forward + backward + SGD-momentum update.
  const batch = 64;
  const layer = (i: number, o: number) => {
    const bound = 1 / Math.sqrt(i);
    return [ds.rand([i, o]).mul(2 * bound).sub(bound).requiresGrad_(), ds.zeros([o]).requiresGrad_()] as const;
  };
  const params = [...layer(784, 128), ...layer(128, 64), ...layer(64, 10)];
  const vel = params.map((p) => ds.zerosLike(p));
  const x = ds.rand([batch, 784]);
  const labels = ds.randint(0, 10, [batch]);
  const step = () => {
    const [w1, b1, w2, b2, w3, b3] = params;
    const h1 = x.matmul(w1!).add(b1!).relu();
    const h2 = h1.matmul(w2!).add(b2!).relu();
    const logits = h2.matmul(w3!).add(b3!);
    const loss = logits.logSoftmax(1).gather(1, labels.unsqueeze(1)).mean().neg();
    for (const p of params) p.grad = null;
    loss.backward();
    ds.noGrad(() => {
      params.forEach((p, i) => {
        vel[i]!.mul_(0.9).add_(p.grad!);
        p.sub_(vel[i]!.mul(0.01));
      });
    });
  };
  const s = time(step, { budgetMs: 3000 });
  emit({ name: "mlp 784-128-64-10 sgd-momentum step batch 64", unit: "ms", value: s.median, time_ms: s, backend });
}
