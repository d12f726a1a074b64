// Special functions of the CPU reference backend: log-gamma, digamma, polygamma (through the Hurwitz
// zeta function), the regularized incomplete gamma function, and the implicit reparameterization
// gradient of a Gamma sample (Figurnov et al. 2018), with their kernels.
import type { PrimParams } from "../../autograd/prims.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocateUninitialized } from "../pool.js";
import { broadcastShapes } from "../../tensor/shape.js";
import { binaryLoop, unaryLoop } from "./strided.js";

const EULER_GAMMA = 0.57721566490153286061;
const LOG_SQRT_2PI = 0.91893853320467274178;
/** Cephes' MACHEP: 2⁻⁵³. */
const MACHEP = 1.11022302462515654042e-16;

/** sin(πx) with the argument reduced exactly first (accurate at large |x| and near integers). */
function sinPi(x: number): number {
  let r = x - 2 * Math.round(x / 2); // r in [−1, 1], exact
  let sign = 1;
  if (r < 0) {
    r = -r;
    sign = -1;
  }
  if (r > 0.5) r = 1 - r; // sin(π(1 − r)) = sin(πr), exact for r in [0.5, 1]
  return sign * Math.sin(Math.PI * r);
}

/**
 * Hurwitz zeta ζ(s, q) = Σₖ (q + k)^−s for s > 1: direct summation until q + k > 9, then the
 * Euler–Maclaurin tail (Cephes `zeta`, as PyTorch). q ≤ 0 works for integer s away from the poles.
 */
export function zeta(s: number, q: number): number {
  if (Number.isNaN(s) || Number.isNaN(q)) return NaN;
  if (s === 1) return Infinity;
  if (s < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (s !== Math.floor(s)) return NaN; // q^−s is not real
  }
  // Euler–Maclaurin coefficients (2k)!/B₂ₖ.
  const A = [
    12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
    -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17,
    -7.1661652561756670113e18,
  ];
  let sum = Math.pow(q, -s);
  let a = q, b = 0, i = 0;
  while (i < 9 || a <= 9) {
    i++;
    a += 1;
    b = Math.pow(a, -s);
    sum += b;
    if (Math.abs(b / sum) < MACHEP) return sum;
  }
  const w = a;
  sum += (b * w) / (s - 1);
  sum -= 0.5 * b;
  let fac = 1, k = 0;
  for (let j = 0; j < 12; j++) {
    fac *= s + k;
    b /= w;
    const t = (fac * b) / A[j]!;
    sum += t;
    if (Math.abs(t / sum) < MACHEP) return sum;
    k += 1;
    fac *= s + k;
    b /= w;
    k += 1;
  }
  return sum;
}

/** (−1)ᵏ ζ(k)/k for k = 2…: the Taylor coefficients of log Γ(1 + z) = −γz + Σ (−1)ᵏ ζ(k) zᵏ / k. */
const LGAMMA1P_COEFFS: number[] = [];
for (let k = 2; k <= 64; k++) LGAMMA1P_COEFFS.push(((k % 2 === 0 ? 1 : -1) * zeta(k, 1)) / k);

/** log Γ(1 + z) for |z| ≤ 0.5 by its Taylor series (accurate near the zeros of log Γ at 1 and 2). */
function lgamma1p(z: number): number {
  let sum = 0, zk = z;
  for (let i = 0; i < LGAMMA1P_COEFFS.length; i++) {
    zk *= z;
    const term = LGAMMA1P_COEFFS[i]! * zk;
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum - EULER_GAMMA * z;
}

/** log Γ(x) by Stirling's series for x ≥ 10 (the next term is below 10⁻¹⁷ relative). */
function lgammaStirling(x: number): number {
  const z = 1 / (x * x);
  // Σ B₂ₖ / (2k(2k − 1) x^(2k−1))
  const series =
    (1 / 12 + z * (-1 / 360 + z * (1 / 1260 + z * (-1 / 1680 + z * (1 / 1188 + z * (-691 / 360360 + z * (1 / 156 + z * (-3617 / 122400)))))))) / x;
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + series;
}

/** log |Γ(x)|; +∞ at the poles (x = 0, −1, −2, …) and at ±∞, as C's lgamma. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return Infinity;
  if (x <= 0 && x === Math.floor(x)) return Infinity;
  if (x < 0) return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x); // Γ(x)Γ(1 − x) = π / sin(πx)
  if (x < 0.5) return lgamma1p(x) - Math.log(x); // Γ(x) = Γ(1 + x) / x
  if (x < 1.5) return lgamma1p(x - 1);
  if (x < 2.5) return Math.log1p(x - 2) + lgamma1p(x - 2); // Γ(x) = (x − 1) Γ(x − 1)
  if (x >= 10) return lgammaStirling(x);
  // Γ(x) = Γ(x + n) / (x (x + 1) … (x + n − 1)), shifted into Stirling's range
  let prod = 1, y = x;
  while (y < 10) {
    prod *= y;
    y += 1;
  }
  return lgammaStirling(y) - Math.log(prod);
}

/**
 * ψ(x) = d log Γ(x)/dx: reflection for x < 0, recurrence up to x ≥ 10, then the asymptotic series
 * (Cephes `psi`, as PyTorch's calc_digamma: −∞ at +0, +∞ at −0, NaN at the negative integers).
 */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x === Infinity) return Infinity;
  if (x < 0) {
    if (x === Math.floor(x)) return NaN;
    // ψ(1 − x) − ψ(x) = π cot(πx)
    const r = x - Math.trunc(x);
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * r);
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x === 10) return result + 2.25175258906672110764;
  // ψ(x) ~ log x − 1/(2x) − Σ B₂ₖ / (2k x^(2k))
  const A = [
    8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3, -4.16666666666666666667e-3,
    3.96825396825396825397e-3, -8.33333333333333333333e-3, 8.33333333333333333333e-2,
  ];
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    let p = A[0]!;
    for (let i = 1; i < A.length; i++) p = p * z + A[i]!;
    y = z * p;
  }
  return result + Math.log(x) - 0.5 / x - y;
}

/** ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function: (−1)ⁿ⁺¹ n! ζ(n + 1, x) for n ≥ 1. */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  return (n % 2 === 1 ? 1 : -1) * factorial * zeta(n + 1, x);
}

/** The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) (series, or 1 − Q by continued fraction). */
export function gammainc(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
  }
  return 1 - gammaincc(a, x);
}

/** The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x). */
export function gammaincc(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x < a + 1) return 1 - gammainc(a, x);
  return upperGammaFraction(a, x).h * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

const FPMIN = 1e-300;

/**
 * Legendre's continued fraction h(a, x) with Γ(a, x) = e^(−x) xᵃ h (modified Lentz, Numerical Recipes
 * `gcf`), carried in forward mode: also returns h' = ∂h/∂a. Converges for x ≥ a + 1.
 */
function upperGammaFraction(a: number, x: number): { h: number; dh: number } {
  // Every quantity travels with its derivative with respect to a.
  let b = x + 1 - a;
  const db = -1;
  let c = 1 / FPMIN, dc = 0;
  let d = 1 / b, dd = 1 / (b * b);
  let h = d, dh = dd;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a), dan = i;
    b += 2;
    let dn = an * d + b;
    const ddn = dan * d + an * dd + db;
    if (Math.abs(dn) < FPMIN) dn = FPMIN;
    let cn = b + an / c;
    const dcn = db + (dan * c - an * dc) / (c * c);
    if (Math.abs(cn) < FPMIN) cn = FPMIN;
    d = 1 / dn;
    dd = -ddn / (dn * dn);
    c = cn;
    dc = dcn;
    const del = d * c, ddel = dd * c + d * dc;
    dh = dh * del + h * ddel;
    h *= del;
    if (Math.abs(del - 1) < 1e-16 && Math.abs(h * ddel) <= 1e-16 * Math.abs(dh)) break;
  }
  return { h, dh };
}

/**
 * ∂x/∂α of a standard Gamma(α, 1) sample x at fixed CDF value (implicit reparameterization,
 * Figurnov et al. 2018, https://arxiv.org/abs/1805.08498): −(∂P(α, x)/∂α) / p(x; α), the role of
 * PyTorch's `_standard_gamma_grad`. Computed to near machine precision instead of PyTorch's
 * approximation: with P(α, x) = e^(−x) xᵅ Σₙ xⁿ/Γ(α + n + 1),
 *   x < α + 1:  ∂x/∂α = −x Σₙ tₙ (log x − ψ(α + n + 1)),  tₙ = Γ(α) xⁿ / Γ(α + n + 1)  (all terms one sign
 *               but the first);
 *   otherwise:  with Q(α, x) = e^(−x) xᵅ h / Γ(α) by the continued fraction,
 *               ∂x/∂α = ∂Q/∂α / p = x (h (log x − ψ(α)) + ∂h/∂α).
 * A sample that underflowed to 0 gets gradient 0 (as PyTorch).
 */
export function standardGammaGrad(alpha: number, x: number): number {
  if (Number.isNaN(alpha) || Number.isNaN(x)) return NaN;
  if (x === 0) return 0;
  if (!(alpha > 0) || x < 0 || x === Infinity) return NaN;
  const logx = Math.log(x);
  if (x < alpha + 1) {
    let t = 1 / alpha;
    let psi = digamma(alpha + 1);
    let sum = t * (logx - psi);
    for (let n = 1; n < 1000000; n++) {
      psi += 1 / (alpha + n); // ψ(α + n + 1) = ψ(α + n) + 1/(α + n)
      t *= x / (alpha + n);
      const term = t * (logx - psi);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    }
    return -x * sum;
  }
  const { h, dh } = upperGammaFraction(alpha, x);
  return x * (h * (logx - digamma(alpha)) + dh);
}

// Kernels are function declarations (hoisted): the backend table may be built while this module is
// still loading (tensor → backend → here is an import cycle).

/** f applied elementwise, in the input's dtype. */
function unarySpecial(x: TensorView, f: (v: number) => number): TensorView {
  const out = allocateUninitialized(x.dtype, x.size); // every element is written below
  unaryLoop(out, x, f);
  return viewFromData(out, x.shape, x.dtype);
}

export function lgammaKernel(inputs: readonly TensorView[]): TensorView {
  return unarySpecial(inputs[0]!, lgamma);
}
export function digammaKernel(inputs: readonly TensorView[]): TensorView {
  return unarySpecial(inputs[0]!, digamma);
}
export function polygammaKernel(inputs: readonly TensorView[], params: PrimParams["polygamma"]): TensorView {
  return unarySpecial(inputs[0]!, (v) => polygamma(params.n, v));
}

/** ∂x/∂α elementwise over broadcast (α, x). */
export function standardGammaGradKernel(inputs: readonly TensorView[]): TensorView {
  const [alpha, x] = inputs as [TensorView, TensorView];
  const shape = broadcastShapes("standardGammaGrad", alpha.shape, x.shape);
  let size = 1;
  for (const s of shape) size *= s;
  const out = allocateUninitialized(x.dtype, size); // every element is written below
  binaryLoop(out, alpha, x, shape, standardGammaGrad);
  return viewFromData(out, shape, x.dtype);
}

/** The reparameterized sample's value is the sample itself (the primitive exists for its gradient). */
export function standardGammaReparamKernel(inputs: readonly TensorView[]): TensorView {
  return unarySpecial(inputs[1]!, (v) => v);
}
