// Shared types of the optimize chapter: objectives on Float64Array, results, iteration records.

/** f: ℝⁿ → ℝ. Must not modify `x`. */
export type ObjectiveFn = (x: Float64Array) => number;
/** ∇f: ℝⁿ → ℝⁿ. */
export type GradientFn = (x: Float64Array) => Float64Array;
/** ∇²f: ℝⁿ → ℝⁿˣⁿ, row-major (entry (i, j) at i*n + j). */
export type HessianFn = (x: Float64Array) => Float64Array;

/** One point on an optimizer's path, recorded once per iteration (the start included). */
export interface TrajectoryPoint {
  x: Float64Array;
  fun: number;
  /** Function evaluations used so far, for plots of f against evaluations. */
  nfev: number;
}

/** What `minimize` returns (named after scipy.optimize.OptimizeResult). */
export interface OptimizeResult {
  x: Float64Array;
  fun: number;
  /** ∇f at x; empty for gradient-free methods. */
  grad: Float64Array;
  /** Iterations (for ES: generations). */
  nit: number;
  /** Objective evaluations, gradient evaluations, Hessian evaluations. */
  nfev: number;
  ngev: number;
  nhev: number;
  success: boolean;
  message: string;
  trajectory: TrajectoryPoint[];
}

/** What the callback sees after every iteration; quasi-Newton methods add their inverse Hessian. */
export interface IterationInfo {
  iteration: number;
  x: Float64Array;
  fun: number;
  grad: Float64Array;
  /** Step length chosen by the line search (1 for methods without one). */
  stepSize?: number;
  /** SR1/DFP/BFGS: the inverse-Hessian approximation H_{k+1} after this iteration's update (row-major). */
  invHessian?: Float64Array;
  /** SR1/DFP/BFGS: true when the update was skipped (curvature condition or SR1 denominator test). */
  updateSkipped?: boolean;
}

/** Return `true` to stop early. */
export type Callback = (info: IterationInfo) => boolean | void;
