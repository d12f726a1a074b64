// Experiment: every GAN objective on 2-D Gaussian mixtures (8 on a ring, 25 on a grid) — modes covered and high-quality sample fraction.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { randn } from "../ops/creation.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import { Linear } from "../nn/Linear.js";
import { ReLU } from "../nn/activations.js";
import { Sequential } from "../nn/containers.js";
import { Adam } from "../optim/Adam.js";
import { ganLosses, type GanLoss } from "../generative/ganLosses.js";
import { trainGAN, type GanUpdate } from "../generative/trainGAN.js";
import { gaussianGrid, gaussianRing, modeCoverage, sampleMixture, type GaussianMixture2d } from "../generative/toy2d.js";
import { panel, scatter } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--steps` sets the generator steps per run, `--lr` the starting learning rate. */
export const config = {
  targets: ["ring", "grid"] as ("ring" | "grid")[],
  /** σ of every mode; a sample within 3σ of a mode is high quality. */
  std: 0.05,
  losses: [...ganLosses] as GanLoss[],
  /** Generator steps; the learning rate decays linearly from `lr` to 0 over them. */
  steps: 4000,
  lr: 1e-3,
  /** Adam's β₁, β₂ as in WGAN-GP's toy experiments. */
  betas: [0.5, 0.9] as [number, number],
  batchSize: 256,
  latentDim: 2,
  /** Width of the two hidden ReLU layers of both networks. */
  hidden: 64,
  update: "alternating" as GanUpdate,
  /** Generated samples scored for coverage (2,500 as VEEGAN and PacGAN). */
  evalSamples: 2500,
};

/** A smaller run (for tests). */
export interface Gan2dBudget {
  steps?: number;
  losses?: GanLoss[];
  targets?: ("ring" | "grid")[];
  batchSize?: number;
}

const mlp = (inputs: number, outputs: number, hidden: number, rng: Generator) =>
  new Sequential(new Linear(inputs, hidden, { generator: rng }), new ReLU(), new Linear(hidden, hidden, { generator: rng }), new ReLU(), new Linear(hidden, outputs, { generator: rng }));

/** Trains one GAN on one mixture and scores `evalSamples` generated points. */
export function trainGan2d(mixture: GaussianMixture2d, loss: GanLoss, steps: number, seed: number, lr = config.lr, batchSize = config.batchSize): { samples: Tensor; coverage: ReturnType<typeof modeCoverage> } {
  const rng = new Generator(seed);
  const generator = mlp(config.latentDim, 2, config.hidden, rng);
  const critic = mlp(2, 1, config.hidden, rng);
  const optimizerG = new Adam(generator.parameters(), { lr, betas: config.betas });
  const optimizerD = new Adam(critic.parameters(), { lr, betas: config.betas });
  trainGAN(generator, critic, {
    loss, steps, optimizerG, optimizerD, update: config.update, batchSize, latentDim: config.latentDim, seed,
    sampleReal: (n, g) => sampleMixture(mixture, n, { generator: g }),
    onStep: (step) => {
      for (const opt of [optimizerG, optimizerD]) for (const group of opt.paramGroups) group.lr = lr * (1 - (step + 1) / steps);
    },
  });
  const samples = noGrad(() => generator.call(randn([config.evalSamples, config.latentDim], { generator: new Generator(seed + 1) })));
  return { samples, coverage: modeCoverage(samples, mixture) };
}

/**
 * Trains a generator and a critic (MLPs 2-64-64-2 and 2-64-64-1, z ~ N(0, I₂)) with each GAN objective
 * on 8 Gaussians on a circle of radius 2 and 25 on a 5 × 5 grid (σ = 0.05), and scores 2,500 samples:
 * `modesCovered-<loss>` (ring), `modesCoveredGrid-<loss>`, `highQualityFraction-<loss>` and
 * `highQualityFractionGrid-<loss>` (see `generative.modeCoverage`: within 3σ of a mode; a mode counts
 * with a quarter of its fair share). Writes coverage.md and samples.svg (generated points over the modes).
 */
export function runGan2d(opts: ExperimentOptions, budget: Gan2dBudget = {}): ExperimentResult {
  const steps = budget.steps ?? opts.params?.steps ?? config.steps;
  const lr = opts.lr ?? config.lr;
  const losses = budget.losses ?? config.losses;
  const targets = budget.targets ?? config.targets;
  const metrics: ExperimentResult = {};
  const rows = ["| target | loss | modes covered | high-quality fraction | per-mode counts |", "|---|---|---:|---:|---|"];
  const plots: string[] = [];
  for (const target of targets) {
    const mixture = target === "ring" ? gaussianRing({ std: config.std }) : gaussianGrid({ std: config.std });
    const suffix = target === "ring" ? "" : "Grid";
    for (const loss of losses) {
      const t0 = Date.now();
      const { samples, coverage } = trainGan2d(mixture, loss, steps, opts.seed, lr, budget.batchSize);
      metrics[`modesCovered${suffix}-${loss}`] = coverage.modesCovered;
      metrics[`highQualityFraction${suffix}-${loss}`] = coverage.highQualityFraction;
      rows.push(`| ${target} | ${loss} | ${coverage.modesCovered} / ${mixture.centers.length} | ${coverage.highQualityFraction.toFixed(3)} | ${coverage.counts.join(" ")} |`);
      opts.log(`${target} ${loss.padEnd(15)} modes ${coverage.modesCovered}/${mixture.centers.length}, high quality ${(100 * coverage.highQualityFraction).toFixed(1)} % (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      const xy = samples.contiguous().dataSync();
      const shown = Math.min(1000, samples.shape[0]!);
      plots.push(scatter({
        title: `${target}: ${loss} (${coverage.modesCovered}/${mixture.centers.length})`, width: 320, height: 320, legend: false, radius: 1.5,
        xRange: target === "ring" ? [-3, 3] : [-5.5, 5.5], yRange: target === "ring" ? [-3, 3] : [-5.5, 5.5],
        series: [
          { name: "generated", x: Array.from({ length: shown }, (_, i) => Number(xy[2 * i])), y: Array.from({ length: shown }, (_, i) => Number(xy[2 * i + 1])) },
          { name: "modes", x: mixture.centers.map((c) => c[0]), y: mixture.centers.map((c) => c[1]), color: "#d62728" },
        ],
      }));
    }
  }
  writeFileSync(join(opts.outDir, "coverage.md"), rows.join("\n") + "\n");
  savePlot(join(opts.outDir, "samples.svg"), panel(plots, { columns: losses.length, title: `GANs on 2-D mixtures (${steps} generator steps)` }));
  return { ...metrics, steps };
}

export const experiment: Experiment = {
  name: "gan-2d",
  description: "minimax, non-saturating, WGAN, WGAN-GP, LSGAN and hinge GANs on 8- and 25-Gaussian mixtures: modes covered",
  chapter: "generative models",
  options: {
    steps: { description: "generator steps per GAN", default: config.steps },
    lr: { description: "Adam's starting learning rate (decays linearly to 0)", default: config.lr, kind: "positive" },
    batchSize: { description: "real and generated points per step", default: config.batchSize },
  },
  quick: { steps: 5, batchSize: 32 },
  config,
  run: (opts) => runGan2d(opts, { batchSize: opts.params?.batchSize }),
};
