import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { Parameter } from "../../src/nn/Parameter.js";
import * as optim from "../../src/optim/index.js";

describe("optim basics", () => {
  it("SGD on f(θ) = ½‖θ‖² follows θ_t = (1 − lr)ᵗ θ₀ (analytic)", () => {
    const p = new Parameter(tensor([1, -2], { dtype: "float64" }));
    const opt = new optim.SGD([p], { lr: 0.1 });
    for (let t = 0; t < 5; t++) {
      opt.zeroGrad();
      p.mul(p).sum().mul(0.5).backward();
      opt.step();
    }
    expect(p.toList()[0]).toBeCloseTo(Math.pow(0.9, 5), 14);
    expect(p.toList()[1]).toBeCloseTo(-2 * Math.pow(0.9, 5), 14);
  });

  it("step(closure) returns the closure's loss and zeroGrad({ setToNone: false }) zeroes", () => {
    const p = new Parameter(tensor([3], { dtype: "float64" }));
    const opt = new optim.Adam([p], { lr: 0.1 });
    const loss = opt.step(() => {
      opt.zeroGrad({ setToNone: false });
      const l = p.mul(p).sum();
      l.backward();
      return l.item();
    });
    expect(loss).toBe(9);
    // Adam's first step moves every coordinate by lr·sign(g) (up to eps): m̂/√v̂ = g/|g|.
    expect(p.item()).toBeCloseTo(2.9, 6);
    opt.zeroGrad({ setToNone: false });
    expect(p.grad!.item()).toBe(0);
  });
});

describe("lr schedulers accept every optimizer", () => {
  it("StepLR drives SGD and Adam group learning rates", () => {
    const p = new Parameter(tensor([1]));
    const sgd = new optim.SGD([p], { lr: 1 });
    const s = new optim.lrScheduler.StepLR(sgd, { stepSize: 2, gamma: 0.5 });
    s.step();
    s.step();
    expect(sgd.paramGroups[0]!.lr).toBe(0.5);
    const adam = new optim.AdamHD([new Parameter(tensor([1]))], { lr: 0.1 });
    new optim.lrScheduler.ReduceLROnPlateau(adam).step(1);
  });
});
