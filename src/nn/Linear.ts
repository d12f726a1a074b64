// Affine layers: Linear (y = xWᵀ + b), Bilinear (y = x₁ᵀWx₂ + b) and Identity.
import { checkShape, describe } from "../tensor/validate.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { empty } from "./empty.js";
import { Module } from "./Module.js";
import { Parameter } from "./Parameter.js";
import * as init from "./init.js";
import { bilinear, linear } from "./functional/layers.js";
import { pyBool } from "./pyRepr.js";
import type { Generator } from "../random/Generator.js";

/**
 * Options of {@link Linear} and {@link Bilinear}: whether to learn a bias, the parameters' dtype and the
 * generator for the initial weights.
 */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  dtype?: DType;
  /** Random source for the initial weights. */
  generator?: Generator;
}

/**
 * Fully connected layer y = x Wᵀ + b, W (out, in). Initialized as PyTorch: W by Kaiming uniform with
 * a = √5 (i.e. U(±1/√in)) and b ~ U(±1/√in).
 *
 * ```ts
 * const fc = new nn.Linear(784, 128);
 * fc.call(x); // (N, 784) → (N, 128)
 * ```
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    const dtype = options.dtype ?? "float32";
    checkBias("Linear", options.bias);
    this.weight = new Parameter(empty("Linear", [outFeatures, inFeatures], dtype));
    this.bias = (options.bias ?? true) ? new Parameter(empty("Linear", [outFeatures], dtype)) : null;
    this.resetParameters(options.generator);
  }
  /** PyTorch's default initialization (see the class doc). */
  resetParameters(generator?: Generator): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform(this.bias, -bound, bound, { generator });
    }
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * Bilinear layer y_k = x₁ᵀ W_k x₂ + b_k, W (out, in1, in2). Initialized as PyTorch: W and b ~ U(±1/√in1).
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    const dtype = options.dtype ?? "float32";
    checkBias("Bilinear", options.bias);
    this.weight = new Parameter(empty("Bilinear", [outFeatures, in1Features, in2Features], dtype));
    this.bias = (options.bias ?? true) ? new Parameter(empty("Bilinear", [outFeatures], dtype)) : null;
    this.resetParameters(options.generator);
  }
  resetParameters(generator?: Generator): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    init.uniform(this.weight, -bound, bound, { generator });
    if (this.bias) init.uniform(this.bias, -bound, bound, { generator });
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input unchanged (a placeholder, e.g. to switch a layer off). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

function checkBias(layer: string, bias: unknown): void {
  if (bias !== undefined && typeof bias !== "boolean") throw new Error(`${layer}: bias must be a boolean, got ${describe(bias)}`);
}
