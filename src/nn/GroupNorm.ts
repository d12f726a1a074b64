// GroupNorm: normalizes each sample's groups of channels, with a learned per-channel affine map.
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { checkInt } from "../tensor/validate.js";
import { ones, zeros } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { groupNorm } from "./functional/normalization.js";
import { pyBool, pyFloat } from "./pyRepr.js";

/**
 * Group normalization (Wu & He 2018, arXiv:1803.08494) of (N, C, *) inputs: the C channels form
 * `numGroups` groups normalized per sample (batch-size independent, unlike BatchNorm). γ starts at 1
 * and β at 0; `affine: false` learns neither, `bias: false` (PyTorch 2.x) only γ.
 */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly affine: boolean;
  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: { eps?: number; affine?: boolean; bias?: boolean; dtype?: DType } = {},
  ) {
    super();
    checkInt("GroupNorm", "numGroups", numGroups);
    checkInt("GroupNorm", "numChannels", numChannels);
    if (numGroups <= 0) throw new Error(`GroupNorm: numGroups must be positive, got ${numGroups}`);
    if (numChannels % numGroups !== 0) throw new Error(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const dtype = options.dtype ?? "float32";
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine && (options.bias ?? true) ? new Parameter(zeros([numChannels], { dtype })) : null;
  }
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || (this.affine ? x.shape[1] !== this.numChannels : x.shape[1]! % this.numGroups !== 0)) {
      throw new Error(`GroupNorm: expected an input (N, ${this.numChannels}, *) whose channels split into ${this.numGroups} groups, got ${fmtShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}, bias=${pyBool(this.bias !== null)}`;
  }
}
