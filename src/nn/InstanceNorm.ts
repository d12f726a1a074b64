// Instance normalization layers (1-D, 2-D, 3-D): each sample's channels normalized over their own spatial dims.
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkInt } from "../tensor/validate.js";
import { ones, zeros } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { instanceNorm } from "./functional/normalization.js";
import { pyBool, pyFloat } from "./pyRepr.js";

/**
 * Options of the instance-norm layers ({@link InstanceNorm1d}, {@link InstanceNorm2d},
 * {@link InstanceNorm3d}): `eps`, `momentum`, learned affine parameters, and whether to track running
 * statistics.
 */
export interface InstanceNormModuleOptions {
  eps?: number;
  /** Weight of the newest batch in the running averages (default 0.1); null means 0, as PyTorch. */
  momentum?: number | null;
  /** Learn γ and β (default false, as PyTorch). */
  affine?: boolean;
  /** With `affine`, also learn β (default true). */
  bias?: boolean;
  /** Keep running statistics and use them in evaluation (default false, as PyTorch). */
  trackRunningStats?: boolean;
  dtype?: DType;
}

const layouts = ["(C, L) or (N, C, L)", "(C, H, W) or (N, C, H, W)", "(C, D, H, W) or (N, C, D, H, W)"];

/**
 * Instance normalization (Ulyanov et al. 2016, arXiv:1607.08022), shared by InstanceNorm1d/2d/3d
 * (PyTorch's `_InstanceNorm`): without `trackRunningStats` (the default) training and evaluation both
 * use each instance's statistics. Buffers and keys as BatchNorm's; `numBatchesTracked` stays 0, as in
 * PyTorch.
 */
export abstract class InstanceNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  constructor(private readonly _spatialDims: number, readonly numFeatures: number, options: InstanceNormModuleOptions = {}) {
    super();
    const name = new.target.name;
    checkInt(name, "numFeatures", numFeatures);
    if (numFeatures <= 0) throw new Error(`${name}: numFeatures must be positive, got ${numFeatures}`);
    const dtype = options.dtype ?? "float32";
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? false;
    this.trackRunningStats = options.trackRunningStats ?? false;
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine && (options.bias ?? true) ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.runningMean = track ? this.registerBuffer("runningMean", zeros([numFeatures], { dtype })) : null;
    this.runningVar = track ? this.registerBuffer("runningVar", ones([numFeatures], { dtype })) : null;
    this.numBatchesTracked = track ? this.registerBuffer("numBatchesTracked", zeros([], { dtype: "int32" })) : null;
  }
  forward(x: Tensor): Tensor {
    const name = this.constructor.name, nd = this._spatialDims;
    if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
      throw new Error(`${name}: expected a ${nd + 1}-D or ${nd + 2}-D input ${layouts[nd - 1]}, got ${fmtShape(x.shape)}`);
    }
    const batched = x.ndim === nd + 2;
    const channels = x.shape[batched ? 1 : 0]!;
    // PyTorch only warns when affine is off; the parameters and statistics need the count to match
    if (channels !== this.numFeatures && (this.affine || this.trackRunningStats)) {
      throw new Error(`${name}: expected ${this.numFeatures} channels, got input ${fmtShape(x.shape)}`);
    }
    const y = instanceNorm(batched ? x : x.unsqueeze(0), {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0,
      eps: this.eps,
    });
    return batched ? y : y.squeeze(0);
  }
  override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, bias=${pyBool(this.bias !== null)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Instance normalization of (N, C, L) or (C, L) over L. */
export class InstanceNorm1d extends InstanceNorm {
  constructor(numFeatures: number, options: InstanceNormModuleOptions = {}) {
    super(1, numFeatures, options);
  }
}

/** Instance normalization of (N, C, H, W) or (C, H, W) over H and W (style transfer's normalization). */
export class InstanceNorm2d extends InstanceNorm {
  constructor(numFeatures: number, options: InstanceNormModuleOptions = {}) {
    super(2, numFeatures, options);
  }
}

/** Instance normalization of (N, C, D, H, W) or (C, D, H, W) over D, H and W. */
export class InstanceNorm3d extends InstanceNorm {
  constructor(numFeatures: number, options: InstanceNormModuleOptions = {}) {
    super(3, numFeatures, options);
  }
}
