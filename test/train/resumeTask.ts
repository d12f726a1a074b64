// The training run shared by resume.test.ts and the fresh process it spawns (resumeWorker.ts).
import { DataLoader } from "../../src/data/DataLoader.js";
import { TensorDataset } from "../../src/data/Dataset.js";
import { twoMoons } from "../../src/data/synthetic.js";
import { Linear } from "../../src/nn/Linear.js";
import { Sequential } from "../../src/nn/containers.js";
import { Tanh } from "../../src/nn/activations.js";
import { crossEntropy } from "../../src/nn/functional/losses.js";
import { SGD } from "../../src/optim/SGD.js";
import { Generator } from "../../src/random/Generator.js";
import { fit } from "../../src/train/fit.js";
import type { Callback } from "../../src/train/Callback.js";

export const TOTAL_EPOCHS = 4;

export function makeRun(initSeed: number) {
  const { x, y } = twoMoons(96, { seed: 5 });
  const model = new Sequential(new Linear(2, 8, { generator: new Generator(initSeed) }), new Tanh(), new Linear(8, 2, { generator: new Generator(initSeed + 1) }));
  const optimizer = new SGD(model.parameters(), { lr: 0.2, momentum: 0.9, nesterov: true });
  const trainLoader = new DataLoader(new TensorDataset(x, y), { batchSize: 10, shuffle: true, seed: 42 });
  const run = (epochs: number, initialEpoch = 0, callbacks: Callback[] = []) =>
    fit(model, { trainLoader, loss: (o, t) => crossEntropy(o, t), optimizer, epochs, initialEpoch, callbacks });
  return { model, optimizer, run };
}
