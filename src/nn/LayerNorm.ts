// LayerNorm: normalizes each sample over its trailing dims, with a learned elementwise affine map.
import { checkShape } from "../tensor/validate.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { ones, zeros } from "../ops/creation.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import { layerNorm } from "./functional/layers.js";
import { pyBool, pyFloat, pyTuple } from "./pyRepr.js";

/**
 * Layer normalization (Ba et al. 2016, arXiv:1607.06450) over the last dims `normalizedShape`; γ starts
 * at 1 and β at 0, as PyTorch; `elementwiseAffine: false` learns neither, `bias: false` (PyTorch 2.x)
 * only γ. Same behaviour in training and evaluation.
 */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  constructor(normalizedShape: number | readonly number[], options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType } = {}) {
    super();
    this.normalizedShape = checkShape("LayerNorm", typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape, { what: "normalizedShape" });
    const dtype = options.dtype ?? "float32";
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = affine && (options.bias ?? true) ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
    this.eps = options.eps ?? 1e-5;
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.weight !== null)}, bias=${pyBool(this.bias !== null)}`;
  }
}
