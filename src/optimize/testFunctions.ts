// Classic optimization test problems with analytic gradients and Hessians (row-major n×n).

import { Generator } from "../random/Generator.js";
import type { GradientFn, HessianFn, ObjectiveFn } from "./types.js";

/** A test problem: objective, its exact derivatives, and its known minimizer where there is one. */
export interface TestProblem {
  name: string;
  n: number;
  fn: ObjectiveFn;
  grad: GradientFn;
  hess: HessianFn;
  /** A global minimizer and the minimum value. */
  xmin: Float64Array;
  fmin: number;
}

function checkDim(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: dimension must be an integer ≥ ${min}, got ${n}`);
}

/** f(x) = Σ xᵢ²; minimum 0 at 0. */
export function sphere(n: number): TestProblem {
  checkDim("sphere", n);
  return {
    name: "sphere", n, xmin: new Float64Array(n), fmin: 0,
    fn: (x) => { let s = 0; for (const v of x) s += v * v; return s; },
    grad: (x) => x.map((v) => 2 * v),
    hess: (x) => { const h = new Float64Array(n * n); for (let i = 0; i < n; i++) h[i * n + i] = 2; return h; },
  };
}

/**
 * Rosenbrock's function in n ≥ 2 dimensions, in scipy's form (`scipy.optimize.rosen`):
 * f(x) = Σ_{i<n−1} 100(x_{i+1} − xᵢ²)² + (1 − xᵢ)²; minimum 0 at (1, …, 1).
 * H. H. Rosenbrock, "An automatic method for finding the greatest or least value of a function",
 * The Computer Journal 3(3), 1960.
 */
export function rosenbrock(n = 2): TestProblem {
  checkDim("rosenbrock", n, 2);
  return {
    name: `rosenbrock-${n}d`, n, xmin: new Float64Array(n).fill(1), fmin: 0,
    fn: (x) => {
      let s = 0;
      for (let i = 0; i < n - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
      return s;
    },
    // ∂f/∂xⱼ = 200(xⱼ − x_{j−1}²) − 400xⱼ(x_{j+1} − xⱼ²) − 2(1 − xⱼ), with the terms that exist at the ends.
    grad: (x) => {
      const g = new Float64Array(n);
      for (let i = 0; i < n - 1; i++) {
        const r = x[i + 1]! - x[i]! ** 2;
        g[i] = g[i]! - 400 * x[i]! * r - 2 * (1 - x[i]!);
        g[i + 1] = g[i + 1]! + 200 * r;
      }
      return g;
    },
    // Tridiagonal: ∂²f/∂xᵢ² = 1200xᵢ² − 400x_{i+1} + 2 (+200 if i > 0), ∂²f/∂xᵢ∂x_{i+1} = −400xᵢ.
    hess: (x) => {
      const h = new Float64Array(n * n);
      for (let i = 0; i < n - 1; i++) {
        h[i * n + i] = h[i * n + i]! + 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
        h[(i + 1) * n + i + 1] = h[(i + 1) * n + i + 1]! + 200;
        h[i * n + i + 1] = -400 * x[i]!;
        h[(i + 1) * n + i] = -400 * x[i]!;
      }
      return h;
    },
  };
}

/** Rastrigin: f(x) = 10n + Σ (xᵢ² − 10 cos 2πxᵢ); highly multimodal, minimum 0 at 0. */
export function rastrigin(n: number): TestProblem {
  checkDim("rastrigin", n);
  const tau = 2 * Math.PI;
  return {
    name: `rastrigin-${n}d`, n, xmin: new Float64Array(n), fmin: 0,
    fn: (x) => { let s = 10 * n; for (const v of x) s += v * v - 10 * Math.cos(tau * v); return s; },
    grad: (x) => x.map((v) => 2 * v + 10 * tau * Math.sin(tau * v)),
    hess: (x) => {
      const h = new Float64Array(n * n);
      for (let i = 0; i < n; i++) h[i * n + i] = 2 + 10 * tau * tau * Math.cos(tau * x[i]!);
      return h;
    },
  };
}

/**
 * Ackley: f(x) = −20 exp(−0.2 r) − exp(Σ cos(2πxᵢ)/n) + 20 + e with r = √(Σxᵢ²/n); minimum 0 at 0,
 * where f is not differentiable (the gradient returned there is 0, the Hessian NaN).
 */
export function ackley(n: number): TestProblem {
  checkDim("ackley", n);
  const tau = 2 * Math.PI;
  const parts = (x: Float64Array): { r: number; e1: number; e2: number } => {
    let sq = 0, cs = 0;
    for (const v of x) { sq += v * v; cs += Math.cos(tau * v); }
    const r = Math.sqrt(sq / n);
    return { r, e1: Math.exp(-0.2 * r), e2: Math.exp(cs / n) };
  };
  return {
    name: `ackley-${n}d`, n, xmin: new Float64Array(n), fmin: 0,
    fn: (x) => { const { e1, e2 } = parts(x); return -20 * e1 - e2 + 20 + Math.E; },
    // ∂f/∂xᵢ = a(r)xᵢ + b sin(2πxᵢ) with a(r) = 4e^{−0.2r}/(nr), b = (2π/n)e^{Σcos/n}.
    grad: (x) => {
      const { r, e1, e2 } = parts(x);
      const a = r === 0 ? 0 : (4 * e1) / (n * r);
      const b = (tau / n) * e2;
      return x.map((v) => a * v + b * Math.sin(tau * v));
    },
    // ∂²f/∂xᵢ∂xⱼ = a δᵢⱼ + a'(r) xᵢxⱼ/(nr) + 2πb cos(2πxᵢ) δᵢⱼ − (2π/n) b sin(2πxᵢ) sin(2πxⱼ),
    // a'(r) = (4/n) e^{−0.2r} (−0.2/r − 1/r²).
    hess: (x) => {
      const { r, e1, e2 } = parts(x);
      const h = new Float64Array(n * n);
      if (r === 0) return h.fill(Number.NaN);
      const a = (4 * e1) / (n * r);
      const da = (4 / n) * e1 * (-0.2 / r - 1 / (r * r));
      const b = (tau / n) * e2;
      for (let i = 0; i < n; i++) {
        const si = Math.sin(tau * x[i]!);
        for (let j = 0; j < n; j++) {
          const sj = Math.sin(tau * x[j]!);
          let v = (da * x[i]! * x[j]!) / (n * r) - (tau / n) * b * si * sj;
          if (i === j) v += a + tau * b * Math.cos(tau * x[i]!);
          h[i * n + j] = v;
        }
      }
      return h;
    },
  };
}

/**
 * Beale's function (2-D): f = Σ_{k=1..3} (c_k − x + x y^k)² with c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5).
 * E. M. L. Beale, "On an iterative method for finding a local minimum of a function of more than one
 * variable", Tech. Rep. 25, Princeton Univ., 1958.
 */
export function beale(): TestProblem {
  const c = [1.5, 2.25, 2.625];
  // t_k = c_k − x + x y^k; ∇t_k = (y^k − 1, k x y^{k−1}); ∇²t_k = [[0, k y^{k−1}], [k y^{k−1}, k(k−1) x y^{k−2}]].
  const terms = (p: Float64Array) => {
    const x = p[0]!, y = p[1]!;
    return c.map((ck, i) => {
      const k = i + 1;
      return {
        t: ck - x + x * y ** k,
        gx: y ** k - 1,
        gy: k * x * y ** (k - 1),
        hxy: k * y ** (k - 1),
        hyy: k === 1 ? 0 : k * (k - 1) * x * y ** (k - 2),
      };
    });
  };
  return {
    name: "beale", n: 2, xmin: Float64Array.of(3, 0.5), fmin: 0,
    fn: (p) => terms(p).reduce((s, q) => s + q.t * q.t, 0),
    grad: (p) => {
      const g = new Float64Array(2);
      for (const q of terms(p)) { g[0] = g[0]! + 2 * q.t * q.gx; g[1] = g[1]! + 2 * q.t * q.gy; }
      return g;
    },
    hess: (p) => {
      let hxx = 0, hxy = 0, hyy = 0;
      for (const q of terms(p)) {
        hxx += 2 * q.gx * q.gx;
        hxy += 2 * (q.gx * q.gy + q.t * q.hxy);
        hyy += 2 * (q.gy * q.gy + q.t * q.hyy);
      }
      return Float64Array.of(hxx, hxy, hxy, hyy);
    },
  };
}

/** A quadratic f(x) = ½(x − x*)ᵀA(x − x*) with its matrix exposed. */
export interface QuadraticProblem extends TestProblem {
  /** The SPD matrix A (row-major) and its eigenvalues (ascending). */
  A: Float64Array;
  eigenvalues: Float64Array;
}

/**
 * Ill-conditioned quadratic f(x) = ½(x − x*)ᵀA(x − x*) with A = Q diag(λ) Qᵀ, eigenvalues λ spaced
 * geometrically from 1 to `condition` (so cond(A) = `condition` exactly), Q a random rotation
 * (Gram–Schmidt of a Gaussian matrix drawn from `seed`) or the identity when `rotate` is false.
 */
export function quadratic(
  n: number,
  condition: number,
  opts: { seed?: number; rotate?: boolean; xmin?: Float64Array } = {},
): QuadraticProblem {
  checkDim("quadratic", n);
  if (!(condition >= 1)) throw new Error(`quadratic: condition number must be ≥ 1, got ${condition}`);
  const xmin = opts.xmin ?? new Float64Array(n);
  if (xmin.length !== n) throw new Error(`quadratic: xmin has length ${xmin.length}, expected ${n}`);
  const eigenvalues = Float64Array.from({ length: n }, (_, i) => (n === 1 ? 1 : condition ** (i / (n - 1))));
  const q = opts.rotate === false ? identity(n) : randomRotation(n, new Generator(opts.seed ?? 0));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * eigenvalues[k]! * q[j * n + k]!;
      A[i * n + j] = s;
    }
  }
  const grad = (x: Float64Array): Float64Array => {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j]! * (x[j]! - xmin[j]!);
      g[i] = s;
    }
    return g;
  };
  return {
    name: `quadratic-${n}d-cond${condition}`, n, xmin, fmin: 0, A, eigenvalues,
    fn: (x) => {
      const g = grad(x);
      let s = 0;
      for (let i = 0; i < n; i++) s += 0.5 * (x[i]! - xmin[i]!) * g[i]!;
      return s;
    },
    grad,
    hess: () => Float64Array.from(A),
  };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** Orthogonal matrix from modified Gram–Schmidt on the columns of a standard-normal matrix. */
function randomRotation(n: number, gen: Generator): Float64Array {
  const q = Float64Array.from({ length: n * n }, () => gen.normal());
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < k; j++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += q[i * n + j]! * q[i * n + k]!;
      for (let i = 0; i < n; i++) q[i * n + k] = q[i * n + k]! - d * q[i * n + j]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + k] = q[i * n + k]! / norm;
  }
  return q;
}

/**
 * L2-regularized logistic-regression loss on features X (m×d, row-major) and labels y ∈ {0, 1}:
 * L(w) = (1/m) Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ/2)‖w‖², z = Xw.
 * ∇L = Xᵀ(σ(z) − y)/m + λw, ∇²L = Xᵀ diag(σ(1 − σ)) X / m + λI. Strictly convex when λ > 0.
 * The minimizer is not known in closed form: `xmin` is NaN.
 */
export function logisticRegression(X: Float64Array, y: ArrayLike<number>, opts: { l2?: number } = {}): TestProblem {
  const m = y.length;
  if (m === 0 || X.length % m !== 0) {
    throw new Error(`logisticRegression: X has ${X.length} entries, not a multiple of the ${m} labels`);
  }
  const d = X.length / m;
  const lambda = opts.l2 ?? 0;
  for (let i = 0; i < m; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`logisticRegression: label y[${i}] = ${y[i]}, expected 0 or 1`);
  }
  const logits = (w: Float64Array): Float64Array => {
    const z = new Float64Array(m);
    for (let i = 0; i < m; i++) { let s = 0; for (let j = 0; j < d; j++) s += X[i * d + j]! * w[j]!; z[i] = s; }
    return z;
  };
  // log(1 + e^z) without overflow.
  const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
  const wsq = (w: Float64Array): number => { let s = 0; for (const v of w) s += v * v; return s; };
  return {
    name: "logistic-regression", n: d, xmin: new Float64Array(d).fill(Number.NaN), fmin: Number.NaN,
    fn: (w) => {
      const z = logits(w);
      let s = 0;
      for (let i = 0; i < m; i++) s += softplus(z[i]!) - y[i]! * z[i]!;
      return s / m + 0.5 * lambda * wsq(w);
    },
    grad: (w) => {
      const z = logits(w);
      const g = new Float64Array(d);
      for (let i = 0; i < m; i++) {
        const r = sigmoid(z[i]!) - y[i]!;
        for (let j = 0; j < d; j++) g[j] = g[j]! + (r * X[i * d + j]!) / m;
      }
      for (let j = 0; j < d; j++) g[j] = g[j]! + lambda * w[j]!;
      return g;
    },
    hess: (w) => {
      const z = logits(w);
      const h = new Float64Array(d * d);
      for (let i = 0; i < m; i++) {
        const s = sigmoid(z[i]!);
        const c = (s * (1 - s)) / m;
        for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) h[j * d + k] = h[j * d + k]! + c * X[i * d + j]! * X[i * d + k]!;
      }
      for (let j = 0; j < d; j++) h[j * d + j] = h[j * d + j]! + lambda;
      return h;
    },
  };
}
