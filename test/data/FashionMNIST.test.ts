// FashionMNIST and MNIST over IDX files: the full Fashion-MNIST from the Debian package, lookup order, missing-file errors, and checked downloads from a local server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DataLoader } from "../../src/data/DataLoader.js";
import { FashionMNIST, MNIST } from "../../src/data/IdxImageDataset.js";
import { Compose, RandomCrop, RandomHorizontalFlip } from "../../src/vision/transforms/index.js";

/** Where the Debian/Ubuntu package `dataset-fashion-mnist` installs the files (.ci/run installs it). */
const DEBIAN = "/usr/share/datasets/fashion-mnist";
const tmp = mkdtempSync(join(tmpdir(), "deepscript-fmnist-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const savedCache = process.env.XDG_CACHE_HOME;
afterEach(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
});

/** A synthetic IDX pair: `n` images whose every pixel is 3·i (image i) and labels `labels`. */
function synthetic(labels: number[], side = [28, 28]): { images: Uint8Array; labels: Uint8Array } {
  const n = labels.length;
  const be = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const pixels = labels.flatMap((_, i) => new Array<number>(side[0]! * side[1]!).fill(3 * i));
  return {
    images: Uint8Array.from([0, 0, 8, 3, ...be(n), ...be(side[0]!), ...be(side[1]!), ...pixels]),
    labels: Uint8Array.from([0, 0, 8, 1, ...be(n), ...labels]),
  };
}
function writeSplit(dir: string, prefix: "train" | "t10k", files: { images: Uint8Array; labels: Uint8Array }, gz = true): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${gz ? ".gz" : ""}`), gz ? gzipSync(files.images) : files.images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${gz ? ".gz" : ""}`), gz ? gzipSync(files.labels) : files.labels);
}

describe("FashionMNIST from the Debian package", () => {
  // Published facts of Fashion-MNIST (Xiao et al. 2017; the first labels as TensorFlow's and
  // torchvision's loaders show them): 60,000 / 10,000 images, 6,000 / 1,000 of each class, and the
  // per-pixel mean 0.2860 and std 0.3530 of the training images used for normalization.
  it("loads the 60,000 training images with their known first labels, class balance and pixel statistics", () => {
    const train = new FashionMNIST({ train: true });
    expect(train.files.images).toBe(join(DEBIAN, "train-images-idx3-ubyte.gz"));
    expect(train.length).toBe(60000);
    expect(Array.from(train.targets.dataSync().subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(train.classes[train.targets.dataSync()[0]!]).toBe("Ankle boot");
    const counts = new Array<number>(10).fill(0);
    for (const y of train.targets.dataSync()) counts[y]!++;
    expect(counts).toEqual(new Array(10).fill(6000));
    const x = train.images;
    expect(x.shape).toEqual([60000, 1, 28, 28]);
    expect(x.dtype).toBe("float32");
    const values = x.dataSync();
    let sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      sum += v;
      sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / values.length;
    expect(mean).toBeCloseTo(0.286, 4);
    expect(Math.sqrt(sumSq / values.length - mean * mean)).toBeCloseTo(0.353, 4);
    expect([min, max]).toEqual([0, 1]);
  });

  it("loads the 10,000 test images with their known first labels", () => {
    const test = new FashionMNIST({ train: false });
    expect(test.length).toBe(10000);
    expect(Array.from(test.targets.dataSync().subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const counts = new Array<number>(10).fill(0);
    for (const y of test.targets.dataSync()) counts[y]!++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });

  it("names the ten classes as torchvision does", () => {
    expect(FashionMNIST.classes).toEqual(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
    expect(MNIST.classes[7]).toBe("7 - seven");
  });
});

describe("IDX image datasets as data.Dataset", () => {
  const root = join(tmp, "synthetic");
  writeSplit(root, "t10k", synthetic([4, 0, 9]));

  it("gives [image [1,28,28] in [0,1], label []] items and DataLoader batches [B,1,28,28], [B]", () => {
    const ds = new FashionMNIST({ root, train: false });
    expect(ds.length).toBe(3);
    const [image, label] = ds.get(2);
    expect(image!.shape).toEqual([1, 28, 28]);
    expect(image!.dtype).toBe("float32");
    expect(image!.dataSync()[100]).toBeCloseTo(6 / 255, 7);
    expect(label!.shape).toEqual([]);
    expect(label!.dtype).toBe("int32");
    expect(label!.item()).toBe(9);
    const batches = [...new DataLoader(ds, { batchSize: 2 })];
    expect(batches.map(([x, y]) => [x!.shape, y!.dtype, y!.toArray()])).toEqual([
      [[2, 1, 28, 28], "int32", [4, 0]],
      [[1, 1, 28, 28], "int32", [9]],
    ]);
    expect(batches[0]![0]!.dataSync()[784]).toBeCloseTo(3 / 255, 7);
  });

  it("applies the transform to each item and to each batch", () => {
    const ds = new FashionMNIST({ root, train: false, transform: (x) => x.mul(2) });
    expect(ds.get(1)[0]!.dataSync()[0]).toBeCloseTo(6 / 255, 7);
    expect(ds.getBatch([1])[0]!.dataSync()[0]).toBeCloseTo(6 / 255, 7);
    const obj = new MNIST({ root, train: false, transform: { apply: (x) => x.add(1) } });
    expect(obj.get(0)[0]!.dataSync()[0]).toBe(1);
  });

  it("takes a vision.transforms Compose, applied to each image of a batch", () => {
    const augment = (): Compose => new Compose([new RandomCrop(28, { padding: 2 }), new RandomHorizontalFlip()], { seed: 3 });
    const plain = new FashionMNIST({ root, train: false });
    const ds = new FashionMNIST({ root, train: false, transform: augment() });
    const [x] = ds.getBatch([0, 1, 2]);
    expect(x!.shape).toEqual([3, 1, 28, 28]);
    expect(x!.toArray()).toEqual(augment().apply(plain.getBatch([0, 1, 2])[0]!).toArray());
    expect(x!.toArray()).not.toEqual(plain.getBatch([0, 1, 2])[0]!.toArray());
  });

  it("reads plain (not gzipped) files and torchvision's <root>/<Name>/raw layout", () => {
    const tv = join(tmp, "tv");
    writeSplit(join(tv, "MNIST", "raw"), "train", synthetic([1, 2]), false);
    const ds = new MNIST({ root: tv });
    expect(ds.files.images).toBe(join(tv, "MNIST", "raw", "train-images-idx3-ubyte"));
    expect(ds.targets.toArray()).toEqual([1, 2]);
  });

  it("takes the files' bytes directly (the way in a browser)", () => {
    const ds = new FashionMNIST({ idx: synthetic([3, 5]), train: false });
    expect(ds.files).toEqual({ images: "bytes", labels: "bytes" });
    expect(ds.targets.toArray()).toEqual([3, 5]);
  });

  it("refuses images that are not [N, 28, 28], counts that differ, and labels beyond the classes", () => {
    expect(() => new FashionMNIST({ idx: synthetic([1, 2], [28, 27]) })).toThrow("FashionMNIST: the images bytes holds uint8 [2, 28, 27], but images must be uint8 [N, 28, 28]");
    const a = synthetic([1, 2]), b = synthetic([1]);
    expect(() => new FashionMNIST({ idx: { images: a.images, labels: b.labels } })).toThrow("FashionMNIST: the images bytes holds 2 images but the labels bytes holds 1 labels");
    expect(() => new MNIST({ idx: synthetic([1, 10]) })).toThrow("MNIST: label 1 in the labels bytes is 10, but there are only 10 classes");
    const bad = join(tmp, "bad");
    writeSplit(bad, "train", synthetic([1], [28, 14]));
    expect(() => new FashionMNIST({ root: bad })).toThrow(`FashionMNIST: ${join(bad, "train-images-idx3-ubyte.gz")} holds uint8 [1, 28, 14], but images must be uint8 [N, 28, 28]`);
  });

  it("checks its arguments", () => {
    const ds = new FashionMNIST({ root, train: false });
    expect(() => ds.get(3)).toThrow("FashionMNIST.get: index 3 is out of range for a dataset of length 3");
    expect(() => ds.getBatch([0, -1])).toThrow("FashionMNIST.getBatch: index -1 is out of range for a dataset of length 3");
    expect(() => new FashionMNIST({ root, train: "no" as unknown as boolean })).toThrow("FashionMNIST: train must be true or false, got no");
    expect(() => new FashionMNIST({ root, transform: 3 as unknown as () => never })).toThrow("FashionMNIST: transform must be a function");
    expect(() => new FashionMNIST({ root, train: false, download: true } as never)).toThrow(
      "FashionMNIST: downloading is asynchronous; use `await data.FashionMNIST.load({ ...options, download: true })` instead of the constructor",
    );
  });
});

describe("finding the files", () => {
  it("looks in the Debian package's folder when no root is given, before the cache", () => {
    process.env.XDG_CACHE_HOME = join(tmp, "cache-with-fake");
    writeSplit(join(tmp, "cache-with-fake", "deepscript", "fashion-mnist"), "t10k", synthetic([0]));
    const ds = new FashionMNIST({ train: false });
    expect(ds.files.labels).toBe(join(DEBIAN, "t10k-labels-idx1-ubyte.gz"));
    expect(ds.length).toBe(10000);
  });

  it("looks in $XDG_CACHE_HOME/deepscript/<name> when no root is given", () => {
    process.env.XDG_CACHE_HOME = join(tmp, "cache1");
    writeSplit(join(tmp, "cache1", "deepscript", "mnist"), "t10k", synthetic([7, 7, 1]));
    const ds = new MNIST({ train: false });
    expect(ds.files.images).toBe(join(tmp, "cache1", "deepscript", "mnist", "t10k-images-idx3-ubyte.gz"));
    expect(ds.targets.toArray()).toEqual([7, 7, 1]);
  });

  it("says exactly how to get a missing dataset", () => {
    const empty = join(tmp, "empty");
    mkdirSync(empty, { recursive: true });
    expect(() => new FashionMNIST({ root: empty, train: false })).toThrow(
      `FashionMNIST: the test files (t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz) are not in ${empty}, ${join(empty, "FashionMNIST", "raw")}; ` +
        "download them into root with `await data.FashionMNIST.load({ root, train: false, download: true })`, or install them with `apt-get install dataset-fashion-mnist` and leave out root",
    );
    process.env.XDG_CACHE_HOME = join(tmp, "nothing-here");
    expect(() => new MNIST({ train: true })).toThrow(
      `MNIST: the training files (train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz) are not in ${join(tmp, "nothing-here", "deepscript", "mnist")}; ` +
        "download them into the per-user cache with `await data.MNIST.load({ train: true, download: true })`",
    );
  });
});

describe("download (from a local HTTP server on 127.0.0.1, never the internet)", () => {
  let server: Server;
  let base = "";
  const served = new Map<string, Uint8Array>();
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? "";
      requests.push(url);
      const body = url.startsWith("/fashion/") ? served.get(url.slice("/fashion/".length)) : undefined;
      if (!body) {
        res.writeHead(404, "Not Found").end();
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length) }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    base = `http://127.0.0.1:${address.port}/fashion/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /**
   * The Debian package ships the official files with a normalized gzip header (strip-nondeterminism:
   * the FNAME field removed, MTIME set to the package date); the compressed data is untouched. Putting
   * back the original header (the file name, and MTIME 1504176627 for the t10k files) rebuilds the
   * official files byte for byte: their md5 is the one torchvision lists (bef4ecab…, bb300cfd…).
   */
  function official(name: string): Uint8Array {
    const debian = readFileSync(join(DEBIAN, `${name}.gz`));
    const mtime = 1504176627;
    const head = [0x1f, 0x8b, 0x08, 0x08, mtime & 255, (mtime >>> 8) & 255, (mtime >>> 16) & 255, mtime >>> 24, 0x00, 0x03];
    return new Uint8Array(Buffer.concat([Uint8Array.from(head), Buffer.from(name + "\0", "latin1"), debian.subarray(10)]));
  }

  it("fetches the official test files, checks them against the built-in sha256, saves them in root and uses them", async () => {
    const labels = official("t10k-labels-idx1-ubyte");
    expect(createHash("md5").update(labels).digest("hex")).toBe("bb300cfdad3c16e7a12a480ee83cd310"); // torchvision's md5
    served.set("t10k-images-idx3-ubyte.gz", official("t10k-images-idx3-ubyte"));
    served.set("t10k-labels-idx1-ubyte.gz", labels);
    const root = join(tmp, "downloaded");
    const dead = "http://127.0.0.1:9/"; // nothing listens on port 9: the next mirror is tried
    const ds = await FashionMNIST.load({ root, train: false, download: true, mirrors: [dead, base] });
    expect(ds.length).toBe(10000);
    expect(Array.from(ds.targets.dataSync().subarray(0, 3))).toEqual([9, 2, 1]);
    expect(readdirSync(root).sort()).toEqual(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]); // no temporary files left
    expect(createHash("sha256").update(readFileSync(join(root, "t10k-labels-idx1-ubyte.gz"))).digest("hex")).toBe(FashionMNIST.resources.test.labels.sha256);
    const before = requests.length;
    await FashionMNIST.load({ root, train: false, download: true, mirrors: [base] });
    expect(requests.length).toBe(before); // found on disk: nothing fetched again
  });

  it("refuses a file whose sha256 differs and writes nothing", async () => {
    served.set("t10k-images-idx3-ubyte.gz", new Uint8Array(readFileSync(join(DEBIAN, "t10k-images-idx3-ubyte.gz")))); // header normalized: other bytes
    const root = join(tmp, "mismatch");
    await expect(FashionMNIST.load({ root, train: false, download: true, mirrors: [base] })).rejects.toThrow(
      `FashionMNIST.load: the file downloaded from ${base}t10k-images-idx3-ubyte.gz (4422079 bytes) has sha256 cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa, but the official t10k-images-idx3-ubyte.gz has sha256 346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073; nothing was saved`,
    );
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
  });

  it("without root downloads into the per-user cache (nothing written when the sha256 differs), and lists every mirror that failed", async () => {
    process.env.XDG_CACHE_HOME = join(tmp, "cache2");
    served.set("train-images-idx3-ubyte.gz", gzipSync(synthetic([1]).images));
    await expect(MNIST.load({ download: true, mirrors: [base] })).rejects.toThrow(
      `MNIST.load: the file downloaded from ${base}train-images-idx3-ubyte.gz (`,
    );
    expect(existsSync(join(tmp, "cache2", "deepscript", "mnist")) ? readdirSync(join(tmp, "cache2", "deepscript", "mnist")) : []).toEqual([]);
    const missing = `${base.replace("fashion", "none")}`;
    await expect(MNIST.load({ train: false, download: true, mirrors: [missing] })).rejects.toThrow(
      `MNIST.load: could not download t10k-images-idx3-ubyte.gz from any mirror:\n  ${missing}t10k-images-idx3-ubyte.gz: HTTP 404 Not Found`,
    );
    await expect(MNIST.load({ download: true, mirrors: [] })).rejects.toThrow("MNIST.load: mirrors must be a non-empty array of base URLs");
  });
});
