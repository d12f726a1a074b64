import * as ds from "/work/wt/rnn/src/index.js";
await ds.ready();
await ds.setNumThreads(1);
const gen = new ds.Generator(0);
const lstm = new ds.nn.LSTM(32, 128, { batchFirst: true, generator: gen });
const x = ds.randn([32, 50, 32], { generator: gen });
const target = ds.randn([32, 128], { generator: gen });
for (let i = 0; i < 3; i++) {
  let t0 = performance.now();
  const [, [h]] = lstm.call(x);
  const loss = ds.nn.functional.mseLoss(h.select(0, -1), target);
  let t1 = performance.now();
  loss.backward();
  let t2 = performance.now();
  console.log("fwd", (t1 - t0).toFixed(1), "bwd", (t2 - t1).toFixed(1));
}
