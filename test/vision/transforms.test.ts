// vision.transforms: pixels of small images worked out by hand from each transform's definition, seeded reproducibility, batches, and argument checks.
import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { stack } from "../../src/ops/movement.js";
import { Generator } from "../../src/random/Generator.js";
import {
  ColorJitter, Compose, Cutout, GaussianBlur, GaussianNoise, Normalize, RandomAffine, RandomCrop, RandomErasing, RandomHorizontalFlip,
  RandomVerticalFlip, ToTensor, functional as F,
} from "../../src/vision/transforms/index.js";

const H = 4, W = 5;
/** The 1×4×5 test image v(y, x) = 10y + x (float64, so sums are exact). */
const grid = (): Tensor => tensor([Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => 10 * y + x))], { dtype: "float64" });
const v = (y: number, x: number): number => 10 * y + x;
/** A [1, H, W] image computed pixel by pixel from `f(y, x)`. */
const build = (f: (y: number, x: number) => number, h = H, w = W): number[][][] => [Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => f(y, x)))];
const row = (values: number[]): Tensor => tensor([[values]], { dtype: "float64" });
const closeTo = (actual: Tensor, expected: number[][][] | number[][][][], digits = 12): void => {
  const a = (actual.toArray() as unknown[]).flat(3) as number[];
  const e = expected.flat(3) as number[];
  expect(actual.shape.reduce((p, s) => p * s, 1)).toBe(e.length);
  a.forEach((value, i) => expect(value).toBeCloseTo(e[i]!, digits));
};

describe("padding and cropping", () => {
  it("pads with numpy's constant / edge / reflect / symmetric rules", () => {
    const x = row([1, 2, 3]);
    expect(F.pad(x, [2, 0, 2, 0], { fill: 9 }).toArray()).toEqual([[[9, 9, 1, 2, 3, 9, 9]]]);
    expect(F.pad(x, [2, 0, 2, 0], { paddingMode: "edge" }).toArray()).toEqual([[[1, 1, 1, 2, 3, 3, 3]]]);
    expect(F.pad(x, [2, 0, 2, 0], { paddingMode: "reflect" }).toArray()).toEqual([[[3, 2, 1, 2, 3, 2, 1]]]);
    expect(F.pad(x, [2, 0, 2, 0], { paddingMode: "symmetric" }).toArray()).toEqual([[[2, 1, 1, 2, 3, 3, 2]]]);
  });

  it("takes padding as [left, top, right, bottom], [leftRight, topBottom] or one number", () => {
    const x = tensor([[[1, 2], [3, 4]]]);
    expect(F.pad(x, [1, 0, 0, 2]).toArray()).toEqual([[[0, 1, 2], [0, 3, 4], [0, 0, 0], [0, 0, 0]]]);
    expect(F.pad(x, [0, 1]).toArray()).toEqual([[[0, 0], [1, 2], [3, 4], [0, 0]]]);
    expect(F.pad(x, 1, { fill: [5] }).shape).toEqual([1, 4, 4]);
    expect(() => F.pad(x, 2, { paddingMode: "reflect" })).toThrow("pad: reflect padding [left 2, top 2, right 2, bottom 2] must be smaller than the image's sides (height 2, width 2)");
    expect(() => F.pad(x, [1, 2, 3])).toThrow("pad: padding must be a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom], got [1, 2, 3]");
  });

  it("crops the window at (top, left)", () => {
    closeTo(F.crop(grid(), 1, 2, 2, 3), build((y, x) => v(y + 1, x + 2), 2, 3));
    expect(() => F.crop(grid(), 3, 0, 2, 2)).toThrow("crop: the window top 3, left 0, height 2, width 2 does not fit in an image of height 4 and width 5");
  });

  it("RandomCrop pads, then draws top = randint(0, H'−h+1) and left = randint(0, W'−w+1)", () => {
    for (const seed of [0, 1, 2, 3]) {
      const g = new Generator(seed);
      const top = g.randint(0, 3), left = g.randint(0, 3); // padded 6×7, window 4×5
      const out = new RandomCrop([4, 5], { padding: 1 }).apply(grid(), new Generator(seed));
      const inside = (y: number, x: number): boolean => y >= 0 && y < H && x >= 0 && x < W;
      closeTo(out, build((y, x) => (inside(top + y - 1, left + x - 1) ? v(top + y - 1, left + x - 1) : 0)));
    }
  });

  it("RandomCrop of the padded size returns the padded image; padIfNeeded pads short sides by the shortfall on both ends", () => {
    const reflect = new RandomCrop([4, 7], { padding: [1, 0], paddingMode: "reflect" }).apply(grid());
    closeTo(reflect, build((y, x) => v(y, x === 0 ? 1 : x === 6 ? 3 : x - 1), 4, 7));
    const tall = new RandomCrop([6, 5], { padIfNeeded: true, fill: 7 }).apply(grid(), new Generator(0));
    const top = new Generator(0).randint(0, 8 - 6 + 1); // padded by 2 on top and bottom: height 8
    closeTo(tall, build((y, x) => (y + top - 2 >= 0 && y + top - 2 < H ? v(y + top - 2, x) : 7), 6, 5));
    expect(() => new RandomCrop(5).apply(grid())).toThrow("RandomCrop.apply: crop size [5, 5] is larger than the padded image [4, 5]");
  });
});

describe("flips", () => {
  it("mirror columns (horizontal) or rows (vertical)", () => {
    closeTo(F.hflip(grid()), build((y, x) => v(y, W - 1 - x)));
    closeTo(F.vflip(grid()), build((y, x) => v(H - 1 - y, x)));
    closeTo(new RandomHorizontalFlip({ p: 1 }).apply(grid()), build((y, x) => v(y, W - 1 - x)));
    closeTo(new RandomVerticalFlip({ p: 0 }).apply(grid()), build(v));
    const f32 = F.hflip(tensor([[[0.25, 0.5]]]));
    expect([f32.dtype, f32.toArray()]).toEqual(["float32", [[[0.5, 0.25]]]]);
  });

  it("with p = 0.5 flip each image of a batch when its own draw g.random() < 0.5", () => {
    const batch = stack([grid(), grid(), grid(), grid()], 0);
    const g = new Generator(7);
    const flipped = [0, 1, 2, 3].map(() => g.random() < 0.5);
    expect(flipped).toContain(true);
    expect(flipped).toContain(false);
    const out = new RandomHorizontalFlip({ seed: 7 }).apply(batch);
    closeTo(out, flipped.map((f) => build((y, x) => v(y, f ? W - 1 - x : x))));
  });
});

describe("affine", () => {
  const nine = (): Tensor => tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]]], { dtype: "float64" });

  it("rotates counter-clockwise about the centre: by 90° the top row becomes the left column", () => {
    const expected = [[[2, 5, 8], [1, 4, 7], [0, 3, 6]]];
    expect(F.affine(nine(), { angle: 90 }).toArray()).toEqual(expected);
    expect(F.affine(nine(), { angle: 90, interpolation: "bilinear" }).toArray()).toEqual(expected);
    expect(F.affine(nine(), { angle: -90 }).toArray()).toEqual([[[6, 3, 0], [7, 4, 1], [8, 5, 2]]]);
  });

  it("translates by whole pixels, filling what comes from outside", () => {
    closeTo(F.affine(grid(), { translate: [1, 0], fill: 9 }), build((y, x) => (x >= 1 ? v(y, x - 1) : 9)));
    closeTo(F.affine(grid(), { translate: [0, -1], fill: [9] }), build((y, x) => (y <= 2 ? v(y + 1, x) : 9)));
  });

  it("scales about the centre: output q reads p = c + (q − c)/s, nearest or bilinear", () => {
    // c = (2, 1.5). Bilinear interpolation of the linear image 10y + x is exact: out = 10·py + px.
    const p = (q: number, c: number): number => c + (q - c) / 2;
    closeTo(F.affine(grid(), { scale: 2, interpolation: "bilinear" }), build((y, x) => 10 * p(y, 1.5) + p(x, 2)));
    // nearest rounds p: q = (0, 0) reads p = (x 1, y 0.75) → pixel (y 1, x 1) = 11.
    expect((F.affine(grid(), { scale: 2 }).toArray() as number[][][])[0]![0]![0]).toBe(11);
    // bilinear weights on a single bright pixel at (y 1, x 2): q = (x 1, y 0) reads p = (x 1.5, y 0.75),
    // whose lower-right neighbour (y 1, x 2) has weight fy·fx = 0.75 · 0.5 = 0.375.
    const delta = tensor([build((y, x) => (y === 1 && x === 2 ? 1 : 0))[0]!], { dtype: "float64" });
    expect((F.affine(delta, { scale: 2, interpolation: "bilinear" }).toArray() as number[][][])[0]![0]![1]).toBeCloseTo(0.375, 14);
  });

  it("shears: x' = x + tan(φx)·(y − cy) shifts each row; y' = y + tan(φy)·(x − cx) shifts each column", () => {
    expect(F.affine(nine(), { shear: 45 }).toArray()).toEqual([[[1, 2, 0], [3, 4, 5], [0, 6, 7]]]);
    expect(F.affine(nine(), { shear: [0, 45] }).toArray()).toEqual([[[3, 1, 0], [6, 4, 2], [0, 7, 5]]]);
  });

  it("builds A = R(θ)·s·Shy·Shx", () => {
    const [a, b, c, d] = F.affineMatrix(30, 2, [0, 0]);
    expect([a, b, c, d].map((t) => +t.toFixed(12))).toEqual([2 * Math.cos(Math.PI / 6), 1, -1, 2 * Math.cos(Math.PI / 6)].map((t) => +t.toFixed(12)));
    const [s0, s1, s2, s3] = F.affineMatrix(0, 1, [45, 45]); // Shy·Shx = [[1, 0], [1, 1]]·[[1, 1], [0, 1]] = [[1, 1], [1, 2]]
    expect([s0, s1, s2, s3].map((t) => Math.round(t * 1e12) / 1e12)).toEqual([1, 1, 1, 2]);
  });

  it("RandomAffine draws angle, tx, ty, scale, shear in that order", () => {
    const g = new Generator(3);
    const angle = g.uniform(-20, 20);
    const tx = Math.round(g.uniform(-0.2 * W, 0.2 * W)), ty = Math.round(g.uniform(-0.25 * H, 0.25 * H));
    const scale = g.uniform(0.8, 1.2), shear = g.uniform(-10, 10);
    const expected = F.affine(grid(), { angle, translate: [tx, ty], scale, shear, interpolation: "bilinear" });
    const out = new RandomAffine({ degrees: 20, translate: [0.2, 0.25], scale: [0.8, 1.2], shear: 10, interpolation: "bilinear", seed: 3 }).apply(grid());
    expect(out.toArray()).toEqual(expected.toArray());
  });
});

describe("Gaussian blur", () => {
  it("uses the normalized kernel exp(−x²/2σ²)/Z", () => {
    const k = F.gaussianKernel1d(5, 2);
    const raw = [-2, -1, 0, 1, 2].map((x) => Math.exp(-(x * x) / 8));
    const z = raw.reduce((s, t) => s + t, 0);
    k.forEach((w, i) => expect(w).toBeCloseTo(raw[i]! / z, 15));
  });

  it("blurs a corner pixel into the separable kernel, with reflected borders", () => {
    // σ = 1, 3 taps: centre b = 1/(1 + 2e^−½), sides a = e^−½/(1 + 2e^−½). Reflection maps −1 to 1, so a
    // pixel at (0, 0) reaches (0, 0) only through the centre tap: out(y, x) = ey[y]·ex[x] with e = [b, a, 0, …].
    const a = Math.exp(-0.5) / (1 + 2 * Math.exp(-0.5)), b = 1 / (1 + 2 * Math.exp(-0.5));
    const e = [b, a, 0, 0, 0];
    const corner = tensor([build((y, x) => (y === 0 && x === 0 ? 1 : 0))[0]!], { dtype: "float64" });
    closeTo(F.gaussianBlur(corner, 3, 1), build((y, x) => e[y]! * e[x]!), 14);
  });

  it("blurs every pixel as Σ w_i w_j · img[reflect(y+i−1)][reflect(x+j−1)]", () => {
    const a = Math.exp(-0.5) / (1 + 2 * Math.exp(-0.5)), b = 1 / (1 + 2 * Math.exp(-0.5));
    const w = [a, b, a];
    const img = (y: number, x: number): number => (y * 7 + x * x * 3) % 11; // not linear, so borders matter
    const reflect = (i: number, n: number): number => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
    const expected = build((y, x) => {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += w[i]! * w[j]! * img(reflect(y + i - 1, H), reflect(x + j - 1, W));
      return s;
    });
    closeTo(F.gaussianBlur(tensor([build(img)[0]!], { dtype: "float64" }), 3, 1), expected, 12);
  });

  it("GaussianBlur draws σ uniformly from its range for each image", () => {
    const sigma = new Generator(5).uniform(0.5, 1.5);
    const out = new GaussianBlur(3, { sigma: [0.5, 1.5], seed: 5 }).apply(grid());
    expect(out.toArray()).toEqual(F.gaussianBlur(grid(), 3, sigma).toArray());
    expect(() => F.gaussianBlur(grid(), 9, 1)).toThrow("gaussianBlur: kernel [9, 9] needs reflect padding of [4, 4], which must be smaller than the image's width 5 and height 4");
  });
});

describe("brightness, contrast and noise", () => {
  const x = (): Tensor => tensor([[[0.2, 0.4], [0.6, 1.0]]], { dtype: "float64" });

  it("brightness multiplies and clamps to [0, 1]; contrast blends with the mean grey level", () => {
    closeTo(F.adjustBrightness(x(), 1.5), [[[0.3, 0.6], [0.9, 1.0]]]);
    // mean 0.55: 0.5·x + 0.5·0.55
    closeTo(F.adjustContrast(x(), 0.5), [[[0.375, 0.475], [0.575, 0.775]]]);
    // three channels: the mean of the luminance 0.2989 R + 0.587 G + 0.114 B; factor 0 gives that mean everywhere.
    const rgb = tensor([[[1, 0]], [[0, 1]], [[0, 0]]], { dtype: "float64" });
    closeTo(F.adjustContrast(rgb, 0), [[[0.44295, 0.44295]], [[0.44295, 0.44295]], [[0.44295, 0.44295]]]);
  });

  it("ColorJitter applies brightness, then contrast", () => {
    // brightness 1.5 → [0.3, 0.6, 0.9, 1.0], mean 0.7, contrast 0.5 → 0.5·x + 0.35
    closeTo(new ColorJitter({ brightness: [1.5, 1.5], contrast: [0.5, 0.5] }).apply(x()), [[[0.5, 0.65], [0.8, 0.85]]]);
  });

  it("GaussianNoise adds generator.normal(mean, σ) draws in row-major order, clipped to [0, 1]", () => {
    const g = new Generator(11);
    const noise = [0, 1, 2, 3].map(() => g.normal(0.1, 0.2));
    const base = [0.2, 0.4, 0.6, 1.0];
    const raw = new GaussianNoise({ mean: 0.1, sigma: 0.2, clip: false, seed: 11 }).apply(x()).dataSync();
    base.forEach((b, i) => expect(raw[i]).toBeCloseTo(b + noise[i]!, 14));
    const clipped = new GaussianNoise({ mean: 0.1, sigma: 0.2, seed: 11 }).apply(x()).dataSync();
    base.forEach((b, i) => expect(clipped[i]).toBeCloseTo(Math.min(1, Math.max(0, b + noise[i]!)), 14));
  });
});

describe("erasing, normalize, toTensor", () => {
  it("erase sets the box to the value", () => {
    closeTo(F.erase(grid(), 1, 2, 2, 3, 7), build((y, x) => (y >= 1 && y < 3 && x >= 2 ? 7 : v(y, x))));
  });

  it("RandomErasing draws area, aspect, top, left as torchvision and erases that box", () => {
    const big = tensor([Array.from({ length: 20 }, () => new Array<number>(20).fill(1))]);
    for (let seed = 0; seed < 10; seed++) {
      const g = new Generator(seed);
      const area = 400 * g.uniform(0.1, 0.2);
      const aspect = Math.exp(g.uniform(Math.log(0.5), Math.log(2)));
      const h = Math.round(Math.sqrt(area * aspect)), w = Math.round(Math.sqrt(area / aspect)); // ≤ 13 < 20: the first try fits
      const top = g.randint(0, 20 - h + 1), left = g.randint(0, 20 - w + 1);
      const out = new RandomErasing({ p: 1, scale: [0.1, 0.2], ratio: [0.5, 2], value: 0, seed }).apply(big);
      closeTo(out, build((y, x) => (y >= top && y < top + h && x >= left && x < left + w ? 0 : 1), 20, 20));
    }
    const noisy = new RandomErasing({ p: 1, scale: [0.2, 0.2], ratio: [1, 1], value: "random", seed: 1 }).apply(big).dataSync();
    expect(new Set(Array.from(noisy).filter((t) => t !== 1)).size).toBeGreaterThan(50); // N(0, 1) noise in a 9×9 box
    const never = new RandomErasing({ p: 1, scale: [1, 1], ratio: [1, 1] }).apply(big); // h = w = 20 never fits: 10 misses
    expect(never.toArray()).toEqual(big.toArray());
  });

  it("Cutout zeroes rows [cy − ⌊s/2⌋, cy + ⌊s/2⌋) × the same columns, clipped, with cy then cx drawn", () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const g = new Generator(seed);
      const cy = g.randint(0, H), cx = g.randint(0, W);
      const out = new Cutout(2, { seed }).apply(grid());
      closeTo(out, build((y, x) => (y >= cy - 1 && y < cy + 1 && x >= cx - 1 && x < cx + 1 ? 0 : v(y, x))));
    }
  });

  it("Normalize computes (x − mean[c]) / std[c]", () => {
    const x = tensor([[[1, 2]], [[3, 5]]], { dtype: "float64" });
    expect(new Normalize([1, 2], [2, 0.5]).apply(x).toArray()).toEqual([[[0, 0.5]], [[2, 6]]]);
    expect(F.normalize(x, 1, 2).toArray()).toEqual([[[0, 0.5]], [[1, 2]]]);
    expect(() => new Normalize([0.5], [0])).toThrow("Normalize: std must be finite and non-zero, got 0 for channel 0");
    expect(() => new Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2]).apply(x)).toThrow("Normalize.apply: mean has 3 values but the image has 2 channels");
  });

  it("toTensor turns 0–255 pixels (H, W, C order) into float32 [C, H, W] / 255", () => {
    const imageData = { data: Uint8ClampedArray.from([255, 0, 0, 255, 0, 51, 255, 255]), width: 2, height: 1 };
    const t = F.toTensor(imageData);
    expect(t.shape).toEqual([4, 1, 2]);
    expect(t.dtype).toBe("float32");
    closeTo(t, [[[1, 0]], [[0, 0.2]], [[0, 1]], [[1, 1]]], 7);
    expect(new ToTensor().apply(tensor([[0, 255]], { dtype: "int32" })).toArray()).toEqual([[[0, 1]]]);
    expect(F.toTensor(tensor([[[[0, 255]]]], { dtype: "int32" })).shape).toEqual([1, 2, 1, 1]); // [N, H, W, C] → [N, C, H, W]
    expect(() => F.toTensor(tensor([[0, 256]], { dtype: "int32" }))).toThrow("toTensor: pixel values must be integers 0–255, got 256");
    expect(() => F.toTensor(tensor([[0.5]]))).toThrow("toTensor: expects int32 pixels 0–255 in [H, W], [H, W, C] or [N, H, W, C], got float32");
  });
});

describe("Compose", () => {
  const pipeline = (seed: number): Compose =>
    new Compose(
      [new RandomCrop([4, 5], { padding: 1, paddingMode: "reflect" }), new RandomHorizontalFlip(), new RandomAffine({ degrees: 15, interpolation: "bilinear" }), new GaussianNoise({ sigma: 0.5, clip: false })],
      { seed },
    );

  it("gives the same result for the same seed and another for another seed", () => {
    const a = pipeline(42).apply(grid()).toArray();
    expect(pipeline(42).apply(grid()).toArray()).toEqual(a);
    expect(pipeline(43).apply(grid()).toArray()).not.toEqual(a);
    const g1 = new Generator(9), g2 = new Generator(9);
    expect(pipeline(0).apply(grid(), g1).toArray()).toEqual(pipeline(1).apply(grid(), g2).toArray()); // a generator passed to apply wins
  });

  it("transforms a batch [N, C, H, W] as its images one by one through the whole chain", () => {
    const batch = stack([grid(), F.hflip(grid()), F.vflip(grid())], 0);
    const one = pipeline(5);
    const expected = stack([grid(), F.hflip(grid()), F.vflip(grid())].map((img) => one.apply(img)), 0);
    expect(pipeline(5).apply(batch).toArray()).toEqual(expected.toArray());
  });

  it("passes an image through unchanged with probability 1 − p, and starts from bytes with ToTensor", () => {
    expect(new Compose([new GaussianNoise()], { p: 0 }).apply(grid()).toArray()).toEqual(grid().toArray());
    const bytes = tensor([[[[0], [255]]], [[[51], [102]]]], { dtype: "int32" }); // [N 2, H 1, W 2, C 1]
    const out = new Compose([new ToTensor(), new Normalize(0.5, 0.5)]).apply(bytes);
    expect(out.shape).toEqual([2, 1, 1, 2]);
    closeTo(out, [[[[-1, 1]]], [[[-0.6, -0.2]]]], 6);
  });
});

describe("argument checks", () => {
  it("refuses bad parameters with the transform's name", () => {
    expect(() => new RandomHorizontalFlip({ p: 1.5 })).toThrow("RandomHorizontalFlip: p must be a probability in [0, 1], got 1.5");
    expect(() => new RandomCrop(0)).toThrow("RandomCrop: size must be a positive integer or [height, width], got 0");
    expect(() => new RandomCrop(3, { paddingMode: "wrap" as never })).toThrow("RandomCrop: paddingMode must be one of constant, edge, reflect, symmetric, got \"wrap\"");
    expect(() => new GaussianBlur(4)).toThrow("GaussianBlur: kernelSize must be a positive odd integer or [kx, ky] of them, got 4");
    expect(() => new GaussianBlur(3, { sigma: -1 })).toThrow("GaussianBlur: sigma must be a positive number or [min, max] with 0 < min ≤ max, got -1");
    expect(() => new RandomAffine({ degrees: -5 })).toThrow("RandomAffine: degrees must be a non-negative number or [min, max] with min ≤ max, got -5");
    expect(() => new RandomAffine({ translate: [0.5, 2] })).toThrow("RandomAffine: translate must be [a, b], fractions of width and height in [0, 1]");
    expect(() => new RandomAffine({ scale: [2, 1] })).toThrow("RandomAffine: scale must be [min, max] with 0 < min ≤ max, got [2, 1]");
    expect(() => new RandomAffine({ shear: 90 })).toThrow("RandomAffine: shear angles must lie strictly between -90 and 90 degrees, got [-90, 90, 0, 0]");
    expect(() => F.affine(grid(), { scale: 0 })).toThrow("affine: scale must be a positive number, got 0");
    expect(() => F.affine(grid(), { interpolation: "bicubic" as never })).toThrow("affine: interpolation must be \"nearest\" or \"bilinear\", got \"bicubic\"");
    expect(() => new RandomErasing({ scale: [0.5, 0.2] })).toThrow("RandomErasing: scale must be [min, max] with 0 ≤ min ≤ max ≤ 1");
    expect(() => new ColorJitter({ brightness: [-1, 2] })).toThrow("ColorJitter: brightness must be a non-negative number or [min, max] with 0 ≤ min ≤ max, got [-1, 2]");
    expect(() => new Compose([{} as never])).toThrow("Compose: expects an array of transforms (objects with apply(x))");
    expect(() => new Cutout(2, { seed: 1, generator: new Generator(1) })).toThrow("Cutout: pass seed or generator, not both");
  });

  it("refuses images that are not float [C, H, W] or [N, C, H, W]", () => {
    expect(() => new RandomHorizontalFlip().apply(tensor([[1, 2]]))).toThrow("RandomHorizontalFlip.apply: expects an image [C, H, W] or a batch [N, C, H, W], got shape [1, 2]");
    expect(() => F.hflip(tensor([[[1, 2]]], { dtype: "int32" }))).toThrow("hflip: expects a float32 or float64 image, got int32 (convert 0–255 pixels with toTensor first)");
    expect(() => F.adjustContrast(tensor([[[0.1]], [[0.2]]]), 1)).toThrow("adjustContrast: contrast needs an image with 1 or 3 channels, got 2");
  });
});
