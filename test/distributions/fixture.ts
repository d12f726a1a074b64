// Reading test/fixtures/distributions/distributions.json (made by make_distributions_fixture.py with PyTorch
// and mpmath) and building the same distributions on the deepscript side.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const D = ds.distributions;

export interface Encoded {
  shape: number[];
  data: (number | string)[];
}
export interface Spec {
  type: string;
  params?: Record<string, unknown>;
  base?: Spec;
  n?: number;
}
type Grads = Record<string, Encoded>;
export interface MethodResult {
  value: Encoded;
  grads: Grads;
  gradsExact: Grads;
}
export interface Fixture {
  torch: string;
  special: { name: string; x: Encoded; torch: Encoded; torchGrad: Encoded; exact: number[] }[];
  standardGammaGrad: { alpha: number[]; x: number[]; exact: number[]; torch: number[] };
  cases: { name: string; spec: Spec; value: unknown; results: Record<string, MethodResult> }[];
  kl: { name: string; p: Spec; q: Spec; value: Encoded; grads: Grads; gradsExact: Grads }[];
  reparam: {
    name: string;
    kind: "Gamma" | "Beta" | "Dirichlet";
    alpha: Encoded;
    rate?: Encoded;
    draws: Encoded;
    weights: Encoded;
    value: Encoded;
    grad_exact: Grads;
    grad_torch: Grads;
  }[];
}

export const fixture = JSON.parse(readFileSync(new URL("../fixtures/distributions/distributions.json", import.meta.url), "utf8")) as Fixture;

export const decode = (e: Encoded): number[] => e.data.map((v) => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity));
export const f64 = (e: Encoded, requiresGrad = false): Tensor => ds.tensor(Float64Array.from(decode(e)), { shape: e.shape, dtype: "float64", requiresGrad });

/** Expects `actual` to have the encoded shape and values within atol + rtol·|expected| (NaN and ±∞ must match). */
export function expectClose(actual: Tensor, expected: Encoded, tol: { atol: number; rtol: number }, what: string): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const got = actual.toList(), want = decode(expected);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (!Number.isFinite(b)) {
      expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `${what}[${i}]: ${a} vs ${b}`).toBe(true);
      continue;
    }
    const err = Math.abs(a - b);
    if (!(err <= tol.atol + tol.rtol * Math.abs(b))) expect.fail(`${what}[${i}]: got ${a}, expected ${b} (|diff| ${err.toExponential(2)})`);
  }
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The deepscript distribution of a fixture spec, and its parameters as float64 leaves (keyed as in the fixture). */
export function build(spec: Spec): { dist: ds.distributions.Distribution; leaves: Record<string, Tensor> } {
  if (spec.type === "Independent") {
    const { dist, leaves } = build(spec.base!);
    return { dist: new D.Independent(dist, spec.n!), leaves };
  }
  const leaves: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(spec.params!)) leaves[k] = ds.tensor(v as number[], { dtype: "float64", requiresGrad: true });
  const p = (k: string): Tensor => leaves[k]!;
  const rest = (skip: string): Record<string, Tensor> => Object.fromEntries(Object.entries(leaves).filter(([k]) => k !== skip).map(([k, v]) => [camel(k), v]));
  switch (spec.type) {
    case "Normal": return { dist: new D.Normal(p("loc"), p("scale")), leaves };
    case "MultivariateNormal": return { dist: new D.MultivariateNormal(p("loc"), rest("loc")), leaves };
    case "Bernoulli": return { dist: new D.Bernoulli(rest("")), leaves };
    case "Categorical": return { dist: new D.Categorical(rest("")), leaves };
    case "OneHotCategorical": return { dist: new D.OneHotCategorical(rest("")), leaves };
    case "Beta": return { dist: new D.Beta(p("concentration1"), p("concentration0")), leaves };
    case "Gamma": return { dist: new D.Gamma(p("concentration"), p("rate")), leaves };
    case "Dirichlet": return { dist: new D.Dirichlet(p("concentration")), leaves };
    case "Uniform": return { dist: new D.Uniform(p("low"), p("high")), leaves };
    case "Laplace": return { dist: new D.Laplace(p("loc"), p("scale")), leaves };
    case "Exponential": return { dist: new D.Exponential(p("rate")), leaves };
    case "Poisson": return { dist: new D.Poisson(p("rate")), leaves };
    case "RelaxedBernoulli": return { dist: new D.RelaxedBernoulli(p("temperature"), rest("temperature")), leaves };
    case "RelaxedOneHotCategorical": return { dist: new D.RelaxedOneHotCategorical(p("temperature"), rest("temperature")), leaves };
    default: throw new Error(`unknown distribution ${spec.type}`);
  }
}

/** Gradients of out.sum() with respect to each leaf (zeros where none flows); the leaves must be fresh. */
export function gradsOf(out: Tensor, leaves: Record<string, Tensor>): Record<string, Tensor> {
  if (out.requiresGrad) out.sum().backward();
  return Object.fromEntries(Object.entries(leaves).map(([k, leaf]) => [k, leaf.grad ?? ds.zerosLike(leaf)]));
}
