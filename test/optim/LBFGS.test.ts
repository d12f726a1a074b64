import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor, zeros } from "../../src/ops/creation.js";
import type { Tensor } from "../../src/tensor/Tensor.js";
import * as optim from "../../src/optim/index.js";
import { Generator } from "../../src/random/Generator.js";

// Written by test/fixtures/optim/make_lbfgs_fixture.py with torch.optim.LBFGS (PyTorch 1.13, float64).
interface StepRecord {
  params: number[];
  loss: number;
  funcEvals: number;
  nIter: number;
  closureCalls: number;
}
interface Run {
  name: string;
  problem: "logistic" | "rosenbrock";
  options: {
    lr?: number; max_iter?: number; max_eval?: number; tolerance_grad?: number; tolerance_change?: number;
    history_size?: number; line_search_fn?: "strong_wolfe";
  };
  initial: number[];
  steps: StepRecord[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim/lbfgs_reference.json", import.meta.url), "utf8")) as {
  logistic: { X: number[][]; y: number[] };
  runs: Run[];
};

const X = tensor(fixture.logistic.X, { dtype: "float64" }); // (N, 3)
const Y = tensor(fixture.logistic.y, { dtype: "float64" }).reshape(-1, 1); // (N, 1)

/** Binary cross entropy on logits, as the fixture writes it: mean(log(1 + e^z) − y z), z = X Wᵀ + b. */
function logisticLoss([W, b]: Tensor[]): Tensor {
  const z = X.matmul(W!.T).add(b!); // (N, 1)
  return z.exp().log1p().sub(Y.mul(z)).mean();
}

/** (x₀ − 1)² + 100 (x₁ − x₀²)². */
function rosenbrock([x]: Tensor[]): Tensor {
  const a = x!.select(0, 0);
  const b = x!.select(0, 1);
  const t = a.sub(1);
  const u = b.sub(a.mul(a));
  return t.mul(t).add(u.mul(u).mul(100));
}

function makeParams(run: Run): Tensor[] {
  const p = run.initial;
  if (run.problem === "logistic") {
    return [
      tensor([p.slice(0, 3)], { dtype: "float64" }).requiresGrad_(), // W (1, 3)
      tensor(p.slice(3), { dtype: "float64" }).requiresGrad_(), // b (1,)
    ];
  }
  return [tensor(p, { dtype: "float64" }).requiresGrad_()];
}

function flat(params: Tensor[]): number[] {
  return params.flatMap((p) => p.toList());
}

describe("LBFGS reproduces torch.optim.LBFGS (float64 fixtures)", () => {
  for (const run of fixture.runs) {
    it(run.name, () => {
      const params = makeParams(run);
      const lossFn = run.problem === "logistic" ? logisticLoss : rosenbrock;
      const o = run.options;
      const opt = new optim.LBFGS(params, {
        ...(o.lr !== undefined && { lr: o.lr }),
        ...(o.max_iter !== undefined && { maxIter: o.max_iter }),
        ...(o.max_eval !== undefined && { maxEval: o.max_eval }),
        ...(o.tolerance_grad !== undefined && { toleranceGrad: o.tolerance_grad }),
        ...(o.tolerance_change !== undefined && { toleranceChange: o.tolerance_change }),
        ...(o.history_size !== undefined && { historySize: o.history_size }),
        lineSearchFn: o.line_search_fn ?? null,
      });
      let calls = 0;
      const closure = (): Tensor => {
        calls++;
        opt.zeroGrad();
        const loss = lossFn(params);
        loss.backward();
        return loss;
      };
      for (const [k, expected] of run.steps.entries()) {
        const loss = opt.step(closure)!;
        const state = opt.state.get(params[0]!)!;
        const got = flat(params);
        expect(got.length).toBe(expected.params.length);
        got.forEach((v, i) => expect(Math.abs(v - expected.params[i]!), `step ${k + 1}, parameter ${i}: ${v} vs ${expected.params[i]}`).toBeLessThan(1e-10));
        expect(Math.abs(loss.item() - expected.loss)).toBeLessThan(1e-10);
        expect(state.funcEvals).toBe(expected.funcEvals);
        expect(state.nIter).toBe(expected.nIter);
        expect(calls).toBe(expected.closureCalls);
      }
    });
  }
});

describe("LBFGS behaviour", () => {
  it("trains a logistic regression until the largest gradient entry is below toleranceGrad", () => {
    // Data from deepscript's own generator: x ~ N(0, 1)³, y ~ Bernoulli(σ(w*ᵀx + b*)).
    const gen = new Generator(3);
    const n = 200;
    const wTrue = [2, -1, 0.5];
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = wTrue.map(() => gen.normal(0, 1));
      const logit = x.reduce((s, xi, j) => s + xi * wTrue[j]!, -0.5);
      xs.push(x);
      ys.push(gen.bernoulli(1 / (1 + Math.exp(-logit))) ? 1 : 0);
    }
    const Xb = tensor(xs, { dtype: "float64" }); // (n, 3)
    const Yb = tensor(ys, { dtype: "float64" }).reshape(-1, 1); // (n, 1)
    const W = zeros([1, 3], { dtype: "float64" }).requiresGrad_();
    const b = zeros([1], { dtype: "float64" }).requiresGrad_();
    const toleranceGrad = 1e-8;
    const opt = new optim.LBFGS([W, b], { lineSearchFn: "strongWolfe", maxIter: 100, toleranceGrad, toleranceChange: 0 });
    const closure = (): Tensor => {
      opt.zeroGrad();
      const z = Xb.matmul(W.T).add(b); // (n, 1)
      const loss = z.exp().log1p().sub(Yb.mul(z)).mean();
      loss.backward();
      return loss;
    };
    opt.step(closure);
    closure();
    const gradMax = Math.max(...W.grad!.toList().map(Math.abs), Math.abs(b.grad!.item()));
    expect(gradMax).toBeLessThanOrEqual(toleranceGrad);
    // Converged well before the iteration cap, and a further step stops after its first evaluation.
    const state = opt.state.get(W)!;
    expect(state.nIter).toBeLessThan(100);
    const evals = state.funcEvals;
    opt.step(closure);
    expect(state.funcEvals).toBe(evals + 1);
    // The fit recovers the generating weights roughly (200 samples).
    W.toList().forEach((w, j) => expect(Math.abs(w - wTrue[j]!)).toBeLessThan(0.6));
  });

  it("stateDict/loadStateDict resume the same trajectory", () => {
    const run = fixture.runs.find((r) => r.name === "rosenbrock, strong Wolfe")!;
    const options = { maxIter: 8, lineSearchFn: "strong_wolfe" as const };
    const a = makeParams(run);
    const optA = new optim.LBFGS(a, options);
    const closureFor = (opt: optim.LBFGS, p: Tensor[]) => (): Tensor => {
      opt.zeroGrad();
      const loss = rosenbrock(p);
      loss.backward();
      return loss;
    };
    optA.step(closureFor(optA, a));
    optA.step(closureFor(optA, a));
    const b = [tensor(a[0]!.toList(), { dtype: "float64" }).requiresGrad_()];
    const optB = new optim.LBFGS(b, options);
    optB.loadStateDict(optA.stateDict());
    optA.step(closureFor(optA, a));
    optB.step(closureFor(optB, b));
    expect(b[0]!.toList()).toEqual(a[0]!.toList());
    // Both match PyTorch's third step.
    a[0]!.toList().forEach((v, i) => expect(Math.abs(v - run.steps[2]!.params[i]!)).toBeLessThan(1e-10));
  });

  it("minimizes Rosenbrock with float32 parameters", () => {
    const x = tensor([-1.5, 2], { dtype: "float32" }).requiresGrad_();
    const opt = new optim.LBFGS([x], { lineSearchFn: "strong_wolfe", maxIter: 100, toleranceGrad: 1e-5 });
    const closure = (): Tensor => {
      opt.zeroGrad();
      const loss = rosenbrock([x]);
      loss.backward();
      return loss;
    };
    opt.step(closure);
    expect(x.dtype).toBe("float32");
    x.toList().forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-3)); // the minimum is (1, 1)
  });

  it("a strong-Wolfe step satisfies both Wolfe conditions on a quadratic", () => {
    // f(x) = ½ xᵀ diag(1, 10) x from x = (1, 1) along d = −∇f: the accepted t must satisfy
    // f(x + td) ≤ f(x) + c₁ t gᵀd and |∇f(x + td)ᵀd| ≤ −c₂ gᵀd (Nocedal & Wright eq. 3.7).
    const x = new Float64Array([1, 1]);
    const h = [1, 10];
    const f = (v: Float64Array): number => 0.5 * (h[0]! * v[0]! ** 2 + h[1]! * v[1]! ** 2);
    const grad = (v: Float64Array): Float64Array => new Float64Array([h[0]! * v[0]!, h[1]! * v[1]!]);
    const g = grad(x);
    const d = g.map((v) => -v);
    const gtd = g[0]! * d[0]! + g[1]! * d[1]!;
    const at = (t: number): Float64Array => x.map((v, i) => v + t * d[i]!);
    for (const t0 of [1e-3, 1, 5]) {
      const r = optim.strongWolfeSearch((t) => ({ loss: f(at(t)), grad: grad(at(t)) }), t0, d, f(x), g, gtd);
      const gNew = grad(at(r.t));
      expect(r.loss).toBeLessThanOrEqual(f(x) + 1e-4 * r.t * gtd);
      expect(Math.abs(gNew[0]! * d[0]! + gNew[1]! * d[1]!)).toBeLessThanOrEqual(-0.9 * gtd);
      expect(r.loss).toBe(f(at(r.t)));
    }
  });

  it("cubicInterpolate finds the minimizer of a cubic exactly", () => {
    // p(x) = x³ − 3x has its local minimum at x = 1; p' = 3x² − 3.
    const p = (x: number): number => x ** 3 - 3 * x;
    const dp = (x: number): number => 3 * x * x - 3;
    expect(optim.cubicInterpolate(0, p(0), dp(0), 2, p(2), dp(2))).toBeCloseTo(1, 12);
    expect(optim.cubicInterpolate(2, p(2), dp(2), 0, p(0), dp(0))).toBeCloseTo(1, 12);
    // Clamped to the bounds.
    expect(optim.cubicInterpolate(0, p(0), dp(0), 2, p(2), dp(2), [1.5, 3])).toBe(1.5);
  });

  it("rejects bad options, parameter groups and a missing closure", () => {
    const w = zeros([2], { dtype: "float64" }).requiresGrad_();
    expect(() => new optim.LBFGS([w], { lineSearchFn: "wolfe" as never })).toThrow(/lineSearchFn/);
    expect(() => new optim.LBFGS([w], { lr: 0 })).toThrow(/learning rate/);
    expect(() => new optim.LBFGS([w], { historySize: 0 })).toThrow(/historySize/);
    const v = zeros([2], { dtype: "float64" }).requiresGrad_();
    expect(() => new optim.LBFGS([{ params: [w] }, { params: [v] }])).toThrow(/parameter groups/);
    expect(() => new optim.LBFGS([w]).step()).toThrow(/closure/);
  });

  it("defaults follow PyTorch: maxEval = ⌊1.25·maxIter⌋", () => {
    const w = zeros([2], { dtype: "float64" }).requiresGrad_();
    const g = new optim.LBFGS([w], { maxIter: 7 }).paramGroups[0]!;
    expect(g.maxEval).toBe(8);
    expect(new optim.LBFGS([w]).paramGroups[0]).toMatchObject({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
  });
});
