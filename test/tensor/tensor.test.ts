import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";

describe("printing", () => {
  it("prints like PyTorch", () => {
    expect(String(ds.tensor([[1, 2]], { requiresGrad: true }))).toBe("tensor([[1., 2.]], requiresGrad=true)");
    expect(String(ds.tensor([1.5, -2.25]))).toBe("tensor([ 1.5000, -2.2500])");
    expect(String(ds.tensor([1, 2], { dtype: "float64" }))).toBe("tensor([1., 2.], dtype=float64)");
    expect(String(ds.tensor([3, 4], { dtype: "int32" }))).toBe("tensor([3, 4], dtype=int32)");
    expect(String(ds.tensor([true, false]))).toBe("tensor([ True, False])"); // torch pads to the widest entry
    expect(String(ds.tensor([1e-5, 1]))).toBe("tensor([1.0000e-05, 1.0000e+00])");
    expect(String(ds.tensor([12345.678, 1]))).toBe("tensor([1.2346e+04, 1.0000e+00])");
    expect(String(ds.tensor(2.5))).toBe("tensor(2.5000)");
    const x = ds.tensor([2], { requiresGrad: true });
    expect(String(x.mul(x))).toBe("tensor([4.], gradFn=<MulBackward>)");
    expect(String(ds.zeros([2, 2, 2]))).toBe("tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])");
  });
});

describe("views share storage", () => {
  it("reshape, transpose, slice and expand are views; contiguous copies", () => {
    const x = ds.arange(0, 6, 1, { dtype: "float32" }).reshape(2, 3);
    const views = [x.reshape(3, 2), x.t(), x.slice(1, 0, 3, 2), x.slice(0, 1).expand(4, 3), x.select(0, 1)];
    for (const v of views) expect(v.storage).toBe(x.storage);
    expect(x.t().contiguous().storage).not.toBe(x.storage);
    expect(x.slice(1, 0, 3, 2).toArray()).toEqual([[0, 2], [3, 5]]);
    expect(x.t().toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    ds.noGrad(() => x.select(0, 1).fill_(7));
    expect(x.toArray()).toEqual([[0, 1, 2], [7, 7, 7]]);
  });

  it("reshape of a non-contiguous tensor copies when it must", () => {
    const x = ds.arange(0, 6, 1, { dtype: "float32" }).reshape(2, 3).t();
    const y = x.reshape(6);
    expect(y.toList()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(y.storage).not.toBe(x.storage);
  });
});

describe("creation and randomness", () => {
  it("creates filled tensors, ranges and identities", () => {
    expect(ds.arange(5).toList()).toEqual([0, 1, 2, 3, 4]);
    expect(ds.arange(5).dtype).toBe("int32");
    expect(ds.arange(0, 1, 0.25).toList()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(ds.linspace(0, 1, 5).toList()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ds.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(ds.full([2], 7, { dtype: "int32" }).toList()).toEqual([7, 7]);
    expect(ds.onesLike(ds.zeros([2], { dtype: "float64" })).dtype).toBe("float64");
  });

  it("same seed gives the same numbers; generators are independent", () => {
    ds.manualSeed(42);
    const a = ds.randn([5]).toList();
    ds.manualSeed(42);
    const b = ds.randn([5]).toList();
    expect(a).toEqual(b);
    const g1 = new ds.Generator(7), g2 = new ds.Generator(7);
    expect(ds.rand([3], { generator: g1 }).toList()).toEqual(ds.rand([3], { generator: g2 }).toList());
    const p = ds.randperm(10, { generator: g1 }).toList();
    expect([...p].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const r = ds.randint(3, 5, [1000], { generator: g1 }).toList();
    expect(Math.min(...r)).toBe(3);
    expect(Math.max(...r)).toBe(4);
  });

  it("rejects ragged arrays and bad shapes", () => {
    expect(() => ds.tensor([[1, 2], [3]])).toThrow(/tensor: ragged nested array at index \[1\]/);
    expect(() => ds.zeros([2, -1])).toThrow("zeros: invalid shape [2,-1]");
    expect(() => ds.tensor([1, 2]).item()).toThrow("item: only a one-element tensor can be converted to a number, but shape is [2]");
  });
});

describe("dtype promotion (PyTorch rules)", () => {
  const i = ds.tensor([1, 2], { dtype: "int32" });
  const f = ds.tensor([1, 2]);
  const d = ds.tensor([1, 2], { dtype: "float64" });
  it("promotes tensor–tensor by category and width", () => {
    expect(i.add(f).dtype).toBe("float32");
    expect(f.add(d).dtype).toBe("float64");
    expect(i.add(ds.tensor([true, false])).dtype).toBe("int32");
  });
  it("scalars only change the category", () => {
    expect(i.add(2).dtype).toBe("int32");
    expect(i.add(2.5).dtype).toBe("float32");
    expect(d.mul(0.5).dtype).toBe("float64");
    expect(f.mul(3).dtype).toBe("float32");
  });
  it("true division of integers gives floats; comparisons give bool", () => {
    expect(i.div(i).dtype).toBe("float32");
    expect(ds.tensor([3], { dtype: "int32" }).div(2).item()).toBe(1.5);
    expect(f.lt(2).dtype).toBe("bool");
    expect(f.lt(2).toList()).toEqual([1, 0]);
  });
});
