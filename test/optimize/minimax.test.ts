import { describe, expect, it } from "vitest";
import { bilinear, minimax } from "../../src/optimize/minimax.js";

const radius = (z: { x: Float64Array; y: Float64Array }) => Math.hypot(z.x[0]!, z.y[0]!);

describe("gradient descent–ascent on f(x, y) = xy", () => {
  const eta = 0.1;

  it("simultaneous GDA spirals out: ‖zₜ₊₁‖ = √(1 + η²)‖zₜ‖ exactly", () => {
    const r = minimax(bilinear, [1], [0.5], { method: "gda", lr: eta, maxIter: 1000 });
    for (let t = 0; t + 1 < r.trajectory.length; t++) {
      expect(radius(r.trajectory[t + 1]!) / radius(r.trajectory[t]!)).toBeCloseTo(Math.sqrt(1 + eta * eta), 12);
    }
    expect(radius(r.trajectory.at(-1)!)).toBeGreaterThan(100 * radius(r.trajectory[0]!));
  });

  it("alternating GDA cycles: it conserves V = x² − ηxy + y² and neither converges nor diverges", () => {
    const r = minimax(bilinear, [1], [0.5], { method: "alternating-gda", lr: eta, maxIter: 1000 });
    const V = (z: { x: Float64Array; y: Float64Array }) => z.x[0]! ** 2 - eta * z.x[0]! * z.y[0]! + z.y[0]! ** 2;
    const v0 = V(r.trajectory[0]!);
    for (const z of r.trajectory) expect(V(z)).toBeCloseTo(v0, 12);
  });

  it("optimistic GDA converges to the equilibrium (0, 0) where simultaneous GDA diverges (Daskalakis et al. 2018)", () => {
    const ogda = minimax(bilinear, [1], [0.5], { method: "ogda", lr: eta, maxIter: 20000, tol: 1e-8 });
    expect(ogda.converged).toBe(true);
    expect(radius(ogda)).toBeLessThan(1e-8);
    const gda = minimax(bilinear, [1], [0.5], { method: "gda", lr: eta, maxIter: ogda.nit });
    expect(radius(gda)).toBeGreaterThan(1e3);
  });

  it("works in several dimensions and rejects bad step sizes", () => {
    const r = minimax(bilinear, [1, -2, 0.5], [0.3, 0.1, -1], { method: "ogda", lr: 0.2, maxIter: 5000, tol: 1e-9 });
    expect(r.converged).toBe(true);
    expect(() => minimax(bilinear, [1], [1], { lr: -1 })).toThrow(/minimax: step sizes must be > 0, got lr=-1/);
  });
});
