// argmax/argmin: the first extreme wins on ties, the first NaN wins over everything (PyTorch's rules),
// for float32 (its own scan), float64 and int32, along contiguous and strided dims.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";

const rows = [
  [3, 1, 3, 0, 1],
  [2, NaN, 5, NaN, -1],
  [-4, -4, 7, 7, -9],
  [NaN, 8, -8, 0, 0],
];
// Worked out by hand from the rules above.
const argmaxLast = [0, 1, 2, 0];
const argminLast = [3, 1, 4, 0];

describe("argmax / argmin", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`${dtype}: ties give the first index, NaN the first NaN, along the last dim`, () => {
      const x = ds.tensor(rows, { dtype });
      expect(Array.from(x.argmax(1).toArray() as ArrayLike<number>)).toEqual(argmaxLast);
      expect(Array.from(x.argmin(1).toArray() as ArrayLike<number>)).toEqual(argminLast);
    });
    it(`${dtype}: along a strided dim (a transposed view) the same`, () => {
      const xt = ds.tensor(rows, { dtype }).transpose(0, 1); // [5, 4]; dim 0 of it is the rows' last dim
      expect(Array.from(xt.argmax(0).toArray() as ArrayLike<number>)).toEqual(argmaxLast);
      expect(Array.from(xt.argmin(0).toArray() as ArrayLike<number>)).toEqual(argminLast);
      expect(Array.from(xt.max(0).indices.toArray() as ArrayLike<number>)).toEqual(argmaxLast);
    });
  }
  it("int32 along dim 0", () => {
    const x = ds.tensor([[1, 9, 3], [7, 9, 3], [7, 2, 0]], { dtype: "int32" });
    expect(Array.from(x.argmax(0).toArray() as ArrayLike<number>)).toEqual([1, 0, 0]);
    expect(Array.from(x.argmin(0).toArray() as ArrayLike<number>)).toEqual([0, 2, 2]);
  });
});
