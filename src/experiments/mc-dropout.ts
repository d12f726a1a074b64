// MC dropout: keep dropout on at test time and read the spread of T stochastic predictions as model uncertainty, in- vs out-of-distribution.
import { join } from "node:path";
import { Tensor } from "../tensor/Tensor.js";
import { Generator } from "../random/Generator.js";
import { linspace } from "../ops/creation.js";
import { TensorDataset } from "../data/Dataset.js";
import { DataLoader } from "../data/DataLoader.js";
import { Linear } from "../nn/Linear.js";
import { Sequential } from "../nn/containers.js";
import { ReLU } from "../nn/activations.js";
import { Dropout } from "../nn/Dropout.js";
import { mseLoss } from "../nn/functional/losses.js";
import { mcDropoutPredict } from "../nn/regularization.js";
import { Adam } from "../optim/Adam.js";
import { fit } from "../train/fit.js";
import { linePlot, panel, scatter } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { runCallbacks } from "../node/experiment.js";
import type { Experiment } from "./Experiment.js";

/**
 * Gal & Ghahramani (2016), "Dropout as a Bayesian Approximation", ICML (arXiv:1506.02142): a network
 * trained with dropout, run T times with dropout still active, gives samples ŷ₁…ŷ_T whose mean is
 * the predictive mean and whose variance (1/T)Σŷ_t² − ȳ² is the model's (epistemic) uncertainty
 * (their eq. 8 adds the observation noise τ⁻¹, a constant we leave out). Trained on
 * y = sin(3x) + 0.1ε for x ∈ [−1, 1], the spread should stay small inside that interval and grow
 * outside it, where the data say nothing.
 */
export const config = { samples: 200, noise: 0.1, hidden: 128, dropout: 0.1, epochs: 300, lr: 0.005, batchSize: 50, mcSamples: 200, gridPoints: 121, range: 3 };

const truth = (x: number) => Math.sin(3 * x);

export const experiment: Experiment = {
  name: "mc-dropout",
  description: "MC dropout (Gal & Ghahramani 2016): predictive mean and variance of a 1-D regression MLP in- vs out-of-distribution",
  chapter: "regularization",
  options: { epochs: { description: "training epochs", default: config.epochs }, lr: { description: "Adam learning rate", default: config.lr, kind: "positive" } },
  config,
  async run(opts) {
    const epochs = opts.epochs ?? config.epochs;
    const lr = opts.lr ?? config.lr;
    const g = new Generator(opts.seed);
    const xs = Array.from({ length: config.samples }, () => g.uniform(-1, 1));
    const ys = xs.map((x) => truth(x) + g.normal(0, config.noise));
    const x = Tensor.fromData(Float32Array.from(xs), [config.samples, 1], "float32");
    const y = Tensor.fromData(Float32Array.from(ys), [config.samples, 1], "float32");
    const h = config.hidden;
    const dropGen = new Generator(opts.seed + 1);
    const model = new Sequential(
      new Linear(1, h, { generator: g }), new ReLU(), new Dropout(config.dropout, { generator: dropGen }),
      new Linear(h, h, { generator: g }), new ReLU(), new Dropout(config.dropout, { generator: dropGen }),
      new Linear(h, 1, { generator: g }),
    );
    await fit(model, {
      trainLoader: new DataLoader(new TensorDataset(x, y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed }),
      loss: (o, t) => mseLoss(o, t), optimizer: new Adam(model.parameters(), { lr }), epochs,
      callbacks: runCallbacks(opts.outDir, opts.log, { progress: false }),
    });

    const grid = linspace(-config.range, config.range, config.gridPoints).reshape(-1, 1); // (G, 1)
    const { mean, variance } = mcDropoutPredict(model, grid, config.mcSamples);
    const gx = grid.toList(), mu = mean.toList(), sd = variance.toList().map(Math.sqrt);
    const avg = (pick: (v: number) => boolean, values: number[]) => {
      const chosen = values.filter((_, i) => pick(gx[i]!));
      return chosen.reduce((a, b) => a + b, 0) / chosen.length;
    };
    const inside = (v: number) => Math.abs(v) <= 1, outside = (v: number) => Math.abs(v) >= 2;
    const stdIn = avg(inside, sd), stdOut = avg(outside, sd);
    const rmseIn = Math.sqrt(avg(inside, mu.map((m, i) => (m - truth(gx[i]!)) ** 2)));
    opts.log(`predictive std: ${stdIn.toFixed(4)} for |x| ≤ 1 (training range), ${stdOut.toFixed(4)} for |x| ≥ 2 (×${(stdOut / stdIn).toFixed(1)}); RMSE of the mean in range ${rmseIn.toFixed(4)}`);

    savePlot(join(opts.outDir, "mc-dropout.svg"), panel([
      linePlot({
        title: `MC dropout, T = ${config.mcSamples}: mean ± 2σ`, xLabel: "x", yLabel: "y", yRange: [-3, 3],
        series: [
          { name: "sin(3x)", x: gx, y: gx.map(truth), color: "#7f7f7f" },
          { name: "predictive mean", x: gx, y: mu },
          { name: "mean + 2σ", x: gx, y: mu.map((m, i) => m + 2 * sd[i]!), dashed: true, color: "#d62728" },
          { name: "mean − 2σ", x: gx, y: mu.map((m, i) => m - 2 * sd[i]!), dashed: true, color: "#d62728" },
        ],
      }),
      scatter({ title: "training data", xLabel: "x", yLabel: "y", xRange: [-config.range, config.range], yRange: [-3, 3], series: [{ name: "samples", x: xs, y: ys }], radius: 2 }),
    ]));
    return { stdInDistribution: stdIn, stdOutOfDistribution: stdOut, stdRatio: stdOut / stdIn, rmseInDistribution: rmseIn };
  },
};
