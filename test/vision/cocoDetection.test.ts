// vision.datasets.CocoDetection on a tiny committed COCO-format folder (test/fixtures/coco/make_tiny_folder.py):
// PNG (RGB, grey, RGBA) and JPEG (baseline, progressive, 4:2:0 chroma) decode to PIL's pixels.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { vision } from "../../src/index.js";

const folder = fileURLToPath(new URL("../fixtures/coco/tiny", import.meta.url));
const pixels = JSON.parse(readFileSync(new URL("../fixtures/coco/tiny_pixels.json", import.meta.url), "utf8")) as Record<string, number[][][]>;

describe("vision.datasets.CocoDetection", () => {
  const ds = new vision.datasets.CocoDetection({ root: folder, annFile: join(folder, "annotations.json") });

  it("decodes PNG exactly and JPEG within IDCT rounding of PIL (libjpeg)", () => {
    expect(ds.length).toBe(6);
    expect(ds.ids).toEqual([101, 102, 103, 104, 105, 106]);
    for (let i = 0; i < ds.length; i++) {
      const name = ds.imageInfo(i).file_name.replace("images/", "");
      const expected = pixels[name]!; // [H][W][3] bytes
      const { image } = ds.get(i);
      const [C, H, W] = image.shape as [number, number, number];
      expect([C, H, W]).toEqual([3, expected.length, expected[0]!.length]);
      const data = image.dataSync();
      let [maxDiff, sumDiff] = [0, 0];
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          for (let c = 0; c < 3; c++) {
            const diff = Math.abs(data[c * H * W + y * W + x]! * 255 - expected[y]![x]![c]!);
            [maxDiff, sumDiff] = [Math.max(maxDiff, diff), sumDiff + diff];
          }
        }
      }
      if (name.endsWith(".png")) expect(maxDiff).toBeLessThan(1e-3); // lossless: the same bytes
      else if (name !== "chroma420.jpg") expect(maxDiff).toBeLessThan(2 + 1e-3); // full-resolution chroma: the decoders differ by IDCT rounding only
      else {
        // Half-resolution chroma: libjpeg interpolates it (a triangle filter), jpeg-js repeats it, so colour edges differ a little.
        expect(sumDiff / (3 * H * W)).toBeLessThan(3.5);
        expect(maxDiff).toBeLessThan(12 + 1e-3);
      }
    }
  });

  it("gives the same item fields as HazyScenes: boxes xyxy without crowd regions, labels, annotations", () => {
    const item = ds.get(3);
    expect(item.imageId).toBe(104);
    expect(item.annotations.map((a) => a.id)).toEqual([3, 4]);
    expect(item.boxes.toArray()).toEqual([[2, 3, 12, 11]]);
    expect(item.labels.dtype).toBe("int32");
    expect(item.labels.toArray()).toEqual([2]);
    const first = ds.get(0);
    expect(first.boxes.toArray()).toEqual([[1, 2, 6, 6], [7.5, 0, 10.5, 6.5]]);
    expect(first.labels.toArray()).toEqual([1, 4]);
    const empty = ds.get(1);
    expect(empty.boxes.shape).toEqual([0, 4]);
    expect(empty.annotations).toEqual([]);
    const synthetic = new vision.datasets.HazyScenes({ length: 1 }).get(0);
    for (const key of Object.keys(item)) expect(synthetic).toHaveProperty(key);
  });

  it("loads a HazyScenes split written as a COCO folder: the same images (to 8 bits), boxes and annotations", () => {
    const dir = mkdtempSync(join(tmpdir(), "hazy-coco-"));
    const scenes = new vision.datasets.HazyScenes({ split: "val", length: 4, size: [40, 56] });
    const options = scenes.saveCocoFolder(dir);
    expect(options.annFile).toBe(join(dir, "val.json"));
    const loaded = new vision.datasets.CocoDetection(options);
    expect(loaded.length).toBe(4);
    expect(loaded.coco).toEqual(scenes.toCoco());
    for (let i = 0; i < 4; i++) {
      const [a, b] = [scenes.get(i), loaded.get(i)];
      expect(b.imageId).toBe(a.imageId);
      expect(b.annotations).toEqual(a.annotations);
      expect(b.boxes.toArray()).toEqual(a.boxes.toArray());
      expect(b.labels.toArray()).toEqual(a.labels.toArray());
      const [x, y] = [a.image.dataSync(), b.image.dataSync()];
      expect(y.length).toBe(x.length);
      let maxDiff = 0;
      for (let k = 0; k < x.length; k++) maxDiff = Math.max(maxDiff, Math.abs(x[k]! - y[k]!));
      expect(maxDiff).toBeLessThan(1 / 255 + 1e-6); // PNG keeps 8 bits (vision.imagePng truncates v·255)
    }
  });

  it("names the file and the problem when a folder is broken", () => {
    const dir = mkdtempSync(join(tmpdir(), "coco-"));
    expect(() => new vision.datasets.CocoDetection({ root: dir, annFile: join(dir, "missing.json") })).toThrow(/^CocoDetection: cannot read .*missing\.json.*it does not exist/);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ images: [{ id: 1, width: 4, height: 4, file_name: "a.png" }], annotations: [{ id: 1, image_id: 2, category_id: 1, bbox: [0, 0, 1, 1] }], categories: [{ id: 1, name: "car" }] }));
    expect(() => new vision.datasets.CocoDetection({ root: dir, annFile: join(dir, "bad.json") })).toThrow(/^CocoDetection: ".*bad\.json": annotations\[0\]\.image_id 2 is not the id of any image/);
    const ann = { images: [{ id: 1, width: 4, height: 4, file_name: "a.png" }, { id: 2, width: 12, height: 8, file_name: "text.png" }, { id: 3, width: 5, height: 5, file_name: "rgb.png" }], annotations: [], categories: [{ id: 1, name: "car" }] };
    writeFileSync(join(dir, "ann.json"), JSON.stringify(ann));
    writeFileSync(join(dir, "text.png"), "not an image");
    writeFileSync(join(dir, "rgb.png"), readFileSync(join(folder, "images", "rgb.png")));
    const broken = new vision.datasets.CocoDetection({ root: dir, annFile: join(dir, "ann.json") });
    expect(() => broken.get(0)).toThrow(/^CocoDetection\.get: cannot read image .*a\.png.*it does not exist/);
    expect(() => broken.get(1)).toThrow(/^CocoDetection\.get: .*text\.png" is neither a PNG nor a JPEG file/);
    expect(() => broken.get(2)).toThrow(/^CocoDetection\.get: .*rgb\.png" is 12×8 pixels, but the annotation file gives image 3 as 5×5/);
    expect(() => broken.get(3)).toThrow(/^CocoDetection\.get: index 3 is out of range for a dataset of length 3/);
  });
});
