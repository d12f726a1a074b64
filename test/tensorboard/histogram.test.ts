import { describe, expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { makeHistogram, pairwiseSum, tensorflowBins } from "../../src/tensorboard/histogram.js";

// Expected values printed by torch.utils.tensorboard.summary.make_histogram (torch 2.13, numpy 2.4)
// with SummaryWriter().default_bins; the fixture test compares whole files for more inputs.
describe("makeHistogram", () => {
  it("builds torch's default TensorFlow edges: 1,549 of them, ±1e-12·1.1^k around 0", () => {
    const edges = tensorflowBins();
    expect(edges).toHaveLength(1549);
    expect([edges[0], edges[773], edges[774], edges[775], edges[1000], edges[1548]]).toEqual([
      -9.920775621859783e19, -1e-12, 0, 1e-12, 0.0020575678275470133, 9.920775621859783e19,
    ]);
  });

  it("keeps the non-empty span plus one empty bucket on the left, as torch", () => {
    const h = makeHistogram(Float64Array.from([0, 0, 1e-12, 5]));
    expect([h.min, h.max, h.num, h.sum, h.sumSquares]).toEqual([0, 5, 4, 5.000000000001, 25]);
    expect(h.bucketLimit).toHaveLength(309);
    expect(h.bucket).toHaveLength(309);
    expect(h.bucketLimit.slice(0, 3)).toEqual([0, 1e-12, 1.1000000000000002e-12]);
    expect(h.bucketLimit.at(-1)).toBe(5.099814079160488);
    expect(h.bucket.slice(0, 4)).toEqual([0, 2, 1, 0]);
    expect(h.bucket.at(-1)).toBe(1);
  });

  it("counts a value on an inner edge in the bucket to its right and the largest value in the last bucket", () => {
    const h = makeHistogram(Float64Array.from([0, 1, 2, 3, 4]), { bins: 4 });
    expect(h.bucketLimit).toEqual([0, 1, 2, 3, 4]);
    expect(h.bucket).toEqual([0, 1, 1, 1, 2]);
  });

  it("merges buckets for maxBins as torch: groups of ⌊buckets / maxBins⌋, the last zero-padded", () => {
    const h = makeHistogram(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { bins: 10, maxBins: 3 });
    expect(h.bucketLimit).toEqual([1, 3.7, 6.4, 9.1, 10]);
    expect(h.bucket).toEqual([0, 3, 3, 3, 1]);
    const t = makeHistogram(Float64Array.from([-2.5, 3, 3]), { maxBins: 7 });
    expect(t.bucketLimit).toEqual([-50.23180537605086, -3.574335935197536e-8, 3.249396304725032e-8, 45.66527761459169]);
    expect(t.bucket).toEqual([0, 1, 0, 2]);
  });

  it("widens a constant input by ±0.5 for numpy's rules", () => {
    const h = makeHistogram(Float64Array.from([3, 3, 3]), { bins: "auto" });
    expect(h.bucketLimit).toEqual([2.5, 3.5]);
    expect(h.bucket).toEqual([0, 3]);
  });

  it("takes a Tensor of any shape through the summary builder", async () => {
    const { histogram } = await import("../../src/tensorboard/summary.js");
    const s = histogram("w", tensor([[0, 1], [2, 3], [4, 4]]), { bins: 4 });
    expect(s.value[0]!.histo).toMatchObject({ num: 6, min: 0, max: 4, sum: 14, bucket: [0, 1, 1, 1, 3] });
  });

  it("rejects what numpy or torch rejects, and non-finite values, with sentences", () => {
    expect(() => makeHistogram(new Float64Array(0))).toThrow("addHistogram: values are empty");
    expect(() => makeHistogram(Float64Array.from([1, NaN]))).toThrow("addHistogram: value 1 is NaN; histograms need finite values");
    expect(() => makeHistogram(Float64Array.from([1, Infinity]))).toThrow("value 1 is Infinity");
    expect(() => makeHistogram(Float64Array.from([1]), { bins: [0, 2, 1] })).toThrow("bins must increase monotonically, but edge 2 (1) < edge 1 (2)");
    expect(() => makeHistogram(Float64Array.from([-3, 2.5, 7]), { bins: [-1, 0, 1] })).toThrow("addHistogram: no value falls inside the bins");
    expect(() => makeHistogram(Float64Array.from([1]), { bins: 0 })).toThrow("bins must be a positive integer, got 0");
    expect(() => makeHistogram(Float64Array.from([1]), { bins: "doane" as never })).toThrow('unknown bins "doane"');
    expect(() => makeHistogram(Float64Array.from([1]), { maxBins: 0 })).toThrow("maxBins must be a positive integer, got 0");
  });
});

describe("pairwiseSum", () => {
  it("adds in numpy's order, which is not left-to-right for more than 8 values", () => {
    // 1e16 absorbs a lone 1, but pairwise blocks add the ones together before meeting 1e16.
    const values = [1e16, ...Array(15).fill(1)];
    let sequential = 0;
    for (const v of values) sequential += v;
    expect(sequential).toBe(1e16);
    // numpy.float64 sum of the same array (eight accumulators): 1e16 + 14 (one 1 is lost in accumulator 0).
    expect(pairwiseSum(values)).toBe(1e16 + 14);
  });
});
