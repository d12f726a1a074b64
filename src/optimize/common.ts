// Options every minimize method shares, and the small helpers that build its result.

import type { Objective } from "./objective.js";
import type { Callback, OptimizeResult, TrajectoryPoint } from "./types.js";
import type { GradNorm } from "./vector.js";

/** Options shared by the gradient-based methods. */
export interface CommonOptions {
  /** Stop when ‖∇f‖ ≤ tol (scipy's `gtol`). Default 1e-5. */
  tol?: number;
  /** Norm of that test: "inf" (default, as scipy) or 2. */
  norm?: GradNorm;
  /** Iteration budget. Default 200·n (scipy's default for BFGS). */
  maxIter?: number;
  /** Called after every iteration; return true to stop. */
  callback?: Callback;
}

export function resolveCommon(opts: CommonOptions, n: number): { tol: number; norm: GradNorm; maxIter: number } {
  const tol = opts.tol ?? 1e-5;
  const maxIter = opts.maxIter ?? 200 * n;
  if (!(tol >= 0)) throw new Error(`minimize: tol must be ≥ 0, got ${tol}`);
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new Error(`minimize: maxIter must be a non-negative integer, got ${maxIter}`);
  return { tol, norm: opts.norm ?? "inf", maxIter };
}

export function point(x: Float64Array, fun: number, nfev: number): TrajectoryPoint {
  return { x: Float64Array.from(x), fun, nfev };
}

export function result(
  obj: Objective,
  state: { x: Float64Array; fun: number; grad: Float64Array; nit: number },
  success: boolean,
  message: string,
  trajectory: TrajectoryPoint[],
): OptimizeResult {
  return {
    x: state.x, fun: state.fun, grad: state.grad, nit: state.nit,
    nfev: obj.nfev, ngev: obj.ngev, nhev: obj.nhev,
    success, message, trajectory,
  };
}

export const MESSAGES = {
  converged: "Optimization terminated successfully (gradient norm ≤ tol).",
  maxIter: "Maximum number of iterations has been exceeded.",
  lineSearch: "Line search failed: desired error not necessarily achieved due to precision loss.",
  callback: "Stopped by callback.",
  nonFinite: "Objective or gradient became non-finite (diverged?).",
} as const;
