// vision.datasets.HazyScenes: determinism, boxes that match the drawn objects, the haze model pixelwise, disjoint splits.
import { describe, expect, it } from "vitest";
import { data, vision } from "../../src/index.js";

const { HazyScenes } = vision.datasets;

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

describe("vision.datasets.HazyScenes", () => {
  const train = new HazyScenes({ split: "train", length: 24 });

  it("is deterministic: the same options give the same scenes, another seed others", () => {
    const again = new HazyScenes({ split: "train", length: 24 });
    const other = new HazyScenes({ split: "train", length: 24, seed: 1 });
    for (const i of [0, 7, 23]) {
      const a = train.get(i);
      const b = again.get(i);
      expect(values(a.hazy)).toEqual(values(b.hazy));
      expect(values(a.clean)).toEqual(values(b.clean));
      expect(values(a.depth)).toEqual(values(b.depth));
      expect(a.annotations).toEqual(b.annotations);
      expect(values(other.get(i).clean)).not.toEqual(values(a.clean));
    }
    // Reading order does not matter: each scene has its own seed.
    expect(values(new HazyScenes({ length: 24 }).get(23).hazy)).toEqual(values(train.get(23).hazy));
  });

  it("gives CHW images in [0, 1] of the configured size", () => {
    const item = new HazyScenes({ size: [48, 80], length: 2 }).get(1);
    for (const t of [item.image, item.clean, item.hazy]) {
      expect(t.shape).toEqual([3, 48, 80]);
      const v = values(t);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(1);
    }
    expect(item.depth.shape).toEqual([1, 48, 80]);
    expect(item.instances.shape).toEqual([48, 80]);
    expect(values(new HazyScenes({ haze: false, length: 1 }).get(0).image)).toEqual(values(train.get(0).clean));
  });

  it("boxes lie inside the image and are tight around each object's drawn pixels", () => {
    const W = 64;
    for (let i = 0; i < train.length; i++) {
      const item = train.get(i);
      const inst = values(item.instances);
      const boxes = item.boxes.toArray() as number[][];
      expect(boxes.length).toBe(item.annotations.length);
      expect(boxes.length).toBeGreaterThan(0);
      boxes.forEach(([x1, y1, x2, y2], k) => {
        expect(x1).toBeGreaterThanOrEqual(0);
        expect(y1).toBeGreaterThanOrEqual(0);
        expect(x2).toBeLessThanOrEqual(64);
        expect(y2).toBeLessThanOrEqual(64);
        let [mx1, my1, mx2, my2, count] = [Infinity, Infinity, -Infinity, -Infinity, 0];
        inst.forEach((id, p) => {
          if (id !== k + 1) return;
          const x = p % W;
          const y = Math.floor(p / W);
          [mx1, my1, mx2, my2] = [Math.min(mx1, x), Math.min(my1, y), Math.max(mx2, x + 1), Math.max(my2, y + 1)];
          count++;
        });
        expect([x1, y1, x2, y2]).toEqual([mx1, my1, mx2, my2]);
        const ann = item.annotations[k]!;
        expect(ann.bbox).toEqual([x1, y1, x2! - x1!, y2! - y1!]);
        expect(ann.area).toBe(count);
        expect(ann.category_id).toBe((item.labels.toArray() as number[])[k]);
      });
      expect(Math.max(...inst)).toBe(boxes.length);
    }
  });

  it("has all four classes, a range of scales, occlusion, and depth that grows up the image", () => {
    const seen = new Set<number>();
    const heights: number[] = [];
    let overlapping = 0;
    for (let i = 0; i < train.length; i++) {
      const item = train.get(i);
      const depth = values(item.depth);
      const boxes = item.boxes.toArray() as number[][];
      item.annotations.forEach((a) => seen.add(a.category_id));
      heights.push(...boxes.map((b) => b[3]! - b[1]!));
      const iou = vision.ops.boxIou(item.boxes, item.boxes).toArray() as number[][];
      for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) if (iou[a]![b]! > 0) overlapping++;
      // An object has the depth of the ground it stands on: lower in the image means nearer.
      const inst = values(item.instances);
      const objectDepth = boxes.map((_, k) => depth[inst.indexOf(k + 1)]!);
      const order = boxes.map((_, k) => k).sort((a, b) => boxes[a]![3]! - boxes[b]![3]!);
      for (let k = 1; k < order.length; k++) {
        if (boxes[order[k]!]![3]! > boxes[order[k - 1]!]![3]! + 1) expect(objectDepth[order[k]!]!).toBeLessThanOrEqual(objectDepth[order[k - 1]!]!);
      }
      // Ground depth down the left column (below the background, whose depth is at least 1.94) never increases.
      const column = Array.from({ length: 64 }, (_, y) => depth[y * 64]!);
      const groundStart = column.findIndex((d) => d < 1.9);
      expect(groundStart).toBeGreaterThan(10);
      for (let y = groundStart + 1; y < 64; y++) if (inst[y * 64] === 0 && inst[(y - 1) * 64] === 0) expect(column[y]!).toBeLessThanOrEqual(column[y - 1]!);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
    expect(Math.max(...heights) / Math.min(...heights)).toBeGreaterThan(3);
    expect(overlapping).toBeGreaterThan(3);
  });

  it("hazy = clean·t + A·(1 − t) with t = exp(−β·depth), pixel by pixel, β and A varying per image", () => {
    const betas = new Set<number>();
    for (const i of [0, 5, 11]) {
      const item = train.get(i);
      betas.add(item.beta);
      expect(item.beta).toBeGreaterThanOrEqual(0.8);
      expect(item.beta).toBeLessThanOrEqual(2);
      const [J, I, D, T] = [values(item.clean), values(item.hazy), values(item.depth), values(item.transmission)];
      const plane = 64 * 64;
      let [tError, hazeError, minT, maxT] = [0, 0, 1, 0];
      for (let p = 0; p < plane; p++) {
        const t = Math.exp(-item.beta * D[p]!);
        [minT, maxT] = [Math.min(minT, t), Math.max(maxT, t)];
        tError = Math.max(tError, Math.abs(T[p]! - t));
        for (let c = 0; c < 3; c++) hazeError = Math.max(hazeError, Math.abs(I[c * plane + p]! - (J[c * plane + p]! * t + item.airlight[c]! * (1 - t))));
      }
      expect(tError).toBeLessThan(1e-6);
      expect(hazeError).toBeLessThan(1e-6);
      // Near ground keeps most of the scene; the sky is almost all airlight.
      expect(maxT).toBeGreaterThan(0.5);
      expect(minT).toBeLessThan(0.05);
    }
    expect(betas.size).toBe(3);
  });

  it("splits share no scene and no image id; toCoco is a valid COCO dataset of the split", () => {
    const val = new HazyScenes({ split: "val", length: 24 });
    const test = new HazyScenes({ split: "test", length: 24 });
    const key = (ds: InstanceType<typeof HazyScenes>, i: number): string => values(ds.get(i).clean).slice(0, 3 * 64 * 64).join(",");
    const seen = new Set<string>();
    for (const ds of [train, val, test]) for (let i = 0; i < 8; i++) seen.add(key(ds, i));
    expect(seen.size).toBe(24);
    const ids = [train, val, test].flatMap((ds) => ds.toCoco().images.map((img) => img.id));
    expect(new Set(ids).size).toBe(72);
    const coco = vision.coco.parseCoco(val.toCoco());
    expect(coco.categories.map((c) => c.name)).toEqual(["car", "truck", "bus", "pedestrian"]);
    expect(coco.annotations).toEqual(Array.from({ length: 24 }, (_, i) => val.get(i).annotations).flat());
    // The ground truth scored against itself is perfect.
    const perfect = coco.annotations.map((a) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 1 }));
    expect(vision.coco.cocoEvaluate(coco, perfect).map50).toBeCloseTo(1, 12);
  });

  it("batches through data.DataLoader with detectionCollate: stacked images, one target per image", () => {
    const loader = new data.DataLoader(train, { batchSize: 4, collate: vision.datasets.detectionCollate });
    const batches = [...loader];
    expect(batches.length).toBe(6);
    const { images, targets } = batches[1]!;
    expect(images.shape).toEqual([4, 3, 64, 64]);
    expect(targets.map((t) => t.imageId)).toEqual([5, 6, 7, 8]);
    expect(values(images.select(0, 2))).toEqual(values(train.get(6).hazy));
    expect(targets[3]!.boxes.toArray()).toEqual(train.get(7).boxes.toArray());
    const other = new HazyScenes({ size: 32, length: 1 }).get(0);
    expect(() => vision.datasets.detectionCollate([train.get(0), other])).toThrow(/^detectionCollate: item 1 has an image of shape \[3, 32, 32\], item 0 \[3, 64, 64\]/);
  });

  it("rejects bad options with errors naming HazyScenes", () => {
    expect(() => new HazyScenes({ split: "dev" as never })).toThrow(/^HazyScenes: split must be "train", "val" or "test", got "dev"/);
    expect(() => new HazyScenes({ size: 8 })).toThrow(/^HazyScenes: size must be an integer >= 16/);
    expect(() => new HazyScenes({ beta: [2, 1] })).toThrow(/^HazyScenes: beta must be a range/);
    expect(() => new HazyScenes({ airlight: [0.5, 1.5] })).toThrow(/^HazyScenes: airlight must be a range/);
    expect(() => train.get(24)).toThrow(/^HazyScenes.get: index 24 is out of range for a dataset of length 24/);
  });
});
