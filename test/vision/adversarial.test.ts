// FGSM and PGD against PyTorch on LeNet-5 (test/fixtures/vision/make_visualize_fixture.py), the orderings
// the attacks guarantee, projection onto the ε-ball, and adversarial training on a tiny problem.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { tensor, randn, rand } from "../../src/ops/creation.js";
import { deserialize } from "../../src/io/safetensors.js";
import { Generator } from "../../src/random/Generator.js";
import { noGrad } from "../../src/autograd/engine.js";
import * as nn from "../../src/nn/index.js";
import * as optim from "../../src/optim/index.js";
import { LeNet5 } from "../../src/vision/models/index.js";
import { fgsm, pgd, robustAccuracy, adversarialTrainingStep } from "../../src/vision/adversarial.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/vision");
const attacks = (JSON.parse(readFileSync(join(dir, "visualize.json"), "utf8")) as {
  attacks: { input: number[]; targets: number[]; cleanLoss: number; fgsm: number[]; pgdLinf: number[]; pgdL2: number[] };
}).attacks;
const weights = deserialize(new Uint8Array(readFileSync(join(dir, "models.safetensors")))).tensors;

function lenet(): LeNet5 {
  const m = new LeNet5({ dtype: "float64" });
  m.loadStateDict(Object.fromEntries(Object.entries(weights).filter(([k]) => k.startsWith("lenet5/state/")).map(([k, v]) => [k.slice(13), v])));
  return m.eval();
}
const x = () => tensor(attacks.input, { dtype: "float64", shape: [2, 1, 28, 28] });
const y = () => tensor(attacks.targets, { dtype: "int32" });
const maxDiff = (a: Tensor, b: number[] | Tensor) => {
  const u = a.toList() as number[], v = (Array.isArray(b) ? b : b.toList()) as number[];
  return u.reduce((m, e, i) => Math.max(m, Math.abs(e - v[i]!)), 0);
};
const lossOf = (model: nn.Module, input: Tensor, target: Tensor) => noGrad(() => nn.functional.crossEntropy(model.call(input), target).item() as number);

describe("FGSM and PGD equal PyTorch (float64, LeNet-5)", () => {
  it("FGSM: x + ε·sign(∇ₓL), clamped to [0, 1]", () => {
    expect(maxDiff(fgsm(lenet(), x(), y(), { eps: 0.1 }), attacks.fgsm)).toBeLessThan(1e-12);
  });
  it("PGD L∞ without random start", () => {
    expect(maxDiff(pgd(lenet(), x(), y(), { eps: 0.1, alpha: 0.02, steps: 5, randomStart: false }), attacks.pgdLinf)).toBeLessThan(1e-12);
  });
  it("PGD L2 without random start", () => {
    expect(maxDiff(pgd(lenet(), x(), y(), { eps: 1, alpha: 0.3, steps: 5, norm: "l2", randomStart: false }), attacks.pgdL2)).toBeLessThan(1e-12);
  });
});

describe("attack properties", () => {
  const model = lenet();
  it("PGD loss ≥ FGSM loss ≥ clean loss, and the attacks leave parameter gradients alone", () => {
    const clean = lossOf(model, x(), y());
    expect(clean).toBeCloseTo(attacks.cleanLoss, 12);
    const lf = lossOf(model, fgsm(model, x(), y(), { eps: 0.05 }), y());
    const lp = lossOf(model, pgd(model, x(), y(), { eps: 0.05, steps: 10, generator: new Generator(0) }), y());
    expect(lf).toBeGreaterThan(clean);
    expect(lp).toBeGreaterThanOrEqual(lf);
    for (const p of model.parameters()) expect(p.grad).toBeNull();
  });

  it("L∞ PGD with a random start stays within ε of x and inside [0, 1]; the same generator seed gives the same batch", () => {
    const a = pgd(model, x(), y(), { eps: 0.03, steps: 3, generator: new Generator(7) });
    expect(maxDiff(a, x())).toBeLessThanOrEqual(0.03 + 1e-12);
    const v = a.toList() as number[];
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    expect(maxDiff(pgd(model, x(), y(), { eps: 0.03, steps: 3, generator: new Generator(7) }), a)).toBe(0);
  });

  it("L2 PGD with a random start keeps each sample's perturbation norm ≤ ε (no clamp)", () => {
    const x0 = x();
    const a = pgd(model, x0, y(), { eps: 0.5, steps: 4, norm: "l2", clamp: null, generator: new Generator(3) });
    const d = a.sub(x0);
    const norms = d.square().sum([1, 2, 3]).sqrt().toList() as number[];
    for (const n of norms) {
      expect(n).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(n).toBeGreaterThan(0.4); // gradient steps push the perturbation out to the sphere
    }
  });

  it("checks its arguments", () => {
    expect(() => fgsm(model, x(), tensor([1], { dtype: "int32" }), { eps: 0.1 })).toThrow(/fgsm: targets must be a 1-D tensor of 2 class indices, got \[1\]/);
    expect(() => pgd(model, x(), y(), { eps: -1 })).toThrow(/pgd: eps must be a finite number ≥ 0, got -1/);
    expect(() => pgd(model, x(), y(), { eps: 0.1, norm: "l1" as "l2" })).toThrow(/pgd: norm must be "linf" or "l2"/);
  });
});

describe("adversarial training", () => {
  it("raises PGD accuracy where the plain model leans on many weak, non-robust features", () => {
    // Tsipras et al. (2018, arXiv:1805.12152)'s construction: feature 0 is the label ±1 (flipped for
    // 10 % of the samples), robust to ε < 1; features 1–15 are N(η·y, 1) with η = 0.5, each weak but
    // together predictive — and an L∞ shift of ε = 0.5 cancels all of them at once.
    const g = new Generator(11);
    const n = 512, d = 16, eta = 0.5;
    const signs = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const labels = tensor(signs.map((s) => (s + 1) / 2), { dtype: "int32" });
    const noise = randn([n, d], { generator: g }).toList() as number[];
    const flips = rand([n], { generator: g }).toList() as number[];
    const rows = signs.flatMap((s, i) => Array.from({ length: d }, (_, j) => (j === 0 ? (flips[i]! < 0.1 ? -s : s) : eta * s + noise[i * d + j]!)));
    const inputs = tensor(rows, { shape: [n, 1, 4, 4] });
    const make = () => new nn.Sequential(new nn.Flatten(), new nn.Linear(d, 32, { generator: new Generator(1) }), new nn.ReLU(), new nn.Linear(32, 2, { generator: new Generator(2) }));
    const attack = (m: nn.AnyModule, a: Tensor, b: Tensor) => pgd(m, a, b, { eps: 0.5, steps: 5, clamp: null, generator: new Generator(5) });
    const plain = make();
    const robust = make();
    const optPlain = new optim.Adam(plain.parameters(), { lr: 1e-2 });
    const optRobust = new optim.Adam(robust.parameters(), { lr: 1e-2 });
    for (let epoch = 0; epoch < 60; epoch++) {
      optPlain.zeroGrad();
      nn.functional.crossEntropy(plain.call(inputs), labels).backward();
      optPlain.step();
      adversarialTrainingStep(robust, inputs, labels, { attack, optimizer: optRobust });
    }
    const plainClean = robustAccuracy(plain, inputs, labels, null);
    const plainRobust = robustAccuracy(plain, inputs, labels, attack);
    const advRobust = robustAccuracy(robust, inputs, labels, attack);
    expect(plainClean).toBeGreaterThan(0.95);
    expect(plainRobust).toBeLessThan(0.7);
    expect(advRobust).toBeGreaterThan(0.85); // feature 0 alone: 90 %
  });
});
