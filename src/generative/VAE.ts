// Variational autoencoders: MLP and convolutional, Bernoulli or Gaussian decoders, optional class conditioning; ELBO and IWAE bounds.
import { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { describe } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { randn, zeros } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { oneHot } from "../ops/indexing.js";
import { logsumexp } from "../ops/reduce.js";
import { softplus } from "../nn/functional/activations.js";
import { Module } from "../nn/Module.js";
import { Parameter } from "../nn/Parameter.js";
import { Linear } from "../nn/Linear.js";
import { Conv2d, ConvTranspose2d } from "../nn/Conv.js";
import { ReLU } from "../nn/activations.js";
import { Sequential, type TensorModule } from "../nn/containers.js";
import { Flatten, Unflatten } from "../nn/Flatten.js";
import type { Generator } from "../random/Generator.js";

/** p(x | z): independent Bernoulli pixels (decoder outputs logits) or Gaussian pixels (decoder outputs means, one learned log σ per pixel). */
export type VAELikelihood = "bernoulli" | "gaussian";

/**
 * Options of the VAEs ({@link MLPVAE}, {@link ConvVAE}): the latent size, the decoder's likelihood, the
 * number of classes of a conditional VAE, dtype and the generator of the initial weights.
 */
export interface VAEOptions {
  /** Size of z (default 20). */
  latentDim?: number;
  likelihood?: VAELikelihood;
  /** Number of classes of a conditional VAE (Sohn, Lee & Yan 2015): one-hot y joins x in the encoder and z in the decoder. */
  numClasses?: number;
  dtype?: DType;
  /** Random source for the initial weights. */
  generator?: Generator;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The part every VAE shares (Kingma & Welling, "Auto-Encoding Variational Bayes", 2014,
 * https://arxiv.org/abs/1312.6114): a Gaussian encoder q(z | x) = N(μ(x), diag σ²(x)), a prior
 * p(z) = N(0, I) and a decoder p(x | z). Subclasses give the networks: `encodeFeatures` and `decodeRaw`.
 * `forward(x, y?)` returns the decoder's output for one reparameterized z ~ q(z | x) with μ and log σ².
 */
export abstract class VAEBase extends Module<[x: Tensor, y?: Tensor], { output: Tensor; mu: Tensor; logVar: Tensor }> {
  readonly latentDim: number;
  readonly likelihood: VAELikelihood;
  readonly numClasses: number;
  /** Per-pixel log σ of a Gaussian decoder (null for Bernoulli). */
  logScale: Parameter | null = null;

  constructor(options: VAEOptions) {
    super();
    this.latentDim = positiveInt("VAE", "latentDim", options.latentDim ?? 20);
    this.likelihood = options.likelihood ?? "bernoulli";
    if (this.likelihood !== "bernoulli" && this.likelihood !== "gaussian") {
      throw new Error(`VAE: likelihood must be "bernoulli" or "gaussian", got ${describe(this.likelihood)}`);
    }
    this.numClasses = options.numClasses === undefined ? 0 : positiveInt("VAE", "numClasses", options.numClasses);
  }

  /** μ and log σ² of q(z | x, y): both [N, latentDim]. */
  abstract encode(x: Tensor, y?: Tensor): [Tensor, Tensor];
  /** The decoder's output for z: logits (Bernoulli) or means (Gaussian), shaped like x. */
  abstract decode(z: Tensor, y?: Tensor): Tensor;

  forward(x: Tensor, y?: Tensor): { output: Tensor; mu: Tensor; logVar: Tensor } {
    const [mu, logVar] = this.encode(x, y);
    return { output: this.decode(reparameterize(mu, logVar), y), mu, logVar };
  }

  /** log p(x | decoder output), summed over each sample's pixels: [N]. */
  logLikelihood(x: Tensor, output: Tensor): Tensor {
    const n = x.shape[0]!;
    if (this.likelihood === "bernoulli") {
      // log Bernoulli(x; σ(l)) = x·l − softplus(l), valid for x in [0, 1] (the continuous Bernoulli's unnormalized form)
      return x.mul(output).sub(softplus(output)).reshape([n, -1]).sum(1);
    }
    const logScale = this.logScale!.reshape(x.shape.slice(1)); // (C, H, W) or (D)
    // log N(x; m, σ²) = −½ log 2π − log σ − (x − m)² / (2σ²)
    const z = x.sub(output).mul(logScale.neg().exp());
    return z.square().mul(-0.5).sub(logScale).sub(0.5 * LOG_2PI).reshape([n, -1]).sum(1);
  }

  /** Samples from p(x | z) with z ~ N(0, I): the decoder's mean (probabilities for Bernoulli). */
  sample(n: number, options: { y?: Tensor; generator?: Generator } = {}): Tensor {
    const z = randn([positiveInt("VAE.sample", "n", n), this.latentDim], { generator: options.generator, dtype: this.dtypeOf() });
    return this.mean(this.decode(z, options.y));
  }

  /** E[x | z] from the decoder's output: σ(logits) or the Gaussian mean. */
  mean(output: Tensor): Tensor {
    return this.likelihood === "bernoulli" ? output.sigmoid() : output;
  }

  protected dtypeOf(): DType {
    for (const p of this.parameters()) return p.dtype;
    return "float32";
  }

  /** y as a one-hot float matrix [N, numClasses] (labels int32 [N] or already one-hot). */
  protected condition(op: string, y: Tensor | undefined, n: number): Tensor | null {
    if (this.numClasses === 0) {
      if (y !== undefined) throw new Error(`${op}: this VAE is not conditional (numClasses was not given) but a label was passed`);
      return null;
    }
    if (!(y instanceof Tensor)) throw new Error(`${op}: a conditional VAE needs labels y ([N] class indices), got ${describe(y)}`);
    if (y.ndim !== 1 || y.shape[0] !== n) throw new Error(`${op}: labels must have shape [${n}], got ${fmtShape(y.shape)}`);
    return oneHot(y.dtype === "int32" ? y : y.to("int32"), this.numClasses).to(this.dtypeOf());
  }
}

/** z = μ + σ ⊙ ε with ε ~ N(0, I): a sample of N(μ, diag σ²) that is differentiable in μ and σ. */
export function reparameterize(mu: Tensor, logVar: Tensor, generator?: Generator): Tensor {
  const eps = randn([...mu.shape], { generator, dtype: mu.dtype });
  return mu.add(logVar.mul(0.5).exp().mul(eps));
}

/** KL(N(μ, diag σ²) ‖ N(0, I)) per sample, in closed form: ½ Σⱼ (μⱼ² + σⱼ² − 1 − log σⱼ²). Shape [N]. */
export function gaussianKL(mu: Tensor, logVar: Tensor): Tensor {
  return mu.square().add(logVar.exp()).sub(1).sub(logVar).sum(1).mul(0.5);
}

/**
 * A multilayer-perceptron VAE on flat inputs (images are flattened): `inputDim → hidden… → (μ, log σ²)`
 * and `latentDim → …hidden → inputDim`, ReLU between layers. `new MLPVAE(784, [400], { latentDim: 20 })`
 * is Kingma & Welling's MNIST model (PyTorch's examples/vae: fc1, fc21, fc22, fc3, fc4).
 */
export class MLPVAE extends VAEBase {
  encoder: Sequential;
  fcMu: Linear;
  fcLogVar: Linear;
  decoder: Sequential;
  constructor(readonly inputDim: number, readonly hiddenDims: number[] = [400], options: VAEOptions = {}) {
    super(options);
    positiveInt("MLPVAE", "inputDim", inputDim);
    hiddenDims.forEach((h, i) => positiveInt("MLPVAE", `hiddenDims[${i}]`, h));
    if (hiddenDims.length === 0) throw new Error("MLPVAE: hiddenDims must name at least one hidden layer");
    const lin = { dtype: options.dtype, generator: options.generator };
    const enc: TensorModule[] = [];
    let width = inputDim + this.numClasses;
    for (const h of hiddenDims) {
      enc.push(new Linear(width, h, lin), new ReLU());
      width = h;
    }
    this.encoder = new Sequential(...enc);
    this.fcMu = new Linear(width, this.latentDim, lin);
    this.fcLogVar = new Linear(width, this.latentDim, lin);
    const dec: TensorModule[] = [];
    width = this.latentDim + this.numClasses;
    for (const h of [...hiddenDims].reverse()) {
      dec.push(new Linear(width, h, lin), new ReLU());
      width = h;
    }
    dec.push(new Linear(width, inputDim, lin));
    this.decoder = new Sequential(...dec);
    if (this.likelihood === "gaussian") this.logScale = new Parameter(zeros([inputDim], { dtype: options.dtype }));
  }
  encode(x: Tensor, y?: Tensor): [Tensor, Tensor] {
    const n = x.shape[0]!;
    let h = x.reshape([n, -1]); // (N, inputDim)
    if (h.shape[1] !== this.inputDim) throw new Error(`MLPVAE.encode: expected ${this.inputDim} features per sample, got input of shape ${fmtShape(x.shape)}`);
    const c = this.condition("MLPVAE.encode", y, n);
    if (c) h = cat([h, c], 1);
    h = this.encoder.call(h);
    return [this.fcMu.call(h), this.fcLogVar.call(h)];
  }
  decode(z: Tensor, y?: Tensor): Tensor {
    const c = this.condition("MLPVAE.decode", y, z.shape[0]!);
    return this.decoder.call(c ? cat([z, c], 1) : z);
  }
  override extraRepr(): string {
    return `latent_dim=${this.latentDim}, likelihood=${this.likelihood}${this.numClasses ? `, num_classes=${this.numClasses}` : ""}`;
  }
}

/**
 * A convolutional VAE for 1 × 28 × 28 images (DCGAN-style): two stride-2 4 × 4 convolutions
 * (1 → 32 → 64 channels, 28 → 14 → 7) and a linear layer to `hidden`, mirrored by the decoder with
 * transposed convolutions.
 */
export class ConvVAE extends VAEBase {
  encoder: Sequential;
  fcMu: Linear;
  fcLogVar: Linear;
  decoderInput: Sequential;
  decoder: Sequential;
  constructor(options: VAEOptions & { channels?: number; hidden?: number } = {}) {
    super(options);
    const channels = positiveInt("ConvVAE", "channels", options.channels ?? 1);
    const hidden = positiveInt("ConvVAE", "hidden", options.hidden ?? 256);
    const o = { dtype: options.dtype, generator: options.generator };
    const conv = { stride: 2, padding: 1, ...o };
    this.encoder = new Sequential(
      new Conv2d(channels, 32, 4, conv), new ReLU(), // (N, 32, 14, 14)
      new Conv2d(32, 64, 4, conv), new ReLU(), //       (N, 64, 7, 7)
      new Flatten(), new Linear(64 * 7 * 7, hidden, o), new ReLU(),
    );
    this.fcMu = new Linear(hidden + this.numClasses, this.latentDim, o);
    this.fcLogVar = new Linear(hidden + this.numClasses, this.latentDim, o);
    this.decoderInput = new Sequential(new Linear(this.latentDim + this.numClasses, hidden, o), new ReLU(), new Linear(hidden, 64 * 7 * 7, o), new ReLU());
    this.decoder = new Sequential(
      new Unflatten(1, [64, 7, 7]),
      new ConvTranspose2d(64, 32, 4, conv), new ReLU(), // (N, 32, 14, 14)
      new ConvTranspose2d(32, channels, 4, conv), //      (N, C, 28, 28)
    );
    if (this.likelihood === "gaussian") this.logScale = new Parameter(zeros([channels * 28 * 28], { dtype: options.dtype }));
  }
  encode(x: Tensor, y?: Tensor): [Tensor, Tensor] {
    if (x.ndim !== 4 || x.shape[2] !== 28 || x.shape[3] !== 28) throw new Error(`ConvVAE.encode: expected images [N, C, 28, 28], got ${fmtShape(x.shape)}`);
    let h = this.encoder.call(x);
    const c = this.condition("ConvVAE.encode", y, x.shape[0]!);
    if (c) h = cat([h, c], 1);
    return [this.fcMu.call(h), this.fcLogVar.call(h)];
  }
  decode(z: Tensor, y?: Tensor): Tensor {
    const c = this.condition("ConvVAE.decode", y, z.shape[0]!);
    return this.decoder.call(this.decoderInput.call(c ? cat([z, c], 1) : z));
  }
  override extraRepr(): string {
    return `latent_dim=${this.latentDim}, likelihood=${this.likelihood}${this.numClasses ? `, num_classes=${this.numClasses}` : ""}`;
  }
}

/**
 * Options of {@link elbo}: the KL weight β, the class labels of a conditional VAE and the generator of the
 * reparameterization noise.
 */
export interface ElboOptions {
  /** Weight of the KL term: 1 is the ELBO, β > 1 the β-VAE objective (Higgins et al., ICLR 2017). */
  beta?: number;
  /** Class labels of a conditional VAE. */
  y?: Tensor;
  generator?: Generator;
}

/**
 * The evidence lower bound per sample, E_q[log p(x | z)] − β·KL(q(z | x) ‖ p(z)), with one
 * reparameterized z and the KL in closed form: [N] nats. Train by minimizing `elbo(...).mean().neg()`.
 */
export function elbo(vae: VAEBase, x: Tensor, options: ElboOptions = {}): Tensor {
  const beta = options.beta ?? 1;
  if (typeof beta !== "number" || !(beta >= 0)) throw new Error(`elbo: beta must be a number ≥ 0, got ${describe(beta)}`);
  const [mu, logVar] = vae.encode(x, options.y);
  const z = reparameterize(mu, logVar, options.generator);
  const rec = vae.logLikelihood(x, vae.decode(z, options.y));
  return rec.sub(gaussianKL(mu, logVar).mul(beta));
}

/**
 * The importance-weighted bound with k samples (Burda, Grosse & Salakhutdinov, "Importance Weighted
 * Autoencoders", 2016, https://arxiv.org/abs/1509.00519):
 * log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ | x), zᵢ ~ q(z | x), per sample [N]. k = 1 is the ELBO (with a sampled
 * KL); it rises toward log p(x) as k grows.
 */
export function iwae(vae: VAEBase, x: Tensor, k: number, options: { y?: Tensor; generator?: Generator } = {}): Tensor {
  positiveInt("iwae", "k", k);
  const n = x.shape[0]!;
  const [mu, logVar] = vae.encode(x, options.y);
  const d = mu.shape[1]!;
  const eps = randn([k, n, d], { generator: options.generator, dtype: mu.dtype }); // (k, N, d)
  const z = mu.add(logVar.mul(0.5).exp().mul(eps)); // (k, N, d)
  const zFlat = z.reshape([k * n, d]);
  const xRep = x.unsqueeze(0).expand([k, ...x.shape]).reshape([k * n, ...x.shape.slice(1)]); // (k·N, …)
  const yRep = options.y === undefined ? undefined : options.y.unsqueeze(0).expand([k, n]).reshape([k * n]);
  const logPxz = vae.logLikelihood(xRep, vae.decode(zFlat, yRep)).reshape([k, n]);
  // log N(z; 0, I) − log N(z; μ, σ²) = Σⱼ [−½ zⱼ² + ½ εⱼ² + ½ log σⱼ²]
  const logPz = z.square().sum(2).mul(-0.5);
  const logQz = eps.square().sum(2).mul(-0.5).sub(logVar.sum(1).mul(0.5));
  const logW = logPxz.add(logPz).sub(logQz); // (k, N)
  return logsumexp(logW, 0).sub(Math.log(k));
}

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}
