// Transfer learning: freezing a backbone, replacing the head, parameter groups with their own learning rates.
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { randn, randint } from "../../src/ops/creation.js";
import { Generator } from "../../src/random/Generator.js";
import * as nn from "../../src/nn/index.js";
import * as optim from "../../src/optim/index.js";
import { ResNet, BasicBlock } from "../../src/vision/models/index.js";

const tinyResNet = () => new ResNet(BasicBlock, [1, 1, 1, 1], { widths: [4, 4, 8, 8], numClasses: 10, stem: "cifar", inChannels: 1, generator: new Generator(0) });
const snapshot = (ps: Iterable<Tensor>) => [...ps].map((p) => p.toList() as number[]);

describe("freeze and transfer", () => {
  it("a frozen backbone gets no gradients and does not move; the new head trains", () => {
    const net = tinyResNet();
    nn.freeze(net);
    expect([...net.parameters()].every((p) => !p.requiresGrad)).toBe(true);
    net.fc = new nn.Linear(8, 5, { generator: new Generator(1) });
    const backbone = [...net.parameters()].filter((p) => !p.requiresGrad);
    expect(nn.trainableParameters(net)).toEqual([...net.fc.parameters()]);
    const before = snapshot(backbone);
    const headBefore = snapshot(net.fc.parameters());
    const opt = new optim.Adam(nn.trainableParameters(net), { lr: 1e-2 });
    const x = randn([4, 1, 8, 8], { generator: new Generator(2) });
    const y = randint(0, 5, [4], { generator: new Generator(3) });
    for (let step = 0; step < 2; step++) {
      opt.zeroGrad();
      nn.functional.crossEntropy(net.call(x), y).backward();
      opt.step();
    }
    for (const p of backbone) expect(p.grad).toBeNull();
    expect(snapshot(backbone)).toEqual(before);
    expect(snapshot(net.fc.parameters())).not.toEqual(headBefore);
    expect(net.call(x).shape).toEqual([4, 5]);
  });

  it("freeze with eval keeps batch-norm statistics fixed; unfreeze makes every parameter trainable again", () => {
    const net = tinyResNet();
    nn.freeze(net.layer1, { eval: true });
    const stats = snapshot([(net.layer1.at(0) as BasicBlock).bn1.runningMean!]);
    net.call(randn([2, 1, 8, 8], { generator: new Generator(4) }));
    expect(snapshot([(net.layer1.at(0) as BasicBlock).bn1.runningMean!])).toEqual(stats);
    expect((net.layer2.at(0) as BasicBlock).bn1.training).toBe(true);
    nn.unfreeze(net.layer1);
    expect(nn.trainableParameters(net)).toHaveLength([...net.parameters()].length);
    expect(() => nn.freeze({} as nn.Module)).toThrow(/freeze: expected an nn.Module/);
  });

  it("parameter groups: SGD moves the backbone by its own small lr and the head by the default lr", () => {
    const net = tinyResNet();
    const head = [...net.fc.parameters()];
    const backbone = [...net.parameters()].filter((p) => !head.includes(p));
    const opt = new optim.SGD([{ params: backbone, lr: 1e-3 }, { params: head }], { lr: 0.1 });
    const x = randn([4, 1, 8, 8], { generator: new Generator(5) });
    const y = randint(0, 10, [4], { generator: new Generator(6) });
    const before = snapshot(net.parameters());
    nn.functional.crossEntropy(net.call(x), y).backward();
    const grads = [...net.parameters()].map((p) => p.grad!.toList() as number[]);
    opt.step();
    const after = snapshot(net.parameters());
    [...net.parameters()].forEach((p, i) => {
      const lr = head.includes(p) ? 0.1 : 1e-3;
      after[i]!.forEach((v, j) => expect(v).toBeCloseTo(before[i]![j]! - lr * grads[i]![j]!, 6));
    });
  });
});
