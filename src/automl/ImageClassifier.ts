// AutoKeras-style image classification (Jin, Song & Hu 2019; the course's AutoKeras tutorial): search
// CNN architectures and training settings on a validation split by random search or Hyperband, then
// retrain the best on all the training data. fit / predict / evaluate / exportModel as AutoKeras.
import { Tensor } from "../tensor/Tensor.js";
import { tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { Sequential, type TensorModule } from "../nn/containers.js";
import { Conv2d } from "../nn/Conv.js";
import { Linear } from "../nn/Linear.js";
import { ReLU } from "../nn/activations.js";
import { MaxPool2d } from "../nn/pooling.js";
import { BatchNorm2d } from "../nn/BatchNorm.js";
import { Dropout } from "../nn/Dropout.js";
import { Flatten } from "../nn/Flatten.js";
import { crossEntropy } from "../nn/functional/losses.js";
import { Adam } from "../optim/Adam.js";
import { AdamW } from "../optim/AdamW.js";
import { SGD } from "../optim/SGD.js";
import type { Optimizer } from "../optim/Optimizer.js";
import { Generator } from "../random/Generator.js";
import { noGrad } from "../autograd/engine.js";
import { BasicBlock } from "../vision/models/ResNet.js";
import { describe as describeValue } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { hyperbandSchedule } from "./hyperband.js";

/** The choices the search draws from, one list per hyperparameter (AutoKeras's `ImageBlock` space, small). */
export interface ImageSearchSpace {
  /** "vanilla": conv–ReLU–conv–ReLU–max-pool–dropout; "resnet": a residual BasicBlock (with batch norm) and max-pool. */
  block: ("vanilla" | "resnet")[];
  /** Convolution blocks in a row (each halves the image with a 2×2 max-pool while it is ≥ 2 pixels). */
  numBlocks: number[];
  /** Channels of the first block; each further block doubles them. */
  filters: number[];
  kernelSize: number[];
  /** Dropout after each vanilla block and before the dense layer. */
  dropout: number[];
  /** Units of the hidden dense layer before the classifier (0: none). */
  denseUnits: number[];
  optimizer: ("adam" | "adamw" | "sgd")[];
  learningRate: number[];
}

/** The default search space. */
export const defaultImageSearchSpace: ImageSearchSpace = {
  block: ["vanilla", "resnet"],
  numBlocks: [1, 2],
  filters: [16, 32],
  kernelSize: [3, 5],
  dropout: [0, 0.25, 0.5],
  denseUnits: [0, 64, 128],
  optimizer: ["adam", "adamw", "sgd"],
  learningRate: [3e-3, 1e-3, 3e-4],
};

/** One point of an {@link ImageSearchSpace}. */
export interface ImageHyperParameters {
  block: "vanilla" | "resnet";
  numBlocks: number;
  filters: number;
  kernelSize: number;
  dropout: number;
  denseUnits: number;
  optimizer: "adam" | "adamw" | "sgd";
  learningRate: number;
}

/** One trained configuration of the search. */
export interface Trial {
  /** 0, 1, 2, … in the order the trials were started. */
  id: number;
  hyperParameters: ImageHyperParameters;
  /** Epochs it was trained for. */
  epochs: number;
  /** The best validation accuracy over its epochs, and the epoch (1-based) that reached it. */
  valAccuracy: number;
  bestEpoch: number;
  /** Validation loss at the last epoch. */
  valLoss: number;
  seconds: number;
  /** Hyperband bracket s (null for random search). */
  bracket: number | null;
}

/** Options of {@link ImageClassifier}. */
export interface ImageClassifierOptions {
  /** Most configurations to try (default 10). */
  maxTrials?: number;
  /** "random" (default) or "hyperband" (Li et al. 2017, factor 3, most `epochs` per configuration). */
  tuner?: "random" | "hyperband";
  /** Fraction of the training data held out, taken from its end as AutoKeras does (default 0.2). */
  validationSplit?: number;
  /** Number of classes (default: the largest label + 1). */
  numClasses?: number;
  /** Seed of every random choice (search, initialization, shuffling); same seed, same search. */
  seed?: number;
  searchSpace?: Partial<ImageSearchSpace>;
  /** After the search, retrain the best configuration on all the training data for its best epoch count (default true). */
  refit?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Options of {@link ImageClassifier.fit}. */
export interface ImageClassifierFitOptions {
  /** Epochs per trial for random search; Hyperband's largest budget R (default 10). */
  epochs?: number;
  batchSize?: number;
}

const pick = <T>(g: Generator, list: readonly T[]): T => list[g.randint(0, list.length)]!;

/**
 * The network of a configuration for images `inputShape` = [C, H, W]: `numBlocks` blocks of `filters`·2^i
 * channels, each followed by a 2×2 max-pool while the image is at least 2 pixels high and wide, then
 * flatten, dropout, an optional hidden dense layer with ReLU, and a linear classifier.
 */
export function buildImageModel(hp: ImageHyperParameters, inputShape: readonly number[], numClasses: number, generator: Generator): Sequential {
  const [c0, h0, w0] = inputShape as [number, number, number];
  const layers: TensorModule[] = [];
  let c = c0, h = h0, w = w0;
  for (let b = 0; b < hp.numBlocks; b++) {
    const out = hp.filters * 2 ** b;
    if (hp.block === "vanilla") {
      const pad = (hp.kernelSize - 1) / 2;
      layers.push(new Conv2d(c, out, hp.kernelSize, { padding: pad, generator }), new ReLU(), new Conv2d(out, out, hp.kernelSize, { padding: pad, generator }), new ReLU());
    } else {
      const downsample = c !== out ? new Sequential(new Conv2d(c, out, 1, { bias: false, generator }), new BatchNorm2d(out)) : null;
      layers.push(new BasicBlock(c, out, { stride: 1, downsample, dtype: "float32", generator }));
    }
    c = out;
    if (h >= 2 && w >= 2) {
      layers.push(new MaxPool2d(2));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
    if (hp.block === "vanilla" && hp.dropout > 0) layers.push(new Dropout(hp.dropout, { generator }));
  }
  layers.push(new Flatten());
  let features = c * h * w;
  if (hp.dropout > 0) layers.push(new Dropout(hp.dropout, { generator }));
  if (hp.denseUnits > 0) {
    layers.push(new Linear(features, hp.denseUnits, { generator }), new ReLU());
    features = hp.denseUnits;
  }
  layers.push(new Linear(features, numClasses, { generator }));
  return new Sequential(...layers);
}

function makeOptimizer(hp: ImageHyperParameters, model: Sequential): Optimizer<never, never> {
  const params = model.parameters();
  const opt = hp.optimizer === "adam" ? new Adam(params, { lr: hp.learningRate })
    : hp.optimizer === "adamw" ? new AdamW(params, { lr: hp.learningRate, weightDecay: 1e-2 })
    : new SGD(params, { lr: hp.learningRate * 10, momentum: 0.9 }); // SGD wants a larger step than the adaptive methods
  return opt as unknown as Optimizer<never, never>;
}

/** A configuration being trained: its model, optimizer and record. */
interface Candidate {
  model: Sequential;
  optimizer: Optimizer<never, never>;
  trial: Trial;
  /** Shuffling state: one generator per candidate, so a continued candidate shuffles as a fresh run would. */
  shuffle: Generator;
}

/**
 * Searches CNNs for an image classification task, AutoKeras's `ImageClassifier` in TypeScript:
 * `fit(x, y)` holds out the last `validationSplit` of the data, tries up to `maxTrials` configurations
 * of the search space (random search, or Hyperband's successive halving), keeps every trial's record
 * (`trials`, `trialsTable()`), and by default retrains the best configuration on all the data;
 * `predict`, `evaluate` and `exportModel` then use that model.
 * ```ts
 * const clf = new automl.ImageClassifier({ maxTrials: 5, tuner: "hyperband", seed: 0 });
 * await clf.fit(xTrain, yTrain, { epochs: 9 });
 * clf.evaluate(xTest, yTest).accuracy;
 * ```
 */
export class ImageClassifier {
  /** Every trial, in the order they were started. */
  readonly trials: Trial[] = [];
  private readonly options: Required<Omit<ImageClassifierOptions, "numClasses" | "searchSpace" | "log">> & Pick<ImageClassifierOptions, "numClasses" | "log">;
  private readonly space: ImageSearchSpace;
  private model: Sequential | null = null;
  private best: Trial | null = null;
  private numClasses = 0;
  private inputShape: number[] = [];

  constructor(options: ImageClassifierOptions = {}) {
    const op = "ImageClassifier";
    const maxTrials = options.maxTrials ?? 10;
    if (!Number.isInteger(maxTrials) || maxTrials < 1) throw new Error(`${op}: maxTrials must be a whole number ≥ 1, got ${describeValue(maxTrials)}`);
    const validationSplit = options.validationSplit ?? 0.2;
    if (!(validationSplit > 0 && validationSplit < 1)) throw new Error(`${op}: validationSplit must be in (0, 1), got ${describeValue(validationSplit)}`);
    const tuner = options.tuner ?? "random";
    if (tuner !== "random" && tuner !== "hyperband") throw new Error(`${op}: tuner must be "random" or "hyperband", got ${describeValue(tuner)}`);
    this.options = { maxTrials, validationSplit, tuner, seed: options.seed ?? 0, refit: options.refit ?? true, numClasses: options.numClasses, log: options.log };
    this.space = { ...defaultImageSearchSpace, ...(options.searchSpace ?? {}) };
    for (const [key, list] of Object.entries(this.space)) {
      if (!Array.isArray(list) || list.length === 0) throw new Error(`${op}: searchSpace.${key} must be a non-empty list of choices, got ${describeValue(list)}`);
    }
  }

  /** The best trial of the search (highest validation accuracy; the earlier on ties). */
  get bestTrial(): Trial {
    if (this.best === null) throw new Error("ImageClassifier.bestTrial: call fit(x, y) first");
    return this.best;
  }

  /**
   * Runs the search on images `x` (N, C, H, W) with integer labels `y` (N) and returns the trials. The
   * last ⌈validationSplit·N⌉ images are the validation split; trials are compared by validation accuracy.
   */
  async fit(x: Tensor, y: Tensor, options: ImageClassifierFitOptions = {}): Promise<Trial[]> {
    const op = "ImageClassifier.fit";
    if (!(x instanceof Tensor) || x.ndim !== 4) throw new Error(`${op}: x must be an (N, C, H, W) image tensor, got ${x instanceof Tensor ? fmtShape(x.shape) : describeValue(x)}`);
    if (!(y instanceof Tensor) || y.ndim !== 1 || y.shape[0] !== x.shape[0]) {
      throw new Error(`${op}: y must hold one integer label per image (${x.shape[0]}), got ${y instanceof Tensor ? fmtShape(y.shape) : describeValue(y)}`);
    }
    const labels = y.toList();
    if (!labels.every((l) => Number.isInteger(l) && l >= 0)) throw new Error(`${op}: labels must be whole numbers ≥ 0`);
    const epochs = options.epochs ?? 10, batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`${op}: epochs must be a whole number ≥ 1, got ${describeValue(epochs)}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${op}: batchSize must be a whole number ≥ 1, got ${describeValue(batchSize)}`);
    this.numClasses = this.options.numClasses ?? Math.max(...labels) + 1;
    if (Math.max(...labels) >= this.numClasses) throw new Error(`${op}: label ${Math.max(...labels)} is out of range for numClasses ${this.numClasses}`);
    this.inputShape = x.shape.slice(1);
    const n = x.shape[0]!;
    const nVal = Math.ceil(this.options.validationSplit * n);
    if (nVal >= n) throw new Error(`${op}: validationSplit ${this.options.validationSplit} leaves no training images out of ${n}`);
    const xf = x.to("float32"), yi = y.to("int32");
    const train = { x: xf.narrow(0, 0, n - nVal), y: yi.narrow(0, 0, n - nVal) };
    const val = { x: xf.narrow(0, n - nVal, nVal), y: yi.narrow(0, n - nVal, nVal) };
    const search = new Generator(this.options.seed);
    this.trials.length = 0;

    const start = (bracket: number | null): Candidate => {
      const hp: ImageHyperParameters = {
        block: pick(search, this.space.block), numBlocks: pick(search, this.space.numBlocks), filters: pick(search, this.space.filters),
        kernelSize: pick(search, this.space.kernelSize), dropout: pick(search, this.space.dropout), denseUnits: pick(search, this.space.denseUnits),
        optimizer: pick(search, this.space.optimizer), learningRate: pick(search, this.space.learningRate),
      };
      const id = this.trials.length;
      const model = buildImageModel(hp, this.inputShape, this.numClasses, new Generator(this.options.seed * 1000 + id + 1));
      const trial: Trial = { id, hyperParameters: hp, epochs: 0, valAccuracy: 0, bestEpoch: 0, valLoss: Number.NaN, seconds: 0, bracket };
      this.trials.push(trial);
      return { model, optimizer: makeOptimizer(hp, model), trial, shuffle: new Generator(this.options.seed * 7919 + id) };
    };
    const log = (t: Trial) => this.options.log?.(`trial ${t.id}${t.bracket === null ? "" : ` (bracket ${t.bracket})`}: ${JSON.stringify(t.hyperParameters)} → val accuracy ${(t.valAccuracy * 100).toFixed(2)} % after ${t.epochs} epochs`);

    if (this.options.tuner === "random") {
      for (let i = 0; i < this.options.maxTrials; i++) {
        const c = start(null);
        this.trainTo(c, epochs, train, val, batchSize);
        log(c.trial);
      }
    } else {
      // Hyperband: brackets in the paper's order, each run by successive halving; a configuration that
      // survives a round continues training from where it stopped (as Keras Tuner does).
      // Like Keras Tuner's Hyperband oracle, the brackets repeat (Hyperband iterations) until maxTrials.
      const schedule = hyperbandSchedule(epochs, 3);
      const repeated = function* () { for (;;) yield* schedule; };
      outer: for (const { s, rounds } of repeated()) {
        let alive: Candidate[] = [];
        for (let k = 0; k < rounds[0]!.configs; k++) {
          if (this.trials.length >= this.options.maxTrials) break;
          alive.push(start(s));
        }
        if (alive.length === 0) break outer;
        for (let i = 0; i < rounds.length; i++) {
          for (const c of alive) this.trainTo(c, rounds[i]!.epochs, train, val, batchSize);
          if (i === rounds.length - 1) break;
          const keep = Math.max(1, Math.floor(alive.length / 3));
          alive = [...alive].sort((a, b) => b.trial.valAccuracy - a.trial.valAccuracy || a.trial.id - b.trial.id).slice(0, keep);
        }
        for (const c of alive) log(c.trial);
      }
    }
    this.best = [...this.trials].sort((a, b) => b.valAccuracy - a.valAccuracy || a.id - b.id)[0]!;
    const best = this.best;
    this.options.log?.(`best: trial ${best.id}, val accuracy ${(best.valAccuracy * 100).toFixed(2)} % at epoch ${best.bestEpoch}`);
    // The final model: the best configuration retrained on all the data for its best number of epochs.
    const finalModel = buildImageModel(best.hyperParameters, this.inputShape, this.numClasses, new Generator(this.options.seed * 1000 + best.id + 1));
    if (this.options.refit) {
      const final: Candidate = { model: finalModel, optimizer: makeOptimizer(best.hyperParameters, finalModel), trial: { ...best, epochs: 0 }, shuffle: new Generator(this.options.seed * 7919 + best.id) };
      this.trainTo(final, best.bestEpoch, { x: xf, y: yi }, null, batchSize);
      this.model = final.model;
    } else {
      const again: Candidate = { model: finalModel, optimizer: makeOptimizer(best.hyperParameters, finalModel), trial: { ...best, epochs: 0 }, shuffle: new Generator(this.options.seed * 7919 + best.id) };
      this.trainTo(again, best.bestEpoch, train, null, batchSize);
      this.model = again.model;
    }
    this.model.eval();
    return this.trials;
  }

  /** Trains a candidate up to `epochs` epochs in total, scoring it on `val` after each epoch. */
  private trainTo(c: Candidate, epochs: number, train: { x: Tensor; y: Tensor }, val: { x: Tensor; y: Tensor } | null, batchSize: number): void {
    const n = train.x.shape[0]!;
    while (c.trial.epochs < epochs) {
      const t0 = performance.now();
      c.model.train();
      const order = c.shuffle.permutation(n);
      for (let i = 0; i < n; i += batchSize) {
        const idx = tensor(order.slice(i, i + batchSize), { dtype: "int32" });
        const loss = crossEntropy(c.model.call(train.x.indexSelect(0, idx)), train.y.indexSelect(0, idx));
        c.optimizer.zeroGrad();
        loss.backward();
        c.optimizer.step();
      }
      c.trial.epochs++;
      if (val !== null) {
        const { loss, accuracy } = scoreModel(c.model, val.x, val.y);
        c.trial.valLoss = loss;
        if (accuracy > c.trial.valAccuracy || c.trial.bestEpoch === 0) {
          c.trial.valAccuracy = accuracy;
          c.trial.bestEpoch = c.trial.epochs;
        }
      }
      c.trial.seconds += (performance.now() - t0) / 1000;
    }
  }

  private fitted(op: string): Sequential {
    if (this.model === null) throw new Error(`ImageClassifier.${op}: call fit(x, y) first`);
    return this.model;
  }

  private checkImages(op: string, x: Tensor): void {
    if (!(x instanceof Tensor) || x.ndim !== 4 || fmtShape(x.shape.slice(1)) !== fmtShape(this.inputShape)) {
      throw new Error(`ImageClassifier.${op}: x must be (N, ${this.inputShape.join(", ")}) images like the training data, got ${x instanceof Tensor ? fmtShape(x.shape) : describeValue(x)}`);
    }
  }

  /** The predicted class of each image of `x` (N, C, H, W), as int32 (N). */
  predict(x: Tensor): Tensor {
    const model = this.fitted("predict");
    this.checkImages("predict", x);
    return noGrad(() => batched(model, x.to("float32")).argmax(1).to("int32"));
  }

  /** Mean cross-entropy and accuracy of the final model on `x`, `y`. */
  evaluate(x: Tensor, y: Tensor): { loss: number; accuracy: number } {
    const model = this.fitted("evaluate");
    this.checkImages("evaluate", x);
    if (!(y instanceof Tensor) || y.ndim !== 1 || y.shape[0] !== x.shape[0]) throw new Error(`ImageClassifier.evaluate: y must hold one label per image (${x.shape[0]}), got ${y instanceof Tensor ? fmtShape(y.shape) : describeValue(y)}`);
    return scoreModel(model, x.to("float32"), y.to("int32"));
  }

  /** The final network (an `nn.Sequential` in eval mode), to save or keep training (AutoKeras's `export_model`). */
  exportModel(): Sequential {
    return this.fitted("exportModel");
  }

  /** The trials as a Markdown table (id, bracket, hyperparameters, epochs, best epoch, validation accuracy and loss, seconds). */
  trialsTable(): string {
    const head = "| trial | bracket | block | blocks | filters | kernel | dropout | dense | optimizer | lr | epochs | best epoch | val accuracy | val loss | seconds |";
    const rule = `|${"---|".repeat(15)}`;
    const rows = this.trials.map((t) => {
      const h = t.hyperParameters;
      return `| ${t.id} | ${t.bracket ?? "–"} | ${h.block} | ${h.numBlocks} | ${h.filters} | ${h.kernelSize} | ${h.dropout} | ${h.denseUnits} | ${h.optimizer} | ${h.learningRate} | ${t.epochs} | ${t.bestEpoch} | ${(t.valAccuracy * 100).toFixed(2)} % | ${t.valLoss.toFixed(4)} | ${t.seconds.toFixed(1)} |`;
    });
    return [head, rule, ...rows].join("\n") + "\n";
  }
}

/** Logits for `x` in batches of 500 (no gradients). */
function batched(model: Sequential, x: Tensor): Tensor {
  const outs: Tensor[] = [];
  for (let i = 0; i < x.shape[0]!; i += 500) outs.push(model.call(x.narrow(0, i, Math.min(500, x.shape[0]! - i))));
  return outs.length === 1 ? outs[0]! : cat(outs, 0);
}

/** Cross-entropy and accuracy of `model` (put in eval mode) on `x`, `y`. */
function scoreModel(model: Sequential, x: Tensor, y: Tensor): { loss: number; accuracy: number } {
  model.eval();
  return noGrad(() => {
    const logits = batched(model, x);
    const loss = crossEntropy(logits, y).item() as number;
    const pred = logits.argmax(1).toList(), labels = y.toList();
    return { loss, accuracy: pred.filter((p, i) => p === labels[i]).length / labels.length };
  });
}
