import { describe, expect, it } from "vitest";
import { MinMax, Standardize, oneHot } from "../../src/data/transforms.js";
import { tensor } from "../../src/ops/creation.js";

describe("transforms", () => {
  const x = tensor([[1, 10, 5], [3, 30, 5], [5, 20, 5]]);

  it("Standardize uses the fitted mean and population std (constant feature → σ = 1)", () => {
    const s = new Standardize().fit(x);
    expect(s.mean!.toList()).toEqual([3, 20, 5]);
    // population std of (1,3,5) = √(8/3); of (10,30,20) = √(200/3)
    const std = s.std!.toList();
    expect(std[0]).toBeCloseTo(Math.sqrt(8 / 3), 5);
    expect(std[1]).toBeCloseTo(Math.sqrt(200 / 3), 5);
    expect(std[2]).toBe(1);
    const z = s.transform(tensor([[3, 20, 7]]));
    expect(z.toList()).toEqual([0, 0, 2]);
    const back = s.inverse(s.transform(x)).toList();
    back.forEach((v, i) => expect(v).toBeCloseTo(x.toList()[i]!, 5));
  });

  it("Standardize refuses data of another width and use before fit", () => {
    expect(() => new Standardize().transform(x)).toThrow(/call fit/);
    expect(() => new Standardize().fit(x).transform(tensor([[1, 2]]))).toThrow(/fitted on 3 features/);
  });

  it("MinMax maps the fitted min/max to the range ends", () => {
    const m = new MinMax().fit(x);
    expect(m.transform(x).toList()).toEqual([0, 0, 0, 0.5, 1, 0, 1, 0.5, 0]);
    expect(new MinMax([-1, 1]).fit(x).transform(tensor([[3, 10, 5]])).toList()).toEqual([0, -1, -1]);
  });

  it("oneHot gives float32 indicator rows", () => {
    const h = oneHot(tensor([2, 0], { dtype: "int32" }), 3);
    expect(h.dtype).toBe("float32");
    expect(h.toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
  });
});
