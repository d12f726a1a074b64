// Parameter: a Tensor that a Module owns and trains (found by reflection over the module's fields).
import { Tensor } from "../tensor/Tensor.js";

/**
 * A learnable tensor. It shares storage with the tensor it wraps, is a leaf of the tape and has
 * `requiresGrad = true` unless told otherwise (PyTorch's `nn.Parameter`). A Module treats its own
 * fields that hold Parameters as its parameters; plain Tensor fields are not trained.
 *
 * ```ts
 * this.weight = new Parameter(ds.zeros([out, in]));
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, options: { requiresGrad?: boolean } = {}) {
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    this.requiresGrad = options.requiresGrad ?? true;
  }
}
