// The Fashion-MNIST judge: shapes of its features and logits, it learns real labels, and its helpers (accuracy, Fréchet distance) check their inputs.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { generative } from "../../src/index.js";
import { data } from "../../src/index.js";

describe("FashionJudge", () => {
  it("maps [N, 1, 28, 28] to 64 penultimate features (non-negative, after ReLU) and 10 logits; 52,138 parameters", () => {
    const judge = new generative.FashionJudge(64, { generator: new ds.Generator(0) });
    const x = ds.rand([5, 1, 28, 28], { generator: new ds.Generator(1) });
    const f = judge.features(x);
    expect([...f.shape]).toEqual([5, 64]);
    expect(f.min().item()).toBeGreaterThanOrEqual(0);
    expect([...judge.call(x).shape]).toEqual([5, 10]);
    // 1·8·9 + 8 + 8·16·9 + 16 + 784·64 + 64 + 64·10 + 10
    expect([...judge.parameters()].reduce((n, p) => n + p.size, 0)).toBe(52_138);
    expect([...generative.judgeFeatures(judge, ds.rand([1200, 1, 28, 28])).shape]).toEqual([1200, 64]); // in chunks of 500
    expect(() => judge.call(ds.rand([5, 28, 28]))).toThrow(/FashionJudge: images must be \[N, 1, 28, 28\] with pixels in \[0, 1\], got \[5,28,28\]/);
    expect(() => judge.call(ds.rand([5, 3, 28, 28]))).toThrow(/FashionJudge: images must be \[N, 1, 28, 28\]/);
  });

  it("trained on 1,000 real images for 2 epochs it labels held-out test images far above chance", () => {
    const train = new data.FashionMNIST({ train: true }), test = new data.FashionMNIST({ train: false });
    const [x, y] = train.getBatch(Array.from({ length: 1000 }, (_, i) => i));
    const [tx, ty] = test.getBatch(Array.from({ length: 500 }, (_, i) => i));
    const judge = generative.trainFashionJudge(x!, y!, { epochs: 2, seed: 0 });
    expect(generative.judgeAccuracy(judge, tx!, ty!)).toBeGreaterThan(0.45); // chance: 0.1 (seed 0 gives 0.61)
    // its features tell real images apart from noise far more than one half of the real images from the other
    const noise = ds.rand([250, 1, 28, 28], { generator: new ds.Generator(2) });
    const realVsReal = generative.judgeFrechetDistance(judge, tx!.slice(0, 0, 250), tx!.slice(0, 250, 500));
    expect(generative.judgeFrechetDistance(judge, noise, tx!.slice(0, 250, 500))).toBeGreaterThan(5 * realVsReal);
    expect(generative.judgeFrechetDistance(judge, tx!, tx!)).toBeLessThan(1e-6);
  }, 60_000);

  it("checks labels", () => {
    const judge = new generative.FashionJudge();
    const x = ds.rand([4, 1, 28, 28]);
    expect(() => generative.judgeAccuracy(judge, x, ds.tensor([0, 1], { dtype: "int32" }))).toThrow(/judgeAccuracy: labels must be \[N\] for images \[N, 1, 28, 28\], got \[2\] for \[4,1,28,28\]/);
    expect(() => generative.trainFashionJudge(x, ds.tensor([0, 1, 2, 3]))).toThrow(/trainFashionJudge: labels must be int32 \[N\]/);
  });
});
