// Learning-rate callbacks: step a schedule per epoch or per batch, and ReduceLROnPlateau on a monitored metric.
import type { Callback, TrainContext } from "./Callback.js";
import { autoMode, currentLr, setLr, type EpochLogs } from "./types.js";

/** A schedule `(step) => lr` (optim's schedules), or a stateful scheduler with `step()` (PyTorch style). */
export type Schedule = ((step: number) => number) | { step(): void };

/**
 * Steps a learning-rate schedule. With `interval: "epoch"` (default) a function schedule is
 * evaluated at the start of each epoch with the epoch index; with `"batch"` before each batch with
 * the global step. A scheduler object has its `step()` called after each epoch (or batch), as in
 * PyTorch's `scheduler.step()` after `optimizer.step()`.
 */
export class LearningRateScheduler implements Callback {
  readonly interval: "epoch" | "batch";
  constructor(
    readonly schedule: Schedule,
    options: { interval?: "epoch" | "batch" } = {},
  ) {
    this.interval = options.interval ?? "epoch";
  }
  onEpochBegin(epoch: number, ctx: TrainContext): void {
    if (this.interval === "epoch" && typeof this.schedule === "function") setLr(ctx.optimizer, this.schedule(epoch));
  }
  onBatchBegin(_batch: number, ctx: TrainContext): void {
    if (this.interval === "batch" && typeof this.schedule === "function") setLr(ctx.optimizer, this.schedule(ctx.globalStep));
  }
  onBatchEnd(): void {
    if (this.interval === "batch" && typeof this.schedule !== "function") this.schedule.step();
  }
  onEpochEnd(): void {
    if (this.interval === "epoch" && typeof this.schedule !== "function") this.schedule.step();
  }
}

/**
 * Options of the {@link ReduceLROnPlateau} callback (Keras's arguments in camelCase): the logged value to
 * watch and its direction, the reduction factor, patience, the minimal improvement, cooldown and the minimum
 * learning rate.
 */
export interface ReduceLROnPlateauOptions {
  /** Logged name to watch (default "valLoss"). */
  monitor?: string;
  mode?: "min" | "max" | "auto";
  /** New lr = lr · factor (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Improvement must exceed this absolute amount (default 0). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the learning rate (default 0). */
  minLr?: number;
}

/**
 * Multiplies the learning rate by `factor` when `monitor` has not improved for more than `patience`
 * epochs (PyTorch's `ReduceLROnPlateau` with threshold_mode="abs": reduce when the count of bad
 * epochs exceeds `patience`, then reset it and wait `cooldown` epochs).
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  best = Number.NaN;
  private badEpochs = 0;
  private cooldownLeft = 0;
  /** Epochs at which the learning rate was reduced. */
  readonly reductions: number[] = [];

  constructor(options: ReduceLROnPlateauOptions = {}) {
    this.monitor = options.monitor ?? "valLoss";
    this.mode = !options.mode || options.mode === "auto" ? autoMode(this.monitor) : options.mode;
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.minDelta = options.minDelta ?? 0;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    if (!(this.factor > 0 && this.factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}`);
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const value = logs[this.monitor];
    if (value === undefined) throw new Error(`ReduceLROnPlateau: monitored "${this.monitor}" is not logged (available: ${Object.keys(logs).join(", ")})`);
    const better = Number.isNaN(this.best) || (this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (better) {
      this.best = value;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.patience) {
      const lr = currentLr(ctx.optimizer);
      const next = Math.max(lr * this.factor, this.minLr);
      if (next < lr) {
        setLr(ctx.optimizer, next);
        this.reductions.push(epoch);
      }
      this.cooldownLeft = this.cooldown;
      this.badEpochs = 0;
    }
  }
}
