// Gradient estimators: exact values in cases worked out by hand, and errors.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { distributions, generative } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const param = (v: number[]): Tensor => ds.tensor(v, { dtype: "float64", requiresGrad: true });

describe("gradient estimators", () => {
  it("score function on a Bernoulli, f(z) = z: with every outcome's weight worked out, one sample gives z·∂log q(z)/∂θ", () => {
    // q = Bernoulli(σ(θ)); log q(1) = log σ(θ), ∂/∂θ = 1 − σ(θ); f(0) = 0, so z = 0 contributes nothing.
    const theta = 0.3, s = 1 / (1 + Math.exp(-theta));
    const q = (l: Tensor) => new distributions.Bernoulli({ logits: l });
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const [g] = generative.scoreFunctionGradient(q, (z) => z.reshape([-1]), [param([theta])], { samples: 1, generator: new ds.Generator(seed) });
      const v = g!.item();
      expect([0, 1 - s].some((e) => Math.abs(v - e) < 1e-12), `estimate ${v}`).toBe(true);
      seen.add(Math.round(v * 1e6));
    }
    expect(seen.size).toBe(2);
  });

  it("the leave-one-out baseline makes a constant f's estimate exactly zero", () => {
    const q = (m: Tensor) => new distributions.Normal(m, ds.onesLike(m));
    const [g] = generative.scoreFunctionGradient(q, (z) => ds.fullLike(z.reshape([-1]), 7), [param([0.4])], { samples: 5, baseline: true, generator: new ds.Generator(1) });
    expect(g!.item()).toBe(0);
  });

  it("reparameterization of N(μ, 1) with f(z) = z gives exactly ∂/∂μ = 1 for every draw", () => {
    const q = (m: Tensor) => new distributions.Normal(m, ds.onesLike(m));
    const [g] = generative.reparameterizationGradient(q, (z) => z.reshape([-1]), [param([0.4])], { samples: 3 });
    expect(g!.item()).toBeCloseTo(1, 14);
  });

  it("errors name the estimator and the problem", () => {
    const q = (m: Tensor) => new distributions.Normal(m, ds.onesLike(m));
    expect(() => generative.scoreFunctionGradient(q, (z) => z.reshape([-1]), [param([0])], { samples: 1, baseline: true })).toThrow(/scoreFunctionGradient: samples must be an integer ≥ 2/);
    expect(() => generative.reparameterizationGradient((l) => new distributions.Categorical({ logits: l }), (z) => z, [param([0, 1])])).toThrow(/reparameterizationGradient: Categorical has no rsample/);
    expect(() => generative.reparameterizationGradient(q, (z) => z, [param([0])], { samples: 2 })).toThrow(/f must return one value per sample, shape \[2\]/);
    expect(() => generative.scoreFunctionGradient(q, (z) => z, [ds.tensor([0])])).toThrow(/params must be a non-empty array of tensors that require grad/);
  });
});
