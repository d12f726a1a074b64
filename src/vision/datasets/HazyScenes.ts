// HazyScenes: a seeded synthetic benchmark of road scenes with vehicles and pedestrians, a depth map, and haze
// from the atmospheric scattering model, with COCO-format box annotations.
import { Tensor } from "../../tensor/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { Generator } from "../../random/Generator.js";
import { checkInt, describe } from "../../tensor/validate.js";
import type { Dataset } from "../../data/Dataset.js";
import type { CocoAnnotation, CocoCategory, CocoDataset, CocoImage } from "../coco/format.js";
import type { DetectionItem } from "./detection.js";
import { savePng } from "../../node/index.js";
import { writeCocoFile } from "../coco/files.js";

/** The splits: `train` (hazy images paired with their clean originals), `val` and `test`. */
export type HazySplit = "train" | "val" | "test";

/** Options of {@link HazyScenes}. */
export interface HazyScenesOptions {
  /** Which split; each draws its scenes from its own seeds, so splits share no scene. Default "train". */
  split?: HazySplit;
  /** Number of scenes. Default 1000 for train, 200 for val and test. */
  length?: number;
  /** Image size: `n` for n×n or `[height, width]`. Default 64. */
  size?: number | [number, number];
  /** Base seed: the same seed gives the same scenes. Default 0. */
  seed?: number;
  /** When false, `image` is the clean scene instead of the hazy one (the clean-training split). Default true. */
  haze?: boolean;
  /** Range of the scattering coefficient β, drawn uniformly per image. Default [0.8, 2.0] (depth runs from 0.25 at the bottom row to 2 at the horizon and 4 in the sky). */
  beta?: [number, number];
  /** Range of the airlight's brightness A, drawn uniformly per image (each channel tinted by ±0.04). Default [0.7, 1.0]. */
  airlight?: [number, number];
  /** Most objects placed in one scene (before heavily occluded ones are removed). Default 6. */
  maxObjects?: number;
  /** An object stays only if at least this fraction of its pixels is visible. Default 0.35. */
  minVisibility?: number;
}

/** One scene: the images, its depth and transmission, and its objects as boxes, labels and COCO annotations. */
export interface HazySceneItem extends DetectionItem {
  /** The hazy image (the clean one with `haze: false`), [3, H, W] in [0, 1]. */
  image: Tensor;
  /** The scene without haze, J, [3, H, W] in [0, 1]. */
  clean: Tensor;
  /** The scene with haze, I = J·t + A·(1 − t), [3, H, W] in [0, 1]. */
  hazy: Tensor;
  /** The distance of each pixel, [1, H, W] (larger = farther; the sky is the farthest). */
  depth: Tensor;
  /** The transmission t = exp(−β·depth), [1, H, W]. */
  transmission: Tensor;
  /** The scattering coefficient β of this image. */
  beta: number;
  /** The airlight A (r, g, b) of this image. */
  airlight: [number, number, number];
  /** [N, 4] float32 boxes (x1, y1, x2, y2) in pixels, tight around each object's visible pixels. */
  boxes: Tensor;
  /** [N] int32 category ids (see {@link HAZY_CATEGORIES}). */
  labels: Tensor;
  /** Which object each pixel shows, [H, W] int32: 0 for none, k + 1 for object k. */
  instances: Tensor;
  /** The COCO image id (unique across the three splits). */
  imageId: number;
  /** The objects in COCO format: bbox [x, y, w, h], area = visible pixels. */
  annotations: CocoAnnotation[];
}

/** The object classes of HazyScenes, as COCO categories. */
export const HAZY_CATEGORIES: readonly CocoCategory[] = [
  { id: 1, name: "car", supercategory: "vehicle" },
  { id: 2, name: "truck", supercategory: "vehicle" },
  { id: 3, name: "bus", supercategory: "vehicle" },
  { id: 4, name: "pedestrian", supercategory: "person" },
];

const SPLITS: readonly HazySplit[] = ["train", "val", "test"];
const DEFAULT_LENGTH: Record<HazySplit, number> = { train: 1000, val: 200, test: 200 };
const ID_OFFSET = 1_000_000; // image ids: train 1.., val 1_000_001.., test 2_000_001..

// Object sizes (width, height) as fractions of the image width at the bottom row; farther objects shrink.
const CLASS_SIZE: Record<number, [number, number]> = { 1: [0.3, 0.17], 2: [0.36, 0.3], 3: [0.46, 0.32], 4: [0.09, 0.22] };
const CLASS_WEIGHTS = [0.4, 0.2, 0.15, 0.25]; // car, truck, bus, pedestrian

const DEPTH_NEAR = 0.25; // ground depth at the bottom row
const DEPTH_HORIZON = 2; // ground depth at the horizon; also the background buildings and trees
const DEPTH_SKY = 4;

type RGB = [number, number, number];

interface SceneObject {
  category: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  depth: number;
  body: RGB;
  accent: RGB;
}

interface Scene {
  clean: Float32Array; // [3, H, W]
  depth: Float32Array; // [H, W]
  instances: Int32Array; // [H, W]
  objects: SceneObject[];
  beta: number;
  airlight: RGB;
}

const DARK: RGB = [0.06, 0.06, 0.07];
const GLASS: RGB = [0.55, 0.7, 0.8];
const SKIN: RGB = [0.85, 0.66, 0.52];
const inAny = (x: number, ranges: readonly (readonly [number, number])[]): boolean => ranges.some(([a, b]) => x >= a && x < b);

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** The colour object `o` paints at pixel centre (px, py), or null where its shape leaves a gap. */
function shapeColor(o: SceneObject, px: number, py: number): RGB | null {
  const u = (px - o.x0) / (o.x1 - o.x0);
  const v = (py - o.y0) / (o.y1 - o.y0);
  if (u < 0 || u >= 1 || v < 0 || v >= 1) return null;
  switch (o.category) {
    case 1: // car: wide body, narrower cabin with a window, two wheels
      if (v >= 0.78) return inAny(u, [[0.1, 0.3], [0.7, 0.9]]) ? DARK : null;
      if (v >= 0.42) return o.body;
      if (u < 0.2 || u >= 0.8) return null;
      return v >= 0.1 && u >= 0.26 && u < 0.74 ? GLASS : o.body;
    case 2: // truck: tall cargo box, a lower cab with a window on the right, three wheels
      if (v >= 0.84) return inAny(u, [[0.06, 0.22], [0.42, 0.58], [0.76, 0.92]]) ? DARK : null;
      if (u < 0.66) return o.accent;
      if (u < 0.7) return v >= 0.7 ? DARK : null;
      if (v < 0.3) return null;
      return v >= 0.36 && v < 0.55 && u >= 0.76 && u < 0.95 ? GLASS : o.body;
    case 3: // bus: long box with a band of windows, two wheels
      if (v >= 0.86) return inAny(u, [[0.1, 0.26], [0.74, 0.9]]) ? DARK : null;
      if (v >= 0.14 && v < 0.42 && (u * 6) % 1 >= 0.15 && (u * 6) % 1 < 0.85) return GLASS;
      return v >= 0.55 && v < 0.62 ? o.accent : o.body;
    default: // pedestrian: head, shirt, two legs
      if (v < 0.18) return u >= 0.28 && u < 0.72 ? SKIN : null;
      if (v < 0.6) return o.body;
      return inAny(u, [[0.12, 0.44], [0.56, 0.88]]) ? o.accent : null;
  }
}

/** Draws scene `index` of a split from its own generator: background, road, objects, depth, haze parameters. */
function renderScene(rng: Generator, height: number, width: number, opts: Required<Pick<HazyScenesOptions, "beta" | "airlight" | "maxObjects" | "minVisibility">>): Scene {
  const H = height;
  const W = width;
  const plane = H * W;
  const clean = new Float32Array(3 * plane);
  const depth = new Float32Array(plane);
  const horizon = Math.round(H * rng.uniform(0.32, 0.48)); // first ground row
  const vanishX = W * rng.uniform(0.35, 0.65);
  const roadBottomCenter = W * rng.uniform(0.4, 0.6);
  const roadBottomHalf = W * rng.uniform(0.42, 0.6);
  const groundSpan = H - horizon;
  const scaleAt = (y: number): number => (y + 0.5 - horizon) / groundSpan; // 0 at the horizon, 1 at the bottom
  const roadCenterAt = (y: number): number => vanishX + (roadBottomCenter - vanishX) * scaleAt(y);
  const groundDepth = (y: number): number => Math.min(DEPTH_HORIZON, DEPTH_NEAR / Math.max(scaleAt(y), 1e-6));

  const put = (i: number, c: RGB, noise: number): void => {
    for (let ch = 0; ch < 3; ch++) clean[ch * plane + i] = clamp01(c[ch]! + noise);
  };
  // Sky: a vertical gradient, lighter towards the horizon.
  const skyTop: RGB = [rng.uniform(0.25, 0.5), rng.uniform(0.45, 0.7), rng.uniform(0.75, 0.95)];
  for (let y = 0; y < horizon; y++) {
    const f = y / Math.max(horizon - 1, 1);
    for (let x = 0; x < W; x++) {
      put(y * W + x, [skyTop[0] + (0.85 - skyTop[0]) * f * 0.6, skyTop[1] + (0.88 - skyTop[1]) * f * 0.6, skyTop[2] + (0.92 - skyTop[2]) * f * 0.4], 0);
      depth[y * W + x] = DEPTH_SKY;
    }
  }
  // Background: buildings (boxes) and trees (discs) standing on the horizon.
  const nBackground = rng.randint(3, 9);
  for (let k = 0; k < nBackground; k++) {
    const tree = rng.bernoulli(0.4);
    const cx = rng.uniform(0, W);
    const h = H * rng.uniform(0.06, 0.28);
    const w = tree ? h * rng.uniform(0.6, 1.0) : W * rng.uniform(0.06, 0.2);
    const grey = rng.uniform(0.3, 0.6);
    const color: RGB = tree ? [rng.uniform(0.1, 0.25), rng.uniform(0.35, 0.55), rng.uniform(0.1, 0.25)] : [grey + rng.uniform(-0.05, 0.08), grey, grey - rng.uniform(0, 0.08)];
    for (let y = Math.max(0, Math.floor(horizon - h)); y < horizon; y++) {
      for (let x = Math.max(0, Math.floor(cx - w / 2)); x < Math.min(W, Math.ceil(cx + w / 2)); x++) {
        const inside = tree ? (x + 0.5 - cx) ** 2 + (y + 0.5 - (horizon - h / 2)) ** 2 <= (h / 2) ** 2 : x + 0.5 >= cx - w / 2 && x + 0.5 < cx + w / 2 && y + 0.5 >= horizon - h;
        if (!inside) continue;
        put(y * W + x, color, 0);
        depth[y * W + x] = DEPTH_HORIZON * rng.uniform(0.97, 1.0);
      }
    }
  }
  // Ground: verge (grass or sand), the road with edge lines and a dashed centre line.
  const verge: RGB = rng.bernoulli(0.6) ? [rng.uniform(0.2, 0.35), rng.uniform(0.4, 0.55), rng.uniform(0.15, 0.25)] : [rng.uniform(0.55, 0.7), rng.uniform(0.5, 0.6), rng.uniform(0.35, 0.45)];
  const roadGrey = rng.uniform(0.28, 0.42);
  const dashPhase = rng.uniform(0, 1);
  for (let y = horizon; y < H; y++) {
    const s = scaleAt(y);
    const center = roadCenterAt(y);
    const half = roadBottomHalf * s;
    const lineHalf = Math.max(0.5, 0.012 * W * s);
    const dashOn = Math.floor(1.2 / s + dashPhase) % 2 === 0; // dashes of equal length on the ground plane
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const dx = Math.abs(x + 0.5 - center);
      const noise = rng.uniform(-0.02, 0.02);
      depth[i] = groundDepth(y);
      if (dx >= half) put(i, verge, noise);
      else if (dx >= half - 2 * lineHalf && dx < half - lineHalf) put(i, [0.88, 0.88, 0.86], noise);
      else if (dx < lineHalf && dashOn) put(i, [0.9, 0.85, 0.45], noise);
      else put(i, [roadGrey, roadGrey, roadGrey + 0.01], noise);
    }
  }

  // Objects: each stands on a ground row; its size follows the perspective scale there.
  const candidates: SceneObject[] = [];
  const nObjects = rng.randint(1, opts.maxObjects + 1);
  for (let k = 0; k < nObjects; k++) {
    const category = rng.categorical(CLASS_WEIGHTS) + 1;
    const base = rng.uniform(horizon + 0.15 * groundSpan, H); // bottom edge
    const s = (base - horizon) / groundSpan;
    const [fw, fh] = CLASS_SIZE[category]!;
    const jitter = rng.uniform(0.85, 1.15);
    const w = fw * W * s * jitter;
    const h = fh * W * s * jitter;
    const row = Math.min(H - 1, Math.floor(base));
    const center = roadCenterAt(row);
    const half = roadBottomHalf * scaleAt(row);
    const xc = category === 4 ? center + (rng.bernoulli(0.5) ? 1 : -1) * half * rng.uniform(0.9, 1.3) : center + half * rng.uniform(-0.75, 0.75);
    const palette: RGB[] =
      category === 1 ? [[0.75, 0.1, 0.1], [0.1, 0.2, 0.7], [0.92, 0.92, 0.9], [0.15, 0.15, 0.17], [0.65, 0.67, 0.7], [0.9, 0.75, 0.1]]
      : category === 2 ? [[0.85, 0.85, 0.82], [0.55, 0.35, 0.2], [0.2, 0.45, 0.25]]
      : category === 3 ? [[0.95, 0.7, 0.05], [0.85, 0.35, 0.05], [0.2, 0.55, 0.3]]
      : [[0.8, 0.15, 0.2], [0.15, 0.35, 0.8], [0.95, 0.85, 0.2], [0.2, 0.6, 0.3]];
    const body = palette[rng.randint(0, palette.length)]!;
    const accent: RGB = category === 2 ? [rng.uniform(0.75, 0.95), rng.uniform(0.75, 0.95), rng.uniform(0.75, 0.95)] : category === 4 ? [0.12, 0.12, 0.25] : [0.9, 0.9, 0.9];
    candidates.push({ category, x0: xc - w / 2, y0: base - h, x1: xc + w / 2, y1: base, depth: groundDepth(row), body, accent });
  }
  // Nearer objects (lower bottom edge) are drawn later and hide farther ones; drop mostly hidden ones.
  let objects = candidates.sort((a, b) => a.y1 - b.y1);
  let instances = new Int32Array(plane);
  for (;;) {
    instances = new Int32Array(plane);
    const total = new Array<number>(objects.length).fill(0);
    objects.forEach((o, k) => {
      for (let y = Math.max(0, Math.floor(o.y0)); y < Math.min(H, Math.ceil(o.y1)); y++) {
        for (let x = Math.max(0, Math.floor(o.x0)); x < Math.min(W, Math.ceil(o.x1)); x++) {
          if (shapeColor(o, x + 0.5, y + 0.5) === null) continue;
          instances[y * W + x] = k + 1;
          total[k]!++;
        }
      }
    });
    const visible = new Array<number>(objects.length).fill(0);
    for (let i = 0; i < plane; i++) if (instances[i]! > 0) visible[instances[i]! - 1]!++;
    const keep = objects.filter((_, k) => visible[k]! >= 6 && visible[k]! >= opts.minVisibility * total[k]!);
    if (keep.length === objects.length) break;
    objects = keep;
  }
  for (let i = 0; i < plane; i++) {
    const k = instances[i]!;
    if (k === 0) continue;
    const o = objects[k - 1]!;
    put(i, shapeColor(o, (i % W) + 0.5, Math.floor(i / W) + 0.5)!, 0);
    depth[i] = o.depth;
  }

  const beta = rng.uniform(opts.beta[0], opts.beta[1]);
  const a = rng.uniform(opts.airlight[0], opts.airlight[1]);
  const airlight: RGB = [clamp01(a + rng.uniform(-0.04, 0.04)), clamp01(a + rng.uniform(-0.04, 0.04)), clamp01(a + rng.uniform(-0.04, 0.04))];
  return { clean, depth, instances, objects, beta, airlight };
}

function checkRange(op: string, what: string, value: unknown, low: number, high: number): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "number" && Number.isFinite(v)) || value[0] > value[1] || value[0] < low || value[1] > high) {
    throw new Error(`${op}: ${what} must be a range [low, high] with ${low} <= low <= high <= ${high}, got ${Array.isArray(value) ? JSON.stringify(value) : describe(value)}`);
  }
  return value as [number, number];
}

/**
 * A synthetic object-detection benchmark in haze (the course competition's task, reproducible
 * offline): road scenes — sky, background buildings and trees, a road with edge lines and a dashed
 * centre line — with cars, trucks, buses and pedestrians drawn as distinct coloured shapes whose
 * size follows the perspective, nearer objects hiding farther ones. Each pixel has a depth (ground
 * depth grows towards the horizon; an object has the depth of the ground it stands on; the sky is
 * farthest), and haze follows the atmospheric scattering model I = J·t + A·(1 − t) with
 * t = exp(−β·depth), β and the airlight A drawn per image. Scenes are drawn on demand from seeds
 * derived from (seed, split, index): the same options give the same scenes, and the splits share
 * none.
 *
 * ```ts
 * const train = new vision.datasets.HazyScenes({ split: "train", length: 8 });
 * const { image, clean, boxes, labels } = train.get(0); // image [3, 64, 64], boxes [N, 4] (x1, y1, x2, y2)
 * const coco = train.toCoco(); // images, annotations ([x, y, w, h]) and categories
 * ```
 */
export class HazyScenes implements Dataset<HazySceneItem> {
  /** The object classes as COCO categories (car 1, truck 2, bus 3, pedestrian 4). */
  static readonly categories = HAZY_CATEGORIES;
  readonly split: HazySplit;
  readonly length: number;
  readonly height: number;
  readonly width: number;
  readonly seed: number;
  readonly haze: boolean;
  private readonly sceneOptions: Required<Pick<HazyScenesOptions, "beta" | "airlight" | "maxObjects" | "minVisibility">>;

  constructor(options: HazyScenesOptions = {}) {
    const op = "HazyScenes";
    if (typeof options !== "object" || options === null) throw new Error(`${op}: options must be an object, got ${describe(options)}`);
    this.split = options.split ?? "train";
    if (!SPLITS.includes(this.split)) throw new Error(`${op}: split must be "train", "val" or "test", got ${describe(this.split)}`);
    this.length = checkInt(op, "length", options.length ?? DEFAULT_LENGTH[this.split]);
    if (this.length < 0 || this.length >= ID_OFFSET) throw new Error(`${op}: length must be in [0, ${ID_OFFSET}), got ${this.length}`);
    const size = options.size ?? 64;
    const [h, w] = typeof size === "number" ? [size, size] : Array.isArray(size) && size.length === 2 ? size : [NaN, NaN];
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 16 || w < 16) throw new Error(`${op}: size must be an integer >= 16 or [height, width] of such integers, got ${Array.isArray(size) ? JSON.stringify(size) : describe(size)}`);
    this.height = h;
    this.width = w;
    this.seed = checkInt(op, "seed", options.seed ?? 0);
    if (this.seed < 0 || this.seed >= 2 ** 28) throw new Error(`${op}: seed must be in [0, 2^28), got ${this.seed}`);
    this.haze = options.haze ?? true;
    if (typeof this.haze !== "boolean") throw new Error(`${op}: haze must be a boolean, got ${describe(this.haze)}`);
    const maxObjects = checkInt(op, "maxObjects", options.maxObjects ?? 6);
    if (maxObjects < 1) throw new Error(`${op}: maxObjects must be at least 1, got ${maxObjects}`);
    const minVisibility = options.minVisibility ?? 0.35;
    if (typeof minVisibility !== "number" || !(minVisibility >= 0 && minVisibility <= 1)) throw new Error(`${op}: minVisibility must be a number in [0, 1], got ${describe(minVisibility)}`);
    this.sceneOptions = {
      beta: checkRange(op, "beta", options.beta ?? [0.8, 2.0], 0, 100),
      airlight: checkRange(op, "airlight", options.airlight ?? [0.7, 1.0], 0, 1),
      maxObjects,
      minVisibility,
    };
  }

  /** The COCO image id of scene `index` (unique across splits). */
  imageId(index: number): number {
    return SPLITS.indexOf(this.split) * ID_OFFSET + index + 1;
  }

  /** Scene `index`, drawn from its own seed. */
  get(index: number): HazySceneItem {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new Error(`HazyScenes.get: index ${index} is out of range for a dataset of length ${this.length}`);
    const H = this.height;
    const W = this.width;
    const plane = H * W;
    const splitIndex = SPLITS.indexOf(this.split);
    const rng = new Generator((this.seed * 4 + splitIndex) * 2 ** 22 + index);
    const scene = renderScene(rng, H, W, this.sceneOptions);
    const transmission = new Float32Array(plane);
    const hazy = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      const t = Math.exp(-scene.beta * scene.depth[i]!);
      transmission[i] = t;
      for (let c = 0; c < 3; c++) hazy[c * plane + i] = scene.clean[c * plane + i]! * t + scene.airlight[c]! * (1 - t);
    }
    // Tight boxes around each object's visible pixels.
    const n = scene.objects.length;
    const bounds = Array.from({ length: n }, () => [Infinity, Infinity, -Infinity, -Infinity, 0] as [number, number, number, number, number]);
    for (let i = 0; i < plane; i++) {
      const k = scene.instances[i]!;
      if (k === 0) continue;
      const b = bounds[k - 1]!;
      const x = i % W;
      const y = Math.floor(i / W);
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x + 1);
      b[3] = Math.max(b[3], y + 1);
      b[4]++;
    }
    const imageId = this.imageId(index);
    const annotations: CocoAnnotation[] = scene.objects.map((o, k) => {
      const [x1, y1, x2, y2, area] = bounds[k]!;
      return { id: imageId * 1000 + k + 1, image_id: imageId, category_id: o.category, bbox: [x1, y1, x2 - x1, y2 - y1], area, iscrowd: 0 };
    });
    const cleanT = tensor(scene.clean, { shape: [3, H, W] });
    const hazyT = tensor(hazy, { shape: [3, H, W] });
    return {
      image: this.haze ? hazyT : cleanT,
      clean: cleanT,
      hazy: hazyT,
      depth: tensor(scene.depth, { shape: [1, H, W] }),
      transmission: tensor(transmission, { shape: [1, H, W] }),
      beta: scene.beta,
      airlight: scene.airlight,
      boxes: tensor(Float32Array.from(bounds.flatMap((b) => b.slice(0, 4))), { shape: [n, 4] }),
      labels: tensor(Int32Array.from(scene.objects, (o) => o.category), { shape: [n] }),
      instances: tensor(scene.instances, { shape: [H, W] }),
      imageId,
      annotations,
    };
  }

  /**
   * The split as a COCO dataset: one image entry per scene (`file_name` `<split>/<index>.png`, with
   * its β and airlight), its annotations, and the four categories.
   */
  toCoco(): CocoDataset {
    return this.collect(() => {});
  }

  /**
   * Writes the split as a COCO-format folder: `<root>/<split>/<index>.png` (the `image` of each item:
   * hazy, or clean with `haze: false`) and the annotation file `<root>/<split>.json`. Returns the
   * options that load it back with `new vision.datasets.CocoDetection(...)`. Node only.
   */
  saveCocoFolder(root: string): { root: string; annFile: string } {
    if (typeof root !== "string") throw new Error(`HazyScenes.saveCocoFolder: root must be a folder path (a string), got ${describe(root)}`);
    const base = root.replace(/[\\/]+$/, "");
    const coco = this.collect((item, fileName) => savePng(`${base}/${fileName}`, item.image));
    const annFile = `${base}/${this.split}.json`;
    writeCocoFile(annFile, coco, 1);
    return { root: base, annFile };
  }

  private collect(visit: (item: HazySceneItem, fileName: string) => void): CocoDataset {
    const images: CocoImage[] = [];
    const annotations: CocoAnnotation[] = [];
    for (let i = 0; i < this.length; i++) {
      const item = this.get(i);
      const fileName = `${this.split}/${String(i).padStart(5, "0")}.png`;
      visit(item, fileName);
      images.push({ id: item.imageId, width: this.width, height: this.height, file_name: fileName, beta: item.beta, airlight: item.airlight });
      annotations.push(...item.annotations);
    }
    return {
      info: { description: `HazyScenes ${this.split} split (seed ${this.seed}, ${this.haze ? "hazy" : "clean"})` },
      images,
      annotations,
      categories: HAZY_CATEGORIES.map((c) => ({ ...c })),
    };
  }
}
