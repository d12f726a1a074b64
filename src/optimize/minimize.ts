// scipy-style entry point: minimize(fn, x0, { method, ... }) over every method of this chapter.

import { cmaes, type CMAESRunOptions } from "./CMAES.js";
import { conjugateGradient, type ConjugateGradientOptions } from "./conjugateGradient.js";
import { gradientDescent, type GradientDescentOptions } from "./gradientDescent.js";
import { lbfgs, type LbfgsOptions } from "./lbfgs.js";
import { momentumDescent, type MomentumOptions } from "./momentum.js";
import { nelderMead, type NelderMeadOptions } from "./nelderMead.js";
import { newton, type NewtonOptions } from "./newton.js";
import { Objective } from "./objective.js";
import { quasiNewton, type QuasiNewtonOptions } from "./quasiNewton.js";
import type { GradientFn, HessianFn, ObjectiveFn, OptimizeResult } from "./types.js";
import { assertFinite } from "./vector.js";

/**
 * The algorithms {@link minimize} offers: first-order descent (plain, momentum, Nesterov), Newton, the
 * quasi-Newton updates (SR1, DFP, BFGS, L-BFGS), nonlinear conjugate gradient, and the derivative-free
 * Nelder–Mead and CMA-ES.
 */
export type MinimizeMethod =
  | "gradient-descent" | "momentum" | "nesterov"
  | "newton" | "sr1" | "dfp" | "bfgs" | "l-bfgs" | "cg"
  | "nelder-mead" | "cma-es";

/** Every method's options in one object; each method reads the ones it documents. */
export type MinimizeOptions = {
  method?: MinimizeMethod;
  /** ∇f; from ./autodiff.ts when omitted. */
  jac?: GradientFn;
  /** ∇²f (row-major n×n); from ./autodiff.ts when omitted. */
  hess?: HessianFn;
} & GradientDescentOptions & MomentumOptions & NewtonOptions & QuasiNewtonOptions & LbfgsOptions
  & Omit<ConjugateGradientOptions, "beta"> & { beta?: "PR+" | "FR" }
  & Omit<NelderMeadOptions, "maxIter"> & Partial<Omit<CMAESRunOptions, "sigma0">> & { sigma0?: number };

/**
 * Minimizes f: ℝⁿ → ℝ from x₀ in float64, like `scipy.optimize.minimize`. Default method "bfgs".
 *
 * ```ts
 * const { x, fun, nit } = minimize(rosen.fn, [-1.2, 1], { method: "bfgs", jac: rosen.grad });
 * minimize(f, x0, { method: "cma-es", sigma0: 0.5, seed: 1 });
 * ```
 */
export function minimize(fn: ObjectiveFn, x0: ArrayLike<number>, options: MinimizeOptions = {}): OptimizeResult {
  const x = Float64Array.from(x0);
  if (x.length === 0) throw new Error("minimize: x0 is empty");
  assertFinite("minimize", "x0", x);
  const method = options.method ?? "bfgs";
  const obj = new Objective(method, fn, x.length, { jac: options.jac, hess: options.hess });
  switch (method) {
    case "gradient-descent": return gradientDescent(obj, x, options);
    case "momentum": return momentumDescent(obj, x, { ...options, nesterov: false });
    case "nesterov": return momentumDescent(obj, x, { ...options, nesterov: true });
    case "newton": return newton(obj, x, options);
    case "sr1": case "dfp": case "bfgs": return quasiNewton(obj, x, method, options);
    case "l-bfgs": return lbfgs(obj, x, options);
    case "cg": return conjugateGradient(obj, x, options);
    case "nelder-mead": return nelderMead(obj, x, { ...options, maxIter: options.maxIter });
    case "cma-es": {
      if (options.sigma0 === undefined) throw new Error('minimize: method "cma-es" needs sigma0 (initial step size)');
      return cmaes(fn, x, { ...options, sigma0: options.sigma0 });
    }
    default:
      throw new Error(`minimize: unknown method "${String(method)}"`);
  }
}
