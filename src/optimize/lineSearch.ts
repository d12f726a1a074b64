// Line searches along a descent direction: the shared interface and a dispatcher over the three rules.

import { backtracking } from "./backtracking.js";
import { exactLineSearch } from "./exactLineSearch.js";
import type { Objective } from "./objective.js";
import { strongWolfe } from "./strongWolfe.js";

/** Which rule picks the step length α along d. */
export type LineSearchKind = "strong-wolfe" | "backtracking" | "exact";

/**
 * Options of {@link lineSearch}: the first trial step, the Wolfe constants c₁ and c₂, the largest step and
 * the trial budget.
 */
export interface LineSearchOptions {
  /** First trial step (default 1). */
  alpha0?: number;
  /** Sufficient-decrease (Armijo) constant c₁ in f(x+αd) ≤ f(x) + c₁α∇fᵀd. Default 1e-4. */
  c1?: number;
  /** Curvature constant c₂ in |∇f(x+αd)ᵀd| ≤ c₂|∇fᵀd| (strong Wolfe). Default 0.9 (0.1 suits CG). */
  c2?: number;
  /** Largest step tried. Default 1e100, as scipy's BFGS passes. */
  alphaMax?: number;
  /** Trial-step budget. */
  maxIter?: number;
}

/**
 * What {@link lineSearch} returns: the step α, f and (when computed) ∇f at x + αd, and whether the rule's
 * conditions were met.
 */
export interface LineSearchResult {
  alpha: number;
  /** f(x + αd). */
  fun: number;
  /** ∇f(x + αd) when the search had to compute it (strong Wolfe does), else undefined. */
  grad?: Float64Array;
  /** False when no step met the rule's conditions; `alpha` is then the best step seen (possibly 0). */
  success: boolean;
}

/** The function of one variable the searches work on: φ(α) = f(x + αd), φ'(α) = ∇f(x + αd)ᵀd. */
export class LineFunction {
  private lastAlpha = Number.NaN;
  private lastPoint: Float64Array | null = null;
  lastGrad: Float64Array | null = null;

  constructor(
    readonly obj: Objective,
    readonly x: Float64Array,
    readonly d: Float64Array,
  ) {}

  point(alpha: number): Float64Array {
    if (alpha === this.lastAlpha && this.lastPoint) return this.lastPoint;
    const p = new Float64Array(this.x.length);
    for (let i = 0; i < p.length; i++) p[i] = this.x[i]! + alpha * this.d[i]!;
    this.lastAlpha = alpha;
    this.lastPoint = p;
    return p;
  }

  phi(alpha: number): number {
    return this.obj.value(this.point(alpha));
  }

  dphi(alpha: number): number {
    const g = this.obj.gradient(this.point(alpha));
    this.lastGrad = g;
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i]! * this.d[i]!;
    return s;
  }
}

/** Runs the chosen rule from x along d, given f(x) and ∇f(x). */
export function lineSearch(
  kind: LineSearchKind,
  obj: Objective,
  x: Float64Array,
  d: Float64Array,
  f0: number,
  g0: Float64Array,
  opts: LineSearchOptions = {},
): LineSearchResult {
  switch (kind) {
    case "strong-wolfe":
      return strongWolfe(obj, x, d, f0, g0, opts);
    case "backtracking":
      return backtracking(obj, x, d, f0, g0, opts);
    case "exact":
      return exactLineSearch(obj, x, d, f0, opts);
    default:
      throw new Error(`lineSearch: unknown rule "${String(kind)}" (use "strong-wolfe", "backtracking" or "exact")`);
  }
}
