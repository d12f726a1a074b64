// CycleGAN (Zhu et al. 2017): two generators A → B and B → A, a PatchGAN per domain, LSGAN + cycle-consistency + identity losses, and the image pool.
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { cat, pad } from "../ops/movement.js";
import { onesLike, zerosLike } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { Module } from "../nn/Module.js";
import { Sequential, type TensorModule } from "../nn/containers.js";
import { Conv2d, ConvTranspose2d } from "../nn/Conv.js";
import { BatchNorm2d } from "../nn/BatchNorm.js";
import { InstanceNorm2d } from "../nn/InstanceNorm.js";
import { Dropout } from "../nn/Dropout.js";
import { ReLU, Tanh } from "../nn/activations.js";
import { l1Loss, mseLoss } from "../nn/functional/losses.js";
import type { Optimizer } from "../optim/Optimizer.js";
import type { DType } from "../tensor/dtype.js";
import { Generator } from "../random/Generator.js";
import { UNetGenerator, PatchDiscriminator, pix2pixInit_, type ImageNorm } from "./pix2pix.js";

/** torch.nn.ReflectionPad2d: mirrors `padding` pixels on every side (no parameters; it holds a slot in Sequential like PyTorch's). */
class ReflectionPad2d extends Module<[Tensor], Tensor> {
  constructor(readonly padding: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    const p = this.padding;
    if (x.ndim !== 4 || x.shape[2]! <= p || x.shape[3]! <= p) throw new Error(`ReflectionPad2d: input must be [N, C, H, W] with H, W > ${p}, got ${fmtShape(x.shape)}`);
    return pad(x, [p, p, p, p], { mode: "reflect" });
  }
}

function normLayer(norm: ImageNorm, channels: number, dtype?: DType): TensorModule {
  return norm === "batch" ? new BatchNorm2d(channels, { dtype }) : new InstanceNorm2d(channels, { dtype });
}

/** The residual block of CycleGAN's ResNet generator: x + F(x), where F is pad 1, conv 3×3, norm, ReLU, (dropout), pad 1, conv 3×3, norm. */
export class ResnetBlock extends Module<[Tensor], Tensor> {
  conv_block: Sequential;
  constructor(dim: number, options: { norm?: ImageNorm; dropout?: boolean; dtype?: DType; generator?: Generator } = {}) {
    super();
    const norm = options.norm ?? "instance", dtype = options.dtype, bias = norm === "instance";
    const layers: TensorModule[] = [new ReflectionPad2d(1), new Conv2d(dim, dim, 3, { bias, dtype }), normLayer(norm, dim, dtype), new ReLU()];
    if (options.dropout) layers.push(new Dropout(0.5, { generator: options.generator }));
    layers.push(new ReflectionPad2d(1), new Conv2d(dim, dim, 3, { bias, dtype }), normLayer(norm, dim, dtype));
    this.conv_block = new Sequential(...layers);
  }
  forward(x: Tensor): Tensor {
    return x.add(this.conv_block.call(x));
  }
}

/** Options of `ResnetGenerator` (the reference code's `ngf`, `n_blocks`, norm and dropout). */
export interface ResnetGeneratorOptions {
  /** Width of the first layer (ngf, default 64). */
  features?: number;
  /** Residual blocks (default 9, the paper's for 256 × 256; 6 for 128 × 128). */
  nBlocks?: number;
  /** Stride-2 down-/up-sampling steps (default 2); H and W must be multiples of 2^nDownsampling. */
  nDownsampling?: number;
  /** Normalization (default "instance", as CycleGAN). */
  norm?: ImageNorm;
  /** Dropout in the residual blocks (default false, as CycleGAN). */
  dropout?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * CycleGAN's ResNet generator (Zhu et al. 2017, appendix 7.2, after Johnson et al. 2016; the reference
 * `ResnetGenerator`): reflection pad 3, Conv 7×7 → f, norm, ReLU; nDownsampling × (Conv 3×3 stride 2,
 * norm, ReLU) doubling the width; nBlocks residual blocks; nDownsampling × (ConvTranspose 3×3 stride 2,
 * output padding 1, norm, ReLU); reflection pad 3, Conv 7×7 → outChannels, tanh. State-dict keys equal
 * the reference code's (`model.0.weight`, `model.10.conv_block.1.weight`, …).
 */
export class ResnetGenerator extends Module<[Tensor], Tensor> {
  readonly nDownsampling: number;
  model: Sequential;
  constructor(readonly inChannels: number, readonly outChannels: number, options: ResnetGeneratorOptions = {}) {
    super();
    const op = "ResnetGenerator";
    const f = options.features ?? 64, nBlocks = options.nBlocks ?? 9, nDown = options.nDownsampling ?? 2;
    for (const [k, v, min] of [["inChannels", inChannels, 1], ["outChannels", outChannels, 1], ["features", f, 1], ["nBlocks", nBlocks, 0], ["nDownsampling", nDown, 0]] as const) {
      if (!Number.isInteger(v) || v < min) throw new Error(`${op}: ${k} must be an integer ≥ ${min}, got ${describe(v)}`);
    }
    const norm = options.norm ?? "instance";
    if (norm !== "batch" && norm !== "instance") throw new Error(`${op}: norm must be "batch" or "instance", got ${describe(norm)}`);
    this.nDownsampling = nDown;
    const dtype = options.dtype, bias = norm === "instance";
    const layers: TensorModule[] = [new ReflectionPad2d(3), new Conv2d(inChannels, f, 7, { bias, dtype }), normLayer(norm, f, dtype), new ReLU()];
    for (let i = 0; i < nDown; i++) {
      const m = 2 ** i;
      layers.push(new Conv2d(f * m, f * m * 2, 3, { stride: 2, padding: 1, bias, dtype }), normLayer(norm, f * m * 2, dtype), new ReLU());
    }
    for (let i = 0; i < nBlocks; i++) layers.push(new ResnetBlock(f * 2 ** nDown, { norm, dropout: options.dropout, dtype, generator: options.generator }));
    for (let i = 0; i < nDown; i++) {
      const m = 2 ** (nDown - i);
      layers.push(new ConvTranspose2d(f * m, Math.floor((f * m) / 2), 3, { stride: 2, padding: 1, outputPadding: 1, bias, dtype }), normLayer(norm, Math.floor((f * m) / 2), dtype), new ReLU());
    }
    layers.push(new ReflectionPad2d(3), new Conv2d(f, outChannels, 7, { dtype }), new Tanh());
    this.model = new Sequential(...layers);
    pix2pixInit_(this, options.generator);
  }
  forward(x: Tensor): Tensor {
    const m = 2 ** this.nDownsampling;
    if (!(x instanceof Tensor) || x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2]! % m !== 0 || x.shape[3]! % m !== 0 || x.shape[2]! < Math.max(4, 2 * m) || x.shape[3]! < Math.max(4, 2 * m)) {
      throw new Error(`ResnetGenerator: input must be [N, ${this.inChannels}, H, W] with H, W multiples of 2^nDownsampling = ${m} and ≥ ${Math.max(4, 2 * m)} (layer model.1, Conv2d ${this.inChannels}→…, after a reflection pad of 3), got ${x instanceof Tensor ? fmtShape(x.shape) : describe(x)}`);
    }
    return this.model.call(x);
  }
}

/** Options of `CycleGAN`: the domains' channels, the generator and discriminator architectures, and the loss weights. */
export interface CycleGANOptions {
  /** Image channels of domain A and of domain B (default 1 and 1). */
  channelsA?: number;
  channelsB?: number;
  /** Generator type: "unet" (default; Pix2Pix's U-Net) or "resnet" (CycleGAN's paper network, `ResnetGenerator`). */
  generatorType?: "unet" | "resnet";
  /** U-Net generators: depth (default 5, for 32 × 32). */
  depth?: number;
  /** ResNet generators: residual blocks (default 6, the paper's for 128 × 128) and down-sampling steps (default 2). */
  nBlocks?: number;
  nDownsampling?: number;
  /** Width of the generators' first layer (default 32). */
  generatorFeatures?: number;
  /** PatchGAN discriminators: width (default 32) and stride-2 layers (default 2: 34 × 34 patches). */
  discriminatorFeatures?: number;
  nLayers?: number;
  /** Normalization of all four networks (default "instance", as CycleGAN). */
  norm?: ImageNorm;
  /** Weight of each cycle-consistency L1 term (the paper's λ = 10). */
  lambdaCycle?: number;
  /** Weight of each identity L1 term (default 5 = 0.5 · λ, the reference code's `lambda_identity` 0.5; §5.2 "Photo generation from paintings"); 0 turns it off. */
  lambdaIdentity?: number;
  dtype?: DType;
  /** Random source of the initial weights. */
  generator?: Generator;
}

/**
 * The four networks of CycleGAN (Zhu et al. 2017, https://arxiv.org/abs/1703.10593): `genAB`: A → B,
 * `genBA`: B → A (small U-Nets by default, or the paper's ResNet generators), `discA`
 * judging domain-A images and `discB` judging domain-B images (PatchGANs). Use `cycleGanStep` to
 * train, `cycleGanGeneratorLoss` / `cycleGanDiscriminatorLoss` for the objective.
 */
export class CycleGAN extends Module<[a: Tensor], Tensor> {
  genAB: UNetGenerator | ResnetGenerator;
  genBA: UNetGenerator | ResnetGenerator;
  discA: PatchDiscriminator;
  discB: PatchDiscriminator;
  readonly lambdaCycle: number;
  readonly lambdaIdentity: number;
  constructor(options: CycleGANOptions = {}) {
    super();
    const ca = options.channelsA ?? 1, cb = options.channelsB ?? 1;
    const norm = options.norm ?? "instance", dtype = options.dtype, generator = options.generator;
    const g = { depth: options.depth ?? 5, features: options.generatorFeatures ?? 32, norm, dtype, generator };
    const d = { features: options.discriminatorFeatures ?? 32, nLayers: options.nLayers ?? 2, norm, dtype, generator };
    this.lambdaCycle = options.lambdaCycle ?? 10;
    this.lambdaIdentity = options.lambdaIdentity ?? 5;
    for (const [k, v] of [["lambdaCycle", this.lambdaCycle], ["lambdaIdentity", this.lambdaIdentity]] as const) {
      if (typeof v !== "number" || !(v >= 0)) throw new Error(`CycleGAN: ${k} must be a number ≥ 0, got ${describe(v)}`);
    }
    if (this.lambdaIdentity > 0 && ca !== cb) throw new Error(`CycleGAN: the identity loss needs domains with equal channels, got channelsA = ${ca}, channelsB = ${cb} (set lambdaIdentity: 0)`);
    const type = options.generatorType ?? "unet";
    if (type === "unet") {
      this.genAB = new UNetGenerator(ca, cb, g);
      this.genBA = new UNetGenerator(cb, ca, g);
    } else if (type === "resnet") {
      const r = { features: g.features, nBlocks: options.nBlocks ?? 6, nDownsampling: options.nDownsampling ?? 2, norm, dtype, generator };
      this.genAB = new ResnetGenerator(ca, cb, r);
      this.genBA = new ResnetGenerator(cb, ca, r);
    } else throw new Error(`CycleGAN: generatorType must be "unet" or "resnet", got ${describe(type)}`);
    this.discA = new PatchDiscriminator(ca, d);
    this.discB = new PatchDiscriminator(cb, d);
  }
  /** Translates domain-A images to domain B (`genAB`). */
  forward(a: Tensor): Tensor {
    return this.genAB.call(a);
  }
}

/** The tensors the CycleGAN generator objective needs, from one forward pass of both directions. */
export interface CycleGanTensors {
  realA: Tensor;
  realB: Tensor;
  /** genBA(genAB(realA)) and genAB(genBA(realB)). */
  recA: Tensor;
  recB: Tensor;
  /** discA(genBA(realB)) and discB(genAB(realA)): logits grids on the fakes. */
  dAFake: Tensor;
  dBFake: Tensor;
  /** genBA(realA) and genAB(realB), for the identity loss (needed when lambdaIdentity > 0). */
  idtA?: Tensor;
  idtB?: Tensor;
}

/** What `cycleGanGeneratorLoss` returns: the total to minimize and each weighted term. */
export interface CycleGanGeneratorLoss {
  loss: Tensor;
  /** LSGAN generator terms: mean (discB(fakeB) − 1)² and mean (discA(fakeA) − 1)². */
  ganAB: Tensor;
  ganBA: Tensor;
  /** λ_cycle · ‖recA − realA‖₁ and λ_cycle · ‖recB − realB‖₁ (means). */
  cycleA: Tensor;
  cycleB: Tensor;
  /** λ_identity · ‖genBA(realA) − realA‖₁ and λ_identity · ‖genAB(realB) − realB‖₁ (0 when off). */
  identityA: Tensor;
  identityB: Tensor;
}

function pair(op: string, a: Tensor | undefined, b: Tensor, an: string, bn: string): void {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || !shapesEqual(a.shape, b.shape)) {
    throw new Error(`${op}: ${an} and ${bn} must be tensors of one shape, got ${a instanceof Tensor ? fmtShape(a.shape) : describe(a)} and ${b instanceof Tensor ? fmtShape(b.shape) : describe(b)}`);
  }
}

/**
 * CycleGAN's full generator objective (Zhu et al. 2017, eq. 3 with the least-squares GAN of §4 and the
 * reference code's identity term): L_GAN(G_AB) + L_GAN(G_BA) + λ_cyc (‖G_BA(G_AB(a)) − a‖₁ +
 * ‖G_AB(G_BA(b)) − b‖₁) + λ_idt (‖G_BA(a) − a‖₁ + ‖G_AB(b) − b‖₁), with L_GAN(G) = mean (D(G(x)) − 1)²
 * (MSE against 1, as the reference code; no ½).
 */
export function cycleGanGeneratorLoss(t: CycleGanTensors, options: { lambdaCycle?: number; lambdaIdentity?: number } = {}): CycleGanGeneratorLoss {
  const op = "cycleGanGeneratorLoss";
  const lc = options.lambdaCycle ?? 10, li = options.lambdaIdentity ?? 5;
  if (typeof lc !== "number" || !(lc >= 0) || typeof li !== "number" || !(li >= 0)) throw new Error(`${op}: lambdaCycle and lambdaIdentity must be numbers ≥ 0, got ${describe(lc)} and ${describe(li)}`);
  pair(op, t.recA, t.realA, "recA", "realA");
  pair(op, t.recB, t.realB, "recB", "realB");
  if (!(t.dAFake instanceof Tensor) || !(t.dBFake instanceof Tensor)) throw new Error(`${op}: dAFake and dBFake must be tensors of logits, got ${describe(t.dAFake)} and ${describe(t.dBFake)}`);
  const ganAB = mseLoss(t.dBFake, onesLike(t.dBFake));
  const ganBA = mseLoss(t.dAFake, onesLike(t.dAFake));
  const cycleA = l1Loss(t.recA, t.realA).mul(lc), cycleB = l1Loss(t.recB, t.realB).mul(lc);
  let identityA: Tensor, identityB: Tensor;
  if (li > 0) {
    pair(op, t.idtA, t.realA, "idtA", "realA");
    pair(op, t.idtB, t.realB, "idtB", "realB");
    identityA = l1Loss(t.idtA!, t.realA).mul(li);
    identityB = l1Loss(t.idtB!, t.realB).mul(li);
  } else {
    identityA = zerosLike(cycleA);
    identityB = zerosLike(cycleB);
  }
  const loss = ganAB.add(ganBA).add(cycleA).add(cycleB).add(identityA).add(identityB);
  return { loss, ganAB, ganBA, cycleA, cycleB, identityA, identityB };
}

/** One CycleGAN discriminator's LSGAN loss: ½ (mean (D(real) − 1)² + mean D(fake)²), as the reference code. */
export function cycleGanDiscriminatorLoss(dReal: Tensor, dFake: Tensor): Tensor {
  if (!(dReal instanceof Tensor) || !(dFake instanceof Tensor)) throw new Error(`cycleGanDiscriminatorLoss: dReal and dFake must be tensors of logits, got ${describe(dReal)} and ${describe(dFake)}`);
  return mseLoss(dReal, onesLike(dReal)).add(mseLoss(dFake, zerosLike(dFake))).mul(0.5);
}

/**
 * The history buffer of generated images (Shrivastava et al. 2017; CycleGAN §4): the discriminator sees
 * a mix of current and earlier fakes. Until `size` images are stored each new image is stored and
 * returned; afterwards each new image, with probability ½, replaces a random stored one, which is
 * returned in its place. Size 0 returns the batch unchanged.
 */
export class ImagePool {
  private readonly images: Tensor[] = [];
  private readonly rng: Generator;
  constructor(readonly size = 50, options: { generator?: Generator } = {}) {
    if (!Number.isInteger(size) || size < 0) throw new Error(`ImagePool: size must be an integer ≥ 0, got ${describe(size)}`);
    this.rng = options.generator ?? new Generator(0);
  }
  query(batch: Tensor): Tensor {
    if (!(batch instanceof Tensor) || batch.ndim !== 4) throw new Error(`ImagePool.query: batch must be [N, C, H, W], got ${batch instanceof Tensor ? fmtShape(batch.shape) : describe(batch)}`);
    if (this.size === 0) return batch;
    const out: Tensor[] = [];
    noGrad(() => {
      for (let i = 0; i < batch.shape[0]!; i++) {
        const img = batch.slice(0, i, i + 1).detach().contiguous();
        if (this.images.length < this.size) {
          this.images.push(img);
          out.push(img);
        } else if (this.rng.random() < 0.5) {
          const j = this.rng.randint(0, this.size);
          out.push(this.images[j]!);
          this.images[j] = img;
        } else out.push(img);
      }
    });
    return cat(out, 0);
  }
}

/** What `cycleGanStep` returns: every loss term as a number. */
export interface CycleGanStepResult {
  /** Generator terms before the update (numbers), and each discriminator's loss. */
  gLoss: number;
  ganAB: number;
  ganBA: number;
  cycleA: number;
  cycleB: number;
  identityA: number;
  identityB: number;
  dA: number;
  dB: number;
}

/**
 * One CycleGAN update on unpaired batches realA, realB, in the reference code's order: both generators
 * by `optimizerG` on `cycleGanGeneratorLoss` (discriminators' gradients are discarded), then both
 * discriminators by `optimizerD` on `cycleGanDiscriminatorLoss` with fakes drawn through the pools (when given).
 */
export function cycleGanStep(
  model: CycleGAN, optimizerG: Optimizer<any, any>, optimizerD: Optimizer<any, any>, realA: Tensor, realB: Tensor,
  options: { poolA?: ImagePool; poolB?: ImagePool } = {},
): CycleGanStepResult {
  const op = "cycleGanStep";
  for (const [n, t] of [["realA", realA], ["realB", realB]] as const) {
    if (!(t instanceof Tensor) || t.ndim !== 4) throw new Error(`${op}: ${n} must be an image batch [N, C, H, W], got ${t instanceof Tensor ? fmtShape(t.shape) : describe(t)}`);
  }
  const { genAB, genBA, discA, discB } = model;
  const fakeB = genAB.call(realA), fakeA = genBA.call(realB);
  const recA = genBA.call(fakeB), recB = genAB.call(fakeA);
  const useIdt = model.lambdaIdentity > 0;
  const g = cycleGanGeneratorLoss({
    realA, realB, recA, recB, dAFake: discA.call(fakeA), dBFake: discB.call(fakeB),
    idtA: useIdt ? genBA.call(realA) : undefined, idtB: useIdt ? genAB.call(realB) : undefined,
  }, { lambdaCycle: model.lambdaCycle, lambdaIdentity: model.lambdaIdentity });
  optimizerG.zeroGrad();
  g.loss.backward();
  optimizerG.step();
  const fA = noGrad(() => fakeA.detach()), fB = noGrad(() => fakeB.detach());
  const poolA = options.poolA ? options.poolA.query(fA) : fA, poolB = options.poolB ? options.poolB.query(fB) : fB;
  const dA = cycleGanDiscriminatorLoss(discA.call(realA), discA.call(poolA));
  const dB = cycleGanDiscriminatorLoss(discB.call(realB), discB.call(poolB));
  optimizerD.zeroGrad();
  dA.add(dB).backward();
  optimizerD.step();
  return {
    gLoss: g.loss.item(), ganAB: g.ganAB.item(), ganBA: g.ganBA.item(), cycleA: g.cycleA.item(), cycleB: g.cycleB.item(),
    identityA: g.identityA.item(), identityB: g.identityB.item(), dA: dA.item(), dB: dB.item(),
  };
}
