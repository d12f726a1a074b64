// Batch normalization layers (1-D, 2-D, 3-D): per-channel normalization with batch statistics in training
// and running ones in evaluation.
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkInt } from "../tensor/validate.js";
import { noGrad } from "../autograd/engine.js";
import { ones, zeros } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { batchNorm } from "./functional/layers.js";
import { pyBool, pyFloat } from "./pyRepr.js";

/**
 * Options of the batch-norm layers ({@link BatchNorm1d}, {@link BatchNorm2d}, {@link BatchNorm3d}): `eps`,
 * the running-average `momentum`, learned affine parameters, and whether to track running statistics.
 */
export interface BatchNormModuleOptions {
  eps?: number;
  /** Weight of the newest batch in the running averages (default 0.1); null means a cumulative average. */
  momentum?: number | null;
  /** Learn γ (init 1) and β (init 0); default true. */
  affine?: boolean;
  /** With `affine`, also learn β (default true; PyTorch 2.x's keyword `bias`). */
  bias?: boolean;
  /** Keep running mean/variance buffers (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015, arXiv:1502.03167) over every dim but the channel dim 1:
 * what BatchNorm1d/2d/3d share (PyTorch's `_BatchNorm`); they differ only in the input ranks they take.
 * The buffers `runningMean` (init 0), `runningVar` (init 1) and `numBatchesTracked` are saved under
 * PyTorch's keys `running_mean`, `running_var`, `num_batches_tracked`. `numBatchesTracked` is int32
 * (PyTorch: int64); each side's `load_state_dict` casts the other's, so checkpoints move both ways.
 */
export abstract class BatchNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  constructor(readonly numFeatures: number, options: BatchNormModuleOptions = {}) {
    super();
    const name = new.target.name;
    checkInt(name, "numFeatures", numFeatures);
    if (numFeatures <= 0) throw new Error(`${name}: numFeatures must be positive, got ${numFeatures}`);
    const dtype = options.dtype ?? "float32";
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine && (options.bias ?? true) ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.runningMean = track ? this.registerBuffer("runningMean", zeros([numFeatures], { dtype })) : null;
    this.runningVar = track ? this.registerBuffer("runningVar", ones([numFeatures], { dtype })) : null;
    this.numBatchesTracked = track ? this.registerBuffer("numBatchesTracked", zeros([], { dtype: "int32" })) : null;
  }
  /** Throws unless `x` has a rank this layer takes and `numFeatures` channels. */
  protected abstract checkInput(x: Tensor): void;
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const common = { weight: this.weight, bias: this.bias, eps: this.eps };
    if (!this.training && this.runningMean !== null) {
      return batchNorm(x, { ...common, training: false, runningMean: this.runningMean, runningVar: this.runningVar });
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      const n = noGrad(() => this.numBatchesTracked!.add_(1)).item();
      if (this.momentum === null) momentum = 1 / n; // cumulative moving average
    }
    const track = this.training ? { runningMean: this.runningMean, runningVar: this.runningVar } : {};
    return batchNorm(x, { ...common, ...track, training: true, momentum });
  }
  override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, bias=${pyBool(this.bias !== null)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Batch normalization of (N, C) or (N, C, L) inputs, per feature C. */
export class BatchNorm1d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm1d: expected input (N, ${this.numFeatures}) or (N, ${this.numFeatures}, L), got ${fmtShape(x.shape)}`);
    }
  }
}

/** Batch normalization of images (N, C, H, W), per channel: statistics over N, H and W. */
export class BatchNorm2d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm2d: expected a 4-D input (N, ${this.numFeatures}, H, W), got ${fmtShape(x.shape)}`);
    }
  }
}

/** Batch normalization of volumes (N, C, D, H, W), per channel: statistics over N, D, H and W. */
export class BatchNorm3d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 5 || x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm3d: expected a 5-D input (N, ${this.numFeatures}, D, H, W), got ${fmtShape(x.shape)}`);
    }
  }
}
