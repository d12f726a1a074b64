// vision.ops box utilities against torchvision.ops (test/fixtures/vision/make_boxes_fixture.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor, vision, type Tensor } from "../../src/index.js";

const { boxConvert, boxArea, boxIou, generalizedBoxIou, nms, batchedNms, clipBoxesToImage, removeSmallBoxes } = vision.ops;

interface Fixture {
  boxes1: number[][]; boxes2: number[][];
  convert: Record<string, { in: number[][]; out: number[][] }>;
  area1: number[]; iou: number[][]; giou: number[][]; giou_weights: number[][]; giou_grad1: number[][]; giou_grad2: number[][];
  nms_boxes: number[][]; nms_scores: number[]; nms_idxs: number[];
  nms: { iou_threshold: number; keep: number[]; batched_keep: number[] }[];
  small_keep: number[]; clipped: number[][];
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/vision/boxes.json", import.meta.url), "utf8")) as Fixture;
const f64 = (v: number[][] | number[]): Tensor => tensor(v, { dtype: "float64" });

function expectClose(actual: Tensor, expected: number[][] | number[], digits = 12): void {
  const a = actual.toArray() as number[][] | number[];
  expect(actual.shape).toEqual(Array.isArray(expected[0]) ? [expected.length, (expected[0] as number[]).length] : [expected.length]);
  const flatA = a.flat();
  const flatE = expected.flat();
  flatE.forEach((v, i) => expect(flatA[i]).toBeCloseTo(v, digits));
}

describe("vision.ops boxes", () => {
  it("boxConvert equals torchvision between every pair of formats", () => {
    expect(Object.keys(fx.convert).length).toBe(9);
    for (const [key, { in: input, out }] of Object.entries(fx.convert)) {
      const [a, b] = key.split("->") as [vision.ops.BoxFormat, vision.ops.BoxFormat];
      expectClose(boxConvert(f64(input), a, b), out);
    }
    // COCO's [x, y, w, h] to corners, by hand.
    expect(boxConvert(tensor([[10, 20, 30, 40]]), "xywh", "xyxy").toArray()).toEqual([[10, 20, 40, 60]]);
  });

  it("boxArea, boxIou and generalizedBoxIou equal torchvision", () => {
    expectClose(boxArea(f64(fx.boxes1)), fx.area1);
    expectClose(boxIou(f64(fx.boxes1), f64(fx.boxes2)), fx.iou);
    expectClose(generalizedBoxIou(f64(fx.boxes1), f64(fx.boxes2)), fx.giou);
    expect((boxIou(f64(fx.boxes1), f64(fx.boxes2)).toArray() as number[][])[0]![0]).toBeCloseTo(1, 14);
  });

  it("generalizedBoxIou is differentiable: its gradients equal torch autograd's", () => {
    const b1 = tensor(fx.boxes1, { dtype: "float64", requiresGrad: true });
    const b2 = tensor(fx.boxes2, { dtype: "float64", requiresGrad: true });
    generalizedBoxIou(b1, b2).mul(f64(fx.giou_weights)).sum().backward();
    expectClose(b1.grad!, fx.giou_grad1);
    expectClose(b2.grad!, fx.giou_grad2);
  });

  it("nms and batchedNms keep the same boxes as torchvision, in decreasing score", () => {
    const boxes = f64(fx.nms_boxes);
    const scores = f64(fx.nms_scores);
    const idxs = tensor(fx.nms_idxs, { dtype: "int32" });
    expect(fx.nms.length).toBe(4);
    for (const c of fx.nms) {
      const keep = nms(boxes, scores, c.iou_threshold);
      expect(keep.dtype).toBe("int32");
      expect(keep.toArray()).toEqual(c.keep);
      expect(batchedNms(boxes, scores, idxs, c.iou_threshold).toArray()).toEqual(c.batched_keep);
      // float32 boxes give the same decisions here (no IoU sits at a threshold).
      expect(nms(boxes.float(), scores.float(), c.iou_threshold).toArray()).toEqual(c.keep);
    }
  });

  it("removeSmallBoxes and clipBoxesToImage equal torchvision", () => {
    expect(removeSmallBoxes(f64(fx.boxes1), 10).toArray()).toEqual(fx.small_keep);
    expectClose(clipBoxesToImage(f64(fx.boxes1), [40, 45]), fx.clipped);
  });

  it("rejects bad shapes, formats and scores with errors naming the op", () => {
    expect(() => boxIou(tensor([[0, 0, 1]]), tensor([[0, 0, 1, 1]]))).toThrow(/^boxIou: boxes1 must have shape \[N, 4\], got \[1, 3\]/);
    expect(() => boxConvert(tensor([[0, 0, 1, 1]]), "xyxy", "yxyx" as never)).toThrow(/^boxConvert: outFmt must be one of "xyxy", "xywh", "cxcywh", got "yxyx"/);
    expect(() => nms(tensor([[0, 0, 1, 1]]), tensor([1, 2]), 0.5)).toThrow(/^nms: scores must be a Tensor of shape \[1\]/);
    expect(() => nms(tensor([[0, 0, 1, 1]]), tensor([1]), NaN)).toThrow(/^nms: iouThreshold must be a finite number/);
    expect(() => generalizedBoxIou(tensor([[0, 0, 1, 1]], { dtype: "int32" }), tensor([[0, 0, 1, 1]]))).toThrow(/^generalizedBoxIou: boxes1 must be float32 or float64, got int32/);
  });
});
