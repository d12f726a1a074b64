// Uninitialized-parameter helper shared by layers (zeros here; every layer then runs its initializer).
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { zeros } from "../ops/creation.js";

/** A zero tensor of `shape`, after checking the sizes and dtype a layer was given. */
export function empty(layer: string, shape: readonly number[], dtype: DType): Tensor {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${layer}: sizes must be non-negative integers, got [${shape.join(", ")}]`);
  }
  if (!isFloating(dtype)) throw new Error(`${layer}: parameters must be floating point, got dtype ${dtype}`);
  return zeros(shape, { dtype });
}
