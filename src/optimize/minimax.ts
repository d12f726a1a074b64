// Gradient descent–ascent for min_x max_y f(x, y): simultaneous, alternating and optimistic (OGDA).

/** A smooth two-player zero-sum objective: x minimizes, y maximizes. */
export interface MinimaxProblem {
  f?: (x: Float64Array, y: Float64Array) => number;
  /** ∇ₓf(x, y). */
  gradX: (x: Float64Array, y: Float64Array) => Float64Array;
  /** ∇ᵧf(x, y). */
  gradY: (x: Float64Array, y: Float64Array) => Float64Array;
}

export type MinimaxMethod = "gda" | "alternating-gda" | "ogda";

export interface MinimaxOptions {
  method?: MinimaxMethod;
  /** Step size η of both players (default 0.1); `lrY` overrides it for y. */
  lr?: number;
  lrY?: number;
  maxIter?: number;
  /** Stop when ‖(∇ₓf, ∇ᵧf)‖₂ ≤ tol. Default 0 (run all iterations). */
  tol?: number;
}

/**
 * What {@link minimax} returns: the final x and y, the number of iterations, the trajectory from the start
 * and whether the gradient-norm tolerance was reached.
 */
export interface MinimaxResult {
  x: Float64Array;
  y: Float64Array;
  nit: number;
  /** (x, y) after every iteration, the start included. */
  trajectory: { x: Float64Array; y: Float64Array }[];
  converged: boolean;
}

/**
 * - "gda" (simultaneous): xₜ₊₁ = xₜ − η∇ₓf(zₜ), yₜ₊₁ = yₜ + η∇ᵧf(zₜ). On the bilinear f(x, y) = xy the
 *   update is the matrix [[1, −η], [η, 1]], whose eigenvalues 1 ± iη have modulus √(1 + η²) > 1:
 *   the iterates spiral outward.
 * - "alternating-gda": x moves first, then y uses the new x. On f = xy the map [[1, −η], [η, 1 − η²]]
 *   has determinant 1 and, for η < 2, complex eigenvalues of modulus 1: the iterates cycle forever.
 * - "ogda" (optimistic): xₜ₊₁ = xₜ − 2η∇ₓf(zₜ) + η∇ₓf(zₜ₋₁), likewise for y with + signs. It converges
 *   on bilinear games for small η (Daskalakis, Ilyas, Syrgkanis & Zeng, "Training GANs with optimism",
 *   ICLR 2018; Mokhtari, Ozdaglar & Pattathil, AISTATS 2020).
 */
export function minimax(problem: MinimaxProblem, x0: ArrayLike<number>, y0: ArrayLike<number>, opts: MinimaxOptions = {}): MinimaxResult {
  const method = opts.method ?? "gda";
  const lrX = opts.lr ?? 0.1;
  const lrY = opts.lrY ?? lrX;
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 0;
  if (!(lrX > 0 && lrY > 0)) throw new Error(`minimax: step sizes must be > 0, got lr=${lrX}, lrY=${lrY}`);
  if (method !== "gda" && method !== "alternating-gda" && method !== "ogda") {
    throw new Error(`minimax: unknown method "${String(method)}" (use "gda", "alternating-gda" or "ogda")`);
  }
  let x = Float64Array.from(x0), y = Float64Array.from(y0);
  const trajectory = [{ x: Float64Array.from(x), y: Float64Array.from(y) }];
  let gxPrev: Float64Array | null = null, gyPrev: Float64Array | null = null;
  const norm = (a: Float64Array, b: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0) + b.reduce((s, v) => s + v * v, 0));
  for (let t = 0; t < maxIter; t++) {
    const gx = problem.gradX(x, y);
    const gy = problem.gradY(x, y);
    if (tol > 0 && norm(gx, gy) <= tol) return { x, y, nit: t, trajectory, converged: true };
    if (method === "gda") {
      x = x.map((v, i) => v - lrX * gx[i]!);
      y = y.map((v, i) => v + lrY * gy[i]!);
    } else if (method === "alternating-gda") {
      x = x.map((v, i) => v - lrX * gx[i]!);
      const gyNew = problem.gradY(x, y);
      y = y.map((v, i) => v + lrY * gyNew[i]!);
    } else {
      // First step has no past gradient: use the current one (a plain GDA step).
      const px = gxPrev ?? gx, py = gyPrev ?? gy;
      x = x.map((v, i) => v - 2 * lrX * gx[i]! + lrX * px[i]!);
      y = y.map((v, i) => v + 2 * lrY * gy[i]! - lrY * py[i]!);
      gxPrev = gx;
      gyPrev = gy;
    }
    trajectory.push({ x: Float64Array.from(x), y: Float64Array.from(y) });
  }
  const converged = tol > 0 && norm(problem.gradX(x, y), problem.gradY(x, y)) <= tol;
  return { x, y, nit: maxIter, trajectory, converged };
}

/** The bilinear game f(x, y) = xᵀy (scalar case f = xy): unique equilibrium at (0, 0). */
export const bilinear: MinimaxProblem = {
  f: (x, y) => x.reduce((s, v, i) => s + v * y[i]!, 0),
  gradX: (_x, y) => Float64Array.from(y),
  gradY: (x) => Float64Array.from(x),
};
