// Backtracking line search with the Armijo sufficient-decrease condition (Nocedal & Wright, Alg. 3.1).

import { LineFunction, type LineSearchOptions, type LineSearchResult } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import { dot } from "./vector.js";

/**
 * Tries α = α₀, ρα₀, ρ²α₀, … until f(x + αd) ≤ f(x) + c₁ α ∇f(x)ᵀd.
 * Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), Algorithm 3.1, with ρ = 1/2.
 * Never evaluates a gradient; `grad` in the result is undefined.
 */
export function backtracking(
  obj: Objective,
  x: Float64Array,
  d: Float64Array,
  f0: number,
  g0: Float64Array,
  opts: LineSearchOptions & { shrink?: number } = {},
): LineSearchResult {
  const c1 = opts.c1 ?? 1e-4;
  const rho = opts.shrink ?? 0.5;
  const maxIter = opts.maxIter ?? 60;
  const slope = dot(g0, d);
  if (!(slope < 0)) {
    throw new Error(`backtracking: d is not a descent direction (∇fᵀd = ${slope}, must be < 0)`);
  }
  const line = new LineFunction(obj, x, d);
  let alpha = opts.alpha0 ?? 1;
  for (let i = 0; i < maxIter; i++) {
    const f = line.phi(alpha);
    if (f <= f0 + c1 * alpha * slope) return { alpha, fun: f, success: true };
    alpha *= rho;
  }
  return { alpha: 0, fun: f0, success: false };
}
