// Gradient descent with momentum: Polyak's heavy ball and Nesterov's accelerated gradient.

import { MESSAGES, point, resolveCommon, result, type CommonOptions } from "./common.js";
import { stepSize, type StepSchedule } from "./gradientDescent.js";
import type { Objective } from "./objective.js";
import type { OptimizeResult, TrajectoryPoint } from "./types.js";
import { vecNorm } from "./vector.js";

export interface MomentumOptions extends CommonOptions {
  /** α (default 1e-3), optionally decayed by `schedule`/`decay` as in gradient descent. */
  lr?: number;
  schedule?: StepSchedule;
  decay?: number;
  /** β, the momentum coefficient. Default 0.9. */
  momentum?: number;
  /** Evaluate the gradient at the look-ahead point x + βv (Nesterov) instead of at x (heavy ball). */
  nesterov?: boolean;
}

/**
 * Heavy ball (B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
 * USSR Comp. Math. & Math. Phys. 4(5), 1964):
 *   v ← βv − α∇f(x),  x ← x + v.
 * Nesterov (Y. Nesterov, "A method for solving the convex programming problem with convergence rate
 * O(1/k²)", 1983; in the velocity form of Sutskever, Martens, Dahl & Hinton, ICML 2013):
 *   v ← βv − α∇f(x + βv),  x ← x + v.
 * On a quadratic with eigenvalues in [μ, L], heavy ball with α = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²
 * converges at rate (√κ − 1)/(√κ + 1) per step, against (κ − 1)/(κ + 1) for the best fixed-step GD.
 */
export function momentumDescent(obj: Objective, x0: Float64Array, opts: MomentumOptions = {}): OptimizeResult {
  const { tol, norm, maxIter } = resolveCommon(opts, obj.n);
  const lr = opts.lr ?? 1e-3;
  const beta = opts.momentum ?? 0.9;
  if (!(beta >= 0 && beta < 1)) throw new Error(`momentum: coefficient must be in [0, 1), got ${beta}`);
  const n = obj.n;
  let x = Float64Array.from(x0);
  const v = new Float64Array(n);
  let f = obj.value(x);
  let g = obj.gradient(x);
  const trajectory: TrajectoryPoint[] = [point(x, f, obj.nfev)];
  for (let t = 0; t < maxIter; t++) {
    if (vecNorm(g, norm) <= tol) return result(obj, { x, fun: f, grad: g, nit: t }, true, MESSAGES.converged, trajectory);
    const alpha = stepSize(opts.schedule ?? "constant", lr, opts.decay, t);
    let gStep = g;
    if (opts.nesterov) {
      const look = new Float64Array(n);
      for (let i = 0; i < n; i++) look[i] = x[i]! + beta * v[i]!;
      gStep = obj.gradient(look);
    }
    const xn = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v[i] = beta * v[i]! - alpha * gStep[i]!;
      xn[i] = x[i]! + v[i]!;
    }
    x = xn;
    f = obj.value(x);
    g = obj.gradient(x);
    trajectory.push(point(x, f, obj.nfev));
    if (!Number.isFinite(f)) return result(obj, { x, fun: f, grad: g, nit: t + 1 }, false, MESSAGES.nonFinite, trajectory);
    if (opts.callback?.({ iteration: t + 1, x, fun: f, grad: g, stepSize: alpha })) {
      return result(obj, { x, fun: f, grad: g, nit: t + 1 }, false, MESSAGES.callback, trajectory);
    }
  }
  const done = vecNorm(g, norm) <= tol;
  return result(obj, { x, fun: f, grad: g, nit: maxIter }, done, done ? MESSAGES.converged : MESSAGES.maxIter, trajectory);
}
