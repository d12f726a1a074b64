// The Fréchet distance between Gaussians fitted to two feature sets (the quantity FID computes on Inception features).
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { describe } from "../tensor/validate.js";
import { eigh } from "../ops/linalg.js";
import { noGrad } from "../autograd/engine.js";

/**
 * d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½), the squared 2-Wasserstein distance between
 * N(μ₁, Σ₁) and N(μ₂, Σ₂) (Dowson & Landau 1982). tr((Σ₁^½ Σ₂ Σ₁^½)^½) equals tr(sqrtm(Σ₁Σ₂)), the form
 * FID implementations use; here it comes from two symmetric eigendecompositions in float64.
 */
export function gaussianFrechetDistance(mu1: Tensor, sigma1: Tensor, mu2: Tensor, sigma2: Tensor): number {
  const op = "gaussianFrechetDistance";
  const d = mu1.shape[0];
  for (const [name, t, shape] of [["mu1", mu1, [d]], ["mu2", mu2, [d]], ["sigma1", sigma1, [d, d]], ["sigma2", sigma2, [d, d]]] as const) {
    if (!(t instanceof Tensor) || t.ndim !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      throw new Error(`${op}: ${name} must have shape ${fmtShape([...shape])}, got ${t instanceof Tensor ? fmtShape(t.shape) : describe(t)}`);
    }
  }
  return noGrad(() => {
    const [m1, s1, m2, s2] = [mu1, sigma1, mu2, sigma2].map((t) => t.to("float64")) as [Tensor, Tensor, Tensor, Tensor];
    const { eigenvalues: l1, eigenvectors: v1 } = eigh(s1);
    const sqrt1 = v1.mul(l1.clamp({ min: 0 }).sqrt()).matmul(v1.t()); // V diag(√λ) Vᵀ
    const middle = sqrt1.matmul(s2).matmul(sqrt1);
    const symmetric = middle.add(middle.t()).mul(0.5); // (Σ₁^½ Σ₂ Σ₁^½), symmetrized against rounding
    const traceSqrt = eigh(symmetric).eigenvalues.clamp({ min: 0 }).sqrt().sum().item();
    const meanTerm = m1.sub(m2).square().sum().item();
    return meanTerm + trace(s1) + trace(s2) - 2 * traceSqrt;
  });
}

/** The Fréchet distance between Gaussians fitted (mean, covariance with n − 1) to features a [N, d] and b [M, d]. */
export function frechetDistance(a: Tensor, b: Tensor): number {
  const op = "frechetDistance";
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.ndim !== 2 || b.ndim !== 2 || a.shape[1] !== b.shape[1] || a.shape[0]! < 2 || b.shape[0]! < 2) {
    throw new Error(`${op}: features must be [N, d] and [M, d] with N, M ≥ 2 and the same d, got ${a instanceof Tensor ? fmtShape(a.shape) : describe(a)} and ${b instanceof Tensor ? fmtShape(b.shape) : describe(b)}`);
  }
  const [ma, ca] = meanCov(a), [mb, cb] = meanCov(b);
  return gaussianFrechetDistance(ma, ca, mb, cb);
}

function meanCov(x: Tensor): [Tensor, Tensor] {
  return noGrad(() => {
    const f = x.to("float64");
    const mean = f.mean(0);
    const centred = f.sub(mean);
    return [mean, centred.t().matmul(centred).div(f.shape[0]! - 1)];
  });
}

function trace(m: Tensor): number {
  const n = m.shape[0]!, data = m.contiguous().dataSync();
  let t = 0;
  for (let i = 0; i < n; i++) t += Number(data[i * n + i]);
  return t;
}
