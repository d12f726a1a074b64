// Nelder–Mead downhill simplex: gradient-free minimization by reflecting, expanding and shrinking a simplex.

import type { Objective } from "./objective.js";
import type { Callback, OptimizeResult, TrajectoryPoint } from "./types.js";

export interface NelderMeadOptions {
  /** Stop when every vertex is within xatol of the best (max-norm) and every f within fatol. Defaults 1e-4 (scipy). */
  xatol?: number;
  fatol?: number;
  /** Budgets; both default to 200·n (scipy). */
  maxIter?: number;
  maxEvals?: number;
  /** Dimension-dependent coefficients of Gao & Han, Comput. Optim. Appl. 51, 2012. Default false. */
  adaptive?: boolean;
  /** n+1 starting vertices; default x0 plus x0 with one coordinate scaled by 1.05 (0.00025 if it is 0), as scipy. */
  initialSimplex?: Float64Array[];
  callback?: Callback;
}

/**
 * J. A. Nelder & R. Mead, "A simplex method for function minimization", The Computer Journal 7(4), 1965,
 * in the form analysed by Lagarias, Reeds, Wright & Wright (SIAM J. Optim. 9(1), 1998): reflection ρ = 1,
 * expansion χ = 2, contraction ψ = ½, shrink σ = ½. The order of trials, the initial simplex and the
 * stopping test follow scipy's `_minimize_neldermead`, so evaluation counts are comparable.
 */
export function nelderMead(obj: Objective, x0: Float64Array, opts: NelderMeadOptions = {}): OptimizeResult {
  const n = obj.n;
  const xatol = opts.xatol ?? 1e-4;
  const fatol = opts.fatol ?? 1e-4;
  const maxIter = opts.maxIter ?? 200 * n;
  const maxEvals = opts.maxEvals ?? 200 * n;
  const [rho, chi, psi, sigma] = opts.adaptive ? [1, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n] : [1, 2, 0.5, 0.5];

  let sim: Float64Array[];
  if (opts.initialSimplex) {
    sim = opts.initialSimplex.map((v) => Float64Array.from(v));
    if (sim.length !== n + 1 || sim.some((v) => v.length !== n)) {
      throw new Error(`nelderMead: initialSimplex must hold ${n + 1} points of length ${n}, got ${sim.length} points`);
    }
  } else {
    sim = [Float64Array.from(x0)];
    for (let k = 0; k < n; k++) {
      const y = Float64Array.from(x0);
      y[k] = y[k] !== 0 ? 1.05 * y[k]! : 0.00025;
      sim.push(y);
    }
  }
  let fsim = sim.map((v) => obj.value(v));
  const sortSimplex = (): void => {
    const order = fsim.map((_, i) => i).sort((a, b) => fsim[a]! - fsim[b]!);
    sim = order.map((i) => sim[i]!);
    fsim = order.map((i) => fsim[i]!);
  };
  sortSimplex();
  const trajectory: TrajectoryPoint[] = [{ x: Float64Array.from(sim[0]!), fun: fsim[0]!, nfev: obj.nfev }];
  const combine = (a: number, xbar: Float64Array, b: number, worst: Float64Array): Float64Array =>
    xbar.map((v, i) => a * v + b * worst[i]!);

  let iterations = 1;
  let stopped = false;
  while (obj.nfev < maxEvals && iterations < maxIter) {
    let xSpread = 0, fSpread = 0;
    for (let j = 1; j <= n; j++) {
      for (let i = 0; i < n; i++) xSpread = Math.max(xSpread, Math.abs(sim[j]![i]! - sim[0]![i]!));
      fSpread = Math.max(fSpread, Math.abs(fsim[0]! - fsim[j]!));
    }
    if (xSpread <= xatol && fSpread <= fatol) break;
    const xbar = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) xbar[i] = xbar[i]! + sim[j]![i]! / n;
    const worst = sim[n]!;
    const xr = combine(1 + rho, xbar, -rho, worst);
    const fxr = obj.value(xr);
    let shrink = false;
    if (fxr < fsim[0]!) {
      const xe = combine(1 + rho * chi, xbar, -rho * chi, worst);
      const fxe = obj.value(xe);
      if (fxe < fxr) { sim[n] = xe; fsim[n] = fxe; } else { sim[n] = xr; fsim[n] = fxr; }
    } else if (fxr < fsim[n - 1]!) {
      sim[n] = xr; fsim[n] = fxr;
    } else if (fxr < fsim[n]!) {
      // Outside contraction.
      const xc = combine(1 + psi * rho, xbar, -psi * rho, worst);
      const fxc = obj.value(xc);
      if (fxc <= fxr) { sim[n] = xc; fsim[n] = fxc; } else shrink = true;
    } else {
      // Inside contraction.
      const xcc = combine(1 - psi, xbar, psi, worst);
      const fxcc = obj.value(xcc);
      if (fxcc < fsim[n]!) { sim[n] = xcc; fsim[n] = fxcc; } else shrink = true;
    }
    if (shrink) {
      for (let j = 1; j <= n; j++) {
        sim[j] = sim[j]!.map((v, i) => sim[0]![i]! + sigma * (v - sim[0]![i]!));
        fsim[j] = obj.value(sim[j]!);
      }
    }
    iterations++;
    sortSimplex();
    trajectory.push({ x: Float64Array.from(sim[0]!), fun: fsim[0]!, nfev: obj.nfev });
    if (opts.callback?.({ iteration: iterations, x: sim[0]!, fun: fsim[0]!, grad: new Float64Array(0) })) {
      stopped = true;
      break;
    }
  }
  const hitEvals = obj.nfev >= maxEvals;
  const hitIter = iterations >= maxIter;
  const success = !stopped && !hitEvals && !hitIter;
  const message = stopped ? "Stopped by callback." : hitEvals ? "Maximum number of function evaluations has been exceeded." : hitIter ? "Maximum number of iterations has been exceeded." : "Optimization terminated successfully.";
  return {
    x: sim[0]!, fun: fsim[0]!, grad: new Float64Array(0), nit: iterations,
    nfev: obj.nfev, ngev: obj.ngev, nhev: obj.nhev, success, message, trajectory,
  };
}
