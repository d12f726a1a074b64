// train.rocAuc against scikit-learn's roc_auc_score (values from test/fixtures/train/make_roc_auc_fixture.py, sklearn 1.9.1).
import { describe, expect, it } from "vitest";
import { rocAuc } from "../../src/train/metrics.js";
import { tensor } from "../../src/ops/creation.js";

const fixture: { sklearn: string; cases: { name: string; labels: number[]; scores: number[]; auc: number }[] } = {"sklearn": "1.9.1", "cases": [{"name": "sklearn docstring example", "labels": [0, 0, 1, 1], "scores": [0.1, 0.4, 0.35, 0.8], "auc": 0.75}, {"name": "ties across classes", "labels": [0, 1, 0, 1, 1, 0], "scores": [0.5, 0.5, 0.2, 0.9, 0.2, 0.5], "auc": 0.6111111111111112}, {"name": "perfect ranking", "labels": [0, 0, 0, 1, 1], "scores": [-3.0, -1.0, 0.0, 2.0, 5.0], "auc": 1.0}, {"name": "inverted ranking", "labels": [1, 1, 0, 0], "scores": [0.1, 0.2, 0.3, 0.4], "auc": 0.0}, {"name": "random 30, rounded logits", "labels": [0, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0], "scores": [-2.1, -0.5, 0.6, 2.6, 0.6, 0.4, 1.0, -0.4, 0.1, -0.3, 1.2, 0.4, -1.6, -0.1, 0.2, 1.4, -0.8, -1.3, -0.2, 1.3, -0.1, 0.0, 1.1, 0.0, -0.9, -0.1, 1.0, 1.8, -0.1, -1.6], "auc": 0.7217194570135747}, {"name": "random 60, imbalanced, rounded", "labels": [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0], "scores": [1.0, -0.3, -1.6, 0.5, -0.0, 0.4, -0.6, 0.2, 0.3, 1.9, 0.1, -1.4, 0.2, 0.1, -0.2, -1.3, 1.9, -0.7, 1.6, 0.1, 0.0, -0.0, 1.0, 2.6, -0.5, 2.9, 1.4, -0.7, 1.3, 0.8, 1.0, -1.3, 0.5, -0.4, -0.1, 0.7, 0.0, 1.6, 0.4, -1.8, 1.2, 0.9, 0.1, -1.8, 0.4, -0.5, 1.0, 1.3, 0.8, -0.4, -1.8, 1.8, 0.4, -0.3, 0.2, -0.9, -1.8, -1.2, -0.1, 1.6], "auc": 0.8428805237315876}]};

describe("rocAuc", () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s equals scikit-learn", (_, c) => {
    expect(rocAuc(c.scores, c.labels)).toBeCloseTo(c.auc, 12);
    expect(rocAuc(tensor(c.scores, { dtype: "float64" }), tensor(c.labels, { dtype: "float32" }))).toBeCloseTo(c.auc, 12);
  });

  it("does not depend on the order of the samples", () => {
    const c = fixture.cases[5]!;
    const order = c.labels.map((_, i) => (i * 37) % c.labels.length);
    expect(new Set(order).size).toBe(c.labels.length);
    expect(rocAuc(order.map((i) => c.scores[i]!), order.map((i) => c.labels[i]!))).toBeCloseTo(c.auc, 12);
  });

  it("rejects one-class labels, non-binary labels, length mismatches and non-finite scores", () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/rocAuc: needs both positive and negative labels, got 2 positives and 0 negatives/);
    expect(() => rocAuc([0.1, 0.2], [0, 2])).toThrow(/rocAuc: labels must be 0 or 1, got 2 at position 1/);
    expect(() => rocAuc([0.1, 0.2, 0.3], [0, 1])).toThrow(/rocAuc: 3 scores but 2 labels/);
    expect(() => rocAuc([0.1, Number.NaN], [0, 1])).toThrow(/rocAuc: scores must be finite, got NaN at position 1/);
    expect(() => rocAuc(tensor([[0.1, 0.2], [0.3, 0.4]]), [0, 1])).toThrow(/rocAuc: scores must be one value per sample \[N\], got shape \[2, 2\]/);
  });
});
