// ModelCheckpoint: saves weights, optimizer state and the epoch after each epoch, or only on improvement.
import type { Tensor } from "../tensor/Tensor.js";
import { saveCheckpoint, type Checkpoint } from "../io/checkpoint.js";
import type { StateValue } from "../io/stateJson.js";
import type { Callback, TrainContext } from "./Callback.js";
import { autoMode, type EpochLogs, type TrainableModel, type TrainableOptimizer } from "./types.js";
import { captureRng, restoreRng, type RngState } from "./rng.js";
import type { Loader } from "./fit.js";

/**
 * Options of the {@link ModelCheckpoint} callback: where to save, whether only on improvement of a monitored
 * value, whether to include the optimizer state, model config for the sidecar, and the writer to use.
 */
export interface ModelCheckpointOptions {
  /** Where to write; `{epoch}` is replaced by the epoch number. A `.json` sidecar goes next to it. */
  path: string;
  /** Save only when `monitor` improves (default false: every epoch). */
  bestOnly?: boolean;
  /** Logged name compared when `bestOnly` (default "valLoss"). */
  monitor?: string;
  mode?: "min" | "max" | "auto";
  /** Also save `optimizer.stateDict()` in the sidecar, for exact resumption (default true). */
  saveOptimizer?: boolean;
  /** Model hyper-parameters stored in the sidecar's `config`. */
  config?: StateValue;
  /**
   * Writes the checkpoint; default `io.saveCheckpoint` (Node, atomic for weights and sidecar together).
   * Pass your own in a browser, e.g. one that stores the two files of `io.serializeCheckpoint(checkpoint)`.
   */
  save?: (path: string, checkpoint: Checkpoint) => Promise<void> | void;
}

/**
 * Saves `model.stateDict()` (safetensors) and a JSON sidecar with the optimizer state and
 * `extra: { epoch, logs, rng }`, where `epoch` is the epoch just finished and `rng` every generator's
 * state; resume with `train.resume` (weights, optimizer, generators) and
 * `fit(..., { initialEpoch })`.
 */
export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly bestOnly: boolean;
  readonly monitor: string;
  readonly mode: "min" | "max";
  private readonly options: ModelCheckpointOptions;
  best = Number.NaN;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(options: ModelCheckpointOptions) {
    this.options = options;
    this.path = options.path;
    this.bestOnly = options.bestOnly ?? false;
    this.monitor = options.monitor ?? "valLoss";
    this.mode = !options.mode || options.mode === "auto" ? autoMode(this.monitor) : options.mode;
  }

  async onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): Promise<void> {
    if (this.bestOnly) {
      const value = logs[this.monitor];
      if (value === undefined) throw new Error(`ModelCheckpoint: monitored "${this.monitor}" is not logged (available: ${Object.keys(logs).join(", ")})`);
      const better = Number.isNaN(this.best) || (this.mode === "min" ? value < this.best : value > this.best);
      if (!better) return;
      this.best = value;
    }
    const path = this.path.replaceAll("{epoch}", String(epoch));
    const stateDict: Record<string, Tensor> = ctx.model.stateDict();
    const checkpoint: Checkpoint = {
      stateDict,
      config: this.options.config ?? null,
      optimizer: this.options.saveOptimizer === false ? null : (ctx.optimizer.stateDict() as StateValue),
      // Every generator's state too: a resumed run with dropout and shuffling is then bit-identical.
      extra: { epoch, logs, rng: captureRng({ model: ctx.model, trainLoader: ctx.trainLoader }) as unknown as StateValue },
    };
    await (this.options.save ?? saveCheckpoint)(path, checkpoint);
    this.saved.push(path);
  }
}

/**
 * Puts a run back where a `ModelCheckpoint` left it — weights, optimizer state and every random
 * generator (global, the model's, the train loader's) — and returns the epoch to continue from:
 * ```ts
 * const initialEpoch = train.resume(await io.loadCheckpoint("ckpt.safetensors"), { model, optimizer, trainLoader });
 * await train.fit(model, { trainLoader, optimizer, loss, epochs: 10, initialEpoch });
 * ```
 */
export function resume(checkpoint: Checkpoint, parts: { model: TrainableModel; optimizer?: TrainableOptimizer; trainLoader?: Loader }): number {
  const extra = checkpoint.extra as { epoch?: unknown; rng?: unknown } | null | undefined;
  if (!extra || typeof extra.epoch !== "number" || !Number.isInteger(extra.epoch)) {
    throw new Error("resume: the checkpoint has no extra.epoch (was it written by ModelCheckpoint?)");
  }
  parts.model.loadStateDict(checkpoint.stateDict);
  if (parts.optimizer) {
    if (!checkpoint.optimizer) throw new Error("resume: the checkpoint holds no optimizer state (saved with saveOptimizer: false?)");
    (parts.optimizer as unknown as { loadStateDict(s: unknown): void }).loadStateDict(checkpoint.optimizer);
  }
  if (extra.rng !== undefined && extra.rng !== null) restoreRng(extra.rng as RngState, { model: parts.model, trainLoader: parts.trainLoader });
  return extra.epoch + 1;
}
