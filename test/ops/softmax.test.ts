// The fused logSoftmax primitive against the composite it replaced (written with primitives only).
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { logSoftmaxComposite } from "../../src/ops/softmax.js";

const gen = new ds.Generator(5);

describe("fused logSoftmax equals the composite", () => {
  const cases: [number[], number][] = [[[7], 0], [[3, 5], 1], [[3, 5], 0], [[2, 4, 3], 1], [[2, 0, 3], 2], [[4, 1], 1], [[], 0]];
  for (const [shape, dim] of cases) {
    for (const dtype of ["float64", "float32"] as const) {
      it(`${dtype} [${shape}] dim ${dim}: values and gradients`, () => {
        const x = ds.randn(shape, { dtype, generator: gen }).mul(30).requiresGrad_();
        const g = ds.randn(shape, { dtype, generator: gen });
        const fused = x.logSoftmax(dim), composite = logSoftmaxComposite(x, dim);
        const tol = dtype === "float64" ? 1e-12 : 2e-5;
        fused.dataSync().forEach((v, i) => expect(Math.abs(v - composite.dataSync()[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v))));
        const [gf] = ds.vjp((t: ds.Tensor) => t.logSoftmax(dim), x)[1](g);
        const [gc] = ds.vjp((t: ds.Tensor) => logSoftmaxComposite(t, dim), x)[1](g);
        gf!.dataSync().forEach((v, i) => expect(Math.abs(v - gc!.dataSync()[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v))));
      });
    }
  }

  it("handles −∞ entries and lines that are all −∞ like the composite", () => {
    const x = ds.tensor([[0, -Infinity, 1], [-Infinity, -Infinity, -Infinity]], { dtype: "float64" });
    // PyTorch 1.13 gives [[-1.3133, -inf, -0.3133], [nan, nan, nan]] for this input.
    const fused = x.logSoftmax(1).toList(), composite = logSoftmaxComposite(x, 1).toList();
    fused.forEach((v, i) => {
      const c = composite[i]!;
      if (Number.isFinite(c)) expect(v).toBeCloseTo(c, 14);
      else expect(Object.is(v, c) || (Number.isNaN(v) && Number.isNaN(c))).toBe(true);
    });
    expect(fused.slice(3).every(Number.isNaN)).toBe(true);
  });
});
