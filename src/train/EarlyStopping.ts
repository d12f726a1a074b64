// EarlyStopping: ends training when a monitored number stops improving, optionally restoring the best weights.
import type { Tensor } from "../tensor/Tensor.js";
import type { Callback, TrainContext } from "./Callback.js";
import { autoMode, type EpochLogs } from "./types.js";

/**
 * Options of the {@link EarlyStopping} callback (Keras's arguments in camelCase): the logged value to watch
 * and its direction, patience, the minimal improvement and whether to restore the best weights.
 */
export interface EarlyStoppingOptions {
  /** Logged name to watch (default "valLoss"). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 0: stop at the first). */
  patience?: number;
  /** "min", "max" or "auto" (max for accuracy-like names; default). */
  mode?: "min" | "max" | "auto";
  /** An improvement must beat the best by more than this (default 0). */
  minDelta?: number;
  /** At the end of training, load the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Early stopping as a regularizer (Goodfellow, Bengio & Courville, *Deep Learning*, §7.8,
 * https://www.deeplearningbook.org/contents/regularization.html): keep the parameters of the epoch
 * with the best validation score, stop after `patience` epochs without improvement. Semantics of
 * Keras' `EarlyStopping`: stop once `wait ≥ patience`, where `wait` counts epochs since the best.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly mode: "min" | "max";
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  best = Number.NaN;
  bestEpoch = -1;
  /** The epoch after which training stopped, or -1. */
  stoppedEpoch = -1;
  private wait = 0;
  private bestWeights: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? "valLoss";
    this.patience = options.patience ?? 0;
    this.mode = !options.mode || options.mode === "auto" ? autoMode(this.monitor) : options.mode;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`EarlyStopping: patience must be a non-negative integer, got ${this.patience}`);
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
    this.bestWeights = null;
  }

  private improved(value: number): boolean {
    if (Number.isNaN(this.best)) return true;
    return this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(`EarlyStopping: monitored "${this.monitor}" is not logged (available: ${Object.keys(logs).join(", ")})`);
    }
    if (this.improved(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.bestWeights = Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, t.clone()]));
      }
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainEnd(_logs: EpochLogs[], ctx: TrainContext): void {
    if (this.restoreBestWeights && this.bestWeights) ctx.model.loadStateDict(this.bestWeights);
  }
}
