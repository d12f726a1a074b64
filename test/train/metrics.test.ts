import { describe, expect, it } from "vitest";
import { accuracy, confusionMatrix, MacroScore, mae, mse, precisionRecallF1, topKAccuracy } from "../../src/train/metrics.js";
import { tensor } from "../../src/ops/creation.js";
import { oneHot } from "../../src/data/transforms.js";

const labels = (xs: number[]) => tensor(xs, { dtype: "int32" });

describe("classification metrics", () => {
  // scikit-learn's documentation example for precision_score / recall_score / f1_score:
  // y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1] → macro precision 0.222…, recall 0.333…, F1 0.2666…
  const yTrue = labels([0, 1, 2, 0, 1, 2]);
  const scores = oneHot(labels([0, 2, 1, 0, 0, 1]), 3);

  it("macro precision, recall and F1 match scikit-learn's documented example", () => {
    const prf = precisionRecallF1(confusionMatrix(scores, yTrue, 3));
    expect(prf.precision).toBeCloseTo(0.2222222222222222, 12);
    expect(prf.recall).toBeCloseTo(0.3333333333333333, 12);
    expect(prf.f1).toBeCloseTo(0.26666666666666666, 12);
  });

  it("the confusion matrix counts [true][predicted]", () => {
    expect(confusionMatrix(scores, yTrue, 3)).toEqual([[2, 0, 0], [1, 0, 1], [0, 2, 0]]);
  });

  it("a streaming MacroScore over two batches equals the score of the whole set", () => {
    const m = new MacroScore(3, "f1");
    m.update(scores.slice(0, 0, 4), yTrue.slice(0, 0, 4));
    m.update(scores.slice(0, 4, 6), yTrue.slice(0, 4, 6));
    expect(m.compute()).toBeCloseTo(0.26666666666666666, 12);
  });

  it("accuracy is the fraction of argmax hits; binary scores are thresholded at 0.5", () => {
    expect(accuracy(scores, yTrue)).toBeCloseTo(2 / 6, 12);
    expect(accuracy(tensor([0.9, 0.2, 0.7, 0.4]), labels([1, 0, 0, 0]))).toBe(0.75);
  });

  it("top-k accuracy counts labels among the k largest scores", () => {
    const s = tensor([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]);
    const y = labels([2, 2, 0]);
    expect(topKAccuracy(s, y, 1)).toBe(0);
    expect(topKAccuracy(s, y, 2)).toBeCloseTo(2 / 3, 12); // row 0: 2 is second; row 1: 2 is third; row 2: 0 ties 1, lower index wins
    expect(topKAccuracy(s, y, 3)).toBe(1);
  });

  it("rejects mismatched shapes", () => {
    expect(() => accuracy(scores, labels([0, 1]))).toThrow(/6 predictions but 2 labels/);
    expect(() => topKAccuracy(scores, yTrue, 4)).toThrow(/k must be an integer in 1..3/);
  });
});

describe("regression metrics", () => {
  it("MSE and MAE", () => {
    const out = tensor([1, 2, 3]), target = tensor([1, 4, 0]);
    expect(mse(out, target)).toBeCloseTo((0 + 4 + 9) / 3, 12);
    expect(mae(out, target)).toBeCloseTo((0 + 2 + 3) / 3, 12);
  });
});
