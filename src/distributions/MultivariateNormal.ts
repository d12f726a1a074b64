// The multivariate normal distribution, parameterized through a Cholesky factor of its covariance.
import { Tensor } from "../tensor/Tensor.js";
import { promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape } from "../tensor/shape.js";
import * as E from "../ops/elementwise.js";
import { randn } from "../ops/creation.js";
import { expand, reshape, slice, squeeze, transpose, unsqueeze } from "../ops/movement.js";
import { cholesky, inv, matmul, solve } from "../ops/linalg.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./Distribution.js";
import * as constraints from "./constraints.js";
import { asTensor, type Param } from "./utils.js";

/**
 * Options of {@link MultivariateNormal}: exactly one of the covariance matrix Σ, the precision matrix Σ⁻¹ or
 * the lower Cholesky factor L, plus argument validation (PyTorch's `covariance_matrix`, `precision_matrix`,
 * `scale_tril`).
 */
export interface MultivariateNormalOptions extends DistributionOptions {
  /** Σ, symmetric positive-definite (…, k, k). */
  covarianceMatrix?: Tensor;
  /** Σ⁻¹, symmetric positive-definite (…, k, k). */
  precisionMatrix?: Tensor;
  /** L, lower-triangular with a positive diagonal, Σ = L Lᵀ (…, k, k). */
  scaleTril?: Tensor;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** The diagonals of a batch of square matrices: (…, k, k) → (…, k). */
export function batchDiagonal(m: Tensor): Tensor {
  const k = m.shape[m.ndim - 1]!;
  return slice(reshape(m, [...m.shape.slice(0, -2), k * k]), -1, 0, k * k, k + 1);
}

/**
 * The lower triangle of a batch of square matrices (zeros above): what a triangular solve reads, so
 * entries above the diagonal get no gradient (as PyTorch's solve_triangular).
 */
export function lowerTriangle(m: Tensor): Tensor {
  const k = m.shape[m.ndim - 1]!;
  const mask = Tensor.fromData(Float64Array.from({ length: k * k }, (_, i) => (i % k <= Math.floor(i / k) ? 1 : 0)), [k, k], "float64");
  return E.mul(m, E.cast(mask, m.dtype));
}

/** L⁻¹ B for lower-triangular L (…, k, k) and B (…, k, n), batch dims broadcast. */
export function solveLower(L: Tensor, B: Tensor): Tensor {
  const k = L.shape[L.ndim - 1]!, n = B.shape[B.ndim - 1]!;
  const batch = broadcastShapes("MultivariateNormal", L.shape.slice(0, -2), B.shape.slice(0, -2));
  return solve(expand(lowerTriangle(L), [...batch, k, k]), expand(B, [...batch, k, n]));
}

/** ‖L⁻¹ x‖² for lower-triangular L (…, k, k) and x (…, k), batch dims broadcast. */
export function batchMahalanobis(L: Tensor, x: Tensor): Tensor {
  return E.square(solveLower(L, unsqueeze(x, -1))).sum([-2, -1]); // L⁻¹x: (…, k, 1)
}

/**
 * MultivariateNormal(loc, covarianceMatrix) — or with `{ covarianceMatrix }`, `{ precisionMatrix }` or
 * `{ scaleTril }` (exactly one): N(loc, Σ) over vectors of length k (the event). Every computation
 * goes through the Cholesky factor L (Σ = L Lᵀ), which is differentiable, so `rsample` = loc + L ε
 * and `logProb` carry gradients to every parameter. For a diagonal covariance use
 * `new Independent(new Normal(loc, scale), 1)`.
 * ```ts
 * const d = new ds.distributions.MultivariateNormal(ds.zeros([2]), ds.tensor([[2, 0.5], [0.5, 1]]));
 * d.logProb(ds.tensor([0.3, -0.1]));
 * ```
 */
export class MultivariateNormal extends Distribution {
  readonly loc: Tensor;
  /** L with Σ = L Lᵀ, unbroadcast (its own batch shape). */
  private readonly unbroadcastScaleTril: Tensor;
  private readonly given: { name: "covarianceMatrix" | "precisionMatrix" | "scaleTril"; value: Tensor };

  constructor(loc: Param, covarianceMatrix?: Tensor | MultivariateNormalOptions, options: MultivariateNormalOptions = {}) {
    const opts: MultivariateNormalOptions = covarianceMatrix === undefined || isTensor(covarianceMatrix) ? { ...options } : { ...covarianceMatrix, ...options };
    if (isTensor(covarianceMatrix)) {
      if (opts.covarianceMatrix !== undefined) throw new Error("MultivariateNormal: covarianceMatrix given twice (positionally and in the options)");
      opts.covarianceMatrix = covarianceMatrix;
    }
    const givenNames = (["covarianceMatrix", "precisionMatrix", "scaleTril"] as const).filter((n) => opts[n] !== undefined);
    if (givenNames.length !== 1) {
      throw new Error(`MultivariateNormal: give exactly one of covarianceMatrix, precisionMatrix or scaleTril, got ${givenNames.length === 0 ? "none" : givenNames.join(" and ")}`);
    }
    const name = givenNames[0]!;
    const locT = asTensor("MultivariateNormal", "loc", loc);
    if (locT.ndim < 1) throw new Error(`MultivariateNormal: loc must be at least one-dimensional, got shape ${fmtShape(locT.shape)}`);
    const matrix = asTensor("MultivariateNormal", name, opts[name]!);
    const k = locT.shape[locT.ndim - 1]!;
    if (matrix.ndim < 2 || matrix.shape[matrix.ndim - 1] !== k || matrix.shape[matrix.ndim - 2] !== k) {
      throw new Error(`MultivariateNormal: ${name} must have shape (…, ${k}, ${k}) to match loc ${fmtShape(locT.shape)}, got ${fmtShape(matrix.shape)}`);
    }
    const batch = broadcastShapes("MultivariateNormal", locT.shape.slice(0, -1), matrix.shape.slice(0, -2));
    super(batch, [k], opts);
    const dtype = promoteTypes(locT.dtype, matrix.dtype);
    this.loc = expand(E.cast(locT, dtype), [...batch, k]);
    const M = E.cast(matrix, dtype);
    this.given = { name, value: M };
    this.checkParameters({ loc: this.loc, [name]: M });
    if (name === "scaleTril") this.unbroadcastScaleTril = M;
    else {
      // Σ = L Lᵀ; from the precision P, Σ = P⁻¹
      const covariance = name === "covarianceMatrix" ? M : inv(M);
      try {
        this.unbroadcastScaleTril = cholesky(covariance);
      } catch {
        throw new Error(`MultivariateNormal: ${name} (shape ${fmtShape(M.shape)}) must be positive-definite, but its Cholesky factorization failed`);
      }
    }
  }

  get name(): string {
    return "MultivariateNormal";
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return {
      loc: constraints.realVector,
      covarianceMatrix: constraints.positiveDefinite,
      precisionMatrix: constraints.positiveDefinite,
      scaleTril: constraints.lowerCholesky,
    };
  }
  get support(): constraints.Constraint {
    return constraints.realVector;
  }
  override get hasRsample(): boolean {
    return true;
  }

  private get matrixShape(): number[] {
    const k = this.eventShape[0]!;
    return [...this.batchShape, k, k];
  }
  /** L (…, k, k), lower-triangular, Σ = L Lᵀ. */
  get scaleTril(): Tensor {
    return expand(this.unbroadcastScaleTril, this.matrixShape);
  }
  /** Σ = L Lᵀ. */
  get covarianceMatrix(): Tensor {
    if (this.given.name === "covarianceMatrix") return expand(this.given.value, this.matrixShape);
    const L = this.unbroadcastScaleTril;
    return expand(matmul(L, transpose(L, -2, -1)), this.matrixShape);
  }
  /** Σ⁻¹. */
  get precisionMatrix(): Tensor {
    if (this.given.name === "precisionMatrix") return expand(this.given.value, this.matrixShape);
    return expand(inv(this.covarianceMatrix), this.matrixShape);
  }

  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  /** diag Σ = Σⱼ L²ᵢⱼ. */
  override get variance(): Tensor {
    return expand(E.square(this.unbroadcastScaleTril).sum(-1), [...this.batchShape, ...this.eventShape]);
  }

  /** loc + L ε with ε ~ N(0, I). */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape("rsample", sampleShape);
    const eps = randn(shape, { dtype: this.loc.dtype, generator: this.generatorOf(options) });
    return E.add(this.loc, squeeze(matmul(this.unbroadcastScaleTril, unsqueeze(eps, -1)), -1));
  }

  /** −½ (k log 2π + ‖L⁻¹(x − loc)‖²) − Σ log Lᵢᵢ. */
  logProb(value: Tensor): Tensor {
    this.validateSample("logProb", value);
    const k = this.eventShape[0]!;
    const m = batchMahalanobis(this.unbroadcastScaleTril, E.sub(value, this.loc));
    const halfLogDet = E.log(batchDiagonal(this.unbroadcastScaleTril)).sum(-1);
    return E.sub(E.mul(E.add(m, k * LOG_2PI), -0.5), halfLogDet);
  }

  /** ½ k (1 + log 2π) + Σ log Lᵢᵢ. */
  override entropy(): Tensor {
    const k = this.eventShape[0]!;
    const halfLogDet = E.log(batchDiagonal(this.unbroadcastScaleTril)).sum(-1);
    return expand(E.add(halfLogDet, 0.5 * k * (1 + LOG_2PI)), [...this.batchShape]);
  }

  /** L without broadcasting to the batch shape (for closed-form KL). */
  get unbroadcastedScaleTril(): Tensor {
    return this.unbroadcastScaleTril;
  }
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;
