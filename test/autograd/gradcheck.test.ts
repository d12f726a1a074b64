// gradcheck and gradgradcheck must fail on wrong gradient rules, including rules that cut the graph
// (issue #11, defect 16: a detached first derivative used to pass the second-order check vacuously).
import { afterEach, describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { vjpRules } from "../../src/autograd/vjp.js";
import * as E from "../../src/ops/elementwise.js";

const original = vjpRules.sin;
afterEach(() => {
  (vjpRules as { sin: typeof original }).sin = original;
});
const setSinRule = (rule: typeof original) => ((vjpRules as { sin: typeof original }).sin = rule);
const x = () => ds.tensor([0.3, -1.2, 2.0], { dtype: "float64", requiresGrad: true });
const sin = (t: Tensor) => ds.sin(t);

describe("gradcheck fails on wrong rules", () => {
  it("passes the true rule to second order", () => {
    expect(ds.gradcheck(sin, [x()])).toBe(true);
    expect(ds.gradgradcheck(sin, [x()])).toBe(true);
  });
  it("a wrong first derivative (2·cos x) fails gradcheck", () => {
    setSinRule((c) => [E.mul(E.mul(c.g, E.cos(c.input(0))), 2)]);
    expect(() => ds.gradcheck(sin, [x()])).toThrow(/Jacobian mismatch/);
    expect(ds.gradcheck(sin, [x()], { raiseException: false })).toBe(false);
  });
  it("a detached rule (right values, cut from the graph) fails gradgradcheck", () => {
    setSinRule((c) => [E.mul(c.g, E.cos(c.input(0))).detach()]);
    expect(ds.gradcheck(sin, [x()])).toBe(true); // first order: the values are right
    expect(() => ds.gradgradcheck(sin, [x()])).toThrow(/does not require grad .* detached/);
    expect(ds.gradgradcheck(sin, [x()], { raiseException: false })).toBe(false);
  });
  it("a rule that detaches only its dependence on x fails gradgradcheck", () => {
    setSinRule((c) => [E.mul(c.g, E.cos(c.input(0).detach()))]);
    expect(() => ds.gradgradcheck(sin, [x()])).toThrow(/Jacobian mismatch/);
  });
  it("a detached output of a smooth function fails even with the opt-out (its numerical derivative is not 0)", () => {
    expect(() => ds.gradcheck((t: Tensor) => ds.sin(t).detach(), [x()], { allowDetachedOutputs: true })).toThrow(/Jacobian mismatch/);
    expect(() => ds.gradcheck((t: Tensor) => ds.sin(t).detach(), [x()])).toThrow(/does not require grad/);
  });
  it("the opt-out accepts a truly piecewise-constant function", () => {
    const offGrid = ds.tensor([0.3, 1.6, -2.2], { dtype: "float64", requiresGrad: true });
    expect(ds.gradcheck((t: Tensor) => ds.floor(t).detach(), [offGrid], { allowDetachedOutputs: true })).toBe(true);
  });
});
