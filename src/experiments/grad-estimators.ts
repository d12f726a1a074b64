// Experiment: score-function vs reparameterization vs Gumbel-softmax gradients of E_q[f(z)] — bias and variance over many repeats, against the exact gradient.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { Generator } from "../random/Generator.js";
import { Normal } from "../distributions/Normal.js";
import { OneHotCategorical } from "../distributions/OneHotCategorical.js";
import { RelaxedOneHotCategorical } from "../distributions/RelaxedOneHotCategorical.js";
import { reparameterizationGradient, scoreFunctionGradient } from "../generative/gradEstimators.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults; `--repeats` sets the number of repeats, `--seed` the random stream. */
export const config = {
  /** Independent estimates per estimator and sample size. */
  repeats: 1000,
  /** Samples per estimate: the headline numbers use `samples`; the plot sweeps `sampleSweep`. */
  samples: 8,
  sampleSweep: [2, 4, 8, 16, 32],
  /** Gaussian case: q = N(μ, σ²) with θ = (μ, log σ) = (1, 0), f(z) = (z − c)², c = 3. */
  gaussian: { mu: 1, logSigma: 0, c: 3 },
  /** Discrete case: q = Categorical(softmax(θ)) over 4 one-hot outcomes, f(z) = z · values. */
  categorical: { logits: [0.5, -0.3, 0.1, 0], values: [1, 2, 3, 4], temperature: 0.5 },
};

interface Stats {
  mean: number[];
  /** Trace of the estimates' covariance: Σⱼ Var(ĝⱼ). */
  variance: number;
  /** Standard error of each mean component. */
  stderr: number[];
}

function stats(estimates: number[][]): Stats {
  const r = estimates.length, d = estimates[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => estimates.reduce((a, e) => a + e[j]!, 0) / r);
  const vars = Array.from({ length: d }, (_, j) => estimates.reduce((a, e) => a + (e[j]! - mean[j]!) ** 2, 0) / (r - 1));
  return { mean, variance: vars.reduce((a, v) => a + v, 0), stderr: vars.map((v) => Math.sqrt(v / r)) };
}

const flat = (gs: Tensor[]): number[] => gs.flatMap((g) => Array.from(g.contiguous().dataSync() as ArrayLike<number>, Number));

/** The budget a test can lower. */
export interface GradEstimatorsBudget {
  repeats?: number;
  sampleSweep?: number[];
}

/**
 * Estimates ∇_θ E_{q_θ}[f(z)] many times with each estimator and reports the variance of the
 * estimates (trace of their covariance) and their mean against the exact gradient.
 * - Gaussian: q = N(μ, σ²), θ = (μ, log σ), f(z) = (z − c)²; exactly E f = (μ − c)² + σ², so
 *   ∇ = (2(μ − c), 2σ²). Estimators: score function (`varianceScore`), score function with the
 *   leave-one-out baseline (`varianceScoreBaseline`) and reparameterization z = μ + σε (`varianceReparam`).
 * - Categorical: q = softmax(θ) over one-hot z, f(z) = z·v; exactly ∂E f/∂θⱼ = pⱼ(vⱼ − p·v). Score
 *   function with and without baseline (`varianceScoreCategorical`, `varianceScoreBaselineCategorical`) and
 *   Gumbel-softmax at temperature τ (`varianceGumbel`), which is biased: `biasGumbel` = ‖mean − exact‖.
 * `maxBiasSigmas-<estimator>` is the largest |mean − exact| in standard errors (about ≤ 4 for the
 * unbiased ones). Writes estimators.md (the table) and variance.svg (variance against S, log-log:
 * every unbiased estimator falls as 1/S).
 */
export function runGradEstimators(opts: ExperimentOptions, budget: GradEstimatorsBudget = {}): ExperimentResult {
  const repeats = budget.repeats ?? opts.params?.repeats ?? config.repeats;
  const sweep = budget.sampleSweep ?? config.sampleSweep;
  const rng = new Generator(opts.seed);
  const { mu, logSigma, c } = config.gaussian;
  const sigma = Math.exp(logSigma);
  const exactGaussian = [2 * (mu - c), 2 * sigma * sigma];
  const { logits, values, temperature } = config.categorical;
  const z = logits.map(Math.exp), total = z.reduce((a, b) => a + b, 0), p = z.map((v) => v / total);
  const meanF = p.reduce((a, pj, j) => a + pj * values[j]!, 0);
  const exactCategorical = p.map((pj, j) => pj * (values[j]! - meanF));

  const gaussianParams = (): Tensor[] => [tensor([mu], { dtype: "float64", requiresGrad: true }), tensor([logSigma], { dtype: "float64", requiresGrad: true })];
  const normal = (m: Tensor, ls: Tensor) => new Normal(m, ls.exp());
  const square = (x: Tensor) => x.sub(c).square().reshape([-1]);
  const catParams = (): Tensor[] => [tensor(logits, { dtype: "float64", requiresGrad: true })];
  const v = tensor(values, { dtype: "float64" });
  const linear = (x: Tensor) => x.matmul(v); // (S, K) · (K) → (S)

  type Run = (samples: number) => number[];
  const estimators: Record<string, { run: Run; exact: number[] }> = {
    score: { exact: exactGaussian, run: (s) => flat(scoreFunctionGradient(normal, square, gaussianParams(), { samples: s, generator: rng })) },
    scoreBaseline: { exact: exactGaussian, run: (s) => flat(scoreFunctionGradient(normal, square, gaussianParams(), { samples: s, baseline: true, generator: rng })) },
    reparam: { exact: exactGaussian, run: (s) => flat(reparameterizationGradient(normal, square, gaussianParams(), { samples: s, generator: rng })) },
    scoreCategorical: { exact: exactCategorical, run: (s) => flat(scoreFunctionGradient((l) => new OneHotCategorical({ logits: l }), linear, catParams(), { samples: s, generator: rng })) },
    scoreBaselineCategorical: { exact: exactCategorical, run: (s) => flat(scoreFunctionGradient((l) => new OneHotCategorical({ logits: l }), linear, catParams(), { samples: s, baseline: true, generator: rng })) },
    gumbel: { exact: exactCategorical, run: (s) => flat(reparameterizationGradient((l) => new RelaxedOneHotCategorical(temperature, { logits: l }), linear, catParams(), { samples: s, generator: rng })) },
  };

  const metrics: ExperimentResult = {};
  const table = ["| estimator | S | variance (trace) | mean | exact | max |mean − exact| / s.e. |", "|---|---:|---:|---|---|---:|"];
  const curves: Record<string, number[]> = {};
  for (const [name, { run, exact }] of Object.entries(estimators)) {
    curves[name] = [];
    for (const s of [...new Set([...sweep, config.samples])].sort((a, b) => a - b)) {
      const st = stats(Array.from({ length: repeats }, () => run(s)));
      const sigmas = Math.max(...st.mean.map((m, j) => Math.abs(m - exact[j]!) / st.stderr[j]!));
      if (sweep.includes(s)) curves[name]!.push(st.variance);
      table.push(`| ${name} | ${s} | ${st.variance.toPrecision(4)} | ${st.mean.map((m) => m.toFixed(4)).join(", ")} | ${exact.map((e) => e.toFixed(4)).join(", ")} | ${sigmas.toFixed(2)} |`);
      if (s === config.samples) {
        const key = name[0]!.toUpperCase() + name.slice(1);
        metrics[`variance${key}`] = st.variance;
        metrics[`maxBiasSigmas-${name}`] = sigmas;
        if (name === "gumbel") metrics.biasGumbel = Math.hypot(...st.mean.map((m, j) => m - exact[j]!));
        opts.log(`${name.padEnd(26)} S=${s}: variance ${st.variance.toPrecision(4)}, mean ${st.mean.map((m) => m.toFixed(3)).join(", ")} (exact ${exact.map((e) => e.toFixed(3)).join(", ")})`);
      }
    }
  }
  writeFileSync(join(opts.outDir, "estimators.md"), table.join("\n") + "\n");
  savePlot(join(opts.outDir, "variance.svg"), linePlot({
    title: `Gradient estimators: variance over ${repeats} repeats`, xLabel: "samples per estimate S", yLabel: "variance (trace)", logX: true, logY: true,
    series: Object.entries(curves).map(([name, y]) => ({ name, x: sweep, y })),
  }));
  return { ...metrics, repeats, samples: config.samples, temperature };
}

export const experiment: Experiment = {
  name: "grad-estimators",
  description: "score function (± baseline) vs reparameterization vs Gumbel-softmax: variance and bias of ∇E_q[f(z)]",
  chapter: "generative models",
  options: {
    repeats: { description: "independent gradient estimates per estimator and sample size", default: config.repeats },
  },
  quick: { repeats: 20 },
  config,
  run: (opts) => runGradEstimators(opts),
};
