// Experiment: GD, momentum, Adam, Newton, BFGS and CMA-ES on the 2-D Rosenbrock function — paths on the contour plot and f against evaluations.

import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { minimize } from "../optimize/minimize.js";
import { rosenbrock } from "../optimize/testFunctions.js";
import type { GradientFn, ObjectiveFn, TrajectoryPoint } from "../optimize/types.js";
import { contour, linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

/**
 * A tiny Adam on Float64Array (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
 * Algorithm 1): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², x ← x − α m̂/(√v̂ + ε) with bias-corrected
 * m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). The library's optimizer lives in `optim`; this one only draws a path.
 */
function adam(fn: ObjectiveFn, grad: GradientFn, x0: Float64Array, opts: { lr: number; steps: number; beta1?: number; beta2?: number; eps?: number }): TrajectoryPoint[] {
  const { lr, steps } = opts;
  const b1 = opts.beta1 ?? 0.9, b2 = opts.beta2 ?? 0.999, eps = opts.eps ?? 1e-8;
  const x = Float64Array.from(x0);
  const m = new Float64Array(x.length), v = new Float64Array(x.length);
  const path: TrajectoryPoint[] = [{ x: Float64Array.from(x), fun: fn(x), nfev: 1 }];
  for (let t = 1; t <= steps; t++) {
    const g = grad(x);
    for (let i = 0; i < x.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      const mHat = m[i]! / (1 - b1 ** t), vHat = v[i]! / (1 - b2 ** t);
      x[i] = x[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    path.push({ x: Float64Array.from(x), fun: fn(x), nfev: t + 1 });
  }
  return path;
}

/**
 * Runs six optimizers from (−1.2, 1) on f(x, y) = 100(y − x²)² + (1 − x)²: gradient descent (α = 1e-3),
 * heavy-ball momentum (α = 1e-3, β = 0.9), Adam (α = 0.02), Newton (eigenvalue-modified, backtracking),
 * BFGS (strong Wolfe) and CMA-ES (σ₀ = 0.5). Writes rosenbrock-paths.svg (paths on log-spaced contours)
 * and rosenbrock-convergence.svg (f − f* against objective evaluations, log scale), and returns each
 * method's final f and evaluation count. Options: `epochs` = iteration budget of the first-order
 * methods (default 5000); `seed` seeds CMA-ES.
 */
export const experiment: Experiment = {
  name: "optim-rosenbrock",
  description: "GD, momentum, Adam, Newton, BFGS and CMA-ES on 2-D Rosenbrock: contour paths and f vs evaluations",
  chapter: "numerical optimization",
  options: { epochs: { description: "iteration budget of gradient descent, momentum and Adam", default: 5000 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const p = rosenbrock(2);
    const x0 = Float64Array.of(-1.2, 1);
    const steps = opts.epochs ?? 5000;
    const common = { jac: p.grad, hess: p.hess, tol: 1e-8 };
    const runs: { name: string; path: TrajectoryPoint[] }[] = [
      { name: "gradient descent", path: minimize(p.fn, x0, { ...common, method: "gradient-descent", lr: 1e-3, maxIter: steps }).trajectory },
      { name: "momentum", path: minimize(p.fn, x0, { ...common, method: "momentum", lr: 1e-3, momentum: 0.9, maxIter: steps }).trajectory },
      { name: "Adam", path: adam(p.fn, p.grad, x0, { lr: 0.02, steps }) },
      { name: "Newton", path: minimize(p.fn, x0, { ...common, method: "newton" }).trajectory },
      { name: "BFGS", path: minimize(p.fn, x0, { ...common, method: "bfgs" }).trajectory },
      { name: "CMA-ES", path: [{ x: x0, fun: p.fn(x0), nfev: 0 }, ...minimize(p.fn, x0, { method: "cma-es", sigma0: 0.5, seed: opts.seed, ftarget: 1e-16 }).trajectory] },
    ];
    const result: ExperimentResult = {};
    for (const { name, path } of runs) {
      const last = path.at(-1)!;
      const key = name.replace(/[^A-Za-z]+/g, "-").toLowerCase();
      result[`${key}-final-f`] = last.fun;
      result[`${key}-evaluations`] = last.nfev;
      opts.log(`${name.padEnd(17)} f = ${last.fun.toExponential(3)} after ${last.nfev} evaluations, x = (${last.x[0]!.toFixed(6)}, ${last.x[1]!.toFixed(6)})`);
    }
    // Thin long paths so the SVG stays small; keep the first 200 points where most of the motion is.
    const thin = (path: TrajectoryPoint[]) => path.filter((_, i) => i < 200 || i % Math.ceil(path.length / 400) === 0 || i === path.length - 1);
    savePlot(
      join(opts.outDir, "rosenbrock-paths.svg"),
      contour({
        title: "Rosenbrock: optimizer paths from (−1.2, 1)",
        f: (x, y) => p.fn(Float64Array.of(x, y)),
        xRange: [-2, 2], yRange: [-1, 3], resolution: 120, levelCount: 18, logLevels: true,
        xLabel: "x", yLabel: "y",
        paths: runs.map(({ name, path }) => ({ name, x: thin(path).map((q) => q.x[0]!), y: thin(path).map((q) => q.x[1]!) })),
      }),
    );
    savePlot(
      join(opts.outDir, "rosenbrock-convergence.svg"),
      linePlot({
        title: "Rosenbrock: f(x) − f* against objective evaluations",
        xLabel: "objective evaluations", yLabel: "f − f*", logY: true,
        series: runs.map(({ name, path }) => {
          const kept = thin(path);
          return { name, x: kept.map((q) => q.nfev), y: kept.map((q) => Math.max(q.fun, 1e-20)) };
        }),
      }),
    );
    return result;
  },
};
