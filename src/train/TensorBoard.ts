// TensorBoard callback: fit()'s logs as TensorBoard scalars (train and validation runs), optionally per batch and weight histograms.
import { SummaryWriter } from "../tensorboard/SummaryWriter.js";
import type { BatchLogs, Callback, TrainContext } from "./Callback.js";
import type { EpochLogs } from "./types.js";

/**
 * Options of the {@link TensorBoard} callback: the log folder, how often to log scalars (per epoch, per batch
 * or every n batches) and how often to log weight histograms.
 */
export interface TensorBoardOptions {
  /** Folder of the runs (default "logs", as Keras): event files go to `<logDir>/train` and `<logDir>/validation`. */
  logDir?: string;
  /**
   * "epoch" (default): the epoch logs after each epoch; "batch": also each batch's loss; a number n:
   * the loss of every n-th batch. Batch points are at the global step (0-based batch count).
   */
  updateFreq?: "epoch" | "batch" | number;
  /** Every this many epochs, a histogram of each `stateDict()` tensor (0, the default: never). */
  histogramFreq?: number;
}

/** `valLoss` → `loss`, `valAccuracy` → `accuracy`: the validation run's name for a logged value, or null. */
function validationName(name: string): string | null {
  const m = /^val([A-Z].*)$/.exec(name);
  return m ? m[1]![0]!.toLowerCase() + m[1]!.slice(1) : null;
}

/**
 * Writes what fit() logs to TensorBoard, laid out as Keras' TensorBoard callback does: training
 * numbers (`loss`, metrics, `lr`, `seconds`) as `epoch_<name>` in the run `<logDir>/train`,
 * validation numbers (`valLoss`, `val<Metric>`) under the same tag in `<logDir>/validation`, so
 * each chart shows both curves. Step = epoch. Events are flushed after every epoch.
 *
 * ```ts
 * await train.fit(model, { ..., callbacks: [new train.TensorBoard({ logDir: "runs/mlp" })] });
 * // tensorboard --logdir runs
 * ```
 */
export class TensorBoard implements Callback {
  readonly logDir: string;
  readonly updateFreq: "epoch" | "batch" | number;
  readonly histogramFreq: number;
  private trainWriter: SummaryWriter | null = null;
  private valWriter: SummaryWriter | null = null;

  constructor(options: TensorBoardOptions = {}) {
    this.logDir = options.logDir ?? "logs";
    if (typeof this.logDir !== "string" || this.logDir.length === 0) throw new Error(`TensorBoard: logDir must be a non-empty string, got ${JSON.stringify(options.logDir)}`);
    this.updateFreq = options.updateFreq ?? "epoch";
    const f = this.updateFreq;
    if (f !== "epoch" && f !== "batch" && !(typeof f === "number" && Number.isSafeInteger(f) && f >= 1)) {
      throw new Error(`TensorBoard: updateFreq must be "epoch", "batch" or a positive integer, got ${JSON.stringify(f)}`);
    }
    this.histogramFreq = options.histogramFreq ?? 0;
    if (!Number.isSafeInteger(this.histogramFreq) || this.histogramFreq < 0) throw new Error(`TensorBoard: histogramFreq must be a non-negative integer, got ${this.histogramFreq}`);
  }

  /** The training run's writer (opened on first use). */
  private train(): SummaryWriter {
    return (this.trainWriter ??= new SummaryWriter(`${this.logDir}/train`));
  }

  private validation(): SummaryWriter {
    return (this.valWriter ??= new SummaryWriter(`${this.logDir}/validation`));
  }

  onTrainBegin(): void {
    this.train();
  }

  onBatchEnd(_batch: number, logs: BatchLogs, ctx: TrainContext): void {
    if (this.updateFreq === "epoch") return;
    const step = ctx.globalStep - 1; // fit has counted this batch's step already
    const every = this.updateFreq === "batch" ? 1 : this.updateFreq;
    if (step % every === 0) this.train().addScalar("batch_loss", logs.loss, step);
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    for (const [name, value] of Object.entries(logs)) {
      if (name === "epoch") continue;
      const val = validationName(name);
      if (val !== null) this.validation().addScalar(`epoch_${val}`, value, epoch);
      else this.train().addScalar(`epoch_${name}`, value, epoch);
    }
    if (this.histogramFreq > 0 && (epoch + 1) % this.histogramFreq === 0) {
      for (const [name, t] of Object.entries(ctx.model.stateDict())) {
        if (t.size > 0 && (t.dtype === "float32" || t.dtype === "float64")) this.train().addHistogram(name, t, epoch);
      }
    }
    this.trainWriter?.flush();
    this.valWriter?.flush();
  }

  onTrainEnd(): void {
    this.trainWriter?.close();
    this.valWriter?.close();
    this.trainWriter = this.valWriter = null;
  }
}
