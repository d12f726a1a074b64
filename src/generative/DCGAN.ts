// DCGAN generator and discriminator for 28 × 28 images, optionally class-conditional (cGAN), with DCGAN's initialization.
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { cat } from "../ops/movement.js";
import { Module } from "../nn/Module.js";
import { Sequential } from "../nn/containers.js";
import { Conv2d, ConvTranspose2d } from "../nn/Conv.js";
import { BatchNorm2d } from "../nn/BatchNorm.js";
import { Embedding } from "../nn/Embedding.js";
import { LeakyReLU, ReLU, Tanh } from "../nn/activations.js";
import * as init from "../nn/init.js";
import type { DType } from "../tensor/dtype.js";
import type { Generator } from "../random/Generator.js";

/**
 * Options of {@link DCGANGenerator} and {@link DCGANDiscriminator}: image channels, base width, the number of
 * classes of a conditional GAN, dtype and the generator of the initial weights.
 */
export interface DCGANOptions {
  /** Image channels (default 1). */
  channels?: number;
  /** Base width: the generator's layers have 4f and 2f channels, the discriminator's f and 2f (default 64). */
  features?: number;
  /** Classes of a conditional GAN (Mirza & Osindero 2014, https://arxiv.org/abs/1411.1784): labels become an input of both networks. */
  numClasses?: number;
  /**
   * How a conditional discriminator sees the label (default "concat"): "concat" adds a learnt 28 × 28
   * map per class as one more input channel; "projection" (Miyato & Koyama 2018,
   * https://arxiv.org/abs/1802.05637) adds ⟨e(y), φ(x)⟩ to the score, φ(x) the 2f·7·7 features before
   * the last layer and e a learnt embedding per class. The generator always concatenates its embedding to z.
   */
  conditioning?: "concat" | "projection";
  dtype?: DType;
  /** Random source of the initial weights (DCGAN's N(0, 0.02)). */
  generator?: Generator;
}

/**
 * DCGAN's generator (Radford, Metz & Chintala 2016, https://arxiv.org/abs/1511.06434) sized for 28 × 28:
 * z [N, latentDim] → ConvT 7×7 → (4f, 7, 7) → ConvT 4×4 s2 → (2f, 14, 14) → ConvT 4×4 s2 → (C, 28, 28),
 * batch norm and ReLU between, tanh at the end (images in [−1, 1]). Conditional: a learnt class
 * embedding (numClasses wide) joins z.
 */
export class DCGANGenerator extends Module<[z: Tensor, labels?: Tensor], Tensor> {
  readonly numClasses: number;
  labelEmb: Embedding | null;
  main: Sequential;
  constructor(readonly latentDim = 100, options: DCGANOptions = {}) {
    super();
    const c = options.channels ?? 1, f = options.features ?? 64;
    this.numClasses = options.numClasses ?? 0;
    const o = { dtype: options.dtype, bias: false };
    this.labelEmb = this.numClasses ? new Embedding(this.numClasses, this.numClasses, { dtype: options.dtype }) : null;
    this.main = new Sequential(
      new ConvTranspose2d(latentDim + this.numClasses, 4 * f, 7, o), new BatchNorm2d(4 * f, { dtype: options.dtype }), new ReLU(), // (N, 4f, 7, 7)
      new ConvTranspose2d(4 * f, 2 * f, 4, { ...o, stride: 2, padding: 1 }), new BatchNorm2d(2 * f, { dtype: options.dtype }), new ReLU(), // (N, 2f, 14, 14)
      new ConvTranspose2d(2 * f, c, 4, { ...o, stride: 2, padding: 1 }), new Tanh(), // (N, C, 28, 28)
    );
    dcganInit_(this, options.generator);
  }
  forward(z: Tensor, labels?: Tensor): Tensor {
    if (z.ndim !== 2 || z.shape[1] !== this.latentDim) throw new Error(`DCGANGenerator: z must be [N, ${this.latentDim}], got ${fmtShape(z.shape)}`);
    let input = z;
    if (this.labelEmb) input = cat([z, this.labelEmb.call(checkLabels("DCGANGenerator", labels, z.shape[0]!, this.numClasses))], 1);
    else if (labels !== undefined) throw new Error("DCGANGenerator: labels given, but the generator is not conditional (numClasses was not set)");
    return this.main.call(input.reshape([z.shape[0]!, -1, 1, 1])); // (N, latent + classes, 1, 1)
  }
}

/**
 * DCGAN's discriminator sized for 28 × 28: Conv 4×4 s2 → (f, 14, 14) → Conv 4×4 s2 → (2f, 7, 7) →
 * Conv 7×7 → one score per image [N] (a logit; no sigmoid, so any `GanLoss` applies). LeakyReLU(0.2),
 * batch norm on the middle layer. Conditional: a learnt 28 × 28 map per class joins the image as one
 * more channel, or (`conditioning: "projection"`) the score gains ⟨e(y), φ(x)⟩.
 */
export class DCGANDiscriminator extends Module<[x: Tensor, labels?: Tensor], Tensor> {
  readonly numClasses: number;
  readonly conditioning: "concat" | "projection";
  labelEmb: Embedding | null;
  main: Sequential;
  constructor(options: DCGANOptions = {}) {
    super();
    const c = options.channels ?? 1, f = options.features ?? 64;
    this.numClasses = options.numClasses ?? 0;
    this.conditioning = options.conditioning ?? "concat";
    if (this.conditioning !== "concat" && this.conditioning !== "projection") {
      throw new Error(`DCGANDiscriminator: conditioning must be "concat" or "projection", got ${describe(this.conditioning)}`);
    }
    const concat = this.numClasses > 0 && this.conditioning === "concat";
    const o = { dtype: options.dtype, bias: false };
    this.labelEmb = this.numClasses ? new Embedding(this.numClasses, concat ? 28 * 28 : 2 * f * 7 * 7, { dtype: options.dtype }) : null;
    this.main = new Sequential(
      new Conv2d(c + (concat ? 1 : 0), f, 4, { ...o, stride: 2, padding: 1 }), new LeakyReLU(0.2), // (N, f, 14, 14)
      new Conv2d(f, 2 * f, 4, { ...o, stride: 2, padding: 1 }), new BatchNorm2d(2 * f, { dtype: options.dtype }), new LeakyReLU(0.2), // (N, 2f, 7, 7)
      new Conv2d(2 * f, 1, 7, o), // (N, 1, 1, 1)
    );
    dcganInit_(this, options.generator);
    // N(0, 1) rows would make ⟨e(y), φ(x)⟩ over 2f·49 features swamp the score at the start; use the conv weights' scale.
    if (this.labelEmb && !concat) init.normal(this.labelEmb.weight, 0, 0.02, { generator: options.generator });
  }
  forward(x: Tensor, labels?: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[2] !== 28 || x.shape[3] !== 28) throw new Error(`DCGANDiscriminator: images must be [N, C, 28, 28], got ${fmtShape(x.shape)}`);
    const n = x.shape[0]!;
    if (this.labelEmb && this.conditioning === "projection") {
      const y = checkLabels("DCGANDiscriminator", labels, n, this.numClasses);
      let h = x;
      for (let i = 0; i < 5; i++) h = (this.main.at(i) as Module<[Tensor], Tensor>).call(h); // φ(x): (N, 2f, 7, 7)
      const score = (this.main.at(5) as Module<[Tensor], Tensor>).call(h).reshape([n]);
      return score.add(this.labelEmb.call(y).mul(h.reshape([n, -1])).sum(1)); // + ⟨e(y), φ(x)⟩
    }
    let input = x;
    if (this.labelEmb) input = cat([x, this.labelEmb.call(checkLabels("DCGANDiscriminator", labels, n, this.numClasses)).reshape([n, 1, 28, 28])], 1);
    else if (labels !== undefined) throw new Error("DCGANDiscriminator: labels given, but the discriminator is not conditional (numClasses was not set)");
    return this.main.call(input).reshape([n]);
  }
}

/** DCGAN's initialization: conv weights ~ N(0, 0.02), batch-norm scales ~ N(1, 0.02), shifts 0, embeddings ~ N(0, 1) (as PyTorch's). */
export function dcganInit_(model: Module<any, any>, generator?: Generator): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d || m instanceof ConvTranspose2d) init.normal(m.weight, 0, 0.02, { generator });
    else if (m instanceof BatchNorm2d) {
      init.normal(m.weight!, 1, 0.02, { generator });
      init.constant(m.bias!, 0);
    } else if (m instanceof Embedding) init.normal(m.weight, 0, 1, { generator });
  }
}

function checkLabels(op: string, labels: Tensor | undefined, n: number, numClasses: number): Tensor {
  if (!(labels instanceof Tensor) || labels.dtype !== "int32" || labels.ndim !== 1 || labels.shape[0] !== n) {
    throw new Error(`${op}: a conditional model needs int32 labels of shape [${n}], got ${labels instanceof Tensor ? `${labels.dtype} ${fmtShape(labels.shape)}` : describe(labels)}`);
  }
  const values = labels.contiguous().dataSync();
  for (let i = 0; i < values.length; i++) {
    const c = Number(values[i]);
    if (c < 0 || c >= numClasses) throw new Error(`${op}: labels must be class indices in [0, ${numClasses}), got ${c} at position ${i}`);
  }
  return labels;
}
