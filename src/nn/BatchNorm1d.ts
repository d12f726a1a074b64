// BatchNorm1d: per-feature normalization with batch statistics in training and running ones in eval.
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { noGrad } from "../autograd/engine.js";
import { ones, zeros } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { batchNorm } from "./functional/layers.js";
import { pyBool, pyFloat } from "./pyRepr.js";

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
 * Batch normalization over (N, C) or (N, C, L) inputs (Ioffe & Szegedy 2015, arXiv:1502.03167).
 * The buffers `runningMean` (init 0), `runningVar` (init 1) and `numBatchesTracked` are saved under
 * PyTorch's keys `running_mean`, `running_var`, `num_batches_tracked`. `numBatchesTracked` is int32
 * (PyTorch: int64); each side's `load_state_dict` casts the other's, so checkpoints move both ways.
 */
export class BatchNorm1d extends Module {
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
  forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm1d: expected input (N, ${this.numFeatures}) or (N, ${this.numFeatures}, L), got ${fmtShape(x.shape)}`);
    }
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
