// Feature crosses: a linear classifier fails on sign(x₁·x₂) data, succeeds once given the x₁·x₂ feature; an MLP learns it unaided.
import { join } from "node:path";
import { Tensor } from "../tensor/Tensor.js";
import { cat } from "../ops/movement.js";
import { linspace } from "../ops/creation.js";
import { Generator } from "../random/Generator.js";
import { productSign } from "../data/synthetic.js";
import { TensorDataset } from "../data/Dataset.js";
import { DataLoader } from "../data/DataLoader.js";
import { Linear } from "../nn/Linear.js";
import { Sequential, type TensorModule } from "../nn/containers.js";
import { ReLU } from "../nn/activations.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { fit, evaluate, predict } from "../train/fit.js";
import { accuracy } from "../train/metrics.js";
import { heatmap, panel, scatter } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { runCallbacks } from "../node/experiment.js";
import type { Experiment } from "./Experiment.js";

/**
 * The data are labelled by the sign of x₁·x₂ (quadrants I and III vs II and IV), so no line in the
 * (x₁, x₂) plane separates them: the best half-plane (e.g. x₁ + x₂ > 2/3 ↦ class 1) classifies only
 * 2/3 of uniformly spread points correctly, and training reaches about that. Adding the cross x₁·x₂ as a
 * third input makes the classes linearly separable (the boundary is the plane x₁x₂ = 0) — Google's
 * Machine Learning Crash Course, "Feature crosses"; Goodfellow et al., *Deep Learning* §6.1 (XOR).
 * A hidden layer learns an equivalent feature by itself.
 */
export const config = { train: 400, test: 1000, epochs: 60, lr: 0.03, batchSize: 32, hidden: 16 };

/** (x₁, x₂) ↦ (x₁, x₂, x₁·x₂). */
export function withCross(x: Tensor): Tensor {
  const x1 = x.slice(1, 0, 1), x2 = x.slice(1, 1, 2); // (N, 1) each
  return cat([x, x1.mul(x2)], 1); // (N, 3)
}

export const experiment: Experiment = {
  name: "feature-cross",
  description: "Linear classifier fails on sign(x₁·x₂) data, succeeds with the x₁·x₂ feature; an MLP succeeds without it (decision-boundary SVGs)",
  chapter: "training",
  options: { epochs: { description: "training epochs of each model", default: config.epochs }, lr: { description: "Adam learning rate of each model", default: config.lr, kind: "positive" } },
  config,
  async run(opts) {
    const epochs = opts.epochs ?? config.epochs;
    const lr = opts.lr ?? config.lr;
    const train = productSign(config.train, { seed: opts.seed });
    const test = productSign(config.test, { seed: opts.seed + 1000 });
    const g = new Generator(opts.seed);
    const models: { name: string; key: string; model: TensorModule; features: (x: Tensor) => Tensor }[] = [
      { name: "linear on (x₁, x₂)", key: "linear", model: new Linear(2, 2, { generator: g }), features: (x) => x },
      { name: "linear on (x₁, x₂, x₁x₂)", key: "linearCross", model: new Linear(3, 2, { generator: g }), features: withCross },
      {
        name: `MLP 2-${config.hidden}-${config.hidden}-2 on (x₁, x₂)`, key: "mlp",
        model: new Sequential(new Linear(2, config.hidden, { generator: g }), new ReLU(), new Linear(config.hidden, config.hidden, { generator: g }), new ReLU(), new Linear(config.hidden, 2, { generator: g })),
        features: (x) => x,
      },
    ];
    const result: Record<string, number> = {};
    const maps: string[] = [];
    const grid = linspace(-1.1, 1.1, 45).toList();
    const gridPoints = Tensor.fromData(Float32Array.from(grid.flatMap((y) => grid.flatMap((x) => [x, y]))), [grid.length * grid.length, 2], "float32");
    for (const m of models) {
      const loss = (o: Tensor, t: Tensor) => crossEntropy(o, t);
      const trainLoader = new DataLoader(new TensorDataset(m.features(train.x), train.y), { batchSize: config.batchSize, shuffle: true, seed: opts.seed });
      await fit(m.model, {
        trainLoader, loss, optimizer: new Adam(m.model.parameters(), { lr }), epochs, metrics: { accuracy },
        callbacks: runCallbacks(opts.outDir, () => {}, { file: `metrics-${m.key}.jsonl`, progress: false }),
      });
      const testAcc = evaluate(m.model, new DataLoader(new TensorDataset(m.features(test.x), test.y), { batchSize: 500 }), { metrics: { accuracy } }).accuracy!;
      const trainAcc = evaluate(m.model, trainLoader, { metrics: { accuracy } }).accuracy!;
      result[`${m.key}TestAccuracy`] = testAcc;
      result[`${m.key}TrainAccuracy`] = trainAcc;
      opts.log(`${m.name}: train ${(trainAcc * 100).toFixed(1)} %, test ${(testAcc * 100).toFixed(1)} %`);
      // P(class 1 | x) on the grid: rows are y (bottom to top), columns x.
      const p1 = predict(m.model, m.features(gridPoints)).softmax(1).slice(1, 1, 2).toList();
      const values = grid.map((_, r) => p1.slice(r * grid.length, (r + 1) * grid.length));
      const ticks = grid.map((v, i) => (i % 11 === 0 ? v.toFixed(1) : ""));
      maps.push(heatmap({ values, title: `${m.name}: test ${(testAcc * 100).toFixed(1)} %`, origin: "lower", vmin: 0, vmax: 1, colorScale: "diverging", xLabel: "x₁", yLabel: "x₂", xTickLabels: ticks, yTickLabels: ticks, cellSize: 8 }));
    }
    const xs = test.x.toArray() as number[][], ys = test.y.toList();
    const cls = (c: number) => ({ name: c === 1 ? "x₁x₂ > 0" : "x₁x₂ < 0", x: xs.filter((_, i) => ys[i] === c).map((p) => p[0]!), y: xs.filter((_, i) => ys[i] === c).map((p) => p[1]!) });
    maps.push(scatter({ title: "test data", xLabel: "x₁", yLabel: "x₂", series: [cls(0), cls(1)], radius: 2 }));
    savePlot(join(opts.outDir, "decision-boundaries.svg"), panel(maps, { columns: 2, title: "P(x₁x₂ > 0 | x): linear vs feature cross vs MLP" }));
    return result;
  },
};
