// Callback hooks of fit(): the events and the context a callback sees and can act on.
import type { Loader } from "./fit.js";
import type { EpochLogs, TrainableModel, TrainableOptimizer } from "./types.js";

/** What fit() shares with its callbacks; a callback stops training by setting `stopTraining`. */
export interface TrainContext {
  model: TrainableModel;
  optimizer: TrainableOptimizer;
  /** Total epochs requested. */
  epochs: number;
  /** The first epoch of this call (non-zero when resuming). */
  initialEpoch: number;
  /** Batches per epoch, when the loader knows it. */
  stepsPerEpoch: number | undefined;
  /** Optimizer steps taken so far, counting from `initialEpoch · stepsPerEpoch` when resuming. */
  globalStep: number;
  /** Set to true to end training after the current epoch. */
  stopTraining: boolean;
  /** The training loader (its shuffling generator is part of an exact checkpoint). */
  trainLoader?: Loader;
}

/** Per-batch numbers: the batch's mean loss and its number of samples. */
export interface BatchLogs {
  loss: number;
  size: number;
}

/**
 * Hooks called by fit(), Keras style; each may be async. Order per epoch: onEpochBegin, then for each
 * batch onBatchBegin / (forward, backward, step) / onBatchEnd, then validation, then onEpochEnd.
 */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): void | Promise<void>;
  onBatchBegin?(batch: number, ctx: TrainContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs, ctx: TrainContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainContext): void | Promise<void>;
  onTrainEnd?(logs: EpochLogs[], ctx: TrainContext): void | Promise<void>;
}
