// The shape plans that route broadcasting binary ops and multi-run reductions to the WASM kernels' 2-D forms.
import { describe, expect, it } from "vitest";
import { binaryPlan, reductionSteps } from "../../../src/backend/wasm/broadcastPlan.js";

describe("binaryPlan", () => {
  it("equal shapes run as one flat array", () => {
    expect(binaryPlan([2, 3, 4], [2, 3, 4])).toEqual({ kind: "same", rows: 1, cols: 24, tile: 1, smallFirst: false });
  });
  it("a trailing block (a bias row) is a row broadcast over the leading dims", () => {
    expect(binaryPlan([8, 5, 7], [7])).toEqual({ kind: "row", rows: 40, cols: 7, tile: 1, smallFirst: false });
    expect(binaryPlan([1, 5, 7], [8, 5, 7])).toEqual({ kind: "row", rows: 8, cols: 35, tile: 1, smallFirst: true });
  });
  it("a per-channel (1, C, 1, 1) against (N, C, H, W) is a column of N·C entries (the C values tiled N times) over H·W", () => {
    expect(binaryPlan([8, 16, 14, 14], [1, 16, 1, 1])).toEqual({ kind: "column", rows: 128, cols: 196, tile: 8, smallFirst: false });
    expect(binaryPlan([16, 1, 1], [8, 16, 14, 14])).toEqual({ kind: "column", rows: 128, cols: 196, tile: 8, smallFirst: true });
    expect(binaryPlan([2, 4, 33, 9], [2, 4, 1, 1])).toEqual({ kind: "column", rows: 8, cols: 297, tile: 1, smallFirst: false });
  });
  it("unit dims of the result do not split a block", () => {
    expect(binaryPlan([8, 1, 16, 1, 9], [1, 1, 16, 1, 1])).toEqual({ kind: "column", rows: 128, cols: 9, tile: 8, smallFirst: false });
  });
  it("is null when both operands broadcast, the small one has two blocks, or it is a scalar", () => {
    expect(binaryPlan([8, 1], [1, 5])).toBeNull();
    expect(binaryPlan([4, 5, 6, 7], [1, 5, 1, 7])).toBeNull();
    expect(binaryPlan([4, 5], [1, 1])).toBeNull();
    expect(binaryPlan([4, 5], [])).toBeNull();
    expect(binaryPlan([0, 5], [5])).toBeNull();
  });
});

describe("reductionSteps", () => {
  it("reduces batch norm's dims [0, 2, 3] as H·W first, then N", () => {
    expect(reductionSteps([8, 16, 14, 14], [0, 2, 3])).toEqual([
      { outer: 128, size: 196, inner: 1 },
      { outer: 1, size: 8, inner: 16 },
    ]);
  });
  it("one run is one step", () => {
    expect(reductionSteps([3, 4, 5], [1, 2])).toEqual([{ outer: 3, size: 20, inner: 1 }]);
  });
});
