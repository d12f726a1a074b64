// Pix2Pix (Isola et al. 2017): a U-Net generator with skip connections, a PatchGAN discriminator, and the L1 + adversarial objective.
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { Module } from "../nn/Module.js";
import { Sequential, ModuleList, type TensorModule } from "../nn/containers.js";
import { Conv2d, ConvTranspose2d } from "../nn/Conv.js";
import { BatchNorm2d } from "../nn/BatchNorm.js";
import { InstanceNorm2d } from "../nn/InstanceNorm.js";
import { Dropout } from "../nn/Dropout.js";
import { LeakyReLU, ReLU, Tanh } from "../nn/activations.js";
import { l1Loss } from "../nn/functional/losses.js";
import * as init from "../nn/init.js";
import type { Optimizer } from "../optim/Optimizer.js";
import type { DType } from "../tensor/dtype.js";
import type { Generator } from "../random/Generator.js";
import { discriminatorLoss, generatorLoss, type GanLoss } from "./ganLosses.js";

/** Normalization layer of the pix2pix/CycleGAN networks: batch norm (pix2pix's default) or instance norm without affine parameters (CycleGAN's). */
export type ImageNorm = "batch" | "instance";

function checkNorm(op: string, norm: unknown): ImageNorm {
  if (norm !== "batch" && norm !== "instance") throw new Error(`${op}: norm must be "batch" or "instance", got ${describe(norm)}`);
  return norm;
}

function checkCount(op: string, name: string, v: unknown, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new Error(`${op}: ${name} must be an integer ≥ ${min}, got ${describe(v)}`);
  return v as number;
}

function normLayer(norm: ImageNorm, channels: number, dtype?: DType): TensorModule {
  // As the reference code: BatchNorm2d(affine), InstanceNorm2d(affine=False, track_running_stats=False).
  return norm === "batch" ? new BatchNorm2d(channels, { dtype }) : new InstanceNorm2d(channels, { dtype });
}

/**
 * The initialization of the pix2pix/CycleGAN reference code (`init_type="normal"`, gain 0.02): conv and
 * transposed-conv weights ~ N(0, 0.02), their biases 0; batch-norm scales ~ N(1, 0.02), shifts 0.
 */
export function pix2pixInit_(model: Module<any, any>, generator?: Generator): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d || m instanceof ConvTranspose2d) {
      init.normal(m.weight, 0, 0.02, { generator });
      if (m.bias) init.constant(m.bias, 0);
    } else if (m instanceof BatchNorm2d) {
      init.normal(m.weight!, 1, 0.02, { generator });
      init.constant(m.bias!, 0);
    }
  }
}

/** Options of `UNetGenerator` (the reference code's `num_downs`, `ngf`, norm and dropout). */
export interface UNetGeneratorOptions {
  /** Down-sampling steps; the input's height and width must be multiples of 2^depth (default 5: 32 × 32 → 1 × 1; pix2pix uses 8 for 256 × 256). */
  depth?: number;
  /** Width of the first layer (pix2pix's ngf, default 64); level i has f · min(2^i, 8) channels. */
  features?: number;
  /** Normalization (default "batch", as pix2pix). */
  norm?: ImageNorm;
  /** Dropout probability of the decoder blocks that have dropout (default 0.5, pix2pix's noise source). */
  dropout?: number;
  /**
   * How many decoder blocks, counted from the one after the innermost, have dropout. The default,
   * max(0, depth − 5), is the reference code's (its 8f → 8f middle blocks): 3 for pix2pix's 256 × 256
   * network (depth 8), none for depth 5 (32 × 32). At most depth − 2.
   */
  dropoutBlocks?: number;
  dtype?: DType;
  /** Random source of the initial weights (`pix2pixInit_`) and of the dropout masks. */
  generator?: Generator;
}

/**
 * Pix2Pix's U-Net generator (Isola et al. 2017, https://arxiv.org/abs/1611.07004, §3.2.1 and the
 * reference `UnetGenerator`), written flat instead of recursively:
 * - encoder `down[i]`: Conv 4×4 stride 2 (pad 1) halves the map; level i has cᵢ = f · min(2^i, 8)
 *   channels; LeakyReLU(0.2) before every conv but the first, normalization after every conv but the
 *   first and the innermost;
 * - decoder `up[i]`: ReLU, ConvTranspose 4×4 stride 2 doubles the map back; every decoder but the
 *   innermost takes the concatenation [skip from down[i], output of up[i + 1]] (the skip connection);
 *   normalization after every transposed conv but the outermost, dropout in `dropoutBlocks` blocks, tanh
 *   at the end (outputs in [−1, 1]).
 * Convs have biases only with instance norm (batch norm's shift replaces them), except the last, as the
 * reference code. The same parameters as the reference `UnetGenerator(inC, outC, depth, f, norm)`.
 */
export class UNetGenerator extends Module<[x: Tensor], Tensor> {
  readonly depth: number;
  readonly features: number;
  down: ModuleList<Sequential>;
  up: ModuleList<Sequential>;
  constructor(readonly inChannels: number, readonly outChannels: number, options: UNetGeneratorOptions = {}) {
    super();
    const op = "UNetGenerator";
    checkCount(op, "inChannels", inChannels, 1);
    checkCount(op, "outChannels", outChannels, 1);
    const depth = checkCount(op, "depth", options.depth ?? 5, 2);
    const f = checkCount(op, "features", options.features ?? 64, 1);
    const norm = checkNorm(op, options.norm ?? "batch");
    const p = options.dropout ?? 0.5;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`${op}: dropout must be a probability in [0, 1], got ${describe(p)}`);
    const dropoutBlocks = checkCount(op, "dropoutBlocks", options.dropoutBlocks ?? Math.max(0, depth - 5), 0);
    if (dropoutBlocks > depth - 2) throw new Error(`${op}: dropoutBlocks must be ≤ depth − 2 = ${depth - 2} (the blocks between the innermost and the outermost), got ${dropoutBlocks}`);
    this.depth = depth;
    this.features = f;
    const dtype = options.dtype, bias = norm === "instance";
    const ch = (i: number): number => f * Math.min(2 ** i, 8);
    const downs: Sequential[] = [], ups: Sequential[] = [];
    for (let i = 0; i < depth; i++) {
      const conv = new Conv2d(i === 0 ? inChannels : ch(i - 1), ch(i), 4, { stride: 2, padding: 1, bias, dtype });
      if (i === 0) downs.push(new Sequential(conv));
      else if (i === depth - 1) downs.push(new Sequential(new LeakyReLU(0.2), conv));
      else downs.push(new Sequential(new LeakyReLU(0.2), conv, normLayer(norm, ch(i), dtype)));
    }
    for (let i = 0; i < depth; i++) {
      const inC = i === depth - 1 ? ch(i) : 2 * ch(i);
      if (i === 0) {
        ups.push(new Sequential(new ReLU(), new ConvTranspose2d(inC, outChannels, 4, { stride: 2, padding: 1, dtype }), new Tanh()));
        continue;
      }
      const layers: TensorModule[] = [new ReLU(), new ConvTranspose2d(inC, ch(i - 1), 4, { stride: 2, padding: 1, bias, dtype }), normLayer(norm, ch(i - 1), dtype)];
      // Dropout in the `dropoutBlocks` decoders right after the innermost (levels depth − 2, depth − 3, …).
      if (i < depth - 1 && i >= depth - 1 - dropoutBlocks) layers.push(new Dropout(p, { generator: options.generator }));
      ups.push(new Sequential(...layers));
    }
    this.down = new ModuleList(downs);
    this.up = new ModuleList(ups);
    pix2pixInit_(this, options.generator);
  }
  forward(x: Tensor): Tensor {
    const m = 2 ** this.depth;
    if (!(x instanceof Tensor) || x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2]! % m !== 0 || x.shape[3]! % m !== 0 || x.shape[2] === 0 || x.shape[3] === 0) {
      throw new Error(`UNetGenerator: input must be [N, ${this.inChannels}, H, W] with H and W positive multiples of 2^depth = ${m} (layer down.0, Conv2d ${this.inChannels}→${this.features}, and ${this.depth} halvings), got ${x instanceof Tensor ? fmtShape(x.shape) : describe(x)}`);
    }
    const skips: Tensor[] = [];
    let h = x;
    for (const d of this.down) {
      h = d.call(h);
      skips.push(h);
    }
    h = this.up.at(this.depth - 1).call(h);
    for (let i = this.depth - 2; i >= 0; i--) h = this.up.at(i).call(cat([skips[i]!, h], 1));
    return h;
  }
}

/** Options of `PatchDiscriminator` (the reference code's `ndf`, `n_layers` and norm). */
export interface PatchDiscriminatorOptions {
  /** Width of the first layer (pix2pix's ndf, default 64). */
  features?: number;
  /** Stride-2 convolutions (default 3: the 70 × 70 PatchGAN; 2 gives 34 × 34 patches, 1 gives 16 × 16). */
  nLayers?: number;
  /** Normalization (default "batch", as pix2pix). */
  norm?: ImageNorm;
  dtype?: DType;
  /** Random source of the initial weights (`pix2pixInit_`). */
  generator?: Generator;
}

/**
 * The PatchGAN discriminator (Isola et al. 2017 §3.2.2, the reference `NLayerDiscriminator`): Conv 4×4
 * stride 2 + LeakyReLU(0.2), then nLayers − 1 blocks Conv 4×4 stride 2 + norm + LeakyReLU with
 * f · min(2^n, 8) channels, one Conv 4×4 stride 1 + norm + LeakyReLU, and a Conv 4×4 stride 1 to one
 * channel. The output [N, 1, h, w] is a grid of logits, one per overlapping input patch of
 * `receptiveField` × `receptiveField` pixels (70 for nLayers = 3). State-dict keys equal the reference
 * code's (`model.0.weight`, …). For pix2pix's conditional D the input is [condition, image]
 * concatenated on channels, so `inChannels` counts both.
 */
export class PatchDiscriminator extends Module<[x: Tensor], Tensor> {
  readonly nLayers: number;
  model: Sequential;
  constructor(readonly inChannels: number, options: PatchDiscriminatorOptions = {}) {
    super();
    const op = "PatchDiscriminator";
    checkCount(op, "inChannels", inChannels, 1);
    const f = checkCount(op, "features", options.features ?? 64, 1);
    const n = checkCount(op, "nLayers", options.nLayers ?? 3, 1);
    const norm = checkNorm(op, options.norm ?? "batch");
    this.nLayers = n;
    const dtype = options.dtype, bias = norm === "instance";
    const layers: TensorModule[] = [new Conv2d(inChannels, f, 4, { stride: 2, padding: 1, dtype }), new LeakyReLU(0.2)];
    let mult = 1;
    for (let k = 1; k < n; k++) {
      const prev = mult;
      mult = Math.min(2 ** k, 8);
      layers.push(new Conv2d(f * prev, f * mult, 4, { stride: 2, padding: 1, bias, dtype }), normLayer(norm, f * mult, dtype), new LeakyReLU(0.2));
    }
    const prev = mult;
    mult = Math.min(2 ** n, 8);
    layers.push(new Conv2d(f * prev, f * mult, 4, { stride: 1, padding: 1, bias, dtype }), normLayer(norm, f * mult, dtype), new LeakyReLU(0.2));
    layers.push(new Conv2d(f * mult, 1, 4, { stride: 1, padding: 1, dtype }));
    this.model = new Sequential(...layers);
    pix2pixInit_(this, options.generator);
  }
  /** Side of the input patch each output logit sees: 70 for nLayers = 3, 34 for 2, 16 for 1. */
  get receptiveField(): number {
    let r = 1;
    r = r + 3; // last conv, stride 1
    r = r + 3; // stride-1 conv
    for (let k = 0; k < this.nLayers; k++) r = 2 * r + 2; // stride-2 convs: r ← (r − 1)·2 + 4
    return r;
  }
  /** The smallest height/width that leaves a non-empty logit grid: 3 · 2^nLayers. */
  get minInputSize(): number {
    return 3 * 2 ** this.nLayers;
  }
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`PatchDiscriminator: input must be [N, ${this.inChannels}, H, W] (layer model.0 is Conv2d ${this.inChannels}→…), got ${x instanceof Tensor ? fmtShape(x.shape) : describe(x)}`);
    }
    const s = this.minInputSize;
    if (x.shape[2]! < s || x.shape[3]! < s) {
      throw new Error(`PatchDiscriminator: input ${fmtShape(x.shape)} is too small: after ${this.nLayers} stride-2 convs the stride-1 layer model.${this.model.length - 1} (Conv2d 4×4) would output an empty grid; H and W must be ≥ 3 · 2^nLayers = ${s}`);
    }
    return this.model.call(x);
  }
}

/** Options of `pix2pixGeneratorLoss` and `pix2pixStep`: the L1 weight and the adversarial objective. */
export interface Pix2PixLossOptions {
  /** Weight λ of the L1 term (default 100, as the paper). */
  lambdaL1?: number;
  /** Adversarial objective (default "non-saturating": the paper's vanilla GAN with G maximizing log D(x, G(x))); "lsgan" is the reference code's alternative. */
  gan?: GanLoss;
}

function checkImages(op: string, names: string[], ...ts: unknown[]): void {
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor) || t.ndim !== 4) throw new Error(`${op}: ${names[i]} must be an image batch [N, C, H, W], got ${t instanceof Tensor ? fmtShape(t.shape) : describe(t)}`);
  });
}

/**
 * Pix2Pix's generator loss, L_cGAN(G, D) + λ · L_L1(G) (Isola et al. 2017, eq. 4): `adversarial` is the
 * GAN generator loss averaged over the PatchGAN's logits `dFake` = D(x, G(x)), `l1` = mean |target − fake|.
 */
export function pix2pixGeneratorLoss(dFake: Tensor, fake: Tensor, target: Tensor, options: Pix2PixLossOptions = {}): { loss: Tensor; adversarial: Tensor; l1: Tensor } {
  const op = "pix2pixGeneratorLoss";
  checkImages(op, ["fake", "target"], fake, target);
  if (!shapesEqual(fake.shape, target.shape)) throw new Error(`${op}: fake ${fmtShape(fake.shape)} and target ${fmtShape(target.shape)} must have one shape`);
  const lambda = options.lambdaL1 ?? 100;
  if (typeof lambda !== "number" || !(lambda >= 0)) throw new Error(`${op}: lambdaL1 must be a number ≥ 0, got ${describe(lambda)}`);
  const adversarial = generatorLoss(options.gan ?? "non-saturating", dFake);
  const l1 = l1Loss(fake, target);
  return { loss: adversarial.add(l1.mul(lambda)), adversarial, l1 };
}

/**
 * Pix2Pix's discriminator loss: the GAN discriminator loss on the logit grids of real pairs and fake
 * pairs, halved "to slow down the rate at which D learns relative to G" (§3.3 and the reference code).
 */
export function pix2pixDiscriminatorLoss(dReal: Tensor, dFake: Tensor, options: { gan?: GanLoss } = {}): Tensor {
  return discriminatorLoss(options.gan ?? "non-saturating", dReal, dFake).mul(0.5);
}

/** What `pix2pixStep` returns: the losses of the step as numbers. */
export interface Pix2PixStepResult {
  /** pix2pixDiscriminatorLoss before D's update. */
  dLoss: number;
  /** G's adversarial term and L1 (without λ), and the total G loss, before G's update. */
  gAdversarial: number;
  gL1: number;
  gLoss: number;
}

/**
 * One Pix2Pix update on a paired batch (input x, target y), in the reference code's order: fake = G(x);
 * D step on [x, y] (real) and [x, fake.detach()] (fake); G step on pix2pixGeneratorLoss with D's logits
 * on [x, fake]. D's parameters get gradients during G's step, but `optimizerD.zeroGrad()` runs before
 * every D step.
 */
export function pix2pixStep(
  G: Module<[Tensor], Tensor>, D: Module<[Tensor], Tensor>, optimizerG: Optimizer<any, any>, optimizerD: Optimizer<any, any>,
  input: Tensor, target: Tensor, options: Pix2PixLossOptions = {},
): Pix2PixStepResult {
  const op = "pix2pixStep";
  checkImages(op, ["input", "target"], input, target);
  if (input.shape[0] !== target.shape[0] || input.shape[2] !== target.shape[2] || input.shape[3] !== target.shape[3]) {
    throw new Error(`${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must be pairs (same N, H, W)`);
  }
  const gan = options.gan ?? "non-saturating";
  const fake = G.call(input);
  if (!shapesEqual(fake.shape, target.shape)) throw new Error(`${op}: the generator's output ${fmtShape(fake.shape)} does not match target ${fmtShape(target.shape)}`);
  // D step.
  const fakeDetached = noGrad(() => fake.detach());
  const dLossT = pix2pixDiscriminatorLoss(D.call(cat([input, target], 1)), D.call(cat([input, fakeDetached], 1)), { gan });
  optimizerD.zeroGrad();
  dLossT.backward();
  optimizerD.step();
  // G step.
  const g = pix2pixGeneratorLoss(D.call(cat([input, fake], 1)), fake, target, options);
  optimizerG.zeroGrad();
  g.loss.backward();
  optimizerG.step();
  return { dLoss: dLossT.item(), gAdversarial: g.adversarial.item(), gL1: g.l1.item(), gLoss: g.loss.item() };
}
