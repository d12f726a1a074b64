// trainGAN and the 2-D mixtures: update rules against the bilinear game's known dynamics, coverage metrics against the chi-square law.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { generative, nn, optim } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

/** A generator that ignores z and outputs one learnt number θ. */
class Constant extends nn.Module {
  theta = new nn.Parameter(ds.tensor([[1]], { dtype: "float64" }));
  forward(z: Tensor): Tensor {
    return this.theta.expand([z.shape[0]!, 1]);
  }
}

/**
 * Real data 0, G = θ, linear critic D(x) = w·x, WGAN loss without penalty: D minimizes wθ, G minimizes −wθ —
 * the bilinear game min_θ max_w (−wθ), equilibrium (0, 0). Alternating gradient steps keep a conserved
 * quantity and cycle; optimistic and extragradient steps converge (Daskalakis et al. 2018; Gidel et al. 2019).
 */
function bilinear(update: generative.GanUpdate, steps: number): number {
  const G = new Constant();
  const D = new nn.Linear(1, 1, { bias: false, dtype: "float64" });
  ds.noGrad(() => D.weight.fill_(1));
  generative.trainGAN(G, D, {
    loss: "wgan-gp", gpLambda: 0, nCritic: 1, update, steps, batchSize: 1, latentDim: 1, extrapolationLr: 0.1,
    sampleReal: (n) => ds.zeros([n, 1], { dtype: "float64" }),
    optimizerG: new optim.SGD(G.parameters(), { lr: 0.1 }), optimizerD: new optim.SGD(D.parameters(), { lr: 0.1 }),
  });
  return Math.hypot(G.theta.item(), D.weight.item());
}

describe("trainGAN update rules on the bilinear game", () => {
  it("alternating steps cycle around the equilibrium; OGDA and extragradient converge to it", () => {
    // From ‖(θ, w)‖ = √2 with step 0.1: extragradient contracts by √(1 − η² + η⁴) ≈ 0.995 per step, OGDA at
    // least as fast; alternating steps have determinant 1 and orbit.
    const start = Math.SQRT2;
    expect(bilinear("alternating", 800)).toBeGreaterThan(0.5 * start);
    expect(bilinear("ogda", 800)).toBeLessThan(0.03 * start);
    expect(bilinear("extragradient", 800)).toBeLessThan(0.03 * start);
  });
});

describe("trainGAN on a 1-D target", () => {
  for (const loss of generative.ganLosses) {
    it(`${loss}: an affine generator moves its mean to the data's (N(1, 0.5²))`, () => {
      ds.manualSeed(1);
      const G = new nn.Linear(1, 1, { generator: new ds.Generator(0) }); // starts at mean −0.98
      const D = new nn.Sequential(new nn.Linear(1, 32, { generator: new ds.Generator(1) }), new nn.LeakyReLU(0.2), new nn.Linear(32, 1, { generator: new ds.Generator(2) }));
      const means: number[] = [];
      const result = generative.trainGAN(G, D, {
        loss, steps: 250, batchSize: 64, latentDim: 1, nCritic: 2, clipValue: 0.1, seed: 3,
        sampleReal: (n, g) => ds.randn([n, 1], { generator: g }).mul(0.5).add(1),
        optimizerG: new optim.Adam(G.parameters(), { lr: 1e-2, betas: [0.5, 0.9] }), optimizerD: new optim.Adam(D.parameters(), { lr: 2e-2, betas: [0.5, 0.9] }),
        onStep: () => means.push(G.bias!.item()),
      });
      expect(result.dLosses).toHaveLength(250);
      expect(Math.min(...means.map((m) => Math.abs(m - 1)))).toBeLessThan(0.05);
      // WGAN-GP is not locally convergent: the penalty keeps the critic's slope near 1 even when the
      // distributions agree, so the generator keeps moving (Mescheder, Geiger & Nowozin, ICML 2018, §3);
      // the other objectives settle.
      if (loss !== "wgan-gp") expect(Math.abs(means.at(-1)! - 1)).toBeLessThan(0.15);
    }, 20_000);
  }

  it("the same seed gives the same losses", () => {
    const run = () => {
      const G = new nn.Linear(1, 1, { generator: new ds.Generator(0) });
      const D = new nn.Linear(1, 1, { generator: new ds.Generator(1) });
      return generative.trainGAN(G, D, {
        loss: "wgan-gp", steps: 5, batchSize: 8, latentDim: 1, seed: 4, sampleReal: (n, g) => ds.randn([n, 1], { generator: g }),
        optimizerG: new optim.Adam(G.parameters()), optimizerD: new optim.Adam(D.parameters()),
      }).dLosses;
    };
    expect(run()).toEqual(run());
  });

  it("rejects bad options with sentences", () => {
    const G = new nn.Linear(1, 1), D = new nn.Linear(1, 1);
    const base = { loss: "hinge" as const, steps: 1, latentDim: 1, sampleReal: (n: number) => ds.zeros([n, 1]), optimizerG: new optim.SGD(G.parameters(), { lr: 0.1 }), optimizerD: new optim.SGD(D.parameters(), { lr: 0.1 }) };
    expect(() => generative.trainGAN(G, D, { ...base, nCritic: 0 })).toThrow(/trainGAN: nCritic must be a positive integer, got 0/);
    expect(() => generative.trainGAN(G, D, { ...base, update: "sgda" as generative.GanUpdate })).toThrow(/trainGAN: unknown update/);
    expect(() => generative.trainGAN(G, D, { ...base, loss: "bce" as generative.GanLoss })).toThrow(/trainGAN: unknown GAN loss/);
  });
});

describe("2-D Gaussian mixtures and mode coverage", () => {
  it("8 modes on a circle of radius 2, and a 5 × 5 grid at −4 … 4", () => {
    const ring = generative.gaussianRing();
    expect(ring.centers).toHaveLength(8);
    for (const [x, y] of ring.centers) expect(Math.hypot(x, y)).toBeCloseTo(2, 12);
    const grid = generative.gaussianGrid();
    expect(grid.centers).toHaveLength(25);
    expect(new Set(grid.centers.map(([x]) => x))).toEqual(new Set([-4, -2, 0, 2, 4]));
  });

  it("samples of the mixture itself cover every mode, with the 3σ high-quality fraction of the χ²₂ law (1 − e^−4.5)", () => {
    for (const mixture of [generative.gaussianRing(), generative.gaussianGrid()]) {
      const n = 20_000;
      const cov = generative.modeCoverage(generative.sampleMixture(mixture, n, { generator: new ds.Generator(5) }), mixture);
      expect(cov.modesCovered).toBe(mixture.centers.length);
      const p = 1 - Math.exp(-4.5);
      expect(Math.abs(cov.highQualityFraction - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
      // Equal weights: each mode's count is Binomial(n, p / modes); all within 5 standard deviations.
      const share = (n * p) / mixture.centers.length;
      for (const c of cov.counts) expect(Math.abs(c - share)).toBeLessThan(5 * Math.sqrt(share));
    }
  });

  it("a collapsed generator covers one mode; samples between modes are not high quality", () => {
    const ring = generative.gaussianRing();
    const collapsed = ds.tensor(ring.centers[3]!).unsqueeze(0).expand([100, 2]);
    expect(generative.modeCoverage(collapsed, ring)).toMatchObject({ modesCovered: 1, highQualityFraction: 1 });
    const between = ds.zeros([100, 2]);
    expect(generative.modeCoverage(between, ring)).toMatchObject({ modesCovered: 0, highQualityFraction: 0 });
    // A mode hit by fewer than ⌈n / (4 · modes)⌉ = 4 samples does not count.
    const stray = ds.cat([collapsed.slice(0, 0, 97), ds.tensor([ring.centers[0]!, ring.centers[0]!, ring.centers[0]!])]);
    expect(generative.modeCoverage(stray, ring).modesCovered).toBe(1);
    expect(() => generative.modeCoverage(ds.zeros([5, 3]), ring)).toThrow(/modeCoverage: samples must have shape \[n, 2\]/);
  });
});
