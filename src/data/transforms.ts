// Feature transforms fitted on training data: Standardize (z-score), MinMax, and one-hot labels.
import { Tensor } from "../tensor/Tensor.js";
import { oneHot as oneHotInt } from "../ops/indexing.js";
import { cast } from "../ops/elementwise.js";

function checkFeatures(op: string, x: Tensor, width?: number): void {
  if (x.ndim !== 2) throw new Error(`${op}: expected features of shape [N, D], got [${x.shape.join(", ")}]`);
  if (width !== undefined && x.shape[1] !== width) throw new Error(`${op}: fitted on ${width} features, got [${x.shape.join(", ")}]`);
}

/**
 * z = (x − μ) / σ per feature, with μ and σ (population std, like scikit-learn's StandardScaler)
 * fitted on training data only; a constant feature (σ = 0) gets σ = 1.
 */
export class Standardize {
  mean: Tensor | null = null;
  std: Tensor | null = null;

  fit(x: Tensor): this {
    checkFeatures("Standardize.fit", x);
    this.mean = x.mean({ dim: 0, keepdim: true }).detach(); // (1, D)
    const std = x.std({ dim: 0, keepdim: true, correction: 0 }).detach();
    this.std = std.where(std.gt(0), 1);
    return this;
  }
  transform(x: Tensor): Tensor {
    if (!this.mean || !this.std) throw new Error("Standardize.transform: call fit(x) first");
    checkFeatures("Standardize.transform", x, this.mean.shape[1]);
    return x.sub(this.mean).div(this.std);
  }
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }
  inverse(z: Tensor): Tensor {
    if (!this.mean || !this.std) throw new Error("Standardize.inverse: call fit(x) first");
    return z.mul(this.std).add(this.mean);
  }
}

/** Rescales each feature linearly so the fitted min ↦ `low` and max ↦ `high` (default [0, 1]). */
export class MinMax {
  min: Tensor | null = null;
  max: Tensor | null = null;
  constructor(readonly range: [number, number] = [0, 1]) {}

  fit(x: Tensor): this {
    checkFeatures("MinMax.fit", x);
    this.min = x.amin(0, true).detach();
    this.max = x.amax(0, true).detach();
    return this;
  }
  transform(x: Tensor): Tensor {
    if (!this.min || !this.max) throw new Error("MinMax.transform: call fit(x) first");
    checkFeatures("MinMax.transform", x, this.min.shape[1]);
    const span = this.max.sub(this.min);
    const safe = span.where(span.gt(0), 1);
    const [low, high] = this.range;
    return x.sub(this.min).div(safe).mul(high - low).add(low);
  }
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }
}

/** One-hot float32 targets [..., numClasses] from int32 class labels (for MSE-style losses). */
export function oneHot(labels: Tensor, numClasses: number): Tensor {
  return cast(oneHotInt(labels, numClasses), "float32");
}
