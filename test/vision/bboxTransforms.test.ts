// vision.transforms with boxes (Compose's bboxParams, albumentations' BboxParams semantics): expected boxes worked out by hand
// from the geometry (albumentations is not installable here), checked against where the image's pixels went, clipping and the
// minVisibility / minArea drops, formats, and that the image is the image-only result.
import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { Generator } from "../../src/random/Generator.js";
import {
  ColorJitter, Compose, GaussianNoise, RandomAffine, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, ToTensor, functional as F,
  type BboxParams,
} from "../../src/vision/transforms/index.js";

/** A 1×h×w float64 image that is 1 on the pixels of the pascal_voc boxes (integer corners) and 0 elsewhere. */
function boxImage(h: number, w: number, boxes: number[][]): Tensor {
  const data = new Float64Array(h * w);
  for (const [x1, y1, x2, y2] of boxes) for (let y = y1!; y < y2!; y++) for (let x = x1!; x < x2!; x++) data[y * w + x] = 1;
  return tensor(data, { shape: [1, h, w], dtype: "float64" });
}

/** The pixel hull [x1, y1, x2, y2] of the pixels that are 1 (each pixel x spans [x, x + 1]). */
function onesHull(image: Tensor): number[] {
  const [, h, w] = image.shape as [number, number, number];
  const d = image.dataSync();
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (d[y * w + x]! > 0.5) {
    x1 = Math.min(x1, x); y1 = Math.min(y1, y); x2 = Math.max(x2, x + 1); y2 = Math.max(y2, y + 1);
  }
  return [x1, y1, x2, y2];
}

const expectBoxes = (actual: number[][], expected: number[][]): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((b, i) => b.forEach((v, k) => expect(v).toBeCloseTo(expected[i]![k]!, 12)));
};

const voc = (extra: Partial<BboxParams> = {}): { bboxParams: BboxParams } => ({ bboxParams: { format: "pascal_voc", ...extra } });

describe("flips", () => {
  it("horizontal flip maps x to W − x (coco box [2, 3, 5, 4] in a 10×20 image → [13, 3, 5, 4]) and follows the pixels", () => {
    // pascal [2, 3, 7, 7] → x1' = 20 − 7 = 13, x2' = 20 − 2 = 18 → coco [13, 3, 5, 4].
    const image = boxImage(10, 20, [[2, 3, 7, 7]]);
    const t = new Compose([new RandomHorizontalFlip({ p: 1 })], { bboxParams: { format: "coco" } });
    const out = t.apply({ image, bboxes: [[2, 3, 5, 4]], labels: [7] });
    expect(out.bboxes).toEqual([[13, 3, 5, 4]]);
    expect(out.labels).toEqual([7]);
    expect(onesHull(out.image)).toEqual([13, 3, 18, 7]);
  });

  it("vertical flip maps y to H − y (coco [2, 1, 5, 4] in a 10×20 image → [2, 5, 5, 4])", () => {
    // pascal [2, 1, 7, 5] → y1' = 10 − 5 = 5, y2' = 10 − 1 = 9.
    const image = boxImage(10, 20, [[2, 1, 7, 5]]);
    const out = new Compose([new RandomVerticalFlip({ p: 1 })], { bboxParams: { format: "coco" } }).apply({ image, bboxes: [[2, 1, 5, 4]], labels: [1] });
    expect(out.bboxes).toEqual([[2, 5, 5, 4]]);
    expect(onesHull(out.image)).toEqual([2, 5, 7, 9]);
  });

  it("yolo boxes are fractions of the image: a horizontal flip sends cx to 1 − cx", () => {
    const image = boxImage(10, 20, []);
    const out = new Compose([new RandomHorizontalFlip({ p: 1 })], { bboxParams: { format: "yolo" } }).apply({ image, bboxes: [[0.25, 0.5, 0.1, 0.2]] });
    expectBoxes(out.bboxes, [[0.75, 0.5, 0.1, 0.2]]);
    expect(out.labels).toBeUndefined();
  });

  it("a flip that does not fire (p = 0) leaves image and boxes", () => {
    const image = boxImage(10, 20, [[2, 3, 7, 7]]);
    const out = new Compose([new RandomHorizontalFlip({ p: 0 })], voc()).apply({ image, bboxes: [[2, 3, 7, 7]], labels: [1] });
    expect(out.bboxes).toEqual([[2, 3, 7, 7]]);
    expect(out.image.toArray()).toEqual(image.toArray());
  });
});

describe("affine: the four corners mapped, then their axis-aligned hull", () => {
  it("rotation by 90° about the centre of a 10×10 image: (x, y) → (y, 10 − x), so [1, 2, 4, 7] → [2, 6, 7, 9], where the pixels went", () => {
    // Corner coordinates, centre (5, 5); A = R(90°) = [[0, 1], [−1, 0]]: x' = 5 + (y − 5) = y, y' = 5 − (x − 5) = 10 − x.
    // Corners x ∈ {1, 4}, y ∈ {2, 7} → x' ∈ {2, 7}, y' ∈ {9, 6}.
    const image = boxImage(10, 10, [[1, 2, 4, 7]]);
    const out = new Compose([new RandomAffine({ degrees: [90, 90] })], voc()).apply({ image, bboxes: [[1, 2, 4, 7]], labels: [3] });
    expectBoxes(out.bboxes, [[2, 6, 7, 9]]);
    expect(onesHull(out.image)).toEqual([2, 6, 7, 9]);
  });

  it("rotation by 45°: the 2×2 centre square becomes the hull of a diamond, [5 − √2, 5 − √2, 5 + √2, 5 + √2]", () => {
    // Corners (4, 4) … (6, 6) lie √2 from the centre (5, 5) on the diagonals; turned by 45° they sit on the axes at distance √2.
    const out = new Compose([new RandomAffine({ degrees: [45, 45] })], voc()).apply({ image: boxImage(10, 10, []), bboxes: [[4, 4, 6, 6]] });
    const r = Math.SQRT2;
    expectBoxes(out.bboxes, [[5 - r, 5 - r, 5 + r, 5 + r]]);
  });

  it("the whole 10×10 image turned by 45° has a hull of side 10√2 (area 200); clipped to the image 100 / 200 = 0.5 is visible", () => {
    const image = boxImage(10, 10, []);
    const rotate = (minVisibility: number) => new Compose([new RandomAffine({ degrees: [45, 45] })], voc({ minVisibility })).apply({ image, bboxes: [[0, 0, 10, 10]], labels: [1] });
    const kept = rotate(0.4);
    expectBoxes(kept.bboxes, [[0, 0, 10, 10]]); // hull [5 − 5√2, 5 + 5√2]² clipped to the image
    expect(kept.labels).toEqual([1]);
    const dropped = rotate(0.6);
    expect(dropped.bboxes).toEqual([]);
    expect(dropped.labels).toEqual([]);
  });

  it("scale 2 about the centre of a 20×20 image: [8, 8, 12, 12] → [6, 6, 14, 14], where the pixels went (nearest)", () => {
    // x' = 10 + 2 (x − 10): 8 → 6, 12 → 14. Pixels: output q reads input round(9.5 + (q − 9.5) / 2), inside [8, 11] for q = 6 … 13.
    const image = boxImage(20, 20, [[8, 8, 12, 12]]);
    const out = new Compose([new RandomAffine({ scale: [2, 2] })], voc()).apply({ image, bboxes: [[8, 8, 12, 12]] });
    expectBoxes(out.bboxes, [[6, 6, 14, 14]]);
    expect(onesHull(out.image)).toEqual([6, 6, 14, 14]);
  });

  it("translation by whole pixels drawn as documented (angle, then tx = round(U(−0.2·W, 0.2·W)), ty = round(U(−0.1·H, 0.1·H)))", () => {
    const g = new Generator(3);
    g.uniform(0, 0); // the angle
    const tx = Math.round(g.uniform(-6, 6)), ty = Math.round(g.uniform(-2, 2));
    expect(tx !== 0 || ty !== 0).toBe(true);
    const image = boxImage(20, 30, [[10, 5, 15, 9]]);
    const out = new Compose([new RandomAffine({ translate: [0.2, 0.1] })], { seed: 3, ...voc() }).apply({ image, bboxes: [[10, 5, 15, 9]] });
    expectBoxes(out.bboxes, [[10 + tx, 5 + ty, 15 + tx, 9 + ty]]);
    expect(onesHull(out.image)).toEqual([10 + tx, 5 + ty, 15 + tx, 9 + ty]);
  });
});

describe("random crop: shift, clip, minVisibility and minArea", () => {
  // Seed 5 draws top = randint(0, 5) = 3, then left = randint(0, 5) = 2: the 6×6 window is rows [3, 9), columns [2, 8).
  const seed = 5;
  const g = new Generator(seed);
  const top = g.randint(0, 5), left = g.randint(0, 5);
  const image = boxImage(10, 10, [[3, 4, 5, 7]]);
  const bboxes = [
    [3, 4, 5, 7], // A: inside → [1, 1, 3, 4]
    [0, 4, 4, 5], // B: → [−2, 1, 2, 2], area 4; clipped [0, 1, 2, 2], area 2: visibility 0.5
    [0, 0, 2, 2], // C: → [−2, −3, 0, −1], entirely outside
    [6, 7, 7, 8], // D: → [4, 4, 5, 5], area 1
  ];
  const labels = ["A", "B", "C", "D"];
  const crop = (params: Partial<BboxParams>) => new Compose([new RandomCrop(6)], { seed, ...voc(params) }).apply({ image, bboxes, labels });

  it("draws top 3 and left 2 with seed 5, and crops the image there", () => {
    expect([top, left]).toEqual([3, 2]);
    expect(crop({}).image.toArray()).toEqual(F.crop(image, 3, 2, 6, 6).toArray());
  });

  it("keeps the clipped part of a box half outside when minVisibility ≤ 0.5, drops what is entirely outside", () => {
    const out = crop({ minVisibility: 0.4 });
    expect(out.bboxes).toEqual([[1, 1, 3, 4], [0, 1, 2, 2], [4, 4, 5, 5]]);
    expect(out.labels).toEqual(["A", "B", "D"]);
  });

  it("drops the half-visible box (with its label) at minVisibility 0.6 and the 1-pixel box at minArea 2", () => {
    const out = crop({ minVisibility: 0.6, minArea: 2 });
    expect(out.bboxes).toEqual([[1, 1, 3, 4]]);
    expect(out.labels).toEqual(["A"]);
  });

  it("filters every label field named in labelFields together with the boxes", () => {
    const out = new Compose([new RandomCrop(6)], { seed, bboxParams: { format: "pascal_voc", labelFields: ["labels", "ids"], minVisibility: 0.6 } })
      .apply({ image, bboxes, labels, ids: [10, 11, 12, 13] });
    expect(out.labels).toEqual(["A", "D"]);
    expect(out.ids).toEqual([10, 13]);
  });

  it("crop with padding 2: boxes move by +2 for the padding, then by −(left, top) of the crop in the 14×14 padded image", () => {
    // Padded 14×14; seed 5 draws top 3, left 2. [0, 0, 4, 4] → [2, 2, 6, 6] → [0, −1, 4, 3] (area 16), clipped [0, 0, 4, 3] (area 12, 0.75 visible);
    // [6, 6, 10, 10] → [8, 8, 12, 12] → [6, 5, 10, 9].
    const padded = new Compose([new RandomCrop(10, { padding: 2 })], { seed, ...voc({ minVisibility: 0.7 }) }).apply({ image, bboxes: [[0, 0, 4, 4], [6, 6, 10, 10]], labels: [1, 2] });
    expect(padded.bboxes).toEqual([[0, 0, 4, 3], [6, 5, 10, 9]]);
    expect(padded.image.toArray()).toEqual(F.crop(F.pad(image, 2), 3, 2, 10, 10).toArray());
    const strict = new Compose([new RandomCrop(10, { padding: 2 })], { seed, ...voc({ minVisibility: 0.8 }) }).apply({ image, bboxes: [[0, 0, 4, 4], [6, 6, 10, 10]], labels: [1, 2] });
    expect(strict.labels).toEqual([2]);
  });
});

describe("the image is the image-only result; pixel-value transforms leave boxes alone", () => {
  it("a chain of flip, affine, colour jitter, noise and crop gives the same image as apply(image) with the same seed", () => {
    const g = new Generator(11);
    const image = tensor(Float32Array.from({ length: 3 * 16 * 16 }, () => g.random()), { shape: [3, 16, 16] });
    const chain = () => [
      new RandomHorizontalFlip(), new RandomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] }), new ColorJitter({ brightness: 0.3, contrast: 0.3 }),
      new GaussianNoise({ sigma: 0.05 }), new RandomCrop(12),
    ];
    for (const seed of [0, 1, 2]) {
      const imageOnly = new Compose(chain(), { seed }).apply(image);
      const withBoxes = new Compose(chain(), { seed, bboxParams: { format: "coco" } }).apply({ image, bboxes: [[4, 4, 6, 6]], labels: [1] });
      expect(withBoxes.image.toArray()).toEqual(imageOnly.toArray());
    }
  });

  it("colour jitter and noise keep the boxes exactly", () => {
    const image = tensor(Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => (i % 7) / 7), { shape: [3, 8, 8] });
    const out = new Compose([new ColorJitter({ brightness: 0.5, contrast: 0.5 }), new GaussianNoise()], { seed: 4, bboxParams: { format: "coco" } })
      .apply({ image, bboxes: [[1.5, 2, 3, 4.25]], labels: [2] });
    expect(out.bboxes).toEqual([[1.5, 2, 3, 4.25]]);
    expect(out.labels).toEqual([2]);
  });
});

describe("argument checks", () => {
  const image = boxImage(10, 10, []);
  it("needs bboxParams for the boxed form, one image, boxes inside the image and one label per box", () => {
    expect(() => new Compose([new RandomHorizontalFlip()]).apply({ image, bboxes: [[0, 0, 1, 1]] })).toThrow(/no bboxParams/);
    const t = new Compose([new RandomHorizontalFlip()], voc());
    expect(() => t.apply({ image: tensor(new Float32Array(2 * 100), { shape: [2, 1, 10, 10] }), bboxes: [] })).toThrow(/one image \[C, H, W\]/);
    expect(() => t.apply({ image, bboxes: [[0, 0, 11, 5]] })).toThrow(/reaches outside the 10×10 image/);
    expect(() => t.apply({ image, bboxes: [[3, 0, 2, 5]] })).toThrow(/is empty/);
    expect(() => t.apply({ image, bboxes: [[0, 0, 2, 5]], labels: [1, 2] })).toThrow(/one entry per box \(1\), got 2 entries/);
    expect(() => new Compose([], { bboxParams: { format: "xyxy" as "coco" } })).toThrow(/format must be/);
    expect(() => new Compose([], voc({ minVisibility: 2 }))).toThrow(/minVisibility/);
    expect(() => new Compose([new ToTensor()], voc()).apply({ image, bboxes: [] })).toThrow(/knows how it moves boxes/);
    expect(() => new Compose([], { bboxParams: { format: "coco", labelFields: ["ids"] } }).apply({ image, bboxes: [] })).toThrow(/ids .* missing/);
  });
});
