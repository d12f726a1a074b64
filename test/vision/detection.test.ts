// vision.detection: DETR's normalized targets and post-processing, COCO results, evaluation and box drawing, with hand-worked values.
import { describe, expect, it } from "vitest";
import { tensor, vision, zeros, type Tensor } from "../../src/index.js";

const { detrTargets, detrPostprocess, toCocoDetections, evaluateDetector, drawBoxes } = vision.detection;

describe("detrTargets", () => {
  it("turns xyxy pixel boxes into (cx, cy, w, h) divided by the image width and height", () => {
    const t = detrTargets({ image: zeros([3, 40, 80]), boxes: tensor([[10, 20, 30, 40], [0, 0, 80, 40]]), labels: tensor([2, 4], { dtype: "int32" }) });
    expect(t.boxes.toArray()).toEqual([[0.25, 0.75, 0.25, 0.5], [0.5, 0.5, 1, 1]]);
    expect(Array.from(t.labels.dataSync())).toEqual([2, 4]);
  });
});

describe("detrPostprocess", () => {
  it("scores each query by its most probable real class (softmax over all logits) and scales its box to pixels", () => {
    // exp(logits) = 1, 3, 1, 4 (sum 9): class 1 with p = 1/3; "no object" (p = 4/9) is left out.
    const logits = tensor([[[0, Math.log(3), 0, Math.log(4)], [Math.log(6), 0, Math.log(2), 0]]]);
    const boxes = tensor([[[0.5, 0.5, 0.2, 0.4], [0.25, 0.5, 0.5, 1]]]);
    const [d] = detrPostprocess({ logits, boxes }, [50, 100]);
    expect(Array.from(d!.labels.dataSync())).toEqual([1, 0]);
    const scores = Array.from(d!.scores.dataSync());
    expect(scores[0]).toBeCloseTo(1 / 3, 6);
    expect(scores[1]).toBeCloseTo(6 / 10, 6);
    const b = d!.boxes.toArray() as number[][];
    [[40, 15, 60, 35], [0, 0, 50, 50]].flat().forEach((v, i) => expect(b.flat()[i]).toBeCloseTo(v, 4));
  });
});

describe("toCocoDetections", () => {
  const det = {
    boxes: tensor([[0, 0, 10, 20], [5, 5, 7, 9], [1, 2, 3, 4]]),
    scores: tensor([0.2, 0.9, 0.5]),
    labels: tensor([1, 2, 0], { dtype: "int32" }),
  };
  it("writes [x, y, w, h] boxes, best score first, per image id", () => {
    expect(toCocoDetections([det], [17])).toEqual([
      { image_id: 17, category_id: 2, bbox: [5, 5, 2, 4], score: expect.closeTo(0.9, 6) },
      { image_id: 17, category_id: 0, bbox: [1, 2, 2, 2], score: expect.closeTo(0.5, 6) },
      { image_id: 17, category_id: 1, bbox: [0, 0, 10, 20], score: expect.closeTo(0.2, 6) },
    ]);
  });
  it("drops low scores, unknown categories and detections beyond maxDetections", () => {
    expect(toCocoDetections([det], [17], { scoreThreshold: 0.3 }).map((d) => d.category_id)).toEqual([2, 0]);
    expect(toCocoDetections([det], [17], { categoryIds: [1, 2] }).map((d) => d.category_id)).toEqual([2, 1]);
    expect(toCocoDetections([det], [17], { maxDetections: 1 }).map((d) => d.category_id)).toEqual([2]);
    expect(() => toCocoDetections([det], [1, 2])).toThrow(/one image id per image's detections, got 1 detections and 2 ids/);
  });
});

describe("evaluateDetector", () => {
  it("gives mAP 1 to a detector that returns the ground truth, and 0 to one that misses every box", () => {
    const scenes = new vision.datasets.HazyScenes({ split: "test", length: 3 });
    const items = [0, 1, 2].map((i) => scenes.get(i));
    const gt = scenes.toCoco();
    let next = 0;
    const perfect = (images: Tensor) => Array.from({ length: images.shape[0]! }, () => {
      const item = items[next++]!;
      return { boxes: item.boxes, scores: tensor(new Array(item.labels.shape[0]).fill(1)), labels: item.labels };
    });
    const { metrics, detections } = evaluateDetector(perfect, items.map((i) => i.image), items.map((i) => i.imageId), gt, { batchSize: 2 });
    expect(detections.length).toBe(gt.annotations.length);
    expect(metrics.map).toBe(1);
    const shifted = (images: Tensor) => Array.from({ length: images.shape[0]! }, () => ({ boxes: tensor([[60, 60, 64, 64]]), scores: tensor([1]), labels: tensor([1], { dtype: "int32" }) }));
    expect(evaluateDetector(shifted, items.map((i) => i.image), items.map((i) => i.imageId), gt).metrics.map).toBe(0);
  });
});

describe("drawBoxes", () => {
  it("draws one-pixel outlines inside the box's pixels, coloured by category", () => {
    const out = drawBoxes(zeros([3, 6, 6]), tensor([[1, 1, 4, 5]]), tensor([1], { dtype: "int32" }));
    const red = out.select(0, 0).toArray() as number[][];
    expect(red.map((row) => row.join(""))).toEqual(["000000", "011100", "010100", "010100", "011100", "000000"]);
    expect((out.select(0, 1).toArray() as number[][]).flat().some((v) => v > 0.2)).toBe(false);
  });
});
