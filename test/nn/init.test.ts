import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { zeros } from "../../src/ops/creation.js";
import { Generator, manualSeed } from "../../src/random/Generator.js";
import * as nn from "../../src/nn/index.js";

const { init } = nn;

function stats(t: Tensor): { n: number; mean: number; std: number; min: number; max: number } {
  const v = t.toList();
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/**
 * U(−a, a): the sample mean has standard error a/√(3n); the sample standard deviation (true value a/√3)
 * has standard error √((μ₄ − σ⁴)/(4σ²n)) = a/√(15n) (μ₄ = a⁴/5). We allow 5 standard errors (a two-sided
 * false-alarm probability below 1e-6; the generator is seeded, so the outcome is fixed anyway), and every
 * value must lie inside [−a, a] with the extremes within 1e-3·a of the bounds (P(miss) < e^−40 for n ≥ 1e5).
 */
function expectUniform(t: Tensor, a: number): void {
  const s = stats(t);
  expect(Math.abs(s.mean)).toBeLessThan((5 * a) / Math.sqrt(3 * s.n));
  expect(Math.abs(s.std - a / Math.sqrt(3))).toBeLessThan((5 * a) / Math.sqrt(15 * s.n));
  expect(s.min).toBeGreaterThanOrEqual(-a);
  expect(s.max).toBeLessThanOrEqual(a);
  expect(s.min).toBeLessThan(-a * (1 - 1e-3));
  expect(s.max).toBeGreaterThan(a * (1 - 1e-3));
}

/** N(μ, σ²): standard errors σ/√n for the mean and σ/√(2n) for the standard deviation; 5 of them allowed. */
function expectNormal(t: Tensor, mu: number, sigma: number): void {
  const s = stats(t);
  expect(Math.abs(s.mean - mu)).toBeLessThan((5 * sigma) / Math.sqrt(s.n));
  expect(Math.abs(s.std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * s.n));
}

describe("nn.init matches PyTorch's formulas (statistics on 1e5-element tensors)", () => {
  const g = new Generator(11);
  it("calculateGain", () => {
    expect(init.calculateGain("linear")).toBe(1);
    expect(init.calculateGain("sigmoid")).toBe(1);
    expect(init.calculateGain("tanh")).toBe(5 / 3);
    expect(init.calculateGain("relu")).toBe(Math.SQRT2);
    expect(init.calculateGain("leakyRelu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain("leakyRelu", Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain("selu")).toBe(0.75);
  });

  it("uniform, normal, constant, zeros, ones, eye", () => {
    expectUniform(init.uniform(zeros([100000], { dtype: "float64" }), -0.5, 0.5, { generator: g }), 0.5);
    expectNormal(init.normal(zeros([100000], { dtype: "float64" }), 2, 3, { generator: g }), 2, 3);
    expect(init.constant(zeros([3]), 0.25).toList()).toEqual([0.25, 0.25, 0.25]);
    expect(init.ones(zeros([2])).toList()).toEqual([1, 1]);
    expect(init.eye(zeros([2, 3])).toList()).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it("xavierUniform: a = gain·√(6/(fanIn + fanOut)); xavierNormal: σ = gain·√(2/(fanIn + fanOut))", () => {
    // (250, 40, 10): fanIn = 40·10 = 400, fanOut = 250·10 = 2500.
    expectUniform(init.xavierUniform(zeros([250, 40, 10], { dtype: "float64" }), { gain: 2, generator: g }), 2 * Math.sqrt(6 / 2900));
    expectNormal(init.xavierNormal(zeros([250, 400], { dtype: "float64" }), { generator: g }), 0, Math.sqrt(2 / 650));
  });

  it("kaimingUniform/Normal: σ = gain/√fan with gain from (nonlinearity, a), bound √3σ", () => {
    const w = zeros([250, 400], { dtype: "float64" });
    expectNormal(init.kaimingNormal(w, { nonlinearity: "relu", generator: g }), 0, Math.SQRT2 / Math.sqrt(400));
    expectNormal(init.kaimingNormal(w, { mode: "fanOut", nonlinearity: "tanh", generator: g }), 0, 5 / 3 / Math.sqrt(250));
    expectUniform(init.kaimingUniform(w, { a: Math.sqrt(5), generator: g }), 1 / Math.sqrt(400));
    expectUniform(init.kaimingUniform(w, { a: 0.2, mode: "fanOut", generator: g }), Math.sqrt(3) * Math.sqrt(2 / 1.04) / Math.sqrt(250));
  });

  it("truncNormal stays inside [a, b]", () => {
    const s = stats(init.truncNormal(zeros([20000], { dtype: "float64" }), 0, 1, -0.5, 1, { generator: g }));
    expect(s.min).toBeGreaterThanOrEqual(-0.5);
    expect(s.max).toBeLessThanOrEqual(1);
  });

  it("orthogonal gives QᵀQ = gain²·I (tall), QQᵀ = gain²·I (wide), also for >2-D tensors", () => {
    for (const [shape, gain] of [[[8, 5], 1], [[5, 8], 1.5], [[4, 2, 3], 2]] as [number[], number][]) {
      const q = init.orthogonal(zeros(shape, { dtype: "float64" }), { gain, generator: g }).reshape(shape[0]!, -1);
      const gram = q.shape[0]! >= q.shape[1]! ? q.t().matmul(q) : q.matmul(q.t());
      const n = gram.shape[0]!;
      const v = gram.toList();
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(v[i * n + j]!).toBeCloseTo(i === j ? gain * gain : 0, 12);
    }
  });
});

describe("default layer initialization equals PyTorch's", () => {
  it("Linear: weight and bias ~ U(±1/√inFeatures) (kaiming_uniform with a = √5)", () => {
    manualSeed(3);
    const fc = new nn.Linear(400, 300, { dtype: "float64" });
    expectUniform(fc.weight, 1 / Math.sqrt(400));
    const b = stats(fc.bias!);
    expect(b.max).toBeLessThanOrEqual(1 / 20);
    expect(b.min).toBeGreaterThanOrEqual(-1 / 20);
  });

  it("Bilinear: weight and bias ~ U(±1/√in1Features)", () => {
    const bl = new nn.Bilinear(100, 50, 20, { dtype: "float64", generator: new Generator(5) });
    expectUniform(bl.weight, 1 / 10);
  });

  it("Embedding ~ N(0, 1) with the padding row zeroed; LayerNorm/BatchNorm γ = 1, β = 0", () => {
    const e = new nn.Embedding(1000, 100, { paddingIdx: 7, dtype: "float64", generator: new Generator(6) });
    expectNormal(e.weight, 0, 1);
    expect(e.weight.select(0, 7).toList().every((x) => x === 0)).toBe(true);
    const ln = new nn.LayerNorm(4);
    expect([...ln.weight!.toList(), ...ln.bias!.toList()]).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    const bn = new nn.BatchNorm1d(2);
    expect([...bn.weight!.toList(), ...bn.bias!.toList(), ...bn.runningMean!.toList(), ...bn.runningVar!.toList()]).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
  });

  it("the same seed gives the same weights", () => {
    manualSeed(42);
    const a = new nn.Linear(3, 2).weight.toList();
    manualSeed(42);
    expect(new nn.Linear(3, 2).weight.toList()).toEqual(a);
    expect(new nn.Linear(3, 2, { generator: new Generator(1) }).weight.toList()).toEqual(new nn.Linear(3, 2, { generator: new Generator(1) }).weight.toList());
  });
});
