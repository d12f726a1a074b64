// A run with dropout (one layer on its own generator, one on the global generator) and generator-based
// shuffling: shared by resumeDropout.test.ts and the fresh process it spawns (resumeDropoutWorker.ts).
import { DataLoader } from "../../src/data/DataLoader.js";
import { TensorDataset } from "../../src/data/Dataset.js";
import { twoMoons } from "../../src/data/synthetic.js";
import { Linear } from "../../src/nn/Linear.js";
import { Dropout } from "../../src/nn/Dropout.js";
import { Sequential } from "../../src/nn/containers.js";
import { Tanh } from "../../src/nn/activations.js";
import { crossEntropy } from "../../src/nn/functional/losses.js";
import { Adam } from "../../src/optim/Adam.js";
import { Generator } from "../../src/random/Generator.js";
import { fit } from "../../src/train/fit.js";
import type { Callback } from "../../src/train/Callback.js";

export const TOTAL_EPOCHS = 4;

export function makeDropoutRun(initSeed: number) {
  const { x, y } = twoMoons(96, { seed: 5 });
  const model = new Sequential(
    new Linear(2, 16, { generator: new Generator(initSeed) }),
    new Tanh(),
    new Dropout(0.3, { generator: new Generator(initSeed + 10) }),
    new Linear(16, 8, { generator: new Generator(initSeed + 1) }),
    new Tanh(),
    new Dropout(0.2), // draws from the global generator
    new Linear(8, 2, { generator: new Generator(initSeed + 2) }),
  );
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const trainLoader = new DataLoader(new TensorDataset(x, y), { batchSize: 10, shuffle: true, generator: new Generator(initSeed + 20) });
  const run = (epochs: number, initialEpoch = 0, callbacks: Callback[] = []) =>
    fit(model, { trainLoader, loss: (o, t) => crossEntropy(o, t), optimizer, epochs, initialEpoch, callbacks });
  return { model, optimizer, trainLoader, run };
}
