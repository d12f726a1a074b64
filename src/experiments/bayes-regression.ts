// Experiment: Bayesian linear regression written as a probabilistic program and fitted by SVI; the
// variational posterior (a full-covariance Gaussian guide) against the conjugate closed form.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { eye, randn, tensor, zeros } from "../ops/creation.js";
import { Generator } from "../random/Generator.js";
import { MultivariateNormal } from "../distributions/MultivariateNormal.js";
import { Normal } from "../distributions/Normal.js";
import * as constraints from "../distributions/constraints.js";
import { Adam } from "../optim/Adam.js";
import { clearParamStore, param, paramStore, plate, sample } from "../ppl/core.js";
import { SVI, TraceMeanFieldELBO } from "../ppl/infer.js";
import { bayesianLinearRegressionPosterior } from "../ppl/examples.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults (`--steps`, `--particles`, `--lr`, `--seed` override). */
export const config = {
  /** Data: N points, D features ~ N(0, 1), y = X·w + ε with ε ~ N(0, noiseStd²). */
  n: 100,
  trueWeights: [1.5, -2, 0.5],
  noiseStd: 0.5,
  /** Prior w ~ N(0, priorStd²·I). */
  priorStd: 1,
  /** SVI: Adam whose learning rate decays exponentially from `lr` to `lrFinal` over `steps`. */
  steps: 6000,
  particles: 8,
  lr: 0.02,
  lrFinal: 1e-4,
  /** The estimate is the average of the guide's parameters over the last half of the steps (Polyak–Ruppert). */
  averageFrom: 0.5,
};

const rel = (a: Tensor, b: Tensor): number => a.sub(b).pow(2).sum().sqrt().item() / b.pow(2).sum().sqrt().item();

/**
 * Fits q(w) = N(loc, L·Lᵀ) to the posterior of y = Xw + ε by SVI (ELBO with the closed-form KL of the
 * Gaussian prior, `TraceMeanFieldELBO`) and compares it with the exact posterior (`ppl.bayesianLinearRegressionPosterior`).
 * Metrics: `posteriorMeanError` = ‖μ_q − μ‖/‖μ‖, `posteriorCovarianceError` = ‖Σ_q − Σ‖_F/‖Σ‖_F, `posteriorError`
 * (the larger), `finalLoss` (−ELBO). Writes posterior.md and loss.svg.
 */
export function runBayesRegression(opts: ExperimentOptions, budget: { steps?: number; particles?: number } = {}): ExperimentResult {
  const steps = budget.steps ?? config.steps, particles = budget.particles ?? config.particles;
  const lr0 = opts.lr ?? config.lr, lrFinal = Math.min(config.lrFinal, lr0);
  const g = new Generator(opts.seed);
  const d = config.trueWeights.length, dtype = "float64" as const;
  const x = randn([config.n, d], { generator: g, dtype });
  const w = tensor(config.trueWeights, { dtype });
  const y = x.matmul(w.unsqueeze(1)).squeeze(1).add(randn([config.n], { generator: g, dtype }).mul(config.noiseStd));
  const exact = bayesianLinearRegressionPosterior(x, y, { noiseStd: config.noiseStd, priorStd: config.priorStd });

  const model = (xs: Tensor, ys: Tensor): void => {
    const weights = sample("w", new MultivariateNormal(zeros([d], { dtype }), { scaleTril: eye(d, d, { dtype }).mul(config.priorStd) }));
    plate("data", xs.shape[0]!, () => sample("y", new Normal(xs.matmul(weights.unsqueeze(1)).squeeze(1), config.noiseStd), { obs: ys }));
  };
  const guide = (): void => {
    const loc = param("loc", zeros([d], { dtype }));
    const scaleTril = param("scaleTril", eye(d, d, { dtype }).mul(0.1), { constraint: constraints.lowerCholesky });
    sample("w", new MultivariateNormal(loc, { scaleTril }));
  };

  clearParamStore();
  const svi = new SVI(model, guide, { optimizer: (ps) => new Adam(ps, { lr: lr0 }), loss: new TraceMeanFieldELBO({ numParticles: particles }), seed: opts.seed });
  const started = performance.now();
  const losses: number[] = [];
  let sumLoc: Tensor | null = null, sumL: Tensor | null = null, count = 0;
  const averageFrom = Math.floor(steps * config.averageFrom);
  for (let i = 0; i < steps; i++) {
    const lr = lr0 * Math.pow(lrFinal / lr0, i / steps);
    for (const group of svi.optim?.paramGroups ?? []) group.lr = lr;
    losses.push(svi.step(x, y));
    if (i >= averageFrom) {
      const loc = paramStore.get("loc"), L = paramStore.get("scaleTril");
      sumLoc = sumLoc === null ? loc : sumLoc.add(loc);
      sumL = sumL === null ? L : sumL.add(L);
      count++;
    }
    if ((i + 1) % Math.max(1, Math.floor(steps / 10)) === 0) opts.log(`step ${i + 1}/${steps}: −ELBO ${losses.at(-1)!.toFixed(3)}`);
  }
  const loc = sumLoc!.div(count), L = sumL!.div(count);
  const covariance = L.matmul(L.mT);
  const meanError = rel(loc, exact.mean), covError = rel(covariance, exact.covariance);
  opts.log(`posterior mean error ${(100 * meanError).toFixed(2)} %, covariance error ${(100 * covError).toFixed(2)} %`);

  const fmt = (t: Tensor): string => (t.toList() as number[]).map((v) => v.toPrecision(5)).join(", ");
  writeFileSync(join(opts.outDir, "posterior.md"), [
    `# Bayesian linear regression: SVI (${steps} steps, ${particles} particles, seed ${opts.seed}) vs the closed form`, "",
    "| | SVI (average of the last half) | exact |", "|---|---|---|",
    `| mean | ${fmt(loc)} | ${fmt(exact.mean)} |`,
    `| covariance (row-major) | ${fmt(covariance)} | ${fmt(exact.covariance)} |`, "",
    `Relative error: mean ${(100 * meanError).toFixed(3)} %, covariance (Frobenius) ${(100 * covError).toFixed(3)} %.`, "",
  ].join("\n"));
  const every = Math.max(1, Math.floor(steps / 400));
  const xs = losses.map((_, i) => i + 1).filter((_, i) => i % every === 0), ys = losses.filter((_, i) => i % every === 0);
  savePlot(join(opts.outDir, "loss.svg"), linePlot({ title: "SVI on Bayesian linear regression", xLabel: "step", yLabel: "−ELBO (nats)", series: [{ name: "−ELBO", x: xs, y: ys }], legend: false }));
  return {
    posteriorError: Math.max(meanError, covError), posteriorMeanError: meanError, posteriorCovarianceError: covError,
    finalLoss: losses.at(-1)!, steps, particles, seconds: (performance.now() - started) / 1000,
  };
}

export const experiment: Experiment = {
  name: "bayes-regression",
  description: "Bayesian linear regression as a probabilistic program, fitted by SVI: variational posterior vs the closed form (posteriorError)",
  chapter: "generative models",
  options: {
    steps: { description: "SVI steps", default: config.steps },
    particles: { description: "guide samples per ELBO estimate", default: config.particles },
    lr: { description: "Adam's starting learning rate (decays exponentially to 1e-4)", default: config.lr, kind: "positive" },
  },
  quick: { steps: 20, particles: 1 },
  config,
  run: (opts) => runBayesRegression(opts, { steps: opts.params?.steps, particles: opts.params?.particles }),
};
