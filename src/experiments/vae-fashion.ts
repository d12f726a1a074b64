// Experiment: Kingma & Welling's MLP VAE on Fashion-MNIST — test ELBO and IWAE bound in nats per image, reconstructions and samples as PNG.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { tensor, randperm } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import { Adam } from "../optim/Adam.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { MLPVAE, elbo, iwae } from "../generative/VAE.js";
import { makeGrid, imageToPng } from "../generative/imageGrid.js";
import { linePlot, scatter } from "../plot/svg.js";
import { eigh } from "../ops/linalg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--epochs`, `--lr`, `--seed` override): PyTorch's examples/vae on Fashion-MNIST. */
export const config = {
  hidden: [400],
  latentDim: 20,
  epochs: 10,
  lr: 1e-3,
  batchSize: 128,
  /** Importance samples of the IWAE bound on the test set. */
  iwaeK: 50,
  /** Test images shown in the latent scatter plot. */
  scatterImages: 2000,
};

/** A smaller run (for tests): the first images of each split, and fewer importance samples. */
export interface VaeFashionBudget {
  trainImages?: number;
  testImages?: number;
  iwaeK?: number;
}

/** Rows of `z` [N, D] projected on their first two principal components, and the share of the variance those carry. */
function pcaScatter(z: Tensor): { points: number[][]; explained: number } {
  const centred = z.sub(z.mean(0, true));
  const cov = centred.mT.matmul(centred).div(Math.max(1, z.shape[0]! - 1));
  const { eigenvalues, eigenvectors } = eigh(cov); // ascending
  const d = z.shape[1]!;
  const top = eigenvectors.narrow(1, d - 2, 2).flip([1]); // [D, 2]: largest first
  const ev = eigenvalues.toList() as number[];
  const explained = (ev[d - 1]! + ev[d - 2]!) / ev.reduce((a, b) => a + b, 0);
  return { points: centred.matmul(top).toArray() as number[][], explained };
}

/** Images as float32 [N, 784] in [0, 1]. */
function flatImages(ds: FashionMNIST, limit?: number): Tensor {
  const n = Math.min(ds.length, limit ?? ds.length);
  const px = ds.pixels.subarray(0, n * 784);
  const data = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) data[i] = px[i]! / 255;
  return tensor(data).reshape([n, 784]);
}

/**
 * Trains `MLPVAE(784, [400], { latentDim: 20 })` with a Bernoulli decoder on the [0, 1] pixels (the
 * continuous pixels as Bernoulli targets, as PyTorch's example) by Adam on the mean negative ELBO,
 * batch 128, and reports on the 10,000 test images:
 * - `testElbo`: the ELBO, E_q[log p(x | z)] − KL(q(z | x) ‖ N(0, I)), one reparameterized sample and the
 *   KL in closed form, in nats per image (negative; closer to 0 is better);
 * - `testIwae`: the importance-weighted bound with k = 50 (Burda et al. 2016), ≥ the ELBO on average;
 * - `trainNegElbo`: the mean negative ELBO of the last epoch's batches.
 * test/fixtures/generative/vae_fashion_torch.py trains the same model with PyTorch for comparison.
 * Writes reconstructions.png (test images above their reconstructions), samples.png (64 decodes of
 * z ~ N(0, I)), traversal.png (the decoder along each of the first 8 latent axes from −3 to 3) and
 * loss.svg, and latent.svg (the test images' posterior means on their first two principal components,
 * coloured by class).
 */
export async function runVaeFashion(opts: ExperimentOptions, budget: VaeFashionBudget = {}): Promise<ExperimentResult> {
  const epochs = opts.epochs ?? config.epochs;
  const lr = opts.lr ?? config.lr;
  const k = budget.iwaeK ?? config.iwaeK;
  const train = flatImages(new FashionMNIST({ train: true }), budget.trainImages);
  const testSet = new FashionMNIST({ train: false });
  const test = flatImages(testSet, budget.testImages);
  const rng = new Generator(opts.seed);
  const vae = new MLPVAE(784, config.hidden, { latentDim: config.latentDim, generator: rng });
  const optimizer = new Adam(vae.parameters(), { lr });
  const n = train.shape[0]!;
  const history: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = randperm(n, { generator: rng });
    let total = 0;
    for (let start = 0; start < n; start += config.batchSize) {
      const x = train.indexSelect(0, order.slice(0, start, Math.min(n, start + config.batchSize)));
      const loss = elbo(vae, x, { generator: rng }).mean().neg();
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item() * x.shape[0]!;
    }
    history.push(total / n);
    opts.log(`epoch ${epoch + 1}/${epochs}: train −ELBO ${history.at(-1)!.toFixed(3)} nats/image`);
  }

  vae.eval();
  const evalRng = new Generator(opts.seed + 1);
  const { testElbo, testIwae } = noGrad(() => {
    const chunks = (size: number, f: (x: Tensor) => Tensor): number => {
      let sum = 0;
      for (let s = 0; s < test.shape[0]!; s += size) sum += f(test.slice(0, s, Math.min(test.shape[0]!, s + size))).sum().item();
      return sum / test.shape[0]!;
    };
    return {
      testElbo: chunks(1000, (x) => elbo(vae, x, { generator: evalRng })),
      testIwae: chunks(200, (x) => iwae(vae, x, k, { generator: evalRng })),
    };
  });
  opts.log(`test ELBO ${testElbo.toFixed(3)} nats/image, IWAE (k = ${k}) ${testIwae.toFixed(3)}`);

  // Pictures.
  const png = (name: string, images: Tensor, nrow: number): void =>
    writeFileSync(join(opts.outDir, name), imageToPng(makeGrid(images.reshape([-1, 1, 28, 28]), { nrow, padValue: 1 }), (b) => deflateSync(b)));
  noGrad(() => {
    const originals = test.slice(0, 0, 16);
    const [mu] = vae.encode(originals);
    png("reconstructions.png", cat([originals, vae.mean(vae.decode(mu))]), 16);
    png("samples.png", vae.sample(64, { generator: new Generator(opts.seed + 2) }), 8);
    const steps = 9, axes = Math.min(8, config.latentDim);
    const codes: number[][] = [];
    for (let a = 0; a < axes; a++) for (let s = 0; s < steps; s++) codes.push(Array.from({ length: config.latentDim }, (_, j) => (j === a ? -3 + (6 * s) / (steps - 1) : 0)));
    png("traversal.png", vae.mean(vae.decode(tensor(codes))), steps);
  });
  // The test images' posterior means projected on their first two principal components, coloured by class.
  const shown = Math.min(test.shape[0]!, config.scatterImages);
  const { points, explained } = noGrad(() => pcaScatter(vae.encode(test.slice(0, 0, shown))[0]));
  const labels = testSet.targets.slice(0, 0, shown).toList() as number[];
  savePlot(join(opts.outDir, "latent.svg"), scatter({
    title: `Latent means of ${shown} test images: first two principal components (${(100 * explained).toFixed(0)} % of the variance)`,
    xLabel: "PC 1", yLabel: "PC 2", radius: 2,
    series: testSet.classes.map((name, c) => {
      const idx = labels.flatMap((l, i) => (l === c ? [i] : []));
      return { name, x: idx.map((i) => points[i]![0]!), y: idx.map((i) => points[i]![1]!) };
    }),
  }));
  savePlot(join(opts.outDir, "loss.svg"), linePlot({
    title: "MLP VAE on Fashion-MNIST", xLabel: "epoch", yLabel: "train −ELBO (nats/image)",
    series: [{ name: "train", x: history.map((_, i) => i + 1), y: history }],
  }));
  return { testElbo, testIwae, iwaeK: k, trainNegElbo: history.at(-1) ?? NaN, epochs, trainImages: n, testImages: test.shape[0]! };
}

export const experiment: Experiment = {
  name: "vae-fashion",
  description: "MLP VAE (784-400-20, Bernoulli decoder) on Fashion-MNIST: test ELBO and IWAE in nats/image, PNG samples",
  chapter: "generative models",
  options: {
    epochs: { description: "passes over the training images", default: config.epochs },
    lr: { description: "Adam's learning rate", default: config.lr, kind: "positive" },
    trainImages: { description: "train on the first N training images (default: all 60,000)" },
    testImages: { description: "evaluate on the first N test images (default: all 10,000)" },
    iwaeK: { description: "importance samples of the IWAE bound", default: config.iwaeK },
  },
  quick: { trainImages: 256, testImages: 64, iwaeK: 2 },
  config,
  run: (opts) => runVaeFashion(opts, { trainImages: opts.params?.trainImages, testImages: opts.params?.testImages, iwaeK: opts.params?.iwaeK }),
};
