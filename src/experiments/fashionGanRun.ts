// What dcgan-fashion and cgan-fashion share: DCGAN training on Fashion-MNIST (optionally class-conditional) and its evaluation by the project's own Fashion-MNIST judge.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { tensor, randn, rand, randint } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { Adam } from "../optim/Adam.js";
import { DCGANGenerator, DCGANDiscriminator } from "../generative/DCGAN.js";
import { discriminatorLoss, generatorLoss } from "../generative/ganLosses.js";
import { judgeAccuracy, judgeFeatures } from "../generative/fashionJudge.js";
import { frechetDistance } from "../generative/frechet.js";
import { makeGrid, imageToPng } from "../generative/imageGrid.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { defaultJudgeBudget, fashionImages, loadOrTrainJudge, type JudgeBudget } from "./fashionJudgeRun.js";
import type { ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults of both experiments (every one is a command-line option): a small DCGAN sized for a shared CPU. */
export const ganConfig = {
  /** Generator steps (one discriminator step each), non-saturating loss: 19,200 images, a third of an epoch. */
  steps: 600,
  batchSize: 32,
  /** Base width f of `DCGANGenerator` (4f, 2f channels) and `DCGANDiscriminator` (f, 2f). */
  features: 8,
  latentDim: 64,
  /** Adam's initial learning rate for both players, β = (0.5, 0.999) as DCGAN; it decays linearly to 0 at the last step. */
  lr: 1e-3,
  /** Training images drawn from (the first N of the 60,000). */
  trainImages: 60_000,
  /** Generated images and real test images per Fréchet distance (the floor compares two disjoint halves of the test set, so at most 5,000). */
  evalImages: 5_000,
  /** cGAN only: 1 = projection discriminator (Miyato & Koyama 2018), 0 = the label as a learnt extra input channel. */
  projection: 1,
};

/** The options of both experiments, as the CLI passes them in `params`. */
export interface FashionGanParams {
  steps?: number;
  batchSize?: number;
  features?: number;
  trainImages?: number;
  evalImages?: number;
  /** Judge budget (a smaller judge is cached under its own name). */
  judgeTrainImages?: number;
  judgeEpochs?: number;
  /** Test images the judge's accuracy is measured on (default all 10,000). */
  judgeTestImages?: number;
  /** cGAN only: 1 for a projection discriminator, 0 for the label as an extra input channel. */
  projection?: number;
}

/** The command-line options both experiments declare. */
export const ganOptions = {
  steps: { description: "generator steps (one discriminator step each)", default: ganConfig.steps },
  lr: { description: "Adam's initial learning rate of both players (decays linearly to 0)", default: ganConfig.lr, kind: "positive" as const },
  batchSize: { description: "images per step", default: ganConfig.batchSize },
  features: { description: "base width of the DCGAN networks", default: ganConfig.features },
  trainImages: { description: "draw training batches from the first N training images", default: ganConfig.trainImages },
  evalImages: { description: "generated and real images per Fréchet distance (≤ 5,000)", default: ganConfig.evalImages },
  judgeTrainImages: { description: "training images of the Fashion-MNIST judge", default: defaultJudgeBudget.trainImages },
  judgeEpochs: { description: "epochs of the Fashion-MNIST judge", default: defaultJudgeBudget.epochs },
  judgeTestImages: { description: "test images the judge's accuracy is measured on", default: 10_000 },
};

/** cgan-fashion's options: those of both, and how its discriminator sees the label. */
export const cganOptions = {
  ...ganOptions,
  projection: { description: "1: projection discriminator (score + ⟨e(y), φ(x)⟩); 0: the label as a learnt 28 × 28 input channel", default: ganConfig.projection },
};

/** Images in [−1, 1] (the generator's tanh range) mapped to [0, 1] (the judge's and the PNG's). */
const toUnit = (x: Tensor): Tensor => x.add(1).mul(0.5);

/**
 * Trains a DCGAN (conditional when `conditional`) on Fashion-MNIST with the non-saturating loss and
 * Adam (β₁ = 0.5, learning rate decaying linearly to 0), then measures with the judge (a small CNN trained by the project, cached in
 * fashion-judge beside the run folder):
 * - `frechetDistance`: the Fréchet distance on the judge's 64 penultimate features between `evalImages`
 *   generated images and as many real test images; `frechetFloor` between two disjoint halves of the
 *   real test set (what a perfect generator would get at this sample size), `frechetUntrained` for the
 *   same generator before training and `frechetNoise` for uniform noise images (ceilings);
 * - conditional only: `recognizedFraction`, the share of class-conditional samples (equal numbers per
 *   class) the judge assigns to the intended class, with `recognizedByClass`, next to the judge's own
 *   `judgeTestAccuracy` on real test images.
 * Writes samples.png (8 × 8 samples, or one row per class for the cGAN) and loss.svg.
 */
export async function runFashionGan(opts: ExperimentOptions, conditional: boolean, params: FashionGanParams = {}): Promise<ExperimentResult> {
  const steps = params.steps ?? ganConfig.steps, batchSize = params.batchSize ?? ganConfig.batchSize;
  const features = params.features ?? ganConfig.features, latentDim = ganConfig.latentDim, lr = opts.lr ?? ganConfig.lr;
  const evalImages = Math.min(params.evalImages ?? ganConfig.evalImages, 5_000);
  const judgeBudget: JudgeBudget = { trainImages: params.judgeTrainImages ?? defaultJudgeBudget.trainImages, epochs: params.judgeEpochs ?? defaultJudgeBudget.epochs, seed: defaultJudgeBudget.seed };
  const name = conditional ? "cgan-fashion" : "dcgan-fashion";
  const numClasses = conditional ? 10 : undefined;

  const judge = loadOrTrainJudge(opts.outDir, judgeBudget, opts.log, params.judgeTestImages);
  const train = fashionImages(true, params.trainImages ?? ganConfig.trainImages);
  const trainReal = noGrad(() => train.images.mul(2).sub(1)); // [−1, 1], as the generator's tanh
  const n = trainReal.shape[0]!;

  manualSeed(opts.seed);
  const rng = new Generator(opts.seed);
  const G = new DCGANGenerator(latentDim, { features, numClasses, generator: rng });
  const conditioning = (params.projection ?? ganConfig.projection) === 1 ? "projection" as const : "concat" as const;
  const D = new DCGANDiscriminator({ features, numClasses, conditioning, generator: rng });
  const fixedNoise = randn([evalImages, latentDim], { generator: new Generator(opts.seed + 1) });
  const evalLabels = tensor(Array.from({ length: evalImages }, (_, i) => i % 10), { dtype: "int32" });
  const generate = (count: number): Tensor =>
    noGrad(() => {
      G.eval();
      const parts: Tensor[] = [];
      for (let s = 0; s < count; s += 500) {
        const e = Math.min(count, s + 500);
        parts.push(toUnit(G.call(fixedNoise.slice(0, s, e), conditional ? evalLabels.slice(0, s, e) : undefined)));
      }
      G.train();
      return cat(parts, 0);
    });
  const untrained = generate(evalImages);

  opts.log(`${name}: ${steps} steps of batch ${batchSize}, DCGAN width ${features}, latent ${latentDim}, Adam ${lr}, ${n} training images, seed ${opts.seed}`);
  const optimizerG = new Adam(G.parameters(), { lr, betas: [0.5, 0.999] });
  const optimizerD = new Adam(D.parameters(), { lr, betas: [0.5, 0.999] });
  const dLosses: number[] = [], gLosses: number[] = [];
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    for (const optimizer of [optimizerG, optimizerD]) optimizer.paramGroups.forEach((g) => (g.lr = lr * (1 - step / steps))); // linear decay
    // Discriminator: a real batch with its labels against fakes of the same labels.
    const idx = randint(0, n, [batchSize], { generator: rng, dtype: "int32" });
    const real = trainReal.indexSelect(0, idx);
    const labels = conditional ? train.labels.indexSelect(0, idx) : undefined;
    const fake = noGrad(() => G.call(randn([batchSize, latentDim], { generator: rng }), labels));
    const lossD = discriminatorLoss("non-saturating", D.call(real, labels), D.call(fake, labels));
    optimizerD.zeroGrad();
    lossD.backward();
    optimizerD.step();
    // Generator: fresh noise, uniformly drawn classes.
    const wanted = conditional ? randint(0, 10, [batchSize], { generator: rng, dtype: "int32" }) : undefined;
    const lossG = generatorLoss("non-saturating", D.call(G.call(randn([batchSize, latentDim], { generator: rng }), wanted), wanted));
    optimizerG.zeroGrad();
    lossG.backward();
    optimizerG.step();
    dLosses.push(lossD.item());
    gLosses.push(lossG.item());
    if ((step + 1) % 50 === 0 || step === steps - 1) opts.log(`step ${step + 1}/${steps}: D loss ${dLosses.at(-1)!.toFixed(3)}, G loss ${gLosses.at(-1)!.toFixed(3)} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
  }
  const trainSeconds = (performance.now() - start) / 1000;

  // Evaluation on the judge's features: generated vs real, with a floor (real vs real) and two ceilings.
  const test = fashionImages(false, 2 * evalImages);
  const reference = test.images.slice(0, 0, evalImages), otherHalf = test.images.slice(0, evalImages, 2 * evalImages);
  const samples = generate(evalImages);
  const referenceFeatures = judgeFeatures(judge.judge, reference); // once, for all four distances
  const distanceTo = (images: Tensor): number => frechetDistance(judgeFeatures(judge.judge, images), referenceFeatures);
  const frechet = distanceTo(samples);
  const frechetFloor = distanceTo(otherHalf);
  const frechetUntrained = distanceTo(untrained);
  const frechetNoise = distanceTo(rand([evalImages, 1, 28, 28], { generator: new Generator(opts.seed + 2) }));
  opts.log(`Fréchet distance on FashionJudge features: ${frechet.toFixed(2)} (real vs real ${frechetFloor.toFixed(2)}, untrained generator ${frechetUntrained.toFixed(2)}, uniform noise ${frechetNoise.toFixed(2)})`);

  const result: ExperimentResult = {
    frechetDistance: frechet, frechetFloor, frechetUntrained, frechetNoise,
    featureSpace: "Fréchet distance on FashionJudge features (64-d penultimate layer of the project's own Fashion-MNIST CNN; not FID)",
    judgeTestAccuracy: judge.testAccuracy, judgeCached: judge.cached, judgeTrainSeconds: judge.trainSeconds,
    steps, batchSize, features, latentDim, trainImages: n, evalImages, trainSeconds,
    ...(conditional ? { discriminatorConditioning: conditioning } : {}),
    finalDLoss: dLosses.at(-1) ?? NaN, finalGLoss: gLosses.at(-1) ?? NaN,
  };
  if (conditional) {
    const recognizedFraction = judgeAccuracy(judge.judge, samples, evalLabels);
    const byClass = Array.from({ length: 10 }, (_, c) => {
      const rows = tensor(Array.from({ length: Math.ceil((evalImages - c) / 10) }, (_, k) => c + 10 * k), { dtype: "int32" });
      return judgeAccuracy(judge.judge, samples.indexSelect(0, rows), evalLabels.indexSelect(0, rows));
    });
    opts.log(`recognized as the intended class: ${(100 * recognizedFraction).toFixed(1)} % (judge's test accuracy ${(100 * judge.testAccuracy).toFixed(1)} %)`);
    opts.log(byClass.map((f, c) => `${FashionMNIST.classes[c]} ${(100 * f).toFixed(0)} %`).join(", "));
    Object.assign(result, { recognizedFraction, recognizedByClass: byClass });
  }

  // Pictures: 8 × 8 samples, or for the cGAN one row per class (10 samples each).
  const grid = conditional
    ? noGrad(() => {
      G.eval();
      const rows = tensor(Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)), { dtype: "int32" });
      return toUnit(G.call(randn([100, latentDim], { generator: new Generator(opts.seed + 3) }), rows));
    })
    : samples.slice(0, 0, Math.min(64, evalImages));
  writeFileSync(join(opts.outDir, "samples.png"), imageToPng(makeGrid(grid, { nrow: conditional ? 10 : 8, padValue: 1 }), (b) => deflateSync(b)));
  const xs = dLosses.map((_, i) => i + 1);
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: `${name}: non-saturating GAN losses`, xLabel: "generator step", yLabel: "loss",
    series: [{ name: "discriminator", x: xs, y: dLosses }, { name: "generator", x: xs, y: gLosses }],
  }));
  return result;
}
