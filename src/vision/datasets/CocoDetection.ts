// CocoDetection: a folder of PNG/JPEG images with a COCO annotation file, as torchvision.datasets.CocoDetection.
import { Tensor } from "../../tensor/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { describe } from "../../tensor/validate.js";
import type { Dataset } from "../../data/Dataset.js";
import { readImageFile, readTextFile } from "../../node/index.js";
import { parseCoco, type CocoAnnotation, type CocoDataset, type CocoImage } from "../coco/format.js";
import { detectionTargets, type DetectionItem } from "./detection.js";

/** Options of {@link CocoDetection}. */
export interface CocoDetectionOptions {
  /** The folder the images' `file_name`s are relative to. */
  root: string;
  /** The COCO annotation JSON file. */
  annFile: string;
}

/**
 * A COCO-format detection dataset on disk (torchvision.datasets.CocoDetection): item i is the i-th
 * image of the annotation file (in the file's order), decoded from PNG or JPEG (through the pngjs and
 * jpeg-js packages) into a [3, H, W] float32 tensor in [0, 1], with its annotations. Items have the
 * same fields as {@link HazyScenes}' (`image`, `boxes`, `labels`, `imageId`, `annotations`), so code
 * written for the synthetic benchmark runs on real data. Node only (it reads files).
 *
 * ```ts fragment
 * const val = new vision.datasets.CocoDetection({ root: "data/images", annFile: "data/annotations.json" });
 * const { image, boxes, labels } = val.get(0);
 * ```
 */
export class CocoDetection implements Dataset<DetectionItem> {
  /** The validated annotation file. */
  readonly coco: CocoDataset;
  /** The image ids, in item order. */
  readonly ids: number[];
  readonly root: string;
  private readonly byImage = new Map<number, CocoAnnotation[]>();

  constructor(options: CocoDetectionOptions) {
    const op = "CocoDetection";
    if (typeof options !== "object" || options === null) throw new Error(`${op}: options must be { root, annFile }, got ${describe(options)}`);
    if (typeof options.root !== "string") throw new Error(`${op}: root must be a folder path (a string), got ${describe(options.root)}`);
    if (typeof options.annFile !== "string") throw new Error(`${op}: annFile must be a file path (a string), got ${describe(options.annFile)}`);
    this.root = options.root;
    try {
      this.coco = parseCoco(readTextFile(options.annFile, op));
    } catch (e) {
      const message = (e as Error).message;
      // Read errors already name the op and file; format errors get the file's name.
      throw new Error(message.startsWith(op) ? message : `${op}: ${JSON.stringify(options.annFile)}: ${message.replace(/^parseCoco: /, "")}`, { cause: e });
    }
    this.ids = this.coco.images.map((img) => img.id);
    for (const a of this.coco.annotations) {
      const list = this.byImage.get(a.image_id) ?? [];
      list.push(a);
      this.byImage.set(a.image_id, list);
    }
  }

  get length(): number {
    return this.ids.length;
  }

  /** The annotation file's entry for item `index`. */
  imageInfo(index: number): CocoImage {
    this.checkIndex("CocoDetection.imageInfo", index);
    return this.coco.images[index]!;
  }

  /** Decodes item `index`'s image and gathers its annotations. */
  get(index: number): DetectionItem {
    const op = "CocoDetection.get";
    this.checkIndex(op, index);
    const info = this.coco.images[index]!;
    const path = `${this.root.replace(/[\\/]+$/, "")}/${info.file_name}`;
    const decoded = readImageFile(path, op);
    if (decoded.width !== info.width || decoded.height !== info.height) {
      throw new Error(`${op}: ${JSON.stringify(path)} is ${decoded.width}×${decoded.height} pixels, but the annotation file gives image ${info.id} as ${info.width}×${info.height}`);
    }
    const { width: W, height: H, data } = decoded;
    const chw = new Float32Array(3 * H * W); // HWC bytes -> CHW floats
    for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) chw[c * H * W + p] = data[p * 3 + c]! / 255;
    const annotations = this.byImage.get(info.id) ?? [];
    const image: Tensor = tensor(chw, { shape: [3, H, W] });
    return { image, ...detectionTargets(annotations), imageId: info.id, annotations };
  }

  private checkIndex(op: string, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.ids.length) throw new Error(`${op}: index ${index} is out of range for a dataset of length ${this.ids.length}`);
  }
}
