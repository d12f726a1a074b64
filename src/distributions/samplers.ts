// Scalar samplers on a seeded Generator: Gamma (Marsaglia–Tsang), Poisson (Knuth / PTRS), Gumbel.
import { Tensor } from "../tensor/Tensor.js";
import type { Generator } from "../random/Generator.js";
import { lgamma } from "../backend/cpu/special.js";
import { allocate } from "../tensor/dtype.js";
import { expand } from "../ops/movement.js";

/** One draw per element of `param` broadcast to `shape`, in row-major order: f(parameter value) (no gradient). */
export function drawEach(param: Tensor, shape: readonly number[], f: (p: number) => number): Tensor {
  const values = expand(param.detach(), shape).dataSync();
  const out = allocate(param.dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return Tensor.fromData(out, shape, param.dtype);
}

/** A uniform draw in (0, 1]: never 0, so its logarithm is finite. */
function uniformPositive(gen: Generator): number {
  return 1 - gen.random();
}

/**
 * A Gamma(α, 1) draw by Marsaglia & Tsang (2000), "A simple method for generating gamma variables":
 * squeeze and log acceptance tests on d·(1 + c·z)³ with z standard normal, d = α − 1/3, c = 1/√(9d).
 * For α < 1, the boost Gamma(α) = Gamma(α + 1) · U^(1/α).
 */
export function standardGamma(alpha: number, gen: Generator): number {
  if (!(alpha > 0)) return Number.NaN;
  if (alpha < 1) return standardGamma(alpha + 1, gen) * Math.pow(uniformPositive(gen), 1 / alpha);
  const d = alpha - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number, v: number;
    do {
      z = gen.normal();
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = uniformPositive(gen);
    const z2 = z * z;
    if (u < 1 - 0.0331 * z2 * z2) return d * v;
    if (Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A Poisson(λ) draw: Knuth's multiplication of uniforms for λ < 10, and for larger λ Hörmann's
 * transformed rejection with squeeze, PTRS (1993, "The transformed rejection method for generating
 * Poisson random variables"), as NumPy.
 */
export function poisson(rate: number, gen: Generator): number {
  if (!(rate >= 0)) return Number.NaN;
  if (rate === 0) return 0;
  if (rate < 10) {
    const limit = Math.exp(-rate);
    let k = 0, p = gen.random();
    while (p > limit) {
      k++;
      p *= gen.random();
    }
    return k;
  }
  const slam = Math.sqrt(rate), loglam = Math.log(rate);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = gen.random() - 0.5;
    const V = gen.random();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + rate + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -rate + k * loglam - lgamma(k + 1)) return k;
  }
}
