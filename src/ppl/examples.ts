// Closed forms the inference examples are checked against.
import { Tensor } from "../tensor/Tensor.js";
import { eye } from "../ops/creation.js";
import { matmul, solve } from "../ops/linalg.js";
import { fmtShape } from "../tensor/shape.js";

/**
 * The exact posterior of Bayesian linear regression y = Xw + ε, ε ~ N(0, noiseStd²·I), prior
 * w ~ N(0, priorStd²·I): covariance Σ = (XᵀX/σ² + I/τ²)⁻¹ and mean μ = Σ·Xᵀy/σ² (Bishop, PRML §3.3).
 */
export function bayesianLinearRegressionPosterior(x: Tensor, y: Tensor, options: { noiseStd: number; priorStd: number }): { mean: Tensor; covariance: Tensor } {
  const op = "ppl.bayesianLinearRegressionPosterior";
  if (x.ndim !== 2) throw new Error(`${op}: X must be [N, D], got ${fmtShape(x.shape)}`);
  if (y.ndim !== 1 || y.shape[0] !== x.shape[0]) throw new Error(`${op}: y must be [N] with N = ${x.shape[0]}, got ${fmtShape(y.shape)}`);
  const { noiseStd, priorStd } = options;
  if (!(noiseStd > 0) || !(priorStd > 0)) throw new Error(`${op}: noiseStd and priorStd must be > 0, got ${noiseStd} and ${priorStd}`);
  const d = x.shape[1]!;
  const precision = matmul(x.mT, x).div(noiseStd ** 2).add(eye(d, d, { dtype: x.dtype }).div(priorStd ** 2));
  const covariance = solve(precision, eye(d, d, { dtype: x.dtype }));
  const mean = matmul(covariance, matmul(x.mT, y.unsqueeze(1))).squeeze(1).div(noiseStd ** 2);
  return { mean, covariance };
}
