// TRPO's pieces: Fisher-vector products (hvp of the mean KL) against finite differences of the KL gradient,
// the KL against distributions.klDivergence, conjugate gradient against linalg.solve, and a learning signal.
import { describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { make } from "../../../src/rl/registry.js";
import type { Env } from "../../../src/rl/Env.js";
import { Generator } from "../../../src/random/Generator.js";
import { Actor } from "../../../src/rl/agents/policies.js";
import { conjugateGradient, FlatPolicy, trainTRPO } from "../../../src/rl/agents/TRPO.js";

const options = { hidden: [6, 5], activation: "tanh" as const, orthogonal: false };

function setup(id: "CartPole-v1" | "Pendulum-v1") {
  const actor = new Actor("TRPO", make(id) as Env<unknown, unknown>, options, new Generator(2));
  const policy = new FlatPolicy(actor, "tanh");
  const gen = new Generator(3);
  const obsSize = actor.observationSize;
  const observations = ds.randn([7, obsSize], { dtype: "float64", generator: gen });
  const thetaOld = policy.get().to("float64");
  if (actor.logStd) ds.noGrad(() => thetaOld.narrow(0, thetaOld.shape[0]! - 1, 1).fill_(-0.3));
  const v = ds.randn([policy.size], { dtype: "float64", generator: gen });
  return { actor, policy, observations, thetaOld, v, gen };
}

describe("TRPO Fisher-vector products", () => {
  for (const id of ["CartPole-v1", "Pendulum-v1"] as const) {
    it(`hvp of the mean KL equals central differences of its gradient (float64, ${id === "CartPole-v1" ? "categorical" : "Gaussian"} policy), at θ_old and away from it`, () => {
      const { policy, observations, thetaOld, v, gen } = setup(id);
      const kl = policy.meanKl(thetaOld, observations);
      const gradKl = ds.grad(kl);
      const eps = 1e-5;
      for (const theta of [thetaOld, thetaOld.add(ds.randn([policy.size], { dtype: "float64", generator: gen }).mul(0.2))]) {
        const fvp = ds.hvp(kl)(theta, v).toArray() as number[];
        const fd = gradKl(theta.add(v.mul(eps))).sub(gradKl(theta.sub(v.mul(eps)))).div(2 * eps).toArray() as number[];
        const scale = Math.max(...fd.map(Math.abs));
        expect(scale).toBeGreaterThan(1e-3);
        fvp.forEach((x, i) => expect(Math.abs(x - fd[i]!)).toBeLessThan(1e-6 * scale + 1e-9));
      }
      // At θ_old the KL and its gradient vanish: F = ∇²KL is the Fisher information (positive semi-definite).
      expect(kl(thetaOld).item()).toBeCloseTo(0, 12);
      expect(Math.max(...(gradKl(thetaOld).toArray() as number[]).map(Math.abs))).toBeLessThan(1e-12);
      expect((ds.hvp(kl)(thetaOld, v).mul(v).sum().item())).toBeGreaterThan(0);
    });
  }

  it("the mean KL equals distributions.klDivergence (Categorical and diagonal Normal)", () => {
    for (const id of ["CartPole-v1", "Pendulum-v1"] as const) {
      const { policy, observations, thetaOld, gen } = setup(id);
      const theta = thetaOld.add(ds.randn([policy.size], { dtype: "float64", generator: gen }).mul(0.3));
      const ours = policy.meanKl(thetaOld, observations)(theta).item();
      const a = policy.forward(thetaOld, observations);
      const b = policy.forward(theta, observations);
      const expected = a.logStd === null
        ? ds.distributions.klDivergence(new ds.distributions.Categorical({ logits: a.out }), new ds.distributions.Categorical({ logits: b.out })).mean().item()
        : ds.distributions.klDivergence(new ds.distributions.Normal(a.out, a.logStd.exp()), new ds.distributions.Normal(b.out, b.logStd!.exp())).sum(1).mean().item();
      expect(ours).toBeCloseTo(expected, 10);
      expect(ours).toBeGreaterThan(1e-4);
    }
  });
});

describe("conjugateGradient", () => {
  it("solves an SPD system as linalg.solve does", () => {
    const m = ds.randn([6, 6], { dtype: "float64", generator: new Generator(9) });
    const A = m.matmul(m.t()).add(ds.eye(6, 6, { dtype: "float64" }));
    const b = ds.randn([6], { dtype: "float64", generator: new Generator(10) });
    const x = conjugateGradient((v) => Float64Array.from(A.matmul(ds.tensor(v)).dataSync()), b.dataSync(), 30);
    const expected = ds.linalg.solve(A, b.unsqueeze(1)).squeeze(1).toArray() as number[];
    Array.from(x).forEach((xi, i) => expect(xi).toBeCloseTo(expected[i]!, 8));
  });
});

describe("trainTRPO", () => {
  it("keeps each accepted step inside the trust region and lifts CartPole's returns within 6,144 steps", () => {
    const r = trainTRPO(() => make("CartPole-v1") as Env<number[], number>, { totalTimesteps: 6144, seed: 1, evalEpisodes: 5 });
    for (const kl of r.stepKls) expect(kl).toBeLessThanOrEqual(0.01);
    expect(r.stepKls.filter((kl) => kl > 0).length).toBeGreaterThanOrEqual(4);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(r.curve.returns.slice(-10))).toBeGreaterThan(2.5 * mean(r.curve.returns.slice(0, 20)));
  }, 120_000);

  it("names itself and the space it cannot handle", () => {
    expect(() => trainTRPO(() => make("FrozenLake-v1") as never, { totalTimesteps: 10 })).toThrow(/^TRPO: unsupported observation space Discrete\(16\)/);
  });
});
