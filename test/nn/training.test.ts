import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { Generator } from "../../src/random/Generator.js";
import * as nn from "../../src/nn/index.js";
import * as optim from "../../src/optim/index.js";

describe("nn + optim together", () => {
  it("an MLP trained with Adam and cross-entropy fits XOR (behaviour)", () => {
    const g = new Generator(0);
    const model = new nn.Sequential(new nn.Linear(2, 16, { generator: g }), new nn.Tanh(), new nn.Linear(16, 2, { generator: g }));
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], { dtype: "int32" });
    const lossFn = new nn.CrossEntropyLoss();
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    let loss = Infinity;
    for (let step = 0; step < 200; step++) {
      loss = opt.step(() => {
        opt.zeroGrad();
        const l = lossFn.call(model.call(x), y);
        l.backward();
        return l.item();
      })!;
    }
    expect(loss).toBeLessThan(0.05);
    expect(model.call(x).argmax({ dim: 1 }).toList()).toEqual([0, 1, 1, 0]);
  });

  it("requiresGrad_(false) freezes a sub-module: its parameters get no gradient and do not move", () => {
    const body = new nn.Linear(3, 3, { dtype: "float64" });
    const head = new nn.Linear(3, 1, { dtype: "float64" });
    const model = new nn.Sequential(body, new nn.ReLU(), head);
    body.requiresGrad_(false);
    const before = body.weight.toList();
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    model.call(tensor([[1, 2, 3]], { dtype: "float64" })).sum().backward();
    opt.step();
    expect(body.weight.grad).toBeNull();
    expect(body.weight.toList()).toEqual(before);
    expect(head.weight.grad).not.toBeNull();
  });
});
