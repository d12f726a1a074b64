// Experiment: CycleGAN (two U-Nets, two PatchGANs, LSGAN + cycle λ = 10 + identity λ = 5) between unpaired outlines and filled shapes — cycle L1 and translation L1 against the hidden pairing, PNG grids.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { randperm } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import { Adam } from "../optim/Adam.js";
import { CycleGAN, ImagePool, cycleGanStep } from "../generative/cyclegan.js";
import { shapePairs } from "../generative/shapes.js";
import { makeGrid, imageToPng } from "../generative/imageGrid.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--epochs`, `--lr`, `--seed` and the declared options override). */
export const config = {
  epochs: 12,
  /** Adam with β₁ = 0.5 as the paper; the rate is 5 × the paper's 2e-4, for a run of a few hundred steps. */
  lr: 1e-3,
  betas: [0.5, 0.999] as [number, number],
  batchSize: 8,
  /** Images of each domain (unpaired: drawn independently). */
  trainImages: 400,
  testImages: 200,
  size: 32,
  /** Width of the first layer of the generators and discriminators. */
  features: 8,
  /**
   * PatchGAN stride-2 layers: 1 gives 16 × 16 patches. With 2 (34 × 34 patches, the whole 32 × 32 image)
   * the discriminators won (losses ≈ 0.002–0.006) and G_AB hid the outline in near-black images.
   */
  nLayers: 1,
  lambdaCycle: 10,
  lambdaIdentity: 5,
  /** 0: U-Net generators; n > 0: the paper's ResNet generators with n residual blocks (2 down-samplings). */
  resnetBlocks: 0,
  /** Image-pool size (the paper's 50). */
  poolSize: 50,
};

/** Mean |f(x) − y| per pixel over a set, in chunks, without gradients. */
function meanL1(f: (x: Tensor) => Tensor, x: Tensor, y: Tensor): number {
  return noGrad(() => {
    let sum = 0;
    for (let s = 0; s < x.shape[0]!; s += 100) {
      const e = Math.min(x.shape[0]!, s + 100);
      sum += f(x.slice(0, s, e)).sub(y.slice(0, s, e)).abs().sum().item();
    }
    return sum / y.size;
  });
}

/**
 * Trains CycleGAN (Zhu et al. 2017) between two unpaired domains of seeded synthetic images
 * (generative.shapePairs, 1 channel in [−1, 1]): A = outlines of random shapes, B = filled shapes, the
 * two training sets drawn independently, so no training image of A has its partner in B. U-Net
 * generators and PatchGAN discriminators (16 × 16 patches) with instance norm, LSGAN, λ_cycle = 10, λ_identity = 5, an
 * image pool of 50, Adam(1e-3, β = (0.5, 0.999)). The test set is paired (the generator of the data knows
 * each outline's filled shape), so translation can be scored although training never saw a pair:
 * - `translationL1AB`: mean |G_AB(a) − b| per pixel, outline → filled (the pix2pix-shapes task);
 *   `baselineL1`: the same for G_AB(a) = a; `untrainedL1AB`: for G_AB at initialization;
 * - `translationL1BA`: mean |G_BA(b) − a|, filled → outline;
 * - `cycleL1A`, `cycleL1B`: mean |G_BA(G_AB(a)) − a| and |G_AB(G_BA(b)) − b| on the test set;
 * - `dA`, `dB`, `gLoss`: means over the last epoch's steps.
 * Writes a2b.png (rows: outline | G_AB | G_BA(G_AB) | true filled) and b2a.png (filled | G_BA | G_AB(G_BA) |
 * true outline) for 8 test pairs, and loss.svg.
 */
export async function runCycleGanShapes(opts: ExperimentOptions): Promise<ExperimentResult> {
  return runCycleGan(opts, "cyclegan-shapes", "CycleGAN on shapes (outline ↔ filled)", (size, nTrain, nTest, seed) => {
    const test = shapePairs(nTest, { size, generator: new Generator(seed * 1000 + 13) });
    return {
      domainA: shapePairs(nTrain, { size, generator: new Generator(seed * 1000 + 11) }).edges,
      domainB: shapePairs(nTrain, { size, generator: new Generator(seed * 1000 + 12) }).filled,
      testA: test.edges,
      testB: test.filled,
    };
  });
}

/**
 * Two unpaired training domains (N, 1, size, size) in [−1, 1] and a paired test set (testB[i] is
 * testA[i] translated), from image side, training and test counts and the seed.
 */
export type CycleGanData = (size: number, nTrain: number, nTest: number, seed: number) => { domainA: Tensor; domainB: Tensor; testA: Tensor; testB: Tensor };

/** The CycleGAN experiment's body on any unpaired data (see {@link runCycleGanShapes}); `name` prefixes its errors. */
export async function runCycleGan(opts: ExperimentOptions, name: string, title: string, data: CycleGanData): Promise<ExperimentResult> {
  const p = opts.params ?? {};
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const batchSize = p.batchSize ?? config.batchSize, size = p.size ?? config.size, features = p.features ?? config.features, nLayers = p.nLayers ?? config.nLayers;
  const resnetBlocks = p.resnetBlocks ?? config.resnetBlocks;
  const nTrain = p.trainImages ?? config.trainImages, nTest = p.testImages ?? config.testImages;
  const depth = Math.log2(size);
  if (!Number.isInteger(depth) || depth < 3) throw new Error(`${name}: --size must be a power of two ≥ 8, got ${size}`);
  const { domainA, domainB, testA, testB } = data(size, nTrain, nTest, opts.seed);
  const test = { edges: testA, filled: testB };
  const rng = new Generator(opts.seed);
  const model = new CycleGAN({
    generatorType: resnetBlocks > 0 ? "resnet" : "unet", nBlocks: resnetBlocks || undefined,
    depth, generatorFeatures: features, discriminatorFeatures: features, nLayers: Math.min(nLayers, depth - 2),
    lambdaCycle: config.lambdaCycle, lambdaIdentity: config.lambdaIdentity, generator: rng,
  });
  const optG = new Adam([...model.genAB.parameters(), ...model.genBA.parameters()], { lr, betas: config.betas });
  const optD = new Adam([...model.discA.parameters(), ...model.discB.parameters()], { lr, betas: config.betas });
  const poolA = new ImagePool(config.poolSize, { generator: rng }), poolB = new ImagePool(config.poolSize, { generator: rng });

  const ab = (x: Tensor) => model.genAB.call(x), ba = (x: Tensor) => model.genBA.call(x);
  const untrainedL1AB = meanL1(ab, test.edges, test.filled);
  const baselineL1 = noGrad(() => test.edges.sub(test.filled).abs().mean().item());
  const history: { g: number; cycle: number; dA: number; dB: number }[] = [];
  const started = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const orderA = randperm(nTrain, { generator: rng }), orderB = randperm(nTrain, { generator: rng });
    let g = 0, cycle = 0, dA = 0, dB = 0, steps = 0;
    for (let s = 0; s < nTrain; s += batchSize) {
      const e = Math.min(nTrain, s + batchSize);
      const r = cycleGanStep(model, optG, optD, domainA.indexSelect(0, orderA.slice(0, s, e)), domainB.indexSelect(0, orderB.slice(0, s, e)), { poolA, poolB });
      g += r.gLoss;
      cycle += (r.cycleA + r.cycleB) / config.lambdaCycle;
      dA += r.dA;
      dB += r.dB;
      steps++;
    }
    history.push({ g: g / steps, cycle: cycle / steps, dA: dA / steps, dB: dB / steps });
    const h = history.at(-1)!;
    opts.log(`epoch ${epoch + 1}/${epochs}: G loss ${h.g.toFixed(3)}, cycle L1 (A + B) ${h.cycle.toFixed(4)}, D_A ${h.dA.toFixed(3)}, D_B ${h.dB.toFixed(3)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  model.eval();
  const translationL1AB = meanL1(ab, test.edges, test.filled);
  const translationL1BA = meanL1(ba, test.filled, test.edges);
  const cycleL1A = meanL1((x) => ba(ab(x)), test.edges, test.edges);
  const cycleL1B = meanL1((x) => ab(ba(x)), test.filled, test.filled);
  opts.log(`test: A → B L1 ${translationL1AB.toFixed(4)} (input as output ${baselineL1.toFixed(4)}, untrained ${untrainedL1AB.toFixed(4)}), B → A L1 ${translationL1BA.toFixed(4)}, cycle L1 A ${cycleL1A.toFixed(4)}, B ${cycleL1B.toFixed(4)}`);

  const k = Math.min(8, nTest);
  noGrad(() => {
    const png = (name: string, rows: Tensor): void =>
      writeFileSync(join(opts.outDir, name), imageToPng(makeGrid(rows.add(1).mul(0.5), { nrow: k, padValue: 0.5 }), (b) => deflateSync(b)));
    const a = test.edges.slice(0, 0, k), b = test.filled.slice(0, 0, k);
    const fakeB = ab(a), fakeA = ba(b);
    png("a2b.png", cat([a, fakeB, ba(fakeB), b]));
    png("b2a.png", cat([b, fakeA, ab(fakeA), a]));
  });
  const xs = history.map((_, i) => i + 1);
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title, xLabel: "epoch", yLabel: "loss",
    series: [
      { name: "cycle L1 (A + B)", x: xs, y: history.map((h) => h.cycle) },
      { name: "D_A", x: xs, y: history.map((h) => h.dA) },
      { name: "D_B", x: xs, y: history.map((h) => h.dB) },
    ],
  }));
  const last = history.at(-1);
  return {
    translationL1AB, baselineL1, untrainedL1AB, translationL1BA, cycleL1A, cycleL1B,
    gLoss: last?.g ?? NaN, dA: last?.dA ?? NaN, dB: last?.dB ?? NaN,
    epochs, steps: epochs * Math.ceil(nTrain / batchSize), trainImages: nTrain, testImages: nTest, size, features, nLayers: Math.min(nLayers, depth - 2), generator: resnetBlocks > 0 ? `resnet-${resnetBlocks}` : "unet", seconds,
  };
}

export const experiment: Experiment = {
  name: "cyclegan-shapes",
  description: "CycleGAN (U-Nets + PatchGANs, LSGAN, cycle λ = 10, identity λ = 5) between unpaired outlines and filled shapes: cycle L1 and L1 to the hidden pairs, PNG grids",
  chapter: "generative models",
  options: {
    epochs: { description: "passes over the training images of each domain", default: config.epochs },
    lr: { description: "Adam's learning rate (all four networks)", default: config.lr, kind: "positive" },
    trainImages: { description: "training images per domain (unpaired)", default: config.trainImages },
    testImages: { description: "held-out pairs", default: config.testImages },
    batchSize: { description: "images of each domain per step", default: config.batchSize },
    size: { description: "image side (a power of two ≥ 8)", default: config.size },
    features: { description: "width of the first layer of every network", default: config.features },
    nLayers: { description: "stride-2 layers of the PatchGANs (1: 16 × 16 patches, 2: 34 × 34)", default: config.nLayers },
    resnetBlocks: { description: "use the paper's ResNet generators with this many residual blocks (default: U-Net generators)" },
  },
  quick: { trainImages: 8, testImages: 4, batchSize: 4, size: 16, features: 4 },
  config,
  run: (opts) => runCycleGanShapes(opts),
};
