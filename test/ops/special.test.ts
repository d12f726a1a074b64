// lgamma, digamma, polygamma and the Gamma implicit reparameterization gradient against mpmath (50 digits)
// and PyTorch (fixtures made by test/fixtures/distributions/make_distributions_fixture.py).
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { standardGammaGrad } from "../../src/ops/special.js";
import { expectClose, f64, fixture } from "../distributions/fixture.js";

const ops: Record<string, (x: ds.Tensor) => ds.Tensor> = {
  lgamma: ds.lgamma,
  digamma: ds.digamma,
  polygamma1: (x) => ds.polygamma(1, x),
  polygamma2: (x) => ds.polygamma(2, x),
  polygamma3: (x) => ds.polygamma(3, x),
};
/** The derivative each op's gradient must equal: lgamma' = ψ, ψ' = ψ⁽¹⁾, ψ⁽ⁿ⁾' = ψ⁽ⁿ⁺¹⁾. */
const derivative: Record<string, string> = { lgamma: "digamma", digamma: "polygamma1", polygamma1: "polygamma2", polygamma2: "polygamma3" };

describe("special functions", () => {
  for (const c of fixture.special) {
    it(`${c.name} equals mpmath to 1e-13 relative`, () => {
      const y = ops[c.name]!(f64(c.x));
      expectClose(y, { shape: c.x.shape, data: c.exact }, { atol: 1e-300, rtol: 1e-13 }, c.name);
    });
    it(`${c.name} equals PyTorch (its trigamma to 2e-9, the documented accuracy of its series)`, () => {
      const tol = c.name === "polygamma1" ? { atol: 1e-300, rtol: 2e-9 } : { atol: 1e-300, rtol: 1e-13 };
      expectClose(ops[c.name]!(f64(c.x)), c.torch, tol, c.name);
    });
    if (derivative[c.name]) {
      it(`the gradient of ${c.name} is ${derivative[c.name]} (mpmath values)`, () => {
        const x = f64(c.x, true);
        ops[c.name]!(x).sum().backward();
        const next = fixture.special.find((s) => s.name === derivative[c.name])!;
        expectClose(x.grad!, { shape: c.x.shape, data: next.exact }, { atol: 1e-300, rtol: 1e-13 }, `d ${c.name}`);
      });
    }
  }

  it("keep PyTorch's values at the poles and edges", () => {
    const x = ds.tensor([0, -0, -1, -2, Infinity, NaN], { dtype: "float64" });
    expect(ds.lgamma(x).toList()).toEqual([Infinity, Infinity, Infinity, Infinity, Infinity, NaN]);
    expect(ds.digamma(x).toList()).toEqual([-Infinity, Infinity, NaN, NaN, Infinity, NaN]);
  });

  it("take integer tensors as float32 and refuse a bad order n", () => {
    const y = ds.lgamma(ds.tensor([1, 2, 5], { dtype: "int32" }));
    expect(y.dtype).toBe("float32");
    expect(y.toList()[2]).toBeCloseTo(Math.log(24), 5);
    expect(() => ds.polygamma(-1, ds.tensor([1]))).toThrow("polygamma: n must be a non-negative integer, got -1");
    expect(() => ds.polygamma(1.5, ds.tensor([1]))).toThrow("polygamma: n must be an integer");
    expect(ds.polygamma(0, ds.tensor([2], { dtype: "float64" })).item()).toBeCloseTo(1 - 0.5772156649015329, 14);
  });
});

describe("standardGammaGrad (implicit reparameterization, Figurnov et al. 2018)", () => {
  const { alpha, x, exact, torch } = fixture.standardGammaGrad;
  const got = standardGammaGrad(ds.tensor(alpha, { dtype: "float64" }), ds.tensor(x, { dtype: "float64" })).toList();

  it("equals −(∂P(α, x)/∂α)/p(x; α) from mpmath to 1e-10 relative, from α = 0.001 to 5000 and CDF 1e-6 to 1 − 1e-7", () => {
    for (let i = 0; i < exact.length; i++) {
      expect(Math.abs(got[i]! - exact[i]!), `α=${alpha[i]}, x=${x[i]}`).toBeLessThanOrEqual(1e-10 * Math.abs(exact[i]!));
    }
  });

  it("agrees with PyTorch's approximation within its accuracy (≤ 3.5 % in the far tails, 0.5 % elsewhere)", () => {
    for (let i = 0; i < exact.length; i++) {
      const tail = alpha[i]! < 0.1 || x[i]! > 4 * alpha[i]! + 10;
      const rel = Math.abs(got[i]! - torch[i]!) / Math.abs(torch[i]!);
      expect(rel, `α=${alpha[i]}, x=${x[i]}: ours ${got[i]}, torch ${torch[i]}`).toBeLessThanOrEqual(tail ? 0.035 : 0.005);
    }
  });

  it("is 0 for a sample that underflowed to 0, as PyTorch", () => {
    expect(standardGammaGrad(ds.tensor([0.01]), ds.tensor([0])).toList()).toEqual([0]);
  });

  it("second-order gradients through a reparameterized Gamma sample raise instead of silently vanishing", () => {
    const a = ds.tensor([1.5, 2.5], { dtype: "float64", requiresGrad: true });
    const sample = new ds.distributions.Gamma(a, 1).rsample([3], { generator: new ds.Generator(1) });
    expect(() => sample.sum().backward(undefined, { createGraph: true })).toThrow(
      "second-order gradients through Gamma, Beta or Dirichlet rsample are not implemented",
    );
    // first order is fine
    const again = new ds.distributions.Gamma(a, 1).rsample([3], { generator: new ds.Generator(1) });
    again.sum().backward();
    expect(a.grad!.toList().every((g) => g > 0)).toBe(true);
  });
});
