// vision.coco: the format reader/writer, and cocoEvaluate against pycocotools (test/fixtures/coco/make_coco_eval_fixture.py).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vision } from "../../src/index.js";

const { cocoEvaluate, parseCoco, stringifyCoco } = vision.coco;

interface Fixture {
  gt: vision.coco.CocoDataset;
  detections: vision.coco.CocoDetection[];
  stats: number[];
  per_category: { category_id: number; ap: number; ar100: number }[];
  precision_iou50_all_100: number[][];
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/coco/coco_eval.json", import.meta.url), "utf8")) as Fixture;

describe("vision.coco.cocoEvaluate", () => {
  it("equals pycocotools' COCOeval summary on the fixture", () => {
    const m = cocoEvaluate(fx.gt, fx.detections);
    expect(fx.stats.length).toBe(12);
    m.stats.forEach((v, i) => expect(v).toBeCloseTo(fx.stats[i]!, 12));
    expect([m.map, m.map50, m.map75, m.mapSmall, m.mapMedium, m.mapLarge, m.mar1, m.mar10, m.mar100, m.marSmall, m.marMedium, m.marLarge]).toEqual(m.stats);
    // The fixture exercises every part: all three sizes present, a limit of 100 detections that bites.
    expect(Math.min(...fx.stats)).toBeGreaterThan(0.1);
    expect(fx.stats[8]).toBeGreaterThan(fx.stats[7]!);
  });

  it("equals pycocotools per category and in the interpolated precision curve", () => {
    const m = cocoEvaluate(fx.gt, fx.detections);
    expect(m.perCategory.map((c) => c.categoryId)).toEqual(fx.per_category.map((c) => c.category_id));
    m.perCategory.forEach((c, k) => {
      expect(c.ap).toBeCloseTo(fx.per_category[k]!.ap, 12);
      expect(c.ar100).toBeCloseTo(fx.per_category[k]!.ar100, 12);
    });
    m.precision50.forEach((row, k) => row.forEach((v, r) => expect(v).toBeCloseTo(fx.precision_iou50_all_100[k]![r]!, 12)));
  });

  it("gives 1 for perfect detections and -1 for sizes without objects", () => {
    const gt = {
      images: [{ id: 1, width: 100, height: 100, file_name: "a.png" }],
      annotations: [{ id: 1, image_id: 1, category_id: 7, bbox: [10, 10, 20, 20] as [number, number, number, number], area: 400, iscrowd: 0 as const }],
      categories: [{ id: 7, name: "car" }],
    };
    const m = cocoEvaluate(gt, [{ image_id: 1, category_id: 7, bbox: [10, 10, 20, 20], score: 0.5 }]);
    expect(m.map).toBeCloseTo(1, 12);
    expect(m.mapSmall).toBeCloseTo(1, 12);
    expect(m.mapMedium).toBe(-1);
    expect(m.mapLarge).toBe(-1);
    expect(cocoEvaluate(gt, []).map).toBe(0);
  });

  it("rejects detections that do not fit the ground truth", () => {
    expect(() => cocoEvaluate(fx.gt, [{ image_id: 999, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }])).toThrow(/^cocoEvaluate: detections\[0\]\.image_id 999 is not the id of any ground-truth image/);
    expect(() => cocoEvaluate(fx.gt, [{ image_id: 10, category_id: 1, bbox: [0, 0, 1], score: 1 } as never])).toThrow(/^cocoEvaluate: detections\[0\]\.bbox must be \[x, y, width, height\]/);
    expect(() => cocoEvaluate(fx.gt, [{ image_id: 10, category_id: 1, bbox: [0, 0, 1, 1], score: NaN }])).toThrow(/^cocoEvaluate: detections\[0\]\.score must be a finite number/);
  });
});

describe("vision.coco format", () => {
  it("round-trips through stringifyCoco and parseCoco, filling area and iscrowd", () => {
    expect(parseCoco(stringifyCoco(fx.gt))).toEqual(fx.gt);
    const parsed = parseCoco({ images: [{ id: 1, width: 4, height: 3, file_name: "x.png" }], annotations: [{ id: 5, image_id: 1, category_id: 2, bbox: [0, 0, 2, 3] }], categories: [{ id: 2, name: "bus" }] });
    expect(parsed.annotations[0]!.area).toBe(6);
    expect(parsed.annotations[0]!.iscrowd).toBe(0);
  });

  it("writes and reads annotation files, naming the file in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "coco-file-"));
    vision.coco.writeCocoFile(join(dir, "sub", "gt.json"), fx.gt);
    expect(vision.coco.readCocoFile(join(dir, "sub", "gt.json"))).toEqual(fx.gt);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...fx.gt, categories: [] }));
    expect(() => vision.coco.readCocoFile(join(dir, "bad.json"))).toThrow(/^readCocoFile: ".*bad\.json": annotations\[0\]\.category_id \d+ is not the id of any category/);
    expect(() => vision.coco.readCocoFile(join(dir, "none.json"))).toThrow(/^readCocoFile: .*none\.json.*does not exist/);
  });

  it("names the entry and field of invalid annotation files", () => {
    const base = () => structuredClone(fx.gt) as unknown as Record<string, Record<string, unknown>[]>;
    expect(() => parseCoco("{ not json")).toThrow(/^parseCoco: the text is not valid JSON/);
    expect(() => parseCoco({ images: [], categories: [] })).toThrow(/^parseCoco: the dataset needs an array "annotations"/);
    let d = base();
    d.annotations![3]!.bbox = [1, 2, -3, 4];
    expect(() => parseCoco(d)).toThrow(/^parseCoco: annotations\[3\]\.bbox has a negative width or height/);
    d = base();
    d.annotations![2]!.image_id = 12345;
    expect(() => parseCoco(d)).toThrow(/^parseCoco: annotations\[2\]\.image_id 12345 is not the id of any image/);
    d = base();
    d.annotations![1]!.iscrowd = 2;
    expect(() => parseCoco(d)).toThrow(/^parseCoco: annotations\[1\]\.iscrowd must be 0 or 1, got 2/);
    d = base();
    d.images![1]!.id = d.images![0]!.id;
    expect(() => parseCoco(d)).toThrow(/^parseCoco: images\[1\]\.id 10 repeats an earlier id/);
    d = base();
    d.images![0]!.width = 0;
    expect(() => parseCoco(d)).toThrow(/^parseCoco: images\[0\]\.width must be a positive integer, got 0/);
    d = base();
    delete d.categories![0]!.name;
    expect(() => stringifyCoco(d as never)).toThrow(/^stringifyCoco: categories\[0\]\.name must be a string, got undefined/);
  });
});
