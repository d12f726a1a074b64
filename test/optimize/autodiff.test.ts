import { describe, expect, it } from "vitest";
import { centralDifferenceGradient, fromTensorFn, gradientOf, hessianOf } from "../../src/optimize/autodiff.js";
import { minimize } from "../../src/optimize/minimize.js";
import { rosenbrock } from "../../src/optimize/testFunctions.js";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { scipyRef } from "./fixtures.js";

// Σ 100(x_{i+1} − xᵢ²)² + (1 − xᵢ)² written with tensor ops, differentiated by autograd.
const rosenTensor = (x: Tensor): Tensor => {
  const n = x.shape[0]!;
  const head = x.narrow(0, 0, n - 1), tail = x.narrow(0, 1, n - 1);
  return tail.sub(head.square()).square().mul(100).add(head.neg().add(1).square()).sum();
};

describe("optimize/autodiff", () => {
  it("fromTensorFn: autograd gradient and Hessian of Rosenbrock equal scipy's rosen_der / rosen_hess", () => {
    const { fn, jac, hess } = fromTensorFn(rosenTensor);
    for (const ref of scipyRef.rosen_values) {
      const x = Float64Array.from(ref.x);
      expect(fn(x)).toBeCloseTo(ref.f, 10);
      jac(x).forEach((g, i) => expect(g).toBeCloseTo(ref.grad[i]!, 9));
      hess(x).forEach((h, i) => expect(h).toBeCloseTo(ref.hess[i]!, 9));
    }
  });

  it("BFGS with autograd derivatives takes the same path as with the analytic gradient", () => {
    const { fn, jac } = fromTensorFn(rosenTensor);
    const p = rosenbrock(2);
    const a = minimize(fn, [-1.2, 1], { method: "bfgs", jac });
    const b = minimize(p.fn, [-1.2, 1], { method: "bfgs", jac: p.grad });
    expect([a.nit, a.nfev, a.ngev]).toEqual([b.nit, b.nfev, b.ngev]);
    expect(Math.hypot(a.x[0]! - 1, a.x[1]! - 1)).toBeLessThan(1e-5);
    const newton = minimize(fn, [-1.2, 1], { method: "newton", ...fromTensorFn(rosenTensor) });
    expect(newton.success).toBe(true);
  });

  it("the finite-difference fallback for plain-number objectives is accurate", () => {
    const p = rosenbrock(4);
    const x = Float64Array.of(0.3, -0.7, 1.1, 0.2);
    const rel = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / Math.max(...b.map(Math.abs));
    expect(rel(gradientOf(p.fn)(x), p.grad(x))).toBeLessThan(1e-8);
    expect(rel(centralDifferenceGradient(p.fn, x), p.grad(x))).toBeLessThan(1e-8);
    expect(rel(hessianOf(p.fn, p.grad)(x), p.hess(x))).toBeLessThan(1e-7);
    expect(rel(hessianOf(p.fn)(x), p.hess(x))).toBeLessThan(1e-4);
  });
});
