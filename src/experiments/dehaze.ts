// Experiment: dehazing HazyScenes — the dark channel prior, AOD-Net and the Pix2Pix U-Net trained on clean/hazy pairs,
// compared by PSNR and SSIM against the clean test images, with a PNG panel hazy | DCP | AOD-Net | Pix2Pix | clean.
import { join } from "node:path";
import { Tensor } from "../tensor/Tensor.js";
import { cat, stack } from "../ops/movement.js";
import { randperm } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { Generator, manualSeed } from "../random/Generator.js";
import { Adam } from "../optim/Adam.js";
import { mseLoss } from "../nn/functional/losses.js";
import { PatchDiscriminator, pix2pixStep } from "../generative/pix2pix.js";
import { HazyScenes } from "../vision/datasets/HazyScenes.js";
import { AODNet, Pix2PixDehazer, darkChannelPrior, psnr, ssim } from "../vision/dehaze.js";
import { makeGrid } from "../vision/visualize.js";
import { savePng } from "../node/savePng.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--epochs`, `--lr`, `--seed` and the declared options override). */
export const config = {
  /** HazyScenes clean/hazy training pairs and hazy test images (the splits' default sizes), 64 × 64. */
  trainImages: 1000,
  testImages: 200,
  size: 64,
  /** Passes of AOD-Net over the training pairs. */
  epochs: 10,
  /** Adam's rate for AOD-Net (the reference PyTorch code uses 1e-4 for a much longer run). */
  lr: 3e-3,
  /** Pairs per step (both networks). */
  batchSize: 16,
  /** Passes of the Pix2Pix dehazer over the training pairs. */
  pix2pixEpochs: 8,
  /** Adam's rate for the Pix2Pix generator and discriminator, β₁ = 0.5 as the paper; 2.5 × the paper's 2e-4 for a short run. */
  pix2pixLr: 5e-4,
  betas: [0.5, 0.999] as [number, number],
  /** Width of the first layer of the U-Net and of the PatchGAN (the paper's 64, scaled down). */
  features: 16,
  /** PatchGAN stride-2 layers: 2 gives 34 × 34 patches. */
  nLayers: 2,
  lambdaL1: 100,
  /** Test images drawn in the panel. */
  panelImages: 6,
};

/** A split's images as [N, 3, H, W] tensors (hazy and clean). */
function loadPairs(split: "train" | "test", length: number, size: number, seed: number): { hazy: Tensor; clean: Tensor } {
  const ds = new HazyScenes({ split, length, size, seed });
  const items = Array.from({ length }, (_, i) => ds.get(i));
  return { hazy: stack(items.map((it) => it.hazy)), clean: stack(items.map((it) => it.clean)) };
}

/** A model's output on a whole set in evaluation mode, in chunks, clamped to [0, 1]. */
function predict(model: { call(x: Tensor): Tensor }, hazy: Tensor): Tensor {
  return noGrad(() => {
    const parts: Tensor[] = [];
    for (let s = 0; s < hazy.shape[0]!; s += 50) parts.push(model.call(hazy.slice(0, s, Math.min(hazy.shape[0]!, s + 50))).clamp({ min: 0, max: 1 }));
    return cat(parts);
  });
}

/**
 * Dehazing on HazyScenes (64 × 64 road scenes, haze I = J·t + A·(1 − t) with t = exp(−β·depth), β and A
 * drawn per image), the course competition's first stage:
 * - the dark channel prior (He et al. 2009) with guided-filter refinement (He et al. 2010), default
 *   options of `vision.dehaze.darkChannelPrior` (patch 9, guided radius 9, ω = 0.95, t₀ = 0.1), no training;
 * - AOD-Net (Li et al. 2017, 1,761 parameters) trained with the MSE to the clean image, Adam;
 * - the Pix2Pix U-Net (depth 6, 64 × 64 → 1 × 1) with a conditional PatchGAN, L1 (λ = 100) +
 *   non-saturating GAN loss, trained with `generative.pix2pixStep` on (hazy, clean) pairs in [−1, 1].
 * Reports on the hazy test split, against the clean images: PSNR (mean of per-image PSNRs, dB) and SSIM
 * (scikit-image's Gaussian SSIM, mean over channels and images) for the hazy input (`psnrHazy`), DCP
 * (`psnrDarkChannel`), AOD-Net (`psnrLearned`) and Pix2Pix (`psnrPix2Pix`), with the matching `ssim*`
 * keys; the learned outputs are clamped to [0, 1]. `secondsDarkChannel` is DCP on the test split,
 * `secondsLearned` and `secondsPix2Pix` the training times. Writes panel.png (rows of hazy | DCP |
 * AOD-Net | Pix2Pix | clean) and loss.svg (training losses per epoch).
 */
export async function runDehaze(opts: ExperimentOptions): Promise<ExperimentResult> {
  const p = opts.params ?? {};
  const epochs = opts.epochs ?? config.epochs, lr = opts.lr ?? config.lr;
  const nTrain = p.trainImages ?? config.trainImages, nTest = p.testImages ?? config.testImages, size = p.size ?? config.size;
  const batchSize = p.batchSize ?? config.batchSize, features = p.features ?? config.features;
  const p2pEpochs = p.pix2pixEpochs ?? config.pix2pixEpochs, p2pLr = p.pix2pixLr ?? config.pix2pixLr;
  const depth = Math.log2(size);
  if (!Number.isInteger(depth) || depth < 4) throw new Error(`dehaze: --size must be a power of two ≥ 16 (the U-Net goes down to 1 × 1), got ${size}`);
  manualSeed(opts.seed);
  const rng = new Generator(opts.seed);
  const train = loadPairs("train", nTrain, size, opts.seed);
  const test = loadPairs("test", nTest, size, opts.seed);
  opts.log(`HazyScenes ${size}×${size}: ${nTrain} training pairs, ${nTest} test images`);

  // 1. Dark channel prior: no training.
  let started = performance.now();
  const dcp = darkChannelPrior(test.hazy).dehazed;
  const secondsDarkChannel = (performance.now() - started) / 1000;

  // 2. AOD-Net with the MSE to the clean image.
  const aod = new AODNet({ generator: rng });
  const optAod = new Adam(aod.parameters(), { lr });
  const aodLoss: number[] = [];
  started = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = randperm(nTrain, { generator: rng });
    let sum = 0, steps = 0;
    for (let s = 0; s < nTrain; s += batchSize) {
      const idx = order.slice(0, s, Math.min(nTrain, s + batchSize));
      const loss = mseLoss(aod.call(train.hazy.indexSelect(0, idx)), train.clean.indexSelect(0, idx));
      optAod.zeroGrad();
      loss.backward();
      optAod.step();
      sum += loss.item();
      steps++;
    }
    aodLoss.push(sum / steps);
    opts.log(`AOD-Net epoch ${epoch + 1}/${epochs}: train MSE ${aodLoss.at(-1)!.toFixed(5)}`);
  }
  const secondsLearned = (performance.now() - started) / 1000;
  aod.eval();
  const learned = predict(aod, test.hazy);

  // 3. The Pix2Pix U-Net as a dehazer, trained by generative.pix2pixStep on pairs in [−1, 1].
  const p2p = new Pix2PixDehazer({ depth, features, generator: rng });
  const D = new PatchDiscriminator(6, { features, nLayers: Math.min(config.nLayers, depth - 2), generator: rng });
  const optG = new Adam(p2p.net.parameters(), { lr: p2pLr, betas: config.betas }), optD = new Adam(D.parameters(), { lr: p2pLr, betas: config.betas });
  const p2pL1: number[] = [];
  started = performance.now();
  p2p.train();
  for (let epoch = 0; epoch < p2pEpochs; epoch++) {
    const order = randperm(nTrain, { generator: rng });
    let sum = 0, d = 0, steps = 0;
    for (let s = 0; s < nTrain; s += batchSize) {
      const idx = order.slice(0, s, Math.min(nTrain, s + batchSize));
      const r = pix2pixStep(p2p.net, D, optG, optD, train.hazy.indexSelect(0, idx).mul(2).sub(1), train.clean.indexSelect(0, idx).mul(2).sub(1), { lambdaL1: config.lambdaL1 });
      sum += r.gL1;
      d += r.dLoss;
      steps++;
    }
    p2pL1.push(sum / steps);
    opts.log(`Pix2Pix epoch ${epoch + 1}/${p2pEpochs}: train L1 ${p2pL1.at(-1)!.toFixed(4)} (in [−1, 1]), D loss ${(d / steps).toFixed(3)}`);
  }
  const secondsPix2Pix = (performance.now() - started) / 1000;
  p2p.eval();
  const pix = predict(p2p, test.hazy);

  const result = {
    psnrHazy: psnr(test.hazy, test.clean), psnrDarkChannel: psnr(dcp, test.clean), psnrLearned: psnr(learned, test.clean), psnrPix2Pix: psnr(pix, test.clean),
    ssimHazy: ssim(test.hazy, test.clean), ssimDarkChannel: ssim(dcp, test.clean), ssimLearned: ssim(learned, test.clean), ssimPix2Pix: ssim(pix, test.clean),
  };
  opts.log(`test PSNR (dB): hazy ${result.psnrHazy.toFixed(2)}, DCP ${result.psnrDarkChannel.toFixed(2)}, AOD-Net ${result.psnrLearned.toFixed(2)}, Pix2Pix ${result.psnrPix2Pix.toFixed(2)}`);
  opts.log(`test SSIM: hazy ${result.ssimHazy.toFixed(4)}, DCP ${result.ssimDarkChannel.toFixed(4)}, AOD-Net ${result.ssimLearned.toFixed(4)}, Pix2Pix ${result.ssimPix2Pix.toFixed(4)}`);

  // Panel: one row per test image, columns hazy | DCP | AOD-Net | Pix2Pix | clean.
  const k = Math.min(config.panelImages, nTest);
  const rows: Tensor[] = [];
  for (let i = 0; i < k; i++) for (const set of [test.hazy, dcp, learned, pix, test.clean]) rows.push(set.select(0, i));
  savePng(join(opts.outDir, "panel.png"), makeGrid(stack(rows), { nrow: 5, padding: 2, padValue: 1 }));
  const curves = [{ name: "AOD-Net train MSE", x: aodLoss.map((_, i) => i + 1), y: aodLoss }, { name: "Pix2Pix train L1 / 10", x: p2pL1.map((_, i) => i + 1), y: p2pL1.map((v) => v / 10) }].filter((c) => c.x.length > 0);
  if (curves.length > 0) savePlot(join(opts.outDir, "loss.svg"), linePlot({ title: "Dehazers on HazyScenes: training loss", xLabel: "epoch", yLabel: "loss per pixel", series: curves }));

  return {
    ...result,
    secondsDarkChannel, secondsLearned, secondsPix2Pix,
    aodTrainMse: aodLoss.at(-1) ?? NaN, pix2pixTrainL1: p2pL1.at(-1) ?? NaN,
    epochs, pix2pixEpochs: p2pEpochs, trainImages: nTrain, testImages: nTest, size, features,
  };
}

export const experiment: Experiment = {
  name: "dehaze",
  description: "Dehazing HazyScenes: dark channel prior, AOD-Net and a Pix2Pix U-Net trained on clean/hazy pairs, by PSNR/SSIM on the hazy test split, PNG panel",
  chapter: "CNNs",
  options: {
    epochs: { description: "AOD-Net's passes over the training pairs", default: config.epochs },
    lr: { description: "AOD-Net's Adam learning rate", default: config.lr, kind: "positive" },
    pix2pixEpochs: { description: "the Pix2Pix dehazer's passes over the training pairs", default: config.pix2pixEpochs },
    pix2pixLr: { description: "Adam's learning rate of the Pix2Pix generator and discriminator", default: config.pix2pixLr, kind: "positive" },
    trainImages: { description: "HazyScenes clean/hazy training pairs", default: config.trainImages },
    testImages: { description: "hazy test images", default: config.testImages },
    batchSize: { description: "pairs per step", default: config.batchSize },
    size: { description: "image side (a power of two ≥ 16)", default: config.size },
    features: { description: "width of the first layer of the U-Net and the PatchGAN", default: config.features },
  },
  quick: { trainImages: 8, testImages: 4, batchSize: 4, size: 16, features: 4, pix2pixEpochs: 1 },
  config,
  run: (opts) => runDehaze(opts),
};
