// GAN losses and WGAN-GP's gradient penalty equal PyTorch's (fixtures from test/fixtures/generative).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { nn, generative } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

interface Enc { shape: number[]; data: number[] }
interface PenaltyCase { name: string; lambda: number; state: Record<string, Enc>; real: Enc; fake: Enc; alpha: Enc; penalty: number; gradNorms: Enc; grads: Record<string, Enc> }
interface LossCase { kind: generative.GanLoss; dLoss: number; gLoss: number; dLossGradReal: Enc; dLossGradFake: Enc; gLossGradFake: Enc }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/generative/gan.json", import.meta.url), "utf8")) as {
  torch: string; dReal: Enc; dFake: Enc; losses: LossCase[]; penalty: PenaltyCase[];
};
const f64 = (e: Enc, requiresGrad = false): Tensor => ds.tensor(e.data, { dtype: "float64", requiresGrad }).reshape(e.shape);

function expectClose(actual: Tensor | number, expected: Enc | number, tol: number, what: string): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual.toArray() as ArrayLike<number>).flat(Infinity as 1) as number[];
  const e = typeof expected === "number" ? [expected] : expected.data;
  if (typeof actual !== "number" && typeof expected !== "number") expect([...actual.shape], what).toEqual(expected.shape);
  expect(a.length, what).toBe(e.length);
  for (let i = 0; i < e.length; i++) expect(Math.abs(a[i]! - e[i]!), `${what}[${i}]: ${a[i]} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!)));
}

function critic(name: string): nn.Module {
  const m = name === "mlp"
    ? new nn.Sequential(new nn.Linear(3, 8), new nn.Tanh(), new nn.Linear(8, 8), new nn.LeakyReLU(0.2), new nn.Linear(8, 1))
    : new nn.Sequential(new nn.Conv2d(1, 3, 3, { stride: 2, padding: 1 }), new nn.LeakyReLU(0.2), new nn.Flatten(), new nn.Linear(27, 1));
  return m.double();
}

describe(`GAN losses equal PyTorch ${fixture.torch}'s`, () => {
  for (const c of fixture.losses) {
    it(`${c.kind}: discriminator and generator losses and their gradients`, () => {
      const r = f64(fixture.dReal, true), f = f64(fixture.dFake, true);
      const d = generative.discriminatorLoss(c.kind, r, f);
      expectClose(d.item(), c.dLoss, 1e-12, "dLoss");
      const [gr, gf] = ds.grad((a: Tensor, b: Tensor) => generative.discriminatorLoss(c.kind, a, b), { argnums: [0, 1] })(r, f);
      expectClose(gr!, c.dLossGradReal, 1e-12, "d dLoss / d dReal");
      expectClose(gf!, c.dLossGradFake, 1e-12, "d dLoss / d dFake");
      expectClose(generative.generatorLoss(c.kind, f).item(), c.gLoss, 1e-12, "gLoss");
      expectClose(ds.grad((b: Tensor) => generative.generatorLoss(c.kind, b))(f), c.gLossGradFake, 1e-12, "d gLoss / d dFake");
    });
  }
  it("wgan-gp uses WGAN's losses", () => {
    const r = f64(fixture.dReal), f = f64(fixture.dFake);
    expect(generative.discriminatorLoss("wgan-gp", r, f).item()).toBe(generative.discriminatorLoss("wgan", r, f).item());
    expect(generative.generatorLoss("wgan-gp", f).item()).toBe(generative.generatorLoss("wgan", f).item());
  });
});

describe(`WGAN-GP's gradient penalty equals PyTorch ${fixture.torch}'s (double backprop, float64)`, () => {
  for (const c of fixture.penalty) {
    it(`${c.name} critic: penalty and its gradient with respect to every critic parameter`, () => {
      const model = critic(c.name);
      model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, f64(v)])));
      const gp = generative.gradientPenalty(model, f64(c.real), f64(c.fake), { alpha: f64(c.alpha), lambda: c.lambda });
      expectClose(gp.item(), c.penalty, 1e-12, "penalty");
      model.zeroGrad();
      gp.backward();
      const params = Object.fromEntries(model.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.grads).sort());
      for (const [k, g] of Object.entries(c.grads)) {
        const got = params[k]!.grad ?? ds.zerosLike(params[k]!);
        expectClose(got, g, 1e-10, `grad ${k}`);
      }
    });
  }

  it("a critic with unit input-gradient everywhere has zero penalty; the penalty is λ·E(‖∇D‖ − 1)²", () => {
    // D(x) = w·x with ‖w‖ = 2: ‖∇D‖ = 2 at every x̂, so the penalty is λ · (2 − 1)² = λ.
    const w = ds.tensor([[1.2, -1.6]], { dtype: "float64" });
    const D = (x: Tensor) => x.matmul(w.t());
    const real = ds.randn([6, 2], { dtype: "float64" }), fake = ds.randn([6, 2], { dtype: "float64" });
    expectClose(generative.gradientPenalty(D, real, fake, { lambda: 3 }).item(), 3, 1e-12, "penalty of a 2-Lipschitz linear critic");
    const unit = ds.tensor([[0.6, 0.8]], { dtype: "float64" });
    expectClose(generative.gradientPenalty((x: Tensor) => x.matmul(unit.t()), real, fake).item(), 0, 1e-12, "penalty of a 1-Lipschitz linear critic");
  });

  it("rejects mismatched batches, bad alpha and unknown losses with sentences naming the call", () => {
    const D = (x: Tensor) => x.sum(1);
    expect(() => generative.gradientPenalty(D, ds.zeros([4, 2]), ds.zeros([3, 2]))).toThrow(/gradientPenalty: real and fake .* \[4, ?2\] and \[3, ?2\]/);
    expect(() => generative.gradientPenalty(D, ds.zeros([4, 2]), ds.zeros([4, 2]), { alpha: ds.zeros([4]) })).toThrow(/gradientPenalty: alpha must have shape \[4, ?1\]/);
    expect(() => generative.discriminatorLoss("wasserstein" as generative.GanLoss, ds.zeros([2]), ds.zeros([2]))).toThrow(/discriminatorLoss: unknown GAN loss/);
  });

  it("clipWeights_ clamps every critic parameter to [−c, c]", () => {
    const model = new nn.Linear(4, 3);
    generative.clipWeights_(model, 0.05);
    for (const p of model.parameters()) {
      const v = Array.from(p.toArray() as ArrayLike<number>).flat(Infinity as 1) as number[];
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    expect(() => generative.clipWeights_(model, 0)).toThrow(/clipWeights_: clipValue/);
  });
});
