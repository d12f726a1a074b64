import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { Parameter } from "../../src/nn/Parameter.js";
import * as optim from "../../src/optim/index.js";

interface Run {
  optimizer: string;
  options: Record<string, unknown>;
  trajectory: number[][];
  lrs: number[] | null;
  source: string;
}
const ref: { problem: { X: number[]; Y: number[]; W0: number[]; b0: number[] }; runs: Run[] } = JSON.parse(
  readFileSync(new URL("../fixtures/optim/optim_reference.json", import.meta.url), "utf8"),
);

const X = tensor(ref.problem.X, { dtype: "float64", shape: [8, 3] });
const Y = tensor(ref.problem.Y, { dtype: "float64", shape: [8, 2] });

/** mean((XW + b − Y)²) + 0.05·ΣW⁴, the fixture's problem. */
function loss(W: Tensor, b: Tensor): Tensor {
  const r = X.matmul(W).add(b).sub(Y);
  return r.mul(r).mean().add(W.pow(4).sum().mul(0.05));
}

type AnyOptimizer = optim.Optimizer<{ lr: number }, object>;
function make(name: string, params: Tensor[], options: Record<string, unknown>): AnyOptimizer {
  const o = options as never;
  const ctor = {
    SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, Adagrad: optim.Adagrad, Adadelta: optim.Adadelta, RMSprop: optim.RMSprop,
    Adamax: optim.Adamax, NAdam: optim.NAdam, Yogi: optim.Yogi, SGDHD: optim.SGDHD, AdamHD: optim.AdamHD,
  }[name];
  if (!ctor) throw new Error(`unknown optimizer ${name}`);
  return new ctor(params, o) as unknown as AnyOptimizer;
}

function freshParams(): [Parameter, Parameter] {
  return [
    new Parameter(tensor(ref.problem.W0, { dtype: "float64", shape: [3, 2] })),
    new Parameter(tensor(ref.problem.b0, { dtype: "float64" })),
  ];
}

function stepOnce(opt: AnyOptimizer, W: Tensor, b: Tensor): void {
  opt.zeroGrad();
  loss(W, b).backward();
  opt.step();
}

function maxErr(actual: number[], expected: number[]): number {
  return Math.max(...actual.map((a, i) => Math.abs(a - expected[i]!) / Math.max(1, Math.abs(expected[i]!))));
}

const label = (r: Run): string => `${r.optimizer} ${JSON.stringify(r.options)} — ${r.source === "torch" ? "PyTorch 1.13" : r.source}`;

describe("optimizer trajectories (20 steps, float64) equal the reference to 1e-10", () => {
  for (const run of ref.runs) {
    it(label(run), () => {
      const [W, b] = freshParams();
      const opt = make(run.optimizer, [W, b], run.options);
      run.trajectory.forEach((expected, t) => {
        stepOnce(opt, W, b);
        expect(maxErr([...W.toList(), ...b.toList()], expected), `step ${t + 1}`).toBeLessThan(1e-10);
        if (run.lrs) expect(Math.abs(opt.paramGroups[0]!.lr - run.lrs[t]!)).toBeLessThan(1e-12);
      });
    });
  }
});

describe("optimizer stateDict round trip", () => {
  for (const run of ref.runs) {
    it(`${run.optimizer} ${JSON.stringify(run.options)}: 10 steps, save, load into a new optimizer, 10 more steps stay on the trajectory`, () => {
      const [W, b] = freshParams();
      const first = make(run.optimizer, [W, b], run.options);
      for (let t = 0; t < 10; t++) stepOnce(first, W, b);
      const saved = first.stateDict();
      const [W2, b2] = [new Parameter(W.detach().clone()), new Parameter(b.detach().clone())];
      const second = make(run.optimizer, [W2, b2], run.options);
      second.loadStateDict(saved);
      for (let t = 10; t < 20; t++) stepOnce(second, W2, b2);
      expect(maxErr([...W2.toList(), ...b2.toList()], run.trajectory[19]!)).toBeLessThan(1e-10);
    });
  }
});

describe("loadStateDict refuses prototype keys (a state dict read from JSON)", () => {
  it("in a parameter group and in a parameter's state, before changing anything", () => {
    const p = new Parameter(tensor([1, 2]));
    const opt = new optim.Adam([p], { lr: 0.1 });
    p.grad = tensor([0.5, -0.5]);
    opt.step();
    const saved = JSON.stringify({ ...opt.stateDict(), state: {} });
    const group = JSON.parse(saved.replace('"lr":0.1', '"lr":0.1,"__proto__":{"polluted":true}'));
    expect(() => opt.loadStateDict(group)).toThrow(/Adam\.loadStateDict: parameter group 0 has a key named "__proto__"/);
    const state = JSON.parse(saved.replace('"state":{}', '"state":{"0":{"__proto__":{"step":1}}}'));
    expect(() => opt.loadStateDict(state)).toThrow(/Adam\.loadStateDict: the state of parameter 0 has a key named "__proto__"/);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    expect(Object.getPrototypeOf(opt.paramGroups[0])).toBe(Object.prototype);
  });
});
