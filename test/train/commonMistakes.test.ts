// Common first-day mistakes get errors that name the call and say what to write instead (or just work, for loss modules).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { nodeFileSystem } from "../../src/io/checkpoint.js";

const { nn, optim, io, data, train } = ds;

function setup() {
  const g = new ds.Generator(0);
  const model = new nn.Sequential(new nn.Linear(4, 8, { generator: g }), new nn.ReLU(), new nn.Linear(8, 3, { generator: g }));
  const x = ds.randn([32, 4], { generator: g });
  const y = ds.tensor(Array.from({ length: 32 }, (_, i) => i % 3), { dtype: "int32" });
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8 });
  return { model, loader };
}

describe("messages for common mistakes", () => {
  it("io.save(model, path) points to model.stateDict()", async () => {
    const { model } = setup();
    const path = join(mkdtempSync(join(tmpdir(), "ds-mistakes-")), "m.safetensors");
    await expect(io.save(model as never, path)).rejects.toThrow("io.save: got a module (Sequential), not a record of tensors; save its weights with io.save(model.stateDict(), path)");
    expect(() => io.serialize(model as never)).toThrow("io.serialize: got a module (Sequential), not a record of tensors; pass its weights: io.serialize(model.stateDict())");
  });

  it("fit accepts a loss module (new nn.CrossEntropyLoss()) and trains exactly as with the loss function", async () => {
    const run = async (loss: unknown) => {
      const { model, loader } = setup();
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
      const history = await train.fit(model, { trainLoader: loader, loss: loss as never, optimizer, epochs: 2 });
      return history.series.loss;
    };
    const withModule = await run(new nn.CrossEntropyLoss());
    const withFunction = await run((o: ds.Tensor, t: ds.Tensor) => nn.functional.crossEntropy(o, t));
    expect(withModule).toEqual(withFunction);
    const { model, loader } = setup();
    expect(train.evaluate(model, loader, { loss: new nn.CrossEntropyLoss() as never }).loss).toBeCloseTo(train.evaluate(model, loader, { loss: (o, t) => nn.functional.crossEntropy(o, t) }).loss!, 6);
  });

  it("fit(model, loader, { epochs }) says the loader goes into the one options object", async () => {
    const { model, loader } = setup();
    const call = (train.fit as (...args: unknown[]) => Promise<unknown>)(model, loader, { epochs: 1 });
    await expect(call).rejects.toThrow("fit(model, options) takes the loader in its options object: fit(model, { trainLoader, loss, optimizer, epochs })");
  });

  it("fit with an option missing names it", async () => {
    const { model, loader } = setup();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const loss = (o: ds.Tensor, t: ds.Tensor) => nn.functional.crossEntropy(o, t);
    await expect(train.fit(model, { trainLoader: loader, optimizer, epochs: 1 } as never)).rejects.toThrow(/fit: options\.loss is missing; pass a loss function \(output, target\) => loss or a loss module such as new nn\.CrossEntropyLoss\(\)/);
    await expect(train.fit(model, { trainLoader: loader, loss, epochs: 1 } as never)).rejects.toThrow(/fit: options\.optimizer is missing; pass one such as new optim\.SGD\(model\.parameters\(\), \{ lr: 0\.01 \}\)/);
    await expect(train.fit(model, { trainLoader: loader, loss, optimizer } as never)).rejects.toThrow(/fit: options\.epochs is missing; pass the number of passes over the training data, e\.g\. epochs: 10/);
    await expect(train.fit(model, { loss, optimizer, epochs: 1 } as never)).rejects.toThrow(/fit: options\.trainLoader is missing; pass a loader, e\.g\. new data\.DataLoader\(dataset, \{ batchSize: 32, shuffle: true \}\)/);
  });

  it("new optim.SGD(params) without options asks for a learning rate", () => {
    const { model } = setup();
    const SGD = optim.SGD as unknown as new (...args: unknown[]) => unknown;
    expect(() => new SGD(model.parameters())).toThrow("SGD: needs a learning rate: new optim.SGD(params, { lr: 0.01 })");
    expect(() => new SGD(model.parameters(), {})).toThrow("SGD: needs a learning rate: new optim.SGD(params, { lr: 0.01 })");
    expect(() => new SGD(model.parameters(), { lr: -1 })).toThrow("SGD: invalid learning rate -1");
  });

  it("new train.LambdaCallback({ onEpochEnd }) says it takes a function, and that hook objects go to fit directly", () => {
    const Lambda = train.LambdaCallback as unknown as new (arg: unknown) => unknown;
    expect(() => new Lambda({ onEpochEnd: () => {} })).toThrow(/LambdaCallback: takes one function \(epoch, logs\) => void.*pass an object with onEpochEnd, onBatchEnd, … to fit's callbacks directly/);
  });

  it("io.save where the file system is missing (a browser bundle) suggests io.serialize and a download", () => {
    // Browser bundles replace the Node file adapter by an empty module (package.json "browser": false).
    expect(() => nodeFileSystem({}, "io.save")).toThrow(
      "io.save: needs Node.js's file system, which this environment lacks; in a browser, turn the weights into bytes with io.serialize(model.stateDict()) and offer them as a download (new Blob([bytes]) and an <a download> link) or keep them in IndexedDB; io.deserialize(bytes) reads them back",
    );
    expect(() => nodeFileSystem({}, "io.load")).toThrow(/io\.load: needs Node\.js's file system.*io\.deserialize\(bytes\)/);
  });
});
