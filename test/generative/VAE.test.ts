// VAEs: bounds against closed forms (a linear-Gaussian model whose posterior the encoder can represent exactly), KL and likelihoods against the distributions module, training behaviour.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { distributions, generative, nn, optim } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const f64 = (v: number[] | number[][]): Tensor => ds.tensor(v, { dtype: "float64" });
const arr = (t: Tensor): number[] => Array.from(t.contiguous().dataSync() as ArrayLike<number>, Number);

/**
 * x = W z + b + s·ε with z ~ N(0, I). W has orthogonal columns, so the exact posterior
 * p(z | x) = N(Σ Wᵀ(x − b)/s², Σ), Σ = (I + WᵀW/s²)⁻¹, is diagonal: a Gaussian encoder can equal it.
 */
class LinearGaussianVAE extends generative.VAEBase {
  W = f64([[1, 0], [0, 2], [1, 0]]);
  b = f64([0.5, -1, 0.25]);
  s = 0.7;
  postVar = [1 / (1 + 2 / 0.49), 1 / (1 + 4 / 0.49)];
  constructor() {
    super({ latentDim: 2, likelihood: "gaussian" });
    this.logScale = new nn.Parameter(ds.full([3], Math.log(this.s), { dtype: "float64" }));
  }
  encode(x: Tensor): [Tensor, Tensor] {
    const mu = x.sub(this.b).matmul(this.W).div(this.s ** 2).mul(f64(this.postVar)); // (N, 2)
    return [mu, f64(this.postVar).log().unsqueeze(0).expand([x.shape[0]!, 2])];
  }
  decode(z: Tensor): Tensor {
    return z.matmul(this.W.t()).add(this.b);
  }
}

describe("VAE bounds", () => {
  const vae = new LinearGaussianVAE();
  const x = f64([[0.3, 1.2, -0.4], [2, -3, 1], [0, 0, 0]]);
  const cov = vae.W.matmul(vae.W.t()).add(ds.eye(3, undefined, { dtype: "float64" }).mul(vae.s ** 2));
  const logPx = arr(new distributions.MultivariateNormal(vae.b, cov).logProb(x));

  it("with the exact posterior as q, every importance weight is p(x): IWAE equals log p(x) for any k", () => {
    for (const k of [1, 5, 50]) {
      const bound = arr(generative.iwae(vae, x, k, { generator: new ds.Generator(k) }));
      bound.forEach((v, i) => expect(v).toBeCloseTo(logPx[i]!, 10));
    }
  });

  it("the ELBO (analytic KL) averages to log p(x) when q is the posterior (10,000 draws, within 5 standard errors)", () => {
    const n = 10_000;
    const xs = x.unsqueeze(0).expand([n, 3, 3]).reshape([3 * n, 3]);
    const e = arr(generative.elbo(vae, xs, { generator: new ds.Generator(1) }));
    for (let i = 0; i < 3; i++) {
      const vals = e.filter((_, j) => j % 3 === i);
      const m = vals.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1));
      expect(Math.abs(m - logPx[i]!)).toBeLessThan((5 * sd) / Math.sqrt(n));
    }
  });

  it("with a worse q, ELBO < IWAE(5) < IWAE(500) ≤ log p(x) (averaged over 400 repeats)", () => {
    class Worse extends LinearGaussianVAE {
      override encode(xx: Tensor): [Tensor, Tensor] {
        const [mu] = super.encode(xx);
        return [mu.mul(0.6).add(0.3), ds.zerosLike(mu)]; // shifted mean, σ = 1
      }
    }
    const w = new Worse();
    const xs = x.slice(0, 0, 1).expand([400, 3]);
    const avg = (t: Tensor) => arr(t).reduce((a, v) => a + v, 0) / 400;
    const g = new ds.Generator(3);
    const e = avg(generative.elbo(w, xs, { generator: g }));
    const i5 = avg(generative.iwae(w, xs, 5, { generator: g }));
    const i500 = avg(generative.iwae(w, xs, 500, { generator: g }));
    expect(e).toBeLessThan(i5);
    expect(i5).toBeLessThan(i500);
    expect(i500).toBeLessThan(logPx[0]! + 1e-3);
    expect(logPx[0]! - i500).toBeLessThan(0.05);
  });

  it("the analytic KL equals the distributions module's KL(N(μ, σ²) ‖ N(0, 1)) summed over dimensions", () => {
    const mu = f64([[0.3, -1.2], [2, 0]]), logVar = f64([[0.1, -0.7], [1.5, 0]]);
    const expected = distributions.klDivergence(new distributions.Normal(mu, logVar.mul(0.5).exp()), new distributions.Normal(ds.zerosLike(mu), ds.onesLike(mu))).sum(1);
    arr(generative.gaussianKL(mu, logVar)).forEach((v, i) => expect(v).toBeCloseTo(arr(expected)[i]!, 12));
  });

  it("Bernoulli log-likelihood is −BCE-with-logits summed over pixels; Gaussian is Normal.logProb summed", () => {
    const m = new generative.MLPVAE(4, [3], { latentDim: 2, dtype: "float64" });
    const xx = f64([[0, 1, 0.25, 1], [1, 0, 0, 0.5]]), logits = f64([[0.3, -2, 1, 4], [-1, 0, 2, -0.5]]);
    const bce = nn.functional.binaryCrossEntropyWithLogits(logits, xx, { reduction: "none" }).sum(1).neg();
    arr(m.logLikelihood(xx, logits)).forEach((v, i) => expect(v).toBeCloseTo(arr(bce)[i]!, 12));
    const gm = new generative.MLPVAE(4, [3], { latentDim: 2, dtype: "float64", likelihood: "gaussian" });
    ds.noGrad(() => gm.logScale!.copy_(f64([0.1, -0.3, 0.5, 0])));
    const normal = new distributions.Normal(logits, gm.logScale!.detach().exp()).logProb(xx).sum(1);
    arr(gm.logLikelihood(xx, logits)).forEach((v, i) => expect(v).toBeCloseTo(arr(normal)[i]!, 12));
  });
});

describe("VAE models", () => {
  it("an MLP VAE 784-400-20 has PyTorch's examples/vae parameter count and shapes", () => {
    const vae = new generative.MLPVAE(784, [400], { latentDim: 20 });
    const count = [...vae.parameters()].reduce((a, p) => a + p.size, 0);
    expect(count).toBe(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784);
    const { output, mu, logVar } = vae.call(ds.rand([3, 1, 28, 28]));
    expect([output.shape, mu.shape, logVar.shape]).toEqual([[3, 784], [3, 20], [3, 20]]);
    expect(vae.sample(5).shape).toEqual([5, 784]);
  });

  it("training raises the ELBO of a small batch (MLP, β = 1 and β = 4), and β-VAE's KL term is smaller", () => {
    ds.manualSeed(0);
    // 32 binary images: 4 random 16-pixel prototypes, repeated. Uniform pixels give log p(x) = 16·log ½ ≈ −11.1;
    // a model that learnt the 4 prototypes approaches log ¼ ≈ −1.4.
    const prototypes = ds.rand([4, 16]).gt(0.5).to("float32");
    const x = prototypes.repeat(8, 1);
    const kls: number[] = [];
    for (const beta of [1, 4]) {
      const vae = new generative.MLPVAE(16, [32], { latentDim: 4, generator: new ds.Generator(1) });
      const opt = new optim.Adam(vae.parameters(), { lr: 1e-2 });
      const g = new ds.Generator(2);
      const start = generative.elbo(vae, x, { generator: g }).mean().item();
      for (let i = 0; i < 200; i++) {
        const loss = generative.elbo(vae, x, { beta, generator: g }).mean().neg();
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }
      const end = ds.noGrad(() => generative.iwae(vae, x, 20, { generator: g }).mean().item());
      expect(start).toBeLessThan(-10);
      expect(end).toBeGreaterThan(-5);
      const [mu, logVar] = vae.encode(x);
      kls.push(generative.gaussianKL(mu, logVar).mean().item());
    }
    expect(kls[1]!).toBeLessThan(kls[0]!);
  }, 30_000);

  it("a conditional VAE uses its labels: decoding one z with different classes gives different images", () => {
    const cvae = new generative.MLPVAE(12, [16], { latentDim: 2, numClasses: 3, generator: new ds.Generator(0) });
    const x = ds.rand([4, 12]), y = ds.tensor([0, 1, 2, 1], { dtype: "int32" });
    expect(generative.elbo(cvae, x, { y }).shape).toEqual([4]);
    expect(generative.iwae(cvae, x, 3, { y }).shape).toEqual([4]);
    const z = ds.zeros([1, 2]);
    const a = arr(cvae.decode(z, ds.tensor([0], { dtype: "int32" }))), b = arr(cvae.decode(z, ds.tensor([2], { dtype: "int32" })));
    expect(a.some((v, i) => Math.abs(v - b[i]!) > 1e-6)).toBe(true);
    expect(() => generative.elbo(cvae, x)).toThrow(/MLPVAE.encode: a conditional VAE needs labels/);
    expect(() => generative.elbo(cvae, x, { y: ds.tensor([0, 1], { dtype: "int32" }) })).toThrow(/labels must have shape \[4\]/);
  });

  it("a convolutional VAE maps [N, 1, 28, 28] to logits of the same shape, and its ELBO backpropagates", () => {
    const vae = new generative.ConvVAE({ latentDim: 8, hidden: 32, generator: new ds.Generator(0) });
    const x = ds.rand([2, 1, 28, 28]);
    expect(vae.call(x).output.shape).toEqual([2, 1, 28, 28]);
    generative.elbo(vae, x).mean().neg().backward();
    for (const p of vae.parameters()) expect(p.grad, "every parameter gets a gradient").not.toBeNull();
    expect(() => vae.encode(ds.rand([2, 1, 27, 27]))).toThrow(/ConvVAE.encode: expected images \[N, C, 28, 28\]/);
  });

  it("rejects bad options with sentences", () => {
    expect(() => new generative.MLPVAE(10, [], {})).toThrow(/MLPVAE: hiddenDims/);
    expect(() => new generative.MLPVAE(10, [5], { likelihood: "poisson" as generative.VAELikelihood })).toThrow(/VAE: likelihood must be/);
    expect(() => generative.iwae(new generative.MLPVAE(4, [3]), ds.rand([2, 4]), 0)).toThrow(/iwae: k must be a positive integer/);
  });
});
