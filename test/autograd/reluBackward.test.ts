// The fused ReLU gradient (PyTorch's threshold_backward): g where y > 0, else exactly 0.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { apply } from "../../src/autograd/engine.js";

describe("reluBackward", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`${dtype}: selects g where y > 0, gives 0 elsewhere (even for infinite g), passes g where y is NaN`, () => {
      const g = ds.tensor([1.5, Infinity, -Infinity, NaN, -2, 3, -0, 4], { dtype });
      const y = ds.tensor([1, 0, 0, 0, 2, -1, 5, NaN], { dtype });
      const got = apply("reluBackward", [g, y], {});
      expect(got.dtype).toBe(dtype);
      const d = Array.from(got.dataSync());
      expect(d.slice(0, 6)).toEqual([1.5, 0, 0, 0, -2, 0]);
      expect(Object.is(d[6], -0)).toBe(true);
      expect(d[7]).toBe(4);
      // the strided (non-dense) loop agrees
      const gs = ds.stack([g, g], 1).select(1, 0), ys = ds.stack([y, y], 1).select(1, 1);
      expect(Array.from(apply("reluBackward", [gs, ys], {}).dataSync())).toEqual(d);
    });
  }

  it("is what relu's gradient uses", () => {
    const x = ds.tensor([-1, 2, 0, 3], { requiresGrad: true });
    x.relu().mul(ds.tensor([10, 20, 30, 40])).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 20, 0, 40]);
  });

  it("rejects operands of different shapes", () => {
    expect(() => apply("reluBackward", [ds.zeros([2, 3]), ds.zeros([3])], {})).toThrow(
      "reluBackward: expected g and y of one shape and dtype, got float32 [2,3] and float32 [3]",
    );
  });
});
