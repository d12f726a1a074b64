// Vectorized float32 exp, log, tanh and sigmoid (4 lanes at a time).
//
// The polynomials are those of the Cephes library's expf, logf and tanhf (S. L. Moshier, "Methods and
// Programs for Mathematical Functions", Prentice-Hall 1989; http://www.netlib.org/cephes/), whose
// stated peak relative errors over the full float32 range are 1.7e-7 (expf), 7.6e-8 (logf) and
// 8.2e-8 (tanhf). Branches of the scalar originals become lane selects.

const LOG2E: f32 = 1.44269504088896341;
/** ln 2 split in two: C1 has few significant bits so n·C1 is exact for |n| ≤ 2^15. */
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** y · 2^n for integer lanes n in [-150, 128], scaling twice by half of n so that neither power
 *  overflows or underflows on its own (only the final product may). */
@inline function scalePow2(y: v128, n: v128): v128 {
  const half = i32x4.shr_s(n, 1);
  const rest = i32x4.sub(n, half);
  const bias = i32x4.splat(127);
  return f32x4.mul(f32x4.mul(y, i32x4.shl(i32x4.add(half, bias), 23)), i32x4.shl(i32x4.add(rest, bias), 23));
}

/** e^x. exp(x) = 2^n · e^r with n = round(x / ln 2), |r| ≤ ln(2)/2, e^r by a degree-7 polynomial. */
@inline export function expV(x: v128): v128 {
  // Below -104, e^x is under half the smallest subnormal; above 88.8 it overflows. NaN propagates.
  x = f32x4.min(f32x4.max(x, f32x4.splat(-104)), f32x4.splat(88.8));
  const fn = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(0.5)));
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  let y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  // Lanes clamped at −104 are 0 anyway; zeroing y first keeps scalePow2 from producing a subnormal
  // there, which x86 handles in a microcode assist ~100× slower than a normal multiply (masked
  // attention scores are −∞ in half of every causal row).
  y = v128.andnot(y, f32x4.le(x, f32x4.splat(-104)));
  return scalePow2(y, i32x4.trunc_sat_f32x4_s(fn));
}

/** ln x. x = m·2^e with m in [√½, √2); ln(1 + f) for f = m − 1 by Cephes' degree-9 polynomial. */
@inline export function logV(x: v128): v128 {
  // Subnormals: scale by 2^23 first so the exponent field is meaningful.
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  // m in [0.5, 1)
  let m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  // if m < √½: e -= 1, f = 2m − 1, else f = m − 1  (mask lanes are −1 in small)
  e = i32x4.add(e, small);
  const f = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.1514610310e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.1676998740e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(3.3333331174e-1));
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(f32x4.add(f, y), f32x4.mul(fe, f32x4.splat(LN2_HI)));
  // ln 0 = −∞, ln ∞ = ∞, ln(x < 0) = NaN, NaN stays NaN.
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x, f32x4.splat(Infinity)));
  const bad = v128.or(f32x4.lt(x, f32x4.splat(0)), f32x4.ne(x, x));
  return v128.bitselect(f32x4.splat(NaN), r, bad);
}

/** tanh x: an odd polynomial for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)). */
@inline export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const t = expV(f32x4.add(ax, ax));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(t, f32x4.splat(1))));
  // copy the sign of x onto big
  const signed = v128.or(v128.and(big, i32x4.splat(0x7fffffff)), v128.and(x, i32x4.splat(<i32>0x80000000)));
  const r = v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
  return v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(0))); // tanh(±0) = ±0
}

/** σ(x) = 1 / (1 + e^{−x}); for x → −∞ the quotient tends to 0 with full relative accuracy. */
@inline export function sigmoidV(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expV(f32x4.neg(x))));
}

/**
 * erf x. For |x| < 1 the Maclaurin series (2/√π)·x·Σₙ (−1)ⁿ x²ⁿ / (n!(2n+1)) to n = 11 (the next term is
 * below 1e-10); for |x| ≥ 1, erf = 1 − erfc with erfc(z) = t·exp(−z² − 1.26551223 + t·P(t)), t = 1/(1 + z/2),
 * the Chebyshev fit of Numerical Recipes (Press et al., 2nd ed., §6.2, "erfcc"; fractional error < 1.2e-7),
 * so the absolute error there stays below erfc(1)·2e-7 ≈ 3e-8. NaN propagates; erf(±∞) = ±1.
 */
@inline export function erfV(x: v128): v128 {
  const ax = f32x4.abs(x);
  // series branch (|x| < 1)
  const z = f32x4.mul(x, x);
  let s = f32x4.splat(-1.0 / 918086400.0);
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.0 / 76204800.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-1.0 / 6894720.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.0 / 685440.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-1.0 / 75600.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.0 / 9360.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-1.0 / 1320.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.0 / 216.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-1.0 / 42.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.0 / 10.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-1.0 / 3.0));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.0));
  const series = f32x4.mul(f32x4.mul(x, f32x4.splat(1.1283791670955126)), s);
  const small = f32x4.lt(ax, f32x4.splat(1));
  if (i32x4.all_true(small)) return series; // the common case (activations near 0): skip the erfc branch
  // erfc branch (|x| ≥ 1)
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(ax, f32x4.splat(0.5))));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const erfc = f32x4.mul(t, expV(f32x4.sub(p, f32x4.mul(ax, ax))));
  const tail = f32x4.sub(f32x4.splat(1), erfc); // erf |x|
  // copy the sign of x onto the tail (NaN lanes stay NaN)
  const signed = v128.or(tail, v128.and(x, i32x4.splat(<i32>0x80000000)));
  return v128.bitselect(series, signed, small);
}

/** GELU x·Φ(x) = ½x(1 + erf(x/√2)). */
@inline export function geluV(x: v128): v128 {
  const half = f32x4.mul(x, f32x4.splat(0.5));
  return f32x4.add(half, f32x4.mul(half, erfV(f32x4.mul(x, f32x4.splat(0.70710678118654752)))));
}

/** GELU's derivative Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π). */
@inline export function geluGradV(x: v128): v128 {
  const cdf = f32x4.mul(f32x4.splat(0.5), f32x4.add(f32x4.splat(1), erfV(f32x4.mul(x, f32x4.splat(0.70710678118654752)))));
  const pdf = f32x4.mul(f32x4.splat(0.39894228040143268), expV(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5))));
  return f32x4.add(cdf, f32x4.mul(x, pdf));
}
