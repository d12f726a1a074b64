// Resident memory over a long training run: 10,000 steps of a 784-128-10 MLP on random data.
// Usage: npx tsx bench/memory.ts [steps]  — prints JSON with RSS (MiB) every 1,000 steps.
import * as ds from "../src/index.js";

const steps = Number(process.argv[2] ?? 10_000);
const batch = 32;
ds.manualSeed(0);
const w1 = ds.randn([784, 128]).mul(0.03).requiresGrad_(), b1 = ds.zeros([128]).requiresGrad_();
const w2 = ds.randn([128, 10]).mul(0.09).requiresGrad_(), b2 = ds.zeros([10]).requiresGrad_();
const params = [w1, b1, w2, b2];
const x = ds.rand([batch, 784]);
const y = ds.randint(0, 10, [batch]);
const rss: Record<number, number> = {};
for (let step = 1; step <= steps; step++) {
  const logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
  const loss = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
  for (const p of params) p.grad = null;
  loss.backward();
  ds.noGrad(() => params.forEach((p) => p.sub_(p.grad!.mul(0.05))));
  if (step % 1000 === 0) {
    rss[step] = Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
    console.log(JSON.stringify({ step, rssMiB: rss[step], loss: loss.item() }));
  }
}
