// Gradient descent with fixed, decaying or line-searched steps, and optional Gaussian noise for escaping saddles.

import { MESSAGES, point, resolveCommon, result, type CommonOptions } from "./common.js";
import { lineSearch, type LineSearchKind } from "./lineSearch.js";
import type { Objective } from "./objective.js";
import { Generator } from "../random/Generator.js";
import type { OptimizeResult, TrajectoryPoint } from "./types.js";
import { vecNorm } from "./vector.js";

/**
 * Step size αₜ at iteration t = 0, 1, …:
 * - "constant": α₀
 * - "inverse-time": α₀ / (1 + βt)   (β = `decay`)
 * - "exponential": α₀ γᵗ            (γ = `decay`)
 * - or any function t ↦ αₜ.
 */
export type StepSchedule = "constant" | "inverse-time" | "exponential" | ((t: number) => number);

export interface GradientDescentOptions extends CommonOptions {
  /** α₀. Default 1e-3. Ignored with a line search, which picks its own steps. */
  lr?: number;
  schedule?: StepSchedule;
  /** β of "inverse-time" (default 0.01) or γ of "exponential" (default 0.99). */
  decay?: number;
  /** Instead of a schedule, choose each step by a line search along −∇f (steepest descent). */
  lineSearch?: LineSearchKind;
  /**
   * Standard deviation σ of Gaussian noise added to every gradient, x ← x − αₜ(∇f + σξ), ξ ~ N(0, I),
   * which lets the iterate leave a saddle point where ∇f = 0 (Ge, Huang, Jin & Yuan, "Escaping from
   * saddle points — online stochastic gradient for tensor decomposition", COLT 2015). With noise the
   * gradient test is off (it would stop at the very saddle) and the run lasts `maxIter` iterations.
   */
  noise?: number;
  /** Seed of the noise. */
  seed?: number;
}

/** αₜ for a schedule. */
export function stepSize(schedule: StepSchedule, lr: number, decay: number | undefined, t: number): number {
  if (typeof schedule === "function") return schedule(t);
  switch (schedule) {
    case "constant": return lr;
    case "inverse-time": return lr / (1 + (decay ?? 0.01) * t);
    case "exponential": return lr * (decay ?? 0.99) ** t;
    default: throw new Error(`gradientDescent: unknown schedule "${String(schedule)}"`);
  }
}

/**
 * xₜ₊₁ = xₜ − αₜ ∇f(xₜ) (Cauchy, 1847). With a fixed step α < 2/L on an L-smooth convex function it
 * converges; on a quadratic with eigenvalues in [μ, L] the error contracts by max|1 − αλ| per step.
 */
export function gradientDescent(obj: Objective, x0: Float64Array, opts: GradientDescentOptions = {}): OptimizeResult {
  const { tol, norm, maxIter } = resolveCommon(opts, obj.n);
  const lr = opts.lr ?? 1e-3;
  const schedule = opts.schedule ?? "constant";
  const noise = opts.noise ?? 0;
  if (!(noise >= 0)) throw new Error(`gradientDescent: noise must be ≥ 0, got ${noise}`);
  const gen = new Generator(opts.seed ?? 0);
  let x = Float64Array.from(x0);
  let f = obj.value(x);
  let g = obj.gradient(x);
  const trajectory: TrajectoryPoint[] = [point(x, f, obj.nfev)];
  for (let t = 0; t < maxIter; t++) {
    if (noise === 0 && vecNorm(g, norm) <= tol) return result(obj, { x, fun: f, grad: g, nit: t }, true, MESSAGES.converged, trajectory);
    let alpha: number;
    const d = g.map((gi) => -(gi + (noise > 0 ? noise * gen.normal() : 0)));
    if (opts.lineSearch) {
      const ls = lineSearch(opts.lineSearch, obj, x, d, f, g);
      if (!ls.success) return result(obj, { x, fun: f, grad: g, nit: t }, false, MESSAGES.lineSearch, trajectory);
      alpha = ls.alpha;
    } else {
      alpha = stepSize(schedule, lr, opts.decay, t);
    }
    const xn = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xn[i] = x[i]! + alpha * d[i]!;
    x = xn;
    f = obj.value(x);
    g = obj.gradient(x);
    trajectory.push(point(x, f, obj.nfev));
    if (!Number.isFinite(f)) return result(obj, { x, fun: f, grad: g, nit: t + 1 }, false, MESSAGES.nonFinite, trajectory);
    if (opts.callback?.({ iteration: t + 1, x, fun: f, grad: g, stepSize: alpha })) {
      return result(obj, { x, fun: f, grad: g, nit: t + 1 }, false, MESSAGES.callback, trajectory);
    }
  }
  const done = noise === 0 && vecNorm(g, norm) <= tol;
  return result(obj, { x, fun: f, grad: g, nit: maxIter }, done || noise > 0, done ? MESSAGES.converged : noise > 0 ? "Ran maxIter noisy iterations." : MESSAGES.maxIter, trajectory);
}
