// The training loop: fit (epochs of minibatch steps, validation, metrics, callbacks), evaluate and predict.
import { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import { cat } from "../ops/movement.js";
import { activeDevice } from "../backend/placement.js";
import type { Callback, TrainContext } from "./Callback.js";
import { isStreaming, type Metric } from "./metrics.js";
import { currentLr, type EpochLogs, type TrainableModel, type TrainableOptimizer } from "./types.js";

/** A batch as the loaders produce it: `[input, target, ...]` by default. */
export type Batch = unknown;

/** Turns a batch into the model input and the loss target; default `([x, y]) => [x, y]`. */
export type Unpack = (batch: Batch) => [Tensor, Tensor];

const defaultUnpack: Unpack = (batch) => {
  if (Array.isArray(batch) && batch[0] instanceof Tensor && batch[1] instanceof Tensor) return [batch[0], batch[1]];
  throw new Error("fit: a batch must be [input, target] tensors; pass `unpack` for other layouts");
};

/** A loader: anything iterable over batches; `length` (batches) and `setEpoch` are used when present. */
export type Loader = Iterable<Batch> & {
  readonly length?: number;
  setEpoch?(epoch: number): void;
  /** A loader that shuffles with a generator exposes its state, so checkpoints can resume exactly. */
  generatorState?(): number[] | null;
  setGeneratorState?(state: number[] | null): void;
};

/** A loss: a function (output, target) → scalar tensor, or a module whose `forward(output, target)` is one (`new nn.MSELoss()`). */
export type Loss = ((output: Tensor, target: Tensor) => Tensor) | { forward(output: Tensor, target: Tensor): Tensor };

/** The loss as a function; anything else is an error naming `op`. */
function lossFunction(loss: unknown, op: string): (output: Tensor, target: Tensor) => Tensor {
  if (typeof loss === "function") return loss as (output: Tensor, target: Tensor) => Tensor;
  if (loss !== null && typeof loss === "object" && typeof (loss as { forward?: unknown }).forward === "function") {
    const module = loss as { forward(output: Tensor, target: Tensor): Tensor };
    return (output, target) => module.forward(output, target);
  }
  throw new Error(`${op}: options.loss must be a loss function (output, target) => loss or a loss module such as new nn.CrossEntropyLoss(), got ${typeof loss}`);
}

const FIT_EXAMPLE = "fit(model, { trainLoader, loss, optimizer, epochs })";

/** Checks fit's arguments, so that a misplaced loader or a missing option is named rather than failing later. */
function checkFitArguments(options: unknown, extraArguments: number): asserts options is FitOptions {
  const isLoader = options !== null && typeof options === "object" && typeof (options as Iterable<unknown>)[Symbol.iterator] === "function";
  if (extraArguments > 0 || isLoader) throw new Error(`fit(model, options) takes the loader in its options object: ${FIT_EXAMPLE}`);
  if (options === null || typeof options !== "object") throw new Error(`fit: the second argument must be an options object, ${FIT_EXAMPLE}; got ${String(options)}`);
  const missing: [keyof FitOptions, string][] = [
    ["trainLoader", "pass a loader, e.g. new data.DataLoader(dataset, { batchSize: 32, shuffle: true })"],
    ["loss", "pass a loss function (output, target) => loss or a loss module such as new nn.CrossEntropyLoss()"],
    ["optimizer", "pass one such as new optim.SGD(model.parameters(), { lr: 0.01 })"],
    ["epochs", "pass the number of passes over the training data, e.g. epochs: 10"],
  ];
  for (const [key, hint] of missing) if ((options as Record<string, unknown>)[key] === undefined) throw new Error(`fit: options.${key} is missing; ${hint}`);
}

/**
 * Options of {@link fit}: the training (and optional validation) loader, the loss, the optimizer and the
 * number of epochs, plus metrics, callbacks, how to unpack a batch, an extra training penalty and the epoch
 * to resume at.
 */
export interface FitOptions {
  trainLoader: Loader;
  /** Evaluated after every epoch; its numbers are logged as `valLoss`, `val<Metric>`. */
  valLoader?: Loader;
  /** (output, target) → scalar loss tensor (mean over the batch), or a loss module such as `new nn.CrossEntropyLoss()`. */
  loss: Loss;
  optimizer: TrainableOptimizer;
  epochs: number;
  /** Metrics by name, logged for training (`accuracy`) and validation (`valAccuracy`). */
  metrics?: Record<string, Metric>;
  callbacks?: Callback[];
  unpack?: Unpack;
  /** Extra term added to the training loss (e.g. an L2 penalty); not part of the logged loss. */
  penalty?: () => Tensor;
  /** Resume at this epoch (epochs before it are skipped; the loader replays epoch e's order). */
  initialEpoch?: number;
}

/** Per-epoch logs, plus each logged name as a series. */
export interface History {
  epochs: EpochLogs[];
  /** `series.loss[i]` is the loss of `epochs[i]`. */
  series: Record<string, number[]>;
  /** True when a callback stopped training before `epochs`. */
  stoppedEarly: boolean;
}

function valName(name: string): string {
  return "val" + name[0]!.toUpperCase() + name.slice(1);
}

/** Accumulates sample-weighted means of function metrics and feeds streaming ones. */
class MetricAccumulator {
  private sums = new Map<string, number>();
  private count = 0;
  constructor(private readonly metrics: Record<string, Metric>) {
    for (const m of Object.values(metrics)) if (isStreaming(m)) m.reset();
  }
  add(output: Tensor, target: Tensor, loss: number | null): void {
    const n = output.shape[0] ?? 1;
    this.count += n;
    if (loss !== null) this.sums.set("loss", (this.sums.get("loss") ?? 0) + loss * n);
    for (const [name, m] of Object.entries(this.metrics)) {
      if (isStreaming(m)) m.update(output, target);
      else this.sums.set(name, (this.sums.get(name) ?? 0) + m(output, target) * n);
    }
  }
  addLoss(loss: number, n: number): void {
    this.count += n;
    this.sums.set("loss", (this.sums.get("loss") ?? 0) + loss * n);
  }
  result(): EpochLogs {
    const out: EpochLogs = {};
    for (const [name, s] of this.sums) out[name] = s / this.count;
    for (const [name, m] of Object.entries(this.metrics)) if (isStreaming(m)) out[name] = m.compute();
    return out;
  }
}

/**
 * On a device backend fit reads the losses of this many batches at once (and at the end of each epoch),
 * asynchronously: the GPU is never waited for inside a step.
 */
const LOSS_READ_INTERVAL = 16;

/** A training step whose loss (on a device) is read later. */
interface PendingStep {
  loss: Tensor;
  output: Tensor | null;
  target: Tensor;
  batchIndex: number;
  size: number;
}

/** The values of one-element tensors, read in one transfer when they live on a device. */
async function readScalars(scalars: Tensor[]): Promise<number[]> {
  const all = noGrad(() => cat(scalars.map((t) => t.reshape([1])), 0));
  return Array.from(await all.data() as ArrayLike<number>);
}

/** A host copy of a tensor (read back from its device), for metrics that read values synchronously. */
async function toHost(t: Tensor): Promise<Tensor> {
  return t.storage.device === null ? t : Tensor.fromData(await t.data(), t.shape, t.dtype);
}

function checkLossValue(loss: Tensor): number {
  if (loss.size !== 1) throw new Error(`fit: the loss must be a scalar, got shape [${loss.shape.join(", ")}]`);
  return loss.item();
}

/**
 * Trains `model` for `epochs` epochs (Keras' `fit`): each batch runs forward, loss, backward and an
 * optimizer step; after each epoch the validation loader (if any) is evaluated and callbacks run.
 *
 * ```ts
 * const history = await train.fit(model, {
 *   trainLoader, valLoader, loss: (out, y) => nn.functional.crossEntropy(out, y),
 *   optimizer: new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), epochs: 10,
 *   metrics: { accuracy: train.accuracy }, callbacks: [new train.EarlyStopping({ patience: 3 })],
 * });
 * history.series.valAccuracy;
 * ```
 * On the webgpu backend nothing in a step waits for the GPU: the losses are read asynchronously, 16
 * batches at a time and at each epoch's end, so a non-finite loss is reported up to 16 batches after
 * it happened, and `onBatchEnd` callbacks (and metrics, on host copies of the outputs) run then.
 */
export async function fit(model: TrainableModel, options: FitOptions): Promise<History> {
  checkFitArguments(options, arguments.length - 2);
  const { trainLoader, valLoader, optimizer, epochs } = options;
  const lossFn = lossFunction(options.loss, "fit");
  const metrics = options.metrics ?? {};
  const callbacks = options.callbacks ?? [];
  const unpack = options.unpack ?? defaultUnpack;
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);

  const stepsPerEpoch = trainLoader.length;
  const ctx: TrainContext = {
    model, optimizer, epochs, initialEpoch, stepsPerEpoch, stopTraining: false, trainLoader,
    globalStep: initialEpoch * (stepsPerEpoch ?? 0),
  };
  const history: History = { epochs: [], series: {}, stoppedEarly: false };
  const hasMetrics = Object.keys(metrics).length > 0;
  /** Steps whose loss lives on a device and was not read yet. */
  const pending: PendingStep[] = [];
  const drain = async (epoch: number, acc: MetricAccumulator): Promise<void> => {
    if (pending.length === 0) return;
    const steps = pending.splice(0, pending.length);
    const values = await readScalars(steps.map((s) => s.loss));
    for (let i = 0; i < steps.length; i++) {
      const { batchIndex, size, output, target } = steps[i]!;
      const lossValue = values[i]!;
      if (!Number.isFinite(lossValue)) {
        throw new Error(`fit: loss became ${lossValue} at epoch ${epoch}, batch ${batchIndex} (try a smaller learning rate; on a GPU backend this is noticed up to ${LOSS_READ_INTERVAL} batches later)`);
      }
      if (output !== null) {
        const [out, tgt] = await Promise.all([toHost(output), toHost(target)]);
        noGrad(() => acc.add(out, tgt, lossValue));
      } else {
        acc.addLoss(lossValue, size);
      }
      for (const cb of callbacks) await cb.onBatchEnd?.(batchIndex, { loss: lossValue, size }, ctx);
    }
  };
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);

  for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
    const started = Date.now();
    trainLoader.setEpoch?.(epoch);
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
    model.train();
    const acc = new MetricAccumulator(metrics);
    let batchIndex = 0;
    for (const batch of trainLoader) {
      for (const cb of callbacks) await cb.onBatchBegin?.(batchIndex, ctx);
      const [input, target] = unpack(batch);
      optimizer.zeroGrad();
      const output = model.forward(input);
      const loss = lossFn(output, target);
      if (loss.storage.device !== null) {
        // On a device the loss is not read now (that would wait for the GPU every step): it is read with
        // the next ones, and the batch's metrics and onBatchEnd callbacks follow then, in order.
        if (loss.size !== 1) throw new Error(`fit: the loss must be a scalar, got shape [${loss.shape.join(", ")}]`);
        pending.push({ loss: loss.detach(), output: hasMetrics ? output.detach() : null, target, batchIndex, size: output.shape[0] ?? 1 });
        (options.penalty ? loss.add(options.penalty()) : loss).backward();
        optimizer.step();
        ctx.globalStep++;
        batchIndex++;
        if (pending.length >= LOSS_READ_INTERVAL) await drain(epoch, acc);
        continue;
      }
      const lossValue = checkLossValue(loss);
      if (!Number.isFinite(lossValue)) {
        throw new Error(`fit: loss became ${lossValue} at epoch ${epoch}, batch ${batchIndex} (try a smaller learning rate)`);
      }
      (options.penalty ? loss.add(options.penalty()) : loss).backward();
      optimizer.step();
      ctx.globalStep++;
      noGrad(() => acc.add(output.detach(), target, lossValue));
      const size = output.shape[0] ?? 1;
      for (const cb of callbacks) await cb.onBatchEnd?.(batchIndex, { loss: lossValue, size }, ctx);
      batchIndex++;
    }
    await drain(epoch, acc);
    const logs: EpochLogs = { epoch, ...acc.result() };
    if (valLoader) {
      const val = activeDevice() === null ? evaluate(model, valLoader, { loss: lossFn, metrics, unpack }) : await evaluateOnDevice(model, valLoader, lossFn, metrics, unpack);
      for (const [name, v] of Object.entries(val)) logs[valName(name)] = v;
    }
    logs.lr = currentLr(optimizer);
    logs.seconds = (Date.now() - started) / 1000;
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
    history.epochs.push(logs);
    for (const [name, v] of Object.entries(logs)) (history.series[name] ??= []).push(v);
  }
  history.stoppedEarly = ctx.stopTraining;
  for (const cb of callbacks) await cb.onTrainEnd?.(history.epochs, ctx);
  return history;
}

/** Runs `fn` with the model in eval mode and gradients off, then restores its mode. */
function inEvalMode<T>(model: TrainableModel, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}

/** evaluate() for fit on a device backend: losses and outputs are read back asynchronously, batch by batch. */
async function evaluateOnDevice(model: TrainableModel, loader: Iterable<Batch>, lossFn: (output: Tensor, target: Tensor) => Tensor, metrics: Record<string, Metric>, unpack: Unpack): Promise<EpochLogs> {
  const wasTraining = model.training;
  model.eval();
  try {
    const acc = new MetricAccumulator(metrics);
    for (const batch of loader) {
      const [input, target] = unpack(batch);
      const [output, loss] = noGrad(() => {
        const out = model.forward(input);
        return [out, lossFn(out, target)] as const;
      });
      const [lossValue] = await readScalars([loss]);
      const [out, tgt] = await Promise.all([toHost(output), toHost(target)]);
      noGrad(() => acc.add(out, tgt, lossValue!));
    }
    return acc.result();
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Loss (when `loss` is given) and metrics of `model` over a loader, in eval mode without gradients.
 * Function metrics are sample-weighted means over batches.
 */
export function evaluate(
  model: TrainableModel,
  loader: Iterable<Batch>,
  options: { loss?: Loss; metrics?: Record<string, Metric>; unpack?: Unpack } = {},
): EpochLogs {
  const unpack = options.unpack ?? defaultUnpack;
  const lossFn = options.loss === undefined ? null : lossFunction(options.loss, "evaluate");
  return inEvalMode(model, () => {
    const acc = new MetricAccumulator(options.metrics ?? {});
    for (const batch of loader) {
      const [input, target] = unpack(batch);
      const output = model.forward(input);
      acc.add(output, target, lossFn ? checkLossValue(lossFn(output, target)) : null);
    }
    return acc.result();
  });
}

/**
 * The model's outputs for a tensor of inputs (in batches of `batchSize`, default 256) or for every
 * batch of a loader (its inputs picked by `unpack`), concatenated along dim 0, in eval mode.
 */
export function predict(model: TrainableModel, inputs: Tensor | Iterable<Batch>, options: { batchSize?: number; unpack?: Unpack } = {}): Tensor {
  return inEvalMode(model, () => {
    const outputs: Tensor[] = [];
    if (inputs instanceof Tensor) {
      const bs = options.batchSize ?? 256;
      const n = inputs.shape[0] ?? 1;
      for (let start = 0; start < n; start += bs) outputs.push(model.forward(inputs.slice(0, start, Math.min(n, start + bs))));
    } else {
      const unpack = options.unpack ?? ((b: Batch) => (Array.isArray(b) && b[0] instanceof Tensor ? [b[0], b[0]] : b instanceof Tensor ? [b, b] : defaultUnpack(b)) as [Tensor, Tensor]);
      for (const batch of inputs) outputs.push(model.forward(unpack(batch)[0]));
    }
    if (outputs.length === 0) throw new Error("predict: no inputs");
    return outputs.length === 1 ? outputs[0]! : cat(outputs, 0);
  });
}
